package negotiation

import (
	"fmt"
	"slices"
)

// Improvement is a frontier point above a base package: no party loses and
// at least one gains.
type Improvement struct {
	Point   int       // the frontier point's index
	Utility []float64 // its utility vector
	Gains   []float64 // Utility − base, per party, each ≥ 0
	MinGain float64   // the smallest gain
}

// Improvements returns the points of the frontier that weakly dominate base
// (u_p ≥ base_p for every party p, with u ≠ base), ordered so that the
// gains are split as evenly as the space allows: by the smallest gain,
// largest first (maximin over gains), then by the sum of gains, largest
// first, then by index. base must have one utility per party.
//
// Every package that improves on base is weakly dominated by a frontier
// point, which improves on base too; so the list is empty exactly when base
// is Pareto-efficient among the packages that cross no red line. Cost
// O(K·n + M log M) for K points, n parties and M improvements.
func (f *Frontier) Improvements(base []float64) ([]Improvement, error) {
	if len(base) != f.n {
		return nil, fmt.Errorf("negotiation: improvements: base has %d utilities, want %d", len(base), f.n)
	}
	var out []Improvement
	for i := range f.Len() {
		u := f.Utility(i)
		above, strict := true, false
		for k := range u {
			above = above && u[k] >= base[k]
			strict = strict || u[k] > base[k]
		}
		if !above || !strict {
			continue
		}
		im := Improvement{Point: i, Utility: slices.Clone(u), Gains: make([]float64, f.n)}
		for k := range u {
			im.Gains[k] = u[k] - base[k]
		}
		im.MinGain = slices.Min(im.Gains)
		out = append(out, im)
	}
	slices.SortStableFunc(out, func(a, b Improvement) int {
		if a.MinGain != b.MinGain {
			if a.MinGain > b.MinGain {
				return -1
			}
			return 1
		}
		sa, sb := sum(a.Gains), sum(b.Gains)
		if sa != sb {
			if sa > sb {
				return -1
			}
			return 1
		}
		return a.Point - b.Point
	})
	return out, nil
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}
