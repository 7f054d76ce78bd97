package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/parley-talks/parley"
)

// World is a small map of talks that tests build on.
type World struct {
	Ukraine, Russia, Qatar, UN *parley.Party
	Doha, Jeddah               *parley.Venue
	Mediator, Delegate         *parley.User
	Track                      *parley.Track
	Theme                      *parley.Theme
	Meeting                    *parley.Meeting
	Event                      *parley.Event
}

// day is a fixed date in the seed's world.
var day = time.Date(2024, 8, 6, 9, 0, 0, 0, time.UTC)

// NewWorld creates a World in s.
func NewWorld(t testing.TB, s parley.Store) *World {
	t.Helper()
	w := &World{}
	party := func(name string, kind parley.PartyKind) *parley.Party {
		p := &parley.Party{Name: name, Kind: kind}
		if err := s.CreateParty(ctx, p); err != nil {
			t.Fatalf("create party %s: %v", name, err)
		}
		return p
	}
	w.Ukraine = party("Ukraine", parley.PartyState)
	w.Russia = party("Russia", parley.PartyState)
	w.Qatar = party("Qatar", parley.PartyState)
	w.UN = party("the UN", parley.PartyOrganisation)
	venue := func(name, city, country string) *parley.Venue {
		v := &parley.Venue{Name: name, City: city, Country: country}
		if err := s.CreateVenue(ctx, v); err != nil {
			t.Fatalf("create venue %s: %v", name, err)
		}
		return v
	}
	w.Doha = venue("Doha, Ministry of Foreign Affairs", "Doha", "Qatar")
	w.Jeddah = venue("Jeddah", "Jeddah", "Saudi Arabia")
	user := func(email, name string) *parley.User {
		u := &parley.User{Email: email, Name: name, PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatalf("create user %s: %v", email, err)
		}
		return u
	}
	w.Mediator = user("mediator@demo.parley", "Mediator")
	w.Delegate = user("ua@demo.parley", "Ukraine's delegate")
	w.Track = &parley.Track{
		Title:   "Energy-infrastructure strike moratorium",
		Mandate: "A moratorium on strikes against energy infrastructure.",
		Status:  parley.StatusActive,
		Parties: []parley.TrackParty{
			{PartyID: w.Qatar.ID, Role: parley.RoleHost},
			{PartyID: w.Qatar.ID, Role: parley.RoleMediator},
			{PartyID: w.Ukraine.ID, Role: parley.RolePrincipal},
			{PartyID: w.Russia.ID, Role: parley.RolePrincipal},
		},
		VenueIDs:  []int64{w.Doha.ID},
		CreatedAt: day.Add(-30 * 24 * time.Hour),
	}
	if err := s.CreateTrack(ctx, w.Track); err != nil {
		t.Fatalf("create track: %v", err)
	}
	w.Theme = &parley.Theme{TrackID: w.Track.ID, Name: "Energy strikes", Options: []parley.Option{
		{Label: "none"}, {Label: "30-day moratorium"}, {Label: "indefinite with monitoring", Description: "verified by a neutral party"},
	}}
	if err := s.CreateTheme(ctx, w.Theme); err != nil {
		t.Fatalf("create theme: %v", err)
	}
	w.Meeting = &parley.Meeting{
		TrackID: w.Track.ID, VenueID: &w.Doha.ID, Title: "Proximity talks", Format: parley.FormatShuttle,
		StartsAt:  day.Add(-7 * 24 * time.Hour),
		Attendees: []parley.Attendee{{PartyID: w.Qatar.ID}, {PartyID: w.Ukraine.ID, Name: "Head of delegation"}, {PartyID: w.Russia.ID}},
	}
	if err := s.CreateMeeting(ctx, w.Meeting); err != nil {
		t.Fatalf("create meeting: %v", err)
	}
	w.Event = &parley.Event{OccurredAt: day, Title: "Kursk offensive", Source: "Reuters", TrackIDs: []int64{w.Track.ID}}
	if err := s.CreateEvent(ctx, w.Event); err != nil {
		t.Fatalf("create event: %v", err)
	}
	m := &parley.Member{TrackID: w.Track.ID, UserID: w.Mediator.ID, Role: parley.MemberMediator}
	if err := s.CreateMember(ctx, m); err != nil {
		t.Fatalf("create member: %v", err)
	}
	// Refetch so that the world holds what the store returns.
	var err error
	if w.Track, err = s.FindTrackByID(ctx, w.Track.ID); err != nil {
		t.Fatalf("find track: %v", err)
	}
	return w
}

// newTrack creates a track titled title in status st.
func newTrack(t testing.TB, s parley.Store, title string, st parley.Status) *parley.Track {
	t.Helper()
	tr := &parley.Track{Title: title, Status: st}
	if err := s.CreateTrack(ctx, tr); err != nil {
		t.Fatalf("create track %q: %v", title, err)
	}
	return tr
}

func newParty(t testing.TB, s parley.Store, i int) *parley.Party {
	t.Helper()
	p := &parley.Party{Name: fmt.Sprintf("Party %03d", i), Kind: parley.PartyDelegation}
	if err := s.CreateParty(ctx, p); err != nil {
		t.Fatalf("create party: %v", err)
	}
	return p
}
