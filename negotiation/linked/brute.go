package linked

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/parley-talks/parley/negotiation"
)

// Reference is the brute-force joint analysis the tests compare with: it
// visits every joint package, in exact rational arithmetic, sharing no
// code with the merge but the tracks' red-line checks
// (negotiation.Problem.Feasible) and exact utilities
// (negotiation.Additive.ExactUtility).
type Reference struct {
	// Frontier holds the distinct undominated joint utility vectors of the
	// joint packages that cross no red line, lexicographically decreasing.
	Frontier [][]*big.Rat
	// Disagreement is d_p = Σ_t ŵ_{p,t}·r_{p,t}.
	Disagreement []*big.Rat
	// Zone is the number of joint packages crossing no red line with
	// U_p ≥ d_p for every party.
	Zone int64
	// Nash and KalaiSmorodinsky are the lexicographically greatest joint
	// vectors maximising Π_p (U_p − d_p) and min_p (U_p − d_p)/(I_p − d_p)
	// (over parties with ideal I_p > d_p) over the zone; nil when it is
	// empty.
	Nash, KalaiSmorodinsky []*big.Rat
	// Alone[p] is Σ_t ŵ_{p,t}·(u_{p,t} at track t's own Nash point, or
	// r_{p,t} where track t has no zone), from each track's
	// negotiation.Problem.Reference.
	Alone []*big.Rat
}

// MaxReference is the largest joint space Reference enumerates.
const MaxReference = 1 << 20

// Reference enumerates j. Cost O(N·(tracks·parties)) big rational
// operations for N joint packages, plus O(N·K) for K frontier points.
func (j *Joint) Reference() (*Reference, error) {
	T, n := len(j.in.Tracks), len(j.parties)
	// Per track: the feasible packages' joint terms ŵ_{p,t}·u_{p,t}.
	terms := make([][][]*big.Rat, T)
	total := 1
	ref := &Reference{Disagreement: make([]*big.Rat, n), Alone: make([]*big.Rat, n)}
	for p := range n {
		ref.Disagreement[p], ref.Alone[p] = new(big.Rat), new(big.Rat)
	}
	for t, tr := range j.in.Tracks {
		pr := tr.Problem
		size := pr.Size()
		if !size.IsInt64() || size.Int64() > MaxReference || total > MaxReference/int(size.Int64()) {
			return nil, fmt.Errorf("linked: reference: space larger than %d joint packages", MaxReference)
		}
		total *= int(size.Int64())
		o := make(negotiation.Outcome, len(pr.Issues))
		for idx := range int(size.Int64()) {
			r := idx
			for i := len(pr.Issues) - 1; i >= 0; i-- {
				o[i] = r % len(pr.Issues[i].Options)
				r /= len(pr.Issues[i].Options)
			}
			if !pr.Feasible(o) {
				continue
			}
			v := make([]*big.Rat, n)
			for p := range n {
				v[p] = new(big.Rat)
				if k := j.member[t][p]; k >= 0 {
					v[p].Mul(j.share[p][t], pr.Parties[k].Utility.ExactUtility(o))
				}
			}
			terms[t] = append(terms[t], v)
		}
		own, err := pr.Reference()
		if err != nil {
			return nil, err
		}
		for p := range n {
			k := j.member[t][p]
			if k < 0 {
				continue
			}
			r := negotiation.Rat(pr.Parties[k].Reservation)
			ref.Disagreement[p].Add(ref.Disagreement[p], new(big.Rat).Mul(j.share[p][t], r))
			if own.Nash != nil {
				r = own.Nash.Utility[k]
			}
			ref.Alone[p].Add(ref.Alone[p], new(big.Rat).Mul(j.share[p][t], r))
		}
	}
	// Every joint package crossing no red line: the sums of the tracks'
	// feasible vectors.
	var all [][]*big.Rat
	var rec func(t int, acc []*big.Rat)
	rec = func(t int, acc []*big.Rat) {
		if t == T {
			all = append(all, acc)
			return
		}
		for _, v := range terms[t] {
			next := make([]*big.Rat, n)
			for p := range n {
				next[p] = new(big.Rat).Add(acc[p], v[p])
			}
			rec(t+1, next)
		}
	}
	zero := make([]*big.Rat, n)
	for p := range zero {
		zero[p] = new(big.Rat)
	}
	rec(0, zero)
	lex := func(a, b []*big.Rat) int {
		for p := range a {
			if c := a[p].Cmp(b[p]); c != 0 {
				return c
			}
		}
		return 0
	}
	slices.SortFunc(all, func(a, b []*big.Rat) int { return lex(b, a) })
	for g, x := range all {
		if g > 0 && lex(all[g-1], x) == 0 {
			continue
		}
		dominated := slices.ContainsFunc(ref.Frontier, func(y []*big.Rat) bool { return atLeast(y, x) })
		if !dominated {
			ref.Frontier = append(ref.Frontier, x)
		}
	}
	// The zone and the bargaining points, over every accepted package.
	var zone [][]*big.Rat
	for _, x := range all {
		if atLeast(x, ref.Disagreement) {
			zone = append(zone, x)
		}
	}
	ref.Zone = int64(len(zone))
	if len(zone) == 0 {
		return ref, nil
	}
	ideal := make([]*big.Rat, n)
	for _, x := range zone {
		for p := range n {
			if ideal[p] == nil || x[p].Cmp(ideal[p]) > 0 {
				ideal[p] = x[p]
			}
		}
	}
	best := func(score func(x []*big.Rat) *big.Rat) []*big.Rat {
		var top []*big.Rat
		var val *big.Rat
		for _, x := range zone { // lexicographically decreasing: the first maximum wins
			if s := score(x); val == nil || s.Cmp(val) > 0 {
				top, val = x, s
			}
		}
		return top
	}
	ref.Nash = best(func(x []*big.Rat) *big.Rat {
		prod := big.NewRat(1, 1)
		for p := range n {
			prod.Mul(prod, new(big.Rat).Sub(x[p], ref.Disagreement[p]))
		}
		return prod
	})
	ref.KalaiSmorodinsky = best(func(x []*big.Rat) *big.Rat {
		var m *big.Rat
		for p := range n {
			span := new(big.Rat).Sub(ideal[p], ref.Disagreement[p])
			if span.Sign() <= 0 {
				continue
			}
			r := new(big.Rat).Sub(x[p], ref.Disagreement[p])
			r.Quo(r, span)
			if m == nil || r.Cmp(m) < 0 {
				m = r
			}
		}
		if m == nil {
			return new(big.Rat)
		}
		return m
	})
	return ref, nil
}
