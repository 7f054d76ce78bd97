package storetest

import (
	"time"

	"testing"

	"github.com/parley-talks/parley"
)

// testEmpty checks that a new store is empty and that any one kind of record
// makes it non-empty, each in a store of its own.
func testEmpty(t *testing.T, open Opener) {
	s := open(t)
	empty, err := s.Empty(ctx)
	must(t, err)
	if !empty {
		t.Fatal("a new store is not empty")
	}
	tests := []struct {
		name   string
		create func(s parley.Store) error
	}{
		{"party", func(s parley.Store) error {
			return s.CreateParty(ctx, &parley.Party{Name: "Qatar", Kind: parley.PartyState})
		}},
		{"venue", func(s parley.Store) error { return s.CreateVenue(ctx, &parley.Venue{Name: "Doha", City: "Doha"}) }},
		{"user", func(s parley.Store) error { return s.CreateUser(ctx, &parley.User{Email: "a@b.org", Name: "A"}) }},
		{"track", func(s parley.Store) error { return s.CreateTrack(ctx, &parley.Track{Title: "T"}) }},
		{"event", func(s parley.Store) error { return s.CreateEvent(ctx, &parley.Event{Title: "E", OccurredAt: day}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			must(t, tt.create(s))
			empty, err := s.Empty(ctx)
			must(t, err)
			if empty {
				t.Fatalf("store is empty after creating a %s", tt.name)
			}
		})
	}
}

func testParties(t *testing.T, s parley.Store) {
	before := parley.Now()
	p := &parley.Party{Name: "Türkiye", Kind: parley.PartyState}
	must(t, s.CreateParty(ctx, p))
	if p.ID <= 0 {
		t.Fatalf("ID = %d after create", p.ID)
	}
	if p.CreatedAt.Before(before) || !p.UpdatedAt.Equal(p.CreatedAt) || p.CreatedAt.Location() != time.UTC {
		t.Errorf("timestamps = %v, %v; want UTC times after %v", p.CreatedAt, p.UpdatedAt, before)
	}
	got, err := s.FindPartyByID(ctx, p.ID)
	must(t, err)
	diff(t, "found party", p, got)

	icrc := &parley.Party{Name: "the ICRC", Kind: parley.PartyOrganisation}
	must(t, s.CreateParty(ctx, icrc))
	list, total, err := s.FindParties(ctx, parley.Page{})
	must(t, err)
	diff(t, "parties", []*parley.Party{p, icrc}, list)
	if total != 2 {
		t.Errorf("total = %d, want 2", total)
	}

	// Update: each field alone, then both; an empty update changes nothing but
	// the update time.
	up, err := s.UpdateParty(ctx, p.ID, parley.PartyUpdate{Name: ptr("Turkey")})
	must(t, err)
	if up.Name != "Turkey" || up.Kind != parley.PartyState || !up.CreatedAt.Equal(p.CreatedAt) {
		t.Errorf("after name update: %+v", up)
	}
	up, err = s.UpdateParty(ctx, p.ID, parley.PartyUpdate{Kind: ptr(parley.PartyDelegation)})
	must(t, err)
	if up.Name != "Turkey" || up.Kind != parley.PartyDelegation {
		t.Errorf("after kind update: %+v", up)
	}
	up, err = s.UpdateParty(ctx, p.ID, parley.PartyUpdate{Name: ptr("Türkiye"), Kind: ptr(parley.PartyState)})
	must(t, err)
	got, err = s.FindPartyByID(ctx, p.ID)
	must(t, err)
	diff(t, "updated party", up, got)
	if got.UpdatedAt.Before(got.CreatedAt) {
		t.Errorf("UpdatedAt %v before CreatedAt %v", got.UpdatedAt, got.CreatedAt)
	}
	// Renaming a party to its own name is no conflict.
	_, err = s.UpdateParty(ctx, p.ID, parley.PartyUpdate{Name: ptr("Türkiye")})
	must(t, err)
	// A name at the limit is accepted.
	long := &parley.Party{Name: maxName, Kind: parley.PartyState}
	must(t, s.CreateParty(ctx, long))
	got, err = s.FindPartyByID(ctx, long.ID)
	must(t, err)
	diff(t, "party with the longest name", long, got)
}

func testPartyErrors(t *testing.T, s parley.Store) {
	w := NewWorld(t, s)
	create := func(name string, kind parley.PartyKind) func() error {
		return func() error { return s.CreateParty(ctx, &parley.Party{Name: name, Kind: kind}) }
	}
	update := func(id int64, upd parley.PartyUpdate) func() error {
		return func() error { _, err := s.UpdateParty(ctx, id, upd); return err }
	}
	checkRefusals(t, s, []refusal{
		{"duplicate", parley.ECONFLICT, "name", []string{"Qatar"}, create("Qatar", parley.PartyState)},
		{"missing name", parley.EINVALID, "name", nil, create("", parley.PartyState)},
		{"blank name", parley.EINVALID, "name", nil, create("   ", parley.PartyState)},
		{"overlong name", parley.EINVALID, "name", nil, create(longName, parley.PartyState)},
		{"bad UTF-8", parley.EINVALID, "name", nil, create(badUTF8, parley.PartyState)},
		{"control character", parley.EINVALID, "name", nil, create(controlName, parley.PartyState)},
		{"missing kind", parley.EINVALID, "kind", nil, create("Malta", "")},
		{"unknown kind", parley.EINVALID, "kind", nil, create("Malta", "empire")},
		{"update to taken name", parley.ECONFLICT, "name", []string{"Russia"}, update(w.Ukraine.ID, parley.PartyUpdate{Name: ptr("Russia")})},
		{"update unknown", parley.ENOTFOUND, "", []string{"999"}, update(999, parley.PartyUpdate{Name: ptr("Malta")})},
		{"update overlong", parley.EINVALID, "name", nil, update(w.Ukraine.ID, parley.PartyUpdate{Name: ptr(longName)})},
		{"update bad kind", parley.EINVALID, "kind", nil, update(w.Ukraine.ID, parley.PartyUpdate{Kind: ptr(parley.PartyKind("x"))})},
	})
	_, err := s.FindPartyByID(ctx, 999)
	checkErr(t, err, parley.ENOTFOUND, "")
	_, err = s.FindPartyByID(ctx, -1)
	checkErr(t, err, parley.ENOTFOUND, "")
}
