package web

import (
	"fmt"
	"net/http"

	"github.com/parley-talks/parley"
)

// The proposals page of a track: every proposal the caller may read, with
// its package, rationale, the responses the caller may read and what the
// package is worth to each party whose profile the caller reads (the store
// applies the audience check to all three).

type proposalsPage struct {
	pageBase
	Track     *parley.Track
	Proposals []proposalRow
}

type proposalRow struct {
	P         *parley.Proposal
	ID        int64
	Author    string
	Audience  string
	Status    parley.ProposalStatus
	Utilities []namedUtility
	Responses []responseRow
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

func (s *Server) pageProposals(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
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
	data := &proposalsPage{pageBase: newBase(r, fmt.Sprintf("Proposals — %s", t.Title)), Track: t}
	for _, p := range ps {
		row := proposalRow{P: p, ID: p.ID, Author: partyOrMediators(p.AuthorPartyID, names), Audience: audienceName(p.Audience, names), Status: p.Status}
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
