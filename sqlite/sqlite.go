// Package sqlite is Parley's embedded store: one SQLite file on disk
// (modernc.org/sqlite, pure Go), the default for `parley serve`.
//
// # Durability
//
// The database runs in WAL mode with synchronous=FULL on the writer: every
// commit fsyncs the write-ahead log before Parley acknowledges the write, so
// an acknowledged write survives both a killed process (kill -9) and a power
// cut or kernel crash. (synchronous=NORMAL would survive a killed process but
// could lose the last commits on power loss.)
//
// # Connections
//
// Writes go through a pool of exactly one connection, which serialises them
// in this process and makes a SELECT followed by an UPDATE in one
// transaction safe without row locks; its transactions begin IMMEDIATE, so a
// write never fails half-way because another process took the lock. Writes
// that arrive while one is running are committed as a group: one
// transaction, a savepoint per write (a refused write rolls back alone), one
// fsync, and then every write in it is acknowledged; see BENCHMARKS.md for
// what that buys. Reads go through a small pool of query_only connections,
// which WAL lets run beside the writer. Every pooled connection gets
// foreign_keys=ON and the busy timeout through the DSN's _pragma parameters.
//
// A write that cannot get the lock within the busy timeout (another process
// holds it), or that meets a read-only file (see ReadOnly), fails with
// parley.EUNAVAILABLE and changes nothing.
//
// # Migrations
//
// The schema lives in migrations/*.sql, embedded in the binary and applied
// in order at Open inside one transaction; each applied version is recorded
// in schema_migrations and the highest in PRAGMA user_version. A database
// whose version is newer than this binary knows is refused, untouched: the
// version is read from the file header before SQLite opens the file for
// writing, and checked again inside the migration transaction.
package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/internal/sqlstore"
	"github.com/parley-talks/parley/seal"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// DefaultBusyTimeout is how long a write waits for a lock held by another
// process before it fails with EUNAVAILABLE.
const DefaultBusyTimeout = 5 * time.Second

// maxReaders bounds the reader pool.
const maxReaders = 4

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is a Parley store in one SQLite file. It implements parley.Store.
type DB struct {
	*sqlstore.Store
	path string
	lock *os.File // the lock beside the file (Lock), or nil
}

var _ parley.Store = (*DB)(nil)

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

type config struct {
	busyTimeout time.Duration
	readOnly    bool
	immutable   bool // with readOnly: no write-ahead log to read, so no lock and no -shm either
	masterKey   *seal.MasterKey
	lock        LockMode
}

// LockMode says how Open locks the database against other processes.
type LockMode int

const (
	// LockNone takes no lock: the commands that may run beside a server.
	LockNone LockMode = iota
	// LockShared is a server's lock, held while it runs; servers share it.
	LockShared
	// LockExclusive is for maintenance that must not run beside a server
	// (rotating the master key, shredding): Open refuses while a server
	// holds the database.
	LockExclusive
)

// LockSuffix names the lock file beside the database: "<file>.lock".
const LockSuffix = ".lock"

// Lock makes Open take the database's lock in mode, an advisory lock on
// the file <path>.lock (created 0600), held until Close. Open fails with a
// clear message if another process holds a lock that conflicts: a server
// holds it shared, so an exclusive one is refused while any server runs.
func Lock(mode LockMode) Option { return func(c *config) { c.lock = mode } }

// MasterKey opens the store with the master key that wraps its data keys.
// A database that recorded another key's id is refused, untouched, with an
// error naming both ids; a database that recorded none records this one's.
// Without this option sealed content (profiles, notes) can be neither read
// nor written.
func MasterKey(k *seal.MasterKey) Option { return func(c *config) { c.masterKey = k } }

// Option changes how Open opens the database.
type Option func(*config)

// BusyTimeout sets how long a statement waits for a lock held by another
// process before it fails with EUNAVAILABLE (default DefaultBusyTimeout).
func BusyTimeout(d time.Duration) Option { return func(c *config) { c.busyTimeout = d } }

// ReadOnly opens an existing database without write access (SQLite's
// mode=ro, and a store that refuses every write): reads work, every write
// fails with EUNAVAILABLE, nothing is migrated, bound or signed, and the
// database file is left byte for byte as it was. No file is ever created:
// a missing database is refused, and a database no process has open (it
// has no write-ahead log beside it) is read as immutable, without the
// -shm file a reader of the log needs; a database a server has open is
// read through its log, as of the moment each read transaction begins.
// The database must already be at this binary's schema version, with its
// rows bound (see package sqlstore).
func ReadOnly() Option { return func(c *config) { c.readOnly = true } }

// Open opens or creates the database file at path and brings its schema up
// to date. It fails with a message that says what is wrong if the directory
// does not exist, the file is not a SQLite database, the file is read-only
// (see ReadOnly), or the database was written by a newer Parley.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	cfg := config{busyTimeout: DefaultBusyTimeout}
	for _, o := range opts {
		o(&cfg)
	}
	if path == "" || path == ":memory:" {
		return nil, errors.New("sqlite: a database file path is required")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	migrations, err := loadMigrations()
	if err != nil {
		return nil, err
	}
	latest := migrations[len(migrations)-1].Version
	if err := checkFile(abs, cfg.readOnly, latest); err != nil {
		return nil, err
	}
	lock, err := takeLock(abs, cfg.lock)
	if err != nil {
		return nil, err
	}
	db, err := open(ctx, abs, cfg, migrations)
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		return nil, err
	}
	db.lock = lock
	return db, nil
}

// takeLock takes the lock of mode beside the database at path.
func takeLock(path string, mode LockMode) (*os.File, error) {
	if mode == LockNone {
		return nil, nil
	}
	f, ok, err := lockFile(path+LockSuffix, mode == LockExclusive)
	switch {
	case err != nil:
		return nil, err
	case !ok && mode == LockExclusive:
		return nil, fmt.Errorf("sqlite: %s is in use by a running server (it holds %s); stop the server first", path, path+LockSuffix)
	case !ok:
		return nil, fmt.Errorf("sqlite: %s is locked for maintenance (a key rotation or a shredding holds %s); try again when it is done", path, path+LockSuffix)
	}
	return f, nil
}

// Close closes the store, then releases the lock beside the file.
func (db *DB) Close() error {
	err := db.Store.Close()
	if db.lock != nil {
		err = errors.Join(err, db.lock.Close())
	}
	return err
}

// open opens the database at path, which checkFile has checked.
func open(ctx context.Context, abs string, cfg config, migrations []sqlstore.Migration) (*DB, error) {
	if !cfg.readOnly {
		if err := ownerOnly(abs); err != nil {
			return nil, err
		}
	} else if _, err := os.Stat(abs + "-wal"); errors.Is(err, fs.ErrNotExist) {
		// No process has the database open (a writer keeps its log), so
		// the file holds all of it: read it as immutable, which needs no
		// lock and creates no -wal or -shm beside it. With a log there,
		// SQLite reads it through the -shm that is there too.
		cfg.immutable = true
	}
	writer, err := sql.Open("sqlite", dsn(abs, cfg, true))
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)
	if err := migrate(ctx, writer, abs, migrations, cfg.readOnly); err != nil {
		writer.Close()
		return nil, err
	}

	reader, err := sql.Open("sqlite", dsn(abs, cfg, false))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	n := min(runtime.GOMAXPROCS(0)+1, maxReaders)
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	reader.SetConnMaxLifetime(0)
	reader.SetConnMaxIdleTime(0)
	if err := reader.PingContext(ctx); err != nil {
		writer.Close()
		reader.Close()
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", abs, describe(err))
	}
	store := sqlstore.New(reader, writer, dialect)
	if err := store.OpenKeys(ctx, cfg.masterKey, cfg.readOnly); err != nil {
		store.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", abs, err)
	}
	return &DB{Store: store, path: abs}, nil
}

// ownerOnly creates the database file at path with mode 0600 if it does
// not exist, and takes group and other users' access away from it and from
// its write-ahead log and shared-memory files if it does: SQLite creates
// those two with the database's mode.
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("sqlite: create %s: %w", path, err)
	}
	if runtime.GOOS == "windows" {
		return nil
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			// A file this user may write but does not own keeps its mode.
			if err := os.Chmod(p, fi.Mode().Perm()&0o700); err != nil && !errors.Is(err, fs.ErrPermission) {
				return fmt.Errorf("sqlite: make %s readable by its owner only: %w", p, err)
			}
		}
	}
	return nil
}

// pageCacheKiB is each connection's page cache, in KiB.
const pageCacheKiB = 32 << 10

// dsn returns the data source name of a writer or reader connection.
func dsn(path string, cfg config, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(cfg.busyTimeout.Milliseconds(), 10)+")")
	q.Add("_pragma", "foreign_keys(1)")
	// A page cache of pageCacheKiB per connection, kept between
	// transactions while the file does not change: a read of the map
	// touches a few thousand index pages, which the default 2 MB cache
	// would read again from the kernel on every request.
	q.Add("_pragma", "cache_size(-"+strconv.Itoa(pageCacheKiB)+")")
	if writer && !cfg.readOnly {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
		// Deleted content is overwritten, so that a shredded track key or a
		// key re-wrapped by rotation leaves no copy in the file's free pages.
		q.Add("_pragma", "secure_delete(ON)")
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	if cfg.readOnly {
		q.Set("mode", "ro")
	}
	if cfg.immutable {
		q.Set("immutable", "1")
	}
	u := url.URL{Scheme: "file", OmitHost: true, Path: path, RawQuery: q.Encode()}
	return u.String()
}

// header is the start of every SQLite database file.
var header = []byte("SQLite format 3\x00")

// checkFile explains, before SQLite touches anything, why path cannot be
// opened: a missing directory, a file that is not a SQLite database, a file
// this process may not write, or a database from a newer Parley. The schema
// version is read from the header's user_version field (offset 60), which
// migrate keeps equal to the highest applied migration.
func checkFile(path string, readOnly bool, latest int) error {
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("sqlite: cannot create %s: directory %s does not exist", path, dir)
		}
		return fmt.Errorf("sqlite: %w", err)
	} else if !fi.IsDir() {
		return fmt.Errorf("sqlite: cannot create %s: %s is not a directory", path, dir)
	}
	flag := os.O_RDWR
	if readOnly {
		flag = os.O_RDONLY
	}
	f, err := os.OpenFile(path, flag, 0)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if readOnly {
			return fmt.Errorf("sqlite: %s does not exist", path)
		}
		return nil // a new database
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("sqlite: the database file %s is read-only or not accessible to this user (%v); make it writable, or open it read-only", path, err)
	case err != nil:
		return fmt.Errorf("sqlite: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	} else if fi.IsDir() {
		return fmt.Errorf("sqlite: %s is a directory, not a database file", path)
	} else if fi.Size() == 0 {
		return nil // SQLite treats an empty file as an empty database
	}
	var h [100]byte
	if _, err := io.ReadFull(f, h[:]); err != nil || !bytes.HasPrefix(h[:], header) {
		return fmt.Errorf("sqlite: %s is not a SQLite database", path)
	}
	if v := int(binary.BigEndian.Uint32(h[60:64])); v > latest {
		return newerError(v, latest)
	}
	return nil
}

func newerError(v, latest int) error {
	return fmt.Errorf("sqlite: database schema version %d is newer than this parley (knows up to %d); upgrade parley", v, latest)
}

// describe turns the SQLite errors Open may meet into plain words.
func describe(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_NOTADB:
		return errors.New("the file is not a SQLite database")
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return errors.New("the database is locked by another process")
	case sqlite3.SQLITE_READONLY:
		return errors.New("the database file is read-only")
	case sqlite3.SQLITE_CANTOPEN:
		return errors.New("the database file cannot be opened (check that its directory exists and is writable)")
	case sqlite3.SQLITE_CORRUPT:
		return errors.New("the database file is corrupt")
	}
	return err
}

// dialect is what sqlstore needs to know of SQLite.
var dialect = sqlstore.Dialect{
	ForUpdate:   "", // the one writer connection serialises writes
	Unavailable: unavailable,
	IsUnique: func(err error) bool {
		return code(err) == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code(err) == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	},
	IsForeignKey: func(err error) bool { return code(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY },
	GroupCommit:  true,
	// The driver parses every statement it is given as text; keep the
	// known ones prepared (see package sqlstore).
	CacheStatements: true,
	AfterShred:      `PRAGMA wal_checkpoint(TRUNCATE)`,
}

func code(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return -1
}

func unavailable(err error) string {
	c := code(err)
	if c < 0 {
		return ""
	}
	switch c & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return "the database is locked by another process; try again later"
	case sqlite3.SQLITE_READONLY:
		return "the database file is read-only"
	case sqlite3.SQLITE_FULL:
		return "the disk holding the database is full"
	case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
		return "the database file cannot be read or written"
	}
	return ""
}

// Backup writes a consistent copy of the database at path to out (SQLite's
// VACUUM INTO), which must not exist. Sealed fields are copied sealed.
func Backup(ctx context.Context, path, out string) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("sqlite: backup: %s exists; refusing to overwrite it", out)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if _, err := os.Stat(abs); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	db, err := sql.Open("sqlite", dsn(abs, config{busyTimeout: DefaultBusyTimeout}, true))
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO $1`, out); err != nil {
		return fmt.Errorf("sqlite: backup %s to %s: %w", abs, out, describe(err))
	}
	return nil
}
