package negotiation

import (
	"fmt"
	"math"
)

// Solution is one bargaining point: a frontier point and its packages.
type Solution struct {
	Point    int       // index of the point in the Frontier
	Utility  []float64 // its utility vector
	Outcomes []Outcome // the packages reaching exactly that vector, up to the tie limit
}

// Bargains holds the four bargaining points over the accepted frontier
// points; a field is nil when no frontier point is accepted.
type Bargains struct {
	Ideal            []float64 // each party's best utility over accepted packages
	Nash             *Solution // max Π_i (u_i − d_i)
	KalaiSmorodinsky *Solution // max min_i (u_i − d_i)/(ideal_i − d_i)
	Utilitarian      *Solution // max Σ_i u_i
	Maximin          *Solution // max min_i u_i
}

// Bargains returns the bargaining points of f above the disagreement point d
// (one reservation value per party). A point is accepted when u_i ≥ d_i −
// AcceptTolerance for every party; every package all parties accept is
// weakly dominated by an accepted frontier point, so maximising over those
// is exact for the four (monotone) objectives. Objectives within
// TieTolerance·max(1,|best|) of the best tie; among tied points the first in
// frontier order (lexicographically greatest vector) is chosen, and
// Outcomes lists up to tieLimit packages with exactly its vector. It returns
// an error when d does not have one value per party. Cost O(points·parties).
func (f *Frontier) Bargains(d []float64, tieLimit int) (Bargains, error) {
	n := f.n
	if len(d) != n {
		return Bargains{}, fmt.Errorf("negotiation: disagreement point has %d values for %d parties", len(d), n)
	}
	var acc []int
	for i := range f.Len() {
		u := f.Utility(i)
		ok := true
		for k := range n {
			if u[k] < d[k]-AcceptTolerance {
				ok = false
				break
			}
		}
		if ok {
			acc = append(acc, i)
		}
	}
	var b Bargains
	if len(acc) == 0 {
		return b, nil
	}
	b.Ideal = make([]float64, n)
	for k := range n {
		b.Ideal[k] = math.Inf(-1)
	}
	for _, i := range acc {
		for k, x := range f.Utility(i) {
			b.Ideal[k] = max(b.Ideal[k], x)
		}
	}
	best := func(obj func(u []float64) float64) *Solution {
		vals := make([]float64, len(acc))
		top := math.Inf(-1)
		for j, i := range acc {
			vals[j] = obj(f.Utility(i))
			top = max(top, vals[j])
		}
		tol := TieTolerance * max(1, math.Abs(top))
		for j, i := range acc {
			if vals[j] >= top-tol {
				return &Solution{Point: i, Utility: append([]float64(nil), f.Utility(i)...), Outcomes: f.Outcomes(i, tieLimit)}
			}
		}
		panic("negotiation: no point reaches the maximum")
	}
	b.Nash = best(func(u []float64) float64 {
		p := 1.0
		for k, x := range u {
			p *= max(x-d[k], 0)
		}
		return p
	})
	b.KalaiSmorodinsky = best(func(u []float64) float64 {
		m := math.Inf(1)
		for k, x := range u {
			if span := b.Ideal[k] - d[k]; span > AcceptTolerance {
				m = min(m, (x-d[k])/span)
			}
		}
		if math.IsInf(m, 1) {
			return 0 // every party's ideal equals its reservation: all points tie
		}
		return m
	})
	b.Utilitarian = best(func(u []float64) float64 {
		s := 0.0
		for _, x := range u {
			s += x
		}
		return s
	})
	b.Maximin = best(func(u []float64) float64 {
		m := math.Inf(1)
		for _, x := range u {
			m = min(m, x)
		}
		return m
	})
	return b, nil
}
