package negotiation

import (
	"fmt"
	"math"
	"math/big"
	"slices"
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
// (one reservation value per party, each read as the decimal it prints as).
// A point is accepted when u_i ≥ d_i for every party, exactly; every package
// all parties accept is weakly dominated by an accepted frontier point, so
// maximising over those is exact for the four (monotone) objectives. The
// objectives are compared exactly: float64 scores pick the candidates within
// 10⁻⁹ of the best (which holds every exact maximum), and exact rationals
// decide among them. Among exactly tied points the first in frontier order
// (lexicographically greatest vector) is chosen, and Outcomes lists up to
// tieLimit packages with exactly its vector. It returns an error when d
// does not have one finite value per party. Cost O(points·parties) plus
// exact arithmetic on the near-ties.
func (f *Frontier) Bargains(d []float64, tieLimit int) (Bargains, error) {
	n := f.n
	if len(d) != n {
		return Bargains{}, fmt.Errorf("negotiation: disagreement point has %d values for %d parties", len(d), n)
	}
	thr := make([]num, n)
	thrIsD := make([]bool, n) // thr_k = d_k·D_k exactly
	for k := range n {
		if math.IsNaN(d[k]) || math.IsInf(d[k], 0) {
			return Bargains{}, fmt.Errorf("negotiation: disagreement point: value %d is not finite", k)
		}
		thr[k], thrIsD[k] = f.ex[k].ceilScaledExact(d[k])
	}
	var acc []int
	for i := range f.Len() {
		if f.reaches(i, thr) {
			acc = append(acc, i)
		}
	}
	var b Bargains
	if len(acc) == 0 {
		return b, nil
	}
	// The ideal point, exactly: the greatest numerator per party.
	ideal := make([]num, n)
	for _, i := range acc {
		for k, x := range f.at(i) {
			if ideal[k].less(x) {
				ideal[k] = x
			}
		}
	}
	b.Ideal = make([]float64, n)
	for k := range n {
		b.Ideal[k] = f.ex[k].toFloat(ideal[k])
	}
	// The exact values, built only when near-ties need them.
	var dr, span []*big.Rat // d; ideal − d, nil when not positive
	exactSetup := func() {
		if dr != nil {
			return
		}
		dr, span = make([]*big.Rat, n), make([]*big.Rat, n)
		for k := range n {
			dr[k] = Rat(d[k])
			if s := new(big.Rat).Sub(f.ex[k].scaledRat(ideal[k]), dr[k]); s.Sign() > 0 {
				span[k] = s
			}
		}
	}
	// A party counts for Kalai–Smorodinsky when its ideal is above its
	// disagreement value, exactly: ideal > d·D, i.e. ideal ≥ ⌈d·D⌉ and not
	// equal to d·D. spanF is ideal − d in float64, for the scores only.
	spanF := make([]float64, n)
	for k := range n {
		if ideal[k] == thr[k] && thrIsD[k] {
			continue
		}
		spanF[k] = max(b.Ideal[k]-d[k], math.SmallestNonzeroFloat64)
	}
	best := func(score func(u []float64) float64, exact func(i int) *big.Rat) *Solution {
		vals := make([]float64, len(acc))
		top := math.Inf(-1)
		for j, i := range acc {
			vals[j] = score(f.Utility(i))
			top = max(top, vals[j])
		}
		tol := 1e-9 * max(1, math.Abs(top))
		near := 0
		for _, v := range vals {
			if v >= top-tol {
				near++
			}
		}
		bestPoint := -1
		var bestVal *big.Rat
		for j, i := range acc {
			if vals[j] < top-tol {
				continue
			}
			if near == 1 { // the only candidate is the exact maximiser
				bestPoint = i
				break
			}
			exactSetup()
			v := exact(i)
			if bestPoint < 0 || v.Cmp(bestVal) > 0 {
				bestPoint, bestVal = i, v
			}
		}
		if bestPoint < 0 {
			panic("negotiation: no point reaches the maximum")
		}
		return &Solution{Point: bestPoint, Utility: slices.Clone(f.Utility(bestPoint)), Outcomes: f.Outcomes(bestPoint, tieLimit)}
	}
	gain := func(i, k int) *big.Rat { // u_k − d_k, exact
		return new(big.Rat).Sub(f.ex[k].scaledRat(f.at(i)[k]), dr[k])
	}
	b.Nash = best(func(u []float64) float64 {
		p := 1.0
		for k, x := range u {
			p *= max(x-d[k], 0)
		}
		return p
	}, func(i int) *big.Rat {
		p := big.NewRat(1, 1)
		for k := range n {
			g := gain(i, k)
			if g.Sign() <= 0 {
				return new(big.Rat)
			}
			p.Mul(p, g)
		}
		return p
	})
	b.KalaiSmorodinsky = best(func(u []float64) float64 {
		m := math.Inf(1)
		for k, x := range u {
			if spanF[k] > 0 {
				m = min(m, (x-d[k])/spanF[k])
			}
		}
		if math.IsInf(m, 1) {
			return 0 // every party's ideal equals its reservation: all points tie
		}
		return m
	}, func(i int) *big.Rat {
		var m *big.Rat
		for k := range n {
			if span[k] != nil {
				r := gain(i, k)
				r.Quo(r, span[k])
				if m == nil || r.Cmp(m) < 0 {
					m = r
				}
			}
		}
		if m == nil {
			return new(big.Rat)
		}
		return m
	})
	b.Utilitarian = best(func(u []float64) float64 {
		s := 0.0
		for _, x := range u {
			s += x
		}
		return s
	}, func(i int) *big.Rat {
		s := new(big.Rat)
		for k := range n {
			s.Add(s, f.ex[k].scaledRat(f.at(i)[k]))
		}
		return s
	})
	b.Maximin = best(func(u []float64) float64 {
		m := math.Inf(1)
		for _, x := range u {
			m = min(m, x)
		}
		return m
	}, func(i int) *big.Rat {
		var m *big.Rat
		for k := range n {
			r := f.ex[k].scaledRat(f.at(i)[k])
			if m == nil || r.Cmp(m) < 0 {
				m = r
			}
		}
		return m
	})
	return b, nil
}

// reaches reports whether point i reaches every party's threshold
// numerator.
func (f *Frontier) reaches(i int, thr []num) bool {
	for k, x := range f.at(i) {
		if x.less(thr[k]) {
			return false
		}
	}
	return true
}
