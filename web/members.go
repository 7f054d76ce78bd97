package web

import (
	"context"
	"net/http"

	"github.com/parley-talks/parley"
)

// memberInput is the body of POST /api/v1/tracks/{id}/members.
type memberInput struct {
	UserID  int64             `json:"user_id"`
	Role    parley.MemberRole `json:"role"`
	PartyID *int64            `json:"party_id,omitempty"`
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) error {
	return listOfTrack(w, r, s.store.FindMembers)
}

func (s *Server) getMember(w http.ResponseWriter, r *http.Request) error {
	return getOne(w, r, s.store.FindMemberByID)
}

func (s *Server) updateMember(w http.ResponseWriter, r *http.Request) error {
	return patchOne(w, r, s.store.UpdateMember)
}

func (s *Server) createMember(w http.ResponseWriter, r *http.Request) error {
	trackID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in memberInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	m := &parley.Member{TrackID: trackID, UserID: in.UserID, Role: in.Role, PartyID: in.PartyID}
	if err := m.Validate(); err != nil {
		return err
	}
	if err := s.store.CreateMember(r.Context(), m); err != nil {
		return trackInPath(err, trackID)
	}
	return writeCreated(w, "/api/v1/members", m.ID, m)
}

func (s *Server) deleteMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteMember(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listMemberships serves a user's grants on every track; 404 if there is no
// such user.
func (s *Server) listMemberships(w http.ResponseWriter, r *http.Request) error {
	return listOfTrack(w, r, func(ctx context.Context, userID int64) ([]*parley.Member, error) {
		if _, err := s.store.FindUserByID(ctx, userID); err != nil {
			return nil, err
		}
		return s.store.FindMembershipsOfUser(ctx, userID)
	})
}
