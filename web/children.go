package web

import (
	"net/http"
	"reflect"

	"github.com/parley-talks/parley"
)

// Children's return: cases of a track (personal data under the case's
// audience; the store answers only those who read it), their stages in
// order, and counts per stage without names for everyone who sees the
// track.

// childCaseInput is the body of a new case: the child and its first step.
type childCaseInput struct {
	Audience parley.Audience     `json:"audience"`
	Child    parley.ChildDetails `json:"child"`
	First    parley.ChildStep    `json:"first"`
}

func (s *Server) childRoutes() []route {
	const ok, created = http.StatusOK, http.StatusCreated
	return []route{
		{method: "GET", pattern: "/api/v1/tracks/{id}/children", policy: PolicyTrackReader, scope: scopeTrack, id: "listChildCases", summary: "The track's children's return cases that the caller may read",
			handle: s.listChildCases, query: pageParams, status: ok, resp: reflect.TypeFor[List[*parley.ChildCase]]()},
		{method: "POST", pattern: "/api/v1/tracks/{id}/children", policy: PolicyTrackEditor, scope: scopeTrack, id: "createChildCase", summary: "Open a child's return case at its first stage, identified (mediators)",
			handle: s.createChildCase, body: reflect.TypeFor[childCaseInput](), status: created, resp: reflect.TypeFor[parley.ChildCase]()},
		{method: "GET", pattern: "/api/v1/tracks/{id}/children/counts", policy: PolicyTrackReader, scope: scopeTrack, id: "countChildCases", summary: "The number of the track's cases at each stage, without names",
			handle: s.countChildCases, status: ok, resp: reflect.TypeFor[parley.ChildStageCounts]()},
		{method: "GET", pattern: "/api/v1/children/{id}", policy: PolicySignedIn, id: "getChildCase", summary: "A child's return case, if its audience includes the caller",
			handle: s.getChildCase, status: ok, resp: reflect.TypeFor[parley.ChildCase]()},
		{method: "POST", pattern: "/api/v1/children/{id}/stages", policy: PolicySignedIn, id: "advanceChildCase", summary: "Record a case's next stage with its date, source and verifier; no stage is skipped (mediators)",
			handle: s.advanceChildCase, body: reflect.TypeFor[parley.ChildStep](), status: ok, resp: reflect.TypeFor[parley.ChildCase]()},
	}
}

func (s *Server) listChildCases(w http.ResponseWriter, r *http.Request) error {
	return listOfTrack(w, r, s.store.FindChildCases)
}

func (s *Server) createChildCase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in childCaseInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	c := &parley.ChildCase{TrackID: id, Audience: in.Audience, Child: in.Child}
	if err := s.store.CreateChildCase(r.Context(), c, in.First); err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/children", c.ID, c)
}

func (s *Server) countChildCases(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	counts, err := s.store.ChildStageCounts(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, counts)
}

func (s *Server) getChildCase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.store.FindChildCaseByID(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (s *Server) advanceChildCase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in parley.ChildStep
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	c, err := s.store.AdvanceChildCase(r.Context(), id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}
