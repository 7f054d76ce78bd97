package sqlite_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/storetest"
)

// TestUpgrade binds a database written at schema version 7 (see
// storetest.RunUpgrade).
func TestUpgrade(t *testing.T) {
	storetest.RunUpgrade(t, storetest.Upgrade{Load: loadSchema7})
}

// loadSchema7 writes storetest.Schema7DB to a new file, runs edit on it
// and returns how to open it and a raw handle on it.
func loadSchema7(t *testing.T, edit string) (func(*seal.MasterKey, bool) (parley.Store, error), *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(path, storetest.Schema7DB, 0o600); err != nil {
		t.Fatal(err)
	}
	if edit != "" {
		rawExec(t, path, edit)
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	open := func(key *seal.MasterKey, readOnly bool) (parley.Store, error) {
		opts := []sqlite.Option{sqlite.MasterKey(key)}
		if readOnly {
			opts = append(opts, sqlite.ReadOnly())
		}
		return sqlite.Open(ctx, path, opts...)
	}
	return open, raw
}
