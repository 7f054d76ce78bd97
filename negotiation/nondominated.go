package negotiation

import (
	"slices"
)

// This file holds the undominated-set filters ND used by the merge. Points
// are maximised; y dominates x when y_i ≥ x_i for every party and y ≠ x.
// Coordinates are exact numerators (see exact.go), so equality is exact:
// equal vectors are ties, not dominance, and are reported as such.
//
// Every filter writes the kept candidates in lexicographically decreasing
// order of their vectors into s.keep, and each tie as a pair (position in
// keep, candidate) into s.tiePos/s.tieCand.

// ndScratch holds the reusable buffers of the filters, so that a merge
// allocates only its output.
type ndScratch struct {
	keep    []int32
	tiePos  []int32
	tieCand []int32
	ord     []int32
	heads   []int32
	keys    []num
	fen     []num
	fenSet  []bool
	kept    []num
	kd      kdTree

	// stop, when set, interrupts a filter: once it is done, the filter
	// sets aborted and returns early with a partial result.
	stop       *stopper
	onlyCancel bool // poll for cancellation only, not for the budget
	aborted    bool
	tick       int
}

// halt polls stop every 4096 calls and reports whether the filter must
// return.
func (s *ndScratch) halt() bool {
	if s.aborted {
		return true
	}
	if s.tick++; s.tick&4095 == 0 {
		s.aborted = s.stop.cancelled() || (!s.onlyCancel && s.stop.done())
	}
	return s.aborted
}

func (s *ndScratch) reset() {
	s.keep = s.keep[:0]
	s.tiePos = s.tiePos[:0]
	s.tieCand = s.tieCand[:0]
}

// lexDesc compares the n-vectors of candidates a and b in u, decreasing.
func lexDesc(u []num, n int, a, b int32) int {
	x, y := u[int(a)*n:int(a)*n+n], u[int(b)*n:int(b)*n+n]
	for i := range n {
		if c := y[i].cmp(x[i]); c != 0 {
			return c
		}
	}
	return int(a - b) // stable: earlier candidate first among equals
}

// sortedOrder returns the candidates 0..count−1 in lexicographically
// decreasing order: O(N log N) comparisons.
func (s *ndScratch) sortedOrder(u []num, n, count int) []int32 {
	s.ord = s.ord[:0]
	for c := range count {
		s.ord = append(s.ord, int32(c))
	}
	slices.SortFunc(s.ord, func(a, b int32) int {
		if s.halt() {
			return 0 // interrupted: finish the sort cheaply, the result is discarded
		}
		return lexDesc(u, n, a, b)
	})
	return s.ord
}

// filter keeps the undominated candidates among count vectors of n
// coordinates in u. When runs > 1, the candidates form runs equal-length
// runs, each already in lexicographically decreasing order of u[0] (the
// shifted copies of a frontier), which the 2-party filter merges in
// O(N·runs) instead of sorting.
func (s *ndScratch) filter(u []num, n, count, runs int) {
	s.reset()
	if count == 0 {
		return
	}
	switch {
	case n == 2 && runs > 1:
		s.sweep2(u, s.mergeRuns2(u, count, runs))
	case n == 2:
		s.sweep2(u, s.sortedOrder(u, 2, count))
	case n == 3:
		s.filter3(u, s.sortedOrder(u, 3, count))
	case n < 4 || count <= 64:
		s.filterN(u, n, s.sortedOrder(u, n, count))
	default:
		s.filterKD(u, n, s.sortedOrder(u, n, count))
	}
}

// mergeRuns2 merges runs sorted by (u0 desc) into one order by (u0 desc,
// u1 desc), choosing among the run heads: O(N·runs) by scanning the heads
// when there are few runs (an issue's options), O(N·log runs) with a
// binary heap of the heads when there are many (a joint merge, where the
// runs are a track's frontier points).
func (s *ndScratch) mergeRuns2(u []num, count, runs int) []int32 {
	runLen := count / runs
	if runLen*runs != count {
		panic("negotiation: runs of unequal length")
	}
	s.heads = s.heads[:0]
	for r := range runs {
		s.heads = append(s.heads, int32(r*runLen))
	}
	s.ord = s.ord[:0]
	if runs > heapRuns {
		return s.mergeRunsHeap(u, runLen)
	}
	return s.scanRuns(u, count, runLen)
}

// mergeRunsScan is mergeRuns2 by scanning the heads whatever the number of
// runs (the tests' reference for the heap).
func (s *ndScratch) mergeRunsScan(u []num, count, runs int) []int32 {
	runLen := count / runs
	s.heads = s.heads[:0]
	for r := range runs {
		s.heads = append(s.heads, int32(r*runLen))
	}
	s.ord = s.ord[:0]
	return s.scanRuns(u, count, runLen)
}

// scanRuns merges by choosing the best of the heads each time: O(N·runs).
func (s *ndScratch) scanRuns(u []num, count, runLen int) []int32 {
	for range count {
		if s.halt() {
			return s.ord
		}
		best := -1
		var b0, b1 num
		for r, h := range s.heads {
			if int(h) == (r+1)*runLen {
				continue
			}
			x0, x1 := u[2*h], u[2*h+1]
			if best < 0 || b0.less(x0) || (x0 == b0 && b1.less(x1)) {
				best, b0, b1 = r, x0, x1
			}
		}
		s.ord = append(s.ord, s.heads[best])
		s.heads[best]++
	}
	return s.ord
}

// heapRuns is the number of runs above which mergeRuns2 keeps its heads in
// a heap.
const heapRuns = 16

// mergeRunsHeap is mergeRuns2 with s.heads as a binary max-heap of the
// runs' current candidates (a run's end is runLen past its start, so a
// head h belongs to run h/runLen). O(N·log runs).
func (s *ndScratch) mergeRunsHeap(u []num, runLen int) []int32 {
	h := s.heads
	above := func(a, b int32) bool { // a before b: u0 greater, then u1 greater
		a0, b0 := u[2*a], u[2*b]
		if a0 != b0 {
			return b0.less(a0)
		}
		return u[2*b+1].less(u[2*a+1])
	}
	down := func(i int) {
		for {
			l, best := 2*i+1, i
			if l < len(h) && above(h[l], h[best]) {
				best = l
			}
			if r := l + 1; r < len(h) && above(h[r], h[best]) {
				best = r
			}
			if best == i {
				return
			}
			h[i], h[best] = h[best], h[i]
			i = best
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	for len(h) > 0 {
		if s.halt() {
			break
		}
		top := h[0]
		s.ord = append(s.ord, top)
		if next := top + 1; int(next)%runLen != 0 {
			h[0] = next
		} else {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
	s.heads = h
	return s.ord
}

// sweep2 is the 2-party filter over candidates in order of u0 decreasing
// (ties on u0 may come in any order of u1): the kept points form a
// staircase, u0 decreasing and u1 increasing, so a candidate is dominated iff
// the last kept point has u1 ≥ its own. O(N).
func (s *ndScratch) sweep2(u []num, order []int32) {
	for _, c := range order {
		if s.halt() {
			return
		}
		x0, x1 := u[2*c], u[2*c+1]
		if len(s.keep) > 0 {
			k := s.keep[len(s.keep)-1]
			k0, k1 := u[2*k], u[2*k+1]
			if x0 == k0 && x1 == k1 {
				s.tiePos = append(s.tiePos, int32(len(s.keep)-1))
				s.tieCand = append(s.tieCand, c)
				continue
			}
			if !k1.less(x1) {
				continue // k0 ≥ x0, k1 ≥ x1, k ≠ x
			}
			// x1 > k1: x is kept; kept points with the same u0 (two
			// runs may reach the same u0) are dominated by x.
			for len(s.keep) > 0 && u[2*s.keep[len(s.keep)-1]] == x0 {
				s.popKeep()
			}
		}
		s.keep = append(s.keep, c)
	}
}

// popKeep removes the last kept point and its ties.
func (s *ndScratch) popKeep() {
	last := int32(len(s.keep) - 1)
	for len(s.tiePos) > 0 && s.tiePos[len(s.tiePos)-1] == last {
		s.tiePos = s.tiePos[:len(s.tiePos)-1]
		s.tieCand = s.tieCand[:len(s.tieCand)-1]
	}
	s.keep = s.keep[:last]
}

// filter3 is the 3-party filter over candidates in lexicographically
// decreasing order: every earlier point has y0 ≥ x0, so x is dominated iff
// an earlier kept point has y1 ≥ x1 and y2 ≥ x2, i.e. iff max{y2 : y1 ≥ x1}
// ≥ x2, a prefix maximum over u1 ranks kept in a Fenwick tree. O(N log N).
func (s *ndScratch) filter3(u []num, order []int32) {
	// Distinct u1 values, increasing; Fenwick position m − index, so that
	// the prefix 1..pos(x) holds the values ≥ x.
	s.keys = s.keys[:0]
	for _, c := range order {
		s.keys = append(s.keys, u[3*c+1])
	}
	slices.SortFunc(s.keys, num.cmp)
	s.keys = slices.Compact(s.keys)
	m := len(s.keys)
	s.fen = slices.Grow(s.fen[:0], m+1)[:m+1]
	s.fenSet = slices.Grow(s.fenSet[:0], m+1)[:m+1]
	clear(s.fenSet)
	rank := func(x num) int {
		i, _ := slices.BinarySearchFunc(s.keys, x, num.cmp)
		return m - i
	}
	for _, c := range order {
		if s.halt() {
			return
		}
		x0, x1, x2 := u[3*c], u[3*c+1], u[3*c+2]
		if len(s.keep) > 0 {
			k := s.keep[len(s.keep)-1]
			if u[3*k] == x0 && u[3*k+1] == x1 && u[3*k+2] == x2 {
				s.tiePos = append(s.tiePos, int32(len(s.keep)-1))
				s.tieCand = append(s.tieCand, c)
				continue
			}
		}
		r := rank(x1)
		dominated := false
		for i := r; i > 0; i -= i & -i {
			if s.fenSet[i] && !s.fen[i].less(x2) {
				dominated = true
				break
			}
		}
		if dominated {
			continue
		}
		s.keep = append(s.keep, c)
		for i := r; i <= m; i += i & -i {
			if !s.fenSet[i] || s.fen[i].less(x2) {
				s.fen[i], s.fenSet[i] = x2, true
			}
		}
	}
}

// filterN is the general filter over candidates in lexicographically
// decreasing order: x is compared with the kept points (stored contiguously)
// and dropped at the first that dominates it. O(N·K) for K kept points, far
// less in practice because most candidates are dominated early.
func (s *ndScratch) filterN(u []num, n int, order []int32) {
	s.kept = s.kept[:0]
	for _, c := range order {
		if s.halt() {
			return
		}
		x := u[int(c)*n : int(c)*n+n]
		if nk := len(s.keep); nk > 0 && slices.Equal(s.kept[(nk-1)*n:nk*n], x) {
			s.tiePos = append(s.tiePos, int32(nk-1))
			s.tieCand = append(s.tieCand, c)
			continue
		}
		if dominatedBy(s.kept, n, x) {
			continue
		}
		s.keep = append(s.keep, c)
		s.kept = append(s.kept, x...)
	}
}

// dominatedBy reports whether some vector in kept (n per vector) is ≥ x in
// every coordinate. The caller guarantees none equals x.
func dominatedBy(kept []num, n int, x []num) bool {
	for j := 0; j < len(kept); j += n {
		y := kept[j : j+n]
		ok := true
		for i, xi := range x {
			if y[i].less(xi) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// filterKD is the filter for four or more parties over candidates in
// lexicographically decreasing order: every kept point y already has y0 ≥
// x0, so x is dominated iff some kept y has y_i ≥ x_i for i ≥ 1, a
// dominance query answered by a k-d tree over coordinates 1..n−1 whose
// nodes carry the maximum corner of their subtree. A subtree is skipped
// when its corner is below x in some coordinate, or, for the left subtree
// (values < the node's on the split coordinate), when the node's value is
// already below x there. Expected cost about O(N·K^(1−1/(n−1))) instead of
// O(N·K) for filterN.
func (s *ndScratch) filterKD(u []num, n int, order []int32) {
	s.kept = s.kept[:0]
	t := &s.kd
	t.reset(n)
	for _, c := range order {
		if s.halt() {
			return
		}
		x := u[int(c)*n : int(c)*n+n]
		if nk := len(s.keep); nk > 0 && slices.Equal(s.kept[(nk-1)*n:nk*n], x) {
			s.tiePos = append(s.tiePos, int32(nk-1))
			s.tieCand = append(s.tieCand, c)
			continue
		}
		if t.dominated(s.kept, x) {
			continue
		}
		s.keep = append(s.keep, c)
		s.kept = append(s.kept, x...)
		t.insert(s.kept, int32(len(s.keep)-1))
	}
}

// kdTree indexes kept points (by their position in ndScratch.kept) for
// dominance queries on coordinates 1..n−1.
type kdTree struct {
	n           int
	left, right []int32 // children, −1 when none
	corner      []num   // n per node: the maximum over the subtree
	stack       []int32
}

func (t *kdTree) reset(n int) {
	t.n = n
	t.left, t.right, t.corner = t.left[:0], t.right[:0], t.corner[:0]
}

// insert adds kept point j (node j) below the root, splitting on
// coordinate 1 + depth mod (n−1). O(depth).
func (t *kdTree) insert(kept []num, j int32) {
	n := t.n
	x := kept[int(j)*n : int(j)*n+n]
	t.left = append(t.left, -1)
	t.right = append(t.right, -1)
	t.corner = append(t.corner, x...)
	if j == 0 {
		return
	}
	node, depth := int32(0), 0
	for {
		c := t.corner[int(node)*n : int(node)*n+n]
		for i := 1; i < n; i++ {
			if c[i].less(x[i]) {
				c[i] = x[i]
			}
		}
		dim := 1 + depth%(n-1)
		next := &t.right[node]
		if x[dim].less(kept[int(node)*n+dim]) {
			next = &t.left[node]
		}
		if *next < 0 {
			*next = j
			return
		}
		node = *next
		depth++
	}
}

// dominated reports whether a kept point is ≥ x on coordinates 1..n−1.
func (t *kdTree) dominated(kept []num, x []num) bool {
	if len(t.left) == 0 {
		return false
	}
	n := t.n
	st := append(t.stack[:0], 0, 0) // pairs (node, depth)
	defer func() { t.stack = st[:0] }()
	for len(st) > 0 {
		node, depth := st[len(st)-2], int(st[len(st)-1])
		st = st[:len(st)-2]
		c := t.corner[int(node)*n : int(node)*n+n]
		ok := true
		for i := 1; i < n; i++ {
			if c[i].less(x[i]) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		y := kept[int(node)*n : int(node)*n+n]
		ge := true
		for i := 1; i < n; i++ {
			if y[i].less(x[i]) {
				ge = false
				break
			}
		}
		if ge {
			return true
		}
		dim := 1 + depth%(n-1)
		if r := t.right[node]; r >= 0 {
			st = append(st, r, int32(depth+1))
		}
		// The left subtree holds values < y[dim]; useless if y[dim] < x[dim].
		if l := t.left[node]; l >= 0 && !y[dim].less(x[dim]) {
			st = append(st, l, int32(depth+1))
		}
	}
	return false
}
