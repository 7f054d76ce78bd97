package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/ledger"
	"github.com/parley-talks/parley/postgres"
	"github.com/parley-talks/parley/seal"
)

// TestAuditCheckpointSinceCatchesRollback: a checkpoint exported with
// "audit checkpoint" and kept outside the database proves the log extends
// it (verify --since); a database copied back from before the checkpoint —
// which verifies by itself — fails against it, and so does a checkpoint of
// another store.
func TestAuditCheckpointSinceCatchesRollback(t *testing.T) {
	db, key := sealedDB(t)
	older := filepath.Join(t.TempDir(), "older.db")
	if code, _, errs := runCLI(t, "backup", "--db", db, older); code != 0 {
		t.Fatalf("backup: %q", errs)
	}
	// The store moves on: a write after the copy.
	if code, _, errs := runCLI(t, "user", "disable", "--db", db, "--key-file", key, "observer@demo.parley"); code != 0 {
		t.Fatalf("user disable: %q", errs)
	}
	kept := filepath.Join(t.TempDir(), "kept.checkpoint")
	code, out, errs := runCLI(t, "audit", "checkpoint", "--db", db, "--key-file", key, "--out", kept)
	if code != 0 || !strings.Contains(out, "Wrote the checkpoint of ") || !strings.Contains(out, "Its verifier key: ") {
		t.Fatalf("audit checkpoint: exit %d %q %q", code, out, errs)
	}
	signed, err := os.ReadFile(kept)
	if err != nil {
		t.Fatal(err)
	}
	// The file is a checkpoint signed with the verifier key the command
	// printed, of the whole log.
	vkey := strings.TrimSpace(out[strings.Index(out, "Its verifier key: ")+len("Its verifier key: "):])
	vkey = vkey[:strings.IndexByte(vkey, '\n')]
	v, err := ledger.NewVerifier(vkey)
	if err != nil {
		t.Fatalf("the printed verifier key %q: %v", vkey, err)
	}
	cp, err := ledger.OpenCheckpoint(signed, v)
	if err != nil {
		t.Fatalf("the exported checkpoint: %v", err)
	}
	code, out, errs = runCLI(t, "audit", "verify", "--db", db, "--key-file", key, "--since", kept)
	if code != 0 || !strings.Contains(out, "consistent with the kept checkpoint of ") {
		t.Fatalf("verify --since the kept checkpoint: exit %d %q %q", code, out, errs)
	}
	if !strings.Contains(out, "ok: "+strconv.FormatInt(cp.Size, 10)+" entries") {
		t.Errorf("verify: %q; want the checkpoint's %d entries", out, cp.Size)
	}
	// The database and the key from serve's config file.
	cfg := writeFile(t, t.TempDir(), "parley.toml", fmt.Sprintf("db = %q\nkey-file = %q\n", db, key))
	if code, out, errs := runCLI(t, "audit", "verify", "--config", cfg, "--since", kept); code != 0 || !strings.Contains(out, "consistent with the kept checkpoint") {
		t.Errorf("verify --config: exit %d %q %q", code, out, errs)
	}
	// Standard output without --out; an existing file is not overwritten.
	if code, out, _ := runCLI(t, "audit", "checkpoint", "--db", db, "--key-file", key); code != 0 || out != string(signed) {
		t.Errorf("audit checkpoint to standard output: exit %d %q, want %q", code, out, signed)
	}
	if code, _, errs := runCLI(t, "audit", "checkpoint", "--db", db, "--key-file", key, "--out", kept); code != 1 || !strings.Contains(errs, "refusing to overwrite") {
		t.Errorf("audit checkpoint onto the kept file: exit %d %q", code, errs)
	}

	// The older copy, put back in the database's place, verifies by itself…
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(db + suffix)
	}
	b, err := os.ReadFile(older)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCLI(t, "audit", "verify", "--db", db, "--key-file", key); code != 0 {
		t.Fatalf("the older copy by itself: exit %d %q %q", code, out, errs)
	}
	// …but not against the checkpoint kept since.
	before, _ := os.ReadFile(db)
	code, out, errs = runCLI(t, "audit", "verify", "--db", db, "--key-file", key, "--since", kept)
	if code != 1 || !strings.Contains(errs, "does not verify") || !strings.Contains(errs, strconv.FormatInt(cp.Size, 10)) {
		t.Fatalf("the older copy against the kept checkpoint: exit %d %q %q; want a failure naming its size", code, out, errs)
	}
	if after, _ := os.ReadFile(db); string(after) != string(before) {
		t.Error("verify --since changed the database file")
	}

	// A checkpoint of another store (another key) is refused.
	other, otherKey := sealedDB(t)
	otherCP := filepath.Join(t.TempDir(), "other.checkpoint")
	if code, _, errs := runCLI(t, "audit", "checkpoint", "--db", other, "--key-file", otherKey, "--out", otherCP); code != 0 {
		t.Fatalf("checkpoint of the other store: %q", errs)
	}
	if code, _, errs := runCLI(t, "audit", "verify", "--db", db, "--key-file", key, "--since", otherCP); code != 1 || !strings.Contains(errs, "does not verify") {
		t.Errorf("verify --since another store's checkpoint: exit %d %q", code, errs)
	}
	if code, _, errs := runCLI(t, "audit", "verify", "--db", db, "--key-file", key, "--since", filepath.Join(t.TempDir(), "missing")); code != 1 || !strings.Contains(errs, "read the kept checkpoint") {
		t.Errorf("verify --since a missing file: exit %d %q", code, errs)
	}
}

// TestAuditSinceCatchesRollbackPostgres: on PostgreSQL, a schema restored
// from a backup taken before a kept checkpoint — which verifies by itself —
// fails verify --since that checkpoint, while the live schema passes.
func TestAuditSinceCatchesRollbackPostgres(t *testing.T) {
	ctx := context.Background()
	live := postgresSchema(t)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "parley.key")
	key := seal.GenerateMasterKey()
	if err := seal.WriteKeyFile(keyFile, key); err != nil {
		t.Fatal(err)
	}
	store, err := postgres.Open(ctx, live, postgres.MasterKey(key))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(asSystem(ctx), store, testAdminPassword); err != nil {
		t.Fatal(err)
	}
	store.Close()
	older := filepath.Join(dir, "older.db")
	if code, _, errs := runCLI(t, "backup", "--db", live, older); code != 0 {
		t.Fatalf("backup: %s", errs)
	}
	if code, _, errs := runCLI(t, "user", "disable", "--db", live, "--key-file", keyFile, "observer@demo.parley"); code != 0 {
		t.Fatalf("user disable: %s", errs)
	}
	kept := filepath.Join(dir, "kept.checkpoint")
	if code, _, errs := runCLI(t, "audit", "checkpoint", "--db", live, "--key-file", keyFile, "--out", kept); code != 0 {
		t.Fatalf("audit checkpoint: %s", errs)
	}
	if code, out, errs := runCLI(t, "audit", "verify", "--db", live, "--key-file", keyFile, "--since", kept); code != 0 || !strings.Contains(out, "consistent with the kept checkpoint") {
		t.Fatalf("verify --since on the live schema: exit %d %q %q", code, out, errs)
	}
	rolledBack := postgresSchema(t)
	if code, _, errs := runCLI(t, "restore", "--db", rolledBack, "--key-file", keyFile, older); code != 0 {
		t.Fatalf("restore the older copy: %s", errs)
	}
	if code, out, errs := runCLI(t, "audit", "verify", "--db", rolledBack, "--key-file", keyFile); code != 0 {
		t.Fatalf("the older copy by itself: exit %d %q %q", code, out, errs)
	}
	if code, out, errs := runCLI(t, "audit", "verify", "--db", rolledBack, "--key-file", keyFile, "--since", kept); code != 1 || !strings.Contains(errs, "does not verify") {
		t.Fatalf("the older copy against the kept checkpoint: exit %d %q %q", code, out, errs)
	}
}
