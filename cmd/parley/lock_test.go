package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley/seal"
)

// TestMaintenanceRefusedWhileServing: keys rotate and shred refuse while a
// server holds the store (SQLite: the lock beside the file; PostgreSQL: a
// session advisory lock), leaving the store and the key files as they
// were, and work once the server has stopped.
func TestMaintenanceRefusedWhileServing(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		db, key := filepath.Join(dir, "parley.db"), filepath.Join(dir, "parley.key")
		runMaintenanceWhileServing(t, db, key)
	})
	t.Run("postgres", func(t *testing.T) {
		db := postgresSchemaDSN(t)
		key := filepath.Join(t.TempDir(), "parley.key")
		if err := seal.WriteKeyFile(key, seal.GenerateMasterKey()); err != nil {
			t.Fatal(err)
		}
		runMaintenanceWhileServing(t, db, key)
	})
}

func runMaintenanceWhileServing(t *testing.T, db, key string) {
	r, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--db", db, "--key-file", key, "--demo", "--demo-password", testAdminPassword)
	next := filepath.Join(t.TempDir(), "next.key")
	keyBytes, _ := os.ReadFile(key)
	for _, args := range [][]string{
		{"keys", "rotate", "--key-file", key, "--new-key-file", next, "--db", db},
		{"shred", "--db", db, "--key-file", key, "--yes", "1"},
		{"shred", "--db", db, "--key-file", key, "--retire-old-key", "--yes", "1"},
	} {
		code, out, errs := runCLI(t, args...)
		if code != 1 || !strings.Contains(errs, "in use by a running server") || !strings.Contains(errs, "stop") {
			t.Errorf("%s while serving: exit %d, %q %q; want a refusal naming the running server", args[0], code, out, errs)
		}
	}
	if _, err := os.Stat(next); err == nil {
		t.Error("the refused rotation created the new key file")
	}
	if b, _ := os.ReadFile(key); string(b) != string(keyBytes) {
		t.Error("a refused command changed the key file")
	}
	if code := r.stop(t); code != 0 {
		t.Fatalf("serve: exit %d:\n%s", code, r.stderr)
	}
	if code, out, errs := runCLI(t, "audit", "verify", "--db", db, "--key-file", key); code != 0 || !strings.Contains(out, "ok: ") {
		t.Fatalf("verify after the refusals: exit %d %q %q", code, out, errs)
	}
	if code, _, errs := runCLI(t, "shred", "--db", db, "--key-file", key, "--yes", "1"); code != 0 {
		t.Fatalf("shred with the server stopped: %q", errs)
	}
	if code, _, errs := runCLI(t, "keys", "rotate", "--key-file", key, "--new-key-file", next, "--db", db); code != 0 {
		t.Fatalf("rotate with the server stopped: %q", errs)
	}
	// A server holds the store again, with the new key; a second server
	// shares the lock.
	r, _ = startServe(t, nil, "--addr", "127.0.0.1:0", "--db", db, "--key-file", next)
	r2, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--db", db, "--key-file", next)
	if code, _, errs := runCLI(t, "keys", "rotate", "--key-file", next, "--new-key-file", filepath.Join(t.TempDir(), "third.key"), "--db", db); code != 1 ||
		!strings.Contains(errs, "in use by a running server") {
		t.Errorf("rotate beside two servers: exit %d %q", code, errs)
	}
	r.stop(t)
	r2.stop(t)
}

// postgresSchemaDSN returns the DSN of a fresh schema of the PostgreSQL
// server that PARLEY_TEST_POSTGRES names, dropped when t ends; it skips t
// if the variable is unset.
func postgresSchemaDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("PARLEY_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("PostgreSQL tests are off; set PARLEY_TEST_POSTGRES, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := fmt.Sprintf("parley_cmd_%d", time.Now().UnixNano())
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`) })
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}
