package storetest

import (
	"testing"
	"time"

	"github.com/parley-talks/parley"
)

func testTracks(t *testing.T, s parley.Store) {
	w := NewWorld(t, s)
	ctx := parley.NewContextWithActor(ctx, w.Mediator.ID)
	before := parley.Now()
	tr := &parley.Track{
		Title:    "Black Sea grain corridor",
		Mandate:  "Safe passage of grain ships from Ukraine's ports.",
		Parties:  []parley.TrackParty{{PartyID: w.UN.ID, Role: parley.RoleMediator}, {PartyID: w.Ukraine.ID, Role: parley.RolePrincipal}},
		VenueIDs: []int64{w.Jeddah.ID, w.Doha.ID},
		Themes: []*parley.Theme{
			{Name: "Inspections", Options: []parley.Option{{Label: "joint"}, {Label: "UN only"}}},
			{Name: "Ports", Options: []parley.Option{{Label: "Odesa"}, {Label: "Odesa and Mykolaiv"}}},
		},
	}
	must(t, s.CreateTrack(ctx, tr))
	if tr.ID <= 0 || tr.Status != parley.StatusExploratory || tr.CreatedAt.Before(before) {
		t.Fatalf("after create: %+v", tr)
	}
	for i, th := range tr.Themes {
		if th.ID <= 0 || th.TrackID != tr.ID || th.Position != i || th.Options[0].ID <= 0 {
			t.Errorf("theme %d after create: %+v", i, th)
		}
	}
	got, err := s.FindTrackByID(ctx, tr.ID)
	must(t, err)
	diff(t, "found track", tr, got)

	// The first transition records the initial status.
	trs, err := s.FindTransitions(ctx, tr.ID)
	must(t, err)
	want := []*parley.Transition{{ID: trs[0].ID, TrackID: tr.ID, From: "", To: parley.StatusExploratory, Reason: "created", ActorID: &w.Mediator.ID, At: tr.CreatedAt}}
	diff(t, "first transition", want, trs)

	// A track may start in another status, and at a time in the past.
	past := time.Date(2022, 7, 22, 12, 0, 0, 123456789, time.FixedZone("EEST", 3*3600))
	bare := &parley.Track{Title: "Status of Crimea", Status: parley.StatusActive, CreatedAt: past}
	must(t, s.CreateTrack(ctx, bare))
	if !bare.CreatedAt.Equal(past.Truncate(time.Microsecond)) || bare.CreatedAt.Location() != time.UTC {
		t.Errorf("CreatedAt = %v, want %v in UTC", bare.CreatedAt, past.Truncate(time.Microsecond))
	}
	trs, err = s.FindTransitions(ctx, bare.ID)
	must(t, err)
	if len(trs) != 1 || trs[0].To != parley.StatusActive || !trs[0].At.Equal(bare.CreatedAt) {
		t.Errorf("first transition of a track created active in the past: %+v", trs[0])
	}
	if bare.Parties == nil || bare.VenueIDs == nil {
		t.Errorf("a track without parties or venues has nil lists: %+v", bare)
	}
	got, err = s.FindTrackByID(ctx, bare.ID)
	must(t, err)
	diff(t, "found bare track", bare, got)

	all, total, err := s.FindTracks(ctx, parley.TrackFilter{})
	must(t, err)
	diff(t, "tracks", []*parley.Track{w.Track, tr, bare}, all)
	if total != 3 {
		t.Errorf("total = %d, want 3", total)
	}
	active, total, err := s.FindTracks(ctx, parley.TrackFilter{Status: parley.StatusActive})
	must(t, err)
	diff(t, "active tracks", []*parley.Track{w.Track, bare}, active)
	if total != 2 {
		t.Errorf("active total = %d, want 2", total)
	}
	none, total, err := s.FindTracks(ctx, parley.TrackFilter{Status: parley.StatusConcluded})
	must(t, err)
	if len(none) != 0 || total != 0 {
		t.Errorf("concluded tracks: %v, total %d", none, total)
	}

	// Updates: each field alone; lists are replaced, and emptied by an empty list.
	up, err := s.UpdateTrack(ctx, tr.ID, parley.TrackUpdate{Title: ptr("Black Sea Grain Initiative")})
	must(t, err)
	if up.Title != "Black Sea Grain Initiative" || up.Mandate != tr.Mandate || len(up.Parties) != 2 || len(up.VenueIDs) != 2 || len(up.Themes) != 2 {
		t.Errorf("after title update: %+v", up)
	}
	newParties := []parley.TrackParty{{PartyID: w.Qatar.ID, Role: parley.RoleObserver}, {PartyID: w.UN.ID, Role: parley.RoleMediator}, {PartyID: w.UN.ID, Role: parley.RoleGuarantor}}
	up, err = s.UpdateTrack(ctx, tr.ID, parley.TrackUpdate{Mandate: ptr(maxText), Parties: &newParties, VenueIDs: &[]int64{}})
	must(t, err)
	got, err = s.FindTrackByID(ctx, tr.ID)
	must(t, err)
	diff(t, "updated track", up, got)
	diff(t, "updated parties", newParties, got.Parties)
	if len(got.VenueIDs) != 0 || got.Mandate != maxText || got.Status != parley.StatusExploratory {
		t.Errorf("after update: venues %v, status %s", got.VenueIDs, got.Status)
	}
	up, err = s.UpdateTrack(ctx, tr.ID, parley.TrackUpdate{VenueIDs: &[]int64{w.Doha.ID}})
	must(t, err)
	diff(t, "venues after update", []int64{w.Doha.ID}, up.VenueIDs)
	diff(t, "parties after venue update", newParties, up.Parties)
	// Updating the title to its own value is no conflict.
	_, err = s.UpdateTrack(ctx, tr.ID, parley.TrackUpdate{Title: ptr("Black Sea Grain Initiative")})
	must(t, err)
}

func testTrackErrors(t *testing.T, s parley.Store) {
	w := NewWorld(t, s)
	other := newTrack(t, s, "Return of deported children", parley.StatusActive)
	create := func(tr parley.Track) func() error { return func() error { return s.CreateTrack(ctx, &tr) } }
	update := func(id int64, upd parley.TrackUpdate) func() error {
		return func() error { _, err := s.UpdateTrack(ctx, id, upd); return err }
	}
	two := []*parley.Theme{
		{Name: "Same", Options: []parley.Option{{Label: "a"}, {Label: "b"}}},
		{Name: "Same", Options: []parley.Option{{Label: "a"}, {Label: "b"}}},
	}
	checkRefusals(t, s, []refusal{
		{"duplicate title", parley.ECONFLICT, "title", []string{w.Track.Title}, create(parley.Track{Title: w.Track.Title})},
		{"missing title", parley.EINVALID, "title", nil, create(parley.Track{})},
		{"overlong title", parley.EINVALID, "title", nil, create(parley.Track{Title: longName})},
		{"bad UTF-8 title", parley.EINVALID, "title", nil, create(parley.Track{Title: badUTF8})},
		{"overlong mandate", parley.EINVALID, "mandate", nil, create(parley.Track{Title: "X", Mandate: longText})},
		{"bad UTF-8 mandate", parley.EINVALID, "mandate", nil, create(parley.Track{Title: "X", Mandate: badUTF8})},
		{"unknown status", parley.EINVALID, "status", nil, create(parley.Track{Title: "X", Status: "dormant"})},
		{"unknown party", parley.EINVALID, "parties.party_id", []string{"party 999 does not exist"},
			create(parley.Track{Title: "X", Parties: []parley.TrackParty{{PartyID: 999, Role: parley.RoleHost}}})},
		{"unknown party role", parley.EINVALID, "parties.role", nil,
			create(parley.Track{Title: "X", Parties: []parley.TrackParty{{PartyID: w.Qatar.ID, Role: "sponsor"}}})},
		{"party listed twice", parley.EINVALID, "parties", nil,
			create(parley.Track{Title: "X", Parties: []parley.TrackParty{{PartyID: w.Qatar.ID, Role: parley.RoleHost}, {PartyID: w.Qatar.ID, Role: parley.RoleHost}}})},
		{"unknown venue", parley.EINVALID, "venue_ids", []string{"venue 999 does not exist"}, create(parley.Track{Title: "X", VenueIDs: []int64{w.Doha.ID, 999}})},
		{"venue listed twice", parley.EINVALID, "venue_ids", nil, create(parley.Track{Title: "X", VenueIDs: []int64{w.Doha.ID, w.Doha.ID}})},
		{"invalid theme", parley.EINVALID, "options", nil, create(parley.Track{Title: "X", Themes: []*parley.Theme{{Name: "One", Options: []parley.Option{{Label: "only"}}}}})},
		{"themes of one name", parley.ECONFLICT, "name", nil, create(parley.Track{Title: "X", Themes: two})},
		{"update unknown", parley.ENOTFOUND, "", []string{"track 999 not found"}, update(999, parley.TrackUpdate{Title: ptr("X")})},
		{"update to taken title", parley.ECONFLICT, "title", nil, update(w.Track.ID, parley.TrackUpdate{Title: ptr(other.Title)})},
		{"update blank title", parley.EINVALID, "title", nil, update(w.Track.ID, parley.TrackUpdate{Title: ptr("")})},
		{"update unknown venue", parley.EINVALID, "venue_ids", nil, update(w.Track.ID, parley.TrackUpdate{VenueIDs: &[]int64{999}})},
		{"update unknown party", parley.EINVALID, "parties.party_id", nil,
			update(w.Track.ID, parley.TrackUpdate{Parties: &[]parley.TrackParty{{PartyID: 999, Role: parley.RoleHost}}})},
		{"create with unknown actor", parley.EINVALID, "actor_id", nil, func() error {
			return s.CreateTrack(parley.NewContextWithActor(ctx, 999), &parley.Track{Title: "X"})
		}},
	})
	_, err := s.FindTrackByID(ctx, 999)
	checkErr(t, err, parley.ENOTFOUND, "")
	_, _, err = s.FindTracks(ctx, parley.TrackFilter{Status: "dormant"})
	checkErr(t, err, parley.EINVALID, "status")
}
