package negotiation

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// randomProblem builds a random problem with parties parties and up to
// maxIssues issues of up to maxOptions options. Values are drawn from a
// coarse dyadic grid when coarse is set (values k/4, weights k/8, left
// unnormalised so that every sum is exact in float64), so that ties (equal
// options, equal packages) are frequent; red lines are added when
// constrained is set.
func randomProblem(rng *rand.Rand, parties, maxIssues, maxOptions int, coarse, constrained bool) *Problem {
	nIssues := 1 + rng.IntN(maxIssues)
	p := &Problem{}
	for i := range nIssues {
		is := Issue{Name: fmt.Sprintf("i%d", i)}
		for x := range 1 + rng.IntN(maxOptions) {
			is.Options = append(is.Options, fmt.Sprintf("v%d", x))
		}
		p.Issues = append(p.Issues, is)
	}
	draw := func() float64 {
		if coarse {
			return float64(rng.IntN(5)) / 4
		}
		return rng.Float64()
	}
	for k := range parties {
		a := &Additive{}
		sum := 0.0
		for range p.Issues {
			w := rng.Float64() + 0.01
			if coarse {
				w = float64(1+rng.IntN(4)) / 8
			}
			a.Weights = append(a.Weights, w)
			sum += w
		}
		for i, is := range p.Issues {
			if !coarse {
				a.Weights[i] /= sum
			}
			var v []float64
			for range is.Options {
				v = append(v, draw())
			}
			a.Values = append(a.Values, v)
		}
		pa := Party{Name: fmt.Sprintf("p%d", k), Utility: a}
		if constrained {
			for range rng.IntN(3) {
				i := rng.IntN(nIssues)
				x := rng.IntN(len(p.Issues[i].Options))
				switch rng.IntN(6) {
				case 0, 1:
					pa.RedLines = append(pa.RedLines, Constraint{Kind: Forbid, Issue: i, Option: x})
				case 2:
					pa.RedLines = append(pa.RedLines, Constraint{Kind: Require, Issue: i, Option: x})
				case 3, 4:
					if nIssues < 2 {
						continue
					}
					t := (i + 1 + rng.IntN(nIssues-1)) % nIssues
					in := make([]bool, len(p.Issues[t].Options))
					for y := range in {
						in[y] = rng.IntN(2) == 0
					}
					pa.RedLines = append(pa.RedLines, Constraint{Kind: Rule, Issue: i, Option: x, Then: t, In: in})
				case 5:
					pa.RedLines = append(pa.RedLines, Constraint{Kind: MinUtility, Min: rng.Float64() * 0.6})
				}
			}
			pa.Reservation = rng.Float64() * 0.5
		}
		p.Parties = append(p.Parties, pa)
	}
	return p
}

// checkFrontier compares the merge with the brute-force reference: the same
// utility vectors (tolerance 0: both sum in issue order, so equal means
// bit-equal), every witness feasible and reaching its vector exactly, every
// tied package a package of the reference, and, when arithmetic is exact
// (exactTies), exactly the same tied packages.
func checkFrontier(t *testing.T, p *Problem, exactTies bool) {
	t.Helper()
	f, err := p.Frontier()
	if err != nil {
		t.Fatal(err)
	}
	want, err := p.BruteForceFrontier()
	if err != nil {
		t.Fatal(err)
	}
	var got [][]float64
	for i := range f.Len() {
		got = append(got, f.Utility(i))
	}
	var wantU [][]float64
	for _, b := range want {
		wantU = append(wantU, b.Utility)
	}
	if diff := cmp.Diff(wantU, got); diff != "" {
		t.Fatalf("frontier vectors differ (-brute +merge):\n%s", diff)
	}
	const limit = 1000
	for i := range f.Len() {
		outs := f.Outcomes(i, limit)
		for _, o := range outs {
			if !p.Feasible(o) {
				t.Fatalf("point %d: witness %v crosses a red line", i, o)
			}
			for k, pa := range p.Parties {
				if u := pa.Utility.Utility(o); u != got[i][k] {
					t.Fatalf("point %d: witness %v gives party %d utility %v, point says %v", i, o, k, u, got[i][k])
				}
			}
		}
		if !slices.Equal(f.Outcome(i), outs[0]) {
			t.Fatalf("point %d: Outcome %v is not the first of Outcomes %v", i, f.Outcome(i), outs[0])
		}
		for _, o := range outs {
			if !slices.ContainsFunc(want[i].Outcomes, func(w Outcome) bool { return slices.Equal(w, o) }) {
				t.Fatalf("point %d: tied package %v not among the reference's", i, o)
			}
		}
		if exactTies && len(want[i].Outcomes) < limit {
			gotO := slices.Clone(outs)
			wantO := slices.Clone(want[i].Outcomes)
			cmpO := func(a, b Outcome) int { return slices.Compare(a, b) }
			slices.SortFunc(gotO, cmpO)
			slices.SortFunc(wantO, cmpO)
			if diff := cmp.Diff(wantO, gotO); diff != "" {
				t.Fatalf("point %d %v: tied packages differ (-brute +merge):\n%s", i, got[i], diff)
			}
		}
	}
}

// TestFrontierMatchesBruteForce is the property test: thousands of random
// domains of 2, 3 and 4 parties, with and without red lines, continuous and
// coarse (tie-heavy) values.
func TestFrontierMatchesBruteForce(t *testing.T) {
	cases := []struct {
		parties, issues, options, count int
	}{
		{2, 6, 5, 1500},
		{3, 5, 5, 1000},
		{4, 5, 4, 600},
	}
	for _, c := range cases {
		for _, coarse := range []bool{false, true} {
			for _, constrained := range []bool{false, true} {
				name := fmt.Sprintf("parties=%d/coarse=%v/constrained=%v", c.parties, coarse, constrained)
				t.Run(name, func(t *testing.T) {
					rng := rand.New(rand.NewPCG(uint64(c.parties), uint64(len(name))))
					for range c.count {
						p := randomProblem(rng, c.parties, c.issues, c.options, coarse, constrained)
						checkFrontier(t, p, coarse)
					}
				})
			}
		}
	}
}
