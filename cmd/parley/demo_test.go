package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoCommand: parley demo loads the demo into a new database and,
// run again, keeps it; a scale out of range is a usage error.
func TestDemoCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	code, out, errs := runCLI(t, "demo", "--db", db, "--password", "demo-pass-1234")
	if code != 0 || !strings.Contains(out, "Loaded the demo scenario: 6 tracks") {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, "demo", "--db", db)
	if code != 0 || !strings.Contains(out, "already holds the demo scenario") {
		t.Errorf("demo again: exit %d\n%s\n%s", code, out, errs)
	}
	for _, scale := range []string{"-1", "1001"} {
		code, _, errs = runCLI(t, "demo", "--db", db, "--scale", scale)
		if code != 2 || !strings.Contains(errs, "--scale must be between 1 and 1000") {
			t.Errorf("--scale %s: exit %d, %q", scale, code, errs)
		}
	}
}
