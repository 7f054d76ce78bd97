package sqlstore

import (
	"context"
	"fmt"
	"strconv"

	"github.com/parley-talks/parley"
)

// This file turns rows into records for the plain reads: a record's scan
// function (scanParty, scanVenue, …) reads one row, and the functions here
// run the query around it. They check no audience: a caller that reads
// records which carry one applies the audience check (access.go) to what
// they return.

// rowScanner is a row to read: a *sql.Row or *sql.Rows.
type rowScanner = interface{ Scan(...any) error }

// queryAll runs query and returns its rows as scan reads them, in the
// query's order: an empty slice, not nil, if there are none.
func queryAll[T any](ctx context.Context, tx *Tx, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
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

// findByID runs query, which selects at most one row by the id in $1, and
// returns the row as scan reads it: ENOTFOUND ("<noun> <id> not found") if
// there is none.
func findByID[T any](ctx context.Context, tx *Tx, scan func(rowScanner) (T, error), noun, query string, id int64) (T, error) {
	v, err := scan(tx.QueryRowContext(ctx, query, id))
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

// readPage returns, in one read transaction, the page of the rows of table
// that match where ("" for all, else " WHERE …" over args numbered from
// $1), ordered by id, and how many rows match in all. columns is what scan
// reads. The page is normalised first (parley.Page.Normalize).
func readPage[T any](ctx context.Context, s *Store, scan func(rowScanner) (T, error), columns, table, where string, page parley.Page, args ...any) (_ []T, total int, err error) {
	if page, err = page.Normalize(); err != nil {
		return nil, 0, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	if total, err = count(ctx, tx, `SELECT count(*) FROM `+table+where, args...); err != nil {
		return nil, 0, err
	}
	n := len(args)
	query := `SELECT ` + columns + ` FROM ` + table + where + ` ORDER BY id LIMIT $` + strconv.Itoa(n+1) + ` OFFSET $` + strconv.Itoa(n+2)
	found, err := queryAll(ctx, tx, scan, query, append(args, page.Limit, page.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	return found, total, commit(tx)
}
