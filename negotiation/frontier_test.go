package negotiation

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// randomProblem builds a random problem with parties parties and up to
// maxIssues issues of up to maxOptions options. When coarse is set, values
// are drawn from a dyadic grid (values k/4, weights k/8, left
// unnormalised), so that ties (equal options, equal packages) are frequent;
// otherwise weights are decimals k/1000 normalised exactly and each issue's
// values are fractions k/q with q drawn from {10, 100, 3, 7, 9, 12} — as
// GENIUS evaluations divided by their maximum are — so that float64 sums
// would round. Red lines are added when constrained is set.
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
	for k := range parties {
		var a *Additive
		if coarse {
			a = &Additive{}
			for _, is := range p.Issues {
				a.Weights = append(a.Weights, float64(1+rng.IntN(4))/8)
				var v []float64
				for range is.Options {
					v = append(v, float64(rng.IntN(5))/4)
				}
				a.Values = append(a.Values, v)
			}
		} else {
			var ws []*big.Rat
			var vs [][]*big.Rat
			for _, is := range p.Issues {
				ws = append(ws, big.NewRat(int64(1+rng.IntN(1000)), 1000))
				q := []int64{10, 100, 3, 7, 9, 12}[rng.IntN(6)]
				var v []*big.Rat
				for range is.Options {
					v = append(v, big.NewRat(rng.Int64N(q+1), q))
				}
				vs = append(vs, v)
			}
			var err error
			if a, err = NewAdditive(ws, vs); err != nil {
				panic(err)
			}
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
					pa.RedLines = append(pa.RedLines, Constraint{Kind: MinUtility, Min: float64(rng.IntN(60)) / 100})
				}
			}
			pa.Reservation = float64(rng.IntN(50)) / 100
		}
		p.Parties = append(p.Parties, pa)
	}
	return p
}

// checkFrontier compares the merge with the exact reference: the same
// utility vectors (exact rationals), and for every point exactly the
// reference's packages (up to a limit), each feasible.
func checkFrontier(t *testing.T, p *Problem, ref *Reference) {
	t.Helper()
	f, err := p.Frontier()
	if err != nil {
		t.Fatal(err)
	}
	if ref == nil {
		if ref, err = p.Reference(); err != nil {
			t.Fatal(err)
		}
	}
	if f.Len() != len(ref.Frontier) {
		t.Fatalf("frontier has %d points, the exact reference %d:\nmerge %v\nreference %v", f.Len(), len(ref.Frontier), frontierVectors(f), refVectors(ref))
	}
	const limit = 1000
	for i := range f.Len() {
		got, want := f.ExactUtility(i), ref.Frontier[i].Utility
		if !slices.EqualFunc(got, want, func(a, b *big.Rat) bool { return a.Cmp(b) == 0 }) {
			t.Fatalf("point %d: %v, reference %v", i, got, want)
		}
		outs := f.Outcomes(i, limit)
		for _, o := range outs {
			if !p.Feasible(o) {
				t.Fatalf("point %d: witness %v crosses a red line", i, o)
			}
			for k, pa := range p.Parties {
				if u := pa.Utility.ExactUtility(o); u.Cmp(got[k]) != 0 {
					t.Fatalf("point %d: witness %v gives party %d utility %v, point says %v", i, o, k, u, got[k])
				}
			}
		}
		if !slices.Equal(f.Outcome(i), outs[0]) {
			t.Fatalf("point %d: Outcome %v is not the first of Outcomes %v", i, f.Outcome(i), outs[0])
		}
		if len(ref.Frontier[i].Outcomes) < limit {
			gotO := slices.Clone(outs)
			wantO := slices.Clone(ref.Frontier[i].Outcomes)
			cmpO := func(a, b Outcome) int { return slices.Compare(a, b) }
			slices.SortFunc(gotO, cmpO)
			slices.SortFunc(wantO, cmpO)
			if diff := cmp.Diff(wantO, gotO); diff != "" {
				t.Fatalf("point %d %v: tied packages differ (-reference +merge):\n%s", i, got, diff)
			}
		}
	}
}

func frontierVectors(f *Frontier) [][]float64 {
	var out [][]float64
	for i := range f.Len() {
		out = append(out, f.Utility(i))
	}
	return out
}

func refVectors(r *Reference) [][]float64 {
	var out [][]float64
	for _, pt := range r.Frontier {
		var u []float64
		for _, x := range pt.Utility {
			f, _ := x.Float64()
			u = append(u, f)
		}
		out = append(out, u)
	}
	return out
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
						checkFrontier(t, p, nil)
					}
				})
			}
		}
	}
}
