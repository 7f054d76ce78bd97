package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/authn"
)

// busyMeetings is more meetings on one track than SQLite binds parameters
// in one statement (32,766): a read that binds one per meeting fails.
const busyMeetings = 33_000

// TestBusyTrack loads busyMeetings meetings, each with an attendee, on one
// track and reads the map, the track's page and its timeline through
// HTTP: each answers, and the timeline's pages, read by cursor in both
// orders, are full and in order to the last meeting.
func TestBusyTrack(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 33,000 meetings")
	}
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) { testBusyTrack(t, b.open(t)) })
	}
}

func testBusyTrack(t *testing.T, a *testAPI) {
	party := &parley.Party{Name: "Busy delegation", Kind: parley.PartyState}
	must(t, a.store.CreateParty(sysCtx, party))
	tr := &parley.Track{Title: "The busy track", Parties: []parley.TrackParty{{PartyID: party.ID, Role: parley.RolePrincipal}}}
	must(t, a.store.CreateTrack(sysCtx, tr))
	// Hourly meetings from years ago, the last ten still to come.
	first := parley.Now().Add(-(busyMeetings-10)*time.Hour + 30*time.Minute)
	ms := make([]*parley.Meeting, busyMeetings)
	for i := range ms {
		ms[i] = &parley.Meeting{TrackID: tr.ID, Title: fmt.Sprintf("Round %d", i+1), Format: parley.FormatCaucus,
			StartsAt: first.Add(time.Duration(i) * time.Hour), Attendees: []parley.Attendee{{PartyID: party.ID, Name: "Head of delegation"}}}
	}
	start := time.Now()
	must(t, a.store.CreateMeetings(sysCtx, ms))
	t.Logf("%d meetings stored in %v", busyMeetings, time.Since(start))
	last, next := ms[busyMeetings-11], ms[busyMeetings-10]

	cookie := busySignIn(t, a)
	page := func(path string) string {
		t.Helper()
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept", "text/html")
		req.AddCookie(cookie)
		w := httptest.NewRecorder()
		start := time.Now()
		a.srv.ServeHTTP(w, req)
		t.Logf("GET %s: %d in %v", path, w.Code, time.Since(start))
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, w.Code, w.Body)
		}
		return w.Body.String()
	}
	mapPage := page("/map")
	for _, want := range []string{tr.Title, last.Title, next.Title} {
		if !strings.Contains(mapPage, want) {
			t.Errorf("the map does not show %q", want)
		}
	}
	trackPage := page(fmt.Sprintf("/tracks/%d", tr.ID))
	for _, want := range []string{ms[busyMeetings-1].Title, "Older entries"} {
		if !strings.Contains(trackPage, want) {
			t.Errorf("the track's page does not show %q", want)
		}
	}
	if strings.Contains(trackPage, ">Round 1 ") || strings.Contains(trackPage, "Round 1 (") {
		t.Errorf("the track's first page shows the first meeting")
	}

	// The timeline: every meeting once, in order, by pages of MaxLimit.
	path := fmt.Sprintf("/api/v1/tracks/%d/timeline", tr.ID)
	for _, order := range []string{"oldest", "newest"} {
		n, pages := 0, 0
		var slowest time.Duration
		for cursor := ""; ; pages++ {
			var tl parley.Timeline
			start := time.Now()
			a.call("GET", fmt.Sprintf("%s?order=%s&limit=%d&cursor=%s", path, order, parley.MaxLimit, url.QueryEscape(cursor)), nil, http.StatusOK, &tl)
			slowest = max(slowest, time.Since(start))
			for _, e := range tl.Entries {
				if e.Kind != parley.TimelineMeeting {
					continue
				}
				want := ms[n]
				if order == "newest" {
					want = ms[busyMeetings-1-n]
				}
				if e.Meeting.ID != want.ID || len(e.Meeting.Attendees) != 1 {
					t.Fatalf("%s first: meeting %d is %d with %d attendees, want %d", order, n, e.Meeting.ID, len(e.Meeting.Attendees), want.ID)
				}
				n++
			}
			if tl.Next == "" {
				break
			}
			if len(tl.Entries) != parley.MaxLimit {
				t.Fatalf("%s first: page %d has %d entries and a next page", order, pages, len(tl.Entries))
			}
			cursor = tl.Next
		}
		if n != busyMeetings {
			t.Errorf("%s first: the timeline's pages hold %d meetings, want %d", order, n, busyMeetings)
		}
		t.Logf("%s first: %d pages of %d through HTTP, the slowest in %v", order, pages+1, parley.MaxLimit, slowest)
	}
	// The store's page of the default size, deep in the history.
	if _, err := a.store.Timeline(sysCtx, tr.ID, parley.TimelinePage{Limit: busyMeetings / 2}); err == nil {
		t.Errorf("a page of %d entries was served", busyMeetings/2)
	}
	deep, err := a.store.Timeline(sysCtx, tr.ID, parley.TimelinePage{Limit: parley.MaxLimit})
	must(t, err)
	for range 10 {
		deep, err = a.store.Timeline(sysCtx, tr.ID, parley.TimelinePage{Cursor: deep.Next, Limit: parley.MaxLimit})
		must(t, err)
	}
	start = time.Now()
	_, err = a.store.Timeline(sysCtx, tr.ID, parley.TimelinePage{Cursor: deep.Next})
	must(t, err)
	t.Logf("a page of %d at the 11,000th entry from the store in %v", parley.DefaultLimit, time.Since(start))
}

// busySignIn signs the administrator in with a session cookie, for pages.
func busySignIn(t *testing.T, a *testAPI) *http.Cookie {
	t.Helper()
	req := httptest.NewRequest("POST", "/api/v1/sessions", strings.NewReader(`{"email":"admin@example.org","password":"`+testPassword+`","cookie":true}`))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	a.srv.ServeHTTP(w, req)
	if w.Code != http.StatusCreated {
		t.Fatalf("cookie sign-in: %d %s", w.Code, w.Body)
	}
	for _, c := range w.Result().Cookies() {
		if c.Name == authn.SessionCookieName {
			testSecrets.Store(c.Value, true)
			return c
		}
	}
	t.Fatal("the sign-in set no session cookie")
	return nil
}
