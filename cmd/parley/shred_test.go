package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
)

func TestShredCommand(t *testing.T) {
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	dir := t.TempDir()
	db, keyFile := filepath.Join(dir, "p.db"), filepath.Join(dir, "p.key")
	key := seal.GenerateMasterKey()
	if err := seal.WriteKeyFile(keyFile, key); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(ctx, db, sqlite.MasterKey(key))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, s, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	s.Close()

	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"shred", "--db", db, "--key-file", keyFile, "1"}, 2, "--yes"},
		{[]string{"shred", "--db", db, "--key-file", keyFile, "--yes", "x"}, 2, "positive number"},
		{[]string{"shred", "--db", db, "--key-file", keyFile, "--yes"}, 2, "exactly one"},
		{[]string{"shred", "--db", db, "--key-file", keyFile, "--yes", "99"}, 1, "not found"},
	} {
		if code, _, stderr := runCLI(t, tt.args...); code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, stderr, tt.code, tt.want)
		}
	}
	code, stdout, stderr := runCLI(t, "shred", "--db", db, "--key-file", keyFile, "--yes", "1")
	if code != 0 || !strings.Contains(stdout, "Shredded track 1") {
		t.Fatalf("shred: exit %d, %q %q", code, stdout, stderr)
	}

	s, err = sqlite.Open(ctx, db, sqlite.MasterKey(key))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ps, err := s.FindProfiles(ctx, 1)
	if err == nil && len(ps) > 0 {
		t.Errorf("profiles of the shredded track still open: %d", len(ps))
	}
	if ps, err := s.FindProfiles(ctx, 2); err != nil || len(ps) == 0 {
		t.Errorf("profiles of track 2: %d, %v", len(ps), err)
	}
	if _, err := s.FindTrackByID(ctx, 1); err != nil {
		t.Errorf("the shredded track's map: %v", err)
	}
	if code, out, errs := runCLI(t, "audit", "verify", "--db", db, "--key-file", keyFile); code != 0 {
		t.Errorf("audit verify after the shred: exit %d %s %s", code, out, errs)
	}
}
