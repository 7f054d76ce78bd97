package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/parley-talks/parley"
)

// scanMeeting reads a row of tMeetings.
func scanMeeting(row rowScanner) (*parley.Meeting, error) {
	var m parley.Meeting
	var venue, ends sql.NullInt64
	var starts, created, updated int64
	if err := row.Scan(&m.ID, &m.TrackID, &venue, &m.Title, &m.Format, &starts, &ends, &m.Outcome, &created, &updated); err != nil {
		return nil, err
	}
	m.VenueID = nullableID(venue)
	m.StartsAt, m.CreatedAt, m.UpdatedAt = fromMicro(starts), fromMicro(created), fromMicro(updated)
	if ends.Valid {
		t := fromMicro(ends.Int64)
		m.EndsAt = &t
	}
	m.Attendees = []parley.Attendee{}
	return &m, nil
}

// queryMeetings runs a query for tMeetings.sel and loads the attendees of
// the meetings it returns in one more query.
func queryMeetings(ctx context.Context, tx *Tx, query string, args ...any) ([]*parley.Meeting, error) {
	meetings, err := queryAll(ctx, tx, tMeetings, scanMeeting, query, args...)
	if err != nil {
		return nil, fmt.Errorf("find meetings: %w", err)
	}
	return meetings, loadAttendees(ctx, tx, meetings)
}

func loadAttendees(ctx context.Context, tx *Tx, meetings []*parley.Meeting) error {
	if len(meetings) == 0 {
		return nil
	}
	byID := make(map[int64]*parley.Meeting, len(meetings))
	ids := make([]int64, len(meetings))
	for i, m := range meetings {
		byID[m.ID] = m
		ids[i] = m.ID
	}
	err := eachRowIn(ctx, tx, tAttendees, `SELECT `+tAttendees.sel+` FROM meeting_attendees
		WHERE meeting_id IN (`+inList+`) ORDER BY meeting_id, position`, ids, func(row rowScanner) error {
		var meetingID, position int64
		var a parley.Attendee
		if err := row.Scan(&meetingID, &position, &a.PartyID, &a.Name); err != nil {
			return err
		}
		byID[meetingID].Attendees = append(byID[meetingID].Attendees, a)
		return nil
	})
	if err != nil {
		return fmt.Errorf("load attendees: %w", err)
	}
	return nil
}

// FindMeetingByID returns the meeting with its attendees, or ENOTFOUND.
func (s *Store) FindMeetingByID(ctx context.Context, id int64) (_ *parley.Meeting, err error) {
	defer s.mapErr(&err, "find meeting")
	return readTx(ctx, s, func(tx *Tx) (*parley.Meeting, error) {
		m, err := findMeetingByID(ctx, tx, id, false)
		if err != nil {
			return nil, err
		}
		if !canSeeTrack(ctx, m.TrackID) {
			return nil, notFound("meeting", id)
		}
		return m, nil
	})
}

// FindMeetings returns the meetings matching filter ordered by start time,
// then ID, and the total number that match.
func (s *Store) FindMeetings(ctx context.Context, filter parley.MeetingFilter) (_ []*parley.Meeting, total int, err error) {
	defer s.mapErr(&err, "find meetings")
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
	var args []any
	if filter.TrackID != 0 {
		args = append(args, filter.TrackID)
		conds = append(conds, fmt.Sprintf("track_id = $%d", len(args)))
	}
	if filter.VenueID != 0 {
		args = append(args, filter.VenueID)
		conds = append(conds, fmt.Sprintf("venue_id = $%d", len(args)))
	}
	if cond, ids := scopeOf(ctx).filter("track_id", len(args)+1); cond != "" {
		conds, args = append(conds, cond), append(args, ids...)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	if total, err = count(ctx, tx, `SELECT count(*) FROM meetings`+where, args...); err != nil {
		return nil, 0, err
	}
	n := len(args)
	meetings, err := queryMeetings(ctx, tx,
		fmt.Sprintf(`SELECT %s FROM meetings%s ORDER BY starts_at, id LIMIT $%d OFFSET $%d`, tMeetings.sel, where, n+1, n+2),
		append(args, page.Limit, page.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	return meetings, total, commit(tx)
}

// CreateMeeting stores m with its attendees; EINVALID if the track, venue or
// an attendee's party does not exist.
func (s *Store) CreateMeeting(ctx context.Context, m *parley.Meeting) (err error) {
	defer s.mapErr(&err, "create meeting")
	if err := m.Validate(); err != nil {
		return err
	}
	if err := requireEditTrack(ctx, m.TrackID); err != nil {
		if pe, ok := err.(*parley.Error); ok && pe.Code == parley.ENOTFOUND {
			return parley.Errorf(parley.EINVALID, "track_id", "track %d does not exist", m.TrackID)
		}
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := createMeeting(ctx, tx, m); err != nil {
			return err
		}
		return appendAudit(ctx, tx, auditRecord{action: "meeting.create", object: "meeting/" + strconv.FormatInt(m.ID, 10), trackID: m.TrackID, audience: parley.AudiencePlenary})
	})
}

// CreateMeetings stores ms, parley.MaxBatch to a transaction, each with
// its ledger entry.
func (s *Store) CreateMeetings(ctx context.Context, ms []*parley.Meeting) (err error) {
	defer s.mapErr(&err, "create meetings")
	for _, m := range ms {
		if err := m.Validate(); err != nil {
			return err
		}
		if err := requireEditTrack(ctx, m.TrackID); err != nil {
			if pe, ok := err.(*parley.Error); ok && pe.Code == parley.ENOTFOUND {
				return parley.Errorf(parley.EINVALID, "track_id", "track %d does not exist", m.TrackID)
			}
			return err
		}
	}
	for len(ms) > 0 {
		batch := ms[:min(len(ms), parley.MaxBatch)]
		err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
			for _, m := range batch {
				if err := createMeeting(ctx, tx, m); err != nil {
					return err
				}
				if err := appendAudit(ctx, tx, auditRecord{action: "meeting.create", object: "meeting/" + strconv.FormatInt(m.ID, 10), trackID: m.TrackID, audience: parley.AudiencePlenary}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		ms = ms[len(batch):]
	}
	return nil
}

// UpdateMeeting applies upd; ENOTFOUND, EINVALID.
func (s *Store) UpdateMeeting(ctx context.Context, id int64, upd parley.MeetingUpdate) (_ *parley.Meeting, err error) {
	defer s.mapErr(&err, "update meeting")
	var m *parley.Meeting
	err = s.write(ctx, func(ctx context.Context, tx *Tx) (err error) {
		old, err := findMeetingByID(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := requireEditTrack(ctx, old.TrackID); err != nil {
			if pe, ok := err.(*parley.Error); ok && pe.Code == parley.ENOTFOUND {
				return notFound("meeting", id)
			}
			return err
		}
		if m, err = updateMeeting(ctx, tx, id, upd); err != nil {
			return err
		}
		return appendAudit(ctx, tx, auditRecord{action: "meeting.update", object: "meeting/" + strconv.FormatInt(id, 10), trackID: m.TrackID, audience: parley.AudiencePlenary})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

func findMeetingByID(ctx context.Context, tx *Tx, id int64, forUpdate bool) (*parley.Meeting, error) {
	q := `SELECT ` + tMeetings.sel + ` FROM meetings WHERE id = $1`
	if forUpdate {
		q += tx.d.ForUpdate
	}
	ms, err := queryMeetings(ctx, tx, q, id)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, notFound("meeting", id)
	}
	return ms[0], nil
}

func normalizeMeeting(m *parley.Meeting) {
	m.StartsAt = normalTime(m.StartsAt)
	if m.EndsAt != nil {
		t := normalTime(*m.EndsAt)
		m.EndsAt = &t
	}
	if m.Attendees == nil {
		m.Attendees = []parley.Attendee{}
	}
}

func requireMeetingRefs(ctx context.Context, tx *Tx, m *parley.Meeting) error {
	if m.VenueID != nil {
		if err := requireRef(ctx, tx, "venues", "venue_id", "venue", *m.VenueID); err != nil {
			return err
		}
	}
	ids := make([]int64, len(m.Attendees))
	for i, a := range m.Attendees {
		ids[i] = a.PartyID
	}
	return requireRefs(ctx, tx, "parties", "attendees.party_id", "party", ids)
}

func createMeeting(ctx context.Context, tx *Tx, m *parley.Meeting) error {
	if err := requireRef(ctx, tx, "tracks", "track_id", "track", m.TrackID); err != nil {
		return err
	}
	if err := requireMeetingRefs(ctx, tx, m); err != nil {
		return err
	}
	normalizeMeeting(m)
	m.CreatedAt, m.UpdatedAt = tx.now, tx.now
	r, err := tx.insert(ctx, tMeetings, `track_id, venue_id, title, format, starts_at, ends_at, outcome, created_at, updated_at`,
		m.TrackID, nullInt64(m.VenueID), m.Title, m.Format, micro(m.StartsAt), nullTime(m.EndsAt), m.Outcome,
		micro(m.CreatedAt), micro(m.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert meeting: %w", err)
	}
	m.ID = r.id()
	return insertAttendees(ctx, tx, m.ID, m.Attendees)
}

// insertAttendees stores the attendees.
func insertAttendees(ctx context.Context, tx *Tx, meetingID int64, as []parley.Attendee) error {
	for i, a := range as {
		if _, err := tx.insert(ctx, tAttendees, `meeting_id, position, party_id, name`, meetingID, i, a.PartyID, a.Name); err != nil {
			return fmt.Errorf("insert attendees: %w", err)
		}
	}
	return nil
}

func updateMeeting(ctx context.Context, tx *Tx, id int64, upd parley.MeetingUpdate) (*parley.Meeting, error) {
	old, err := findMeetingByID(ctx, tx, id, true)
	if err != nil {
		return nil, err
	}
	m := upd.Apply(*old)
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if err := requireMeetingRefs(ctx, tx, &m); err != nil {
		return nil, err
	}
	normalizeMeeting(&m)
	m.UpdatedAt = tx.now
	_, err = tx.update(ctx, tMeetings, []any{id}, `venue_id = $1, title = $2, format = $3, starts_at = $4, ends_at = $5, outcome = $6, updated_at = $7`,
		nullInt64(m.VenueID), m.Title, m.Format, micro(m.StartsAt), nullTime(m.EndsAt), m.Outcome, micro(m.UpdatedAt))
	if err != nil {
		return nil, fmt.Errorf("update meeting: %w", err)
	}
	if upd.Attendees != nil {
		if _, err := tx.delete(ctx, tAttendees, `meeting_id = $1`, id); err != nil {
			return nil, fmt.Errorf("delete attendees: %w", err)
		}
		if err := insertAttendees(ctx, tx, id, m.Attendees); err != nil {
			return nil, err
		}
	}
	return &m, nil
}
