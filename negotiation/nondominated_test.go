package negotiation

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// naiveND is the O(N²) definition: x is kept iff no y ≥ x with y ≠ x; equal
// vectors are ties of the first of them. It returns the kept candidates
// sorted lexicographically decreasing and, per kept candidate, its ties.
func naiveND(u []num, n, count int) (keep []int32, ties map[int32][]int32) {
	at := func(c int) []num { return u[c*n : c*n+n] }
	ties = map[int32][]int32{}
	for c := range count {
		x := at(c)
		dominated, dup := false, -1
		for d := range count {
			y := at(d)
			if slices.Equal(x, y) {
				if d < c && dup < 0 {
					dup = d
				}
				continue
			}
			ge := true
			for i := range x {
				if y[i].less(x[i]) {
					ge = false
					break
				}
			}
			if ge {
				dominated = true
				break
			}
		}
		switch {
		case dominated:
		case dup >= 0:
			ties[int32(dup)] = append(ties[int32(dup)], int32(c))
		default:
			keep = append(keep, int32(c))
		}
	}
	slices.SortFunc(keep, func(a, b int32) int { return lexDesc(u, n, a, b) })
	return keep, ties
}

// TestFilters checks every filter (2-D sort and run merge, 3-D Fenwick,
// general list, k-d tree) against the definition on random sets with many
// exact duplicates and shared coordinates.
func TestFilters(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var s ndScratch
	for _, n := range []int{1, 2, 3, 4, 5} {
		for _, count := range []int{0, 1, 2, 10, 63, 64, 65, 300} {
			for _, grid := range []int{3, 10, 0} {
				t.Run(fmt.Sprintf("n=%d/count=%d/grid=%d", n, count, grid), func(t *testing.T) {
					for range 20 {
						u := make([]num, count*n)
						for i := range u {
							if grid > 0 {
								u[i] = num{lo: uint64(rng.IntN(grid))}
							} else {
								u[i] = num{rng.Uint64N(3), rng.Uint64()}
							}
						}
						wantKeep, wantTies := naiveND(u, n, count)
						s.filter(u, n, count, 1)
						gotKeep := slices.Clone(s.keep)
						// Compare kept vectors (which duplicate is the
						// representative may differ) and tie counts.
						vec := func(keep []int32) [][]num {
							var out [][]num
							for _, c := range keep {
								out = append(out, u[int(c)*n:int(c)*n+n])
							}
							return out
						}
						if diff := cmp.Diff(vec(wantKeep), vec(gotKeep), cmp.AllowUnexported(num{})); diff != "" {
							t.Fatalf("kept vectors differ (-naive +filter):\n%s", diff)
						}
						gotTies := make([]int, len(gotKeep))
						for _, pos := range s.tiePos {
							gotTies[pos]++
						}
						for j, c := range wantKeep {
							if len(wantTies[c]) != gotTies[j] {
								t.Fatalf("point %v: %d ties, want %d", vec(wantKeep)[j], gotTies[j], len(wantTies[c]))
							}
						}
					}
				})
			}
		}
	}
}

// TestRunMerge2 checks the two-party run merge: runs are shifted copies of
// a staircase, as in the frontier merge, including shifts that make
// coordinates collide.
func TestRunMerge2(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var s ndScratch
	for trial := range 2000 {
		// A staircase: u0 decreasing, u1 increasing, on a coarse grid.
		var stair []num
		x0, x1 := uint64(40), uint64(0)
		for range 1 + rng.IntN(8) {
			stair = append(stair, num{lo: x0}, num{lo: x1})
			x0 -= uint64(1 + rng.IntN(3))
			x1 += uint64(1 + rng.IntN(3))
		}
		f := len(stair) / 2
		runs := 1 + rng.IntN(4)
		var u []num
		for range runs {
			d0, d1 := num{lo: uint64(rng.IntN(4))}, num{lo: uint64(rng.IntN(4))}
			for j := range f {
				u = append(u, stair[2*j].add(d0), stair[2*j+1].add(d1))
			}
		}
		wantKeep, _ := naiveND(u, 2, len(u)/2)
		s.filter(u, 2, len(u)/2, runs)
		var got, want [][]num
		for _, c := range s.keep {
			got = append(got, u[2*c:2*c+2])
		}
		for _, c := range wantKeep {
			want = append(want, u[2*c:2*c+2])
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(num{})); diff != "" {
			t.Fatalf("trial %d: (-naive +merge):\n%s", trial, diff)
		}
	}
}
