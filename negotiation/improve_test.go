package negotiation

import (
	"math/rand/v2"
	"testing"
)

// TestImprovementsBruteForce checks Improvements against every package of
// small random problems, from random base packages: each returned point
// dominates the base weakly with a gain, the order is by smallest gain
// then total gain, and every feasible package that improves on the base
// is weakly dominated by a returned point.
func TestImprovementsBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for trial := range 300 {
		parties := 2 + trial%3
		p := randomProblem(rng, parties, 4, 4, trial%2 == 0, trial%3 == 0)
		f, err := p.Frontier()
		if err != nil {
			t.Fatal(err)
		}
		all := allOutcomes(p)
		base := all[rng.IntN(len(all))]
		bu := utilities(p, base)
		ims, err := f.Improvements(bu)
		if err != nil {
			t.Fatal(err)
		}
		for j, im := range ims {
			strict := false
			for k := range bu {
				if im.Utility[k] < bu[k] || im.Gains[k] != im.Utility[k]-bu[k] {
					t.Fatalf("trial %d: improvement %d loses for party %d", trial, j, k)
				}
				strict = strict || im.Utility[k] > bu[k]
			}
			if !strict {
				t.Fatalf("trial %d: improvement %d gains nothing", trial, j)
			}
			if j > 0 && ims[j-1].MinGain < im.MinGain {
				t.Fatalf("trial %d: not ordered by smallest gain", trial)
			}
		}
		for _, o := range all {
			if !p.Feasible(o) {
				continue
			}
			u := utilities(p, o)
			if !dominatesWeakly(u, bu) {
				continue
			}
			found := false
			for _, im := range ims {
				found = found || dominatesWeakly(im.Utility, u) || equal(im.Utility, u)
			}
			if !found {
				t.Fatalf("trial %d: package %v improves on the base but no improvement covers it", trial, o)
			}
		}
	}
	if _, err := (&Frontier{n: 2}).Improvements([]float64{1}); err == nil {
		t.Error("a base of the wrong length is accepted")
	}
}

// dominatesWeakly: a ≥ b everywhere and a > b somewhere.
func dominatesWeakly(a, b []float64) bool {
	strict := false
	for k := range a {
		if a[k] < b[k] {
			return false
		}
		strict = strict || a[k] > b[k]
	}
	return strict
}

func equal(a, b []float64) bool {
	for k := range a {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

func utilities(p *Problem, o Outcome) []float64 {
	u := make([]float64, len(p.Parties))
	for k, pa := range p.Parties {
		u[k] = pa.Utility.Utility(o)
	}
	return u
}

func allOutcomes(p *Problem) []Outcome {
	out := []Outcome{{}}
	for _, is := range p.Issues {
		var next []Outcome
		for _, o := range out {
			for x := range is.Options {
				next = append(next, append(append(Outcome{}, o...), x))
			}
		}
		out = next
	}
	return out
}
