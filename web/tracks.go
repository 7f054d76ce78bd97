package web

import (
	"context"
	"net/http"

	"github.com/parley-talks/parley"
)

// trackInput is the body of POST /api/v1/tracks. A track starts exploratory
// unless status says otherwise.
type trackInput struct {
	Title    string              `json:"title"`
	Mandate  string              `json:"mandate,omitempty"`
	Status   parley.Status       `json:"status,omitempty"`
	Parties  []parley.TrackParty `json:"parties,omitempty"`
	VenueIDs []int64             `json:"venue_ids,omitempty"`
}

func (s *Server) listTracks(w http.ResponseWriter, r *http.Request) error {
	status := parley.Status(r.URL.Query().Get("status"))
	if status != "" && !status.Valid() {
		return parley.Errorf(parley.EINVALID, "status", "query parameter \"status\" must be a track status, not %q", status)
	}
	return listPage(w, r, func(ctx context.Context, p parley.Page) ([]*parley.Track, int, error) {
		return s.store.FindTracks(ctx, parley.TrackFilter{Status: status, Page: p})
	})
}

func (s *Server) getTrack(w http.ResponseWriter, r *http.Request) error {
	return getOne(w, r, s.store.FindTrackByID)
}

func (s *Server) updateTrack(w http.ResponseWriter, r *http.Request) error {
	return patchOne(w, r, s.store.UpdateTrack)
}

func (s *Server) createTrack(w http.ResponseWriter, r *http.Request) error {
	var in trackInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if in.Status != "" && !in.Status.Valid() {
		return parley.Errorf(parley.EINVALID, "status", "unknown status %q", in.Status)
	}
	t := &parley.Track{Title: in.Title, Mandate: in.Mandate, Status: in.Status, Parties: in.Parties, VenueIDs: in.VenueIDs}
	if t.Parties == nil {
		t.Parties = []parley.TrackParty{}
	}
	if t.VenueIDs == nil {
		t.VenueIDs = []int64{}
	}
	if err := t.Validate(); err != nil {
		return err
	}
	if err := s.store.CreateTrack(r.Context(), t); err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/tracks", t.ID, t)
}

// listTransitions serves a track's status history; 404 if there is no such
// track.
func (s *Server) listTransitions(w http.ResponseWriter, r *http.Request) error {
	return listOfTrack(w, r, func(ctx context.Context, id int64) ([]*parley.Transition, error) {
		if _, err := s.store.FindTrackByID(ctx, id); err != nil {
			return nil, err
		}
		return s.store.FindTransitions(ctx, id)
	})
}

func (s *Server) transitionTrack(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req parley.TransitionRequest
	if err := decodeBody(r, &req); err != nil {
		return err
	}
	if err := req.Validate(); err != nil {
		return err
	}
	tr, err := s.store.TransitionTrack(r.Context(), id, req)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, tr)
}

func (s *Server) timeline(w http.ResponseWriter, r *http.Request) error {
	return listOfTrack(w, r, s.store.Timeline)
}
