package negotiation

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// refBargains computes the four objectives' maxima by enumerating every
// package all parties accept, independently of the frontier: it returns the
// best value of each objective (Nash, KS, utilitarian, maximin) and the
// ideal point, or ok = false when no package is accepted.
func refBargains(p *Problem) (best [4]float64, ideal []float64, ok bool) {
	n := len(p.Parties)
	d := p.Reservations()
	var accepted [][]float64
	o := make(Outcome, len(p.Issues))
	var rec func(i int)
	rec = func(i int) {
		if i == len(o) {
			if p.Accepts(o) {
				u := make([]float64, n)
				for k, pa := range p.Parties {
					u[k] = pa.Utility.Utility(o)
				}
				accepted = append(accepted, u)
			}
			return
		}
		for x := range p.Issues[i].Options {
			o[i] = x
			rec(i + 1)
		}
	}
	rec(0)
	if len(accepted) == 0 {
		return best, nil, false
	}
	ideal = slices.Repeat([]float64{math.Inf(-1)}, n)
	for _, u := range accepted {
		for k := range u {
			ideal[k] = max(ideal[k], u[k])
		}
	}
	for j := range best {
		best[j] = math.Inf(-1)
	}
	for _, u := range accepted {
		best[0] = max(best[0], objNash(u, d))
		best[1] = max(best[1], objKS(u, d, ideal))
		best[2] = max(best[2], objSum(u))
		best[3] = max(best[3], objMin(u))
	}
	return best, ideal, true
}

func objNash(u, d []float64) float64 {
	p := 1.0
	for k := range u {
		p *= max(u[k]-d[k], 0)
	}
	return p
}

func objKS(u, d, ideal []float64) float64 {
	m := math.Inf(1)
	for k := range u {
		if s := ideal[k] - d[k]; s > AcceptTolerance {
			m = min(m, (u[k]-d[k])/s)
		}
	}
	if math.IsInf(m, 1) {
		return 0
	}
	return m
}

func objSum(u []float64) float64 {
	s := 0.0
	for _, x := range u {
		s += x
	}
	return s
}

func objMin(u []float64) float64 { return slices.Min(u) }

// checkBargains compares the frontier's bargaining points with refBargains.
func checkBargains(t *testing.T, p *Problem) {
	t.Helper()
	f, err := p.Frontier()
	if err != nil {
		t.Fatal(err)
	}
	d := p.Reservations()
	b, err := f.Bargains(d, 50)
	if err != nil {
		t.Fatal(err)
	}
	best, ideal, ok := refBargains(p)
	if !ok {
		if b.Nash != nil || b.KalaiSmorodinsky != nil || b.Utilitarian != nil || b.Maximin != nil {
			t.Fatalf("no package is accepted, but bargaining points were found: %+v", b)
		}
		return
	}
	if !slices.Equal(b.Ideal, ideal) {
		t.Fatalf("ideal %v, reference %v", b.Ideal, ideal)
	}
	sols := []*Solution{b.Nash, b.KalaiSmorodinsky, b.Utilitarian, b.Maximin}
	names := []string{"nash", "ks", "utilitarian", "maximin"}
	for j, s := range sols {
		if s == nil {
			t.Fatalf("%s: missing although packages are accepted", names[j])
		}
		var v float64
		switch j {
		case 0:
			v = objNash(s.Utility, d)
		case 1:
			v = objKS(s.Utility, d, ideal)
		case 2:
			v = objSum(s.Utility)
		case 3:
			v = objMin(s.Utility)
		}
		if math.Abs(v-best[j]) > TieTolerance*max(1, math.Abs(best[j])) {
			t.Fatalf("%s: objective %v at %v, reference maximum %v", names[j], v, s.Utility, best[j])
		}
		if len(s.Outcomes) == 0 {
			t.Fatalf("%s: no package", names[j])
		}
		for _, o := range s.Outcomes {
			if !p.Accepts(o) {
				t.Fatalf("%s: package %v is not accepted by all", names[j], o)
			}
			for k, pa := range p.Parties {
				if pa.Utility.Utility(o) != s.Utility[k] {
					t.Fatalf("%s: package %v does not reach %v", names[j], o, s.Utility)
				}
			}
		}
	}
}

func TestBargainsMatchBruteForce(t *testing.T) {
	for _, parties := range []int{2, 3, 4} {
		for _, constrained := range []bool{false, true} {
			t.Run(fmt.Sprintf("parties=%d/constrained=%v", parties, constrained), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(parties), 11))
				for trial := range 300 {
					p := randomProblem(rng, parties, 5, 5, trial%3 == 0, constrained)
					checkBargains(t, p)
				}
			})
		}
	}
}

// TestBargainsSymmetric checks ties on a hand-made case: two parties with
// mirrored values over one issue; utilitarian and Nash tie between the two
// extremes and the middle, and the middle wins Nash and maximin.
func TestBargainsSymmetric(t *testing.T) {
	p := &Problem{
		Issues: []Issue{{Name: "split", Options: []string{"A all", "even", "B all", "even again"}}},
		Parties: []Party{
			{Name: "A", Utility: &Additive{Weights: []float64{1}, Values: [][]float64{{1, 0.5, 0, 0.5}}}},
			{Name: "B", Utility: &Additive{Weights: []float64{1}, Values: [][]float64{{0, 0.5, 1, 0.5}}}},
		},
	}
	f, err := p.Frontier()
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Bargains(p.Reservations(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Bargains([]float64{0}, 10); err == nil {
		t.Error("Bargains accepted a disagreement point of the wrong dimension")
	}
	even := []Outcome{{1}, {3}}
	for name, s := range map[string]*Solution{"nash": b.Nash, "ks": b.KalaiSmorodinsky, "maximin": b.Maximin} {
		if !slices.Equal(s.Utility, []float64{0.5, 0.5}) || !slices.EqualFunc(s.Outcomes, even, slices.Equal) {
			t.Errorf("%s = %v %v, want [0.5 0.5] with both even packages %v", name, s.Utility, s.Outcomes, even)
		}
	}
	// Utilitarian: all three vectors sum to 1; the first in frontier order
	// (lexicographically greatest, A all) is chosen.
	if !slices.Equal(b.Utilitarian.Utility, []float64{1, 0}) {
		t.Errorf("utilitarian = %v, want [1 0] (tie broken by frontier order)", b.Utilitarian.Utility)
	}
}
