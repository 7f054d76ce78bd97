package parley

import (
	"context"
	"time"
)

// NoteKind says what a meeting note is.
type NoteKind string

const (
	// NoteMinutes are the record of what was said in a meeting.
	NoteMinutes NoteKind = "minutes"
	// NoteCaucus is a note of a caucus: a mediator's session with one side.
	NoteCaucus NoteKind = "caucus"
)

// MeetingNote is a meeting's minutes or a caucus note. Its Text is sealed at
// rest under the track's data key; its Audience says who reads it
// (Caller.CanRead on the meeting's track). A note is written once and never
// changed: a correction is a new note.
type MeetingNote struct {
	ID        int64     `json:"id"`
	MeetingID int64     `json:"meeting_id"`
	TrackID   int64     `json:"track_id"` // the meeting's track, set by the store
	Kind      NoteKind  `json:"kind"`
	Audience  Audience  `json:"audience"`
	Text      string    `json:"text"`
	AuthorID  *int64    `json:"author_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks the fields a caller sets.
func (n *MeetingNote) Validate() error {
	if n.MeetingID <= 0 {
		return Errorf(EINVALID, "meeting_id", "meeting_id must be a positive id")
	}
	if n.Kind != NoteMinutes && n.Kind != NoteCaucus {
		return Errorf(EINVALID, "kind", "unknown kind %q (want minutes or caucus)", n.Kind)
	}
	if err := n.Audience.Validate("audience"); err != nil {
		return err
	}
	if n.Text == "" {
		return Errorf(EINVALID, "text", "text is required")
	}
	return checkText("text", n.Text)
}

// NoteService keeps sealed meeting notes. Reads apply the one audience check
// (Caller.CanRead with the note's track and audience): a note the caller may
// not read is ENOTFOUND and absent from every list.
type NoteService interface {
	// FindNoteByID returns a note, or ENOTFOUND.
	FindNoteByID(ctx context.Context, id int64) (*MeetingNote, error)
	// FindNotes returns the meeting's notes that the caller may read, oldest
	// first; ENOTFOUND if the meeting is not visible.
	FindNotes(ctx context.Context, meetingID int64) ([]*MeetingNote, error)
	// CreateNote seals and stores n, setting its ID, TrackID, AuthorID and
	// CreatedAt. Only the track's mediators write notes (CanEditTrack).
	CreateNote(ctx context.Context, n *MeetingNote) error
}
