package negotiation

import (
	"cmp"
	"fmt"
	"math/big"
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

// Reference is the exact brute-force analysis of an additive Problem:
// every package enumerated, every utility an exact rational summed from the
// parties' exact terms (Additive.Term) with big-integer arithmetic over a
// denominator of its own, independent of the 128-bit numerators the fast
// path uses. Tests compare the fast path with it.
type Reference struct {
	// Frontier holds the distinct undominated utility vectors of the
	// packages that cross no red line, lexicographically decreasing,
	// each with every package that reaches it.
	Frontier []ReferencePoint
	// Zone is the number of packages every party accepts.
	Zone int64
	// Nash, KalaiSmorodinsky, Utilitarian and Maximin are the maximal
	// objective values over the accepted packages and the
	// lexicographically greatest vector attaining each (nil when no
	// package is accepted).
	Nash, KalaiSmorodinsky, Utilitarian, Maximin *ReferenceBargain

	dens     []*big.Int   // per party: the denominator of the numerators
	feasible [][]*big.Int // per feasible package: the parties' numerators
	kept     [][]*big.Int // per frontier point: the numerators
}

// ReferencePoint is a utility vector and its packages.
type ReferencePoint struct {
	Utility  []*big.Rat
	Outcomes []Outcome
}

// ReferenceBargain is one bargaining objective's maximum and the
// lexicographically greatest utility vector attaining it.
type ReferenceBargain struct {
	Value   *big.Rat
	Utility []*big.Rat
}

// MaxReference is the largest space Reference enumerates.
const MaxReference = 1 << 21

// Reference enumerates p exactly. Cost O(N·(issues + parties) + N·K) big
// integer operations for N packages and K frontier points.
func (p *Problem) Reference() (*Reference, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	total := 1
	for _, is := range p.Issues {
		if total > MaxReference/len(is.Options) {
			return nil, fmt.Errorf("negotiation: reference: space larger than %d packages", MaxReference)
		}
		total *= len(is.Options)
	}
	n := len(p.Parties)
	// Per party, the terms over the product of their distinct denominators.
	dens := make([]*big.Int, n)
	terms := make([][][]*big.Int, n)
	for k, pa := range p.Parties {
		dens[k] = big.NewInt(1)
		seen := map[string]bool{}
		for i, is := range p.Issues {
			for x := range is.Options {
				d := pa.Utility.Term(i, x).Denom()
				if !seen[d.String()] {
					seen[d.String()] = true
					dens[k].Mul(dens[k], d)
				}
			}
		}
		terms[k] = make([][]*big.Int, len(p.Issues))
		for i, is := range p.Issues {
			for x := range is.Options {
				t := pa.Utility.Term(i, x)
				v := new(big.Int).Mul(t.Num(), new(big.Int).Quo(dens[k], t.Denom()))
				terms[k][i] = append(terms[k][i], v)
			}
		}
	}
	ratOf := func(k int, v *big.Int) *big.Rat { return new(big.Rat).SetFrac(v, dens[k]) }
	// ceilOf returns ⌈r·D_k⌉: u ≥ r exactly when its numerator reaches it.
	ceilOf := func(k int, r float64) *big.Int {
		q := new(big.Rat).Mul(Rat(r), new(big.Rat).SetInt(dens[k]))
		c := new(big.Int).Quo(q.Num(), q.Denom())
		if new(big.Rat).SetInt(c).Cmp(q) < 0 {
			c.Add(c, big.NewInt(1))
		}
		return c
	}
	minThr := make([][]*big.Int, n)
	for k, pa := range p.Parties {
		minThr[k] = make([]*big.Int, len(pa.RedLines))
		for r, c := range pa.RedLines {
			if c.Kind == MinUtility {
				minThr[k][r] = ceilOf(k, c.Min)
			}
		}
	}
	// Thresholds: reservation and min-utility red lines, and the red lines.
	type pkg struct {
		o Outcome
		u []*big.Int
	}
	var feasible []pkg
	o := make(Outcome, len(p.Issues))
	for idx := range total {
		r := idx
		for i := len(p.Issues) - 1; i >= 0; i-- {
			o[i] = r % len(p.Issues[i].Options)
			r /= len(p.Issues[i].Options)
		}
		u := make([]*big.Int, n)
		for k := range n {
			u[k] = new(big.Int)
			for i, x := range o {
				u[k].Add(u[k], terms[k][i][x])
			}
		}
		ok := true
		for k, pa := range p.Parties {
			for r, c := range pa.RedLines {
				switch c.Kind {
				case Forbid:
					ok = ok && o[c.Issue] != c.Option
				case Require:
					ok = ok && o[c.Issue] == c.Option
				case Rule:
					ok = ok && !(o[c.Issue] == c.Option && !c.In[o[c.Then]])
				case MinUtility:
					ok = ok && u[k].Cmp(minThr[k][r]) >= 0
				}
			}
		}
		if ok {
			feasible = append(feasible, pkg{slices.Clone(o), u})
		}
	}
	lexCmp := func(a, b []*big.Int) int { // a vs b, lexicographic
		for k := range a {
			if c := a[k].Cmp(b[k]); c != 0 {
				return c
			}
		}
		return 0
	}
	slices.SortStableFunc(feasible, func(a, b pkg) int { return lexCmp(b.u, a.u) })
	ref := &Reference{}
	var kept [][]*big.Int
	for g := 0; g < len(feasible); {
		h := g + 1
		for h < len(feasible) && lexCmp(feasible[h].u, feasible[g].u) == 0 {
			h++
		}
		x := feasible[g].u
		dominated := slices.ContainsFunc(kept, func(y []*big.Int) bool {
			for k := range x {
				if y[k].Cmp(x[k]) < 0 {
					return false
				}
			}
			return true
		})
		if !dominated {
			kept = append(kept, x)
			pt := ReferencePoint{}
			for k := range n {
				pt.Utility = append(pt.Utility, ratOf(k, x[k]))
			}
			for _, q := range feasible[g:h] {
				pt.Outcomes = append(pt.Outcomes, q.o)
			}
			ref.Frontier = append(ref.Frontier, pt)
		}
		g = h
	}
	ref.dens = dens
	for _, q := range feasible {
		ref.feasible = append(ref.feasible, q.u)
	}
	ref.kept = kept
	ref.Zone, ref.Nash, ref.KalaiSmorodinsky, ref.Utilitarian, ref.Maximin = ref.At(p.Reservations())
	return ref, nil
}

// At returns the zone's size and the four bargaining points for the
// disagreement point d instead of the problem's reservations (red lines
// as the problem has them).
func (ref *Reference) At(d []float64) (zone int64, nash, ks, utilitarian, maximin *ReferenceBargain) {
	n := len(ref.dens)
	resThr := make([]*big.Int, n)
	for k := range n {
		q := new(big.Rat).Mul(Rat(d[k]), new(big.Rat).SetInt(ref.dens[k]))
		c := new(big.Int).Quo(q.Num(), q.Denom())
		if new(big.Rat).SetInt(c).Cmp(q) < 0 {
			c.Add(c, big.NewInt(1))
		}
		resThr[k] = c
	}
	reaches := func(x []*big.Int) bool {
		for k := range n {
			if x[k].Cmp(resThr[k]) < 0 {
				return false
			}
		}
		return true
	}
	for _, x := range ref.feasible {
		if reaches(x) {
			zone++
		}
	}
	// Bargaining objectives over the accepted points of the reference's
	// own frontier, in lexicographically decreasing order, so the first
	// maximiser is the greatest: each objective is monotone, so an
	// accepted package is weakly dominated by an accepted frontier point
	// that scores at least as well, and the greatest maximiser is
	// undominated.
	var acc [][]*big.Rat
	for j, x := range ref.kept {
		if reaches(x) {
			acc = append(acc, ref.Frontier[j].Utility)
		}
	}
	if len(acc) == 0 {
		return zone, nil, nil, nil, nil
	}
	dr := make([]*big.Rat, n)
	ideal := make([]*big.Rat, n)
	for k := range n {
		dr[k] = Rat(d[k])
		for _, u := range acc {
			if ideal[k] == nil || u[k].Cmp(ideal[k]) > 0 {
				ideal[k] = u[k]
			}
		}
	}
	best := func(obj func(u []*big.Rat) *big.Rat) *ReferenceBargain {
		var b *ReferenceBargain
		for _, u := range acc {
			v := obj(u)
			if b == nil || v.Cmp(b.Value) > 0 {
				b = &ReferenceBargain{Value: v, Utility: u}
			}
		}
		return b
	}
	nash = best(func(u []*big.Rat) *big.Rat {
		prod := big.NewRat(1, 1)
		for k := range u {
			g := new(big.Rat).Sub(u[k], dr[k])
			if g.Sign() < 0 {
				g.SetInt64(0)
			}
			prod.Mul(prod, g)
		}
		return prod
	})
	ks = best(func(u []*big.Rat) *big.Rat {
		var m *big.Rat
		for k := range u {
			span := new(big.Rat).Sub(ideal[k], dr[k])
			if span.Sign() <= 0 {
				continue
			}
			r := new(big.Rat).Sub(u[k], dr[k])
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
	utilitarian = best(func(u []*big.Rat) *big.Rat {
		s := new(big.Rat)
		for _, x := range u {
			s.Add(s, x)
		}
		return s
	})
	maximin = best(func(u []*big.Rat) *big.Rat {
		m := u[0]
		for _, x := range u[1:] {
			if x.Cmp(m) < 0 {
				m = x
			}
		}
		return m
	})
	return zone, nash, ks, utilitarian, maximin
}
