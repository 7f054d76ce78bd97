package postgres_test

import (
	"database/sql"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/postgres"
	"github.com/parley-talks/parley/storetest"
)

// TestTamper runs the tamper suite (storetest.RunTamper) on a schema
// edited in place through a plain connection — with the foreign keys and
// the append-only triggers out of the way, as someone with the database's
// rights would have them — and checked through a read-only store; every
// edit is undone, table by table, before the next.
func TestTamper(t *testing.T) {
	dsn, schema := newSchema(t)
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	exec := func(q string) {
		t.Helper()
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`SET search_path TO ` + schema)
	storetest.RunTamper(t, storetest.TamperHarness{
		Fixture: func(t *testing.T, build func(parley.Store, *sql.DB)) {
			db, err := postgres.Open(ctx, dsn, postgres.Schema(schema), postgres.MasterKey(testKey))
			if err != nil {
				t.Fatal(err)
			}
			build(db, raw)
			db.Close()
		},
		Try: func(t *testing.T, tables []string, edit func(*sql.DB) error, check func(parley.Store, error)) {
			for _, tb := range tables {
				exec(`CREATE TEMP TABLE snap_` + tb + ` AS SELECT * FROM ` + tb)
			}
			exec(`SET session_replication_role = replica`)
			err := edit(raw)
			exec(`SET session_replication_role = DEFAULT`)
			if err != nil {
				t.Fatalf("the edit: %v", err)
			}
			s, err := postgres.Open(ctx, dsn, postgres.Schema(schema), postgres.MasterKey(testKey), postgres.ReadOnly(), postgres.MaxConns(2))
			check(s, err)
			if err == nil {
				s.Close()
			}
			exec(`SET session_replication_role = replica`)
			for _, tb := range tables {
				exec(`DELETE FROM ` + tb)
				exec(`INSERT INTO ` + tb + ` SELECT * FROM snap_` + tb)
				exec(`DROP TABLE snap_` + tb)
			}
			exec(`SET session_replication_role = DEFAULT`)
		},
	})
}
