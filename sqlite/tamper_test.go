package sqlite_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/storetest"
)

// TestTamper runs the tamper suite (storetest.RunTamper) on copies of a
// SQLite file, edited through a plain connection and checked through a
// read-only open, which must leave the copy and its directory as they
// were.
func TestTamper(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fixture.db")
	var fixture []byte
	storetest.RunTamper(t, storetest.TamperHarness{
		Fixture: func(t *testing.T, build func(parley.Store, *sql.DB)) {
			db := openAt(t, path)
			raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
			if err != nil {
				t.Fatal(err)
			}
			build(db, raw)
			raw.Close()
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			fixture = fileBytes(t, path)
		},
		Try: func(t *testing.T, _ []string, edit func(*sql.DB) error, check func(parley.Store, error)) {
			copyDir := t.TempDir()
			cp := filepath.Join(copyDir, "copy.db")
			if err := os.WriteFile(cp, fixture, 0o600); err != nil {
				t.Fatal(err)
			}
			raw, err := sql.Open("sqlite", "file:"+cp)
			if err != nil {
				t.Fatal(err)
			}
			raw.SetMaxOpenConns(1)
			// Someone editing the file drops what stands in the way.
			for _, trg := range []string{"transitions_no_update", "transitions_no_delete"} {
				if _, err := raw.Exec(`DROP TRIGGER ` + trg); err != nil {
					t.Fatal(err)
				}
			}
			if err := edit(raw); err != nil {
				t.Fatalf("the edit: %v", err)
			}
			raw.Close()
			before, files := fileHash(t, cp), dirFiles(t, copyDir)
			s, err := sqlite.Open(ctx, cp, sqlite.ReadOnly(), sqlite.MasterKey(testKey))
			check(s, err)
			if err == nil {
				s.Close()
			}
			if fileHash(t, cp) != before || !slices.Equal(dirFiles(t, copyDir), files) {
				t.Error("verifying and reading the edited copy changed its files")
			}
		},
	})
}
