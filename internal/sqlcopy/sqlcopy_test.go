package sqlcopy

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	_ "modernc.org/sqlite"
)

const schema = `
CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT;
CREATE TABLE tracks (id INTEGER PRIMARY KEY, title TEXT NOT NULL, open INTEGER NOT NULL) STRICT;
CREATE TABLE proposals (
	id INTEGER PRIMARY KEY,
	track_id INTEGER NOT NULL REFERENCES tracks (id),
	supersedes INTEGER REFERENCES proposals (id),
	superseded_by INTEGER REFERENCES proposals (id),
	content BLOB NOT NULL
) STRICT;
CREATE TABLE ledger (id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL) STRICT;
INSERT INTO ledger (id, size) VALUES (1, 0);
INSERT INTO schema_migrations VALUES (1, '0001_test.sql', 0);
`

func newDB(t *testing.T, name string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), name)+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(schema); err != nil {
		t.Fatal(err)
	}
	return db
}

func rows(t *testing.T, db *sql.DB, query string) [][]any {
	t.Helper()
	r, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cols, _ := r.Columns()
	var out [][]any
	for r.Next() {
		v := make([]any, len(cols))
		p := make([]any, len(cols))
		for i := range v {
			p[i] = &v[i]
		}
		if err := r.Scan(p...); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// Copy carries every row, a reference to a later row of the same table
// included, and replaces what the destination's migrations seeded.
func TestCopySQLite(t *testing.T) {
	ctx := context.Background()
	src := newDB(t, "src.db")
	if _, err := src.Exec(`
		INSERT INTO tracks VALUES (1, 'Grain', 1), (7, 'Energy', 0);
		INSERT INTO proposals VALUES (1, 1, NULL, NULL, x'00');
		INSERT INTO proposals VALUES (2, 1, NULL, NULL, x'0102');
		INSERT INTO proposals VALUES (3, 7, 2, NULL, x'ff');
		UPDATE proposals SET superseded_by = 3 WHERE id = 2;
		UPDATE ledger SET size = 42;`); err != nil {
		t.Fatal(err)
	}
	dst := newDB(t, "dst.db")
	stx, _ := src.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	defer stx.Rollback()
	dtx, _ := dst.BeginTx(ctx, nil)
	rep, err := Copy(ctx, stx, SQLite, dtx, SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if err := dtx.Commit(); err != nil {
		t.Fatal(err)
	}
	stx.Rollback()
	if want := map[string]int64{"tracks": 2, "proposals": 3, "ledger": 1}; !cmp.Equal(rep.Rows, want) || rep.Total() != 6 {
		t.Errorf("report %v, want %v", rep.Rows, want)
	}
	for _, q := range []string{`SELECT * FROM tracks ORDER BY id`, `SELECT * FROM proposals ORDER BY id`, `SELECT * FROM ledger`, `SELECT * FROM schema_migrations`} {
		if diff := cmp.Diff(rows(t, src, q), rows(t, dst, q)); diff != "" {
			t.Errorf("%s (-src +dst):\n%s", q, diff)
		}
	}
	counts, err := Counts(ctx, dst, SQLite)
	if err != nil || !cmp.Equal(counts, map[string]int64{"tracks": 2, "proposals": 3, "ledger": 1}) {
		t.Errorf("Counts = %v, %v", counts, err)
	}
	if v, err := SchemaVersion(ctx, dst, SQLite); v != 1 || err != nil {
		t.Errorf("SchemaVersion = %d, %v", v, err)
	}
}

func TestCopyRefusesAnotherSchema(t *testing.T) {
	ctx := context.Background()
	src := newDB(t, "src.db")
	dst := newDB(t, "dst.db")
	if _, err := dst.Exec(`ALTER TABLE tracks ADD COLUMN mac BLOB; CREATE TABLE extra (id INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	_, err := Copy(ctx, src, SQLite, dst, SQLite)
	if err == nil || !strings.Contains(err.Error(), "column tracks.mac is missing from the source") ||
		!strings.Contains(err.Error(), "table extra is missing from the source") {
		t.Fatalf("Copy between schemas that differ: %v", err)
	}
}

func TestInsertOrder(t *testing.T) {
	tables := []Table{
		{Name: "a", References: map[string]string{"b_id": "b"}, Columns: []Column{{Name: "id"}, {Name: "b_id"}}, PrimaryKey: []string{"id"}},
		{Name: "b", References: map[string]string{"a_id": "a"}, Columns: []Column{{Name: "id"}, {Name: "a_id"}}, PrimaryKey: []string{"id"}},
		{Name: "c", References: map[string]string{"a_id": "a", "next": "c"}, Columns: []Column{{Name: "id"}, {Name: "a_id"}, {Name: "next"}}, PrimaryKey: []string{"id"}},
		{Name: "d", References: map[string]string{}},
	}
	order, deferred, err := insertOrder(tables)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, t := range order {
		names = append(names, t.Name)
	}
	if want := []string{"d", "a", "b", "c"}; !cmp.Equal(names, want) {
		t.Errorf("order %v, want %v", names, want)
	}
	if want := map[string][]string{"a": {"b_id"}, "c": {"next"}}; !cmp.Equal(deferred, want) {
		t.Errorf("deferred %v, want %v", deferred, want)
	}
	tables[0].Columns[1].NotNull = true
	if _, _, err := insertOrder(tables); err == nil || !strings.Contains(err.Error(), "a.b_id") {
		t.Errorf("a cycle through a NOT NULL column: %v", err)
	}
}

func TestConvert(t *testing.T) {
	for _, tt := range []struct {
		in   any
		typ  string
		want any
		err  bool
	}{
		{int64(1), "BOOLEAN", true, false},
		{int64(0), "BOOLEAN", false, false},
		{int64(2), "BOOLEAN", nil, true},
		{true, "INTEGER", int64(1), false},
		{false, "BIGINT", int64(0), false},
		{"text", "BYTEA", []byte("text"), false},
		{[]byte("blob"), "TEXT", "blob", false},
		{nil, "BOOLEAN", nil, false},
		{3.5, "INTEGER", nil, true},
		{int64(7), "REAL", int64(7), false},
	} {
		got, err := convert(tt.in, Column{Name: "c", Type: tt.typ})
		if (err != nil) != tt.err || !cmp.Equal(got, tt.want) {
			t.Errorf("convert(%#v, %s) = %#v, %v", tt.in, tt.typ, got, err)
		}
	}
}
