package storetest

import (
	"testing"
	"time"

	"github.com/parley-talks/parley"
)

func testMeetings(t *testing.T, s parley.Store) {
	w := NewWorld(t, s)
	other := newTrack(t, s, "Prisoner exchanges", parley.StatusActive)
	kyiv := time.FixedZone("EEST", 3*3600)
	starts := time.Date(2024, 3, 1, 10, 0, 0, 999, kyiv)
	ends := starts.Add(3 * time.Hour)
	m := &parley.Meeting{
		TrackID: w.Track.ID, VenueID: &w.Jeddah.ID, Title: "Plenary in Jeddah", Format: parley.FormatPlenary,
		StartsAt: starts, EndsAt: &ends, Outcome: "Agreed to meet again.",
		Attendees: []parley.Attendee{
			{PartyID: w.Russia.ID}, {PartyID: w.Ukraine.ID, Name: "Andriy"}, {PartyID: w.Ukraine.ID, Name: "Olena"}, {PartyID: w.Qatar.ID}, {PartyID: w.UN.ID},
		},
	}
	must(t, s.CreateMeeting(ctx, m))
	if m.ID <= 0 || !m.StartsAt.Equal(starts.Truncate(time.Microsecond)) || m.StartsAt.Location() != time.UTC || m.CreatedAt.IsZero() {
		t.Fatalf("after create: %+v", m)
	}
	got, err := s.FindMeetingByID(ctx, m.ID)
	must(t, err)
	diff(t, "found meeting", m, got)

	// No venue, no end, no attendees.
	caucus := &parley.Meeting{TrackID: other.ID, Title: "Caucus", Format: parley.FormatCaucus, StartsAt: starts}
	must(t, s.CreateMeeting(ctx, caucus))
	got, err = s.FindMeetingByID(ctx, caucus.ID)
	must(t, err)
	diff(t, "found caucus", caucus, got)
	if got.Attendees == nil || got.VenueID != nil || got.EndsAt != nil {
		t.Errorf("caucus: %+v", got)
	}

	// Ordered by start, then ID.
	all, total, err := s.FindMeetings(ctx, parley.MeetingFilter{})
	must(t, err)
	diff(t, "meetings", []*parley.Meeting{m, caucus, w.Meeting}, all)
	if total != 3 {
		t.Errorf("total = %d, want 3", total)
	}
	mine, total, err := s.FindMeetings(ctx, parley.MeetingFilter{TrackID: w.Track.ID})
	must(t, err)
	diff(t, "meetings of the track", []*parley.Meeting{m, w.Meeting}, mine)
	if total != 2 {
		t.Errorf("track total = %d, want 2", total)
	}
	doha, total, err := s.FindMeetings(ctx, parley.MeetingFilter{VenueID: w.Doha.ID})
	must(t, err)
	diff(t, "meetings in Doha", []*parley.Meeting{w.Meeting}, doha)
	if total != 1 {
		t.Errorf("venue total = %d, want 1", total)
	}
	both, _, err := s.FindMeetings(ctx, parley.MeetingFilter{TrackID: other.ID, VenueID: w.Doha.ID})
	must(t, err)
	if len(both) != 0 {
		t.Errorf("meetings of the other track in Doha: %v", both)
	}

	// Updates: clear the venue and the end, replace the attendees.
	later := starts.Add(24 * time.Hour)
	up, err := s.UpdateMeeting(ctx, m.ID, parley.MeetingUpdate{
		VenueID: ptr[*int64](nil), EndsAt: ptr[*time.Time](nil), StartsAt: &later, Format: ptr(parley.FormatShuttle),
		Attendees: &[]parley.Attendee{{PartyID: w.Qatar.ID, Name: "Mediator"}}, Title: ptr("Shuttle"), Outcome: ptr("Prisoner lists exchanged."),
	})
	must(t, err)
	got, err = s.FindMeetingByID(ctx, m.ID)
	must(t, err)
	diff(t, "updated meeting", up, got)
	if got.VenueID != nil || got.EndsAt != nil || !got.StartsAt.Equal(later.Truncate(time.Microsecond)) || got.Format != parley.FormatShuttle || len(got.Attendees) != 1 || got.Title != "Shuttle" {
		t.Errorf("after update: %+v", got)
	}
	up, err = s.UpdateMeeting(ctx, m.ID, parley.MeetingUpdate{VenueID: ptr(&w.Doha.ID), Attendees: &[]parley.Attendee{}})
	must(t, err)
	if up.VenueID == nil || *up.VenueID != w.Doha.ID || len(up.Attendees) != 0 || up.Title != "Shuttle" {
		t.Errorf("after second update: %+v", up)
	}
}

func testMeetingErrors(t *testing.T, s parley.Store) {
	w := NewWorld(t, s)
	valid := func() parley.Meeting {
		return parley.Meeting{TrackID: w.Track.ID, Title: "Meeting", Format: parley.FormatPlenary, StartsAt: day}
	}
	with := func(f func(m *parley.Meeting)) func() error {
		return func() error { m := valid(); f(&m); return s.CreateMeeting(ctx, &m) }
	}
	update := func(id int64, upd parley.MeetingUpdate) func() error {
		return func() error { _, err := s.UpdateMeeting(ctx, id, upd); return err }
	}
	early := day.Add(-time.Hour)
	many := make([]parley.Attendee, parley.MaxAttendees+1)
	for i := range many {
		many[i] = parley.Attendee{PartyID: w.Qatar.ID, Name: string(rune('a'+i%26)) + string(rune('a'+i/26))}
	}
	checkRefusals(t, s, []refusal{
		{"unknown track", parley.EINVALID, "track_id", []string{"track 999 does not exist"}, with(func(m *parley.Meeting) { m.TrackID = 999 })},
		{"unknown venue", parley.EINVALID, "venue_id", []string{"venue 999 does not exist"}, with(func(m *parley.Meeting) { m.VenueID = ptr[int64](999) })},
		{"unknown attendee", parley.EINVALID, "attendees.party_id", []string{"party 999 does not exist"},
			with(func(m *parley.Meeting) { m.Attendees = []parley.Attendee{{PartyID: w.Qatar.ID}, {PartyID: 999}} })},
		{"attendee twice", parley.EINVALID, "attendees", nil,
			with(func(m *parley.Meeting) { m.Attendees = []parley.Attendee{{PartyID: w.Qatar.ID}, {PartyID: w.Qatar.ID}} })},
		{"too many attendees", parley.EINVALID, "attendees", nil, with(func(m *parley.Meeting) { m.Attendees = many })},
		{"overlong attendee name", parley.EINVALID, "attendees.name", nil,
			with(func(m *parley.Meeting) { m.Attendees = []parley.Attendee{{PartyID: w.Qatar.ID, Name: longName}} })},
		{"missing title", parley.EINVALID, "title", nil, with(func(m *parley.Meeting) { m.Title = "" })},
		{"bad UTF-8 title", parley.EINVALID, "title", nil, with(func(m *parley.Meeting) { m.Title = badUTF8 })},
		{"unknown format", parley.EINVALID, "format", nil, with(func(m *parley.Meeting) { m.Format = "dinner" })},
		{"missing start", parley.EINVALID, "starts_at", nil, with(func(m *parley.Meeting) { m.StartsAt = time.Time{} })},
		{"end before start", parley.EINVALID, "ends_at", nil, with(func(m *parley.Meeting) { m.EndsAt = &early })},
		{"overlong outcome", parley.EINVALID, "outcome", nil, with(func(m *parley.Meeting) { m.Outcome = longText })},
		{"update unknown", parley.ENOTFOUND, "", []string{"meeting 999 not found"}, update(999, parley.MeetingUpdate{Title: ptr("X")})},
		{"update to unknown venue", parley.EINVALID, "venue_id", nil, update(w.Meeting.ID, parley.MeetingUpdate{VenueID: ptr(ptr[int64](999))})},
		{"update to unknown attendee", parley.EINVALID, "attendees.party_id", nil,
			update(w.Meeting.ID, parley.MeetingUpdate{Attendees: &[]parley.Attendee{{PartyID: 999}}})},
		{"update end before start", parley.EINVALID, "ends_at", nil,
			update(w.Meeting.ID, parley.MeetingUpdate{EndsAt: ptr(ptr(w.Meeting.StartsAt.Add(-time.Second)))})},
		{"update blank title", parley.EINVALID, "title", nil, update(w.Meeting.ID, parley.MeetingUpdate{Title: ptr("")})},
	})
	_, err := s.FindMeetingByID(ctx, 999)
	checkErr(t, err, parley.ENOTFOUND, "")
}
