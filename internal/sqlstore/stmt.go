package sqlstore

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// # Prepared statements
//
// modernc.org/sqlite parses and plans every statement it is given as text;
// under load that was about a fifth of the CPU time of a read. With
// Dialect.CacheStatements a Store keeps a *sql.Stmt per query text and
// handle, and a transaction runs a known query through tx.StmtContext, which
// reuses the statement already prepared on the transaction's connection (or
// prepares it there once). Every query goes through the same methods of Tx,
// so no call site changes and none can forget.
//
// A statement is prepared on the handle (DB.PrepareContext), which needs a
// free connection of its own: inside a transaction on the writer's single
// connection that would wait for ever. So the first use of a query text runs
// it unprepared and asks a goroutine to prepare it, outside any transaction;
// later uses find it. The cache holds at most maxCachedStatements texts (a
// query with a list of n placeholders is a text per n), then stops growing:
// further texts run unprepared, as before.

// maxCachedStatements bounds the statements a handle keeps prepared.
const maxCachedStatements = 256

// prepareTimeout bounds the wait of a background prepare for a connection.
const prepareTimeout = 10 * time.Second

// stmtCache holds the prepared statements of one handle.
type stmtCache struct {
	db *sql.DB

	mu      sync.Mutex
	stmts   map[string]*sql.Stmt // prepared, by query text
	pending map[string]bool      // being prepared
	closed  bool
	wg      sync.WaitGroup
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// get returns the statement of query, or nil if it is not prepared yet, in
// which case it starts preparing it unless the cache is full.
func (c *stmtCache) get(query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.stmts[query]; st != nil || c.closed {
		return st
	}
	if c.pending[query] || len(c.stmts)+len(c.pending) >= maxCachedStatements {
		return nil
	}
	c.pending[query] = true
	c.wg.Add(1)
	go c.prepare(query)
	return nil
}

func (c *stmtCache) prepare(query string) {
	defer c.wg.Done()
	ctx, cancel := context.WithTimeout(context.Background(), prepareTimeout)
	defer cancel()
	st, err := c.db.PrepareContext(ctx, query)
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, query)
	if err != nil {
		// A query that does not prepare (the handle is closing, or the
		// statement fails) runs unprepared; it is asked for again at its
		// next use.
		return
	}
	if c.closed {
		st.Close()
		return
	}
	c.stmts[query] = st
}

// close closes the statements and waits for the prepares in progress; call
// it before the handle is closed.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.closed = true
	for q, st := range c.stmts {
		st.Close()
		delete(c.stmts, q)
	}
	c.mu.Unlock()
	c.wg.Wait()
}

// stmt returns query's statement bound to the transaction, or nil.
func (tx *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	st := tx.stmts.get(query)
	if st == nil {
		return nil
	}
	return tx.Tx.StmtContext(ctx, st)
}

// QueryContext runs query in the transaction, prepared if it can be.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := tx.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query in the transaction, prepared if it can be.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := tx.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}

// ExecContext runs query in the transaction, prepared if it can be.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := tx.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}
