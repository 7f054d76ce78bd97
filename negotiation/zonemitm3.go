package negotiation

import (
	"math/big"
	"slices"
)

// halfLimit3 is the largest half the three-party meet in the middle
// enumerates (about 10^12 packages per rule branch, ≈ 2 s).
const halfLimit3 = 1 << 20

// item3 is a point of B (a suffix's partial sums) or a query from A (the
// thresholds minus a prefix's partial sums) in the 3-D dominance count.
type item3 struct {
	x, y  num
	zr    int32 // point: rank of z among the points' distinct z; query: number of them < z
	query bool
}

// mitm3 counts the accepted packages of a three-party branch exactly: the
// pairs (a, b) of prefix and suffix partial sums with b ≥ t − a in all three
// coordinates, a 3-D dominance count solved offline by divide and conquer
// (CDQ): items sorted by x decreasing (points before queries on ties), each
// half counted recursively, then the left half's points counted against the
// right half's queries by a sweep on y with a Fenwick tree over z ranks.
// O(N log² N) for N = |A| + |B| items; query coordinates are max(t − a,
// 0), exact. It returns nil when st stopped it.
func (z *zoneBranch) mitm3(st *stopper) *big.Int {
	if z.n != 3 {
		panic("negotiation: mitm3 needs three parties")
	}
	h, sa, sb := z.split()
	A := z.enumerate(0, h, make([]num, 0, 3*int(sa)), st)
	B := z.enumerate(h, len(z.opts), make([]num, 0, 3*int(sb)), st)
	if st.done() {
		return nil
	}
	keys := make([]num, 0, len(B)/3)
	for j := 2; j < len(B); j += 3 {
		keys = append(keys, B[j])
	}
	slices.SortFunc(keys, num.cmp)
	keys = slices.Compact(keys)
	rank := func(zv num) int32 {
		r, _ := slices.BinarySearchFunc(keys, zv, num.cmp)
		return int32(r)
	}
	items := make([]item3, 0, (len(A)+len(B))/3)
	for j := 0; j < len(B); j += 3 {
		items = append(items, item3{B[j], B[j+1], rank(B[j+2]), false})
	}
	for j := 0; j < len(A); j += 3 {
		a := A[j : j+3]
		if a[0].add(z.rmax[h*3]).less(z.thr[0]) || a[1].add(z.rmax[h*3+1]).less(z.thr[1]) || a[2].add(z.rmax[h*3+2]).less(z.thr[2]) {
			continue // no suffix can lift this prefix to the thresholds
		}
		items = append(items, item3{z.thr[0].satSub(a[0]), z.thr[1].satSub(a[1]), rank(z.thr[2].satSub(a[2])), true})
	}
	slices.SortFunc(items, func(p, q item3) int {
		if c := q.x.cmp(p.x); c != 0 {
			return c
		}
		// On equal x a point satisfies b_x ≥ q_x: points first.
		if p.query != q.query {
			if p.query {
				return 1
			}
			return -1
		}
		return 0
	})
	c := &cdq3{fen: make([]int32, len(keys)+1), buf: make([]item3, len(items)), st: st}
	c.run(items)
	if st.done() {
		return nil
	}
	return new(big.Int).SetUint64(c.total)
}

type cdq3 struct {
	fen   []int32 // counts of inserted points by z rank
	buf   []item3
	total uint64
	st    *stopper
	steps int
}

// add inserts (d = 1) or removes (d = −1) a point of z rank r.
func (c *cdq3) add(r int32, d int32) {
	for i := int(r) + 1; i < len(c.fen); i += i & -i {
		c.fen[i] += d
	}
}

// below returns the inserted points whose z rank is < r, i.e. whose z is
// below the query's (r = number of distinct point z values < the query's).
func (c *cdq3) below(r int32) int32 {
	var s int32
	for i := int(r); i > 0; i -= i & -i {
		s += c.fen[i]
	}
	return s
}

// run counts the pairs within items (in x order) and leaves items sorted by
// y decreasing, points before queries on ties.
func (c *cdq3) run(items []item3) {
	if len(items) <= 1 {
		return
	}
	if c.steps += len(items); c.steps > 1<<14 {
		c.steps = 0
		if c.st.done() {
			return
		}
	}
	mid := len(items) / 2
	left, right := items[:mid], items[mid:]
	c.run(left)
	c.run(right)
	// Every left item precedes every right item in x order, so a left
	// point has x ≥ a right query's x: count left points with y ≥ q.y
	// and z ≥ q.z for each right query.
	inserted := int32(0)
	i := 0
	for _, q := range right {
		if !q.query {
			continue
		}
		for i < len(left) && !left[i].y.less(q.y) {
			if !left[i].query {
				c.add(left[i].zr, 1)
				inserted++
			}
			i++
		}
		c.total += uint64(inserted - c.below(q.zr))
	}
	for _, p := range left[:i] {
		if !p.query {
			c.add(p.zr, -1)
		}
	}
	// Merge by y decreasing, points first on ties.
	less := func(p, q item3) bool {
		if p.y != q.y {
			return q.y.less(p.y)
		}
		return !p.query && q.query
	}
	buf := c.buf[:0]
	a, b := 0, 0
	for a < len(left) && b < len(right) {
		if less(right[b], left[a]) {
			buf = append(buf, right[b])
			b++
		} else {
			buf = append(buf, left[a])
			a++
		}
	}
	buf = append(buf, left[a:]...)
	buf = append(buf, right[b:]...)
	copy(items, buf)
}

// mitm3Fits reports whether both halves have at most min(limit,
// halfLimit3) partial packages.
func (z *zoneBranch) mitm3Fits(limit int) bool {
	_, a, b := z.split()
	l := float64(min(limit, halfLimit3))
	return z.n == 3 && a <= l && b <= l
}
