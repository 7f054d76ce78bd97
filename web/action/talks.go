package action

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
)

// The map of the talks: parties, venues, tracks and their status, themes,
// members, meetings, outside events and accounts.

// PartyInput creates a party.
type PartyInput struct {
	Name string           `json:"name"`
	Kind parley.PartyKind `json:"kind"`
}

// CreateParty creates a party.
func (a *Actions) CreateParty(ctx context.Context, in PartyInput) (*parley.Party, error) {
	p := &parley.Party{Name: in.Name, Kind: in.Kind}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, a.Store.CreateParty(ctx, p)
}

// VenueInput creates a venue.
type VenueInput struct {
	Name    string `json:"name"`
	City    string `json:"city"`
	Country string `json:"country,omitempty"`
}

// CreateVenue creates a venue.
func (a *Actions) CreateVenue(ctx context.Context, in VenueInput) (*parley.Venue, error) {
	v := &parley.Venue{Name: in.Name, City: in.City, Country: in.Country}
	if err := v.Validate(); err != nil {
		return nil, err
	}
	return v, a.Store.CreateVenue(ctx, v)
}

// TrackInput creates a track. A track starts exploratory unless status
// says otherwise.
type TrackInput struct {
	Title    string              `json:"title"`
	Mandate  string              `json:"mandate,omitempty"`
	Status   parley.Status       `json:"status,omitempty"`
	Parties  []parley.TrackParty `json:"parties,omitempty"`
	VenueIDs []int64             `json:"venue_ids,omitempty"`
}

// CreateTrack creates a track.
func (a *Actions) CreateTrack(ctx context.Context, in TrackInput) (*parley.Track, error) {
	if in.Status != "" && !in.Status.Valid() {
		return nil, parley.Errorf(parley.EINVALID, "status", "unknown status %q", in.Status)
	}
	t := &parley.Track{Title: in.Title, Mandate: in.Mandate, Status: in.Status, Parties: in.Parties, VenueIDs: in.VenueIDs}
	if t.Parties == nil {
		t.Parties = []parley.TrackParty{}
	}
	if t.VenueIDs == nil {
		t.VenueIDs = []int64{}
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, a.Store.CreateTrack(ctx, t)
}

// TransitionTrack moves a track to a new status.
func (a *Actions) TransitionTrack(ctx context.Context, trackID int64, in parley.TransitionRequest) (*parley.Transition, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return a.Store.TransitionTrack(ctx, trackID, in)
}

// ThemeInput adds a theme to a track's agenda. Without a position the
// theme goes to the end of the agenda.
type ThemeInput struct {
	Name        string        `json:"name"`
	Description string        `json:"description,omitempty"`
	Position    *int          `json:"position,omitempty"`
	Options     []OptionInput `json:"options"`
}

// OptionInput is one option of a new theme.
type OptionInput struct {
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
}

// CreateTheme adds a theme to a track's agenda.
func (a *Actions) CreateTheme(ctx context.Context, trackID int64, in ThemeInput) (*parley.Theme, error) {
	t := &parley.Theme{TrackID: trackID, Name: in.Name, Description: in.Description, Options: make([]parley.Option, len(in.Options))}
	for i, o := range in.Options {
		t.Options[i] = parley.Option{Label: o.Label, Description: o.Description}
	}
	if in.Position != nil {
		if *in.Position < 0 {
			return nil, parley.Errorf(parley.EINVALID, "position", "position must not be negative")
		}
		t.Position = *in.Position
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if err := a.Store.CreateTheme(ctx, t); err != nil {
		return nil, trackInPath(err, trackID)
	}
	return t, nil
}

// MemberInput grants a user a role on a track.
type MemberInput struct {
	UserID  int64             `json:"user_id"`
	Role    parley.MemberRole `json:"role"`
	PartyID *int64            `json:"party_id,omitempty"`
}

// CreateMember grants a user a role on a track.
func (a *Actions) CreateMember(ctx context.Context, trackID int64, in MemberInput) (*parley.Member, error) {
	m := &parley.Member{TrackID: trackID, UserID: in.UserID, Role: in.Role, PartyID: in.PartyID}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if err := a.Store.CreateMember(ctx, m); err != nil {
		return nil, trackInPath(err, trackID)
	}
	return m, nil
}

// MeetingInput records a meeting of a track.
type MeetingInput struct {
	TrackID   int64                `json:"track_id"`
	VenueID   *int64               `json:"venue_id,omitempty"`
	Title     string               `json:"title"`
	Format    parley.MeetingFormat `json:"format"`
	StartsAt  time.Time            `json:"starts_at"`
	EndsAt    *time.Time           `json:"ends_at,omitempty"`
	Attendees []parley.Attendee    `json:"attendees,omitempty"`
	Outcome   string               `json:"outcome,omitempty"`
}

// CreateMeeting records a meeting; the caller must mediate its track.
func (a *Actions) CreateMeeting(ctx context.Context, in MeetingInput) (*parley.Meeting, error) {
	if in.TrackID <= 0 {
		return nil, parley.Errorf(parley.EINVALID, "track_id", "track_id must be a positive id")
	}
	if err := a.checkTracks(ctx, "track_id", []int64{in.TrackID}); err != nil {
		return nil, err
	}
	m := &parley.Meeting{TrackID: in.TrackID, VenueID: in.VenueID, Title: strings.TrimSpace(in.Title), Format: in.Format,
		StartsAt: in.StartsAt, EndsAt: in.EndsAt, Attendees: in.Attendees, Outcome: in.Outcome}
	if m.Attendees == nil {
		m.Attendees = []parley.Attendee{}
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, a.Store.CreateMeeting(ctx, m)
}

// EventInput records an outside event, linked to any number of tracks.
type EventInput struct {
	OccurredAt  time.Time `json:"occurred_at"`
	Title       string    `json:"title"`
	Description string    `json:"description,omitempty"`
	Source      string    `json:"source,omitempty"`
	TrackIDs    []int64   `json:"track_ids,omitempty"`
}

// CreateEvent records an outside event; the caller must mediate every
// track it is linked to (an administrator records one of no track).
func (a *Actions) CreateEvent(ctx context.Context, in EventInput) (*parley.Event, error) {
	e := &parley.Event{OccurredAt: in.OccurredAt, Title: strings.TrimSpace(in.Title), Description: in.Description, Source: in.Source, TrackIDs: in.TrackIDs}
	if e.TrackIDs == nil {
		e.TrackIDs = []int64{}
	}
	if err := a.checkTracks(ctx, "track_ids", e.TrackIDs); err != nil {
		return nil, err
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return e, a.Store.CreateEvent(ctx, e)
}

// UpdateEvent changes an event; a new list of tracks is checked as on
// creation (the route's guard checked the tracks it is linked to now).
func (a *Actions) UpdateEvent(ctx context.Context, id int64, upd parley.EventUpdate) (*parley.Event, error) {
	if upd.TrackIDs != nil {
		if err := a.checkTracks(ctx, "track_ids", *upd.TrackIDs); err != nil {
			return nil, err
		}
	}
	return a.Store.UpdateEvent(ctx, id, upd)
}

// UserInput creates an account with a password.
type UserInput struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
	Admin    bool   `json:"admin,omitempty"`
}

// CreateUser creates an account with a password (hashed with
// PasswordParams; the password itself is kept nowhere).
func (a *Actions) CreateUser(ctx context.Context, in UserInput) (*parley.User, error) {
	u := &parley.User{Email: parley.NormalizeEmail(in.Email), Name: in.Name, Admin: in.Admin}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if err := password.CheckLength(in.Password); err != nil {
		return nil, parley.Errorf(parley.EINVALID, "password", "the password must be %d to %d bytes long", password.MinPasswordLen, password.MaxPasswordLen)
	}
	h, err := password.Hash(in.Password, a.PasswordParams)
	if err != nil {
		return nil, err
	}
	u.PasswordHash = h
	return u, a.Store.CreateUser(ctx, u)
}

// UpdateUser changes an account; disabling one also ends its sessions
// (the Authenticator refuses a disabled account's requests in any case).
func (a *Actions) UpdateUser(ctx context.Context, log *slog.Logger, id int64, upd parley.UserUpdate) (*parley.User, error) {
	u, err := a.Store.UpdateUser(ctx, id, upd)
	if err == nil && u.Disabled {
		if _, err := a.Store.DeleteSessionsOfUser(System(ctx), id); err != nil {
			log.LogAttrs(ctx, slog.LevelWarn, "end sessions of a disabled user", slog.Int64("user_id", id), slog.String("error", err.Error()))
		}
	}
	return u, err
}
