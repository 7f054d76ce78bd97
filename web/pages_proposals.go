package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/parley-talks/parley"
)

// The proposals page of a track: every proposal the caller may read, with
// its package, rationale, the responses the caller may read and what the
// package is worth to each party whose profile the caller reads (the store
// applies the audience check to all three). A delegate writes for its
// party, a mediator for the mediators: the forms put a proposal, answer
// one, withdraw one, and (mediators) put a ballot.

type proposalsPage struct {
	pageBase
	Track     *parley.Track
	Proposals []proposalRow
	Themes    []*parley.Theme
	Parties   []profileLink // the track's principals
	Audiences []audienceChoice
	Writer    bool // the caller writes for a party or for the mediators
	Mediator  bool
	FormError string
	Form      map[string]string // the values of a refused form, to show again
}

type proposalRow struct {
	P           *parley.Proposal
	ID          int64
	Author      string
	Audience    string
	Status      parley.ProposalStatus
	Utilities   []namedUtility
	Responses   []responseRow
	CanWithdraw bool
}

type namedUtility struct {
	Party   string
	Utility float64
}

type responseRow struct {
	Party     string
	Kind      parley.ResponseKind
	CounterID *int64
	Reasons   string
}

// audienceChoice is an option of the forms' audience select.
type audienceChoice struct {
	Value parley.Audience
	Label string
}

// proposalForm puts a proposal: choice_<i> is the option of the i-th theme
// (in the agenda's order), empty for no position.
type proposalForm struct {
	CSRFToken string `json:"csrf_token"`
	Choice    string `json:"choice_0,omitempty"` // choice_0, choice_1, …: an option label or ""
	Audience  string `json:"audience"`
	Rationale string `json:"rationale,omitempty"`
}

// responseForm answers a proposal.
type responseForm struct {
	CSRFToken string `json:"csrf_token"`
	Kind      string `json:"kind"`                 // accept, reject or counter
	CounterID string `json:"counter_id,omitempty"` // for counter
	Reasons   string `json:"reasons,omitempty"`
	Audience  string `json:"audience"`
}

// ballotForm puts a ballot: the package as in proposalForm, the parties
// asked (party_id, repeated) and the deadline.
type ballotForm struct {
	CSRFToken string `json:"csrf_token"`
	Choice    string `json:"choice_0,omitempty"`
	PartyID   string `json:"party_id"` // repeated
	Deadline  string `json:"deadline"` // 2006-01-02T15:04, UTC
}

// audienceName says an audience in words.
func audienceName(a parley.Audience, names map[int64]string) string {
	if id, ok := a.PartyID(); ok {
		return names[id] + " and the mediators"
	}
	if a == parley.AudienceMediators {
		return "the mediators only"
	}
	return "everyone on the track"
}

func partyOrMediators(id *int64, names map[int64]string) string {
	if id == nil {
		return "the mediators"
	}
	return names[*id]
}

// writerParty is the party the caller writes for on a track: its own for a
// delegate, nil (the mediators) for anyone else; ok is false for a caller
// who writes for no one.
func writerParty(r *http.Request, trackID int64) (party *int64, ok bool) {
	c := parley.CallerFromContext(r.Context())
	if c.CanEditTrack(trackID) {
		return nil, true
	}
	if g := c.Grant(trackID); g != nil && g.Role == parley.MemberDelegate && g.PartyID != nil {
		return g.PartyID, true
	}
	return nil, false
}

// audiences are the audiences the caller may write to: a party's to the
// mediators or plenary, the mediators' to anyone.
func audiences(party *int64, principals []profileLink, names map[int64]string) []audienceChoice {
	if party != nil {
		return []audienceChoice{{parley.PartyAudience(*party), "the mediators (and my delegation)"}, {parley.AudiencePlenary, "everyone on the track"}}
	}
	out := []audienceChoice{{parley.AudienceMediators, "the mediators only"}, {parley.AudiencePlenary, "everyone on the track"}}
	for _, p := range principals {
		a := parley.PartyAudience(p.PartyID)
		out = append(out, audienceChoice{a, audienceName(a, names)})
	}
	return out
}

func principals(t *parley.Track, names map[int64]string) []profileLink {
	var out []profileLink
	for _, p := range t.Parties {
		if p.Role == parley.RolePrincipal {
			out = append(out, profileLink{PartyID: p.PartyID, Party: names[p.PartyID]})
		}
	}
	return out
}

func (s *Server) pageProposals(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderProposals(w, r, id, "", 0)
}

// renderProposals renders a track's proposals page; formErr and status
// report a refused form.
func (s *Server) renderProposals(w http.ResponseWriter, r *http.Request, id int64, formErr string, status int) error {
	ctx := r.Context()
	t, err := s.store.FindTrackByID(ctx, id)
	if err != nil {
		return err
	}
	ps, err := s.store.FindProposals(ctx, id)
	if err != nil {
		return err
	}
	names, err := s.partyNames(ctx)
	if err != nil {
		return err
	}
	themes, err := s.store.FindThemes(ctx, id)
	if err != nil {
		return err
	}
	data := &proposalsPage{pageBase: newBase(r, fmt.Sprintf("Proposals — %s", t.Title)), Track: t, Themes: sortedThemes(themes),
		Parties: principals(t, names), FormError: formErr}
	data.Status = status
	if formErr != "" {
		data.Form = map[string]string{}
		for k := range r.PostForm {
			if k != CSRFFormField {
				data.Form[k] = r.PostForm.Get(k)
			}
		}
	}
	party, writer := writerParty(r, id)
	c := parley.CallerFromContext(ctx)
	data.Writer, data.Mediator = writer, c.CanEditTrack(id)
	if writer {
		data.Audiences = audiences(party, data.Parties, names)
	}
	for _, p := range ps {
		row := proposalRow{P: p, ID: p.ID, Author: partyOrMediators(p.AuthorPartyID, names), Audience: audienceName(p.Audience, names), Status: p.Status}
		row.CanWithdraw = p.Status == parley.ProposalOpen && (data.Mediator || (party != nil && p.AuthorPartyID != nil && *p.AuthorPartyID == *party))
		us, err := s.store.ProposalUtilities(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, u := range us {
			row.Utilities = append(row.Utilities, namedUtility{Party: names[u.PartyID], Utility: u.Utility})
		}
		rs, err := s.store.FindResponses(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, resp := range rs {
			row.Responses = append(row.Responses, responseRow{Party: partyOrMediators(resp.PartyID, names), Kind: resp.Kind, CounterID: resp.CounterID, Reasons: resp.Reasons})
		}
		data.Proposals = append(data.Proposals, row)
	}
	return s.render(w, "proposals", data)
}

// proposalsFailed re-renders the proposals page with the refusal of a form
// if the error is the client's (invalid, conflict); otherwise it returns it.
func (s *Server) proposalsFailed(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	switch parley.ErrorCode(err) {
	case parley.EINVALID, parley.ECONFLICT:
		return s.renderProposals(w, r, id, parley.ErrorMessage(err), statusOf(parley.ErrorCode(err)))
	}
	return err
}

// formPackage reads the package of a proposal or ballot form: choice_<i>
// for the i-th theme of the agenda, an empty value for no position.
func (s *Server) formPackage(r *http.Request, trackID int64) ([]parley.Choice, error) {
	themes, err := s.store.FindThemes(r.Context(), trackID)
	if err != nil {
		return nil, err
	}
	pkg := []parley.Choice{}
	for i, th := range sortedThemes(themes) {
		if v := r.PostForm.Get("choice_" + strconv.Itoa(i)); v != "" {
			pkg = append(pkg, parley.Choice{Theme: th.Name, Option: v})
		}
	}
	return pkg, nil
}

func (s *Server) pagePutProposal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	party, ok := writerParty(r, id)
	if !ok {
		return parley.Errorf(parley.EFORBIDDEN, "", "only a delegate or a mediator of the track puts a proposal")
	}
	pkg, err := s.formPackage(r, id)
	if err != nil {
		return err
	}
	p := &parley.Proposal{TrackID: id, AuthorPartyID: party, Audience: parley.Audience(r.PostForm.Get("audience")), Package: pkg,
		Rationale: strings.TrimSpace(r.PostForm.Get("rationale"))}
	if err := p.Validate(); err != nil {
		return s.proposalsFailed(w, r, id, err)
	}
	if err := s.store.CreateProposal(r.Context(), p); err != nil {
		return s.proposalsFailed(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/tracks/%d/proposals?done=proposal#proposal-%d", id, p.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) pageRespond(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	p, err := s.store.FindProposalByID(r.Context(), id)
	if err != nil {
		return err
	}
	party, ok := writerParty(r, p.TrackID)
	if !ok {
		return parley.Errorf(parley.EFORBIDDEN, "", "only a delegate or a mediator of the track answers a proposal")
	}
	f := r.PostForm
	resp := &parley.ProposalResponse{ProposalID: id, PartyID: party, Kind: parley.ResponseKind(f.Get("kind")),
		Reasons: strings.TrimSpace(f.Get("reasons")), Audience: parley.Audience(f.Get("audience"))}
	if v := f.Get("counter_id"); v != "" && resp.Kind == parley.ResponseCounter {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return s.proposalsFailed(w, r, p.TrackID, parley.Errorf(parley.EINVALID, "counter_id", "choose the counter-proposal from the list"))
		}
		resp.CounterID = &n
	}
	if err := resp.Validate(); err != nil {
		return s.proposalsFailed(w, r, p.TrackID, err)
	}
	if err := s.store.CreateResponse(r.Context(), resp); err != nil {
		return s.proposalsFailed(w, r, p.TrackID, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/tracks/%d/proposals?done=response#proposal-%d", p.TrackID, id), http.StatusSeeOther)
	return nil
}

func (s *Server) pageWithdraw(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	p, err := s.store.WithdrawProposal(r.Context(), id)
	if err != nil {
		if parley.ErrorCode(err) == parley.ECONFLICT || parley.ErrorCode(err) == parley.EINVALID {
			if found, ferr := s.store.FindProposalByID(r.Context(), id); ferr == nil {
				return s.proposalsFailed(w, r, found.TrackID, err)
			}
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/tracks/%d/proposals?done=withdrawn#proposal-%d", p.TrackID, id), http.StatusSeeOther)
	return nil
}

func (s *Server) pagePutBallot(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	pkg, err := s.formPackage(r, id)
	if err != nil {
		return err
	}
	b := &parley.Ballot{TrackID: id, Package: pkg}
	for _, v := range r.PostForm["party_id"] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return s.proposalsFailed(w, r, id, parley.Errorf(parley.EINVALID, "party_id", "choose the parties from the list"))
		}
		if !slices.Contains(b.PartyIDs, n) {
			b.PartyIDs = append(b.PartyIDs, n)
		}
	}
	if b.Deadline, err = formTime("deadline", r.PostForm.Get("deadline")); err != nil {
		return s.proposalsFailed(w, r, id, err)
	}
	if err := b.Validate(); err != nil {
		return s.proposalsFailed(w, r, id, err)
	}
	if err := s.store.CreateBallot(r.Context(), b); err != nil {
		return s.proposalsFailed(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/ballots/%d?done=ballot", b.ID), http.StatusSeeOther)
	return nil
}
