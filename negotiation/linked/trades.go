package linked

import (
	"math/big"

	"github.com/parley-talks/parley/negotiation"
)

// logrolls returns the themes' concessions and the trades of the joint
// package at (one package per track). Cost O(parties² · themes ·
// options).
func (e *engine) logrolls(at []negotiation.Outcome) ([]Theme, []Trade) {
	j := e.j
	n := len(j.parties)
	type themeRef struct {
		t, i int
		loss []*big.Rat
	}
	var refs []themeRef
	var themes []Theme
	for t, tr := range j.in.Tracks {
		pr := tr.Problem
		for i, is := range pr.Issues {
			th := Theme{Track: tr.Name, Theme: is.Name, Option: is.Options[at[t][i]], Concession: make([]float64, n)}
			loss := make([]*big.Rat, n)
			for p := range n {
				loss[p] = new(big.Rat)
				k := j.member[t][p]
				if k < 0 {
					continue
				}
				a := pr.Parties[k].Utility
				best := new(big.Rat)
				for x := range is.Options {
					if v := a.Term(i, x); v.Cmp(best) > 0 {
						best = v
					}
				}
				loss[p].Sub(best, a.Term(i, at[t][i]))
				loss[p].Mul(loss[p], j.share[p][t])
				th.Concession[p], _ = loss[p].Float64()
			}
			themes = append(themes, th)
			refs = append(refs, themeRef{t, i, loss})
		}
	}
	var trades []Trade
	name := func(r themeRef) string {
		tr := j.in.Tracks[r.t]
		return tr.Name + ": " + tr.Problem.Issues[r.i].Name
	}
	for p := range n {
		for q := p + 1; q < n; q++ {
			tr := Trade{Party: j.parties[p], Other: j.parties[q], Gives: []string{}, For: []string{}}
			gt, ft := map[int]bool{}, map[int]bool{}
			for _, r := range refs {
				onBoth := j.member[r.t][p] >= 0 && j.member[r.t][q] >= 0
				if !onBoth {
					continue
				}
				switch {
				case r.loss[p].Sign() > 0 && r.loss[q].Sign() == 0:
					tr.Gives = append(tr.Gives, name(r))
					gt[r.t] = true
				case r.loss[q].Sign() > 0 && r.loss[p].Sign() == 0:
					tr.For = append(tr.For, name(r))
					ft[r.t] = true
				}
			}
			if len(tr.Gives) == 0 || len(tr.For) == 0 {
				continue
			}
			for t := range gt {
				if !ft[t] || len(ft) > 1 {
					tr.CrossTrack = true
				}
			}
			trades = append(trades, tr)
		}
	}
	return themes, trades
}
