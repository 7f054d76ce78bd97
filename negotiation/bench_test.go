package negotiation

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"
)

// Benchmarks on the generator NegMAS was measured with (Generate: k issues ×
// m options, U(0,1) weights normalised to sum 1, U(0,1) values, reservation
// 0, seed 1). Each reports the frontier's size as "points". See
// BENCHMARKS.md for the commands and figures.

func benchProblem(b *testing.B, parties, issues, options int) *Problem {
	b.Helper()
	p, err := Generate(1, parties, issues, options).Compile()
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkFrontierAndPoints: frontier + the four bargaining points, merge
// against brute force, 10^3 … 10^6 packages (k × 10).
func BenchmarkFrontierAndPoints(b *testing.B) {
	for _, parties := range []int{2, 3, 4} {
		for _, k := range []int{3, 4, 5, 6} {
			p := benchProblem(b, parties, k, 10)
			d := p.Reservations()
			b.Run(fmt.Sprintf("parties=%d/size=1e%d/merge", parties, k), func(b *testing.B) {
				b.ReportAllocs()
				var points int
				for b.Loop() {
					f, err := p.Frontier()
					if err != nil {
						b.Fatal(err)
					}
					if _, err := f.Bargains(d, 20); err != nil {
						b.Fatal(err)
					}
					points = f.Len()
				}
				b.ReportMetric(float64(points), "points")
			})
			b.Run(fmt.Sprintf("parties=%d/size=1e%d/brute", parties, k), func(b *testing.B) {
				b.ReportAllocs()
				var points int
				for b.Loop() {
					bp, err := p.BruteForceFrontier()
					if err != nil {
						b.Fatal(err)
					}
					bruteBargains(bp, d)
					points = len(bp)
				}
				b.ReportMetric(float64(points), "points")
			})
		}
	}
}

// bruteBargains picks the four points over the brute-force frontier, for the
// benchmark's brute-force side.
func bruteBargains(bp []BrutePoint, d []float64) [4]int {
	var best [4]int
	var val [4]float64
	for j := range val {
		val[j] = -1
	}
	ideal := make([]float64, len(d))
	for _, p := range bp {
		for k, x := range p.Utility {
			ideal[k] = max(ideal[k], x)
		}
	}
	for i, p := range bp {
		nash, ks, sum, mini := 1.0, math.Inf(1), 0.0, math.Inf(1)
		for k, x := range p.Utility {
			nash *= max(x-d[k], 0)
			if ideal[k] > d[k] {
				ks = min(ks, (x-d[k])/(ideal[k]-d[k]))
			}
			sum += x
			mini = min(mini, x)
		}
		v := [4]float64{nash, ks, sum, mini}
		for j := range v {
			if v[j] > val[j] {
				val[j], best[j] = v[j], i
			}
		}
	}
	return best
}

// BenchmarkMerge: the merge alone on spaces no enumerator reaches.
func BenchmarkMerge(b *testing.B) {
	for _, c := range []struct{ parties, issues, options int }{
		{2, 20, 8}, {2, 30, 10}, {2, 50, 10}, {3, 12, 10}, {3, 20, 10}, {4, 9, 10}, {4, 12, 10},
	} {
		p := benchProblem(b, c.parties, c.issues, c.options)
		b.Run(fmt.Sprintf("parties=%d/%dx%d", c.parties, c.issues, c.options), func(b *testing.B) {
			b.ReportAllocs()
			var points int
			for b.Loop() {
				f, err := p.Frontier()
				if err != nil {
					b.Fatal(err)
				}
				points = f.Len()
			}
			b.ReportMetric(float64(points), "points")
		})
	}
}

// BenchmarkZone: the zone count with every reservation at r, exact (pruned
// enumeration or meet in the middle) up to its reach, bounds beyond.
func BenchmarkZone(b *testing.B) {
	for _, c := range []struct {
		parties, issues int
		r               float64
	}{
		{2, 6, 0.6}, {2, 9, 0.6}, {2, 12, 0.6}, {2, 20, 0.6}, {2, 50, 0.6}, {3, 6, 0.5}, {3, 9, 0.5}, {3, 10, 0.5}, {3, 11, 0.5}, {3, 12, 0.5}, {3, 20, 0.5}, {4, 6, 0.4}, {4, 12, 0.4},
	} {
		p := benchProblem(b, c.parties, c.issues, 10)
		for k := range p.Parties {
			p.Parties[k].Reservation = c.r
		}
		b.Run(fmt.Sprintf("parties=%d/size=1e%d/r=%v", c.parties, c.issues, c.r), func(b *testing.B) {
			b.ReportAllocs()
			var z *ZoneCount
			for b.Loop() {
				var err error
				z, err = p.CountZone(ZoneOptions{})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.Logf("%s: exact=%v count=%v lower=%v upper=%v estimate=%v", z.Method, z.Exact, z.Count, z.Lower, z.Upper, z.Estimate)
		})
	}
}

// BenchmarkFrontierBudget: the frontier of 4 parties over 10^20 packages
// (the exact one has about 600,000 points and takes minutes) under a 10 s
// budget: the time, the points and the ε of the ε-frontier returned.
func BenchmarkFrontierBudget(b *testing.B) {
	for _, c := range []struct{ parties, issues int }{{3, 20}, {4, 12}, {4, 16}, {4, 20}} {
		p := benchProblem(b, c.parties, c.issues, 10)
		b.Run(fmt.Sprintf("parties=%d/size=1e%d", c.parties, c.issues), func(b *testing.B) {
			var f *Frontier
			for b.Loop() {
				var err error
				if f, err = p.FrontierContext(context.Background(), 10*time.Second); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(f.Len()), "points")
			eps := 0.0
			for _, e := range f.Epsilon() {
				eps = max(eps, e)
			}
			b.ReportMetric(eps, "max-ε")
		})
	}
}
