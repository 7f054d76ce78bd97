// Package postgres is Parley's store for deployments that outgrow one
// machine: PostgreSQL through jackc/pgx/v5 (its database/sql driver).
//
// It implements the same services as package sqlite, with the same SQL
// (internal/sqlstore) and its own embedded migrations, numbered and meaning
// the same as SQLite's. Reads run in read-only REPEATABLE READ transactions,
// so a list and its total agree; writes run in READ COMMITTED transactions
// that lock the rows they are about to change with SELECT … FOR UPDATE.
//
// # Migrations
//
// migrations/*.sql are applied in order at Open, in one transaction that
// holds an advisory lock per schema (so two servers starting together do not
// race), and recorded in schema_migrations. A database whose recorded version
// is newer than this binary knows is refused and left untouched.
//
// # Schemas
//
// Parley's tables live in the first schema of the connection's search_path:
// set it with the Schema option or in the DSN
// (postgres://…/db?search_path=parley). Tests use a fresh schema each.
package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/internal/sqlstore"
	"github.com/parley-talks/parley/seal"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DefaultMaxConns bounds the connection pool.
const DefaultMaxConns = 16

// DB is a Parley store in a PostgreSQL database. It implements parley.Store.
type DB struct {
	*sqlstore.Store
	schema string
	lock   *sql.Conn // the connection that holds the advisory lock (Lock), or nil
}

var _ parley.Store = (*DB)(nil)

// Schema returns the schema that holds Parley's tables.
func (db *DB) Schema() string { return db.schema }

type config struct {
	schema    string
	maxConns  int
	masterKey *seal.MasterKey
	readOnly  bool
	lock      LockMode
}

// ReadOnly opens the store without writing anything: every connection's
// transactions are read-only (default_transaction_read_only), nothing is
// migrated, bound or signed, and every write fails with EUNAVAILABLE. The
// schema must already be at this binary's version, with its rows bound.
func ReadOnly() Option { return func(c *config) { c.readOnly = true } }

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

// Lock makes Open take the schema's lock in mode, a session advisory lock
// held on a connection of its own until Close. Open fails with a clear
// message if another session holds a lock that conflicts: a server holds
// it shared, so an exclusive one is refused while any server runs.
func Lock(mode LockMode) Option { return func(c *config) { c.lock = mode } }

// lockServe is the first key of the advisory lock of Lock; the second is a
// hash of the schema's name.
const lockServe = 0x70727376 // "prsv"

// MasterKey opens the store with the master key that wraps its data keys.
// A database that recorded another key's id is refused, untouched, with an
// error naming both ids; a database that recorded none records this one's.
// Without this option sealed content (profiles, notes) can be neither read
// nor written.
func MasterKey(k *seal.MasterKey) Option { return func(c *config) { c.masterKey = k } }

// Option changes how Open connects.
type Option func(*config)

// Schema keeps Parley's tables in the named schema, which must exist, by
// setting the connections' search_path. Names are plain identifiers: lower
// case letters, digits and underscores.
func Schema(name string) Option { return func(c *config) { c.schema = name } }

// MaxConns bounds the connection pool (default DefaultMaxConns).
func MaxConns(n int) Option { return func(c *config) { c.maxConns = n } }

// isIdentifier reports whether s is a schema name Parley accepts: a
// lowercase letter or underscore, then up to 62 lowercase letters, digits
// or underscores (^[a-z_][a-z0-9_]{0,62}$). A function, not a regexp: the
// bounded repetition compiles to 62 nested states, about a millisecond at
// every start of the binary.
func isIdentifier(s string) bool {
	if len(s) == 0 || len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Open connects to the database at dsn (a postgres:// URL or key=value
// string), brings its schema up to date and returns the store. It fails with
// a clear message if the server cannot be reached, the schema does not exist
// or the database was written by a newer Parley.
func Open(ctx context.Context, dsn string, opts ...Option) (*DB, error) {
	cfg := config{maxConns: DefaultMaxConns}
	for _, o := range opts {
		o(&cfg)
	}
	conf, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: bad connection string: %w", err)
	}
	if cfg.schema != "" {
		if !isIdentifier(cfg.schema) {
			return nil, fmt.Errorf("postgres: schema name %q is not a plain identifier (lower case letters, digits, underscores)", cfg.schema)
		}
		conf.RuntimeParams["search_path"] = cfg.schema
	}
	if cfg.readOnly {
		conf.RuntimeParams["default_transaction_read_only"] = "on"
	}
	// No just-in-time compilation: Parley's queries are short index
	// probes, and the map's summary (a few probes per track) looks
	// costly enough to the planner to spend a second compiling it.
	if _, set := conf.RuntimeParams["jit"]; !set {
		conf.RuntimeParams["jit"] = "off"
	}
	db := stdlib.OpenDB(*conf)
	db.SetMaxOpenConns(cfg.maxConns)
	db.SetMaxIdleConns(cfg.maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	migrations, err := loadMigrations()
	if err != nil {
		db.Close()
		return nil, err
	}
	var schema string
	if cfg.readOnly {
		schema, err = checkVersion(ctx, db, migrations)
	} else {
		schema, err = migrate(ctx, db, migrations)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	lock, err := takeLock(ctx, db, schema, cfg.lock)
	if err != nil {
		db.Close()
		return nil, err
	}
	store := sqlstore.New(db, db, dialect)
	if err := store.OpenKeys(ctx, cfg.masterKey, cfg.readOnly); err != nil {
		if lock != nil {
			lock.Close()
		}
		store.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return &DB{Store: store, schema: schema, lock: lock}, nil
}

// takeLock takes the schema's advisory lock in mode on a connection of its
// own, which keeps it until it is closed.
func takeLock(ctx context.Context, db *sql.DB, schema string, mode LockMode) (*sql.Conn, error) {
	if mode == LockNone {
		return nil, nil
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: lock: %w", describe(err))
	}
	q := `SELECT pg_try_advisory_lock_shared($1, hashtext($2))`
	if mode == LockExclusive {
		q = `SELECT pg_try_advisory_lock($1, hashtext($2))`
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, q, lockServe, schema).Scan(&ok); err != nil {
		conn.Close()
		return nil, fmt.Errorf("postgres: lock: %w", describe(err))
	}
	switch {
	case !ok && mode == LockExclusive:
		conn.Close()
		return nil, fmt.Errorf("postgres: schema %s is in use by a running server (it holds the schema's advisory lock); stop every server first", schema)
	case !ok:
		conn.Close()
		return nil, fmt.Errorf("postgres: schema %s is locked for maintenance (a key rotation or a shredding holds its advisory lock); try again when it is done", schema)
	}
	return conn, nil
}

// Close closes the store, then ends the session that holds the lock.
func (db *DB) Close() error {
	var err error
	if db.lock != nil {
		// Close the lock's connection first: the pool's Close waits for it.
		err = db.lock.Close()
	}
	return errors.Join(err, db.Store.Close())
}

// checkVersion returns the schema's name after checking, without writing,
// that it is at this binary's version.
func checkVersion(ctx context.Context, db *sql.DB, ms []sqlstore.Migration) (string, error) {
	latest := ms[len(ms)-1].Version
	var schema sql.NullString
	if err := db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return "", fmt.Errorf("postgres: connect: %w", describe(err))
	}
	if !schema.Valid {
		return "", errors.New("postgres: no schema of the search_path exists")
	}
	var version int
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		return "", fmt.Errorf("postgres: read schema version: %w", describe(err))
	}
	switch {
	case version > latest:
		return "", fmt.Errorf("postgres: database schema version %d is newer than this parley (knows up to %d); upgrade parley", version, latest)
	case version < latest:
		return "", fmt.Errorf("postgres: schema %s is at version %d and needs migrating to %d, which a read-only open cannot do", schema.String, version, latest)
	}
	return schema.String, nil
}

// loadMigrations returns the embedded migrations in version order.
func loadMigrations() ([]sqlstore.Migration, error) {
	ms, err := sqlstore.LoadMigrations(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return ms, nil
}

// lockMigrations is the first key of the advisory lock that serialises
// migrations; the second is a hash of the schema's name.
const lockMigrations = 0x70726c79 // "prly"

// migrate applies the migrations the schema lacks in one transaction and
// returns the schema's name. Nothing is written to a database at a newer
// version.
func migrate(ctx context.Context, db *sql.DB, ms []sqlstore.Migration) (string, error) {
	latest := ms[len(ms)-1].Version
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("postgres: connect: %w", describe(err))
	}
	defer tx.Rollback()
	var schema sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return "", fmt.Errorf("postgres: connect: %w", describe(err))
	}
	if !schema.Valid {
		var path string
		_ = tx.QueryRowContext(ctx, `SHOW search_path`).Scan(&path)
		return "", fmt.Errorf("postgres: no schema of the search_path (%s) exists; create it first", path)
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockMigrations, schema.String); err != nil {
		return "", fmt.Errorf("postgres: lock migrations: %w", describe(err))
	}
	var exists bool
	if err := tx.QueryRowContext(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return "", fmt.Errorf("postgres: read schema version: %w", describe(err))
	}
	version := 0
	if exists {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
			return "", fmt.Errorf("postgres: read schema version: %w", describe(err))
		}
	}
	if version > latest {
		return "", fmt.Errorf("postgres: database schema version %d is newer than this parley (knows up to %d); upgrade parley", version, latest)
	}
	if version == latest {
		return schema.String, nil
	}
	if !exists {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
			return "", fmt.Errorf("postgres: create schema_migrations: %w", describe(err))
		}
	}
	for _, m := range ms[version:] {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return "", fmt.Errorf("postgres: migration %s: %w", m.Name, describe(err))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
			m.Version, m.Name, parley.Now().UnixMicro()); err != nil {
			return "", fmt.Errorf("postgres: record migration %s: %w", m.Name, describe(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("postgres: commit migrations: %w", describe(err))
	}
	return schema.String, nil
}

// describe adds plain words to the errors Open may meet.
func describe(err error) error {
	if msg := unavailable(err); msg != "" {
		return fmt.Errorf("%s: %w", msg, err)
	}
	return err
}

// dialect is what sqlstore needs to know of PostgreSQL.
var dialect = sqlstore.Dialect{
	ForUpdate:    " FOR UPDATE",
	ReadTx:       &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true},
	Unavailable:  unavailable,
	IsUnique:     func(err error) bool { return pgCode(err) == "23505" },
	IsForeignKey: func(err error) bool { return pgCode(err) == "23503" },
	// Concurrent writes share a transaction, the ledger's lock and a
	// commit (see package sqlstore).
	GroupCommit: true,
	BatchLock:   `SELECT 1 FROM audit_log WHERE id = 1 FOR UPDATE`,
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func unavailable(err error) string {
	code := pgCode(err)
	switch {
	case code == "25006": // read_only_sql_transaction: a standby, or default_transaction_read_only
		return "the database is read-only"
	case code == "40001", code == "40P01", code == "55P03": // serialization failure, deadlock, lock not available
		return "the database is busy; try again"
	case code == "57P01", code == "57P02", code == "57P03", strings.HasPrefix(code, "53"), strings.HasPrefix(code, "08"):
		return "the database server is unavailable; try again later"
	case code != "":
		return ""
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) || pgconn.Timeout(err) {
		return "the database server cannot be reached"
	}
	return ""
}
