package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/parley-talks/parley"
)

// FindNoteByID returns a meeting note the caller may read, or ENOTFOUND.
func (s *Store) FindNoteByID(ctx context.Context, id int64) (_ *parley.MeetingNote, err error) {
	defer s.mapErr(&err, "find note")
	notes, err := s.readNotes(ctx, `id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(notes) == 0 {
		return nil, notFound("note", id)
	}
	return notes[0], nil
}

// FindNotes returns the meeting's notes that the caller may read, oldest
// first; ENOTFOUND if the meeting does not exist or is not visible.
func (s *Store) FindNotes(ctx context.Context, meetingID int64) (_ []*parley.MeetingNote, err error) {
	defer s.mapErr(&err, "find notes")
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	m, err := findMeetingByID(ctx, tx, meetingID, false)
	if err != nil {
		return nil, err
	}
	if !canSeeTrack(ctx, m.TrackID) {
		return nil, notFound("meeting", meetingID)
	}
	tx.Rollback()
	return s.readNotes(ctx, `meeting_id = $1`, meetingID)
}

// readNotes reads the notes matching cond, keeps those the caller may
// read and opens them.
func (s *Store) readNotes(ctx context.Context, cond string, arg int64) ([]*parley.MeetingNote, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	type row struct {
		n    *parley.MeetingNote
		text []byte
	}
	var found []row
	rows, err := tx.QueryContext(ctx, `SELECT `+tNotes.sel+` FROM meeting_notes WHERE `+cond+` ORDER BY id`, arg)
	if err != nil {
		return nil, fmt.Errorf("find notes: %w", err)
	}
	defer rows.Close()
	checked := tx.scanner(tNotes, rows)
	for rows.Next() {
		r := row{n: &parley.MeetingNote{}}
		var author sql.NullInt64
		var at int64
		if err := checked.Scan(&r.n.ID, &r.n.MeetingID, &r.n.TrackID, &r.n.Kind, &r.n.Audience, &r.text, &author, &at); err != nil {
			return nil, err
		}
		r.n.AuthorID, r.n.CreatedAt = nullableID(author), fromMicro(at)
		if !canRead(ctx, r.n.TrackID, r.n.Audience) {
			continue
		}
		found = append(found, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	out := make([]*parley.MeetingNote, 0, len(found))
	for _, r := range found {
		k, err := s.trackKey(ctx, tx, r.n.TrackID, false)
		if err != nil {
			return nil, err
		}
		rec := strconv.FormatInt(r.n.ID, 10)
		plain, err := k.OpenField("meeting_notes", rec, "text", r.text)
		if err != nil {
			return nil, &SealedError{Table: "meeting_notes", Record: rec, Field: "text", Err: err}
		}
		r.n.Text = string(plain)
		out = append(out, r.n)
	}
	return out, commit(tx)
}

// CreateNote seals and stores a meeting note (see parley.NoteService).
func (s *Store) CreateNote(ctx context.Context, n *parley.MeetingNote) (err error) {
	defer s.mapErr(&err, "create note")
	if err := n.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		m, err := findMeetingByID(ctx, tx, n.MeetingID, true)
		if err != nil {
			return err
		}
		if err := requireEditTrack(ctx, m.TrackID); err != nil {
			if pe, ok := err.(*parley.Error); ok && pe.Code == parley.ENOTFOUND {
				return notFound("meeting", n.MeetingID)
			}
			return err
		}
		if id, ok := n.Audience.PartyID(); ok {
			if err := requireRef(ctx, tx, "parties", "audience", "party", id); err != nil {
				return err
			}
		}
		k, err := s.trackKey(ctx, tx, m.TrackID, true)
		if err != nil {
			return err
		}
		author, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		n.TrackID, n.AuthorID, n.CreatedAt = m.TrackID, author, normalTime(tx.now)
		r, err := tx.insertSealed(ctx, tNotes, `meeting_id, track_id, kind, audience, text, author_id, created_at`,
			[]any{n.MeetingID, n.TrackID, n.Kind, n.Audience, []byte{}, nullInt64(author), micro(n.CreatedAt)},
			func(r rowVals) (string, []any) {
				return `text = $1`, []any{k.SealField("meeting_notes", strconv.FormatInt(r.id(), 10), "text", []byte(n.Text))}
			})
		if err != nil {
			return fmt.Errorf("insert note: %w", err)
		}
		n.ID = r.id()
		rec := strconv.FormatInt(n.ID, 10)
		return appendAudit(ctx, tx, auditRecord{action: "note.create", object: "note/" + rec, trackID: n.TrackID, audience: n.Audience})
	})
}
