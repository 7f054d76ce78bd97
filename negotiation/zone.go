package negotiation

import (
	"context"
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"time"
)

// ZoneCount is the size of the zone of agreement: the packages that cross no
// red line and that every party accepts (u_p ≥ r_p, exactly).
type ZoneCount struct {
	// Exact reports whether Count is exact. When it is, Lower = Upper =
	// Count.
	Exact bool
	// Count is the exact count, nil when the method did not reach it.
	Count *big.Int
	// Lower and Upper are exact bounds: Lower ≤ count ≤ Upper.
	Lower, Upper *big.Int
	// Estimate is a sampled estimate, set only when Exact is false. It is
	// an estimate, never a count: Samples uniform packages were drawn.
	Estimate *big.Int
	Samples  int
	// Method names what produced the figure: "pruned enumeration",
	// "meet in the middle" or "bounds and sampling".
	Method string
}

// ZoneOptions bounds the work of CountZone. Zero fields take the defaults.
type ZoneOptions struct {
	// NodeBudget is the number of search nodes the pruned enumeration may
	// visit before it stops with bounds (default 1<<22).
	NodeBudget int64
	// HalfLimit is the largest half, in partial packages, the two-party
	// meet in the middle enumerates (default 1<<21, so the reach is about
	// 4·10^12 packages per rule branch); the three-party one enumerates at
	// most min(HalfLimit, 1<<20) (reach about 10^12).
	HalfLimit int
	// GridStates is the number of grid states of the rounded dynamic
	// programmes that bound the count beyond exact reach (default 1<<18).
	GridStates int
	// LevelCap is the number of undecided nodes the level-by-level bounds
	// keep before they stop (default 1<<18).
	LevelCap int
	// Samples is the number of packages drawn, per rule branch beyond
	// reach, for the estimate (default 20000), from the fixed Seed.
	Samples int
	Seed    uint64
}

func (o ZoneOptions) withDefaults() ZoneOptions {
	if o.NodeBudget <= 0 {
		o.NodeBudget = 1 << 22
	}
	if o.HalfLimit <= 0 {
		o.HalfLimit = 1 << 21
	}
	if o.Samples <= 0 {
		o.Samples = 20000
	}
	if o.GridStates <= 0 {
		o.GridStates = 1 << 18
	}
	if o.LevelCap <= 0 {
		o.LevelCap = 1 << 18
	}
	return o
}

// zoneBranch is one branch of the rule split, ready to count: per issue the
// allowed options and their terms, the thresholds, and suffix bounds.
type zoneBranch struct {
	n      int
	opts   [][]int
	terms  [][]num     // terms[i][j*n+p] = D_p·w_{p,i}·v_{p,i}(opts[i][j])
	termsF [][]float64 // the same as utilities in float64, for the grid bounds
	thr    []num       // t_p = ⌈D_p·max(r_p, min-utility red lines)⌉
	thrF   []float64   // the same as utilities
	belowF []float64   // (t_p − 1)/D_p: every utility above it is accepted
	rmax   []num       // rmax[i*n+p] = Σ_{i'≥i} max_j terms
	rmin   []num
	suffix []*big.Int // suffix[i] = Π_{i'≥i} |opts[i']|
}

// thresholds returns, per party, the smallest numerator it accepts: ⌈D_p ·
// max(r_p, its minimum-utility red lines)⌉.
func (p *Problem) thresholds() []num {
	t := make([]num, len(p.Parties))
	for k, pa := range p.Parties {
		e := pa.Utility.exact()
		t[k] = e.ceilScaled(pa.Reservation)
		for _, c := range pa.RedLines {
			if c.Kind == MinUtility {
				if m := e.ceilScaled(c.Min); t[k].less(m) {
					t[k] = m
				}
			}
		}
	}
	return t
}

func (p *Problem) newZoneBranch(opts [][]int) *zoneBranch {
	n, K := len(p.Parties), len(p.Issues)
	z := &zoneBranch{n: n, opts: opts, thr: p.thresholds()}
	for k, pa := range p.Parties {
		z.thrF = append(z.thrF, pa.Utility.ex.toFloat(z.thr[k]))
		z.belowF = append(z.belowF, pa.Utility.ex.toFloat(z.thr[k].satSub(num{lo: 1})))
	}
	z.terms = make([][]num, K)
	z.termsF = make([][]float64, K)
	z.rmax = make([]num, (K+1)*n)
	z.rmin = make([]num, (K+1)*n)
	z.suffix = make([]*big.Int, K+1)
	z.suffix[K] = big.NewInt(1)
	for i := K - 1; i >= 0; i-- {
		z.terms[i] = make([]num, 0, len(opts[i])*n)
		z.termsF[i] = make([]float64, 0, len(opts[i])*n)
		for _, x := range opts[i] {
			for _, pa := range p.Parties {
				t := pa.Utility.ex.terms[i][x]
				z.terms[i] = append(z.terms[i], t)
				z.termsF[i] = append(z.termsF[i], pa.Utility.ex.toFloat(t))
			}
		}
		for q := range n {
			hi, lo := z.terms[i][q], z.terms[i][q]
			for j := range opts[i] {
				t := z.terms[i][j*n+q]
				if hi.less(t) {
					hi = t
				}
				if t.less(lo) {
					lo = t
				}
			}
			z.rmax[i*n+q] = z.rmax[(i+1)*n+q].add(hi)
			z.rmin[i*n+q] = z.rmin[(i+1)*n+q].add(lo)
		}
		z.suffix[i] = new(big.Int).Mul(z.suffix[i+1], big.NewInt(int64(len(opts[i]))))
	}
	return z
}

// boundSlack keeps the grid bounds (computed on float64 utilities) away
// from rounding.
const boundSlack = 1e-12

// dfsCounter counts, by pruned enumeration in issue order, the accepted
// packages below a node at issue i with partial sums s. A subtree is wholly
// outside when s_p + max rest < t_p for some p, wholly inside when s_p +
// min rest ≥ t_p for all p; all sums are exact. When the node budget runs
// out (or ctx is done) the remaining subtrees are added to unknown.
type dfsCounter struct {
	z       *zoneBranch
	budget  int64
	stop    *stopper
	leaves  uint64
	inside  *big.Int
	unknown *big.Int
	stack   []num
}

func (d *dfsCounter) run(i int, s []num) {
	z, n := d.z, d.z.n
	if d.budget <= 0 || d.stop.done() {
		d.unknown.Add(d.unknown, z.suffix[i])
		return
	}
	d.budget--
	switch z.classify(i, s) {
	case outside:
		return
	case inside:
		if i == len(z.opts) {
			d.leaves++
		} else {
			d.inside.Add(d.inside, z.suffix[i])
		}
		return
	}
	base := len(d.stack)
	d.stack = append(d.stack, make([]num, n)...)
	next := d.stack[base : base+n]
	t := z.terms[i]
	for j := range z.opts[i] {
		for q := range n {
			next[q] = s[q].add(t[j*n+q])
		}
		d.run(i+1, next)
		next = d.stack[base : base+n] // the stack may have moved
	}
	d.stack = d.stack[:base]
}

// CountZone counts the zone of agreement of p. It splits on the issues that
// cross-issue rules touch (forbid and require red lines remove options
// first), then per branch: a pruned enumeration within opt.NodeBudget nodes;
// if that does not finish and there are two parties, meet in the middle
// (exact while each half has at most opt.HalfLimit partial packages: O(H
// log H) for halves of H), and for three parties by meet in the middle with
// 3-D dominance counting (O(H log² H)); otherwise exact bounds — the
// tighter of the pruned searches' (what was proved inside; plus what was
// not searched) and of two rounded dynamic programmes (gridBounds) — and a
// sampled estimate.
func (p *Problem) CountZone(opt ZoneOptions) (*ZoneCount, error) {
	return p.countZone(nil, opt)
}

// CountZoneContext is CountZone under ctx and a time budget: it returns
// ctx.Err() within about 10 ms once ctx is done, and once budget (if
// positive) has passed it stops counting exactly and returns what it has
// proved (exact bounds) and a sampled estimate, labelled inexact.
func (p *Problem) CountZoneContext(ctx context.Context, budget time.Duration, opt ZoneOptions) (*ZoneCount, error) {
	st, release := newStopper(ctx, budget)
	defer release()
	z, err := p.countZone(st, opt)
	if err == nil {
		err = st.err()
	}
	return z, err
}

func (p *Problem) countZone(st *stopper, opt ZoneOptions) (*ZoneCount, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	opt = opt.withDefaults()
	branches, err := p.splits(p.issueOptions())
	if err != nil {
		return nil, err
	}
	res := &ZoneCount{Exact: true, Lower: new(big.Int), Upper: new(big.Int)}
	methods := map[string]bool{}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x5eed))
	estimate := new(big.Int) // Σ per branch: exact count, or sampled estimate
	budget := opt.NodeBudget
	// Out of time, each branch draws its share of the samples (at least
	// 500), so that the estimate costs about one branch's sampling.
	lateSamples := max(opt.Samples/max(len(branches), 1), 500)
	// late adds a branch the budget cut short: what the search proved
	// (lower), what it left (unknown), and an estimate of the rest.
	late := func(z *zoneBranch, lower, unknown *big.Int) {
		methods["bounds and sampling"] = true
		res.Exact = false
		res.Lower.Add(res.Lower, lower)
		res.Upper.Add(res.Upper, new(big.Int).Add(lower, unknown))
		estimate.Add(estimate, z.sampleUnknown(lower, unknown, lateSamples, rng))
		res.Samples += lateSamples
	}
	// counted adds a branch counted exactly by method.
	counted := func(c *big.Int, method string) {
		methods[method] = true
		res.Lower.Add(res.Lower, c)
		res.Upper.Add(res.Upper, c)
		estimate.Add(estimate, c)
	}
	for _, b := range branches {
		if slices.ContainsFunc(b, func(o []int) bool { return len(o) == 0 }) {
			continue
		}
		if st.cancelled() {
			return nil, st.err()
		}
		z := p.newZoneBranch(b)
		d := &dfsCounter{z: z, budget: budget, stop: st, inside: new(big.Int), unknown: new(big.Int)}
		if (len(p.Parties) == 2 && z.mitmFits(opt.HalfLimit)) || z.mitm3Fits(opt.HalfLimit) {
			d.budget = min(budget, 1<<20) // a short try: meet in the middle is exact anyway
		}
		start := d.budget
		d.run(0, make([]num, z.n))
		budget = max(budget-(start-d.budget), 1)
		lower := new(big.Int).Add(d.inside, new(big.Int).SetUint64(d.leaves))
		if d.unknown.Sign() == 0 {
			counted(lower, "pruned enumeration")
			continue
		}
		if st.done() {
			// Out of time: what the search proved, and an estimate of
			// what it left.
			if st.cancelled() {
				return nil, st.err()
			}
			late(z, lower, d.unknown)
			continue
		}
		var meet func(*stopper) *big.Int // an exact meet in the middle, when it fits
		switch {
		case len(p.Parties) == 2 && z.mitmFits(opt.HalfLimit):
			meet = z.mitm
		case z.mitm3Fits(opt.HalfLimit):
			meet = z.mitm3
		}
		if meet != nil {
			c := meet(st)
			if c == nil {
				if st.cancelled() {
					return nil, st.err()
				}
				late(z, lower, d.unknown)
				continue
			}
			counted(c, "meet in the middle")
			continue
		}
		lo, hi, est, exact := z.levels(opt.LevelCap, opt.Samples, rng, st)
		if st.cancelled() {
			return nil, st.err()
		}
		if exact {
			counted(lo, "pruned enumeration")
			continue
		}
		// est is the sampled share of what the level search left
		// undecided; the branch's estimate is lo + est. Both searches
		// give exact bounds: keep the tighter of each, and the estimate
		// within them.
		est.Add(est, lo)
		if lower.Cmp(lo) > 0 {
			lo = lower
		}
		if dfsUpper := new(big.Int).Add(lower, d.unknown); dfsUpper.Cmp(hi) < 0 {
			hi = dfsUpper
		}
		if gl, gu, ok := z.gridBounds(opt.GridStates, st); ok {
			if gl.Cmp(lo) > 0 {
				lo = gl
			}
			if gu.Cmp(hi) < 0 {
				hi = gu
			}
		}
		if est.Cmp(lo) < 0 {
			est.Set(lo)
		}
		if est.Cmp(hi) > 0 {
			est.Set(hi)
		}
		methods["bounds and sampling"] = true
		res.Exact = false
		res.Lower.Add(res.Lower, lo)
		res.Upper.Add(res.Upper, hi)
		estimate.Add(estimate, est)
		res.Samples += opt.Samples
	}
	for _, m := range []string{"bounds and sampling", "meet in the middle", "pruned enumeration"} {
		if methods[m] {
			res.Method = m
			break
		}
	}
	if res.Method == "" {
		res.Method = "pruned enumeration"
	}
	if res.Exact {
		res.Count = new(big.Int).Set(res.Lower)
		return res, nil
	}
	res.Estimate = estimate
	return res, nil
}

// levels bounds the branch's count by expanding the search tree level by
// level (in issue order, so that leaf sums are exact) while at most cap
// nodes remain undecided: subtrees wholly inside add to the lower bound,
// those wholly outside are dropped. When the cap would be exceeded, the
// undecided nodes make up the difference between the bounds, and samples
// uniform completions of undecided nodes (drawn in proportion to their
// size) estimate their accepted share; est is that share times their mass
// (an estimate, not a count), excluding the lower bound. exact is true when
// the expansion reached the leaves. Cost O(cap · options) per level, memory
// O(cap · parties).
func (z *zoneBranch) levels(cap, samples int, rng *rand.Rand, st *stopper) (lower, upper, est *big.Int, exact bool) {
	n, K := z.n, len(z.opts)
	lower = new(big.Int)
	nodes := make([]num, n) // the root, sums 0
	if c := z.classify(0, nodes); c != undecided {
		if c == inside {
			lower.Set(z.suffix[0])
		}
		return lower, lower, new(big.Int), true
	}
	var next []num
	for i := range K {
		next = next[:0]
		t := z.terms[i]
		for a := 0; a < len(nodes); a += n {
			s := nodes[a : a+n]
			for j := range z.opts[i] {
				base := len(next)
				next = append(next, s...)
				sn := next[base:]
				for q := range n {
					sn[q] = sn[q].add(t[j*n+q])
				}
				switch z.classify(i+1, sn) {
				case outside:
					next = next[:base]
				case inside:
					lower.Add(lower, z.suffix[i+1])
					next = next[:base]
				}
			}
			if len(next)/n > cap || (a&1023 == 0 && st.done()) {
				// Stop: the parents not yet expanded stay undecided at
				// level i, the children made so far at level i+1.
				rest := nodes[a+n:]
				unknown := new(big.Int).Mul(big.NewInt(int64(len(rest)/n)), z.suffix[i])
				unknown.Add(unknown, new(big.Int).Mul(big.NewInt(int64(len(next)/n)), z.suffix[i+1]))
				upper = new(big.Int).Add(lower, unknown)
				est = z.sample(rest, i, next, i+1, samples, rng)
				return lower, upper, est, false
			}
		}
		nodes, next = next, nodes
	}
	// Leaves: classify compared the exact issue-order sums at level K.
	return lower, lower, new(big.Int), true
}

// sample estimates the accepted packages below two sets of undecided
// nodes (sums at levels ia and ib), drawing nodes in proportion to their
// size and completing them uniformly at random; it returns size × share.
func (z *zoneBranch) sample(a []num, ia int, b []num, ib, samples int, rng *rand.Rand) *big.Int {
	n := z.n
	ma, _ := new(big.Float).SetInt(new(big.Int).Mul(big.NewInt(int64(len(a)/n)), z.suffix[ia])).Float64()
	mb, _ := new(big.Float).SetInt(new(big.Int).Mul(big.NewInt(int64(len(b)/n)), z.suffix[ib])).Float64()
	if ma+mb == 0 || samples <= 0 {
		return new(big.Int)
	}
	s := make([]num, n)
	hits := 0
	for range samples {
		nodes, level := b, ib
		if rng.Float64()*(ma+mb) < ma {
			nodes, level = a, ia
		}
		k := rng.IntN(len(nodes) / n)
		copy(s, nodes[k*n:k*n+n])
		for i := level; i < len(z.opts); i++ {
			j := rng.IntN(len(z.opts[i]))
			for q := range n {
				s[q] = s[q].add(z.terms[i][j*n+q])
			}
		}
		if z.classify(len(z.opts), s) == inside {
			hits++
		}
	}
	e, _ := new(big.Float).Mul(big.NewFloat(ma+mb), big.NewFloat(float64(hits)/float64(samples))).Int(nil)
	return e
}

type class uint8

const (
	undecided class = iota
	inside
	outside
)

// classify decides a node at level i with sums s, exactly: outside when
// some party cannot reach its threshold, inside when every completion is
// accepted (at the leaves, i = K, the rest is 0).
func (z *zoneBranch) classify(i int, s []num) class {
	n := z.n
	in := true
	for q := range n {
		if s[q].add(z.rmax[i*n+q]).less(z.thr[q]) {
			return outside
		}
		if s[q].add(z.rmin[i*n+q]).less(z.thr[q]) {
			in = false
		}
	}
	if in {
		return inside
	}
	return undecided
}

// split returns the issue index h that splits the branch into a prefix
// 0..h−1 and a suffix h..K−1 whose sizes are most balanced, and the sizes.
func (z *zoneBranch) split() (h int, a, b float64) {
	K := len(z.opts)
	total := 1.0
	for _, o := range z.opts {
		total *= float64(len(o))
	}
	bestH, bestGap := 0, math.Inf(1)
	pre := 1.0
	for i := 0; i <= K; i++ {
		gap := math.Abs(math.Log(pre) - math.Log(total/pre))
		if gap < bestGap {
			bestH, bestGap, a, b = i, gap, pre, total/pre
		}
		if i < K {
			pre *= float64(len(z.opts[i]))
		}
	}
	return bestH, a, b
}

func (z *zoneBranch) mitmFits(limit int) bool {
	_, a, b := z.split()
	return a <= float64(limit) && b <= float64(limit)
}

// enumerate appends the partial sums of issues lo..hi−1 (n per partial
// package, exact) to out, checking st every 4096 partials.
func (z *zoneBranch) enumerate(lo, hi int, out []num, st *stopper) []num {
	n := z.n
	s := make([]num, (hi-lo+1)*n)
	var rec func(i int) bool
	rec = func(i int) bool {
		cur := s[(i-lo)*n : (i-lo)*n+n]
		if i == hi {
			out = append(out, cur...)
			return len(out)&(4096*8-1) != 0 || !st.done()
		}
		next := s[(i-lo+1)*n : (i-lo+1)*n+n]
		t := z.terms[i]
		for j := range z.opts[i] {
			for q := range n {
				next[q] = cur[q].add(t[j*n+q])
			}
			if !rec(i + 1) {
				return false
			}
		}
		return true
	}
	rec(lo)
	return out
}

// mitm counts the accepted packages of a two-party branch exactly: with A
// the partial sums of the prefix issues and B those of the suffix, it counts
// pairs with a_p + b_p ≥ t_p, i.e. b_0 ≥ q_0 and b_1 ≥ q_1 for q_p = max(t_p
// − a_p, 0): a 2-D dominance count. Queries in decreasing order of q_0
// insert the B points with b_0 ≥ q_0 into a Fenwick tree over the ranks of
// b_1, then count those with b_1 ≥ q_1. O((|A|+|B|) log |B|) time,
// O(|A|+|B|) memory. It returns nil when st stopped it.
func (z *zoneBranch) mitm(st *stopper) *big.Int {
	if z.n != 2 {
		panic("negotiation: meet in the middle needs two parties")
	}
	h, sa, sb := z.split()
	K := len(z.opts)
	A := z.enumerate(0, h, make([]num, 0, 2*int(sa)), st)
	B := z.enumerate(h, K, make([]num, 0, 2*int(sb)), st)
	if st.done() {
		return nil
	}
	nb := len(B) / 2
	// Drop the partials of A that no completion can lift to the thresholds.
	type query struct{ q0, q1 num }
	qs := make([]query, 0, len(A)/2)
	for j := 0; j < len(A); j += 2 {
		a0, a1 := A[j], A[j+1]
		if a0.add(z.rmax[h*2]).less(z.thr[0]) || a1.add(z.rmax[h*2+1]).less(z.thr[1]) {
			continue
		}
		qs = append(qs, query{z.thr[0].satSub(a0), z.thr[1].satSub(a1)})
	}
	slices.SortFunc(qs, func(x, y query) int { return y.q0.cmp(x.q0) })
	bi := make([]int32, nb)
	for j := range bi {
		bi[j] = int32(j)
	}
	slices.SortFunc(bi, func(x, y int32) int { return B[2*y].cmp(B[2*x]) })
	keys := make([]num, nb)
	for j := range nb {
		keys[j] = B[2*j+1]
	}
	slices.SortFunc(keys, num.cmp)
	keys = slices.Compact(keys)
	if st.done() {
		return nil
	}
	fen := make([]int32, len(keys)+1)
	count := new(big.Int)
	var acc uint64
	inserted := 0
	for qi, q := range qs {
		if qi&4095 == 0 && st.done() {
			return nil
		}
		for inserted < nb && !B[2*bi[inserted]].less(q.q0) {
			b1 := B[2*bi[inserted]+1]
			r, _ := slices.BinarySearchFunc(keys, b1, num.cmp)
			for i := r + 1; i < len(fen); i += i & -i {
				fen[i]++
			}
			inserted++
		}
		// Inserted points with b1 < q1 are the first r ranks.
		r, _ := slices.BinarySearchFunc(keys, q.q1, num.cmp)
		below := 0
		for i := r; i > 0; i -= i & -i {
			below += int(fen[i])
		}
		acc += uint64(inserted - below)
		if acc > 1<<62 {
			count.Add(count, new(big.Int).SetUint64(acc))
			acc = 0
		}
	}
	return count.Add(count, new(big.Int).SetUint64(acc))
}

// sampleUnknown estimates the accepted packages of the branch when the
// pruned search proved lower and left unknown undecided: the accepted
// share of uniform samples of the whole branch, times its size, kept within
// [lower, lower + unknown]. An estimate, never a count.
func (z *zoneBranch) sampleUnknown(lower, unknown *big.Int, samples int, rng *rand.Rand) *big.Int {
	root := make([]num, z.n)
	est := z.sample(nil, 0, root, 0, samples, rng)
	if est.Cmp(lower) < 0 {
		est.Set(lower)
	}
	if hi := new(big.Int).Add(lower, unknown); est.Cmp(hi) > 0 {
		est.Set(hi)
	}
	return est
}

var errNoParties = errors.New("negotiation: an analysis needs at least two parties")
