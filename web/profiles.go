package web

import (
	"net/http"

	"github.com/parley-talks/parley"
)

// Sealed profiles. The route policies apply the audience check
// (PolicyProfileReader, PolicyProfileEditor) and the store applies it again
// to everything it returns; a profile the caller may not read is 404 and
// absent from the list.

func (s *Server) profiles() parley.ProfileService { return s.store.(parley.ProfileService) }

func (s *Server) listProfiles(w http.ResponseWriter, r *http.Request) error {
	return listOfTrack(w, r, s.profiles().FindProfiles)
}

func (s *Server) getProfile(w http.ResponseWriter, r *http.Request) error {
	trackID, partyID, err := profilePath(r)
	if err != nil {
		return err
	}
	p, err := s.profiles().FindProfile(r.Context(), trackID, partyID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (s *Server) profileHistory(w http.ResponseWriter, r *http.Request) error {
	trackID, partyID, err := profilePath(r)
	if err != nil {
		return err
	}
	page, err := queryPage(r)
	if err != nil {
		return err
	}
	all, err := s.profiles().FindProfileHistory(r.Context(), trackID, partyID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageOf(all, page))
}

func (s *Server) putProfile(w http.ResponseWriter, r *http.Request) error {
	trackID, partyID, err := profilePath(r)
	if err != nil {
		return err
	}
	var content parley.ProfileContent
	if err := decodeBody(r, &content); err != nil {
		return err
	}
	p := &parley.Profile{TrackID: trackID, PartyID: partyID, Content: content}
	if err := s.profiles().PutProfile(r.Context(), p); err != nil {
		return trackInPath(err, trackID)
	}
	return writeJSON(w, http.StatusOK, p)
}

func profilePath(r *http.Request) (trackID, partyID int64, err error) {
	if trackID, err = pathID(r, "id"); err != nil {
		return 0, 0, err
	}
	partyID, err = pathID(r, "party_id")
	return trackID, partyID, err
}
