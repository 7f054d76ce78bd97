package desk

import (
	"fmt"
	"net/http"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/route"
)

// The improvements of a proposal (mediators only): the packages better
// for some party and worse for none, each with a form that puts it as the
// mediators' proposal in one step (the proposals page's form, its choices
// filled in). Anyone else gets 404, as from action.ImproveProposal.

type improvementsPage struct {
	pageBase
	Track     *parley.Track
	Proposal  proposalRow
	Base      []namedUtility
	Rows      []improvementRow
	Problem   string // why there are none to list, if so
	Audiences []audienceChoice
}

type improvementRow struct {
	N         int
	Package   []parley.Choice
	Utilities []namedUtility
	Gains     []namedUtility
}

func (d *Desk) showImprovements(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	p, err := d.store.FindProposalByID(ctx, id)
	if err != nil {
		return err
	}
	ims, err := d.actions.ImproveProposal(ctx, id)
	if err != nil && parley.ErrorCode(err) != parley.ECONFLICT {
		return err
	}
	t, err2 := d.store.FindTrackByID(ctx, p.TrackID)
	if err2 != nil {
		return err2
	}
	names, err2 := d.actions.PartyNames(ctx)
	if err2 != nil {
		return err2
	}
	data := &improvementsPage{pageBase: newBase(r, i18n.M("Improvements of proposal {id} — {track}", "id", fmt.Sprint(id), "track", t.Title)), Track: t}
	data.Proposal = proposalRow{P: p, ID: p.ID, Author: partyOrMediators(data.p, p.AuthorPartyID, names)}
	data.Audiences = audiences(data.p, nil, principals(t, names), names)
	if err != nil {
		data.Problem = errorText(data.p, err)
		return d.render(w, "improvements", data)
	}
	named := func(us []parley.PartyUtility) []namedUtility {
		out := make([]namedUtility, len(us))
		for i, u := range us {
			out[i] = namedUtility{Party: names[u.PartyID], Utility: u.Utility}
		}
		return out
	}
	data.Base = named(ims.Base)
	for i, im := range ims.Improvements {
		data.Rows = append(data.Rows, improvementRow{N: i + 1, Package: im.Package, Utilities: named(im.Utilities), Gains: named(im.Gains)})
	}
	return d.render(w, "improvements", data)
}
