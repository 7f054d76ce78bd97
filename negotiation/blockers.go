package negotiation

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"strconv"
)

// Relaxation is one single relaxation of a party's position: dropping one
// red line, or lowering the reservation value by a step, and what it opens.
type Relaxation struct {
	Party   int    // index of the party
	RedLine int    // index of the dropped red line, or −1 for a reservation step
	Rule    string // what is relaxed, in the problem's names
	// Opens is the number of packages the relaxation adds to the zone
	// (after − before). Exact reports whether both counts are exact; if
	// not, Opens is the difference of the sampled estimates (or exact
	// counts where available), an estimate.
	Opens *big.Int
	Exact bool
	Zone  *ZoneCount // the zone after the relaxation
	// Bargains are the bargaining points after the relaxation.
	Bargains Bargains
}

// Blockers tries every single relaxation — each red line of each party
// dropped, each positive reservation lowered by step (to no less than 0) —
// and ranks them by the packages they open, most first (ties: party, then
// red lines before reservations, then index). base is the zone before.
// Cost: one Frontier and one CountZone per relaxation.
func (p *Problem) Blockers(base *ZoneCount, step float64, tieLimit int, opt ZoneOptions) ([]Relaxation, error) {
	return p.blockers(nil, base, step, tieLimit, opt)
}

// blockers is Blockers under st: once st is over budget each relaxation's
// frontier is thinned and its zone bounded and estimated (fast), so the
// list is always complete; once st is cancelled it returns its error.
func (p *Problem) blockers(st *stopper, base *ZoneCount, step float64, tieLimit int, opt ZoneOptions) ([]Relaxation, error) {
	if !(step > 0 && step <= 1) {
		return nil, fmt.Errorf("negotiation: reservation step must be in (0,1]")
	}
	var out []Relaxation
	try := func(q *Problem, party, redLine int, rule string) error {
		if err := st.err(); err != nil {
			return err
		}
		f, err := q.frontier(st)
		if err != nil {
			return err
		}
		z, err := q.countZone(st, opt)
		if err != nil {
			return err
		}
		bs, err := f.Bargains(q.Reservations(), tieLimit)
		if err != nil {
			return err
		}
		r := Relaxation{Party: party, RedLine: redLine, Rule: rule, Zone: z, Bargains: bs}
		r.Exact = z.Exact && base.Exact
		r.Opens = new(big.Int).Sub(zoneFigure(z), zoneFigure(base))
		out = append(out, r)
		return nil
	}
	for k, pa := range p.Parties {
		for r := range pa.RedLines {
			q := p.withParty(k, func(x *Party) {
				x.RedLines = slices.Delete(slices.Clone(x.RedLines), r, r+1)
			})
			if err := try(q, k, r, "drop red line: "+p.Describe(pa.RedLines[r])); err != nil {
				return nil, err
			}
		}
		if pa.Reservation > 0 {
			// r − step in decimals (0.3 − 0.1 is 0.2, not 0.19999999999999998).
			lower, _ := new(big.Rat).Sub(Rat(pa.Reservation), Rat(step)).Float64()
			lower = max(lower, 0)
			q := p.withParty(k, func(x *Party) { x.Reservation = lower })
			rule := "lower reservation from " + strconv.FormatFloat(pa.Reservation, 'g', 6, 64) +
				" to " + strconv.FormatFloat(lower, 'g', 6, 64)
			if err := try(q, k, -1, rule); err != nil {
				return nil, err
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Relaxation) int {
		if c := b.Opens.Cmp(a.Opens); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Party, b.Party); c != 0 {
			return c
		}
		ar, br := a.RedLine, b.RedLine
		if ar < 0 {
			ar = 1 << 30
		}
		if br < 0 {
			br = 1 << 30
		}
		return cmp.Compare(ar, br)
	})
	return out, nil
}

// zoneFigure is the exact count when known, otherwise the estimate.
func zoneFigure(z *ZoneCount) *big.Int {
	if z.Exact {
		return z.Count
	}
	return z.Estimate
}

// withParty returns a copy of p whose party k has been changed by edit; the
// other parties are shared.
func (p *Problem) withParty(k int, edit func(*Party)) *Problem {
	q := *p
	q.Parties = slices.Clone(p.Parties)
	edit(&q.Parties[k])
	return &q
}
