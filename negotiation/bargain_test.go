package negotiation

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkBargains compares the frontier's bargaining points with the exact
// reference: each point is the reference's maximiser (the
// lexicographically greatest vector attaining the maximum), and its
// packages are accepted and reach it exactly.
// ref, when not nil, is p's reference computed beforehand (with any
// reservations: At recomputes them).
func checkBargains(t *testing.T, p *Problem, ref *Reference) {
	t.Helper()
	f, err := p.Frontier()
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Bargains(p.Reservations(), 50)
	if err != nil {
		t.Fatal(err)
	}
	if ref == nil {
		if ref, err = p.Reference(); err != nil {
			t.Fatal(err)
		}
	}
	zone, nash, ks, ut, mm := ref.At(p.Reservations())
	if z, err := p.CountZone(ZoneOptions{}); err != nil || !z.Exact || z.Count.Int64() != zone {
		t.Fatalf("zone %+v (%v), reference %d", z, err, zone)
	}
	sols := []*Solution{b.Nash, b.KalaiSmorodinsky, b.Utilitarian, b.Maximin}
	refs := []*ReferenceBargain{nash, ks, ut, mm}
	names := []string{"nash", "ks", "utilitarian", "maximin"}
	for j, s := range sols {
		if (s == nil) != (refs[j] == nil) {
			t.Fatalf("%s: %v, reference %v", names[j], s, refs[j])
		}
		if s == nil {
			continue
		}
		got := f.ExactUtility(s.Point)
		if !slices.EqualFunc(got, refs[j].Utility, func(a, b *big.Rat) bool { return a.Cmp(b) == 0 }) {
			t.Fatalf("%s: %v, reference maximiser %v (value %v)", names[j], got, refs[j].Utility, refs[j].Value)
		}
		if len(s.Outcomes) == 0 {
			t.Fatalf("%s: no package", names[j])
		}
		for _, o := range s.Outcomes {
			if !p.Accepts(o) {
				t.Fatalf("%s: package %v is not accepted by all", names[j], o)
			}
			for k, pa := range p.Parties {
				if pa.Utility.ExactUtility(o).Cmp(got[k]) != 0 {
					t.Fatalf("%s: package %v does not reach %v", names[j], o, got)
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
					checkBargains(t, p, nil)
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
