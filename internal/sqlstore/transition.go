package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parley-talks/parley"
)

// scanTransition reads a row of tTransitions.
func scanTransition(row rowScanner) (*parley.Transition, error) {
	var tr parley.Transition
	var event, actor sql.NullInt64
	var at int64
	if err := row.Scan(&tr.ID, &tr.TrackID, &tr.From, &tr.To, &tr.Reason, &event, &actor, &at); err != nil {
		return nil, err
	}
	tr.EventID, tr.ActorID, tr.At = nullableID(event), nullableID(actor), fromMicro(at)
	return &tr, nil
}

// TransitionTrack moves the track to req.To and records who (the actor of
// ctx), when (req.At, or now) and why. ECONFLICT naming the current and
// requested status if the lifecycle forbids the step; EINVALID if the event
// does not exist or the time lies before the last transition; ENOTFOUND.
func (s *Store) TransitionTrack(ctx context.Context, id int64, req parley.TransitionRequest) (_ *parley.Transition, err error) {
	defer s.mapErr(&err, "transition track")
	if err := req.Validate(); err != nil {
		return nil, err
	}
	var tr *parley.Transition
	if err := requireEditTrack(ctx, id); err != nil {
		return nil, err
	}
	err = s.write(ctx, func(ctx context.Context, tx *Tx) (err error) {
		if tr, err = transitionTrack(ctx, tx, id, req); err != nil {
			return err
		}
		return appendAudit(ctx, tx, auditRecord{action: "track.transition", object: trackObject(id), trackID: id, audience: parley.AudiencePlenary})
	})
	if err != nil {
		return nil, err
	}
	return tr, nil
}

// FindTransitions returns the track's status history, oldest first;
// ENOTFOUND if the track does not exist.
func (s *Store) FindTransitions(ctx context.Context, trackID int64) (_ []*parley.Transition, err error) {
	defer s.mapErr(&err, "find transitions")
	if err := requireSeeTrack(ctx, trackID); err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	trs, err := findTransitions(ctx, tx, trackID)
	if err != nil {
		return nil, err
	}
	if len(trs) == 0 { // every track has its first transition
		return nil, notFound("track", trackID)
	}
	return trs, commit(tx)
}

func findTransitions(ctx context.Context, tx *Tx, trackID int64) ([]*parley.Transition, error) {
	trs, err := queryAll(ctx, tx, tTransitions, scanTransition, `SELECT `+tTransitions.sel+` FROM transitions WHERE track_id = $1 ORDER BY id`, trackID)
	if err != nil {
		return nil, fmt.Errorf("find transitions: %w", err)
	}
	return trs, nil
}

func transitionTrack(ctx context.Context, tx *Tx, id int64, req parley.TransitionRequest) (*parley.Transition, error) {
	t, err := findTrackByID(ctx, tx, id, true)
	if err != nil {
		return nil, err
	}
	if err := t.Status.CheckTransition(req.To); err != nil {
		return nil, err
	}
	if err := checkSequenceOpens(ctx, tx, id, t.Status, req.To); err != nil {
		return nil, err
	}
	if req.EventID != nil {
		if err := requireRef(ctx, tx, "events", "event_id", "event", *req.EventID); err != nil {
			return nil, err
		}
	}
	actor, err := actor(ctx, tx)
	if err != nil {
		return nil, err
	}
	at := tx.now
	if req.At != nil {
		at = normalTime(*req.At)
	}
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT max(at) FROM transitions WHERE track_id = $1`, id).Scan(&last); err != nil {
		return nil, fmt.Errorf("last transition: %w", err)
	}
	if at.Before(fromMicro(last)) {
		return nil, parley.Errorf(parley.EINVALID, "at", "the transition at %s lies before the track's last transition at %s",
			at.Format("2006-01-02T15:04:05.999999Z07:00"), fromMicro(last).Format("2006-01-02T15:04:05.999999Z07:00"))
	}
	tr := &parley.Transition{TrackID: id, From: t.Status, To: req.To, Reason: req.Reason, EventID: req.EventID, ActorID: actor, At: at}
	if err := insertTransition(ctx, tx, tr); err != nil {
		return nil, err
	}
	_, err = tx.update(ctx, tTracks, []any{id}, `status = $1, updated_at = $2`, req.To, micro(tx.now))
	if err != nil {
		return nil, fmt.Errorf("update track status: %w", err)
	}
	if req.To == parley.StatusCollapsed {
		if err := suspendConditioned(ctx, tx, tr); err != nil {
			return nil, err
		}
	}
	return tr, nil
}

func insertTransition(ctx context.Context, tx *Tx, tr *parley.Transition) error {
	r, err := tx.insert(ctx, tTransitions, `track_id, from_status, to_status, reason, event_id, actor_id, at`,
		tr.TrackID, tr.From, tr.To, tr.Reason, nullInt64(tr.EventID), nullInt64(tr.ActorID), micro(tr.At))
	if err != nil {
		return fmt.Errorf("insert transition: %w", err)
	}
	tr.ID = r.id()
	return nil
}
