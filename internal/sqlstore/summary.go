package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parley-talks/parley"
)

// summaryQuery reads, for each track of the condition, the IDs of its last
// and next meeting and latest event around $1 (now) and its counts. Each
// subquery is one probe of an index: meetings_track (track_id, starts_at,
// id), event_tracks_track (track_id, event_id) with events' primary key.
// The latest event sorts the track's linked events, which stay few beside
// its meetings.
const summaryQuery = `SELECT t.id,
	(SELECT m.id FROM meetings m WHERE m.track_id = t.id AND m.starts_at <= $1 ORDER BY m.starts_at DESC, m.id DESC LIMIT 1),
	(SELECT m.id FROM meetings m WHERE m.track_id = t.id AND m.starts_at > $1 ORDER BY m.starts_at, m.id LIMIT 1),
	(SELECT e.id FROM event_tracks et JOIN events e ON e.id = et.event_id
		WHERE et.track_id = t.id AND e.occurred_at <= $1 ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1),
	(SELECT count(*) FROM meetings m WHERE m.track_id = t.id),
	(SELECT count(*) FROM event_tracks et WHERE et.track_id = t.id)
FROM tracks t`

// TrackSummaries returns the summaries of every track the caller may see,
// ordered by ID, or of the one track asked for. It costs the tracks' read (FindTracks' queries),
// one query of five index probes per track, and three batched reads of
// the transitions, meetings and events it names: it grows with the
// tracks and their transitions, and with their meetings only through the
// counts, which read the index and no row.
func (s *Store) TrackSummaries(ctx context.Context, trackID int64) (_ []*parley.TrackSummary, err error) {
	defer s.mapErr(&err, "track summaries")
	where, args := "", []any{micro(parley.Now())}
	if trackID > 0 {
		if err := requireSeeTrack(ctx, trackID); err != nil {
			return nil, err
		}
		where, args = ` WHERE t.id = $2`, append(args, trackID)
	} else if cond, ids := scopeOf(ctx).filter("t.id", 2); cond != "" {
		where, args = ` WHERE `+cond, append(args, ids...)
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	byID := map[int64]*parley.TrackSummary{}
	out := []*parley.TrackSummary{}
	var ids, meetingIDs, eventIDs []int64
	meetingOf := map[int64][]**parley.Meeting{}
	eventOf := map[int64][]**parley.Event{}
	rows, err := tx.QueryContext(ctx, summaryQuery+where+` ORDER BY t.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("summarize tracks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var last, next, event sql.NullInt64
		ts := &parley.TrackSummary{Transitions: []*parley.Transition{}}
		if err := rows.Scan(&id, &last, &next, &event, &ts.Meetings, &ts.Events); err != nil {
			return nil, err
		}
		byID[id] = ts
		out, ids = append(out, ts), append(ids, id)
		for _, m := range []struct {
			id  sql.NullInt64
			dst **parley.Meeting
		}{{last, &ts.LastMeeting}, {next, &ts.NextMeeting}} {
			if m.id.Valid {
				meetingIDs = append(meetingIDs, m.id.Int64)
				meetingOf[m.id.Int64] = append(meetingOf[m.id.Int64], m.dst)
			}
		}
		if event.Valid {
			eventIDs = append(eventIDs, event.Int64)
			eventOf[event.Int64] = append(eventOf[event.Int64], &ts.LastEvent)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if trackID > 0 && len(out) == 0 {
		return nil, notFound("track", trackID)
	}

	tracks, err := queryAllIn(ctx, tx, tTracks, scanTrack, `SELECT `+tTracks.sel+` FROM tracks WHERE id IN (`+inList+`) ORDER BY id`, ids)
	if err != nil {
		return nil, fmt.Errorf("find tracks: %w", err)
	}
	if err := loadTrackParties(ctx, tx, tracks); err != nil {
		return nil, err
	}
	for _, t := range tracks {
		byID[t.ID].Track = t
	}
	trs, err := queryAllIn(ctx, tx, tTransitions, scanTransition, `SELECT `+tTransitions.sel+` FROM transitions
		WHERE track_id IN (`+inList+`) ORDER BY track_id, id`, ids)
	if err != nil {
		return nil, fmt.Errorf("find transitions: %w", err)
	}
	for _, tr := range trs {
		byID[tr.TrackID].Transitions = append(byID[tr.TrackID].Transitions, tr)
	}
	meetings, err := queryAllIn(ctx, tx, tMeetings, scanMeeting, `SELECT `+tMeetings.sel+` FROM meetings WHERE id IN (`+inList+`)`, meetingIDs)
	if err != nil {
		return nil, fmt.Errorf("find meetings: %w", err)
	}
	if err := loadAttendees(ctx, tx, meetings); err != nil {
		return nil, err
	}
	for _, m := range meetings {
		for _, dst := range meetingOf[m.ID] {
			*dst = m
		}
	}
	events, err := queryAllIn(ctx, tx, tEvents, scanEvent, `SELECT `+tEvents.sel+` FROM events WHERE id IN (`+inList+`)`, eventIDs)
	if err != nil {
		return nil, fmt.Errorf("find events: %w", err)
	}
	if err := loadEventTracks(ctx, tx, events); err != nil {
		return nil, err
	}
	for _, e := range events {
		for _, dst := range eventOf[e.ID] {
			*dst = e
		}
	}
	return out, commit(tx)
}
