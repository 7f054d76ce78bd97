package parley

import (
	"context"
	"time"
)

// MeetingFormat is how the parties meet.
type MeetingFormat string

const (
	FormatPlenary MeetingFormat = "plenary" // all parties in one room
	FormatCaucus  MeetingFormat = "caucus"  // the mediator with one party
	FormatShuttle MeetingFormat = "shuttle" // proximity talks, the mediator moving between rooms
)

// Meeting is one session of a track.
type Meeting struct {
	ID        int64         `json:"id"`
	TrackID   int64         `json:"track_id"`
	VenueID   *int64        `json:"venue_id,omitempty"`
	Title     string        `json:"title"`
	Format    MeetingFormat `json:"format"`
	StartsAt  time.Time     `json:"starts_at"`
	EndsAt    *time.Time    `json:"ends_at,omitempty"`
	Attendees []Attendee    `json:"attendees"`
	Outcome   string        `json:"outcome"` // outcome notes
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
}

// Attendee is a party and, optionally, the name of the person who attended
// for it.
type Attendee struct {
	PartyID int64  `json:"party_id"`
	Name    string `json:"name,omitempty"`
}

// Validate checks the fields a caller sets.
func (m *Meeting) Validate() error {
	if err := checkName("title", m.Title); err != nil {
		return err
	}
	switch m.Format {
	case FormatPlenary, FormatCaucus, FormatShuttle:
	default:
		return Errorf(EINVALID, "format", "unknown meeting format %q (want plenary, caucus or shuttle)", m.Format)
	}
	if m.StartsAt.IsZero() {
		return Errorf(EINVALID, "starts_at", "starts_at is required")
	}
	if m.EndsAt != nil && m.EndsAt.Before(m.StartsAt) {
		return Errorf(EINVALID, "ends_at", "ends_at lies before starts_at")
	}
	if m.VenueID != nil && *m.VenueID <= 0 {
		return Errorf(EINVALID, "venue_id", "venue_id must be a positive id")
	}
	if err := checkText("outcome", m.Outcome); err != nil {
		return err
	}
	return checkAttendees(m.Attendees)
}

func checkAttendees(as []Attendee) error {
	if len(as) > MaxAttendees {
		return Errorf(EINVALID, "attendees", "at most %d attendees per meeting", MaxAttendees)
	}
	seen := map[Attendee]bool{}
	for _, a := range as {
		if a.PartyID <= 0 {
			return Errorf(EINVALID, "attendees.party_id", "each attendee needs a party_id")
		}
		if err := checkString("attendees.name", a.Name, MaxNameLen); err != nil {
			return err
		}
		if seen[a] {
			return Errorf(EINVALID, "attendees", "attendee %d %q is listed twice", a.PartyID, a.Name)
		}
		seen[a] = true
	}
	return nil
}

// MeetingUpdate is a partial change of a meeting.
type MeetingUpdate struct {
	VenueID   **int64        `json:"venue_id,omitempty"`
	Title     *string        `json:"title,omitempty"`
	Format    *MeetingFormat `json:"format,omitempty"`
	StartsAt  *time.Time     `json:"starts_at,omitempty"`
	EndsAt    **time.Time    `json:"ends_at,omitempty"`
	Attendees *[]Attendee    `json:"attendees,omitempty"`
	Outcome   *string        `json:"outcome,omitempty"`
}

// Apply returns a copy of m with upd applied, for validation before storing.
func (upd MeetingUpdate) Apply(m Meeting) Meeting {
	if upd.VenueID != nil {
		m.VenueID = *upd.VenueID
	}
	if upd.Title != nil {
		m.Title = *upd.Title
	}
	if upd.Format != nil {
		m.Format = *upd.Format
	}
	if upd.StartsAt != nil {
		m.StartsAt = *upd.StartsAt
	}
	if upd.EndsAt != nil {
		m.EndsAt = *upd.EndsAt
	}
	if upd.Attendees != nil {
		m.Attendees = *upd.Attendees
	}
	if upd.Outcome != nil {
		m.Outcome = *upd.Outcome
	}
	return m
}

// MeetingFilter selects meetings.
type MeetingFilter struct {
	TrackID int64 // 0 for every track
	VenueID int64 // 0 for every venue
	Page
}

// MeetingService keeps meetings.
type MeetingService interface {
	FindMeetingByID(ctx context.Context, id int64) (*Meeting, error)
	// FindMeetings returns meetings ordered by start time, then ID.
	FindMeetings(ctx context.Context, filter MeetingFilter) ([]*Meeting, int, error)
	// CreateMeeting stores m with its attendees; EINVALID if the track,
	// venue or an attendee's party does not exist.
	CreateMeeting(ctx context.Context, m *Meeting) error
	// CreateMeetings stores ms as CreateMeeting would one by one, each with
	// its own ledger entry, in transactions of at most MaxBatch meetings:
	// an import's fast path. On an error the earlier transactions stay
	// committed (their meetings have IDs) and none of the failing one does.
	CreateMeetings(ctx context.Context, ms []*Meeting) error
	UpdateMeeting(ctx context.Context, id int64, upd MeetingUpdate) (*Meeting, error)
}
