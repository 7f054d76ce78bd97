package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/parley-talks/parley"
)

// scanEvent reads a row of tEvents.
func scanEvent(row rowScanner) (*parley.Event, error) {
	var e parley.Event
	var occurred, created, updated int64
	if err := row.Scan(&e.ID, &occurred, &e.Title, &e.Description, &e.Source, &created, &updated); err != nil {
		return nil, err
	}
	e.OccurredAt, e.CreatedAt, e.UpdatedAt = fromMicro(occurred), fromMicro(created), fromMicro(updated)
	e.TrackIDs = []int64{}
	return &e, nil
}

// queryEvents runs a query for tEvents.sel and loads the linked tracks of
// the events it returns in one more query.
func queryEvents(ctx context.Context, tx *Tx, query string, args ...any) ([]*parley.Event, error) {
	events, err := queryAll(ctx, tx, tEvents, scanEvent, query, args...)
	if err != nil {
		return nil, fmt.Errorf("find events: %w", err)
	}
	return events, loadEventTracks(ctx, tx, events)
}

func loadEventTracks(ctx context.Context, tx *Tx, events []*parley.Event) error {
	if len(events) == 0 {
		return nil
	}
	byID := make(map[int64]*parley.Event, len(events))
	ids := make([]int64, len(events))
	for i, e := range events {
		byID[e.ID] = e
		ids[i] = e.ID
	}
	err := eachRowIn(ctx, tx, tEventTracks, `SELECT `+tEventTracks.sel+` FROM event_tracks
		WHERE event_id IN (`+inList+`) ORDER BY event_id, position`, ids, func(row rowScanner) error {
		var eventID, trackID, position int64
		if err := row.Scan(&eventID, &trackID, &position); err != nil {
			return err
		}
		if canSeeTrack(ctx, trackID) { // no hint of tracks the caller may not see
			byID[eventID].TrackIDs = append(byID[eventID].TrackIDs, trackID)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("load event tracks: %w", err)
	}
	return nil
}

// FindEventByID returns the event with its linked tracks, or ENOTFOUND.
func (s *Store) FindEventByID(ctx context.Context, id int64) (_ *parley.Event, err error) {
	defer s.mapErr(&err, "find event")
	return readTx(ctx, s, func(tx *Tx) (*parley.Event, error) {
		e, err := findEventByID(ctx, tx, id, false)
		if err != nil {
			return nil, err
		}
		if ok, err := eventVisible(ctx, tx, id); err != nil {
			return nil, err
		} else if !ok {
			return nil, notFound("event", id)
		}
		return e, nil
	})
}

// FindEvents returns the events matching filter ordered by time, then ID,
// and the total number that match.
func (s *Store) FindEvents(ctx context.Context, filter parley.EventFilter) (_ []*parley.Event, total int, err error) {
	defer s.mapErr(&err, "find events")
	page, err := filter.Page.Normalize()
	if err != nil {
		return nil, 0, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	var conds []string
	args := []any{}
	if filter.TrackID != 0 {
		conds, args = append(conds, `id IN (SELECT event_id FROM event_tracks WHERE track_id = $1)`), append(args, filter.TrackID)
	}
	// Visible: linked to a visible track, or to none.
	if cond, ids := scopeOf(ctx).filter("et.track_id", len(args)+1); cond != "" {
		conds = append(conds, `(NOT EXISTS (SELECT 1 FROM event_tracks et WHERE et.event_id = events.id) OR EXISTS (SELECT 1 FROM event_tracks et WHERE et.event_id = events.id AND `+cond+`))`)
		args = append(args, ids...)
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, " AND ")
	}
	if total, err = count(ctx, tx, `SELECT count(*) FROM events`+where, args...); err != nil {
		return nil, 0, err
	}
	n := len(args)
	events, err := queryEvents(ctx, tx,
		fmt.Sprintf(`SELECT %s FROM events%s ORDER BY occurred_at, id LIMIT $%d OFFSET $%d`, tEvents.sel, where, n+1, n+2),
		append(args, page.Limit, page.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	return events, total, commit(tx)
}

// CreateEvent stores e; EINVALID if a linked track does not exist.
func (s *Store) CreateEvent(ctx context.Context, e *parley.Event) (err error) {
	defer s.mapErr(&err, "create event")
	if err := e.Validate(); err != nil {
		return err
	}
	if err := requireEditEventTracks(ctx, e.TrackIDs); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := createEvent(ctx, tx, e); err != nil {
			return err
		}
		return appendAudit(ctx, tx, eventAudit("event.create", e))
	})
}

// UpdateEvent applies upd; ENOTFOUND, EINVALID.
func (s *Store) UpdateEvent(ctx context.Context, id int64, upd parley.EventUpdate) (_ *parley.Event, err error) {
	defer s.mapErr(&err, "update event")
	var e *parley.Event
	err = s.write(ctx, func(ctx context.Context, tx *Tx) (err error) {
		links, err := eventLinks(ctx, tx, id)
		if err != nil {
			return err
		}
		if upd.TrackIDs != nil {
			links = append(links, *upd.TrackIDs...)
		}
		if vis, err := eventVisible(ctx, tx, id); err != nil {
			return err
		} else if !vis {
			return notFound("event", id)
		}
		if err := requireEditEventTracks(ctx, links); err != nil {
			return err
		}
		if e, err = updateEvent(ctx, tx, id, upd); err != nil {
			return err
		}
		return appendAudit(ctx, tx, eventAudit("event.update", e))
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

func findEventByID(ctx context.Context, tx *Tx, id int64, forUpdate bool) (*parley.Event, error) {
	q := `SELECT ` + tEvents.sel + ` FROM events WHERE id = $1`
	if forUpdate {
		q += tx.d.ForUpdate
	}
	es, err := queryEvents(ctx, tx, q, id)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, notFound("event", id)
	}
	return es[0], nil
}

func createEvent(ctx context.Context, tx *Tx, e *parley.Event) error {
	if err := requireRefs(ctx, tx, "tracks", "track_ids", "track", e.TrackIDs); err != nil {
		return err
	}
	e.OccurredAt = normalTime(e.OccurredAt)
	if e.TrackIDs == nil {
		e.TrackIDs = []int64{}
	}
	e.CreatedAt, e.UpdatedAt = tx.now, tx.now
	r, err := tx.insert(ctx, tEvents, `occurred_at, title, description, source, created_at, updated_at`,
		micro(e.OccurredAt), e.Title, e.Description, e.Source, micro(e.CreatedAt), micro(e.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert event: %w", err)
	}
	e.ID = r.id()
	return insertEventTracks(ctx, tx, e.ID, e.TrackIDs)
}

func insertEventTracks(ctx context.Context, tx *Tx, eventID int64, trackIDs []int64) error {
	for i, t := range trackIDs {
		if _, err := tx.insert(ctx, tEventTracks, `event_id, track_id, position`, eventID, t, i); err != nil {
			return fmt.Errorf("insert event tracks: %w", err)
		}
	}
	return nil
}

func updateEvent(ctx context.Context, tx *Tx, id int64, upd parley.EventUpdate) (*parley.Event, error) {
	old, err := findEventByID(ctx, tx, id, true)
	if err != nil {
		return nil, err
	}
	e := upd.Apply(*old)
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if err := requireRefs(ctx, tx, "tracks", "track_ids", "track", e.TrackIDs); err != nil {
		return nil, err
	}
	e.OccurredAt = normalTime(e.OccurredAt)
	if e.TrackIDs == nil {
		e.TrackIDs = []int64{}
	}
	e.UpdatedAt = tx.now
	_, err = tx.update(ctx, tEvents, []any{id}, `occurred_at = $1, title = $2, description = $3, source = $4, updated_at = $5`,
		micro(e.OccurredAt), e.Title, e.Description, e.Source, micro(e.UpdatedAt))
	if err != nil {
		return nil, fmt.Errorf("update event: %w", err)
	}
	if upd.TrackIDs != nil {
		if _, err := tx.delete(ctx, tEventTracks, `event_id = $1`, id); err != nil {
			return nil, fmt.Errorf("delete event tracks: %w", err)
		}
		if err := insertEventTracks(ctx, tx, id, e.TrackIDs); err != nil {
			return nil, err
		}
	}
	return &e, nil
}

// eventLinks returns every track the event is linked to, visible or not.
func eventLinks(ctx context.Context, tx *Tx, id int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+tEventTracks.sel+` FROM event_tracks WHERE event_id = $1 ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("load event tracks: %w", err)
	}
	defer rows.Close()
	row := tx.scanner(tEventTracks, rows)
	var ids []int64
	for rows.Next() {
		var event, t, position int64
		if err := row.Scan(&event, &t, &position); err != nil {
			return nil, err
		}
		ids = append(ids, t)
	}
	return ids, rows.Err()
}

// eventVisible reports whether the caller may see the event: it is linked
// to no track, or to one the caller may see.
func eventVisible(ctx context.Context, tx *Tx, id int64) (bool, error) {
	links, err := eventLinks(ctx, tx, id)
	if err != nil || len(links) == 0 {
		return err == nil, err
	}
	for _, t := range links {
		if canSeeTrack(ctx, t) {
			return true, nil
		}
	}
	return false, nil
}

// requireEditEventTracks applies the rule for events: an event linked to
// tracks is written by the mediators of every one of them; an unlinked one
// by administrators.
func requireEditEventTracks(ctx context.Context, trackIDs []int64) error {
	if len(trackIDs) == 0 {
		return requireAdmin(ctx)
	}
	for _, t := range trackIDs {
		if err := requireEditTrack(ctx, t); err != nil {
			if pe, ok := err.(*parley.Error); ok && pe.Code == parley.ENOTFOUND {
				return parley.Errorf(parley.EINVALID, "track_ids", "track %d does not exist", t)
			}
			return err
		}
	}
	return nil
}

// eventAudit is the ledger's record of a change of an event: an entry of
// its first linked track, or of no track.
func eventAudit(action string, e *parley.Event) auditRecord {
	rec := auditRecord{action: action, object: "event/" + strconv.FormatInt(e.ID, 10)}
	if len(e.TrackIDs) > 0 {
		rec.trackID, rec.audience = e.TrackIDs[0], parley.AudiencePlenary
	}
	return rec
}
