package web

import (
	"net/http"

	"github.com/parley-talks/parley"
)

// partyInput is the body of POST /api/v1/parties.
type partyInput struct {
	Name string           `json:"name"`
	Kind parley.PartyKind `json:"kind"`
}

func (s *Server) listParties(w http.ResponseWriter, r *http.Request) error {
	return listPage(w, r, s.store.FindParties)
}

func (s *Server) getParty(w http.ResponseWriter, r *http.Request) error {
	return getOne(w, r, s.store.FindPartyByID)
}

func (s *Server) updateParty(w http.ResponseWriter, r *http.Request) error {
	return patchOne(w, r, s.store.UpdateParty)
}

func (s *Server) createParty(w http.ResponseWriter, r *http.Request) error {
	var in partyInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	p := &parley.Party{Name: in.Name, Kind: in.Kind}
	if err := p.Validate(); err != nil {
		return err
	}
	if err := s.store.CreateParty(r.Context(), p); err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/parties", p.ID, p)
}
