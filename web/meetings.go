package web

import (
	"context"
	"net/http"
	"time"

	"github.com/parley-talks/parley"
)

// meetingInput is the body of POST /api/v1/meetings.
type meetingInput struct {
	TrackID   int64                `json:"track_id"`
	VenueID   *int64               `json:"venue_id,omitempty"`
	Title     string               `json:"title"`
	Format    parley.MeetingFormat `json:"format"`
	StartsAt  time.Time            `json:"starts_at"`
	EndsAt    *time.Time           `json:"ends_at,omitempty"`
	Attendees []parley.Attendee    `json:"attendees,omitempty"`
	Outcome   string               `json:"outcome,omitempty"`
}

func (s *Server) listMeetings(w http.ResponseWriter, r *http.Request) error {
	trackID, err := queryID(r, "track_id")
	if err != nil {
		return err
	}
	venueID, err := queryID(r, "venue_id")
	if err != nil {
		return err
	}
	return listPage(w, r, func(ctx context.Context, p parley.Page) ([]*parley.Meeting, int, error) {
		return s.store.FindMeetings(ctx, parley.MeetingFilter{TrackID: trackID, VenueID: venueID, Page: p})
	})
}

func (s *Server) getMeeting(w http.ResponseWriter, r *http.Request) error {
	return getOne(w, r, s.store.FindMeetingByID)
}

func (s *Server) updateMeeting(w http.ResponseWriter, r *http.Request) error {
	return patchOne(w, r, s.store.UpdateMeeting)
}

func (s *Server) createMeeting(w http.ResponseWriter, r *http.Request) error {
	var in meetingInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if in.TrackID <= 0 {
		return parley.Errorf(parley.EINVALID, "track_id", "track_id must be a positive id")
	}
	if err := s.checkTracksInBody(r, "track_id", []int64{in.TrackID}); err != nil {
		return err
	}
	m := &parley.Meeting{TrackID: in.TrackID, VenueID: in.VenueID, Title: in.Title, Format: in.Format,
		StartsAt: in.StartsAt, EndsAt: in.EndsAt, Attendees: in.Attendees, Outcome: in.Outcome}
	if m.Attendees == nil {
		m.Attendees = []parley.Attendee{}
	}
	if err := m.Validate(); err != nil {
		return err
	}
	if err := s.store.CreateMeeting(r.Context(), m); err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/meetings", m.ID, m)
}
