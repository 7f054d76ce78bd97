package desk

import (
	"context"
	"fmt"
	"net/http"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/export"
	"github.com/parley-talks/parley/web/route"
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

	ResponseKinds []responseKind // the answer form's choices
}

// responseKind is a choice of the answer form.
type responseKind struct {
	Value parley.ResponseKind
	Label string
}

// responseKinds are the answer form's choices in p's language.
func responseKinds(p *i18n.Printer) []responseKind {
	return []responseKind{{parley.ResponseAccept, p.T("answer::accept")}, {parley.ResponseReject, p.T("answer::reject")},
		{parley.ResponseCounter, p.T("counter with another proposal")}}
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
	Package     *packageNote // nil unless it is part of a cross-track package
}

// packageNote is what the caller reads of a cross-track package a proposal
// is part of: the other parts it reads, and only the number of the rest.
type packageNote struct {
	Others []packageOther
	Hidden int
}

type packageOther struct {
	TrackID int64
	Track   *parley.Track
	Package []parley.Choice
	Outcome parley.BallotOutcome // of a cross-track ballot's part; "" for a proposal's
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

func partyOrMediators(p *i18n.Printer, id *int64, names map[int64]string) string {
	if id == nil {
		return p.T("the mediators")
	}
	return names[*id]
}

// audiences are the audiences the caller may write to: a party's to the
// mediators or plenary, the mediators' to anyone.
func audiences(p *i18n.Printer, party *int64, principals []profileLink, names map[int64]string) []audienceChoice {
	if party != nil {
		return []audienceChoice{{parley.PartyAudience(*party), p.T("the mediators (and my delegation)")}, {parley.AudiencePlenary, p.T("everyone on the track")}}
	}
	out := []audienceChoice{{parley.AudienceMediators, p.T("the mediators only")}, {parley.AudiencePlenary, p.T("everyone on the track")}}
	for _, pr := range principals {
		a := parley.PartyAudience(pr.PartyID)
		out = append(out, audienceChoice{a, export.Audience(p, a, names)})
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

func (d *Desk) showProposals(w http.ResponseWriter, r *http.Request) error {
	return d.renderProposalsOfTrack(w, r, nil, 0)
}

// renderProposalsOfTrack renders the proposals page of the track in the path; ref
// and status report a refused form.
func (d *Desk) renderProposalsOfTrack(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	return d.renderProposals(w, r, id, ref, status)
}

// renderProposalsOfProposal renders the proposals page of the track of the
// proposal in the path: the page its forms are on.
func (d *Desk) renderProposalsOfProposal(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := d.store.FindProposalByID(r.Context(), id)
	if err != nil {
		return err
	}
	return d.renderProposals(w, r, p.TrackID, ref, status)
}

func (d *Desk) renderProposals(w http.ResponseWriter, r *http.Request, id int64, ref *Refusal, status int) error {
	ctx := r.Context()
	t, err := d.store.FindTrackByID(ctx, id)
	if err != nil {
		return err
	}
	ps, err := d.store.FindProposals(ctx, id)
	if err != nil {
		return err
	}
	names, err := d.actions.PartyNames(ctx)
	if err != nil {
		return err
	}
	themes, err := d.store.FindThemes(ctx, id)
	if err != nil {
		return err
	}
	acc := accessTo(ctx, id)
	data := &proposalsPage{pageBase: newBase(r, i18n.M("Proposals — {track}", "track", t.Title)), Track: t, Themes: action.SortedThemes(themes),
		Parties: principals(t, names), Mediator: acc.Mediator()}
	data.ResponseKinds = responseKinds(data.p)
	data.Refusal, data.Status = ref, status
	party, writer := acc.Party()
	data.Writer = writer
	if writer {
		data.Audiences = audiences(data.p, party, data.Parties, names)
	}
	for _, p := range ps {
		row := proposalRow{P: p, ID: p.ID, Author: partyOrMediators(data.p, p.AuthorPartyID, names), Audience: export.Audience(data.p, p.Audience, names), Status: p.Status}
		row.CanWithdraw = p.Status == parley.ProposalOpen && (data.Mediator || (party != nil && p.AuthorPartyID != nil && *p.AuthorPartyID == *party))
		us, err := d.store.ProposalUtilities(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, u := range us {
			row.Utilities = append(row.Utilities, namedUtility{Party: names[u.PartyID], Utility: u.Utility})
		}
		if row.Package, err = d.packageNote(ctx, p); err != nil {
			return err
		}
		rs, err := d.store.FindResponses(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, resp := range rs {
			row.Responses = append(row.Responses, responseRow{Party: partyOrMediators(data.p, resp.PartyID, names), Kind: resp.Kind, CounterID: resp.CounterID, Reasons: resp.Reasons})
		}
		data.Proposals = append(data.Proposals, row)
	}
	return d.render(w, "proposals", data)
}

// writer is the party the caller writes for on the track, or refusal for
// a caller who writes for no one.
func writer(r *http.Request, trackID int64, refusal error) (*int64, error) {
	party, ok := accessTo(r.Context(), trackID).Party()
	if !ok {
		return nil, refusal
	}
	return party, nil
}

func (d *Desk) putProposal(r *http.Request, id int64, in *action.ProposalInput) (string, error) {
	party, err := writer(r, id, parley.Errorf(parley.EFORBIDDEN, "", "only a delegate or a mediator of the track puts a proposal"))
	if err != nil {
		return "", err
	}
	in.AuthorPartyID = party
	p, err := d.actions.PutProposal(r.Context(), id, *in)
	if err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/tracks/%d/proposals", id), "proposal", fmt.Sprintf("proposal-%d", p.ID)), nil
}

func (d *Desk) respond(r *http.Request, id int64, in *action.ResponseInput) (string, error) {
	p, err := d.store.FindProposalByID(r.Context(), id)
	if err != nil {
		return "", err
	}
	if in.PartyID, err = writer(r, p.TrackID, parley.Errorf(parley.EFORBIDDEN, "", "only a delegate or a mediator of the track answers a proposal")); err != nil {
		return "", err
	}
	if in.Kind != parley.ResponseCounter {
		in.CounterID = nil // the form's counter select is for counters only
	}
	if _, err := d.actions.Respond(r.Context(), id, *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/tracks/%d/proposals", p.TrackID), "response", fmt.Sprintf("proposal-%d", id)), nil
}

func (d *Desk) withdraw(r *http.Request, id int64, in *action.ProposalUpdate) (string, error) {
	p, err := d.actions.WithdrawProposal(r.Context(), id, *in)
	if err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/tracks/%d/proposals", p.TrackID), "withdrawn", fmt.Sprintf("proposal-%d", id)), nil
}

func (d *Desk) putBallot(r *http.Request, id int64, in *action.BallotInput) (string, error) {
	b, err := d.actions.PutBallot(r.Context(), id, *in)
	if err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/ballots/%d", b.ID), "ballot"), nil
}

// packageNote reads the cross-track package p is part of, as the caller
// reads it (the store's audience check on every part); nil for none.
func (d *Desk) packageNote(ctx context.Context, p *parley.Proposal) (*packageNote, error) {
	pkg, err := d.store.FindPackage(ctx, p.ID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var others []packageOther
	for _, part := range pkg.Parts {
		if part.ID != p.ID {
			others = append(others, packageOther{TrackID: part.TrackID, Package: part.Package})
		}
	}
	return d.crossTrackNote(ctx, others, pkg.Hidden)
}

// crossTrackNote completes the note of a cross-track package or ballot:
// the other parts the caller reads, each with its track, and the number
// of those it does not.
func (d *Desk) crossTrackNote(ctx context.Context, others []packageOther, hidden int) (*packageNote, error) {
	for i := range others {
		t, err := d.store.FindTrackByID(ctx, others[i].TrackID)
		if err != nil {
			return nil, err
		}
		others[i].Track = t
	}
	return &packageNote{Others: others, Hidden: hidden}, nil
}
