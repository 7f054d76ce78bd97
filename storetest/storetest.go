// Package storetest is the conformance suite that every parley.Store must
// pass: the sqlite and postgres packages run it against real databases.
//
// Run covers every method of every service: create, get, list and update;
// pagination, totals and ordering; duplicates (ECONFLICT), unknown ids
// (ENOTFOUND), references to missing records (EINVALID naming the field);
// every pair of track statuses; the timeline's order and its ties; input
// validation (missing, overlong and invalid UTF-8 values); racing writers.
// Every refused write is checked to leave the store's observable state
// unchanged, by comparing a snapshot of everything the store lists before and
// after.
//
// The Bench functions measure the operations that issue 2 asks figures for.
package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parley-talks/parley"
)

// Opener returns a new, empty store for one test and arranges its cleanup.
type Opener func(t *testing.T) parley.Store

// Run runs the conformance suite, opening a fresh store for every subtest.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s parley.Store)
	}{
		{"Parties", testParties},
		{"PartyErrors", testPartyErrors},
		{"Venues", testVenues},
		{"VenueErrors", testVenueErrors},
		{"Users", testUsers},
		{"UserErrors", testUserErrors},
		{"Members", testMembers},
		{"MemberErrors", testMemberErrors},
		{"Tracks", testTracks},
		{"TrackErrors", testTrackErrors},
		{"TrackTransitions", testTrackTransitions},
		{"TransitionDetails", testTransitionDetails},
		{"TransitionErrors", testTransitionErrors},
		{"Themes", testThemes},
		{"ThemeErrors", testThemeErrors},
		{"Meetings", testMeetings},
		{"MeetingErrors", testMeetingErrors},
		{"Events", testEvents},
		{"EventErrors", testEventErrors},
		{"Timeline", testTimeline},
		{"Pagination", testPagination},
		{"Concurrency", testConcurrency},
		{"Sessions", testSessions}, {"Tokens", testTokens},
		{"VenueTimeZones", testVenueTimeZones}, {"UserLanguages", testUserLanguages}, {"CalendarFeeds", testCalendarFeeds},
		{"SecondFactors", testSecondFactors}, {"SecondFactorTracks", testSecondFactorTracks},
		{"SetUpTalks", testSetUpTalks}, {"Invitations", testInvitations}, {"TrackHistory", testTrackHistory},
	}
	t.Run("Empty", func(t *testing.T) { testEmpty(t, open) })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

// ctx acts as parley.System: the suite sets up and inspects every store as its operator.
var ctx = parley.NewContextWithCaller(context.Background(), parley.System)

// checkErr fails t unless err carries code and, if field is not "", field.
func checkErr(t *testing.T, err error, code, field string) {
	t.Helper()
	if got := parley.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	if field != "" {
		if got := parley.ErrorField(err); got != field {
			t.Fatalf("error field = %q (%v), want %q", got, err, field)
		}
	}
}

// must fails t on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// diff fails t if want and got differ.
func diff(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, d)
	}
}

// refusal is a write the store must refuse.
type refusal struct {
	name  string
	code  string
	field string   // "" to skip the check
	msg   []string // substrings the message must contain
	do    func() error
}

// checkRefusals runs each refusal and checks its error and that the store's
// observable state is unchanged.
func checkRefusals(t *testing.T, s parley.Store, rs []refusal) {
	t.Helper()
	for _, r := range rs {
		t.Run(r.name, func(t *testing.T) {
			before := Snapshot(t, s)
			err := r.do()
			checkErr(t, err, r.code, r.field)
			for _, m := range r.msg {
				if !strings.Contains(parley.ErrorMessage(err), m) {
					t.Errorf("message %q does not mention %q", parley.ErrorMessage(err), m)
				}
			}
			diff(t, "state after refusal", before, Snapshot(t, s))
		})
	}
}

// State is everything a store lists: the snapshot that refused writes must
// leave unchanged.
type State struct {
	Parties     []*parley.Party
	Venues      []*parley.Venue
	Users       []*parley.User
	Tracks      []*parley.Track
	Members     map[int64][]*parley.Member
	Transitions map[int64][]*parley.Transition
	Timelines   map[int64][]*parley.TimelineEntry
	Meetings    []*parley.Meeting
	Events      []*parley.Event
	Links       []*parley.Link
}

// Snapshot reads everything s lists (up to parley.MaxLimit rows per list).
func Snapshot(t testing.TB, s parley.Store) State {
	t.Helper()
	all := parley.Page{Limit: parley.MaxLimit}
	var st State
	var err error
	fail := func(err error) {
		if err != nil {
			t.Helper()
			t.Fatalf("snapshot: %v", err)
		}
	}
	st.Parties, _, err = s.FindParties(ctx, all)
	fail(err)
	st.Venues, _, err = s.FindVenues(ctx, all)
	fail(err)
	st.Users, _, err = s.FindUsers(ctx, all)
	fail(err)
	st.Tracks, _, err = s.FindTracks(ctx, parley.TrackFilter{Page: all})
	fail(err)
	st.Members = map[int64][]*parley.Member{}
	st.Transitions = map[int64][]*parley.Transition{}
	st.Timelines = map[int64][]*parley.TimelineEntry{}
	for _, tr := range st.Tracks {
		st.Members[tr.ID], err = s.FindMembers(ctx, tr.ID)
		fail(err)
		st.Transitions[tr.ID], err = s.FindTransitions(ctx, tr.ID)
		fail(err)
		st.Timelines[tr.ID] = wholeTimeline(t, s, tr.ID)
	}
	st.Meetings, _, err = s.FindMeetings(ctx, parley.MeetingFilter{Page: all})
	fail(err)
	st.Events, _, err = s.FindEvents(ctx, parley.EventFilter{Page: all})
	fail(err)
	st.Links, err = s.FindLinks(ctx, 0)
	fail(err)
	return st
}

// Strings at and around the limits, for validation tests.
var (
	badUTF8     = "bad \xff\xfe utf-8"
	longName    = strings.Repeat("é", parley.MaxNameLen+1)
	maxName     = strings.Repeat("é", parley.MaxNameLen)
	longText    = strings.Repeat("x", parley.MaxTextLen+1)
	maxText     = strings.Repeat("ü", parley.MaxTextLen)
	controlName = "line\nbreak"
)

func ptr[T any](v T) *T { return &v }
