// Package sqlcopy copies a Parley database, row for row, between SQLite and
// PostgreSQL: the engine under parley backup and parley restore, and the
// row counts of the metrics.
//
// Both stores keep the same tables, columns and values (internal/sqlstore
// runs the same SQL on both); they differ only in column types — a boolean
// is an INTEGER 0 or 1 in SQLite and a BOOLEAN in PostgreSQL, a blob is a
// BLOB or a BYTEA, an id is an INTEGER PRIMARY KEY or an identity column.
// Copy reads the tables and columns from the catalogs of both databases, so
// a table or column added by a migration is carried without a change here,
// and converts each value to the destination column's type; everything
// else is copied verbatim: sealed fields stay sealed, hashes and
// signatures stay byte for byte what they were.
//
// # Consistency
//
// Copy reads through the caller's transaction: a REPEATABLE READ READ ONLY
// transaction on PostgreSQL and any read transaction on SQLite in WAL mode
// see one snapshot of every table, however many writes a running server
// commits meanwhile.
//
// # Order
//
// Tables are copied so that a row's references exist before it: in an
// order of their foreign keys. A reference that no order can satisfy — a
// table that refers to itself (proposals.superseded_by names a later
// proposal) or a cycle of tables — is written NULL first and set once every
// row is in.
package sqlcopy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Engine is the kind of database at one end of a copy.
type Engine int

const (
	SQLite Engine = iota
	PostgreSQL
)

func (e Engine) String() string {
	if e == PostgreSQL {
		return "PostgreSQL"
	}
	return "SQLite"
}

// Querier is a transaction or connection: *sql.Tx, *sql.Conn or *sql.DB.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Migrations is the table of applied schema migrations, which each
// database keeps for itself and Copy leaves alone.
const Migrations = "schema_migrations"

// maxParams bounds the parameters of one INSERT (SQLite allows 32766,
// PostgreSQL 65535); maxBatchRows bounds its rows.
const (
	maxParams    = 30000
	maxBatchRows = 500
)

// Table is one table of a database's catalog.
type Table struct {
	Name       string
	Columns    []Column
	PrimaryKey []string          // column names, in key order; empty if none
	References map[string]string // column → the table its foreign key names
}

// Column is one column of a table.
type Column struct {
	Name     string
	Type     string // as declared, upper case: INTEGER, BIGINT, BOOLEAN, BLOB, BYTEA, TEXT…
	NotNull  bool
	Identity bool // PostgreSQL: GENERATED … AS IDENTITY
}

// Tables reads the catalog of the database q is connected to (PostgreSQL:
// its current schema), every table but SQLite's own, sorted by name.
func Tables(ctx context.Context, q Querier, e Engine) ([]Table, error) {
	names, err := tableNames(ctx, q, e)
	if err != nil {
		return nil, err
	}
	tables := make([]Table, 0, len(names))
	for _, n := range names {
		t := Table{Name: n, References: map[string]string{}}
		if e == PostgreSQL {
			err = pgTable(ctx, q, &t)
		} else {
			err = sqliteTable(ctx, q, &t)
		}
		if err != nil {
			return nil, fmt.Errorf("sqlcopy: read the catalog of table %s: %w", n, err)
		}
		tables = append(tables, t)
	}
	return tables, nil
}

func tableNames(ctx context.Context, q Querier, e Engine) ([]string, error) {
	query := `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`
	if e == PostgreSQL {
		query = `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	return queryStrings(ctx, q, query)
}

func queryStrings(ctx context.Context, q Querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlcopy: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("sqlcopy: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlcopy: %w", err)
	}
	return out, nil
}

func sqliteTable(ctx context.Context, q Querier, t *Table) error {
	rows, err := q.QueryContext(ctx, `SELECT name, upper(type), "notnull", pk FROM pragma_table_info($1) ORDER BY cid`, t.Name)
	if err != nil {
		return err
	}
	type pkCol struct {
		name string
		pos  int
	}
	var pk []pkCol
	for rows.Next() {
		var c Column
		var notNull, pos int
		if err := rows.Scan(&c.Name, &c.Type, &notNull, &pos); err != nil {
			rows.Close()
			return err
		}
		c.NotNull = notNull != 0
		t.Columns = append(t.Columns, c)
		if pos > 0 {
			pk = append(pk, pkCol{c.Name, pos})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	sort.Slice(pk, func(i, j int) bool { return pk[i].pos < pk[j].pos })
	for _, c := range pk {
		t.PrimaryKey = append(t.PrimaryKey, c.name)
	}
	return readReferences(ctx, q, t, `SELECT "from", "table" FROM pragma_foreign_key_list($1)`)
}

// readReferences fills t.References from query, which lists t's foreign
// keys as (column, referenced table) rows.
func readReferences(ctx context.Context, q Querier, t *Table, query string) error {
	rows, err := q.QueryContext(ctx, query, t.Name)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var col, ref string
		if err := rows.Scan(&col, &ref); err != nil {
			return err
		}
		t.References[col] = ref
	}
	return rows.Err()
}

func pgTable(ctx context.Context, q Querier, t *Table) error {
	rows, err := q.QueryContext(ctx, `SELECT column_name, upper(data_type), is_nullable = 'NO', is_identity = 'YES'
		FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, t.Name)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c Column
		if err := rows.Scan(&c.Name, &c.Type, &c.NotNull, &c.Identity); err != nil {
			rows.Close()
			return err
		}
		t.Columns = append(t.Columns, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if t.PrimaryKey, err = queryStrings(ctx, q, `SELECT a.attname FROM pg_index i
		JOIN pg_class c ON c.oid = i.indrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
		WHERE n.nspname = current_schema() AND c.relname = $1 AND i.indisprimary
		ORDER BY array_position(i.indkey, a.attnum)`, t.Name); err != nil {
		return err
	}
	return readReferences(ctx, q, t, `SELECT a.attname, rf.relname FROM pg_constraint k
		JOIN pg_class c ON c.oid = k.conrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_class rf ON rf.oid = k.confrelid
		JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
		WHERE k.contype = 'f' AND n.nspname = current_schema() AND c.relname = $1`)
}

// Counts returns the rows of every table but Migrations, by table name.
func Counts(ctx context.Context, q Querier, e Engine) (map[string]int64, error) {
	names, err := tableNames(ctx, q, e)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(names))
	for _, n := range names {
		if n == Migrations {
			continue
		}
		var c int64
		rows, err := q.QueryContext(ctx, `SELECT count(*) FROM `+quote(n))
		if err != nil {
			return nil, fmt.Errorf("sqlcopy: count %s: %w", n, err)
		}
		for rows.Next() {
			err = rows.Scan(&c)
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
		if err != nil {
			return nil, fmt.Errorf("sqlcopy: count %s: %w", n, err)
		}
		out[n] = c
	}
	return out, nil
}

// SchemaVersion returns the highest migration recorded in Migrations, 0 if
// the database has no such table.
func SchemaVersion(ctx context.Context, q Querier, e Engine) (int, error) {
	names, err := tableNames(ctx, q, e)
	if err != nil {
		return 0, err
	}
	found := false
	for _, n := range names {
		found = found || n == Migrations
	}
	if !found {
		return 0, nil
	}
	vs, err := queryStrings(ctx, q, `SELECT CAST(coalesce(max(version), 0) AS TEXT) FROM `+Migrations)
	if err != nil || len(vs) != 1 {
		return 0, fmt.Errorf("sqlcopy: read the schema version: %v", err)
	}
	return strconv.Atoi(vs[0])
}

// Report says what Copy copied.
type Report struct {
	Rows map[string]int64 // by table
}

// Total is the number of rows copied.
func (r Report) Total() int64 {
	var n int64
	for _, c := range r.Rows {
		n += c
	}
	return n
}

// Copy copies every row of every table of src into dst, which must hold
// the same tables and columns and no data: only what its migrations wrote
// (the audit ledger's initial state), which Copy deletes first. Migrations
// is left alone on both sides. Call it inside a transaction on each side:
// src's gives the snapshot, dst's makes the copy all or nothing.
func Copy(ctx context.Context, src Querier, srcEngine Engine, dst Querier, dstEngine Engine) (Report, error) {
	srcTables, err := Tables(ctx, src, srcEngine)
	if err != nil {
		return Report{}, err
	}
	dstTables, err := Tables(ctx, dst, dstEngine)
	if err != nil {
		return Report{}, err
	}
	if err := sameSchema(srcTables, dstTables); err != nil {
		return Report{}, err
	}
	order, deferred, err := insertOrder(dstTables)
	if err != nil {
		return Report{}, err
	}
	for i := len(order) - 1; i >= 0; i-- {
		if t := order[i]; t.Name != Migrations {
			if _, err := dst.ExecContext(ctx, `DELETE FROM `+quote(t.Name)); err != nil {
				return Report{}, fmt.Errorf("sqlcopy: clear table %s: %w", t.Name, err)
			}
		}
	}
	rep := Report{Rows: map[string]int64{}}
	for _, t := range order {
		if t.Name == Migrations {
			continue
		}
		n, err := copyTable(ctx, src, dst, t, deferred[t.Name])
		if err != nil {
			return Report{}, fmt.Errorf("sqlcopy: table %s: %w", t.Name, err)
		}
		rep.Rows[t.Name] = n
	}
	for _, t := range order {
		if len(deferred[t.Name]) == 0 {
			continue
		}
		if err := setDeferred(ctx, src, dst, t, deferred[t.Name]); err != nil {
			return Report{}, fmt.Errorf("sqlcopy: table %s: %w", t.Name, err)
		}
	}
	if dstEngine == PostgreSQL {
		for _, t := range dstTables {
			if err := resetIdentities(ctx, dst, t); err != nil {
				return Report{}, fmt.Errorf("sqlcopy: table %s: %w", t.Name, err)
			}
		}
	}
	return rep, nil
}

// sameSchema checks that both sides hold the same tables with the same
// columns.
func sameSchema(src, dst []Table) error {
	byName := map[string]Table{}
	for _, t := range src {
		byName[t.Name] = t
	}
	var problems []string
	for _, d := range dst {
		s, ok := byName[d.Name]
		delete(byName, d.Name)
		if !ok {
			problems = append(problems, "table "+d.Name+" is missing from the source")
			continue
		}
		cols := map[string]bool{}
		for _, c := range s.Columns {
			cols[c.Name] = true
		}
		for _, c := range d.Columns {
			if !cols[c.Name] {
				problems = append(problems, "column "+d.Name+"."+c.Name+" is missing from the source")
			}
			delete(cols, c.Name)
		}
		for c := range cols {
			problems = append(problems, "column "+d.Name+"."+c+" is missing from the destination")
		}
	}
	for n := range byName {
		problems = append(problems, "table "+n+" is missing from the destination")
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("sqlcopy: the two databases have different schemas: %s", strings.Join(problems, "; "))
	}
	return nil
}

// insertOrder orders tables so that each comes after the tables its
// foreign keys name, and returns, by table, the columns whose references
// no order satisfies (a table's own, or a cycle's), to be set after every
// row is in.
func insertOrder(tables []Table) ([]Table, map[string][]string, error) {
	byName := map[string]Table{}
	for _, t := range tables {
		byName[t.Name] = t
	}
	placed := map[string]bool{}
	deferred := map[string][]string{}
	var order []Table
	for len(order) < len(tables) {
		progress := false
		for _, t := range tables { // sorted by name: a stable order
			if placed[t.Name] || !ready(t, placed) {
				continue
			}
			order = append(order, t)
			placed[t.Name] = true
			progress = true
		}
		if progress {
			continue
		}
		// A cycle: take the first unplaced table and defer its references
		// to tables not yet placed.
		for _, t := range tables {
			if placed[t.Name] {
				continue
			}
			for col, ref := range t.References {
				if ref != t.Name && !placed[ref] {
					deferred[t.Name] = append(deferred[t.Name], col)
				}
			}
			order = append(order, t)
			placed[t.Name] = true
			break
		}
	}
	for _, t := range tables {
		for col, ref := range t.References {
			if ref == t.Name {
				deferred[t.Name] = append(deferred[t.Name], col)
			}
		}
	}
	for name, cols := range deferred {
		sort.Strings(cols)
		for _, c := range cols {
			for _, col := range byName[name].Columns {
				if col.Name == c && col.NotNull {
					return nil, nil, fmt.Errorf("sqlcopy: %s.%s refers to rows that may come later and cannot be NULL meanwhile", name, c)
				}
			}
		}
	}
	return order, deferred, nil
}

func ready(t Table, placed map[string]bool) bool {
	for _, ref := range t.References {
		if ref != t.Name && !placed[ref] {
			return false
		}
	}
	return true
}

// quote quotes an identifier for both engines.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func columnList(cols []Column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = quote(c.Name)
	}
	return strings.Join(names, ", ")
}

func orderBy(t Table) string {
	if len(t.PrimaryKey) == 0 {
		return ""
	}
	keys := make([]string, len(t.PrimaryKey))
	for i, k := range t.PrimaryKey {
		keys[i] = quote(k)
	}
	return " ORDER BY " + strings.Join(keys, ", ")
}

// copyTable copies t's rows in primary-key order, writing NULL into the
// deferred columns, and returns how many it copied.
func copyTable(ctx context.Context, src, dst Querier, t Table, deferred []string) (int64, error) {
	isDeferred := map[string]bool{}
	for _, c := range deferred {
		isDeferred[c] = true
	}
	rows, err := src.QueryContext(ctx, `SELECT `+columnList(t.Columns)+` FROM `+quote(t.Name)+orderBy(t))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	batch := min(maxBatchRows, max(1, maxParams/len(t.Columns)))
	values := make([]any, 0, batch*len(t.Columns))
	var n int64
	flush := func(count int) error {
		if count == 0 {
			return nil
		}
		if _, err := dst.ExecContext(ctx, insertStatement(t, count), values...); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		values = values[:0]
		return nil
	}
	pending := 0
	for rows.Next() {
		row := make([]any, len(t.Columns))
		ptrs := make([]any, len(row))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, c := range t.Columns {
			v, err := convert(row[i], c)
			if err != nil {
				return n, fmt.Errorf("column %s: %w", c.Name, err)
			}
			if isDeferred[c.Name] {
				v = nil
			}
			values = append(values, v)
		}
		pending++
		n++
		if pending == batch {
			if err := flush(pending); err != nil {
				return n, err
			}
			pending = 0
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, flush(pending)
}

func insertStatement(t Table, rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + quote(t.Name) + " (" + columnList(t.Columns) + ")")
	if hasIdentity(t) {
		b.WriteString(" OVERRIDING SYSTEM VALUE")
	}
	b.WriteString(" VALUES ")
	p := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(")
		for c := range t.Columns {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteString("$" + strconv.Itoa(p))
			p++
		}
		b.WriteString(")")
	}
	return b.String()
}

func hasIdentity(t Table) bool {
	for _, c := range t.Columns {
		if c.Identity {
			return true
		}
	}
	return false
}

// setDeferred sets the deferred columns of t's rows from src, by primary
// key.
func setDeferred(ctx context.Context, src, dst Querier, t Table, cols []string) error {
	if len(t.PrimaryKey) == 0 {
		return errors.New("a table without a primary key cannot have references set after its rows")
	}
	colByName := map[string]Column{}
	for _, c := range t.Columns {
		colByName[c.Name] = c
	}
	var sel, set, where []string
	for _, c := range cols {
		sel = append(sel, quote(c))
	}
	for _, k := range t.PrimaryKey {
		sel = append(sel, quote(k))
	}
	p := 1
	for _, c := range cols {
		set = append(set, quote(c)+" = $"+strconv.Itoa(p))
		p++
	}
	for _, k := range t.PrimaryKey {
		where = append(where, quote(k)+" = $"+strconv.Itoa(p))
		p++
	}
	var notNull []string
	for _, c := range cols {
		notNull = append(notNull, quote(c)+" IS NOT NULL")
	}
	rows, err := src.QueryContext(ctx, `SELECT `+strings.Join(sel, ", ")+` FROM `+quote(t.Name)+
		` WHERE `+strings.Join(notNull, " OR ")+orderBy(t))
	if err != nil {
		return err
	}
	defer rows.Close()
	update := `UPDATE ` + quote(t.Name) + ` SET ` + strings.Join(set, ", ") + ` WHERE ` + strings.Join(where, " AND ")
	names := append(append([]string(nil), cols...), t.PrimaryKey...)
	for rows.Next() {
		row := make([]any, len(names))
		ptrs := make([]any, len(row))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, n := range names {
			v, err := convert(row[i], colByName[n])
			if err != nil {
				return fmt.Errorf("column %s: %w", n, err)
			}
			row[i] = v
		}
		if _, err := dst.ExecContext(ctx, update, row...); err != nil {
			return fmt.Errorf("set %s: %w", strings.Join(cols, ", "), err)
		}
	}
	return rows.Err()
}

// resetIdentities moves each identity column's sequence past the largest
// value copied, so that the next row PostgreSQL numbers does not collide.
func resetIdentities(ctx context.Context, dst Querier, t Table) error {
	for _, c := range t.Columns {
		if !c.Identity {
			continue
		}
		q := `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(` + quote(c.Name) + `) FROM ` + quote(t.Name) + `), 0) + 1, false)`
		rows, err := dst.QueryContext(ctx, q, quote(t.Name), c.Name)
		if err != nil {
			return fmt.Errorf("reset the sequence of %s: %w", c.Name, err)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("reset the sequence of %s: %w", c.Name, err)
		}
	}
	return nil
}

// convert turns a value read from one engine into what the destination
// column c holds: booleans between 0/1 and false/true, blobs and text
// between []byte and string. Numbers and NULL pass as they are.
func convert(v any, c Column) (any, error) {
	switch {
	case v == nil:
		return nil, nil
	case c.Type == "BOOLEAN":
		switch v := v.(type) {
		case bool:
			return v, nil
		case int64:
			if v != 0 && v != 1 {
				return nil, fmt.Errorf("%d is not a boolean", v)
			}
			return v == 1, nil
		}
	case isBlob(c.Type):
		switch v := v.(type) {
		case []byte:
			return v, nil
		case string:
			return []byte(v), nil
		}
	case isText(c.Type):
		switch v := v.(type) {
		case string:
			return v, nil
		case []byte:
			return string(v), nil
		}
	case isInteger(c.Type):
		switch v := v.(type) {
		case int64:
			return v, nil
		case bool:
			if v {
				return int64(1), nil
			}
			return int64(0), nil
		}
	default:
		return v, nil
	}
	return nil, fmt.Errorf("a %T cannot be stored in a %s column", v, c.Type)
}

func isBlob(t string) bool { return t == "BLOB" || t == "BYTEA" }

func isText(t string) bool { return t == "TEXT" || strings.HasPrefix(t, "CHARACTER") }

func isInteger(t string) bool { return t == "INTEGER" || t == "BIGINT" || t == "SMALLINT" }
