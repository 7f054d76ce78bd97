package web

import (
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/parley-talks/parley"
)

// Proposals, their responses and ballots (the mediator's proposal with
// secret answers). The route policies let the track's members reach them;
// the store applies the audience check to every record and decides who
// writes on behalf of whom, so a record the caller may not read is absent
// from lists and 404 by id.

// proposalInput is the body of a new proposal.
type proposalInput struct {
	AuthorPartyID *int64          `json:"author_party_id,omitempty"`
	Audience      parley.Audience `json:"audience"`
	Package       []parley.Choice `json:"package"`
	Rationale     string          `json:"rationale"`
	Supersedes    *int64          `json:"supersedes,omitempty"`
}

// proposalUpdate is the one change a proposal admits: its withdrawal.
type proposalUpdate struct {
	Status parley.ProposalStatus `json:"status"` // withdrawn
}

// responseInput is the body of a new response.
type responseInput struct {
	PartyID   *int64              `json:"party_id,omitempty"`
	Kind      parley.ResponseKind `json:"kind"`
	CounterID *int64              `json:"counter_id,omitempty"`
	Reasons   string              `json:"reasons"`
	Audience  parley.Audience     `json:"audience"`
}

// ballotInput is the body of a new ballot.
type ballotInput struct {
	Package  []parley.Choice `json:"package"`
	PartyIDs []int64         `json:"party_ids"`
	Deadline time.Time       `json:"deadline"`
}

// answerInput is a party's secret answer to a ballot.
type answerInput struct {
	Answer string `json:"answer"` // accept or reject
}

func (s *Server) proposalRoutes() []route {
	const ok, created, noContent = http.StatusOK, http.StatusCreated, http.StatusNoContent
	return []route{
		{method: "GET", pattern: "/api/v1/tracks/{id}/proposals", policy: PolicyTrackReader, scope: scopeTrack, id: "listProposals", summary: "The track's proposals that the caller may read",
			handle: s.listProposals, query: pageParams, status: ok, resp: reflect.TypeFor[List[*parley.Proposal]]()},
		{method: "POST", pattern: "/api/v1/tracks/{id}/proposals", policy: PolicyTrackReader, scope: scopeTrack, id: "createProposal", summary: "Put forward a package on behalf of a party (its delegates, the mediators) or of the mediators",
			handle: s.createProposal, body: reflect.TypeFor[proposalInput](), status: created, resp: reflect.TypeFor[parley.Proposal]()},
		{method: "GET", pattern: "/api/v1/proposals/{id}", policy: PolicySignedIn, id: "getProposal", summary: "A proposal, if its audience includes the caller",
			handle: s.getProposal, status: ok, resp: reflect.TypeFor[parley.Proposal]()},
		{method: "PATCH", pattern: "/api/v1/proposals/{id}", policy: PolicySignedIn, id: "withdrawProposal", summary: "Withdraw an open proposal: status withdrawn (nothing is deleted)",
			handle: s.withdrawProposal, body: reflect.TypeFor[proposalUpdate](), status: ok, resp: reflect.TypeFor[parley.Proposal]()},
		{method: "GET", pattern: "/api/v1/proposals/{id}/responses", policy: PolicySignedIn, id: "listResponses", summary: "The proposal's responses that the caller may read",
			handle: s.listResponses, query: pageParams, status: ok, resp: reflect.TypeFor[List[*parley.ProposalResponse]]()},
		{method: "POST", pattern: "/api/v1/proposals/{id}/responses", policy: PolicySignedIn, id: "createResponse", summary: "Accept, reject or counter a proposal, with reasons and an audience",
			handle: s.createResponse, body: reflect.TypeFor[responseInput](), status: created, resp: reflect.TypeFor[parley.ProposalResponse]()},
		{method: "GET", pattern: "/api/v1/proposals/{id}/utilities", policy: PolicySignedIn, id: "getProposalUtilities", summary: "The proposal's utility for each party whose profile the caller reads",
			handle: s.proposalUtilities, status: ok, resp: reflect.TypeFor[[]parley.PartyUtility]()},

		{method: "GET", pattern: "/api/v1/tracks/{id}/concessions/{party_id}", policy: PolicyProfileReader, id: "listConcessions", summary: "Each of a party's proposals against its previous one: themes moved, toward whom, worth what to the party (its delegates and the mediators only)",
			handle: s.listConcessions, status: ok, resp: reflect.TypeFor[[]parley.Concession]()},

		{method: "GET", pattern: "/api/v1/tracks/{id}/ballots", policy: PolicyTrackReader, scope: scopeTrack, id: "listBallots", summary: "The track's ballots put to the caller's party (all, for mediators), with outcomes",
			handle: s.listBallots, query: pageParams, status: ok, resp: reflect.TypeFor[List[*parley.Ballot]]()},
		{method: "POST", pattern: "/api/v1/tracks/{id}/ballots", policy: PolicyTrackEditor, scope: scopeTrack, id: "createBallot", summary: "Put one package to several parties for secret answers",
			handle: s.createBallot, body: reflect.TypeFor[ballotInput](), status: created, resp: reflect.TypeFor[parley.Ballot]()},
		{method: "GET", pattern: "/api/v1/ballots/{id}", policy: PolicySignedIn, id: "getBallot", summary: "A ballot and its outcome: pending, accepted by all, or not accepted",
			handle: s.getBallot, status: ok, resp: reflect.TypeFor[parley.Ballot]()},
		{method: "POST", pattern: "/api/v1/ballots/{id}/answer", policy: PolicySignedIn, id: "answerBallot", summary: "Answer a ballot for the caller's party, in secret; the same empty response for either answer",
			handle: s.answerBallot, body: reflect.TypeFor[answerInput](), status: noContent},
	}
}

func (s *Server) listProposals(w http.ResponseWriter, r *http.Request) error {
	return listOfTrack(w, r, s.store.FindProposals)
}

func (s *Server) createProposal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in proposalInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	p := &parley.Proposal{TrackID: id, AuthorPartyID: in.AuthorPartyID, Audience: in.Audience, Package: in.Package, Rationale: in.Rationale, Supersedes: in.Supersedes}
	if err := s.store.CreateProposal(r.Context(), p); err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/proposals", p.ID, p)
}

func (s *Server) getProposal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.store.FindProposalByID(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (s *Server) withdrawProposal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in proposalUpdate
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if in.Status != parley.ProposalWithdrawn {
		return parley.Errorf(parley.EINVALID, "status", "a proposal can only be withdrawn (status withdrawn); to change it, supersede it")
	}
	p, err := s.store.WithdrawProposal(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (s *Server) listResponses(w http.ResponseWriter, r *http.Request) error {
	return listOfTrack(w, r, s.store.FindResponses)
}

func (s *Server) createResponse(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in responseInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	resp := &parley.ProposalResponse{ProposalID: id, PartyID: in.PartyID, Kind: in.Kind, CounterID: in.CounterID, Reasons: in.Reasons, Audience: in.Audience}
	if err := s.store.CreateResponse(r.Context(), resp); err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/proposals/"+strconv.FormatInt(id, 10)+"/responses", resp.ID, resp)
}

func (s *Server) proposalUtilities(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	us, err := s.store.ProposalUtilities(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, us)
}

func (s *Server) listConcessions(w http.ResponseWriter, r *http.Request) error {
	trackID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	partyID, err := pathID(r, "party_id")
	if err != nil {
		return err
	}
	cs, err := s.store.FindConcessions(r.Context(), trackID, partyID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, cs)
}

func (s *Server) listBallots(w http.ResponseWriter, r *http.Request) error {
	return listOfTrack(w, r, s.store.FindBallots)
}

func (s *Server) createBallot(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in ballotInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	b := &parley.Ballot{TrackID: id, Package: in.Package, PartyIDs: in.PartyIDs, Deadline: in.Deadline}
	if err := s.store.CreateBallot(r.Context(), b); err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/ballots", b.ID, b)
}

func (s *Server) getBallot(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := s.store.FindBallotByID(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, b)
}

// answerBallot answers for the caller's party on the ballot's track: a
// delegate answers for its own party only. The response is the same empty
// 204 for an accept and a reject.
func (s *Server) answerBallot(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in answerInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if in.Answer != "accept" && in.Answer != "reject" {
		return parley.Errorf(parley.EINVALID, "answer", "answer must be accept or reject")
	}
	b, err := s.store.FindBallotByID(r.Context(), id)
	if err != nil {
		return err
	}
	var party int64
	if g := parley.CallerFromContext(r.Context()).Grant(b.TrackID); g != nil && g.Role == parley.MemberDelegate && g.PartyID != nil {
		party = *g.PartyID
	}
	if party == 0 {
		return parley.Errorf(parley.EFORBIDDEN, "", "only a delegate of a party the ballot is put to answers it")
	}
	if err := s.store.AnswerBallot(r.Context(), id, party, in.Answer == "accept"); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
