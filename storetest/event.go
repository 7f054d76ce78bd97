package storetest

import (
	"testing"
	"time"

	"github.com/parley-talks/parley"
)

func testEvents(t *testing.T, s parley.Store) {
	w := NewWorld(t, s)
	other := newTrack(t, s, "Black Sea grain corridor", parley.StatusActive)
	at := time.Date(2023, 7, 17, 0, 0, 0, 1, time.FixedZone("MSK", 3*3600))
	e := &parley.Event{OccurredAt: at, Title: "Russia leaves the grain deal", Description: maxText, Source: "UN", TrackIDs: []int64{other.ID, w.Track.ID}}
	must(t, s.CreateEvent(ctx, e))
	if e.ID <= 0 || !e.OccurredAt.Equal(at.Truncate(time.Microsecond)) || e.OccurredAt.Location() != time.UTC {
		t.Fatalf("after create: %+v", e)
	}
	got, err := s.FindEventByID(ctx, e.ID)
	must(t, err)
	diff(t, "found event", e, got)

	unlinked := &parley.Event{OccurredAt: at, Title: "Summit"}
	must(t, s.CreateEvent(ctx, unlinked))
	all, total, err := s.FindEvents(ctx, parley.EventFilter{})
	must(t, err)
	diff(t, "events", []*parley.Event{e, unlinked, w.Event}, all)
	if total != 3 {
		t.Errorf("total = %d, want 3", total)
	}
	linked, total, err := s.FindEvents(ctx, parley.EventFilter{TrackID: other.ID})
	must(t, err)
	diff(t, "events of the other track", []*parley.Event{e}, linked)
	if total != 1 {
		t.Errorf("track total = %d, want 1", total)
	}

	up, err := s.UpdateEvent(ctx, e.ID, parley.EventUpdate{TrackIDs: &[]int64{w.Track.ID}, Title: ptr("Grain deal ends"), Source: ptr("")})
	must(t, err)
	got, err = s.FindEventByID(ctx, e.ID)
	must(t, err)
	diff(t, "updated event", up, got)
	if got.Title != "Grain deal ends" || got.Source != "" || len(got.TrackIDs) != 1 || got.Description != maxText {
		t.Errorf("after update: %+v", got)
	}
	linked, _, err = s.FindEvents(ctx, parley.EventFilter{TrackID: other.ID})
	must(t, err)
	if len(linked) != 0 {
		t.Errorf("events of the other track after unlinking: %v", linked)
	}
	later := day.Add(time.Hour)
	up, err = s.UpdateEvent(ctx, e.ID, parley.EventUpdate{OccurredAt: &later, Description: ptr("d")})
	must(t, err)
	all, _, err = s.FindEvents(ctx, parley.EventFilter{})
	must(t, err)
	diff(t, "events after moving one", []*parley.Event{unlinked, w.Event, up}, all)
}

func testEventErrors(t *testing.T, s parley.Store) {
	w := NewWorld(t, s)
	valid := func() parley.Event { return parley.Event{OccurredAt: day, Title: "E", TrackIDs: []int64{w.Track.ID}} }
	with := func(f func(e *parley.Event)) func() error {
		return func() error { e := valid(); f(&e); return s.CreateEvent(ctx, &e) }
	}
	update := func(id int64, upd parley.EventUpdate) func() error {
		return func() error { _, err := s.UpdateEvent(ctx, id, upd); return err }
	}
	checkRefusals(t, s, []refusal{
		{"unknown track", parley.EINVALID, "track_ids", []string{"track 999 does not exist"}, with(func(e *parley.Event) { e.TrackIDs = []int64{w.Track.ID, 999} })},
		{"track twice", parley.EINVALID, "track_ids", nil, with(func(e *parley.Event) { e.TrackIDs = []int64{w.Track.ID, w.Track.ID} })},
		{"missing time", parley.EINVALID, "occurred_at", nil, with(func(e *parley.Event) { e.OccurredAt = time.Time{} })},
		{"missing title", parley.EINVALID, "title", nil, with(func(e *parley.Event) { e.Title = "" })},
		{"overlong title", parley.EINVALID, "title", nil, with(func(e *parley.Event) { e.Title = longName })},
		{"overlong description", parley.EINVALID, "description", nil, with(func(e *parley.Event) { e.Description = longText })},
		{"bad UTF-8 source", parley.EINVALID, "source", nil, with(func(e *parley.Event) { e.Source = badUTF8 })},
		{"update unknown", parley.ENOTFOUND, "", []string{"event 999 not found"}, update(999, parley.EventUpdate{Title: ptr("X")})},
		{"update to unknown track", parley.EINVALID, "track_ids", nil, update(w.Event.ID, parley.EventUpdate{TrackIDs: &[]int64{999}})},
		{"update blank title", parley.EINVALID, "title", nil, update(w.Event.ID, parley.EventUpdate{Title: ptr(" ")})},
		{"update zero time", parley.EINVALID, "occurred_at", nil, update(w.Event.ID, parley.EventUpdate{OccurredAt: &time.Time{}})},
	})
	_, err := s.FindEventByID(ctx, 999)
	checkErr(t, err, parley.ENOTFOUND, "")
}
