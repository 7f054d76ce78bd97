package web

import (
	"context"
	"net/http"
	"time"

	"github.com/parley-talks/parley"
)

// eventInput is the body of POST /api/v1/events.
type eventInput struct {
	OccurredAt  time.Time `json:"occurred_at"`
	Title       string    `json:"title"`
	Description string    `json:"description,omitempty"`
	Source      string    `json:"source,omitempty"`
	TrackIDs    []int64   `json:"track_ids,omitempty"`
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) error {
	trackID, err := queryID(r, "track_id")
	if err != nil {
		return err
	}
	return listPage(w, r, func(ctx context.Context, p parley.Page) ([]*parley.Event, int, error) {
		return s.store.FindEvents(ctx, parley.EventFilter{TrackID: trackID, Page: p})
	})
}

func (s *Server) getEvent(w http.ResponseWriter, r *http.Request) error {
	return getOne(w, r, s.store.FindEventByID)
}

// updateEvent changes an event; the guard checked that the caller may
// change every track it is linked to, and a new list of tracks is checked
// the same way.
func (s *Server) updateEvent(w http.ResponseWriter, r *http.Request) error {
	return patchOne(w, r, func(ctx context.Context, id int64, upd parley.EventUpdate) (*parley.Event, error) {
		if upd.TrackIDs != nil {
			if err := s.checkTracksInBody(r, "track_ids", *upd.TrackIDs); err != nil {
				return nil, err
			}
		}
		return s.store.UpdateEvent(ctx, id, upd)
	})
}

func (s *Server) createEvent(w http.ResponseWriter, r *http.Request) error {
	var in eventInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	e := &parley.Event{OccurredAt: in.OccurredAt, Title: in.Title, Description: in.Description, Source: in.Source, TrackIDs: in.TrackIDs}
	if e.TrackIDs == nil {
		e.TrackIDs = []int64{}
	}
	if err := s.checkTracksInBody(r, "track_ids", e.TrackIDs); err != nil {
		return err
	}
	if err := e.Validate(); err != nil {
		return err
	}
	if err := s.store.CreateEvent(r.Context(), e); err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/events", e.ID, e)
}
