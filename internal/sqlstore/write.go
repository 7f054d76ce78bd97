package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parley-talks/parley"
)

// maxBatch bounds the writes that share one commit.
const maxBatch = 64

// errClosed is returned for writes after Close.
var errClosed = &parley.Error{Code: parley.EUNAVAILABLE, Message: "the store is closed"}

// errReadOnly is returned for writes to a store opened read-only.
var errReadOnly = &parley.Error{Code: parley.EUNAVAILABLE, Message: "the store is open read-only"}

// writeOp is one service method's write, waiting for the commit loop.
type writeOp struct {
	ctx  context.Context
	fn   func(context.Context, *Tx) error
	done chan error
	// keepsCaches marks a write that changes neither what authentication
	// decides nor a track's themes (see writeKeepsCaches); every other
	// write moves the store's generation once committed.
	keepsCaches bool
}

// AuthGeneration is a number that changes after every committed write of
// this Store that may change what authentication decides — a session
// ended, a user disabled or changed, a grant made, changed or withdrawn, a
// token revoked, a track deleted — before the write is acknowledged. A
// cache of callers (package web) that notes the generation before it reads
// and drops its entries once the generation moves never serves a caller
// older than the last acknowledged write of this process. Writes by other
// processes to the same database (the command line, other servers on a
// shared PostgreSQL database) do not move it; such a cache must bound its
// entries' age as well.
//
// Only writes that are known not to matter keep it (writeKeepsCaches: a
// profile version, a session's or token's last use, a new session or
// token); every other write moves it, so that a new write path is safe by
// default. The store's own cache of tracks' themes (theme_cache.go) follows
// the same number.
func (s *Store) AuthGeneration() uint64 { return s.gen.Load() }

// write runs fn in a write transaction and returns once the transaction is
// committed (durably: see package sqlite) or rolled back. fn must use the
// context and the transaction it is given.
//
// Without group commit, fn gets a transaction of its own. With group commit,
// writes from concurrent callers are run one after the other by a single
// goroutine inside one transaction, each behind its own savepoint, and are
// acknowledged together after one commit: one fsync for many writes, while a
// refused write rolls back to its savepoint and leaves the others alone. A
// caller whose context ends while its write waits in the queue gets the
// context's error; once its write has started, it waits for the outcome, so
// that an acknowledged write is always a committed one.
func (s *Store) write(ctx context.Context, fn func(context.Context, *Tx) error) error {
	return s.runWrite(ctx, fn, false)
}

// writeKeepsCaches is write for a change that alters neither what
// authentication decides nor any track's themes, so it leaves
// AuthGeneration alone.
func (s *Store) writeKeepsCaches(ctx context.Context, fn func(context.Context, *Tx) error) error {
	return s.runWrite(ctx, fn, true)
}

func (s *Store) runWrite(ctx context.Context, fn func(context.Context, *Tx) error, keepsCaches bool) error {
	if s.readOnly {
		return errReadOnly
	}
	if s.ops == nil {
		tx, err := s.beginWrite(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if err := fn(ctx, tx); err != nil {
			return err
		}
		if err := unaudited(tx); err != nil {
			return err
		}
		if err := signTail(ctx, tx); err != nil {
			return err
		}
		err = commit(tx)
		if !keepsCaches {
			s.gen.Add(1) // after the commit: see AuthGeneration
		}
		return err
	}
	// An interrupted statement inside a transaction can roll the whole
	// transaction back, other callers' writes with it, so a started write
	// runs to its end.
	op := &writeOp{ctx: context.WithoutCancel(ctx), fn: fn, done: make(chan error, 1), keepsCaches: keepsCaches}
	select {
	case s.ops <- op:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.quit:
		return errClosed
	}
	return <-op.done
}

// commitLoop runs batches of writes until Close.
func (s *Store) commitLoop() {
	defer close(s.loopDone)
	for {
		select {
		case op := <-s.ops:
			s.runBatch(op)
		case <-s.quit:
			return
		}
	}
}

// runBatch runs first and whatever other writes are already waiting in one
// transaction and commits it.
func (s *Store) runBatch(first *writeOp) {
	sqlTx, err := s.writer.BeginTx(context.Background(), nil)
	if err != nil {
		first.done <- fmt.Errorf("begin: %w", err)
		return
	}
	tx := &Tx{Tx: sqlTx, d: &s.d, store: s, stmts: s.writeStmts}
	if s.d.BatchLock != "" {
		if _, err := sqlTx.Exec(s.d.BatchLock); err != nil {
			sqlTx.Rollback()
			first.done <- fmt.Errorf("lock the ledger: %w", err)
			return
		}
	}
	// The first write needs no savepoint: if it fails, it is alone in the
	// transaction.
	if err := runOp(tx, first); err != nil {
		sqlTx.Rollback()
		first.done <- err
		return
	}
	batch := []*writeOp{first}
	for len(batch) < maxBatch {
		var op *writeOp
		select {
		case op = <-s.ops:
		default:
		}
		if op == nil {
			break
		}
		if _, err := sqlTx.Exec(`SAVEPOINT write`); err != nil {
			op.done <- fmt.Errorf("savepoint: %w", err)
			s.abort(sqlTx, batch, err)
			return
		}
		if err := runOp(tx, op); err != nil {
			// A failed statement leaves the transaction open (SQLite
			// aborts only the statement; PostgreSQL marks the
			// transaction failed until the rollback to the savepoint);
			// if it did not, the rollback fails and the whole batch is
			// lost.
			if rbErr := rollbackTo(sqlTx); rbErr != nil {
				op.done <- err
				s.abort(sqlTx, batch, rbErr)
				return
			}
			op.done <- err
			continue
		}
		if _, err := sqlTx.Exec(`RELEASE write`); err != nil {
			op.done <- fmt.Errorf("release savepoint: %w", err)
			s.abort(sqlTx, batch, err)
			return
		}
		batch = append(batch, op)
	}
	if err := signTail(context.Background(), tx); err != nil {
		s.abort(sqlTx, batch, err)
		return
	}
	err = sqlTx.Commit()
	if err != nil {
		err = fmt.Errorf("commit: %w", err)
	}
	for _, op := range batch {
		if !op.keepsCaches {
			s.gen.Add(1) // after the commit, before any acknowledgement
			break
		}
	}
	for _, op := range batch {
		op.done <- err
	}
}

// rollbackTo undoes the writes since the savepoint and removes it.
func rollbackTo(sqlTx *sql.Tx) error {
	if _, err := sqlTx.Exec(`ROLLBACK TO write`); err != nil {
		return err
	}
	_, err := sqlTx.Exec(`RELEASE write`)
	return err
}

// abort rolls back a batch and fails the writes in it with err.
func (s *Store) abort(sqlTx *sql.Tx, batch []*writeOp, err error) {
	sqlTx.Rollback()
	for _, op := range batch {
		op.done <- fmt.Errorf("batch rolled back: %w", err)
	}
}

// runOp runs one write at the current time, turning a panic into an error
// so that it cannot take the commit loop down.
func runOp(tx *Tx, op *writeOp) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic in write: %v", r)
		}
	}()
	tx.now = parley.Now()
	tx.changes = tx.changes[:0] // a write rolled back to its savepoint leaves none
	if !op.keepsCaches {
		// From here to the commit the batch's transaction may differ
		// from what the caches hold (theme_cache.go).
		tx.dirty = true
	}
	if err := op.fn(op.ctx, tx); err != nil {
		return err
	}
	return unaudited(tx)
}

// unaudited refuses a write that changed rows without recording them in
// an audit entry: a broken invariant of the write, which would leave rows
// the ledger does not know.
func unaudited(tx *Tx) error {
	if len(tx.changes) > 0 {
		return fmt.Errorf("sqlstore: a write changed %d rows of %s without an audit entry", len(tx.changes), tx.changes[0].t.name)
	}
	return nil
}
