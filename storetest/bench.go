package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/parley-talks/parley"
)

// BenchCreateMeeting measures CreateMeeting with 5 attendees: one write
// transaction that checks the track, venue and parties and inserts the
// meeting and its attendees.
func BenchCreateMeeting(b *testing.B, s parley.Store) {
	w := NewWorld(b, s)
	attendees := []parley.Attendee{
		{PartyID: w.Qatar.ID, Name: "Mediator"},
		{PartyID: w.Ukraine.ID, Name: "Head of delegation"},
		{PartyID: w.Ukraine.ID, Name: "Adviser"},
		{PartyID: w.Russia.ID, Name: "Head of delegation"},
		{PartyID: w.UN.ID},
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m := &parley.Meeting{
			TrackID: w.Track.ID, VenueID: &w.Doha.ID, Title: "Proximity talks", Format: parley.FormatShuttle,
			StartsAt: day.Add(time.Duration(i) * time.Minute), Attendees: attendees,
		}
		if err := s.CreateMeeting(ctx, m); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// TimelineEntries is the number of transitions, of meetings and of events on
// the track that BenchReadTrack reads.
const TimelineEntries = 20

// BenchReadTrack measures reading a track (FindTrackByID: parties, venues,
// themes with options) and its timeline, for a track with TimelineEntries
// transitions, meetings (5 attendees each) and events.
func BenchReadTrack(b *testing.B, s parley.Store) {
	w := NewWorld(b, s)
	tr := w.Track
	status := parley.StatusActive
	for i := 0; i < TimelineEntries; i++ {
		at := day.Add(time.Duration(i) * time.Hour)
		e := &parley.Event{OccurredAt: at, Title: fmt.Sprintf("Event %d", i), TrackIDs: []int64{tr.ID}}
		if err := s.CreateEvent(ctx, e); err != nil {
			b.Fatal(err)
		}
		m := &parley.Meeting{TrackID: tr.ID, VenueID: &w.Doha.ID, Title: fmt.Sprintf("Meeting %d", i), Format: parley.FormatPlenary, StartsAt: at,
			Attendees: []parley.Attendee{{PartyID: w.Qatar.ID}, {PartyID: w.Ukraine.ID}, {PartyID: w.Russia.ID}, {PartyID: w.UN.ID}, {PartyID: w.Ukraine.ID, Name: "Adviser"}}}
		if err := s.CreateMeeting(ctx, m); err != nil {
			b.Fatal(err)
		}
		to := parley.StatusPaused
		if status == parley.StatusPaused {
			to = parley.StatusActive
		}
		if _, err := s.TransitionTrack(ctx, tr.ID, parley.TransitionRequest{To: to, Reason: "benchmark", EventID: &e.ID, At: &at}); err != nil {
			b.Fatal(err)
		}
		status = to
	}
	tl := wholeTimeline(b, s, tr.ID)
	b.ReportMetric(float64(len(tl)), "entries/op")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.FindTrackByID(ctx, tr.ID); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Timeline(ctx, tr.ID, parley.TimelinePage{Limit: parley.MaxLimit}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchCreateMeetingParallel is BenchCreateMeeting from 8 × GOMAXPROCS goroutines at
// once, as a busy server would write: it measures throughput, not latency.
func BenchCreateMeetingParallel(b *testing.B, s parley.Store) {
	w := NewWorld(b, s)
	attendees := []parley.Attendee{
		{PartyID: w.Qatar.ID, Name: "Mediator"},
		{PartyID: w.Ukraine.ID, Name: "Head of delegation"},
		{PartyID: w.Ukraine.ID, Name: "Adviser"},
		{PartyID: w.Russia.ID, Name: "Head of delegation"},
		{PartyID: w.UN.ID},
	}
	b.ReportAllocs()
	b.SetParallelism(8) // × GOMAXPROCS goroutines
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m := &parley.Meeting{
				TrackID: w.Track.ID, VenueID: &w.Doha.ID, Title: "Proximity talks", Format: parley.FormatShuttle,
				StartsAt: day, Attendees: attendees,
			}
			if err := s.CreateMeeting(ctx, m); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
