package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/parley-talks/parley"
)

// testTimeline builds a history whose entries tie in time and checks the
// documented order: time, then transitions, agreement steps, events,
// meetings, then ID.
func testTimeline(t *testing.T, s parley.Store) {
	created := day.Add(-10 * 24 * time.Hour)
	party := newParty(t, s, 901)
	tr := &parley.Track{Title: "Energy moratorium", Status: parley.StatusExploratory, CreatedAt: created,
		Parties: []parley.TrackParty{{PartyID: party.ID, Role: parley.RolePrincipal}}}
	must(t, s.CreateTrack(ctx, tr))
	other := newTrack(t, s, "Unrelated track", parley.StatusActive)
	tie := day // transitions, events and meetings all at this instant

	meeting := func(title string, at time.Time, trackID int64) *parley.Meeting {
		m := &parley.Meeting{TrackID: trackID, Title: title, Format: parley.FormatPlenary, StartsAt: at}
		must(t, s.CreateMeeting(ctx, m))
		return m
	}
	event := func(title string, at time.Time, tracks ...int64) *parley.Event {
		e := &parley.Event{Title: title, OccurredAt: at, TrackIDs: tracks}
		must(t, s.CreateEvent(ctx, e))
		return e
	}
	move := func(to parley.Status, at time.Time) *parley.Transition {
		x, err := s.TransitionTrack(ctx, tr.ID, parley.TransitionRequest{To: to, Reason: fmt.Sprint("to ", to), At: &at})
		must(t, err)
		return x
	}
	m2 := meeting("second meeting at the tie", tie, tr.ID) // created before m1 but same time: ID decides
	m1 := meeting("third meeting at the tie", tie, tr.ID)
	mEarly := meeting("first meeting", created.Add(time.Hour), tr.ID)
	meeting("meeting of another track", tie, other.ID)
	e2 := event("event at the tie", tie, other.ID, tr.ID)
	e1 := event("second event at the tie", tie, tr.ID)
	event("event of another track", tie, other.ID)
	event("event of no track", tie)
	eLate := event("late event", tie.Add(time.Microsecond), tr.ID)
	a := move(parley.StatusActive, created.Add(time.Hour)) // ties with mEarly
	p := move(parley.StatusPaused, tie)
	r := move(parley.StatusActive, tie)
	// An agreement in force from a day before the tie, suspended at the
	// tie: its steps come after the track's transitions at the same time.
	ag := &parley.Agreement{TrackID: tr.ID, Title: "Moratorium agreement", Signatories: []int64{party.ID}, Effective: day.AddDate(0, 0, -1).Format(time.DateOnly)}
	must(t, ag.Validate())
	must(t, s.CreateAgreement(ctx, ag))
	_, err := s.TransitionAgreement(ctx, ag.ID, parley.AgreementTransitionRequest{To: parley.AgreementSuspended, Reason: "strikes resumed", At: &tie})
	must(t, err)
	ag, err = s.FindAgreementByID(ctx, ag.ID)
	must(t, err)
	if len(ag.History) != 2 {
		t.Fatalf("agreement history = %+v", ag.History)
	}
	step := func(i int) *parley.TimelineEntry {
		return &parley.TimelineEntry{At: ag.History[i].At, Kind: parley.TimelineAgreement,
			Agreement: &parley.AgreementStep{AgreementID: ag.ID, Title: ag.Title, Step: ag.History[i]}}
	}

	got, err := s.Timeline(ctx, tr.ID)
	must(t, err)
	first, err := s.FindTransitions(ctx, tr.ID)
	must(t, err)
	tx := func(x *parley.Transition) *parley.TimelineEntry {
		return &parley.TimelineEntry{At: x.At, Kind: parley.TimelineTransition, Transition: x}
	}
	ev := func(e *parley.Event) *parley.TimelineEntry {
		return &parley.TimelineEntry{At: e.OccurredAt, Kind: parley.TimelineEvent, Event: e}
	}
	mt := func(m *parley.Meeting) *parley.TimelineEntry {
		return &parley.TimelineEntry{At: m.StartsAt, Kind: parley.TimelineMeeting, Meeting: m}
	}
	want := []*parley.TimelineEntry{
		tx(first[0]),
		tx(a), mt(mEarly),
		step(0),
		tx(p), tx(r), step(1), ev(e2), ev(e1), mt(m2), mt(m1),
		ev(eLate),
	}
	diff(t, "timeline", want, got)

	// The other track was created now, after everything at the tie.
	others, err := s.Timeline(ctx, other.ID)
	must(t, err)
	var kinds []parley.TimelineKind
	for _, e := range others {
		kinds = append(kinds, e.Kind)
	}
	diff(t, "kinds on the other track's timeline", []parley.TimelineKind{
		parley.TimelineEvent, parley.TimelineEvent, parley.TimelineMeeting, parley.TimelineTransition,
	}, kinds)
	_, err = s.Timeline(ctx, 999)
	checkErr(t, err, parley.ENOTFOUND, "")
}

// testPagination checks offsets, limits and totals on every list.
func testPagination(t *testing.T, s parley.Store) {
	const n = 7
	tr := newTrack(t, s, "Paged track", parley.StatusActive)
	var parties []*parley.Party
	var venues []*parley.Venue
	var users []*parley.User
	var meetings []*parley.Meeting
	var events []*parley.Event
	tracks := []*parley.Track{tr}
	for i := 0; i < n; i++ {
		parties = append(parties, newParty(t, s, i))
		v := &parley.Venue{Name: fmt.Sprintf("Venue %d", i), City: "Geneva"}
		must(t, s.CreateVenue(ctx, v))
		venues = append(venues, v)
		u := &parley.User{Email: fmt.Sprintf("user%d@demo.parley", i), Name: "User"}
		must(t, s.CreateUser(ctx, u))
		users = append(users, u)
		// Meetings and events in reverse time order, so that time, not ID, orders them.
		m := &parley.Meeting{TrackID: tr.ID, Title: "M", Format: parley.FormatCaucus, StartsAt: day.Add(-time.Duration(i) * time.Hour)}
		must(t, s.CreateMeeting(ctx, m))
		meetings = append([]*parley.Meeting{m}, meetings...)
		e := &parley.Event{Title: "E", OccurredAt: day.Add(-time.Duration(i) * time.Hour), TrackIDs: []int64{tr.ID}}
		must(t, s.CreateEvent(ctx, e))
		events = append([]*parley.Event{e}, events...)
		if i > 0 {
			tracks = append(tracks, newTrack(t, s, fmt.Sprintf("Track %d", i), parley.StatusExploratory))
		}
	}
	// Refetch the first track: it now has no other links, but be exact.
	var err error
	tracks[0], err = s.FindTrackByID(ctx, tr.ID)
	must(t, err)

	pages := []parley.Page{{}, {Limit: 3}, {Offset: 3, Limit: 3}, {Offset: 6, Limit: 3}, {Offset: 7, Limit: 3}, {Offset: 100}, {Limit: parley.MaxLimit}}
	for _, page := range pages {
		t.Run(fmt.Sprintf("offset %d limit %d", page.Offset, page.Limit), func(t *testing.T) {
			gotParties, total, err := s.FindParties(ctx, page)
			must(t, err)
			checkPage(t, "parties", page, parties, gotParties, total)
			gotVenues, total, err := s.FindVenues(ctx, page)
			must(t, err)
			checkPage(t, "venues", page, venues, gotVenues, total)
			gotUsers, total, err := s.FindUsers(ctx, page)
			must(t, err)
			checkPage(t, "users", page, users, gotUsers, total)
			gotTracks, total, err := s.FindTracks(ctx, parley.TrackFilter{Page: page})
			must(t, err)
			checkPage(t, "tracks", page, tracks, gotTracks, total)
			gotMeetings, total, err := s.FindMeetings(ctx, parley.MeetingFilter{TrackID: tr.ID, Page: page})
			must(t, err)
			checkPage(t, "meetings", page, meetings, gotMeetings, total)
			gotEvents, total, err := s.FindEvents(ctx, parley.EventFilter{TrackID: tr.ID, Page: page})
			must(t, err)
			checkPage(t, "events", page, events, gotEvents, total)
		})
	}
	bad := []struct {
		page  parley.Page
		field string
	}{
		{parley.Page{Offset: -1}, "offset"},
		{parley.Page{Limit: -1}, "limit"},
		{parley.Page{Limit: parley.MaxLimit + 1}, "limit"},
	}
	for _, b := range bad {
		_, _, err := s.FindParties(ctx, b.page)
		checkErr(t, err, parley.EINVALID, b.field)
		_, _, err = s.FindVenues(ctx, b.page)
		checkErr(t, err, parley.EINVALID, b.field)
		_, _, err = s.FindUsers(ctx, b.page)
		checkErr(t, err, parley.EINVALID, b.field)
		_, _, err = s.FindTracks(ctx, parley.TrackFilter{Page: b.page})
		checkErr(t, err, parley.EINVALID, b.field)
		_, _, err = s.FindMeetings(ctx, parley.MeetingFilter{Page: b.page})
		checkErr(t, err, parley.EINVALID, b.field)
		_, _, err = s.FindEvents(ctx, parley.EventFilter{Page: b.page})
		checkErr(t, err, parley.EINVALID, b.field)
	}
}

// checkPage compares a page of a list with the slice of all that it should
// show.
func checkPage[T any](t *testing.T, what string, page parley.Page, all, got []T, total int) {
	t.Helper()
	if total != len(all) {
		t.Errorf("%s: total = %d, want %d", what, total, len(all))
	}
	limit := page.Limit
	if limit == 0 {
		limit = parley.DefaultLimit
	}
	lo, hi := min(page.Offset, len(all)), min(page.Offset+limit, len(all))
	diff(t, what, all[lo:hi], got)
	if got == nil {
		t.Errorf("%s: nil list, want an empty one", what)
	}
}
