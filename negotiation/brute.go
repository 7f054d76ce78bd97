package negotiation

import (
	"cmp"
	"fmt"
	"slices"
)

// BrutePoint is one point of the brute-force frontier: a distinct utility
// vector and every package that reaches it exactly.
type BrutePoint struct {
	Utility  []float64
	Outcomes []Outcome
}

// MaxBruteForce is the largest space BruteForce enumerates.
const MaxBruteForce = 1 << 26

// BruteForce is the reference enumerator: it visits every package of the
// space sizes[0] × sizes[1] × …, keeps those feasible accepts (all when
// feasible is nil), evaluates every utility and returns the undominated
// distinct vectors in lexicographically decreasing order, each with all its
// packages. It works for any Utility. Cost O(N·(issues + parties) + N log N
// + N·K) time and O(N·parties) memory for N packages and K points.
func BruteForce(sizes []int, us []Utility, feasible func(Outcome) bool) ([]BrutePoint, error) {
	total := 1
	for _, s := range sizes {
		if s <= 0 {
			return nil, fmt.Errorf("negotiation: brute force: issue with %d options", s)
		}
		if total > MaxBruteForce/s {
			return nil, fmt.Errorf("negotiation: brute force: space larger than %d packages", MaxBruteForce)
		}
		total *= s
	}
	n := len(us)
	if n == 0 {
		return nil, fmt.Errorf("negotiation: brute force: no utilities")
	}
	decode := func(idx int, o Outcome) {
		for i := len(sizes) - 1; i >= 0; i-- {
			o[i] = idx % sizes[i]
			idx /= sizes[i]
		}
	}
	var vals []float64
	var ids []int32
	o := make(Outcome, len(sizes))
	for idx := range total {
		decode(idx, o)
		if feasible != nil && !feasible(o) {
			continue
		}
		for _, u := range us {
			vals = append(vals, u.Utility(o))
		}
		ids = append(ids, int32(idx))
	}
	at := func(j int) []float64 { return vals[j*n : j*n+n] }
	order := make([]int, len(ids))
	for j := range order {
		order[j] = j
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := slices.CompareFunc(at(b), at(a), cmp.Compare[float64]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	var out []BrutePoint
	var kept [][]float64
	for g := 0; g < len(order); {
		h := g + 1
		for h < len(order) && slices.Equal(at(order[h]), at(order[g])) {
			h++
		}
		x := at(order[g])
		dominated := false
		for _, y := range kept {
			ge := true
			for i := range x {
				if y[i] < x[i] {
					ge = false
					break
				}
			}
			if ge {
				dominated = true
				break
			}
		}
		if !dominated {
			kept = append(kept, x)
			pt := BrutePoint{Utility: slices.Clone(x)}
			for _, j := range order[g:h] {
				oc := make(Outcome, len(sizes))
				decode(int(ids[j]), oc)
				pt.Outcomes = append(pt.Outcomes, oc)
			}
			out = append(out, pt)
		}
		g = h
	}
	return out, nil
}

// BruteForceFrontier runs BruteForce on p: packages that cross no red line,
// the parties' additive utilities.
func (p *Problem) BruteForceFrontier() ([]BrutePoint, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	sizes := make([]int, len(p.Issues))
	for i, is := range p.Issues {
		sizes[i] = len(is.Options)
	}
	us := make([]Utility, len(p.Parties))
	for k, pa := range p.Parties {
		us[k] = pa.Utility
	}
	return BruteForce(sizes, us, p.Feasible)
}
