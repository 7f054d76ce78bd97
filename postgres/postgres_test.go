package postgres_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/postgres"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/storetest"
)

// testKey is the master key of the tests' stores.
var testKey = seal.GenerateMasterKey()

var ctx = parley.NewContextWithCaller(context.Background(), parley.System)

// envDSN names the variable that enables these tests.
const envDSN = "PARLEY_TEST_POSTGRES"

// serverDSN returns the test server's DSN, or skips t.
func serverDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(envDSN)
	if dsn == "" {
		t.Skip("PostgreSQL tests are off; to run them against a server, set " + envDSN +
			", e.g. PARLEY_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' go test ./postgres/")
	}
	return dsn
}

// newSchema creates a schema with a random name for one test and drops it,
// with everything in it, when the test ends.
func newSchema(t testing.TB) (dsn, schema string) {
	t.Helper()
	dsn = serverDSN(t)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	b := make([]byte, 8)
	rand.Read(b)
	schema = "parley_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return dsn, schema
}

// open returns a store in a fresh schema.
func open(t *testing.T) parley.Store {
	t.Helper()
	dsn, schema := newSchema(t)
	db, err := postgres.Open(ctx, dsn, postgres.Schema(schema), postgres.MasterKey(testKey), postgres.MaxConns(4))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	serverDSN(t) // skip once, not in every subtest
	storetest.Run(t, open)
}

// TestNewerVersion checks that a schema written by a newer Parley is refused
// and left as it was.
func TestNewerVersion(t *testing.T) {
	dsn, schema := newSchema(t)
	db, err := postgres.Open(ctx, dsn, postgres.Schema(schema), postgres.MasterKey(testKey))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateParty(ctx, &parley.Party{Name: "Qatar", Kind: parley.PartyState}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `INSERT INTO `+schema+`.schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	dump := func() string {
		t.Helper()
		var b strings.Builder
		for _, q := range []string{
			`SELECT string_agg(version || ' ' || name || ' ' || applied_at, ',' ORDER BY version) FROM ` + schema + `.schema_migrations`,
			`SELECT string_agg(id || ' ' || name || ' ' || updated_at, ',' ORDER BY id) FROM ` + schema + `.parties`,
			`SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = '` + schema + `'`,
		} {
			var s sql.NullString
			if err := admin.QueryRowContext(ctx, q).Scan(&s); err != nil {
				t.Fatal(err)
			}
			b.WriteString(s.String + "\n")
		}
		return b.String()
	}
	before := dump()
	_, err = postgres.Open(ctx, dsn, postgres.Schema(schema), postgres.MasterKey(testKey))
	known, _ := filepath.Glob("migrations/*.sql")
	want := fmt.Sprintf("database schema version 9999 is newer than this parley (knows up to %d); upgrade parley", len(known))
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Open = %v, want an error saying %q", err, want)
	}
	if after := dump(); after != before {
		t.Errorf("schema changed by a refused Open:\nbefore %s\nafter  %s", before, after)
	}
}

// TestMissingSchema checks the message for a schema that does not exist.
func TestMissingSchema(t *testing.T) {
	dsn := serverDSN(t)
	_, err := postgres.Open(ctx, dsn, postgres.Schema("parley_no_such_schema"), postgres.MasterKey(testKey))
	if err == nil || !strings.Contains(err.Error(), "create it first") {
		t.Fatalf("Open = %v, want an error saying the schema does not exist", err)
	}
}

// TestUnreachable checks that a server that is not there gives a clear error.
func TestUnreachable(t *testing.T) {
	_, err := postgres.Open(ctx, "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=2")
	if err == nil || !strings.Contains(err.Error(), "cannot be reached") {
		t.Fatalf("Open = %v, want an error saying the server cannot be reached", err)
	}
}

// TestReopen checks that a second Open of a migrated schema changes nothing
// and sees the data.
func TestReopen(t *testing.T) {
	dsn, schema := newSchema(t)
	db, err := postgres.Open(ctx, dsn, postgres.Schema(schema), postgres.MasterKey(testKey))
	if err != nil {
		t.Fatal(err)
	}
	w := storetest.NewWorld(t, db)
	before := storetest.Snapshot(t, db)
	db.Close()
	db, err = postgres.Open(ctx, dsn+"&search_path="+schema, postgres.MasterKey(testKey))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Schema() != schema {
		t.Errorf("schema from the DSN = %q, want %q", db.Schema(), schema)
	}
	after := storetest.Snapshot(t, db)
	if d := cmp.Diff(before, after); d != "" {
		t.Errorf("state after reopening (-before +after):\n%s", d)
	}
	if len(after.Tracks) != 1 || after.Tracks[0].ID != w.Track.ID {
		t.Errorf("after reopening: %+v", after.Tracks)
	}
}
