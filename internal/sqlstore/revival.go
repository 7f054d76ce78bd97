package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parley-talks/parley"
)

// A track's history: moving its start so that earlier history can be
// entered, and a collapsed track revived as a new one (track_revivals).

// MoveTrackStart moves the first transition of the track to at.
func (s *Store) MoveTrackStart(ctx context.Context, id int64, at time.Time) (_ *parley.Transition, err error) {
	defer s.mapErr(&err, "move track start")
	if at.IsZero() {
		return nil, parley.Errorf(parley.EINVALID, "at", "give the date the track started")
	}
	if err := requireEditTrack(ctx, id); err != nil {
		return nil, err
	}
	var first *parley.Transition
	err = s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := findTrackByID(ctx, tx, id, true); err != nil {
			return err
		}
		trs, err := findTransitions(ctx, tx, id)
		if err != nil {
			return err
		}
		if len(trs) == 0 {
			return notFound("track", id)
		}
		at = normalTime(at)
		limit, what := tx.now, "today"
		if len(trs) > 1 && trs[1].At.Before(limit) {
			limit, what = trs[1].At, "its next status change"
		}
		if at.After(limit) {
			return parley.Errorf(parley.EINVALID, "at", "the track's start cannot lie after %s (%s)", what, limit.Format("2006-01-02 15:04 MST"))
		}
		first = trs[0]
		first.At = at
		if _, err := tx.update(ctx, tTransitions, []any{first.ID}, `at = $1`, micro(at)); err != nil {
			return err
		}
		return appendAudit(ctx, tx, auditRecord{action: "track.start", object: trackObject(id), trackID: id, audience: parley.AudiencePlenary})
	})
	if err != nil {
		return nil, err
	}
	return first, nil
}

// ReviveTrack opens successor as the continuation of the collapsed track.
func (s *Store) ReviveTrack(ctx context.Context, id int64, successor *parley.Track, reason string) (err error) {
	defer s.mapErr(&err, "revive track")
	if err := successor.Validate(); err != nil {
		return err
	}
	if err := checkReason(reason); err != nil {
		return err
	}
	if err := requireEditTrack(ctx, id); err != nil {
		return err
	}
	if err := requireOpenTrack(ctx); err != nil {
		return err
	}
	if successor.Status == "" {
		successor.Status = parley.StatusExploratory
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		t, err := findTrackByID(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if t.Status != parley.StatusCollapsed {
			return parley.Errorf(parley.ECONFLICT, "", "track %d is %s; only a collapsed track is revived", id, t.Status)
		}
		var taken int
		err = tx.QueryRowContext(ctx, `SELECT 1 FROM track_revivals WHERE track_id = $1`, id).Scan(&taken)
		if err == nil {
			return parley.Errorf(parley.ECONFLICT, "", "track %d has been revived already", id)
		} else if !isNoRows(err) {
			return err
		}
		if err := s.openTrack(ctx, tx, successor); err != nil {
			return err
		}
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.insert(ctx, tRevivals, `track_id, successor_id, reason, actor_id, at`, id, successor.ID, reason, nullInt64(by), micro(tx.now)); err != nil {
			return err
		}
		successor.Revives = &id
		return appendAudit(ctx, tx, auditRecord{action: "track.revive", object: trackObject(id), trackID: id, audience: parley.AudiencePlenary})
	})
}

func checkReason(reason string) error {
	r := parley.TransitionRequest{To: parley.StatusActive, Reason: reason}
	return r.Validate()
}

// loadRevivals fills RevivedAs and Revives of tracks read in tx.
func loadRevivals(ctx context.Context, tx *Tx, byID map[int64]*parley.Track, ids []int64) error {
	// Two bounded lists (a track revived, a track that revives another):
	// inBatches fills one IN list per query.
	for _, column := range []string{"track_id", "successor_id"} {
		rows, err := queryAllIn(ctx, tx, tRevivals, scanRevival,
			`SELECT `+tRevivals.sel+` FROM track_revivals WHERE `+column+` IN (`+inList+`) ORDER BY track_id`, ids)
		if err != nil {
			return fmt.Errorf("load track revivals: %w", err)
		}
		for _, r := range rows {
			if t := byID[r.track]; t != nil {
				t.RevivedAs = &r.successor
			}
			if t := byID[r.successor]; t != nil {
				t.Revives = &r.track
			}
		}
	}
	return nil
}

type revival struct{ track, successor int64 }

func scanRevival(row rowScanner) (*revival, error) {
	var r revival
	var reason string
	var by sql.NullInt64
	var at int64
	if err := row.Scan(&r.track, &r.successor, &reason, &by, &at); err != nil {
		return nil, err
	}
	return &r, nil
}
