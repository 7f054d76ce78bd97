package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/parley-talks/parley"
)

// micro is how times are stored: unix microseconds, UTC.
func micro(t time.Time) int64 { return t.UnixMicro() }

// fromMicro is the inverse of micro.
func fromMicro(v int64) time.Time { return time.UnixMicro(v).UTC() }

// normalTime returns t as the stores keep it: UTC, whole microseconds.
func normalTime(t time.Time) time.Time { return fromMicro(micro(t)) }

// placeholders returns "$from, $from+1, …" for n arguments.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(from + i))
	}
	return b.String()
}

func int64Args(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

// exists reports whether table holds a row with the id. table is one of ours,
// never input.
func exists(ctx context.Context, tx *Tx, table string, id int64) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE id = $1`, id).Scan(&one)
	if err == nil {
		return true, nil
	}
	if isNoRows(err) {
		return false, nil
	}
	return false, fmt.Errorf("look up %s %d: %w", table, id, err)
}

// requireRef returns EINVALID on field unless table holds a row with id.
// noun names the record in the message ("venue 12 does not exist").
func requireRef(ctx context.Context, tx *Tx, table, field, noun string, id int64) error {
	ok, err := exists(ctx, tx, table, id)
	if err != nil {
		return err
	}
	if !ok {
		return parley.Errorf(parley.EINVALID, field, "%s %d does not exist", noun, id)
	}
	return nil
}

// requireRefs is requireRef for a list of ids, in one query.
func requireRefs(ctx context.Context, tx *Tx, table, field, noun string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	uniq := make([]int64, 0, len(ids))
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	found := make(map[int64]bool, len(uniq))
	err := inBatches(`SELECT id FROM `+table+` WHERE id IN (`+inList+`)`, uniq, func(q string, args []any) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			found[id] = true
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("look up %s: %w", table, err)
	}
	for _, id := range uniq {
		if !found[id] {
			return parley.Errorf(parley.EINVALID, field, "%s %d does not exist", noun, id)
		}
	}
	return nil
}

// count runs a count(*) query.
func count(ctx context.Context, tx *Tx, query string, args ...any) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count: %w", err)
	}
	return n, nil
}

func notFound(noun string, id int64) error {
	return parley.Errorf(parley.ENOTFOUND, "", "%s %d not found", noun, id)
}

// nullInt64 returns p's value or nil.
func nullInt64(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func nullTime(p *time.Time) any {
	if p == nil {
		return nil
	}
	return micro(*p)
}

// requireTrack returns ENOTFOUND unless the track exists.
func requireTrack(ctx context.Context, tx *Tx, trackID int64) error {
	ok, err := exists(ctx, tx, "tracks", trackID)
	if err != nil {
		return err
	}
	if !ok {
		return notFound("track", trackID)
	}
	return nil
}

// readTx runs read in one read transaction, committed if read succeeds.
func readTx[T any](ctx context.Context, s *Store, read func(*Tx) (T, error)) (T, error) {
	var zero T
	tx, err := s.beginRead(ctx)
	if err != nil {
		return zero, err
	}
	defer tx.Rollback()
	v, err := read(tx)
	if err != nil {
		return zero, err
	}
	return v, commit(tx)
}

// readTrack runs read in one read transaction for a caller who may see the
// track (CanSeeTrack), after checking that the track exists: the shape of
// every list of a track's records. What read returns must itself be
// filtered by the audience check where the records carry an audience.
func readTrack[T any](ctx context.Context, s *Store, trackID int64, read func(*Tx) (T, error)) (T, error) {
	if err := requireSeeTrack(ctx, trackID); err != nil {
		var zero T
		return zero, err
	}
	return readTx(ctx, s, func(tx *Tx) (T, error) {
		if err := requireTrack(ctx, tx, trackID); err != nil {
			var zero T
			return zero, err
		}
		return read(tx)
	})
}
