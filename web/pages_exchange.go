package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/parley-talks/parley"
)

// The page of a prisoner exchange: its terms; each side's list as the
// caller reads it (a delegate: its own side whole and, of the other side,
// the persons of shared matches only — the store applies
// Caller.CanReadPerson); the matches the caller reads with the mediators'
// confirm and share buttons and the verifiers' verify button; for the
// mediators, the suggested matches of package exchange and the
// reconciliation. And the children's page of a track: counts per stage
// for everyone who sees the track, each case's details for its audience.

type exchangePage struct {
	pageBase
	Track     *parley.Track
	Exchange  *parley.Exchange
	Parties   map[int64]string
	Lists     []sideList
	Persons   map[int64]*parley.Prisoner // every person the caller reads, by id
	Matches   []*parley.PrisonerMatch
	Suggested []matchCandidate
	Rec       *reconciliation
	Mediator  bool
	Verifier  bool
}

// sideList is one side's list as the caller reads it.
type sideList struct {
	PartyID int64
	Party   string
	Persons []*parley.Prisoner
	Whole   bool // the caller reads the whole list, not only shared persons
}

// matchForm confirms a suggested match; csrfForm shares or verifies one.
type matchForm struct {
	CSRFToken string `json:"csrf_token"`
	PrisonerA string `json:"prisoner_a"`
	PrisonerB string `json:"prisoner_b"`
}

func (s *Server) pageExchange(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	e, err := s.store.FindExchangeByID(ctx, id)
	if err != nil {
		return err
	}
	t, err := s.store.FindTrackByID(ctx, e.TrackID)
	if err != nil {
		return err
	}
	names, err := s.partyNames(ctx)
	if err != nil {
		return err
	}
	c := parley.CallerFromContext(ctx)
	data := &exchangePage{pageBase: newBase(r, e.Title), Track: t, Exchange: e, Parties: names, Persons: map[int64]*parley.Prisoner{},
		Mediator: c == nil || c.CanEditTrack(e.TrackID), Verifier: c != nil && c.CanVerify(e.TrackID)}
	data.Notice = exchangeNotices[r.URL.Query().Get("done")]
	for _, party := range []int64{e.SideA, e.SideB} {
		ps, err := s.store.FindPrisoners(ctx, id, party)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		data.Lists = append(data.Lists, sideList{PartyID: party, Party: names[party], Persons: ps, Whole: c == nil || c.CanReadPrisoners(e.TrackID, party)})
		for _, p := range ps {
			data.Persons[p.ID] = p
		}
	}
	if len(data.Lists) > 0 {
		if data.Matches, err = s.store.FindMatches(ctx, id); err != nil {
			return err
		}
	}
	if c == nil || (c.CanReadPrisoners(e.TrackID, e.SideA) && c.CanReadPrisoners(e.TrackID, e.SideB)) {
		if data.Rec, err = s.reconcile(ctx, id); err != nil {
			return err
		}
		if data.Mediator {
			cands, err := s.candidates(ctx, id)
			if err != nil {
				return err
			}
			data.Suggested = cands.Pairs
		}
	}
	return s.render(w, "exchange", data)
}

var exchangeNotices = map[string]string{
	"confirmed": "The match is confirmed.",
	"shared":    "The match is shared with both sides.",
	"verified":  "The match is verified.",
}

// exchangeDone redirects to the exchange's page with a notice.
func exchangeDone(w http.ResponseWriter, r *http.Request, id int64, done string) error {
	http.Redirect(w, r, fmt.Sprintf("/exchanges/%d?done=%s", id, done), http.StatusSeeOther)
	return nil
}

func (s *Server) pageConfirmMatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	a, err := formID("prisoner_a", r.PostForm.Get("prisoner_a"), "choose a person of the first list")
	if err != nil {
		return err
	}
	b, err := formID("prisoner_b", r.PostForm.Get("prisoner_b"), "choose a person of the second list")
	if err != nil {
		return err
	}
	if _, err := s.store.ConfirmMatch(r.Context(), id, a, b); err != nil {
		return err
	}
	return exchangeDone(w, r, id, "confirmed")
}

// pageMatchAct shares or verifies a match from the exchange's page.
func (s *Server) pageMatchAct(act func(context.Context, int64) (*parley.PrisonerMatch, error), done string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		m, err := act(r.Context(), id)
		if err != nil {
			return err
		}
		return exchangeDone(w, r, m.ExchangeID, done)
	}
}

// formID reads a positive id from a form field.
type childrenPage struct {
	pageBase
	Track  *parley.Track
	Stages []stageCount
	Cases  []*parley.ChildCase // those the caller reads
}

func (s *Server) pageChildren(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, err := s.store.FindTrackByID(ctx, id)
	if err != nil {
		return err
	}
	counts, err := s.store.ChildStageCounts(ctx, id)
	if err != nil {
		return err
	}
	cases, err := s.store.FindChildCases(ctx, id)
	if err != nil {
		return err
	}
	data := &childrenPage{pageBase: newBase(r, "Children's return — "+t.Title), Track: t, Cases: cases}
	for _, st := range parley.ChildStages {
		data.Stages = append(data.Stages, stageCount{st, counts[st]})
	}
	return s.render(w, "children", data)
}
