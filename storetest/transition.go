package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
)

// legal is the lifecycle of issue 2, written out independently of the root
// package's table: exploratory → active ⇄ paused; active, paused →
// suspended, collapsed, concluded; suspended → active.
var legal = map[[2]parley.Status]bool{
	{parley.StatusExploratory, parley.StatusActive}: true,
	{parley.StatusActive, parley.StatusPaused}:      true,
	{parley.StatusActive, parley.StatusSuspended}:   true,
	{parley.StatusActive, parley.StatusCollapsed}:   true,
	{parley.StatusActive, parley.StatusConcluded}:   true,
	{parley.StatusPaused, parley.StatusActive}:      true,
	{parley.StatusPaused, parley.StatusSuspended}:   true,
	{parley.StatusPaused, parley.StatusCollapsed}:   true,
	{parley.StatusPaused, parley.StatusConcluded}:   true,
	{parley.StatusSuspended, parley.StatusActive}:   true,
}

// testTrackTransitions tries every pair of statuses on a track created in
// the first status.
func testTrackTransitions(t *testing.T, s parley.Store) {
	for _, from := range parley.Statuses {
		for _, to := range parley.Statuses {
			t.Run(fmt.Sprintf("%s to %s", from, to), func(t *testing.T) {
				tr := newTrack(t, s, fmt.Sprintf("Track %s to %s", from, to), from)
				history, err := s.FindTransitions(ctx, tr.ID)
				must(t, err)
				req := parley.TransitionRequest{To: to, Reason: "a reason"}
				if !legal[[2]parley.Status{from, to}] {
					before := Snapshot(t, s)
					_, err := s.TransitionTrack(ctx, tr.ID, req)
					checkErr(t, err, parley.ECONFLICT, "status")
					msg := parley.ErrorMessage(err)
					if !strings.Contains(msg, string(from)) || !strings.Contains(msg, string(to)) {
						t.Errorf("message %q does not name both %s and %s", msg, from, to)
					}
					diff(t, "state after refusal", before, Snapshot(t, s))
					return
				}
				got, err := s.TransitionTrack(ctx, tr.ID, req)
				must(t, err)
				if got.ID <= 0 || got.TrackID != tr.ID || got.From != from || got.To != to || got.Reason != "a reason" || got.ActorID != nil || got.EventID != nil {
					t.Errorf("transition = %+v", got)
				}
				after, err := s.FindTransitions(ctx, tr.ID)
				must(t, err)
				diff(t, "history", append(history, got), after)
				found, err := s.FindTrackByID(ctx, tr.ID)
				must(t, err)
				if found.Status != to {
					t.Errorf("status = %s after the transition, want %s", found.Status, to)
				}
			})
		}
	}
}

// testTransitionDetails follows one track through a history with actors,
// events and explicit times.
func testTransitionDetails(t *testing.T, s parley.Store) {
	w := NewWorld(t, s)
	actx := parley.NewContextWithActor(ctx, w.Mediator.ID)
	at := day.Add(time.Hour).Add(789 * time.Nanosecond)
	paused, err := s.TransitionTrack(actx, w.Track.ID, parley.TransitionRequest{
		To: parley.StatusPaused, Reason: "paused after the Kursk offensive", EventID: &w.Event.ID, At: &at,
	})
	must(t, err)
	want := &parley.Transition{ID: paused.ID, TrackID: w.Track.ID, From: parley.StatusActive, To: parley.StatusPaused,
		Reason: "paused after the Kursk offensive", EventID: &w.Event.ID, ActorID: &w.Mediator.ID, At: at.Truncate(time.Microsecond)}
	diff(t, "transition", want, paused)

	// The same instant as the last transition is allowed; the default time is now.
	resumed, err := s.TransitionTrack(ctx, w.Track.ID, parley.TransitionRequest{To: parley.StatusActive, Reason: "talks resume", At: &at})
	must(t, err)
	before := parley.Now()
	concluded, err := s.TransitionTrack(actx, w.Track.ID, parley.TransitionRequest{To: parley.StatusConcluded, Reason: maxText})
	must(t, err)
	if concluded.At.Before(before) || concluded.At.After(parley.Now()) {
		t.Errorf("default time %v is not now", concluded.At)
	}
	history, err := s.FindTransitions(ctx, w.Track.ID)
	must(t, err)
	if len(history) != 4 {
		t.Fatalf("history has %d entries, want 4", len(history))
	}
	diff(t, "history", []*parley.Transition{paused, resumed, concluded}, history[1:])
	for i := 1; i < len(history); i++ {
		if history[i].From != history[i-1].To {
			t.Errorf("transition %d starts from %s, but the one before ended in %s", i, history[i].From, history[i-1].To)
		}
	}
	tr, err := s.FindTrackByID(ctx, w.Track.ID)
	must(t, err)
	if tr.Status != parley.StatusConcluded {
		t.Errorf("status = %s, want concluded", tr.Status)
	}
}

func testTransitionErrors(t *testing.T, s parley.Store) {
	w := NewWorld(t, s)
	last := day.Add(2 * time.Hour)
	_, err := s.TransitionTrack(ctx, w.Track.ID, parley.TransitionRequest{To: parley.StatusPaused, Reason: "pause", At: &last})
	must(t, err)
	move := func(id int64, req parley.TransitionRequest) func() error {
		return func() error { _, err := s.TransitionTrack(ctx, id, req); return err }
	}
	earlier := last.Add(-time.Microsecond)
	checkRefusals(t, s, []refusal{
		{"unknown track", parley.ENOTFOUND, "", []string{"track 999 not found"}, move(999, parley.TransitionRequest{To: parley.StatusActive, Reason: "r"})},
		{"illegal", parley.ECONFLICT, "status", []string{"paused", "exploratory"}, move(w.Track.ID, parley.TransitionRequest{To: parley.StatusExploratory, Reason: "r"})},
		{"to itself", parley.ECONFLICT, "status", []string{"paused"}, move(w.Track.ID, parley.TransitionRequest{To: parley.StatusPaused, Reason: "r"})},
		{"unknown status", parley.EINVALID, "to", nil, move(w.Track.ID, parley.TransitionRequest{To: "dormant", Reason: "r"})},
		{"missing status", parley.EINVALID, "to", nil, move(w.Track.ID, parley.TransitionRequest{Reason: "r"})},
		{"missing reason", parley.EINVALID, "reason", nil, move(w.Track.ID, parley.TransitionRequest{To: parley.StatusActive, Reason: " "})},
		{"overlong reason", parley.EINVALID, "reason", nil, move(w.Track.ID, parley.TransitionRequest{To: parley.StatusActive, Reason: longText})},
		{"bad UTF-8 reason", parley.EINVALID, "reason", nil, move(w.Track.ID, parley.TransitionRequest{To: parley.StatusActive, Reason: badUTF8})},
		{"unknown event", parley.EINVALID, "event_id", []string{"event 999 does not exist"},
			move(w.Track.ID, parley.TransitionRequest{To: parley.StatusActive, Reason: "r", EventID: ptr[int64](999)})},
		{"bad event id", parley.EINVALID, "event_id", nil, move(w.Track.ID, parley.TransitionRequest{To: parley.StatusActive, Reason: "r", EventID: ptr[int64](0)})},
		{"before the last transition", parley.EINVALID, "at", nil, move(w.Track.ID, parley.TransitionRequest{To: parley.StatusActive, Reason: "r", At: &earlier})},
		{"unknown actor", parley.EINVALID, "actor_id", nil, func() error {
			_, err := s.TransitionTrack(parley.NewContextWithActor(ctx, 999), w.Track.ID, parley.TransitionRequest{To: parley.StatusActive, Reason: "r"})
			return err
		}},
	})
	_, err = s.FindTransitions(ctx, 999)
	checkErr(t, err, parley.ENOTFOUND, "")
}
