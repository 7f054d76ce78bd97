package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver of raw PostgreSQL connections
	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/internal/sqlcopy"
	"github.com/parley-talks/parley/internal/sqlstore"
	"github.com/parley-talks/parley/postgres"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
)

// backupFileMode is the mode of every backup and restored database file:
// they hold sealed data and the audit ledger, for the operator alone.
const backupFileMode fs.FileMode = 0o600

func init() {
	register(&command{
		Name:    "backup",
		Summary: "write a consistent copy of the database (SQLite or PostgreSQL) to a file",
		Usage: `Usage: parley backup [--db D] [--config F] OUT

Writes a consistent copy of the database to OUT (mode 0600), which must not
exist, or to standard output if OUT is "-". The copy is a SQLite database
with Parley's schema, whatever the store: a PostgreSQL database is copied
row for row from one snapshot (a REPEATABLE READ transaction), a SQLite one
with VACUUM INTO. It is safe while parley serve runs: the copy is the
database as it was at one instant.

Sealed fields stay sealed and the master key is not in the copy: keep the
key apart from the backups (whoever holds both reads everything), and keep
it for as long as a backup made under it exists. "parley restore" turns a
backup back into a database.

--db and --key-file also come from $PARLEY_DB and $PARLEY_KEY_FILE or the
config file, as for parley serve.

Examples:
  parley backup --db /var/lib/parley/parley.db /backups/parley-$(date +%F).db
  parley backup --db postgres://parley@db.internal/parley - | age -r "$RECIPIENT" > parley.db.age`,
		Run: runBackup,
	})
	register(&command{
		Name:    "restore",
		Summary: "restore a backup into a new SQLite file or an empty PostgreSQL schema, and verify it",
		Usage: `Usage: parley restore --db TARGET [--key-file F] [--config F] BACKUP

Loads BACKUP (a file written by parley backup, or "-" for standard input)
into TARGET: a SQLite file that must not exist, or a PostgreSQL schema (the
first of the URL's search_path) that holds no data. Rows are copied as
they are: nothing is decrypted or re-sealed. A backup from an older Parley
is brought up to this one's schema on the way.

Before it finishes, restore opens the result with the master key the
backup was sealed under (--key-file, else $PARLEY_MASTER_KEY, else
parley.key beside a SQLite TARGET) and runs the audit verification (as
"parley audit verify"). If the key is not the backup's, or anything does
not verify, nothing is left behind: the SQLite file is not created and the
PostgreSQL schema is emptied again.

Examples:
  parley restore --db /var/lib/parley/parley.db --key-file /etc/parley/parley.key /backups/parley-2026-11-29.db
  parley restore --db 'postgres://parley@db.internal/parley?search_path=parley' --key-file parley.key parley-2026-11-29.db`,
		Run: runRestore,
	})
}

func runBackup(ctx context.Context, env *Env, args []string) error {
	fs := commands["backup"].FlagSet(env)
	db := fs.String("db", defaultDB, "SQLite database `file`, or a postgres:// URL")
	configFile := fs.String("config", "", "config `file` (TOML or JSON) to read --db from")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want one output file (or - for standard output)")
	}
	if err := applySettings(fs, env, *configFile); err != nil {
		return err
	}
	out := fs.Arg(0)
	if out == "-" && isTerminal(env.Stdout) {
		return usagef("standard output is a terminal; name an output file, or pipe the backup elsewhere")
	}
	if err := requireDatabase(*db); err != nil {
		return err
	}
	dir := os.TempDir()
	if out != "-" {
		if _, err := os.Lstat(out); err == nil {
			return fmt.Errorf("%s exists; refusing to overwrite it", out)
		}
		dir = filepath.Dir(out)
	}
	work, err := os.MkdirTemp(dir, ".parley-backup-")
	if err != nil {
		return fmt.Errorf("make a working directory for the backup: %w", err)
	}
	defer os.RemoveAll(work)
	tmp := filepath.Join(work, "backup.db")
	counts, err := writeBackup(ctx, *db, tmp)
	if err != nil {
		return err
	}
	report := env.Stdout
	if out == "-" {
		if err := copyFileTo(env.Stdout, tmp); err != nil {
			return fmt.Errorf("write the backup to standard output: %w", err)
		}
		report = env.Stderr
	} else if err := publish(tmp, out); err != nil {
		return err
	}
	fmt.Fprintf(report, "Wrote a consistent copy of %s to %s: %s. It holds sealed data but not the master key; keep the key apart.\n",
		redactDSN(*db), map[bool]string{true: "standard output", false: out + " (mode 0600)"}[out == "-"], describeCounts(counts))
	return nil
}

// writeBackup writes a consistent copy of db into the new SQLite file tmp
// and returns its rows by table.
func writeBackup(ctx context.Context, db, tmp string) (map[string]int64, error) {
	if err := createEmpty(tmp); err != nil {
		return nil, err
	}
	if isPostgres(db) {
		if err := backupPostgres(ctx, db, tmp); err != nil {
			return nil, err
		}
	} else {
		src, err := sql.Open("sqlite", rawSQLiteDSN(db, true))
		if err != nil {
			return nil, err
		}
		defer src.Close()
		// VACUUM INTO writes the snapshot of one read transaction.
		if _, err := src.ExecContext(ctx, `VACUUM INTO $1`, tmp); err != nil {
			return nil, fmt.Errorf("copy the database %s: %w", db, err)
		}
	}
	return checkBackupFile(ctx, tmp)
}

// backupPostgres copies the PostgreSQL database db, from one snapshot, into
// tmp, a new SQLite database of the same schema version.
func backupPostgres(ctx context.Context, db, tmp string) error {
	src, err := sql.Open("pgx", db)
	if err != nil {
		return fmt.Errorf("open the PostgreSQL database %s: %w", redactDSN(db), err)
	}
	defer src.Close()
	tx, err := src.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("connect to the PostgreSQL database %s: %w", redactDSN(db), err)
	}
	defer tx.Rollback()
	if err := newSQLiteSchema(ctx, tmp); err != nil {
		return err
	}
	if err := sameVersion(ctx, tx, sqlcopy.PostgreSQL, tmp); err != nil {
		return err
	}
	return copyInto(ctx, tx, sqlcopy.PostgreSQL, tmp)
}

// newSQLiteSchema brings the empty file path to this binary's schema.
func newSQLiteSchema(ctx context.Context, path string) error {
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		return fmt.Errorf("create the copy: %w", err)
	}
	return s.Close()
}

// sameVersion checks that the database src reads is at the schema version
// of the SQLite file path.
func sameVersion(ctx context.Context, src sqlcopy.Querier, engine sqlcopy.Engine, path string) error {
	have, err := sqlcopy.SchemaVersion(ctx, src, engine)
	if err != nil {
		return err
	}
	dst, err := sql.Open("sqlite", rawSQLiteDSN(path, true))
	if err != nil {
		return err
	}
	defer dst.Close()
	want, err := sqlcopy.SchemaVersion(ctx, dst, sqlcopy.SQLite)
	if err != nil {
		return err
	}
	switch {
	case have < want:
		return fmt.Errorf("the database is at schema version %d and this parley's is %d: let this parley's serve bring it up to date first, or use the parley that serves it", have, want)
	case have > want:
		return fmt.Errorf("the database is at schema version %d, newer than this parley's (%d); upgrade parley", have, want)
	}
	return nil
}

// copyInto copies every row src reads into the SQLite file path, in one
// transaction.
func copyInto(ctx context.Context, src sqlcopy.Querier, engine sqlcopy.Engine, path string) error {
	dst, err := sql.Open("sqlite", rawSQLiteDSN(path, true))
	if err != nil {
		return err
	}
	defer dst.Close()
	tx, err := dst.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := sqlcopy.Copy(ctx, src, engine, tx, sqlcopy.SQLite); err != nil {
		return err
	}
	return tx.Commit()
}

// checkBackupFile checks the structure of the SQLite file path and returns
// its rows by table.
func checkBackupFile(ctx context.Context, path string) (map[string]int64, error) {
	db, err := sql.Open("sqlite", rawSQLiteDSN(path, false))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var result string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&result); err != nil {
		return nil, fmt.Errorf("check the copy: %w", err)
	}
	if result != "ok" {
		return nil, fmt.Errorf("the copy does not pass SQLite's check: %s", result)
	}
	counts, err := sqlcopy.Counts(ctx, db, sqlcopy.SQLite)
	if err != nil {
		return nil, fmt.Errorf("check the copy: %w", err)
	}
	return counts, nil
}

// rawSQLiteDSN is a connection to the SQLite file path outside the store,
// waiting for a writer's lock rather than failing; writable for a file of
// our own, read-only (query_only) otherwise. VACUUM INTO needs a writable
// connection even though it changes nothing.
func rawSQLiteDSN(path string, writable bool) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	if !writable {
		q.Add("_pragma", "query_only(1)")
	}
	u := url.URL{Scheme: "file", OmitHost: true, Path: abs, RawQuery: q.Encode()}
	return u.String()
}

// createEmpty creates the empty file path with backupFileMode; it must not
// exist.
func createEmpty(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, backupFileMode)
	if err != nil {
		return err
	}
	return f.Close()
}

// publish gives the finished file tmp its name out, which must not exist
// (a hard link fails rather than replace), and makes the name durable.
func publish(tmp, out string) error {
	if err := os.Link(tmp, out); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s appeared while the backup was written; refusing to overwrite it", out)
		}
		return fmt.Errorf("write %s: %w", out, err)
	}
	if d, err := os.Open(filepath.Dir(out)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func copyFileTo(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// describeCounts says "1,234 rows in 41 tables, 310 ledger entries".
func describeCounts(counts map[string]int64) string {
	var rows int64
	tables := 0
	for _, n := range counts {
		rows += n
		tables++
	}
	return fmt.Sprintf("%d rows in %d tables, %d audit ledger entries", rows, tables, counts["audit_entries"])
}

// requireDatabase refuses a SQLite path that does not name an existing
// file: commands that read a database never create one by mistake.
func requireDatabase(db string) error {
	if isPostgres(db) {
		return nil
	}
	fi, err := os.Stat(db)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the database %s does not exist (check --db; parley serve creates a new one)", db)
	case err != nil:
		return fmt.Errorf("the database %s: %w", db, err)
	case fi.IsDir():
		return fmt.Errorf("the database %s is a directory, not a file", db)
	}
	return nil
}

func runRestore(ctx context.Context, env *Env, args []string) error {
	ctx = asSystem(ctx)
	fs := commands["restore"].FlagSet(env)
	db := fs.String("db", "", "the SQLite `file` to create, or a postgres:// URL of an empty schema")
	keyFile := fs.String("key-file", "", "master key `file` the backup was sealed under (default: $PARLEY_MASTER_KEY, else parley.key beside a SQLite --db)")
	configFile := fs.String("config", "", "config `file` (TOML or JSON) to read --db and --key-file from")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want one backup file (or - for standard input)")
	}
	if err := applySettings(fs, env, *configFile); err != nil {
		return err
	}
	if *db == "" {
		return usagef("--db is required: the SQLite file to create or the PostgreSQL schema to fill")
	}
	if fs.Arg(0) == "-" && isTerminal(env.Stdin) {
		return usagef("standard input is a terminal; name the backup file, or pipe the backup in")
	}
	key, err := restoreKey(env, *db, *keyFile)
	if err != nil {
		return err
	}
	dir := os.TempDir()
	if !isPostgres(*db) {
		if _, err := os.Lstat(*db); err == nil {
			return fmt.Errorf("%s exists; restore creates a new database and never overwrites one", *db)
		}
		dir = filepath.Dir(*db)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return fmt.Errorf("cannot create %s: the directory %s does not exist", *db, dir)
		}
	}
	work, err := os.MkdirTemp(dir, ".parley-restore-")
	if err != nil {
		return fmt.Errorf("make a working directory for the restore: %w", err)
	}
	defer os.RemoveAll(work)
	// Work on a copy: bringing an older backup's schema up to date writes
	// to it, and the backup itself stays as it was.
	copyPath := filepath.Join(work, "restore.db")
	if err := copyBackup(env, fs.Arg(0), copyPath); err != nil {
		return err
	}
	var rep sqlstore.AuditReport
	var counts map[string]int64
	if isPostgres(*db) {
		counts, rep, err = restorePostgres(ctx, copyPath, *db, key)
	} else {
		counts, rep, err = restoreSQLite(ctx, copyPath, *db, key)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Restored %s into %s: %s.\nThe audit verification passed: %d entries, %d signed checkpoints, %d sealed fields open.\n",
		map[bool]string{true: "standard input", false: fs.Arg(0)}[fs.Arg(0) == "-"], redactDSN(*db), describeCounts(counts),
		rep.Size, rep.Checkpoints, rep.Sealed)
	return nil
}

// restoreKey loads the master key a restore opens the result with; unlike
// serve, it never creates one.
func restoreKey(env *Env, db, keyFile string) (*seal.MasterKey, error) {
	keyFile, key, err := locateMasterKey(env.Getenv, db, keyFile)
	if key != nil || err != nil {
		return key, err
	}
	key, err = seal.LoadKeyFile(keyFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("the master key file %s does not exist: restore needs the key the backup was sealed under (--key-file)", keyFile)
	}
	if err != nil {
		return nil, fmt.Errorf("load the master key: %w", err)
	}
	return key, nil
}

// copyBackup copies the backup (a file, or "-" for stdin) to path with
// backupFileMode, refusing anything that is not a SQLite database.
func copyBackup(env *Env, from, path string) error {
	var r io.Reader = env.Stdin
	if from != "-" {
		f, err := os.Open(from)
		if err != nil {
			return fmt.Errorf("open the backup: %w", err)
		}
		defer f.Close()
		r = f
	}
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, backupFileMode)
	if err != nil {
		return err
	}
	head := make([]byte, len(sqliteHeader))
	n, _ := io.ReadFull(r, head)
	if !bytes.Equal(head[:n], sqliteHeader) {
		out.Close()
		return fmt.Errorf("%s is not a Parley backup (not a SQLite database)", map[bool]string{true: "standard input", false: from}[from == "-"])
	}
	if _, err := out.Write(head); err != nil {
		out.Close()
		return err
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		return fmt.Errorf("read the backup: %w", err)
	}
	return out.Close()
}

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// verifier is the store's audit verification (parley audit verify).
type verifier interface {
	VerifyAudit(ctx context.Context, opts sqlstore.VerifyOptions) (sqlstore.AuditReport, error)
}

// verify runs the audit verification of s.
func verify(ctx context.Context, s parley.Store) (sqlstore.AuditReport, error) {
	v, ok := s.(verifier)
	if !ok {
		return sqlstore.AuditReport{}, errors.New("this store has no audit ledger")
	}
	rep, err := v.VerifyAudit(ctx, sqlstore.VerifyOptions{})
	if err != nil {
		return rep, fmt.Errorf("the restored database does not verify: %w", err)
	}
	return rep, nil
}

// restoreSQLite opens the copy of the backup with the key (bringing its
// schema up to date), verifies it, and gives it the name target.
func restoreSQLite(ctx context.Context, copyPath, target string, key *seal.MasterKey) (map[string]int64, sqlstore.AuditReport, error) {
	s, err := sqlite.Open(ctx, copyPath, sqlite.MasterKey(key))
	if err != nil {
		return nil, sqlstore.AuditReport{}, fmt.Errorf("open the backup: %w", err)
	}
	rep, err := verify(ctx, s)
	if cerr := s.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return nil, rep, err
	}
	counts, err := checkBackupFile(ctx, copyPath)
	if err != nil {
		return nil, rep, err
	}
	return counts, rep, publish(copyPath, target)
}

// restorePostgres copies the backup into the empty schema of target, then
// verifies it there; on failure it drops what it created.
func restorePostgres(ctx context.Context, copyPath, target string, key *seal.MasterKey) (counts map[string]int64, rep sqlstore.AuditReport, err error) {
	// Bring the copy to this binary's schema and check the key on it.
	s, err := sqlite.Open(ctx, copyPath, sqlite.MasterKey(key))
	if err != nil {
		return nil, rep, fmt.Errorf("open the backup: %w", err)
	}
	if err := s.Close(); err != nil {
		return nil, rep, err
	}
	fresh := filepath.Join(filepath.Dir(copyPath), "fresh.db")
	if err := createEmpty(fresh); err != nil {
		return nil, rep, err
	}
	if err := newSQLiteSchema(ctx, fresh); err != nil {
		return nil, rep, err
	}
	raw, err := sql.Open("pgx", target)
	if err != nil {
		return nil, rep, fmt.Errorf("open the PostgreSQL database %s: %w", redactDSN(target), err)
	}
	defer raw.Close()
	if err := requireEmptySchema(ctx, raw, fresh); err != nil {
		return nil, rep, err
	}
	pg, err := postgres.Open(ctx, target)
	if err != nil {
		return nil, rep, err
	}
	defer func() {
		if err != nil {
			if derr := dropTables(context.WithoutCancel(ctx), raw); derr != nil {
				err = fmt.Errorf("%w; and emptying the schema again failed: %v", err, derr)
			}
		}
	}()
	if err := pg.Close(); err != nil {
		return nil, rep, err
	}
	src, err := sql.Open("sqlite", rawSQLiteDSN(copyPath, false))
	if err != nil {
		return nil, rep, err
	}
	defer src.Close()
	stx, err := src.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, rep, err
	}
	defer stx.Rollback()
	if err := sameVersion(ctx, raw, sqlcopy.PostgreSQL, copyPath); err != nil {
		return nil, rep, err
	}
	dtx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		return nil, rep, err
	}
	defer dtx.Rollback()
	copied, err := sqlcopy.Copy(ctx, stx, sqlcopy.SQLite, dtx, sqlcopy.PostgreSQL)
	if err != nil {
		return nil, rep, err
	}
	if err := dtx.Commit(); err != nil {
		return nil, rep, fmt.Errorf("commit the restore: %w", err)
	}
	pg, err = postgres.Open(ctx, target, postgres.MasterKey(key))
	if err != nil {
		return nil, rep, err
	}
	rep, err = verify(ctx, pg)
	if cerr := pg.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return copied.Rows, rep, err
}

// requireEmptySchema refuses a PostgreSQL schema that holds more rows in
// any table than a new store's migrations write (those of the SQLite file
// fresh, just migrated).
func requireEmptySchema(ctx context.Context, db *sql.DB, fresh string) error {
	counts, err := sqlcopy.Counts(ctx, db, sqlcopy.PostgreSQL)
	if err != nil {
		return fmt.Errorf("look into the target schema: %w", err)
	}
	f, err := sql.Open("sqlite", rawSQLiteDSN(fresh, false))
	if err != nil {
		return err
	}
	defer f.Close()
	seeded, err := sqlcopy.Counts(ctx, f, sqlcopy.SQLite)
	if err != nil {
		return err
	}
	var full []string
	for table, n := range counts {
		if n > seeded[table] {
			full = append(full, table)
		}
	}
	if len(full) > 0 {
		sort.Strings(full)
		return fmt.Errorf("the target schema already holds data (in %s); restore only into an empty schema", strings.Join(full, ", "))
	}
	return nil
}

// dropTables drops every table of the connection's current schema: what a
// failed restore created there.
func dropTables(ctx context.Context, db *sql.DB) error {
	tables, err := sqlcopy.Tables(ctx, db, sqlcopy.PostgreSQL)
	if err != nil {
		return err
	}
	if len(tables) == 0 {
		return nil
	}
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = `"` + t.Name + `"`
	}
	_, err = db.ExecContext(ctx, `DROP TABLE `+strings.Join(names, ", ")+` CASCADE`)
	return err
}
