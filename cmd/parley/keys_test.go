package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/seal"
)

func TestKeysInit(t *testing.T) {
	key := filepath.Join(t.TempDir(), "parley.key")
	code, out, errs := runCLI(t, "keys", "init", "--key-file", key)
	if code != 0 || !strings.Contains(out, key) {
		t.Fatalf("keys init: code %d, out %q, err %q", code, out, errs)
	}
	fi, err := os.Stat(key)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v", err, fi.Mode())
	}
	before, _ := os.ReadFile(key)
	if strings.Contains(out, strings.TrimSpace(string(before))) {
		t.Fatal("keys init printed the key")
	}
	if code, _, _ := runCLI(t, "keys", "init", "--key-file", key); code != 1 {
		t.Errorf("second keys init: code %d, want 1", code)
	}
	if after, _ := os.ReadFile(key); !bytes.Equal(before, after) {
		t.Error("second keys init overwrote the key file")
	}
}

// sealedDB makes a database holding the demo's sealed profiles, with its
// key found (and created) the way parley serve finds it.
func sealedDB(t *testing.T) (db, key string) {
	t.Helper()
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	dir := t.TempDir()
	db, key = filepath.Join(dir, "parley.db"), filepath.Join(dir, defaultKeyFileName)
	var out bytes.Buffer
	k, err := findMasterKey(ctx, &out, nil, db, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Created the master key file "+key) {
		t.Fatalf("no line about the new key file: %q", out.String())
	}
	store, err := openStoreWithKey(ctx, db, k)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, store, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	store.Close()
	return db, key
}

func TestMissingKeyRefusedOnceSealed(t *testing.T) {
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	db, key := sealedDB(t)
	k, err := seal.LoadKeyFile(key)
	if err != nil {
		t.Fatal(err)
	}
	// The key file found beside the database opens it.
	if got, err := findMasterKey(ctx, &bytes.Buffer{}, nil, db, ""); err != nil || got.ID() != k.ID() {
		t.Fatalf("find the key beside the database: %v", err)
	}
	if err := os.Rename(key, key+".away"); err != nil {
		t.Fatal(err)
	}
	_, err = findMasterKey(ctx, &bytes.Buffer{}, nil, db, "")
	if err == nil || !strings.Contains(err.Error(), string(k.ID())) || !strings.Contains(err.Error(), "refusing") {
		t.Fatalf("missing key with sealed data: %v, want a refusal naming the key id", err)
	}
	if _, err := os.Stat(key); err == nil {
		t.Fatal("a new key file was created for a database with sealed data")
	}
	// A wrong key is refused, naming both ids.
	wrong := filepath.Join(t.TempDir(), "wrong.key")
	if code, _, _ := runCLI(t, "keys", "init", "--key-file", wrong); code != 0 {
		t.Fatal("keys init")
	}
	code, _, errs := runCLI(t, "audit", "verify", "--db", db, "--key-file", wrong)
	if code != 1 || !strings.Contains(errs, "wrong master key") || !strings.Contains(errs, string(k.ID())) {
		t.Fatalf("verify with a wrong key: code %d, stderr %q", code, errs)
	}
}

func TestKeysRotateAndAuditVerify(t *testing.T) {
	db, key := sealedDB(t)
	code, out, errs := runCLI(t, "audit", "verify", "--db", db, "--key-file", key)
	if code != 0 || !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("audit verify: code %d, out %q, err %q", code, out, errs)
	}
	oldBytes, _ := os.ReadFile(key)
	next := filepath.Join(filepath.Dir(db), "next.key")
	code, out, errs = runCLI(t, "keys", "rotate", "--key-file", key, "--new-key-file", next, "--db", db)
	if code != 0 || !strings.Contains(out, "destroy") {
		t.Fatalf("keys rotate: code %d, out %q, err %q", code, out, errs)
	}
	if b, _ := os.ReadFile(key); !bytes.Equal(b, oldBytes) {
		t.Error("rotation changed the old key file")
	}
	if code, _, errs := runCLI(t, "audit", "verify", "--db", db, "--key-file", next); code != 0 {
		t.Fatalf("verify with the new key: %q", errs)
	}
	if code, _, errs := runCLI(t, "audit", "verify", "--db", db, "--key-file", key); code != 1 || !strings.Contains(errs, "wrong master key") {
		t.Fatalf("verify with the old key: code %d, %q", code, errs)
	}
	// Rotating onto an existing file is refused and changes nothing.
	nextBytes, _ := os.ReadFile(next)
	if code, _, _ := runCLI(t, "keys", "rotate", "--key-file", next, "--new-key-file", key, "--db", db); code != 1 {
		t.Fatal("rotation onto an existing key file succeeded")
	}
	if b, _ := os.ReadFile(next); !bytes.Equal(b, nextBytes) {
		t.Error("refused rotation changed the key file")
	}
	if code, _, errs := runCLI(t, "audit", "verify", "--db", db, "--key-file", next); code != 0 {
		t.Fatalf("verify after a refused rotation: %q", errs)
	}

	// A backup verifies too; a second one to the same file is refused.
	backup := filepath.Join(t.TempDir(), "backup.db")
	if code, _, errs := runCLI(t, "backup", "--db", db, backup); code != 0 {
		t.Fatalf("backup: %q", errs)
	}
	if code, _, _ := runCLI(t, "backup", "--db", db, backup); code != 1 {
		t.Error("backup overwrote its output")
	}
	if code, _, errs := runCLI(t, "audit", "verify", "--db", backup, "--key-file", next); code != 0 {
		t.Fatalf("verify the backup: %q", errs)
	}

	// An edit behind the application's back is named.
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE audit_entries SET leaf = CAST(substr(leaf, 1, 60) || 'X' || substr(leaf, 62) AS BLOB) WHERE idx = 3`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, _, errs = runCLI(t, "audit", "verify", "--db", db, "--key-file", next)
	if code != 1 || !strings.Contains(errs, "audit entry 3 (object ") {
		t.Fatalf("verify after tampering: code %d, stderr %q", code, errs)
	}
}
