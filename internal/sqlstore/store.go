// Package sqlstore implements every Parley service over database/sql. The
// sqlite and postgres packages open their databases, apply their own
// migrations and hand the handles to New; the SQL here is the dialect both
// understand ($N placeholders, RETURNING id, BIGINT unix-microsecond times).
//
// # Transactions
//
// Each service method validates its input and runs private helpers that
// take one transaction. Reads run in a read transaction on the reader
// handle, so a list and its total come from one snapshot. Writes go through
// Store.write, which begins the transaction, rolls it back on any error and
// commits once: in PostgreSQL each write has a transaction of its own and
// locks the rows it is about to change with SELECT … FOR UPDATE; in SQLite,
// whose one writer connection serialises writes anyway, concurrent writes
// share a transaction, each behind a savepoint, and one durable commit (group
// commit), which multiplies the writes per fsync.
//
// # Who is asking
//
// Every method applies the "who may do what" table of package parley to
// the caller of its context, through the Caller's methods only (access.go):
// lists are filtered in SQL by the tracks the caller may see, so totals are
// right; a record the caller may not see is ENOTFOUND, a visible one it may
// not change EFORBIDDEN. parley.System may do everything; a context
// without a caller is nobody and may do nothing.
//
// # Keys and sealing
//
// The store is given its master key by OpenKeys (keys.go); the database
// records the key's KeyID, never the key. Each track has a data key in
// track_keys, wrapped by the master key, created with the track (or at its
// first sealed write if the track was created without a master key) and
// cached unwrapped in memory, keyed by its wrapped bytes. Sealed fields —
// profile contents and meeting notes — are sealed with
// seal.TrackKey.SealField(table, record, field), so a ciphertext moved to
// another row or field does not open; such a failure is a *SealedError
// naming the record. ShredTrack empties the track's key row for good.
//
// # Audit ledger
//
// Every write appends a ledger.Entry in its own transaction (audit.go):
// under group commit the writes of a batch get consecutive indexes, and a
// write rolled back to its savepoint takes its entry with it. An entry row
// holds the entry's leaf data and the tlog stored hashes it added, so
// VerifyAudit reads one row per entry. A checkpoint is signed every
// CheckpointEvery entries and at open and close, with an Ed25519 key made at
// the first open with a master key and kept in store_meta, sealed under a
// data key of its own that the master key wraps (so rotation re-wraps it
// too); the verifier key is stored in the clear.
//
// # Caches
//
// Three, each bounded and each invalidated by the writes that matter: the
// unwrapped track keys (keys.go), the prepared statements of SQLite
// (stmt.go), and under group commit the tracks' themes for profile
// validation (theme_cache.go). AuthGeneration (write.go) tells a cache
// outside the store, the web layer's callers, when to drop what it holds.
//
// # Errors
//
// Every error a caller can act on is a *parley.Error: EINVALID naming the
// field, ENOTFOUND, ECONFLICT, and EUNAVAILABLE when the database is locked,
// read-only or unreachable. Anything else is wrapped with the operation's name
// and is internal.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parley-talks/parley"
)

// Dialect is what differs between the databases behind a Store.
type Dialect struct {
	// ForUpdate is appended to a SELECT of a row the transaction will change:
	// " FOR UPDATE" in PostgreSQL, "" in SQLite, whose one writer connection
	// serialises writes.
	ForUpdate string
	// ReadTx are the options of read transactions (nil for the default).
	ReadTx *sql.TxOptions
	// Unavailable returns a message for the person at the other end if err
	// means the database cannot serve now (locked, read-only, unreachable),
	// and "" otherwise.
	Unavailable func(err error) string
	// IsUnique reports whether err is a unique-constraint violation.
	IsUnique func(err error) bool
	// IsForeignKey reports whether err is a foreign-key violation.
	IsForeignKey func(err error) bool
	// GroupCommit runs concurrent writes in shared transactions with one
	// commit each (see Store.write). For SQLite, whose one writer
	// connection serialises writes anyway and whose commit is an fsync,
	// and for PostgreSQL, whose audited writes all take the ledger's row
	// lock until their commit: a batch pays that lock and one fsync for
	// up to maxBatch writes.
	GroupCommit bool
	// BatchLock, if set, is the statement a group-commit batch runs
	// first: for PostgreSQL the ledger's row lock (audit_log FOR UPDATE),
	// so that every batch of every process takes it before any other row
	// lock and batches of two servers never deadlock (one holds the
	// ledger and waits for a track the other locked before it reached
	// the ledger).
	BatchLock string
	// CacheStatements keeps the statements of known queries prepared on
	// each connection (stmt.go). For SQLite, whose driver otherwise
	// parses every statement anew; pgx caches its own.
	CacheStatements bool
	// AfterShred, if set, runs on the writer outside any transaction once
	// a track's key is deleted, so that no earlier copy of the wrapped key
	// stays in the database's files: for SQLite, a WAL checkpoint that
	// truncates the log (the file itself overwrites deleted content, with
	// secure_delete on). PostgreSQL leaves dead tuples to VACUUM.
	AfterShred string
}

// Store implements parley.Store over a reader and a writer handle.
type Store struct {
	reader, writer *sql.DB
	d              Dialect

	// With Dialect.CacheStatements: the prepared statements of each
	// handle (stmt.go); nil otherwise.
	readStmts, writeStmts *stmtCache

	// With group commit: the queue of writes, closed by Close, and the
	// commit loop's end.
	ops       chan *writeOp
	quit      chan struct{}
	loopDone  chan struct{}
	closeOnce sync.Once

	// gen is the generation of the caches (see AuthGeneration in
	// write.go), and themes the cache of tracks' themes it guards
	// (theme_cache.go).
	gen    atomic.Uint64
	themes themeCache

	// Keys (see keys.go): the master key, nil when the store was opened
	// without one, the cache of unwrapped track keys, the row key and the
	// ledger's checkpoint signer.
	keys keyring

	// readOnly refuses every write (OpenKeys with readOnly): the store of
	// parley audit verify, which must leave the database as it found it.
	readOnly bool
}

var (
	_ parley.Store               = (*Store)(nil)
	_ parley.SecondFactorService = (*Store)(nil)
)

// New returns a Store that reads through reader and writes through writer;
// they may be the same handle. The Store owns both and closes them.
func New(reader, writer *sql.DB, d Dialect) *Store {
	s := &Store{reader: reader, writer: writer, d: d}
	if d.CacheStatements {
		s.writeStmts = newStmtCache(writer)
		s.readStmts = s.writeStmts
		if reader != writer {
			s.readStmts = newStmtCache(reader)
		}
	}
	if d.GroupCommit {
		s.ops = make(chan *writeOp)
		s.quit = make(chan struct{})
		s.loopDone = make(chan struct{})
		go s.commitLoop()
	}
	return s
}

// Close waits for the write in progress, if any, refuses further writes and
// closes the store's handles.
func (s *Store) Close() error {
	if s.ops != nil {
		s.closeOnce.Do(func() { close(s.quit) })
		<-s.loopDone
	}
	s.writeStmts.close()
	if s.readStmts != s.writeStmts {
		s.readStmts.close()
	}
	err := s.writer.Close()
	if s.reader != s.writer {
		err = errors.Join(err, s.reader.Close())
	}
	return err
}

// Tx is a transaction with the dialect and the time it began, which is the
// time of every change it makes.
type Tx struct {
	*sql.Tx
	d     *Dialect
	now   time.Time
	store *Store // for the keys: rows' MACs, sealed fields, checkpoints
	// stmts are the prepared statements of the transaction's handle, or
	// nil (stmt.go).
	stmts *stmtCache
	// dirty is set once a write of a group-commit batch that may change
	// what the caches hold has run in the transaction.
	dirty bool
	// changes are the rows the current write changed, for its audit entry
	// (rowauth.go, appendAudit).
	changes []rowChange
}

func (s *Store) beginWrite(ctx context.Context) (*Tx, error) {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{Tx: tx, d: &s.d, now: parley.Now(), store: s, stmts: s.writeStmts}, nil
}

// beginRead begins a read transaction of the domain: ErrNoMasterKey for a
// store opened without its master key, whose rows cannot be verified.
func (s *Store) beginRead(ctx context.Context) (*Tx, error) {
	s.keys.mu.Lock()
	keyed := s.keys.rows != nil
	s.keys.mu.Unlock()
	if !keyed {
		return nil, ErrNoMasterKey
	}
	return s.beginRawRead(ctx)
}

// beginRawRead begins a read transaction for the store's own bookkeeping
// (its keys, their binding), which reads no authenticated row.
func (s *Store) beginRawRead(ctx context.Context) (*Tx, error) {
	tx, err := s.reader.BeginTx(ctx, s.d.ReadTx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{Tx: tx, d: &s.d, now: parley.Now(), store: s, stmts: s.readStmts}, nil
}

func commit(tx *Tx) error {
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// mapErr turns the error in *errp into what callers of op may see: a
// *parley.Error as it is; locked, read-only or unreachable databases as
// EUNAVAILABLE; constraint violations the helpers did not foresee as
// ECONFLICT or EINVALID; anything else wrapped with op.
func (s *Store) mapErr(errp *error, op string) {
	err := *errp
	if err == nil {
		return
	}
	var pe *parley.Error
	switch {
	case errors.As(err, &pe):
		*errp = pe
	case s.d.Unavailable != nil && s.d.Unavailable(err) != "":
		*errp = parley.Errorf(parley.EUNAVAILABLE, "", "%s", s.d.Unavailable(err))
	case s.d.IsUnique != nil && s.d.IsUnique(err):
		*errp = parley.Errorf(parley.ECONFLICT, "", "the change conflicts with a record stored at the same time; try again")
	case s.d.IsForeignKey != nil && s.d.IsForeignKey(err):
		*errp = parley.Errorf(parley.EINVALID, "", "the change refers to a record that does not exist")
	default:
		*errp = fmt.Errorf("sqlstore: %s: %w", op, err)
	}
}

// Empty reports whether the store holds no party, track, venue, event or user.
func (s *Store) Empty(ctx context.Context) (empty bool, err error) {
	defer s.mapErr(&err, "empty")
	if err := requireSignedIn(ctx); err != nil {
		return false, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var n int
	err = tx.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM (SELECT 1 FROM parties LIMIT 1) p) +
		(SELECT count(*) FROM (SELECT 1 FROM tracks LIMIT 1) t) +
		(SELECT count(*) FROM (SELECT 1 FROM venues LIMIT 1) v) +
		(SELECT count(*) FROM (SELECT 1 FROM events LIMIT 1) e) +
		(SELECT count(*) FROM (SELECT 1 FROM users LIMIT 1) u)`).Scan(&n)
	if err != nil {
		return false, err
	}
	return n == 0, commit(tx)
}
