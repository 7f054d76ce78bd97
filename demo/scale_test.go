package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/demo"
)

// TestLoadScale loads a small data set of the scale loader's shape beside
// the demo and finds every record it counts: the tracks on the map with a
// last and a next meeting, each track's meetings and events on its
// timeline, and each party's profile history.
func TestLoadScale(t *testing.T) {
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	db := openStore(t)
	if _, err := demo.Load(ctx, db, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	sc := demo.Scale{Tracks: 5, Span: 365 * 24 * time.Hour, Meetings: 30, Future: 3, Events: 6, TransitionEvery: 2, ProfileVersions: 7, Workers: 3}
	sum, err := demo.LoadScale(ctx, db, sc, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := demo.ScaleSummary{Parties: 1 + 2*5, Tracks: 5, Meetings: 5 * 30, Events: 5 * 6, Transitions: 5 * 3, ProfileVersions: 5 * 7}
	if sum.Took <= 0 {
		t.Errorf("took %v", sum.Took)
	}
	sum.Took = 0
	if *sum != want {
		t.Errorf("summary %+v, want %+v", *sum, want)
	}
	summaries, err := db.TrackSummaries(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	scale := 0
	for _, s := range summaries {
		if s.Meetings != sc.Meetings {
			continue // a demo track
		}
		scale++
		if s.Events != sc.Events || len(s.Transitions) != 1+sc.Events/sc.TransitionEvery || s.LastMeeting == nil || s.NextMeeting == nil {
			t.Errorf("track %q: %d events, %d transitions, last %v, next %v", s.Track.Title, s.Events, len(s.Transitions), s.LastMeeting, s.NextMeeting)
		}
		if s.NextMeeting != nil && s.NextMeeting.Title != "Round 28" {
			t.Errorf("track %q: the next meeting is %q, want Round 28", s.Track.Title, s.NextMeeting.Title)
		}
		tl, err := db.Timeline(ctx, s.Track.ID, parley.TimelinePage{Limit: parley.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(tl.Entries); n != sc.Meetings+sc.Events+len(s.Transitions) {
			t.Errorf("track %q: %d timeline entries", s.Track.Title, n)
		}
		for _, p := range s.Track.Parties {
			if p.Role != parley.RolePrincipal {
				continue
			}
			h, err := db.FindProfileHistory(ctx, s.Track.ID, p.PartyID)
			if err != nil {
				t.Fatal(err)
			}
			latest, err := db.FindProfile(ctx, s.Track.ID, p.PartyID)
			if err != nil {
				t.Fatal(err)
			}
			if len(h) < sc.ProfileVersions/2 || latest.Version != len(h) {
				t.Errorf("track %q, party %d: %d versions, the latest %d", s.Track.Title, p.PartyID, len(h), latest.Version)
			}
		}
	}
	if scale != sc.Tracks {
		t.Errorf("%d scale tracks on the map, want %d", scale, sc.Tracks)
	}
}
