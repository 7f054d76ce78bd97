package negotiation

import (
	"cmp"
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
)

// ZoneCount is the size of the zone of agreement: the packages that cross no
// red line and that every party accepts (u_p ≥ r_p − AcceptTolerance).
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
	terms  [][]float64 // terms[i][j*n+p] = w_{p,i}·v_{p,i}(opts[i][j])
	thr    []float64   // t_p = max(r_p, min-utility red lines) − AcceptTolerance
	rmax   []float64   // rmax[i*n+p] = Σ_{i'≥i} max_j terms
	rmin   []float64
	suffix []*big.Int // suffix[i] = Π_{i'≥i} |opts[i']|
}

func (p *Problem) thresholds() []float64 {
	t := make([]float64, len(p.Parties))
	for k, pa := range p.Parties {
		t[k] = pa.Reservation
		for _, c := range pa.RedLines {
			if c.Kind == MinUtility {
				t[k] = max(t[k], c.Min)
			}
		}
		t[k] -= AcceptTolerance
	}
	return t
}

func (p *Problem) newZoneBranch(opts [][]int) *zoneBranch {
	n, K := len(p.Parties), len(p.Issues)
	z := &zoneBranch{n: n, opts: opts, thr: p.thresholds()}
	z.terms = make([][]float64, K)
	z.rmax = make([]float64, (K+1)*n)
	z.rmin = make([]float64, (K+1)*n)
	z.suffix = make([]*big.Int, K+1)
	z.suffix[K] = big.NewInt(1)
	for i := K - 1; i >= 0; i-- {
		z.terms[i] = make([]float64, 0, len(opts[i])*n)
		for _, x := range opts[i] {
			for _, pa := range p.Parties {
				z.terms[i] = append(z.terms[i], pa.Utility.term(i, x))
			}
		}
		for q := range n {
			hi, lo := math.Inf(-1), math.Inf(1)
			for j := range opts[i] {
				hi = max(hi, z.terms[i][j*n+q])
				lo = min(lo, z.terms[i][j*n+q])
			}
			z.rmax[i*n+q] = z.rmax[(i+1)*n+q] + hi
			z.rmin[i*n+q] = z.rmin[(i+1)*n+q] + lo
		}
		z.suffix[i] = new(big.Int).Mul(z.suffix[i+1], big.NewInt(int64(len(opts[i]))))
	}
	return z
}

// boundSlack keeps the pruning tests away from rounding: a subtree is
// declared wholly inside or outside only with this margin, otherwise it is
// searched and its leaves compared exactly.
const boundSlack = 1e-12

// dfsCounter counts, by pruned enumeration in issue order, the accepted packages
// below a node at issue i with partial sums s. A subtree is wholly outside
// when s_p + max rest < t_p for some p, wholly inside when s_p + min rest ≥
// t_p for all p. Leaves compare the issue-order sum exactly as
// Problem.Accepts does. When the node budget runs out the remaining
// subtrees are added to unknown.
type dfsCounter struct {
	z       *zoneBranch
	budget  int64
	leaves  uint64
	inside  *big.Int
	unknown *big.Int
	stack   []float64
}

func (d *dfsCounter) run(i int, s []float64) {
	z, n := d.z, d.z.n
	if d.budget <= 0 {
		d.unknown.Add(d.unknown, z.suffix[i])
		return
	}
	d.budget--
	if i == len(z.opts) {
		for q := range n {
			if s[q] < z.thr[q] {
				return
			}
		}
		d.leaves++
		return
	}
	in := true
	for q := range n {
		if s[q]+z.rmax[i*n+q] < z.thr[q]-boundSlack {
			return
		}
		if s[q]+z.rmin[i*n+q] < z.thr[q]+boundSlack {
			in = false
		}
	}
	if in {
		d.inside.Add(d.inside, z.suffix[i])
		return
	}
	base := len(d.stack)
	d.stack = append(d.stack, make([]float64, n)...)
	next := d.stack[base : base+n]
	t := z.terms[i]
	for j := range z.opts[i] {
		for q := range n {
			next[q] = s[q] + t[j*n+q]
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
	for _, b := range branches {
		if slices.ContainsFunc(b, func(o []int) bool { return len(o) == 0 }) {
			continue
		}
		z := p.newZoneBranch(b)
		d := &dfsCounter{z: z, budget: budget, inside: new(big.Int), unknown: new(big.Int)}
		if (len(p.Parties) == 2 && z.mitmFits(opt.HalfLimit)) || z.mitm3Fits(opt.HalfLimit) {
			d.budget = min(budget, 1<<20) // a short try: meet in the middle is exact anyway
		}
		start := d.budget
		d.run(0, make([]float64, z.n))
		budget = max(budget-(start-d.budget), 1)
		lower := new(big.Int).Add(d.inside, new(big.Int).SetUint64(d.leaves))
		if d.unknown.Sign() == 0 {
			methods["pruned enumeration"] = true
			res.Lower.Add(res.Lower, lower)
			res.Upper.Add(res.Upper, lower)
			estimate.Add(estimate, lower)
			continue
		}
		if len(p.Parties) == 2 && z.mitmFits(opt.HalfLimit) {
			c := z.mitm()
			methods["meet in the middle"] = true
			res.Lower.Add(res.Lower, c)
			res.Upper.Add(res.Upper, c)
			estimate.Add(estimate, c)
			continue
		}
		if z.mitm3Fits(opt.HalfLimit) {
			c := z.mitm3()
			methods["meet in the middle"] = true
			res.Lower.Add(res.Lower, c)
			res.Upper.Add(res.Upper, c)
			estimate.Add(estimate, c)
			continue
		}
		lo, hi, est, exact := z.levels(opt.LevelCap, opt.Samples, rng)
		if exact {
			methods["pruned enumeration"] = true
			res.Lower.Add(res.Lower, lo)
			res.Upper.Add(res.Upper, lo)
			estimate.Add(estimate, lo)
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
		if gl, gu, ok := z.gridBounds(opt.GridStates); ok {
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
func (z *zoneBranch) levels(cap, samples int, rng *rand.Rand) (lower, upper, est *big.Int, exact bool) {
	n, K := z.n, len(z.opts)
	lower = new(big.Int)
	nodes := make([]float64, n) // the root, sums 0
	if c := z.classify(0, nodes); c != undecided {
		if c == inside {
			lower.Set(z.suffix[0])
		}
		return lower, lower, new(big.Int), true
	}
	var next []float64
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
					sn[q] += t[j*n+q]
				}
				switch z.classify(i+1, sn) {
				case outside:
					next = next[:base]
				case inside:
					lower.Add(lower, z.suffix[i+1])
					next = next[:base]
				}
			}
			if len(next)/n > cap {
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
func (z *zoneBranch) sample(a []float64, ia int, b []float64, ib, samples int, rng *rand.Rand) *big.Int {
	n := z.n
	ma, _ := new(big.Float).SetInt(new(big.Int).Mul(big.NewInt(int64(len(a)/n)), z.suffix[ia])).Float64()
	mb, _ := new(big.Float).SetInt(new(big.Int).Mul(big.NewInt(int64(len(b)/n)), z.suffix[ib])).Float64()
	if ma+mb == 0 || samples <= 0 {
		return new(big.Int)
	}
	s := make([]float64, n)
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
				s[q] += z.terms[i][j*n+q]
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

// classify decides a node at level i with sums s: outside when some party
// cannot reach its threshold, inside when every completion is accepted,
// with boundSlack against rounding; at the leaves (i = K) the comparison is
// exact.
func (z *zoneBranch) classify(i int, s []float64) class {
	n := z.n
	if i == len(z.opts) {
		for q := range n {
			if s[q] < z.thr[q] {
				return outside
			}
		}
		return inside
	}
	in := true
	for q := range n {
		if s[q]+z.rmax[i*n+q] < z.thr[q]-boundSlack {
			return outside
		}
		if s[q]+z.rmin[i*n+q] < z.thr[q]+boundSlack {
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

// enumerate appends the partial sums of issues lo..hi−1, summed from 0 in
// issue order, as pairs (2 parties) to out.
func (z *zoneBranch) enumerate(lo, hi int, out []float64) []float64 {
	var rec func(i int, s0, s1 float64)
	rec = func(i int, s0, s1 float64) {
		if i == hi {
			out = append(out, s0, s1)
			return
		}
		t := z.terms[i]
		for j := range z.opts[i] {
			rec(i+1, s0+t[2*j], s1+t[2*j+1])
		}
	}
	rec(lo, 0, 0)
	return out
}

// mitm counts the accepted packages of a two-party branch exactly: with A
// the partial sums of the prefix issues and B those of the suffix, it counts
// pairs with a_p + b_p ≥ t_p, i.e. b_0 ≥ t_0 − a_0 and b_1 ≥ t_1 − a_1: a
// 2-D dominance count. Queries in decreasing order of t_0 − a_0 insert the B
// points with b_0 above it into a Fenwick tree over the ranks of b_1, then
// count those with b_1 ≥ t_1 − a_1. O((|A|+|B|) log |B|) time, O(|A|+|B|)
// memory. The comparison b_p ≥ t_p − a_p rounds differently from the
// issue-order sum, so a package whose utility lies within a few ulps of
// r_p − AcceptTolerance may be classified differently from Problem.Accepts.
func (z *zoneBranch) mitm() *big.Int {
	if z.n != 2 {
		panic("negotiation: meet in the middle needs two parties")
	}
	h, sa, sb := z.split()
	K := len(z.opts)
	A := z.enumerate(0, h, make([]float64, 0, 2*int(sa)))
	B := z.enumerate(h, K, make([]float64, 0, 2*int(sb)))
	nb := len(B) / 2
	// Drop the partials of A that no completion can lift to the thresholds.
	type query struct{ q0, q1 float64 }
	qs := make([]query, 0, len(A)/2)
	for j := 0; j < len(A); j += 2 {
		a0, a1 := A[j], A[j+1]
		if a0+z.rmax[h*2] < z.thr[0]-boundSlack || a1+z.rmax[h*2+1] < z.thr[1]-boundSlack {
			continue
		}
		qs = append(qs, query{z.thr[0] - a0, z.thr[1] - a1})
	}
	slices.SortFunc(qs, func(x, y query) int { return cmp.Compare(y.q0, x.q0) })
	bi := make([]int32, nb)
	for j := range bi {
		bi[j] = int32(j)
	}
	slices.SortFunc(bi, func(x, y int32) int { return cmp.Compare(B[2*y], B[2*x]) })
	keys := make([]float64, nb)
	for j := range nb {
		keys[j] = B[2*j+1]
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	fen := make([]int32, len(keys)+1)
	count := new(big.Int)
	var acc uint64
	inserted := 0
	for _, q := range qs {
		for inserted < nb && B[2*bi[inserted]] >= q.q0 {
			b1 := B[2*bi[inserted]+1]
			r, _ := slices.BinarySearch(keys, b1)
			for i := r + 1; i < len(fen); i += i & -i {
				fen[i]++
			}
			inserted++
		}
		// Inserted points with b1 < q1 are the first r ranks.
		r, _ := slices.BinarySearch(keys, q.q1)
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

var errNoParties = errors.New("negotiation: an analysis needs at least two parties")
