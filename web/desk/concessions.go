package desk

import (
	"net/http"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
)

// The concession ledger of a party on a track: each of its proposals
// against its previous one, the themes that moved, toward whom, and what
// each move is worth in the party's own utility. Its delegates and the
// mediators read it, as they read its profile (the store's
// FindConcessions applies the audience check).

type concessionsPage struct {
	pageBase
	Track   *parley.Track
	PartyID int64
	Party   string
	Rows    []concessionRow
}

type concessionRow struct {
	From, To int64
	Change   float64
	Moves    []moveRow
}

type moveRow struct {
	Theme, From, To string
	Change          float64
	Toward          []string
}

func (d *Desk) showConcessions(w http.ResponseWriter, r *http.Request) error {
	trackID, partyID, err := profilePath(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, err := d.store.FindTrackByID(ctx, trackID)
	if err != nil {
		return err
	}
	cs, err := d.store.FindConcessions(ctx, trackID, partyID)
	if err != nil {
		return err
	}
	names, err := d.actions.PartyNames(ctx)
	if err != nil {
		return err
	}
	data := &concessionsPage{pageBase: newBase(r, i18n.M("Concessions of {party} — {track}", "party", names[partyID], "track", t.Title)),
		Track: t, PartyID: partyID, Party: names[partyID]}
	for _, c := range cs {
		row := concessionRow{From: c.FromProposalID, To: c.ToProposalID, Change: c.Change}
		for _, m := range c.Moves {
			mv := moveRow{Theme: m.Theme, From: m.From, To: m.To, Change: m.Change}
			for _, id := range m.Toward {
				mv.Toward = append(mv.Toward, names[id])
			}
			row.Moves = append(row.Moves, mv)
		}
		data.Rows = append(data.Rows, row)
	}
	return d.render(w, "concessions", data)
}
