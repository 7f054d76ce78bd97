package sqlstore

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/parley-talks/parley/ledger"
)

// # Authenticated rows
//
// Every row of a table in the registry (tables.go) carries, in its mac
// column, HMAC-SHA-256 under the store's row key (a secret wrapped by the
// master key, keys.go) of the row's canonical encoding:
//
//	"parley row v1" || len(table) || table ||
//	for each authenticated column, in the order of their names:
//	    len(name) || name || value
//
// with lengths as one byte, and each value as
//
//	0x00                              NULL
//	0x01 || 8 bytes, big-endian       an integer (a boolean is 0 or 1)
//	0x02 || 4-byte length || bytes    text or bytes alike
//
// The encoding depends only on the values, never on how an engine stores
// them (SQLite's 0/1 and PostgreSQL's booleans, TEXT and BLOB, INTEGER and
// BIGINT encode alike), so a row copied verbatim between engines keeps its
// MAC. A row's key — its primary key's values, encoded the same way in
// key order — names it in the ledger.
//
// Reads check the MAC of every row they use (rowScanner.Scan of a
// checkedRow): a row whose columns differ from what the store wrote, or
// that it never wrote, fails the read with a *RowError naming the table
// and the record, never the content. Writes go through Tx.insert,
// Tx.update and Tx.delete, which authenticate the rows they store and note
// each change — (table, key, MAC) or (table, key, deleted) — for the
// write's audit entry (appendAudit), so that VerifyAudit can replay the
// ledger to the latest MAC of every row and compare it with every row
// stored: an edit, a row rolled back to an earlier state, a deleted row
// and a row the ledger never recorded are each named.

// rowLabel begins the MAC input of every row.
const rowLabel = "parley row v1"

// rowMACSize is the size of a row's MAC.
const rowMACSize = sha256.Size

// Tags of the canonical values.
const (
	tagNull  = 0x00
	tagInt   = 0x01
	tagBytes = 0x02
)

// colKind is the kind of value a column holds.
type colKind uint8

const (
	kindInt colKind = iota + 1
	kindText
	kindBytes
	kindBool
)

// column is one column of a table in the registry.
type column struct {
	name string
	kind colKind
	null bool // may be NULL
	skip bool // read, but left out of the MAC (see table.skips)
}

// table is a table whose rows are authenticated: its columns in the order
// its scan function reads them, and derived query fragments. Every read of
// its rows selects sel and scans every column through tx.scanner; every
// write goes through Tx.insert, Tx.update or Tx.delete.
type table struct {
	name string
	id   int      // position in the registry, for VerifyAudit
	cols []column // the columns, in scan order
	key  []int    // positions in cols of the primary key, in key order
	// order lists the positions in cols of the authenticated columns by
	// column name: the MAC's order.
	order []int
	// why says, for each column left out of the MAC, why.
	why map[string]string

	sel      string // "c1, c2, …, mac": what reads select
	returned string // "c1, c2, …": what writes return
	keyCols  string // "k1, k2": the primary key's columns
}

// newTable defines a table: key is its primary key's columns, comma
// separated; spec its columns in scan order, each "name:kind" with kind
// int, text, bytes or bool, then "?" if the column may be NULL and "-" if
// it is left out of the MAC (say why with skips).
func newTable(name, key, spec string) *table {
	t := &table{name: name, why: map[string]string{}}
	for _, f := range strings.Fields(spec) {
		n, k, ok := strings.Cut(f, ":")
		if !ok {
			panic("sqlstore: bad column spec " + f)
		}
		c := column{name: n}
		if c.skip = strings.HasSuffix(k, "-"); c.skip {
			k = strings.TrimSuffix(k, "-")
		}
		if c.null = strings.HasSuffix(k, "?"); c.null {
			k = strings.TrimSuffix(k, "?")
		}
		switch k {
		case "int":
			c.kind = kindInt
		case "text":
			c.kind = kindText
		case "bytes":
			c.kind = kindBytes
		case "bool":
			c.kind = kindBool
		default:
			panic("sqlstore: bad column kind " + f)
		}
		t.cols = append(t.cols, c)
	}
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = c.name
	}
	for _, k := range strings.Split(key, ",") {
		i := indexOf(names, strings.TrimSpace(k))
		if i < 0 {
			panic("sqlstore: key column " + k + " of " + name + " is not among its columns")
		}
		t.key = append(t.key, i)
	}
	for i, c := range t.cols {
		if !c.skip {
			t.order = append(t.order, i)
		}
	}
	sortByName(t.order, names)
	t.returned = strings.Join(names, ", ")
	t.sel = t.returned + ", mac"
	keyNames := make([]string, len(t.key))
	for i, k := range t.key {
		keyNames[i] = names[k]
	}
	t.keyCols = strings.Join(keyNames, ", ")
	return t
}

// skips says why each column marked "-" is left out of the MAC: only a
// column that changes without meaning (a session's last use) may be.
func (t *table) skips(reasons ...string) *table {
	for i := 0; i+1 < len(reasons); i += 2 {
		t.why[reasons[i]] = reasons[i+1]
	}
	for _, c := range t.cols {
		if c.skip != (t.why[c.name] != "") {
			panic("sqlstore: column " + t.name + "." + c.name + ": a column is left out of the MAC if and only if skips says why")
		}
	}
	return t
}

func indexOf(names []string, n string) int {
	for i, m := range names {
		if m == n {
			return i
		}
	}
	return -1
}

func sortByName(order []int, names []string) {
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && names[order[j]] < names[order[j-1]]; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
}

// keyWhere returns "k1 = $from AND k2 = $from+1 …".
func (t *table) keyWhere(from int) string {
	var b strings.Builder
	for i, k := range t.key {
		if i > 0 {
			b.WriteString(" AND ")
		}
		fmt.Fprintf(&b, "%s = $%d", t.cols[k].name, from+i)
	}
	return b.String()
}

// selAs is sel with every column qualified by alias, for a join.
func (t *table) selAs(alias string) string {
	cols := strings.Split(t.sel, ", ")
	for i, c := range cols {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}

// RowError reports a stored row that does not verify: its columns differ
// from its MAC (edited behind the application's back, or written by
// something else than this store), it has none, or the store lacks the key
// to check it. It names the table and the record, never the content.
// errors.Is(err, ledger.ErrVerify) holds.
type RowError struct {
	Table, Record string
}

func (e *RowError) Error() string {
	return fmt.Sprintf("row %s %s does not verify: it differs from what the store wrote (edited behind the application's back)", e.Table, e.Record)
}

// Is makes errors.Is(err, ledger.ErrVerify) true.
func (e *RowError) Is(target error) bool { return target == ledger.ErrVerify }

// rowAuth computes row MACs under the row key.
type rowAuth struct {
	pool sync.Pool // of hash.Hash (HMAC-SHA-256 under the row key)
}

func newRowAuth(key []byte) *rowAuth {
	k := append([]byte(nil), key...)
	return &rowAuth{pool: sync.Pool{New: func() any { return hmac.New(sha256.New, k) }}}
}

// sum returns the MAC of a row's canonical encoding.
func (a *rowAuth) sum(input []byte) [rowMACSize]byte {
	h := a.pool.Get().(hash.Hash)
	h.Reset()
	h.Write(input)
	var out [rowMACSize]byte
	h.Sum(out[:0])
	a.pool.Put(h)
	return out
}

// bufPool holds scratch buffers for canonical encodings.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// appendHeader appends the label and the table's name.
func (t *table) appendHeader(b []byte) []byte {
	b = append(b, rowLabel...)
	b = append(b, byte(len(t.name)))
	return append(b, t.name...)
}

// appendRow appends the canonical encoding of a row whose values dest
// holds, in scan order (pointers of the types a scan function uses, or the
// holders of newHolders).
func (t *table) appendRow(b []byte, dest []any) ([]byte, error) {
	b = t.appendHeader(b)
	for _, i := range t.order {
		c := t.cols[i]
		b = append(b, byte(len(c.name)))
		b = append(b, c.name...)
		var err error
		if b, err = appendValue(b, c, dest[i]); err != nil {
			return b, fmt.Errorf("sqlstore: column %s.%s: %w", t.name, c.name, err)
		}
	}
	return b, nil
}

// appendKey appends the canonical encoding of the row's key.
func (t *table) appendKey(b []byte, dest []any) ([]byte, error) {
	for _, i := range t.key {
		var err error
		if b, err = appendValue(b, t.cols[i], dest[i]); err != nil {
			return b, fmt.Errorf("sqlstore: key column %s.%s: %w", t.name, t.cols[i].name, err)
		}
	}
	return b, nil
}

// record names a row by its key, for messages: the key's values joined by
// "/".
func (t *table) record(dest []any) string {
	b, err := t.appendKey(nil, dest)
	if err != nil {
		return "(key unreadable)"
	}
	return keyText(b)
}

// keyText renders an encoded key as its values joined by "/".
func keyText(key []byte) string {
	var parts []string
	for len(key) > 0 {
		switch key[0] {
		case tagNull:
			parts, key = append(parts, "NULL"), key[1:]
		case tagInt:
			if len(key) < 9 {
				return "(bad key)"
			}
			parts, key = append(parts, strconv.FormatInt(int64(binary.BigEndian.Uint64(key[1:])), 10)), key[9:]
		case tagBytes:
			if len(key) < 5 || len(key)-5 < int(binary.BigEndian.Uint32(key[1:])) {
				return "(bad key)"
			}
			n := int(binary.BigEndian.Uint32(key[1:]))
			parts, key = append(parts, strconv.Quote(string(key[5:5+n]))), key[5+n:]
		default:
			return "(bad key)"
		}
	}
	return strings.Join(parts, "/")
}

func appendInt(b []byte, v int64) []byte {
	b = append(b, tagInt)
	return binary.BigEndian.AppendUint64(b, uint64(v))
}

func appendBytes(b []byte, v []byte) []byte {
	b = append(b, tagBytes)
	b = binary.BigEndian.AppendUint32(b, uint32(len(v)))
	return append(b, v...)
}

func appendString(b []byte, v string) []byte {
	b = append(b, tagBytes)
	b = binary.BigEndian.AppendUint32(b, uint32(len(v)))
	return append(b, v...)
}

// appendValue appends the canonical value that d, a pointer filled by
// Scan, holds for column c. A pointer that cannot hold the column's kind
// is a programming error, reported as an error.
func appendValue(b []byte, c column, d any) ([]byte, error) {
	switch v := d.(type) {
	case *int64:
		return appendIntKind(b, c, *v)
	case *int:
		return appendIntKind(b, c, int64(*v))
	case *sql.NullInt64:
		if !v.Valid {
			return appendNull(b, c)
		}
		return appendIntKind(b, c, v.Int64)
	case *bool:
		if c.kind != kindBool {
			return b, fmt.Errorf("a %T for a column of kind %d", d, c.kind)
		}
		if *v {
			return appendInt(b, 1), nil
		}
		return appendInt(b, 0), nil
	case *string:
		return appendTextKind(b, c, *v)
	case *sql.NullString:
		if !v.Valid {
			return appendNull(b, c)
		}
		return appendTextKind(b, c, v.String)
	case *[]byte:
		if *v == nil && c.null {
			return append(b, tagNull), nil
		}
		if c.kind != kindBytes && c.kind != kindText {
			return b, fmt.Errorf("a %T for a column of kind %d", d, c.kind)
		}
		return appendBytes(b, *v), nil
	}
	// Named types of the domain (parley.TrackStatus, parley.Audience, …).
	rv := reflect.ValueOf(d)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return b, fmt.Errorf("cannot encode a %T", d)
	}
	switch e := rv.Elem(); e.Kind() {
	case reflect.String:
		return appendTextKind(b, c, e.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return appendIntKind(b, c, e.Int())
	}
	return b, fmt.Errorf("cannot encode a %T", d)
}

// errNull is appendValue's error for a NULL in a column that may not be
// NULL: a row the store did not write.
var errNull = errors.New("NULL in a column that may not be NULL")

func appendNull(b []byte, c column) ([]byte, error) {
	if !c.null {
		return b, errNull
	}
	return append(b, tagNull), nil
}

func appendIntKind(b []byte, c column, v int64) ([]byte, error) {
	if c.kind != kindInt {
		return b, fmt.Errorf("an integer for a column of kind %d", c.kind)
	}
	return appendInt(b, v), nil
}

func appendTextKind(b []byte, c column, v string) ([]byte, error) {
	if c.kind != kindText && c.kind != kindBytes {
		return b, fmt.Errorf("text for a column of kind %d", c.kind)
	}
	return appendString(b, v), nil
}

// newHolders returns pointers that Scan fills with the table's columns,
// one per column in scan order, for the rows writes return.
func (t *table) newHolders() []any {
	h := make([]any, len(t.cols))
	for i, c := range t.cols {
		switch {
		case c.kind == kindInt && c.null:
			h[i] = new(sql.NullInt64)
		case c.kind == kindInt:
			h[i] = new(int64)
		case c.kind == kindBool:
			h[i] = new(bool)
		case c.kind == kindText && c.null:
			h[i] = new(sql.NullString)
		case c.kind == kindText:
			h[i] = new(string)
		default:
			h[i] = new([]byte)
		}
	}
	return h
}

// heldValue returns the value a holder of newHolders holds, for a query
// argument.
func heldValue(h any) any {
	switch v := h.(type) {
	case *int64:
		return *v
	case *bool:
		return *v
	case *string:
		return *v
	case *[]byte:
		return *v
	case *sql.NullInt64:
		if v.Valid {
			return v.Int64
		}
	case *sql.NullString:
		if v.Valid {
			return v.String
		}
	}
	return nil
}

// rowVals are a row's values as a write stored them, in scan order.
type rowVals struct {
	t    *table
	vals []any
}

// id returns the row's id column (0 if the write failed).
func (r rowVals) id() int64 {
	if r.t == nil {
		return 0
	}
	return r.int("id")
}

// int returns the integer column name (0 for NULL).
func (r rowVals) int(name string) int64 {
	for i, c := range r.t.cols {
		if c.name == name {
			switch v := r.vals[i].(type) {
			case *int64:
				return *v
			case *sql.NullInt64:
				return v.Int64
			}
		}
	}
	panic("sqlstore: " + r.t.name + " has no integer column " + name)
}

// mac computes a row's MAC and its key's encoding from its values in scan
// order.
func (a *rowAuth) mac(t *table, dest []any) (mac [rowMACSize]byte, key []byte, err error) {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	in, err := t.appendRow((*bp)[:0], dest)
	*bp = in
	if err != nil {
		return mac, nil, err
	}
	key, err = t.appendKey(nil, dest)
	return a.sum(in), key, err
}

// check reports whether mac is the MAC of the row dest holds.
func (a *rowAuth) check(t *table, dest []any, mac []byte) (bool, error) {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	in, err := t.appendRow((*bp)[:0], dest)
	*bp = in
	if err != nil {
		return false, err
	}
	want := a.sum(in)
	return len(mac) == rowMACSize && subtle.ConstantTimeCompare(want[:], mac) == 1, nil
}

// checkedRow is a row of t whose Scan checks the row's MAC after filling
// the destinations: the query selected t.sel.
type checkedRow struct {
	row  rowScanner
	t    *table
	auth *rowAuth
}

// Scan fills dest, one pointer per column of the table in scan order, and
// returns a *RowError if the row's MAC is not that of its values.
func (r checkedRow) Scan(dest ...any) error {
	if len(dest) != len(r.t.cols) {
		panic(fmt.Sprintf("sqlstore: a row of %s scanned into %d destinations, want %d", r.t.name, len(dest), len(r.t.cols)))
	}
	var mac []byte
	all := make([]any, 0, len(dest)+1)
	all = append(append(all, dest...), &mac)
	if err := r.row.Scan(all...); err != nil {
		return err
	}
	if r.auth == nil {
		return ErrNoMasterKey
	}
	ok, err := r.auth.check(r.t, dest, mac)
	if err != nil && !errors.Is(err, errNull) {
		return err
	}
	if !ok {
		return &RowError{Table: r.t.name, Record: r.t.record(dest)}
	}
	return nil
}

// scanner returns row as a checkedRow of t for the transaction's store.
func (tx *Tx) scanner(t *table, row rowScanner) rowScanner {
	return checkedRow{row: row, t: t, auth: tx.rowAuth()}
}

// rowAuth returns the store's row authenticator, or nil without a master
// key.
func (tx *Tx) rowAuth() *rowAuth {
	if tx.store == nil {
		return nil
	}
	return tx.store.rowAuthority()
}

// rowAuthority returns the store's row authenticator, or nil without a
// master key.
func (s *Store) rowAuthority() *rowAuth {
	s.keys.mu.Lock()
	defer s.keys.mu.Unlock()
	return s.keys.rows
}

// rowChange is a change a write made to a row: its new MAC, or its
// deletion. appendAudit records the changes in the write's entry.
type rowChange struct {
	t       *table
	key     []byte
	mac     [rowMACSize]byte
	deleted bool
}

// record notes a change a write made to a row whose values (in scan
// order) vals holds, and returns the row's MAC for its mac column.
func (tx *Tx) record(t *table, vals []any) ([]byte, error) {
	auth := tx.rowAuth()
	if auth == nil {
		return nil, ErrNoMasterKey
	}
	mac, key, err := auth.mac(t, vals)
	if err != nil {
		return nil, err
	}
	tx.changes = append(tx.changes, rowChange{t: t, key: key, mac: mac})
	return mac[:], nil
}

// assignment is one "column = $n" of an INSERT's column list or an
// UPDATE's SET: the column's position in the table and the argument's.
type assignment struct{ col, arg int }

// parseColumns reads "a, b, c" (the columns of an INSERT, whose arguments
// are $1, $2, … in order) into assignments.
func (t *table) parseColumns(columns string) []assignment {
	var out []assignment
	for i, n := range strings.Split(columns, ",") {
		out = append(out, assignment{col: t.column(strings.TrimSpace(n)), arg: i})
	}
	return out
}

// parseSet reads "a = $1, b = $2" (an UPDATE's SET) into assignments. Only
// plain assignments of arguments are allowed: the store computes the new
// row's MAC from them.
func (t *table) parseSet(set string) []assignment {
	var out []assignment
	for _, part := range strings.Split(set, ",") {
		n, v, ok := strings.Cut(part, "=")
		v = strings.TrimSpace(v)
		k, err := strconv.Atoi(strings.TrimPrefix(v, "$"))
		if !ok || !strings.HasPrefix(v, "$") || err != nil || k < 1 {
			panic("sqlstore: SET of " + t.name + " is not a list of column = $n: " + set)
		}
		out = append(out, assignment{col: t.column(strings.TrimSpace(n)), arg: k - 1})
	}
	return out
}

// column returns the position of the named column; a name outside the
// registry's spec is a programming error.
func (t *table) column(name string) int {
	for i, c := range t.cols {
		if c.name == name {
			return i
		}
	}
	panic("sqlstore: " + t.name + " has no column " + name + " in the registry")
}

// assign sets the holders of the assignments' columns to their arguments.
func assign(t *table, vals []any, as []assignment, args []any) error {
	for _, a := range as {
		if err := setHolder(vals[a.col], args[a.arg]); err != nil {
			return fmt.Errorf("sqlstore: column %s.%s: %w", t.name, t.cols[a.col].name, err)
		}
	}
	return nil
}

// setHolder stores v, a query argument, in h, a holder of newHolders, as
// the database would return it.
func setHolder(h any, v any) error {
	rv := reflect.ValueOf(v)
	switch h := h.(type) {
	case *sql.NullInt64:
		if v == nil {
			*h = sql.NullInt64{}
			return nil
		}
		if !rv.CanInt() {
			return fmt.Errorf("an integer column given a %T", v)
		}
		*h = sql.NullInt64{Int64: rv.Int(), Valid: true}
	case *int64:
		if !rv.IsValid() || !rv.CanInt() {
			return fmt.Errorf("an integer column given a %T", v)
		}
		*h = rv.Int()
	case *bool:
		if !rv.IsValid() || rv.Kind() != reflect.Bool {
			return fmt.Errorf("a boolean column given a %T", v)
		}
		*h = rv.Bool()
	case *sql.NullString:
		if v == nil {
			*h = sql.NullString{}
			return nil
		}
		if rv.Kind() != reflect.String {
			return fmt.Errorf("a text column given a %T", v)
		}
		*h = sql.NullString{String: rv.String(), Valid: true}
	case *string:
		if !rv.IsValid() || rv.Kind() != reflect.String {
			return fmt.Errorf("a text column given a %T", v)
		}
		*h = rv.String()
	case *[]byte:
		switch b := v.(type) {
		case nil:
			*h = nil
		case []byte:
			*h = b
		default:
			return fmt.Errorf("a bytes column given a %T", v)
		}
	default:
		return fmt.Errorf("no holder %T", h)
	}
	return nil
}

// keyArgs returns the key's values of a row, for a WHERE of t.keyWhere.
func (t *table) keyArgs(vals []any) []any {
	out := make([]any, len(t.key))
	for i, k := range t.key {
		out[i] = heldValue(vals[k])
	}
	return out
}

// insert stores a row of t — columns, comma separated, and their values in
// args, $1, $2, … — authenticates it and notes it for the write's audit
// entry. It returns the row as stored (with a generated id: r.id()). When
// args give every column, the MAC is computed from them and goes in the
// same INSERT; otherwise (a generated id) the INSERT returns the row and
// the MAC follows in an UPDATE. An error of the INSERT itself is returned
// as the driver gave it, so that callers can tell a unique violation.
func (tx *Tx) insert(ctx context.Context, t *table, columns string, args ...any) (rowVals, error) {
	as := t.parseColumns(columns)
	vals := t.newHolders()
	if len(as) == len(t.cols) {
		if err := assign(t, vals, as, args); err != nil {
			return rowVals{}, err
		}
		mac, err := tx.record(t, vals)
		if err != nil {
			return rowVals{}, err
		}
		q := `INSERT INTO ` + t.name + ` (` + columns + `, mac) VALUES (` + placeholders(1, len(args)+1) + `)`
		if _, err := tx.ExecContext(ctx, q, append(append([]any(nil), args...), mac)...); err != nil {
			tx.changes = tx.changes[:len(tx.changes)-1]
			return rowVals{}, err
		}
		return rowVals{t, vals}, nil
	}
	q := `INSERT INTO ` + t.name + ` (` + columns + `) VALUES (` + placeholders(1, len(args)) + `) RETURNING ` + t.returned
	if err := tx.QueryRowContext(ctx, q, args...).Scan(vals...); err != nil {
		return rowVals{}, err
	}
	return rowVals{t, vals}, tx.setMAC(ctx, t, vals, "", nil)
}

// insertSealed is insert for a row with sealed columns whose associated
// data needs the row's generated id: it inserts the row with them empty,
// then seal, given the stored row, returns their values as an UPDATE's SET
// ("a = $1, …") and arguments, which are stored with the row's MAC in one
// UPDATE.
func (tx *Tx) insertSealed(ctx context.Context, t *table, columns string, args []any, seal func(r rowVals) (set string, setArgs []any)) (rowVals, error) {
	vals := t.newHolders()
	q := `INSERT INTO ` + t.name + ` (` + columns + `) VALUES (` + placeholders(1, len(args)) + `) RETURNING ` + t.returned
	if err := tx.QueryRowContext(ctx, q, args...).Scan(vals...); err != nil {
		return rowVals{}, err
	}
	r := rowVals{t, vals}
	set, setArgs := seal(r)
	if err := assign(t, vals, t.parseSet(set), setArgs); err != nil {
		return rowVals{}, err
	}
	return r, tx.setMAC(ctx, t, vals, set, setArgs)
}

// setMAC authenticates the row vals holds (scan order) and writes, in one
// UPDATE of the row, set ("a = $1, …", over setArgs; "" for none) and its
// MAC.
func (tx *Tx) setMAC(ctx context.Context, t *table, vals []any, set string, setArgs []any) error {
	mac, err := tx.record(t, vals)
	if err != nil {
		return err
	}
	args := append(append([]any(nil), setArgs...), mac)
	if set != "" {
		set += ", "
	}
	set += "mac = $" + strconv.Itoa(len(args))
	if _, err := tx.ExecContext(ctx, `UPDATE `+t.name+` SET `+set+` WHERE `+t.keyWhere(len(args)+1), append(args, t.keyArgs(vals)...)...); err != nil {
		tx.changes = tx.changes[:len(tx.changes)-1]
		return err
	}
	return nil
}

// update changes the row of t whose primary key is key (values in key
// order): set assigns columns from args ("a = $1, b = $2"). The row is read
// first and must verify, so that an update never authenticates columns
// edited behind the application's back; sql.ErrNoRows if there is none.
// The new values and the row's new MAC are written in one UPDATE; an error
// of it is returned as the driver gave it.
func (tx *Tx) update(ctx context.Context, t *table, key []any, set string, args ...any) (rowVals, error) {
	vals := t.newHolders()
	if err := tx.scanner(t, tx.QueryRowContext(ctx, `SELECT `+t.sel+` FROM `+t.name+` WHERE `+t.keyWhere(1)+tx.d.ForUpdate, key...)).Scan(vals...); err != nil {
		return rowVals{}, err
	}
	if err := assign(t, vals, t.parseSet(set), args); err != nil {
		return rowVals{}, err
	}
	return rowVals{t, vals}, tx.setMAC(ctx, t, vals, set, args)
}

// delete removes the rows of t that match where (a condition over args)
// and notes each deletion for the write's audit entry. It returns how many
// rows it removed.
func (tx *Tx) delete(ctx context.Context, t *table, where string, args ...any) (int, error) {
	rows, err := tx.QueryContext(ctx, `DELETE FROM `+t.name+` WHERE `+where+` RETURNING `+t.keyCols, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	keyDest := make([]any, len(t.cols))
	holders := t.newHolders()
	scan := make([]any, len(t.key))
	for i, k := range t.key {
		keyDest[k], scan[i] = holders[k], holders[k]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(scan...); err != nil {
			return n, err
		}
		key, err := t.appendKey(nil, keyDest)
		if err != nil {
			return n, err
		}
		tx.changes = append(tx.changes, rowChange{t: t, key: key, deleted: true})
		n++
	}
	return n, rows.Err()
}
