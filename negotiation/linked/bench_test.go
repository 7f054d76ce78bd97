package linked

import (
	"context"
	"fmt"
	"syscall"
	"testing"

	"github.com/parley-talks/parley/negotiation"
)

// benchJoint links tracks of 10⁶ packages each (6 themes × 10 options, two
// parties, negotiation.Generate with seeds 1, 2, 3). opposed makes each
// theme zero-sum (the second party's values are 1 − the first's), which
// makes the tracks' frontiers, and so the merge, far larger.
func benchJoint(b testing.TB, tracks int, opposed bool) *Joint {
	return benchJointParties(b, tracks, 2, opposed)
}

// benchJointParties is benchJoint with parties parties (a third party's
// weights are 0.4/0.4/0.2); opposed concerns the first two.
func benchJointParties(b testing.TB, tracks, parties int, opposed bool) *Joint {
	b.Helper()
	in := Input{Weights: Weights{"p0": {}, "p1": {}, "p2": {}}}
	if parties == 2 {
		delete(in.Weights, "p2")
	}
	for t := range tracks {
		s := negotiation.Generate(uint64(t+1), parties, 6, 10)
		if opposed {
			for issue, vs := range s.Profiles[0].Values {
				for o, v := range vs {
					s.Profiles[1].Values[issue][o] = 1 - v
				}
			}
		}
		for k := range s.Profiles {
			s.Profiles[k].Reservation = 0.3
		}
		p, err := s.Compile()
		if err != nil {
			b.Fatal(err)
		}
		name := fmt.Sprintf("track%d", t)
		in.Tracks = append(in.Tracks, Track{Name: name, Problem: p})
		in.Weights["p0"][name] = []float64{0.5, 0.3, 0.2}[t]
		in.Weights["p1"][name] = []float64{0.2, 0.5, 0.3}[t]
		if parties == 3 {
			in.Weights["p2"][name] = []float64{0.4, 0.4, 0.2}[t]
		}
	}
	j, err := New(in)
	if err != nil {
		b.Fatal(err)
	}
	return j
}

// BenchmarkJointAnalysis: frontier + Nash and Kalai–Smorodinsky + value of
// linkage (+ shares, themes, trades) of two linked tracks of 10⁶ packages
// (10¹² jointly) and three (10¹⁸), in process. Reports the joint
// frontier's size as "points". route=union is the merge over the union of
// the themes (used without minimum-utility red lines), route=tracks the
// merge of the tracks' frontiers (used with them).
func BenchmarkJointAnalysis(b *testing.B) {
	for _, opposed := range []bool{false, true} {
		for _, tracks := range []int{2, 3} {
			for _, route := range []string{"union", "tracks"} {
				j := benchJoint(b, tracks, opposed)
				b.Run(fmt.Sprintf("opposed=%v/tracks=%d/size=1e%d/route=%s", opposed, tracks, 6*tracks, route), func(b *testing.B) {
					benchAnalyze(b, j, Options{trackMerge: route == "tracks"})
				})
			}
		}
	}
}

// benchAnalyze runs Analyze and reports, beside the wall time, the
// process's CPU time per operation ("cpu-ms/op", user + system, the
// garbage collector's included): on a shared machine the wall time
// counts the other processes' turns, the CPU time does not.
func benchAnalyze(b *testing.B, j *Joint, opt Options) {
	b.ReportAllocs()
	var points int
	cpu0 := cpuTime()
	for b.Loop() {
		r, err := j.Analyze(context.Background(), opt)
		if err != nil {
			b.Fatal(err)
		}
		if r.Nash == nil {
			b.Fatal("no joint Nash point")
		}
		points = len(r.Frontier)
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(points), "points")
}

// cpuTime returns the process's user + system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkJointAnalysis3: the same with three parties (the merge filters
// candidates by a dominance sweep, O(N log N), instead of a run merge).
func BenchmarkJointAnalysis3(b *testing.B) {
	for _, tracks := range []int{2, 3} {
		j := benchJointParties(b, tracks, 3, false)
		b.Run(fmt.Sprintf("parties=3/tracks=%d/size=1e%d", tracks, 6*tracks), func(b *testing.B) {
			benchAnalyze(b, j, Options{})
		})
	}
}

// BenchmarkUnionFrontier is the merge alone: the joint frontier and
// bargaining points by negotiation's theme-by-theme merge over the union
// of the tracks' themes, without the tracks' own analyses and the report.
func BenchmarkUnionFrontier(b *testing.B) {
	for _, opposed := range []bool{false, true} {
		for _, tracks := range []int{2, 3} {
			j := benchJoint(b, tracks, opposed)
			e, err := newEngine(context.Background(), j, 0, nil, false)
			if err != nil {
				b.Fatal(err)
			}
			u, _, err := e.union()
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("opposed=%v/tracks=%d/size=1e%d", opposed, tracks, 6*tracks), func(b *testing.B) {
				var points int
				for b.Loop() {
					f, err := u.Frontier()
					if err != nil {
						b.Fatal(err)
					}
					if _, err := f.Bargains(u.Reservations(), DefaultTieLimit); err != nil {
						b.Fatal(err)
					}
					points = f.Len()
				}
				b.ReportMetric(float64(points), "points")
			})
		}
	}
}
