package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/internal/sqlcopy"
	"github.com/parley-talks/parley/internal/sqlstore"
	"github.com/parley-talks/parley/postgres"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/storetest"
	_ "modernc.org/sqlite"
)

// TestUpgrade binds a database written at schema version 7 (see
// storetest.RunUpgrade): the SQLite fixture's rows, copied into a fresh
// schema brought to version 7 by the migrations of the time.
func TestUpgrade(t *testing.T) {
	storetest.RunUpgrade(t, storetest.Upgrade{Load: loadSchema7})
}

func loadSchema7(t *testing.T, edit string) (func(*seal.MasterKey, bool) (parley.Store, error), *sql.DB) {
	t.Helper()
	dsn, schema := newSchema(t)
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	raw.SetMaxOpenConns(1)
	if _, err := raw.ExecContext(ctx, `SET search_path TO `+schema); err != nil {
		t.Fatal(err)
	}
	migrateTo(t, raw, 7)
	path := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(path, storetest.Schema7DB, 0o600); err != nil {
		t.Fatal(err)
	}
	copySQLite(t, raw, path)
	if edit != "" {
		if _, err := raw.ExecContext(ctx, edit); err != nil {
			t.Fatalf("%s: %v", edit, err)
		}
	}
	open := func(key *seal.MasterKey, readOnly bool) (parley.Store, error) {
		opts := []postgres.Option{postgres.Schema(schema), postgres.MasterKey(key)}
		if readOnly {
			opts = append(opts, postgres.ReadOnly())
		}
		return postgres.Open(ctx, dsn, opts...)
	}
	return open, raw
}

// migrateTo applies migrations 1 to version and records them, as a store
// of that version did.
func migrateTo(t *testing.T, raw *sql.DB, version int) {
	t.Helper()
	if _, err := raw.ExecContext(ctx, `CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(files) < version {
		t.Fatalf("migrations 1 to %d: %v, %v", version, files, err)
	}
	sort.Strings(files)
	for i, f := range files[:version] {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.ExecContext(ctx, string(b)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if _, err := raw.ExecContext(ctx, `INSERT INTO schema_migrations VALUES ($1, $2, 0)`, i+1, filepath.Base(f)); err != nil {
			t.Fatal(err)
		}
	}
}

// copySQLite copies every row of the SQLite database at path into raw's
// tables, parents first, verbatim (but booleans from SQLite's integers), as
// a backup restored into PostgreSQL would, and moves the identity
// sequences past the ids copied.
// moveRows copies every row of the SQLite file at path into raw's schema
// as backups move between engines: through sqlcopy, which writes a
// reference no order satisfies (proposals.superseded_by names a later
// proposal) once every row is in.
func moveRows(t *testing.T, raw *sql.DB, path string) {
	t.Helper()
	old, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	src, err := old.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Rollback()
	dst, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Rollback()
	if _, err := sqlcopy.Copy(ctx, src, sqlcopy.SQLite, dst, sqlcopy.PostgreSQL); err != nil {
		t.Fatalf("move the rows: %v", err)
	}
	if err := dst.Commit(); err != nil {
		t.Fatal(err)
	}
}

func copySQLite(t *testing.T, raw *sql.DB, path string) {
	t.Helper()
	old, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	tables := queryColumn(t, old, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT IN ('schema_migrations', 'sqlite_sequence') ORDER BY rowid`)
	for _, table := range tables {
		if _, err := raw.ExecContext(ctx, `DELETE FROM `+table); err != nil {
			t.Fatal(err)
		}
		rows, err := old.QueryContext(ctx, `SELECT * FROM `+table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var all [][]any
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, c := range cols {
				if table == "users" && (c == "admin" || c == "disabled") {
					vals[i] = vals[i].(int64) != 0
				}
			}
			all = append(all, vals)
		}
		rows.Close()
		q := fmt.Sprintf(`INSERT INTO %s (%s) VALUES (%s)`, table, strings.Join(cols, ", "), placeholders(len(cols)))
		for _, vals := range all {
			if _, err := raw.ExecContext(ctx, q, vals...); err != nil {
				t.Fatalf("copy a row of %s: %v", table, err)
			}
		}
		if len(all) == 0 || cols[0] != "id" {
			continue
		}
		if _, err := raw.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT max(id) FROM `+table+`))`, table); err != nil {
			t.Fatalf("move the sequence of %s: %v", table, err)
		}
	}
}

func placeholders(n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = fmt.Sprintf("$%d", i+1)
	}
	return strings.Join(ps, ", ")
}

func queryColumn(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// TestRowsMoveBetweenEngines: a store written by SQLite, its rows copied
// verbatim into PostgreSQL (MACs, ledger and keys included), verifies and
// reads there with the same master key: the rows' MACs depend on their
// values, not on how an engine stores them (booleans, text and bytes).
func TestRowsMoveBetweenEngines(t *testing.T) {
	dsn, schema := newSchema(t)
	key := seal.GenerateMasterKey()
	path := filepath.Join(t.TempDir(), "parley.db")
	lite, err := sqlite.Open(ctx, path, sqlite.MasterKey(key))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, lite, "moving between engines"); err != nil {
		t.Fatal(err)
	}
	want, _, err := lite.FindUsers(ctx, parley.Page{})
	if err != nil {
		t.Fatal(err)
	}
	lite.Close()
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	if _, err := raw.ExecContext(ctx, `SET search_path TO `+schema); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("migrations/*.sql")
	migrateTo(t, raw, len(files))
	moveRows(t, raw, path)
	db, err := postgres.Open(ctx, dsn, postgres.Schema(schema), postgres.MasterKey(key), postgres.ReadOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rep, err := db.VerifyAudit(ctx, sqlstore.VerifyOptions{})
	if err != nil {
		t.Fatalf("VerifyAudit of the rows moved to PostgreSQL: %v", err)
	}
	got, _, err := db.FindUsers(ctx, parley.Page{})
	if err != nil || len(got) != len(want) {
		t.Fatalf("users read after the move: %d, %v", len(got), err)
	}
	t.Logf("%d entries, %d rows verified after the move", rep.Size, rep.Rows)
}
