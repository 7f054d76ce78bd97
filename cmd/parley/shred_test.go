package main

import (
	"context"
	"os"
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

// TestShredRetireOldKey: with --retire-old-key the shred is followed by a
// rotation that destroys the old key: a copy of the database made before
// opens with neither the old key (gone) nor the new one, while the
// database verifies with the new key, which the key file now holds.
func TestShredRetireOldKey(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "parley.db")
	s := openDB(t, db)
	if _, err := demo.Load(parley.NewContextWithCaller(context.Background(), parley.System), s, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	keyFile := defaultKeyPath(db)
	old, err := seal.LoadKeyFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "before.db")
	if code, _, errs := runCLI(t, "backup", "--db", db, backup); code != 0 {
		t.Fatalf("backup: %q", errs)
	}
	code, out, errs := runCLI(t, "shred", "--db", db, "--retire-old-key", "--yes", "2")
	if code != 0 || !strings.Contains(out, "Shredded track 2") || !strings.Contains(out, "destroyed the old one") || !strings.Contains(out, "unreadable") {
		t.Fatalf("shred --retire-old-key: exit %d, %q %q", code, out, errs)
	}
	next, err := seal.LoadKeyFile(keyFile)
	if err != nil || next.ID() == old.ID() {
		t.Fatalf("the key file after retiring: %v, id %s (old %s)", err, next.ID(), old.ID())
	}
	if _, err := os.Stat(keyFile + ".new"); err == nil {
		t.Error("the new key's temporary file is left")
	}
	if code, out, errs := runCLI(t, "audit", "verify", "--db", db); code != 0 {
		t.Fatalf("verify with the new key: exit %d %q %q", code, out, errs)
	}
	code, _, errs = runCLI(t, "audit", "verify", "--db", backup, "--key-file", keyFile)
	if code != 1 || !strings.Contains(errs, "wrong master key") {
		t.Fatalf("the old copy with the new key: exit %d %q, want it refused", code, errs)
	}
	// Without --retire-old-key, the command says what older copies still
	// hold.
	code, out, _ = runCLI(t, "shred", "--db", db, "--yes", "3")
	if code != 0 || !strings.Contains(out, "still hold the track's key") || !strings.Contains(out, "--retire-old-key") {
		t.Fatalf("shred: exit %d, %q; want it to say what older copies hold", code, out)
	}
}
