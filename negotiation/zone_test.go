package negotiation

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
)

// bruteZone counts the accepted packages by enumeration.
func bruteZone(p *Problem) int64 {
	o := make(Outcome, len(p.Issues))
	var n int64
	accepts := p.acceptor()
	var rec func(i int)
	rec = func(i int) {
		if i == len(o) {
			if accepts(o) {
				n++
			}
			return
		}
		for x := range p.Issues[i].Options {
			o[i] = x
			rec(i + 1)
		}
	}
	rec(0)
	return n
}

func TestCountZoneMatchesBruteForce(t *testing.T) {
	methods := []struct {
		name string
		opt  ZoneOptions
	}{
		{"default", ZoneOptions{}},
		{"forced-mitm", ZoneOptions{NodeBudget: 1}}, // two parties fall through to meet in the middle
	}
	for _, parties := range []int{2, 3, 4} {
		for _, m := range methods {
			t.Run(fmt.Sprintf("parties=%d/%s", parties, m.name), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(parties), 7))
				byMethod := map[string]int{}
				for trial := range 400 {
					p := randomProblem(rng, parties, 6, 5, trial%2 == 0, true)
					for k := range p.Parties {
						p.Parties[k].Reservation = rng.Float64() * 0.7
					}
					want := bruteZone(p)
					got, err := p.CountZone(m.opt)
					if err != nil {
						t.Fatal(err)
					}
					byMethod[got.Method]++
					if parties > 3 && m.opt.NodeBudget == 1 {
						continue // bounds only; TestCountZoneBounds checks them
					}
					if !got.Exact || got.Count.Cmp(big.NewInt(want)) != 0 {
						t.Fatalf("trial %d: CountZone = %+v (exact %v, %s), brute force %d", trial, got.Count, got.Exact, got.Method, want)
					}
				}
				if parties <= 3 && m.opt.NodeBudget == 1 && byMethod["meet in the middle"] < 100 {
					t.Fatalf("meet in the middle ran only %d times: %v", byMethod["meet in the middle"], byMethod)
				}
			})
		}
	}
}

// TestCountZoneBounds starves the search so that it must stop with bounds:
// they must hold, the estimate must lie between them, and nothing may be
// presented as exact.
func TestCountZoneBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	stopped := 0
	for trial := range 300 {
		p := randomProblem(rng, 2+trial%3, 7, 5, false, trial%2 == 0)
		for k := range p.Parties {
			p.Parties[k].Reservation = 0.3 + rng.Float64()*0.3
		}
		want := big.NewInt(bruteZone(p))
		got, err := p.CountZone(ZoneOptions{NodeBudget: 50, LevelCap: 5, HalfLimit: 1, GridStates: 1 << 12, Samples: 500})
		if err != nil {
			t.Fatal(err)
		}
		if got.Exact {
			if got.Count.Cmp(want) != 0 {
				t.Fatalf("trial %d: exact count %v, brute force %v", trial, got.Count, want)
			}
			continue
		}
		stopped++
		if got.Count != nil {
			t.Fatalf("trial %d: inexact result carries a count", trial)
		}
		if got.Lower.Cmp(want) > 0 || got.Upper.Cmp(want) < 0 {
			t.Fatalf("trial %d: bounds [%v, %v] miss the count %v", trial, got.Lower, got.Upper, want)
		}
		if got.Estimate.Cmp(got.Lower) < 0 || got.Estimate.Cmp(got.Upper) > 0 || got.Samples <= 0 || got.Samples%500 != 0 {
			t.Fatalf("trial %d: estimate %v (%d samples) outside [%v, %v]", trial, got.Estimate, got.Samples, got.Lower, got.Upper)
		}
		if got.Method != "bounds and sampling" {
			t.Fatalf("trial %d: method %q", trial, got.Method)
		}
	}
	if stopped < 50 {
		t.Fatalf("only %d of 300 searches stopped on the budget; the test does not exercise bounds", stopped)
	}
}

// TestGridBounds checks the rounded dynamic programmes alone: lower ≤
// count ≤ upper on every branch, for grids from coarse to fine, and the
// bounds meet the count more closely as the grid refines.
func TestGridBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	gapCoarse, gapFine := new(big.Int), new(big.Int)
	for trial := range 300 {
		p := randomProblem(rng, 2+trial%3, 6, 5, trial%4 == 0, false)
		for k := range p.Parties {
			p.Parties[k].Reservation = 0.2 + rng.Float64()*0.5
		}
		want := big.NewInt(bruteZone(p))
		z := p.newZoneBranch(p.issueOptions())
		var gaps []*big.Int
		for _, states := range []int{1 << 8, 1 << 16} {
			lo, hi, ok := z.gridBounds(states, nil)
			if !ok {
				continue
			}
			if lo.Cmp(want) > 0 || hi.Cmp(want) < 0 {
				t.Fatalf("trial %d, %d states: bounds [%v, %v] miss the count %v", trial, states, lo, hi, want)
			}
			gaps = append(gaps, new(big.Int).Sub(hi, lo))
		}
		if len(gaps) == 2 { // compare where both grids apply
			gapCoarse.Add(gapCoarse, gaps[0])
			gapFine.Add(gapFine, gaps[1])
		}
	}
	if gapFine.Cmp(gapCoarse) >= 0 || gapCoarse.Sign() == 0 {
		t.Fatalf("total gap %v with the fine grid, %v with the coarse one", gapFine, gapCoarse)
	}
}
