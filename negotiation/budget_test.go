package negotiation

import (
	"context"
	"errors"
	"math/big"
	"testing"
	"time"
)

// hardProblem is an analysis that takes minutes without a budget: four
// parties over 10^20 packages with a cross-issue rule and reservations
// that make the zone count fall through to bounds.
func hardProblem(t testing.TB) *Problem {
	t.Helper()
	s := Generate(3, 4, 20, 10)
	s.Profiles[0].RedLines = []RedLine{{Kind: KindRule, Issue: "i0", Option: "v0", Then: "i1", In: []string{"v1", "v2"}}}
	for k := range s.Profiles {
		s.Profiles[k].Reservation = 0.45
	}
	p, err := s.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAnalyzeCancelled: an analysis whose context is cancelled returns
// ctx's error and no report, promptly (the latency itself is measured by
// BenchmarkCancelLatency).
func TestAnalyzeCancelled(t *testing.T) {
	p := hardProblem(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		r, err := p.AnalyzeContext(ctx, AnalyzeOptions{})
		if r != nil {
			err = errors.New("a report came back from a cancelled analysis")
		}
		done <- err
	}()
	time.Sleep(300 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second): // a generous bound for a loaded machine
		t.Fatal("the analysis went on for 5 s after its context was cancelled")
	}
}

// TestAnalyzeBudget: past its budget the analysis still answers, saying
// it is incomplete, with exact zone bounds around a labelled estimate.
func TestAnalyzeBudget(t *testing.T) {
	p := hardProblem(t)
	r, err := p.AnalyzeContext(context.Background(), AnalyzeOptions{Budget: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if r.Complete || len(r.Notes) == 0 {
		t.Fatalf("complete %v, notes %q: want an incomplete report that says why", r.Complete, r.Notes)
	}
	z := r.AgreementZone
	if z.Exact || z.Count != nil || z.Estimate == nil {
		t.Fatalf("zone %+v: want bounds and an estimate", z)
	}
	lo, _ := new(big.Int).SetString(z.Lower, 10)
	hi, _ := new(big.Int).SetString(z.Upper, 10)
	est, _ := new(big.Int).SetString(z.Estimate.Value, 10)
	if lo.Cmp(est) > 0 || est.Cmp(hi) > 0 || hi.Cmp(p.Size()) > 0 {
		t.Fatalf("zone bounds %v ≤ %v ≤ %v out of order (space %v)", lo, est, hi, p.Size())
	}
	if len(r.Frontier) == 0 || len(r.FrontierEpsilon) != 4 {
		t.Fatalf("%d frontier points, ε %v: want an ε-frontier", len(r.Frontier), r.FrontierEpsilon)
	}
	if len(r.Blockers) != 5 { // one red line, four reservations
		t.Fatalf("%d blockers, want all 5 relaxations", len(r.Blockers))
	}
}

// TestEpsilonFrontier: a frontier thinned from its first level on covers
// the exact one within its ε — every exact point x has a thinned point y
// with y ≥ x − ε — and every thinned point is a real package.
func TestEpsilonFrontier(t *testing.T) {
	p, err := Generate(2, 4, 6, 10).Compile()
	if err != nil {
		t.Fatal(err)
	}
	exact, err := p.Frontier()
	if err != nil {
		t.Fatal(err)
	}
	defer func(c int) { thinCap = c }(thinCap)
	thinCap = 300
	late := &stopper{ctx: context.Background()}
	late.expired.Store(true) // over budget from the start
	approx, err := p.frontier(late)
	if err != nil {
		t.Fatal(err)
	}
	eps := approx.Epsilon()
	if eps == nil || approx.Len() >= exact.Len() {
		t.Fatalf("ε %v, %d points against %d exact: the budget did not thin the frontier", eps, approx.Len(), exact.Len())
	}
	for j := range approx.Len() {
		o := approx.Outcome(j)
		for k, pa := range p.Parties {
			if pa.Utility.ExactUtility(o).Cmp(approx.ExactUtility(j)[k]) != 0 {
				t.Fatalf("point %d: witness %v does not reach it", j, o)
			}
		}
	}
	n := len(p.Parties)
	for i := range exact.Len() {
		x := exact.at(i)
		covered := false
		for j := 0; j < approx.Len() && !covered; j++ {
			y := approx.at(j)
			covered = true
			for k := range n {
				if y[k].add(approx.eps[k]).less(x[k]) {
					covered = false
					break
				}
			}
		}
		if !covered {
			t.Fatalf("exact point %v is not within ε %v of the ε-frontier", exact.Utility(i), eps)
		}
	}
}

// BenchmarkCancelLatency measures the time from cancelling an analysis's
// context to its return (ns/op), on hardProblem, cancelled after 200 ms.
func BenchmarkCancelLatency(b *testing.B) {
	p := hardProblem(b)
	var worst time.Duration
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan time.Time, 1)
		go func() {
			p.AnalyzeContext(ctx, AnalyzeOptions{})
			done <- time.Now()
		}()
		time.Sleep(200 * time.Millisecond)
		b.StopTimer()
		start := time.Now()
		cancel()
		lat := (<-done).Sub(start)
		worst = max(worst, lat)
		b.ReportMetric(float64(lat.Microseconds())/1000, "ms-to-stop")
		b.StartTimer()
	}
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
}
