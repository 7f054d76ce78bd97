package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-talks/parley/internal/cli"
	"github.com/parley-talks/parley/internal/fixture"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	return Run(context.Background(), env, args), out.String(), errb.String()
}

// TestCommands: parley-analyze has parley's analysis commands and version,
// and nothing else; analyze answers on an ANAC scenario from ../shared;
// a mistake exits 2 with the command's synopsis.
func TestCommands(t *testing.T) {
	code, out, _ := run(t, "--help")
	if code != 0 || !strings.Contains(out, "analyze") || !strings.Contains(out, "simulate") || !strings.Contains(out, "version") || strings.Contains(out, "  serve ") {
		t.Fatalf("--help: %d %q", code, out)
	}
	for _, c := range []string{"analyze", "simulate", "version"} {
		if code, out, _ := run(t, c, "-h"); code != 0 || !strings.Contains(out, "Example") {
			t.Errorf("%s -h: %d %q", c, code, out)
		}
	}
	if code, out, _ := run(t, "version"); code != 0 || !strings.HasPrefix(out, "parley-analyze dev ") {
		t.Errorf("version: %d %q, want it to name parley-analyze", code, out)
	}
	dir := filepath.Join(fixture.GeniusDir(t), "y2011", "Laptop")
	code, out, errs := run(t, "analyze", "--format", "json", filepath.Join(dir, "laptop_domain.xml"), filepath.Join(dir, "laptop_buyer_utility.xml"), filepath.Join(dir, "laptop_seller_utility.xml"))
	if code != 0 || !strings.Contains(out, `"frontier"`) {
		t.Errorf("analyze: %d %.200q %q", code, out, errs)
	}
	if code, _, errs := run(t, "serve"); code != 2 || !strings.Contains(errs, `unknown command "serve"`) {
		t.Errorf("serve: %d %q", code, errs)
	}
	if code, _, errs := run(t, "analyze", "--format", "yaml", "x.json"); code != 2 || !strings.Contains(errs, "parley analyze: unknown --format") {
		t.Errorf("a mistake: %d %q", code, errs)
	}
}
