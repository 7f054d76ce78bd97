package web

import (
	"net/http"

	"github.com/parley-talks/parley"
)

// venueInput is the body of POST /api/v1/venues.
type venueInput struct {
	Name    string `json:"name"`
	City    string `json:"city"`
	Country string `json:"country,omitempty"`
}

func (s *Server) listVenues(w http.ResponseWriter, r *http.Request) error {
	return listPage(w, r, s.store.FindVenues)
}

func (s *Server) getVenue(w http.ResponseWriter, r *http.Request) error {
	return getOne(w, r, s.store.FindVenueByID)
}

func (s *Server) updateVenue(w http.ResponseWriter, r *http.Request) error {
	return patchOne(w, r, s.store.UpdateVenue)
}

func (s *Server) createVenue(w http.ResponseWriter, r *http.Request) error {
	var in venueInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	v := &parley.Venue{Name: in.Name, City: in.City, Country: in.Country}
	if err := v.Validate(); err != nil {
		return err
	}
	if err := s.store.CreateVenue(r.Context(), v); err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/venues", v.ID, v)
}
