package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/ledger"
)

// FindAuditEntries returns a track's audit entries that the caller may
// see, newest first (see parley.AuditService). Each entry's visibility is
// the one ProveInclusion checks: its columns under the audience check, and
// the leaf vouching for the columns. Cost: one pass over the track's
// entries (the audit_entries_track index).
func (s *Store) FindAuditEntries(ctx context.Context, trackID int64, page parley.Page) (_ []*parley.AuditEntry, total int, err error) {
	defer s.mapErr(&err, "find audit entries")
	if err := requireSeeTrack(ctx, trackID); err != nil {
		return nil, 0, err
	}
	page, err = page.Normalize()
	if err != nil {
		return nil, 0, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT idx, leaf, track_id, audience FROM audit_entries WHERE track_id = $1 ORDER BY idx DESC`, trackID)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*parley.AuditEntry{}
	for rows.Next() {
		var idx int64
		var leaf []byte
		var track sql.NullInt64
		var aud string
		if err := rows.Scan(&idx, &leaf, &track, &aud); err != nil {
			return nil, 0, err
		}
		if !entryVisible(ctx, nullableID(track), parley.Audience(aud)) {
			continue
		}
		e, err := ledger.DecodeEntry(leaf)
		if err != nil || e.Index != idx {
			return nil, 0, fmt.Errorf("audit entry %d does not decode: %w", idx, ledger.ErrVerify)
		}
		if !e.Legacy() && EntryVisibility(nullableID(track), parley.Audience(aud)) != e.Visibility {
			return nil, 0, fmt.Errorf("audit entry %d: track_id or audience differs from the entry's visibility: %w", idx, ledger.ErrVerify)
		}
		total++
		if total <= page.Offset || len(out) == page.Limit {
			continue
		}
		out = append(out, &parley.AuditEntry{Index: e.Index, Time: e.Time, Actor: e.Actor, Action: e.Action, Object: e.Object,
			Digest: b64(e.Digest[:]), TrackID: nullableID(track), Audience: parley.Audience(aud)})
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, commit(tx)
}
