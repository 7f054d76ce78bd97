package storetest

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
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

	got := wholeTimeline(t, s, tr.ID)
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
	checkTimelinePages(t, s, tr.ID, want)

	// The other track was created now, after everything at the tie.
	var kinds []parley.TimelineKind
	for _, e := range wholeTimeline(t, s, other.ID) {
		kinds = append(kinds, e.Kind)
	}
	diff(t, "kinds on the other track's timeline", []parley.TimelineKind{
		parley.TimelineEvent, parley.TimelineEvent, parley.TimelineMeeting, parley.TimelineTransition,
	}, kinds)
	_, err = s.Timeline(ctx, 999, parley.TimelinePage{})
	checkErr(t, err, parley.ENOTFOUND, "")

	// Cursors: only this track's, in this order, as the store gave them.
	page, err := s.Timeline(ctx, tr.ID, parley.TimelinePage{Limit: 2})
	must(t, err)
	otherPage, err := s.Timeline(ctx, other.ID, parley.TimelinePage{Limit: 1})
	must(t, err)
	raw, err := base64.RawURLEncoding.DecodeString(page.Next)
	must(t, err)
	raw[2] ^= 1 // the position the cursor names, with the MAC left as it was
	forged := base64.RawURLEncoding.EncodeToString(raw)
	for _, bad := range []struct {
		what string
		page parley.TimelinePage
	}{
		{"another track's cursor", parley.TimelinePage{Cursor: otherPage.Next}},
		{"a cursor of the other order", parley.TimelinePage{Cursor: page.Next, Newest: true}},
		{"a forged cursor", parley.TimelinePage{Cursor: forged}},
		{"a cursor that is no base64", parley.TimelinePage{Cursor: "not a cursor!"}},
		{"a truncated cursor", parley.TimelinePage{Cursor: page.Next[:len(page.Next)-3]}},
		{"a cursor with bytes added", parley.TimelinePage{Cursor: page.Next + "AAAA"}},
	} {
		_, err := s.Timeline(ctx, tr.ID, bad.page)
		checkErr(t, err, parley.EINVALID, "cursor")
		if err != nil && strings.Contains(err.Error(), page.Next) {
			t.Errorf("%s: the error quotes the cursor", bad.what)
		}
	}
	for _, limit := range []int{-1, parley.MaxLimit + 1, 10_000_000} {
		_, err := s.Timeline(ctx, tr.ID, parley.TimelinePage{Limit: limit})
		checkErr(t, err, parley.EINVALID, "limit")
	}
	all, err := s.Timeline(ctx, tr.ID, parley.TimelinePage{})
	must(t, err)
	if all.Limit != parley.DefaultLimit || all.Next != "" || len(all.Entries) != len(want) {
		t.Errorf("the default page: limit %d, next %q, %d entries; want %d, none, %d", all.Limit, all.Next, len(all.Entries), parley.DefaultLimit, len(want))
	}

	// A meeting added before the cursor moves nothing between pages; one
	// added after it is on a later page.
	first2, err := s.Timeline(ctx, tr.ID, parley.TimelinePage{Limit: 2})
	must(t, err)
	meeting("added in the past", created.Add(time.Minute), tr.ID)
	late := meeting("added at the end", tie.Add(time.Hour), tr.ID)
	rest := first2.Entries
	for cursor := first2.Next; cursor != ""; {
		p, err := s.Timeline(ctx, tr.ID, parley.TimelinePage{Cursor: cursor, Limit: 2})
		must(t, err)
		rest, cursor = append(rest, p.Entries...), p.Next
	}
	diff(t, "pages around concurrent writes", append(slices.Clone(want), mt(late)), rest)
}

// wholeTimeline reads every page of a track's timeline, oldest first.
func wholeTimeline(t testing.TB, s parley.Store, trackID int64) []*parley.TimelineEntry {
	t.Helper()
	var out []*parley.TimelineEntry
	page := parley.TimelinePage{Limit: parley.MaxLimit}
	for {
		tl, err := s.Timeline(ctx, trackID, page)
		if err != nil {
			t.Fatalf("timeline of track %d: %v", trackID, err)
		}
		out = append(out, tl.Entries...)
		if tl.Next == "" {
			return out
		}
		page.Cursor = tl.Next
	}
}

// checkTimelinePages reads the timeline at every page size in both orders
// and checks that the pages put together are want, each page full but the
// last, with a cursor after every page but the last.
func checkTimelinePages(t *testing.T, s parley.Store, trackID int64, want []*parley.TimelineEntry) {
	t.Helper()
	newest := slices.Clone(want)
	slices.Reverse(newest)
	for limit := 1; limit <= len(want)+1; limit++ {
		for _, order := range []struct {
			newest bool
			want   []*parley.TimelineEntry
		}{{false, want}, {true, newest}} {
			var got []*parley.TimelineEntry
			page := parley.TimelinePage{Limit: limit, Newest: order.newest}
			for n := 0; ; n++ {
				tl, err := s.Timeline(ctx, trackID, page)
				must(t, err)
				got = append(got, tl.Entries...)
				if tl.Next == "" {
					break
				}
				if len(tl.Entries) != limit {
					t.Fatalf("limit %d newest %v: page %d has %d entries and a next", limit, order.newest, n, len(tl.Entries))
				}
				page.Cursor = tl.Next
			}
			diff(t, fmt.Sprintf("pages of %d, newest %v", limit, order.newest), order.want, got)
		}
	}
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
