package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/parley-talks/parley"
)

// This file turns rows into records for the plain reads: a record's scan
// function (scanParty, scanVenue, …) reads one row of its table, and the
// functions here run the query around it, which selects the table's sel,
// and check each row's MAC (tx.scanner, rowauth.go). They check no
// audience: a caller that reads records which carry one applies the
// audience check (access.go) to what they return.

// rowScanner is a row to read: a *sql.Row or *sql.Rows.
type rowScanner = interface{ Scan(...any) error }

// queryAll runs query, which selects t.sel, and returns its rows as scan
// reads them, in the query's order: an empty slice, not nil, if there are
// none.
func queryAll[T any](ctx context.Context, tx *Tx, t *table, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	checked := tx.scanner(t, rows)
	for rows.Next() {
		v, err := scan(checked)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close() // before the transaction's next query
	return out, nil
}

// maxInList is the most ids one query binds in an IN list. SQLite refuses
// more than 32,766 parameters and PostgreSQL more than 65,535, so a list of
// any length is read maxInList ids at a time: ⌈n/maxInList⌉ queries, each
// with a bounded number of parameters and a bounded plan.
const maxInList = 500

// inList marks where a query's IN list goes: `WHERE id IN (` + inList + `)`.
const inList = "$ids"

// inBatches calls fn with query, its inList replaced by the placeholders of
// at most maxInList ids, and those ids as its arguments, for each run of
// ids in order. query has no other arguments.
func inBatches(query string, ids []int64, fn func(query string, args []any) error) error {
	for len(ids) > 0 {
		n := min(len(ids), maxInList)
		if err := fn(strings.Replace(query, inList, placeholders(1, n), 1), int64Args(ids[:n])); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// queryAllIn is queryAll for a query with one IN list of ids (inList):
// rows come in the query's order within each run of maxInList ids, the
// runs in the order of ids.
func queryAllIn[T any](ctx context.Context, tx *Tx, t *table, scan func(rowScanner) (T, error), query string, ids []int64) ([]T, error) {
	out := []T{}
	err := inBatches(query, ids, func(q string, args []any) error {
		vs, err := queryAll(ctx, tx, t, scan, q, args...)
		out = append(out, vs...)
		return err
	})
	return out, err
}

// eachRowIn runs query, which selects t.sel with one IN list of ids
// (inList), maxInList ids at a time, and calls fn for each row, verified
// as it is scanned.
func eachRowIn(ctx context.Context, tx *Tx, t *table, query string, ids []int64, fn func(rowScanner) error) error {
	return inBatches(query, ids, func(q string, args []any) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		checked := tx.scanner(t, rows)
		for rows.Next() {
			if err := fn(checked); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return rows.Close() // before the transaction's next query
	})
}

// findByID runs query, which selects t.sel of at most one row by the id in
// $1, and returns the row as scan reads it: ENOTFOUND ("<noun> <id> not
// found") if there is none.
func findByID[T any](ctx context.Context, tx *Tx, t *table, scan func(rowScanner) (T, error), noun, query string, id int64) (T, error) {
	v, err := scan(tx.scanner(t, tx.QueryRowContext(ctx, query, id)))
	if isNoRows(err) {
		var zero T
		return zero, notFound(noun, id)
	}
	if err != nil {
		var zero T
		return zero, fmt.Errorf("find %s %d: %w", noun, id, err)
	}
	return v, nil
}

// readPage returns, in one read transaction, the page of the rows of t
// that match where ("" for all, else " WHERE …" over args numbered from
// $1), ordered by id, and how many rows match in all. The page is
// normalised first (parley.Page.Normalize).
func readPage[T any](ctx context.Context, s *Store, t *table, scan func(rowScanner) (T, error), where string, page parley.Page, args ...any) (_ []T, total int, err error) {
	if page, err = page.Normalize(); err != nil {
		return nil, 0, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	if total, err = count(ctx, tx, `SELECT count(*) FROM `+t.name+where, args...); err != nil {
		return nil, 0, err
	}
	n := len(args)
	query := `SELECT ` + t.sel + ` FROM ` + t.name + where + ` ORDER BY id LIMIT $` + strconv.Itoa(n+1) + ` OFFSET $` + strconv.Itoa(n+2)
	found, err := queryAll(ctx, tx, t, scan, query, append(args, page.Limit, page.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	return found, total, commit(tx)
}
