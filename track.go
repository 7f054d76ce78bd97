package parley

import (
	"context"
	"strings"
	"time"
)

// Status is where a track stands.
type Status string

const (
	StatusExploratory Status = "exploratory"
	StatusActive      Status = "active"
	StatusPaused      Status = "paused"
	StatusSuspended   Status = "suspended"
	StatusCollapsed   Status = "collapsed"
	StatusConcluded   Status = "concluded"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusExploratory, StatusActive, StatusPaused, StatusSuspended, StatusCollapsed, StatusConcluded}

// transitions is the lifecycle of a track:
//
//	exploratory → active ⇄ paused
//	active, paused → suspended, collapsed, concluded
//	suspended → active
//
// Collapsed and concluded are final.
var transitions = map[Status][]Status{
	StatusExploratory: {StatusActive},
	StatusActive:      {StatusPaused, StatusSuspended, StatusCollapsed, StatusConcluded},
	StatusPaused:      {StatusActive, StatusSuspended, StatusCollapsed, StatusConcluded},
	StatusSuspended:   {StatusActive},
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// CanTransition reports whether a track may move from s to to.
func (s Status) CanTransition(to Status) bool {
	for _, t := range transitions[s] {
		if t == to {
			return true
		}
	}
	return false
}

// CheckTransition returns nil if a track may move from s to to, EINVALID for an
// unknown status, and ECONFLICT naming both statuses otherwise.
func (s Status) CheckTransition(to Status) error {
	if !to.Valid() {
		return Errorf(EINVALID, "status", "unknown status %q (want one of %s)", to, statusList())
	}
	if !s.CanTransition(to) {
		allowed := transitions[s]
		if len(allowed) == 0 {
			return Errorf(ECONFLICT, "status", "track is %s, which is final; it cannot become %s", s, to)
		}
		names := make([]string, len(allowed))
		for i, a := range allowed {
			names[i] = string(a)
		}
		return Errorf(ECONFLICT, "status", "track is %s and cannot become %s (from %s it may become %s)", s, to, s, strings.Join(names, ", "))
	}
	return nil
}

func statusList() string {
	names := make([]string, len(Statuses))
	for i, s := range Statuses {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// Track is one negotiation channel.
type Track struct {
	ID       int64        `json:"id"`
	Title    string       `json:"title"`
	Mandate  string       `json:"mandate"`
	Status   Status       `json:"status"`
	Parties  []TrackParty `json:"parties"`   // hosts, mediators, principals, observers…
	VenueIDs []int64      `json:"venue_ids"` // where its meetings may be held
	Themes   []*Theme     `json:"themes,omitempty"`
	// RevivedAs is the track that succeeded this one after it collapsed;
	// Revives the collapsed track this one succeeds (see ReviveTrack).
	RevivedAs *int64    `json:"revived_as,omitempty"`
	Revives   *int64    `json:"revives,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// PartyRole is a party's role in a track.
type PartyRole string

const (
	RolePrincipal PartyRole = "principal"
	RoleHost      PartyRole = "host"
	RoleMediator  PartyRole = "mediator"
	RoleObserver  PartyRole = "observer"
	RoleGuarantor PartyRole = "guarantor"
	RoleVerifier  PartyRole = "verifier"
)

// PartyRoles lists every party role.
var PartyRoles = []PartyRole{RolePrincipal, RoleHost, RoleMediator, RoleObserver, RoleGuarantor, RoleVerifier}

// Valid reports whether r is a known party role.
func (r PartyRole) Valid() bool {
	for _, v := range PartyRoles {
		if r == v {
			return true
		}
	}
	return false
}

// TrackParty is a party's role in a track. A party may hold several roles in
// one track (Qatar hosts and mediates).
type TrackParty struct {
	PartyID int64     `json:"party_id"`
	Role    PartyRole `json:"role"`
}

// Validate checks the fields a caller sets.
func (t *Track) Validate() error {
	if err := checkName("title", t.Title); err != nil {
		return err
	}
	if err := checkText("mandate", t.Mandate); err != nil {
		return err
	}
	return checkTrackLinks(t.Parties, t.VenueIDs)
}

func checkTrackLinks(parties []TrackParty, venues []int64) error {
	if len(parties) > MaxLinkedItems {
		return Errorf(EINVALID, "parties", "at most %d party roles per track", MaxLinkedItems)
	}
	seen := map[TrackParty]bool{}
	for _, p := range parties {
		if !p.Role.Valid() {
			return Errorf(EINVALID, "parties.role", "unknown party role %q", p.Role)
		}
		if p.PartyID <= 0 {
			return Errorf(EINVALID, "parties.party_id", "party_id is required")
		}
		if seen[p] {
			return Errorf(EINVALID, "parties", "party %d is listed twice as %s", p.PartyID, p.Role)
		}
		seen[p] = true
	}
	if len(venues) > MaxLinkedItems {
		return Errorf(EINVALID, "venue_ids", "at most %d venues per track", MaxLinkedItems)
	}
	return checkIDs("venue_ids", venues)
}

// TrackUpdate is a partial change of a track; nil fields stay as they are.
// Status changes go through Transition, never through Update.
type TrackUpdate struct {
	Title    *string       `json:"title,omitempty"`
	Mandate  *string       `json:"mandate,omitempty"`
	Parties  *[]TrackParty `json:"parties,omitempty"`
	VenueIDs *[]int64      `json:"venue_ids,omitempty"`
}

// Validate checks the fields that are set.
func (u *TrackUpdate) Validate() error {
	if u.Title != nil {
		if err := checkName("title", *u.Title); err != nil {
			return err
		}
	}
	if u.Mandate != nil {
		if err := checkText("mandate", *u.Mandate); err != nil {
			return err
		}
	}
	var parties []TrackParty
	var venues []int64
	if u.Parties != nil {
		parties = *u.Parties
	}
	if u.VenueIDs != nil {
		venues = *u.VenueIDs
	}
	return checkTrackLinks(parties, venues)
}

// TrackFilter selects tracks.
type TrackFilter struct {
	Status Status // "" for any
	Page
}

// Transition is one step of a track's status history. History is
// append-only: transitions are never edited or deleted.
type Transition struct {
	ID      int64     `json:"id"`
	TrackID int64     `json:"track_id"`
	From    Status    `json:"from"` // "" for the first status of a track
	To      Status    `json:"to"`
	Reason  string    `json:"reason"`
	EventID *int64    `json:"event_id,omitempty"` // the outside event that caused it
	ActorID *int64    `json:"actor_id,omitempty"` // the user who made it; nil for the system
	At      time.Time `json:"at"`
}

// TransitionRequest asks to move a track to a new status.
type TransitionRequest struct {
	To      Status     `json:"to"`
	Reason  string     `json:"reason"`
	EventID *int64     `json:"event_id,omitempty"`
	At      *time.Time `json:"at,omitempty"` // when it happened; now if nil. Never before the last transition.
}

// Validate checks the request's own fields; the store checks the lifecycle.
func (r *TransitionRequest) Validate() error {
	if !r.To.Valid() {
		return Errorf(EINVALID, "to", "unknown status %q (want one of %s)", r.To, statusList())
	}
	if strings.TrimSpace(r.Reason) == "" {
		return Errorf(EINVALID, "reason", "a transition needs a reason")
	}
	if err := checkText("reason", r.Reason); err != nil {
		return err
	}
	if r.EventID != nil && *r.EventID <= 0 {
		return Errorf(EINVALID, "event_id", "event_id must be a positive id")
	}
	return nil
}

// TrackService keeps tracks and their status history.
type TrackService interface {
	// FindTrackByID returns the track with its parties, venues and themes, or
	// ENOTFOUND.
	FindTrackByID(ctx context.Context, id int64) (*Track, error)
	// FindTracks returns tracks matching filter, ordered by ID, and the total
	// number that match.
	FindTracks(ctx context.Context, filter TrackFilter) ([]*Track, int, error)
	// CreateTrack stores t, setting its ID and timestamps. A new track starts
	// exploratory unless t.Status says otherwise; its first transition records
	// that status with reason "created", at t.CreatedAt if the caller set it
	// (importing a track with its history) and at Now otherwise. ECONFLICT if the title is taken;
	// EINVALID if a party or venue does not exist. Per CanOpenTrack; a
	// caller who is no administrator becomes the track's mediator.
	CreateTrack(ctx context.Context, t *Track) error
	// UpdateTrack applies upd and returns the track, or ENOTFOUND.
	UpdateTrack(ctx context.Context, id int64, upd TrackUpdate) (*Track, error)
	// TransitionTrack moves the track to a new status and records who, when
	// and why. ECONFLICT naming the current and requested status if the
	// lifecycle forbids it; EINVALID if the event does not exist or the time
	// lies before the last transition (the first one is the track's start,
	// which MoveTrackStart moves).
	TransitionTrack(ctx context.Context, id int64, req TransitionRequest) (*Transition, error)
	// MoveTrackStart moves the date of the track's first recorded status
	// (its start) to at, so that earlier history can be entered: at must
	// not lie after the track's next transition or now. Meetings and
	// outside events may carry any past date; the timeline orders them.
	// Per CanEditTrack; EINVALID naming "at" otherwise.
	MoveTrackStart(ctx context.Context, id int64, at time.Time) (*Transition, error)
	// ReviveTrack opens successor (as CreateTrack does) as the track that
	// continues the talks of the collapsed track id, linked both ways
	// (Track.RevivedAs, Track.Revives), in one write. Per CanEditTrack on
	// id and CanOpenTrack; ECONFLICT unless id is collapsed and not revived
	// yet.
	ReviveTrack(ctx context.Context, id int64, successor *Track, reason string) error
	// FindTransitions returns the track's status history, oldest first.
	FindTransitions(ctx context.Context, trackID int64) ([]*Transition, error)
	// Timeline returns a page of the track's timeline: its transitions,
	// the steps of its agreements' status histories, its meetings and
	// linked events merged in time order (ties: transitions, then
	// agreement steps, then events, then meetings, then by ID), oldest
	// first or with page.Newest newest first, and the cursor of the next
	// page ("" after the last). A page costs the same at any depth of the
	// history. ENOTFOUND if the track does not exist; EINVALID for a limit
	// out of range or a cursor this store did not issue for this track
	// and order.
	Timeline(ctx context.Context, trackID int64, page TimelinePage) (*Timeline, error)
	// TrackSummaries returns the summaries of every track the caller may
	// see, ordered by ID, or with trackID > 0 that track's alone (ENOTFOUND
	// if the caller may not see it): the map's rows, read by a fixed number
	// of indexed queries per track, whose cost grows with the tracks, not
	// with their meetings.
	TrackSummaries(ctx context.Context, trackID int64) ([]*TrackSummary, error)
	// ShredTrack deletes the track's data key: every sealed record of the
	// track (profiles, notes) becomes unreadable for good, to anyone, even
	// to a holder of the master key, once backups that still hold the
	// wrapped key have aged out. Reads of its sealed records then fail with
	// ENOTFOUND saying that the track's sealed content was shredded; the
	// map stays.
	// Administrators only.
	ShredTrack(ctx context.Context, id int64) error
}

// TimelineKind says what a timeline entry is.
type TimelineKind string

const (
	TimelineTransition TimelineKind = "transition"
	TimelineAgreement  TimelineKind = "agreement" // a step of an agreement's status history
	TimelineMeeting    TimelineKind = "meeting"
	TimelineEvent      TimelineKind = "event"
)

// TimelinePage asks for one page of a timeline.
type TimelinePage struct {
	// Cursor is the Next of the previous page, "" for the first page.
	Cursor string
	// Limit is the page's size, 1 to MaxLimit; 0 means DefaultLimit.
	Limit int
	// Newest orders the page newest first.
	Newest bool
}

// Normalize returns the page with the default limit applied, or EINVALID.
func (p TimelinePage) Normalize() (TimelinePage, error) {
	if p.Limit < 0 || p.Limit > MaxLimit {
		return p, Errorf(EINVALID, "limit", "limit must be between 1 and %d", MaxLimit)
	}
	if p.Limit == 0 {
		p.Limit = DefaultLimit
	}
	return p, nil
}

// Timeline is one page of a track's timeline.
type Timeline struct {
	Entries []*TimelineEntry `json:"items"`
	Limit   int              `json:"limit"`
	// Next is the opaque cursor of the next page, "" after the last.
	Next string `json:"next,omitempty"`
}

// TrackSummary is a track's row of the map: its status history, its last
// and next meeting, its latest outside event and how many meetings and
// events it has.
type TrackSummary struct {
	Track       *Track        // with its parties and venues, not its themes
	Transitions []*Transition // oldest first
	LastMeeting *Meeting      // the latest that has started; nil if none
	NextMeeting *Meeting      // the first still to start; nil if none
	LastEvent   *Event        // the latest that has occurred; nil if none
	Meetings    int
	Events      int
}

// TimelineEntry is one item of a track's timeline; exactly one of its
// pointers is set, matching Kind.
type TimelineEntry struct {
	At         time.Time      `json:"at"`
	Kind       TimelineKind   `json:"kind"`
	Transition *Transition    `json:"transition,omitempty"`
	Agreement  *AgreementStep `json:"agreement,omitempty"`
	Meeting    *Meeting       `json:"meeting,omitempty"`
	Event      *Event         `json:"event,omitempty"`
}

// AgreementStep is one step of an agreement's status history, on its
// track's timeline: the agreement entered into force, was suspended,
// collapsed…
type AgreementStep struct {
	AgreementID int64               `json:"agreement_id"`
	Title       string              `json:"title"`
	Step        AgreementTransition `json:"step"`
}
