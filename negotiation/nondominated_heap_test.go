package negotiation

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMergeRunsHeap: the heap merge of many runs yields the vectors in the
// same order as the scan over the heads, for run counts around heapRuns
// and runs that are shifted frontiers (u0 falling, u1 rising) with coarse
// values, so that runs tie on u0 and on both coordinates.
func TestMergeRunsHeap(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 15))
	for _, runs := range []int{heapRuns + 1, heapRuns + 2, 40, 300} {
		for _, runLen := range []int{1, 2, 7, 50} {
			for range 20 {
				u := make([]num, 0, 2*runs*runLen)
				for range runs { // a shifted frontier: u0 falls, u1 rises
					x0, x1 := uint64(rng.IntN(200)+200), uint64(rng.IntN(30))
					for range runLen {
						u = append(u, num{lo: x0}, num{lo: x1})
						x0 -= uint64(1 + rng.IntN(3))
						x1 += uint64(1 + rng.IntN(3))
					}
				}
				count := runs * runLen
				var scan, heap ndScratch
				want := slices.Clone(scan.mergeRunsScan(u, count, runs))
				got := heap.mergeRuns2(u, count, runs)
				if len(got) != count {
					t.Fatalf("runs=%d len=%d: %d candidates out of %d", runs, runLen, len(got), count)
				}
				seen := make([]bool, count)
				for k := range got {
					if seen[got[k]] {
						t.Fatalf("runs=%d len=%d: candidate %d twice", runs, runLen, got[k])
					}
					seen[got[k]] = true
					if u[2*got[k]] != u[2*want[k]] || u[2*got[k]+1] != u[2*want[k]+1] {
						t.Fatalf("runs=%d len=%d: position %d differs", runs, runLen, k)
					}
				}
			}
		}
	}
}
