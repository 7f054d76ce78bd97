package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/storetest"
)

// TestLegacyEntriesVerify: hand-built version 1 entries still verify, as
// legacy (see storetest.RunLegacyEntries).
func TestLegacyEntriesVerify(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	db, err := sqlite.Open(parley.NewContextWithCaller(context.Background(), parley.System), path, sqlite.MasterKey(seal.GenerateMasterKey()))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	storetest.RunLegacyEntries(t, db, raw)
}
