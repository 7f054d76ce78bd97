package web

import (
	"fmt"
	"net/http"

	"github.com/parley-talks/parley"
)

// The page of a ballot (the mediators' proposal with secret answers): its
// package, the parties it is put to, the deadline and the outcome, and for
// a delegate of one of those parties that has not answered yet, the two
// buttons. After an answer the page says only that the party has answered,
// the same words for an accept and a reject.

type ballotPage struct {
	pageBase
	Track     *parley.Track
	Ballot    *parley.Ballot
	Parties   []string
	Party     string // the caller's party, for a delegate it is put to
	CanAnswer bool
	Answered  bool
}

// answerForm is the form of a ballot's page.
type answerForm struct {
	CSRFToken string `json:"csrf_token"`
	Answer    string `json:"answer"` // accept or reject
}

func (s *Server) pageBallot(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	b, err := s.store.FindBallotByID(ctx, id)
	if err != nil {
		return err
	}
	t, err := s.store.FindTrackByID(ctx, b.TrackID)
	if err != nil {
		return err
	}
	names, err := s.partyNames(ctx)
	if err != nil {
		return err
	}
	data := &ballotPage{pageBase: newBase(r, fmt.Sprintf("Ballot %d", b.ID)), Track: t, Ballot: b}
	if r.URL.Query().Get("done") == "answer" {
		data.Notice = "Your answer is recorded."
	}
	for _, p := range b.PartyIDs {
		data.Parties = append(data.Parties, names[p])
	}
	if b.YouAnswered != nil {
		if g := parley.CallerFromContext(ctx).Grant(b.TrackID); g != nil && g.PartyID != nil {
			data.Party = names[*g.PartyID]
		}
		data.Answered = *b.YouAnswered
		data.CanAnswer = !data.Answered && b.Outcome == parley.BallotPending
	}
	return s.render(w, "ballot", data)
}

func (s *Server) pageAnswerBallot(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	// The same checks and the same redirect as the API's answer.
	answer := r.PostForm.Get("answer")
	if answer != "accept" && answer != "reject" {
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
	if err := s.store.AnswerBallot(r.Context(), id, party, answer == "accept"); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/ballots/%d?done=answer", id), http.StatusSeeOther)
	return nil
}
