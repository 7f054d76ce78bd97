package desk

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/route"
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
	Package   *packageNote // nil unless it is part of a cross-track ballot
}

func (d *Desk) showBallot(w http.ResponseWriter, r *http.Request) error {
	return d.renderBallot(w, r, nil, 0)
}

// renderBallot renders the page of the ballot in the path; ref and status
// report a refused answer.
func (d *Desk) renderBallot(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	b, err := d.store.FindBallotByID(ctx, id)
	if err != nil {
		return err
	}
	t, err := d.store.FindTrackByID(ctx, b.TrackID)
	if err != nil {
		return err
	}
	names, err := d.actions.PartyNames(ctx)
	if err != nil {
		return err
	}
	data := &ballotPage{pageBase: newBase(r, i18n.M("Ballot {id}", "id", strconv.FormatInt(b.ID, 10))), Track: t, Ballot: b}
	data.Refusal, data.Status = ref, status
	for _, p := range b.PartyIDs {
		data.Parties = append(data.Parties, names[p])
	}
	if b.YouAnswered != nil {
		if party, _ := accessTo(ctx, b.TrackID).Party(); party != nil {
			data.Party = names[*party]
		}
		data.Answered = *b.YouAnswered
		data.CanAnswer = !data.Answered && b.Outcome == parley.BallotPending
	}
	if data.Package, err = d.ballotPackageNote(ctx, b); err != nil {
		return err
	}
	return d.render(w, "ballot", data)
}

// ballotPackageNote reads the cross-track ballot b is part of, as the
// caller reads it (the store's audience check on every part); nil for none.
func (d *Desk) ballotPackageNote(ctx context.Context, b *parley.Ballot) (*packageNote, error) {
	pkg, err := d.store.FindBallotPackage(ctx, b.ID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var others []packageOther
	for _, part := range pkg.Parts {
		if part.ID != b.ID {
			others = append(others, packageOther{TrackID: part.TrackID, Package: part.Package, Outcome: part.Outcome})
		}
	}
	return d.crossTrackNote(ctx, others, pkg.Hidden)
}

// answer answers the ballot in the path for the caller's party: the same
// checks and the same redirect as the API's answer, for either answer.
func (d *Desk) answer(r *http.Request, id int64, in *action.AnswerInput) (string, error) {
	if err := d.actions.AnswerBallot(r.Context(), id, *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/ballots/%d", id), "answer"), nil
}
