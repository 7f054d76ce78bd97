package negotiation

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"time"
)

// Frontier is the exact Pareto frontier of a Problem: every distinct
// undominated utility vector of the packages that cross no red line, each with
// its witnessing packages. Points are in lexicographically decreasing order
// of their utility vectors.
type Frontier struct {
	eps    []num           // nil when exact, else ε per party (see Epsilon)
	n      int             // parties
	u      []num           // n exact numerators per point
	uf     []float64       // the same as float64s
	ex     []*exactUtility // per party: the denominators
	ref    []pointRef      // primary witness per point
	extra  map[int32][]pointRef
	traces []*trace
}

// pointRef locates a point of a merge trace: the trace and the index of the
// point in its last level.
type pointRef struct{ trace, pos int32 }

// trace holds the back-pointers of one merge: level k has one entry per
// undominated point of issues 0..k. Witnesses are rebuilt by walking back.
type trace struct {
	levels []level
}

// level is one merge step. Point j came from point parent[j] of the
// previous level plus option option[j] of this level's issue; tieHead[j]
// (when ties is not nil) starts a chain of other (parent, option) pairs with
// exactly the same vector.
type level struct {
	parent  []int32
	option  []int32
	tieHead []int32 // nil when this level has no ties
	ties    []tieLink
}

type tieLink struct{ parent, option, next int32 }

// Len returns the number of points.
func (f *Frontier) Len() int { return len(f.ref) }

// Parties returns the number of parties.
func (f *Frontier) Parties() int { return f.n }

// Utility returns the utility vector of point i, each utility the exact one
// rounded to a float64 within two ulps (a view; do not modify).
func (f *Frontier) Utility(i int) []float64 { return f.uf[i*f.n : i*f.n+f.n : i*f.n+f.n] }

// ExactUtility returns the exact utility vector of point i.
func (f *Frontier) ExactUtility(i int) []*big.Rat {
	out := make([]*big.Rat, f.n)
	for k := range out {
		out[k] = f.ex[k].scaledRat(f.u[i*f.n+k])
	}
	return out
}

// at returns the exact numerators of point i (a view).
func (f *Frontier) at(i int) []num { return f.u[i*f.n : i*f.n+f.n : i*f.n+f.n] }

// setFloats fills uf from u.
func (f *Frontier) setFloats() {
	f.uf = make([]float64, len(f.u))
	for j, x := range f.u {
		f.uf[j] = f.ex[j%f.n].toFloat(x)
	}
}

// Outcome returns one package witnessing point i. Cost O(issues).
func (f *Frontier) Outcome(i int) Outcome {
	r := f.ref[i]
	t := f.traces[r.trace]
	o := make(Outcome, len(t.levels))
	pos := r.pos
	for k := len(t.levels) - 1; k >= 0; k-- {
		o[k] = int(t.levels[k].option[pos])
		pos = t.levels[k].parent[pos]
	}
	return o
}

// Outcomes returns up to limit packages whose utility vector is exactly that
// of point i (all of them when there are at most limit), the primary witness
// first. The count of tied packages can grow exponentially with the number of
// issues on which all parties are indifferent, hence the limit. The list is
// complete: utilities are exact, so a package whose partial sum was
// strictly dominated can never reach the point.
func (f *Frontier) Outcomes(i, limit int) []Outcome {
	var out []Outcome
	refs := append([]pointRef{f.ref[i]}, f.extra[int32(i)]...)
	for _, r := range refs {
		t := f.traces[r.trace]
		o := make(Outcome, len(t.levels))
		out = t.expand(len(t.levels)-1, r.pos, o, out, limit)
		if len(out) >= limit {
			break
		}
	}
	return out
}

// expand appends to out every package of point pos of level k (with the
// options of levels > k already in o), up to limit packages.
func (t *trace) expand(k int, pos int32, o Outcome, out []Outcome, limit int) []Outcome {
	if len(out) >= limit {
		return out
	}
	lv := &t.levels[k]
	visit := func(parent, option int32) {
		o[k] = int(option)
		if k == 0 {
			out = append(out, slices.Clone(o))
			return
		}
		out = t.expand(k-1, parent, o, out, limit)
	}
	visit(lv.parent[pos], lv.option[pos])
	if lv.tieHead != nil {
		for l := lv.tieHead[pos]; l >= 0 && len(out) < limit; l = lv.ties[l].next {
			visit(lv.ties[l].parent, lv.ties[l].option)
		}
	}
	return out
}

// maxSplits bounds the option combinations of the issues touched by
// cross-issue rules that Frontier and CountZone split on.
const maxSplits = 1 << 16

// issueOptions returns, per issue, the options no forbid or require red line
// of any party excludes. Cost O(options + red lines).
func (p *Problem) issueOptions() [][]int {
	ok := make([][]bool, len(p.Issues))
	for i, is := range p.Issues {
		ok[i] = make([]bool, len(is.Options))
		for x := range ok[i] {
			ok[i][x] = true
		}
	}
	for _, pa := range p.Parties {
		for _, c := range pa.RedLines {
			switch c.Kind {
			case Forbid:
				ok[c.Issue][c.Option] = false
			case Require:
				for x := range ok[c.Issue] {
					if x != c.Option {
						ok[c.Issue][x] = false
					}
				}
			}
		}
	}
	opts := make([][]int, len(p.Issues))
	for i := range ok {
		for x, b := range ok[i] {
			if b {
				opts[i] = append(opts[i], x)
			}
		}
	}
	return opts
}

// rules returns all cross-issue rules of all parties.
func (p *Problem) rules() []Constraint {
	var rs []Constraint
	for _, pa := range p.Parties {
		for _, c := range pa.RedLines {
			if c.Kind == Rule {
				rs = append(rs, c)
			}
		}
	}
	return rs
}

// errTooManySplits is returned when rules touch too many combinations.
var errTooManySplits = fmt.Errorf("negotiation: cross-issue rules touch more than %d option combinations", maxSplits)

// splits returns the per-issue option lists of the branches that cross-issue
// rules induce: each branch fixes every issue a rule touches to one option,
// over all combinations that satisfy every rule, and leaves the other issues
// as opts has them. Without rules it returns opts alone. The branches
// partition the packages that satisfy the rules, so their union is exact.
func (p *Problem) splits(opts [][]int) ([][][]int, error) {
	rs := p.rules()
	if len(rs) == 0 {
		return [][][]int{opts}, nil
	}
	var touched []int
	for _, r := range rs {
		for _, i := range []int{r.Issue, r.Then} {
			if !slices.Contains(touched, i) {
				touched = append(touched, i)
			}
		}
	}
	slices.Sort(touched)
	combos := 1
	for _, i := range touched {
		combos *= len(opts[i])
		if combos > maxSplits {
			return nil, errTooManySplits
		}
	}
	var out [][][]int
	if combos == 0 {
		return out, nil
	}
	choice := make([]int, len(p.Issues))
	var rec func(t int)
	rec = func(t int) {
		if t == len(touched) {
			for _, r := range rs {
				if choice[r.Issue] == r.Option && !r.In[choice[r.Then]] {
					return
				}
			}
			b := slices.Clone(opts)
			for _, i := range touched {
				b[i] = []int{choice[i]}
			}
			out = append(out, b)
			return
		}
		for _, x := range opts[touched[t]] {
			choice[touched[t]] = x
			rec(t + 1)
		}
	}
	rec(0)
	return out, nil
}

// Frontier computes the exact Pareto frontier of p over the packages that
// cross no red line (reservation values do not filter it). Cost: for each
// branch of the rule split, Σ_k ND(|F_{k−1}|·m_k candidates), where m_k is
// the number of undominated options of issue k; ND is O(N) for two parties
// (run merge), O(N log N) for three and O(N·K) in general.
func (p *Problem) Frontier() (*Frontier, error) { return p.frontier(nil) }

// FrontierContext is Frontier under ctx and a time budget: it returns
// ctx.Err() within about 10 ms once ctx is done, and once budget (if
// positive) has passed it finishes with an ε-frontier (see Epsilon) instead
// of the exact one: every level of the merge still to come is thinned to at
// most thinCap points, one per cell of a grid, so that each dropped point
// is within the cell's size of a kept one.
func (p *Problem) FrontierContext(ctx context.Context, budget time.Duration) (*Frontier, error) {
	st, release := newStopper(ctx, budget)
	defer release()
	f, err := p.frontier(st)
	if err == nil {
		err = st.err()
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Epsilon returns nil when f is the exact frontier. Otherwise f is an
// ε-frontier: its points are utility vectors of real packages crossing no
// red line (witnesses as usual), but some may be dominated, and for every
// package crossing no red line there is a point y with y_p ≥ u_p − ε_p for
// every party p (minimum-utility red lines aside: they are applied to the
// points). Epsilon returns ε per party.
func (f *Frontier) Epsilon() []float64 {
	if f.eps == nil {
		return nil
	}
	out := make([]float64, f.n)
	for k := range out {
		out[k] = f.ex[k].toFloat(f.eps[k])
	}
	return out
}

func (p *Problem) frontier(st *stopper) (*Frontier, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if len(p.Issues) > 1<<20 {
		return nil, errors.New("negotiation: too many issues")
	}
	branches, err := p.splits(p.issueOptions())
	if err != nil {
		return nil, err
	}
	n := len(p.Parties)
	s := ndScratch{stop: st}
	f := &Frontier{n: n}
	for _, pa := range p.Parties {
		f.ex = append(f.ex, pa.Utility.exact())
	}
	if len(branches) == 1 {
		t, u, ok, err := p.merge(branches[0], &s, f, thinCap)
		if err != nil {
			return nil, err
		}
		if ok {
			f.traces = []*trace{t}
			f.u = u
			f.ref = make([]pointRef, len(u)/n)
			for j := range f.ref {
				f.ref[j] = pointRef{0, int32(j)}
			}
		}
	} else {
		// Union of the branches' frontiers, filtered again.
		var all []num
		var refs []pointRef
		limit := max(thinCap/max(len(branches), 1), 16)
		for _, b := range branches {
			t, u, ok, err := p.merge(b, &s, f, limit)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			ti := int32(len(f.traces))
			f.traces = append(f.traces, t)
			all = append(all, u...)
			for j := range len(u) / n {
				refs = append(refs, pointRef{ti, int32(j)})
			}
		}
		if st.overBudget() {
			// Late: thin the union too (its ε adds to the branches').
			if keep := thinned(all, n, thinCap, f); keep != nil {
				var a []num
				var r []pointRef
				for _, j := range keep {
					a = append(a, all[j*n:j*n+n]...)
					r = append(r, refs[j])
				}
				all, refs = a, r
			}
		}
		s.onlyCancel = true // the union is filtered whole, however late
		s.filter(all, n, len(refs), 1)
		if s.aborted {
			return nil, st.err()
		}
		f.u = make([]num, 0, len(s.keep)*n)
		for _, c := range s.keep {
			f.u = append(f.u, all[int(c)*n:int(c)*n+n]...)
			f.ref = append(f.ref, refs[c])
		}
		for j, pos := range s.tiePos {
			if f.extra == nil {
				f.extra = map[int32][]pointRef{}
			}
			f.extra[pos] = append(f.extra[pos], refs[s.tieCand[j]])
		}
	}
	f.applyMinUtility(p)
	f.setFloats()
	return f, nil
}

// applyMinUtility drops the points that cross a party's minimum-utility red
// line. Exact: a point of {u_p ≥ t} undominated there is undominated in the
// whole set (anything dominating it also lies in {u_p ≥ t}), and conversely.
func (f *Frontier) applyMinUtility(p *Problem) {
	type bound struct {
		party int
		min   num
	}
	var bs []bound
	for k, pa := range p.Parties {
		for _, c := range pa.RedLines {
			if c.Kind == MinUtility {
				bs = append(bs, bound{k, f.ex[k].ceilScaled(c.Min)})
			}
		}
	}
	if len(bs) == 0 {
		return
	}
	n := f.n
	w := 0
	extra := map[int32][]pointRef{}
	for i := range f.ref {
		ok := true
		for _, b := range bs {
			if f.u[i*n+b.party].less(b.min) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		copy(f.u[w*n:w*n+n], f.u[i*n:i*n+n])
		f.ref[w] = f.ref[i]
		if e, has := f.extra[int32(i)]; has {
			extra[int32(w)] = e
		}
		w++
	}
	f.u = f.u[:w*n]
	f.ref = f.ref[:w]
	f.extra = extra
}

// issueTable returns the undominated options of issue i among opts, with
// their utility vectors (n per option): an option dominated within its issue
// never appears on the frontier, since swapping in the dominating option
// dominates the package. Options with equal vectors are all kept (ties).
func (p *Problem) issueTable(i int, opts []int, s *ndScratch) ([]int32, []num) {
	n := len(p.Parties)
	u := make([]num, 0, len(opts)*n)
	for _, x := range opts {
		for _, pa := range p.Parties {
			u = append(u, pa.Utility.ex.terms[i][x])
		}
	}
	s.filter(u, n, len(opts), 1)
	var keptOpts []int32
	var keptU []num
	add := func(c int32) {
		keptOpts = append(keptOpts, int32(opts[c]))
		keptU = append(keptU, u[int(c)*n:int(c)*n+n]...)
	}
	// Kept options in order, each followed by its ties.
	t := 0
	for j, c := range s.keep {
		add(c)
		for t < len(s.tiePos) && s.tiePos[t] == int32(j) {
			add(s.tieCand[t])
			t++
		}
	}
	return keptOpts, keptU
}

// merge runs F(1..k) = ND(F(1..k−1) ⊕ issue k) over the per-issue option
// lists opts and returns the trace and the frontier's vectors in
// lexicographically decreasing order; ok is false when some issue has no
// option left.
//
// Once s.stop is over budget the merge goes on in thin mode: before each
// level, the previous level's points are thinned (thin), and the error
// this adds is accumulated in f.eps; a level interrupted by the budget is
// redone from the thinned points.
func (p *Problem) merge(opts [][]int, s *ndScratch, f *Frontier, limit int) (t *trace, u []num, ok bool, err error) {
	n := len(p.Parties)
	t = &trace{levels: make([]level, len(p.Issues))}
	var cand []num
	var cpar, copt []int32
	s.onlyCancel = false
	for k := 0; k < len(p.Issues); k++ {
		if len(opts[k]) == 0 {
			return nil, nil, false, nil
		}
		if s.stop.cancelled() {
			return nil, nil, false, s.stop.err()
		}
		if k > 0 && s.stop.overBudget() {
			var lv *level
			lv, u = thin(&t.levels[k-1], u, n, limit, f)
			t.levels[k-1] = *lv
			s.onlyCancel = true
		}
		tOpts, tU := p.issueTable(k, opts[k], s)
		m := len(tOpts)
		// Candidates: run x is F + option x, in F's order.
		var fl int
		if k == 0 {
			fl = 1
		} else {
			fl = len(u) / n
		}
		count := fl * m
		if count > maxCandidates {
			return nil, nil, false, errTooLarge
		}
		cand = slices.Grow(cand[:0], count*n)[:count*n]
		cpar = slices.Grow(cpar[:0], count)[:count]
		copt = slices.Grow(copt[:0], count)[:count]
		c := 0
		for x := range m {
			ox := tU[x*n : x*n+n]
			for j := range fl {
				dst := cand[c*n : c*n+n]
				if k == 0 {
					copy(dst, ox)
				} else {
					src := u[j*n : j*n+n]
					for q := range n {
						dst[q] = src[q].add(ox[q])
					}
				}
				cpar[c] = int32(j)
				if k == 0 {
					cpar[c] = -1
				}
				copt[c] = tOpts[x]
				c++
			}
		}
		runs := m
		if k == 0 {
			runs = 1
		}
		s.filter(cand, n, count, runs)
		if s.aborted {
			s.aborted = false
			if s.stop.cancelled() {
				return nil, nil, false, s.stop.err()
			}
			if k == 0 {
				s.onlyCancel = true // the first level is one issue's options: finish it
			}
			k-- // redo this level from the thinned points
			continue
		}
		lv := &t.levels[k]
		lv.parent = make([]int32, len(s.keep))
		lv.option = make([]int32, len(s.keep))
		nu := make([]num, len(s.keep)*n)
		for j, ci := range s.keep {
			lv.parent[j] = cpar[ci]
			lv.option[j] = copt[ci]
			copy(nu[j*n:j*n+n], cand[int(ci)*n:int(ci)*n+n])
		}
		if len(s.tiePos) > 0 {
			lv.tieHead = make([]int32, len(s.keep))
			for j := range lv.tieHead {
				lv.tieHead[j] = -1
			}
			for j, pos := range s.tiePos {
				ci := s.tieCand[j]
				lv.ties = append(lv.ties, tieLink{cpar[ci], copt[ci], lv.tieHead[pos]})
				lv.tieHead[pos] = int32(len(lv.ties) - 1)
			}
		}
		u = nu
	}
	return t, u, true, nil
}

// maxCandidates bounds the candidates of one merge step (int32 indices).
const maxCandidates = 1<<31 - 1

var errTooLarge = errors.New("negotiation: frontier too large: a merge step has more than 2^31 candidates")

// thinCap is the number of points a level keeps in thin mode (see merge),
// shared among the branches of a rule split; a variable for tests.
var thinCap = 1 << 14

// thin keeps at most limit of a level's points (n numerators each in u,
// lexicographically decreasing), one per cell of a grid over the points'
// range with side cells per party, halving side until few enough cells are
// occupied; the first point of each cell is kept. f.eps grows, per party,
// by the largest amount by which a dropped point exceeds its cell's kept
// point (exact). Cost O(points · parties) per halving.
func thin(lv *level, u []num, n, limit int, f *Frontier) (*level, []num) {
	keep := thinned(u, n, limit, f)
	if keep == nil {
		return lv, u
	}
	out := &level{parent: make([]int32, len(keep)), option: make([]int32, len(keep))}
	nu := make([]num, 0, len(keep)*n)
	for j, old := range keep {
		out.parent[j], out.option[j] = lv.parent[old], lv.option[old]
		nu = append(nu, u[old*n:old*n+n]...)
	}
	return out, nu
}

// thinned returns the indices of the points of u (n numerators each) that
// thin keeps, and adds the error to f.eps; nil when there are at most
// limit points.
func thinned(u []num, n, limit int, f *Frontier) []int {
	count := len(u) / n
	if count <= limit {
		return nil
	}
	lo := make([]float64, n)
	span := make([]float64, n)
	for q := range n {
		mn, mx := u[q].float(), u[q].float()
		for j := range count {
			x := u[j*n+q].float()
			mn, mx = min(mn, x), max(mx, x)
		}
		lo[q], span[q] = mn, mx-mn
	}
	// A frontier is an (n−1)-dimensional surface: about side^(n−1) cells
	// are occupied, so start a little finer than that and halve.
	side := 2
	if n > 1 {
		side = max(int(4*math.Pow(float64(limit), 1/float64(n-1))), 2)
	}
	var keep []int
	var cellOf []int // per point: the index in keep of its cell's point
	key := make([]byte, 0, 4*n)
	for ; side >= 1; side /= 2 {
		seen := make(map[string]int, limit)
		keep, cellOf = keep[:0], cellOf[:0]
		for j := range count {
			key = key[:0]
			for q := range n {
				c := 0
				if span[q] > 0 {
					c = int((u[j*n+q].float() - lo[q]) / span[q] * float64(side))
				}
				key = append(key, byte(c), byte(c>>8), byte(c>>16), byte(c>>24))
			}
			if c, ok := seen[string(key)]; ok {
				cellOf = append(cellOf, c)
				continue
			}
			seen[string(key)] = len(keep)
			cellOf = append(cellOf, len(keep))
			keep = append(keep, j)
			if len(keep) > limit {
				break
			}
		}
		if len(keep) <= limit {
			break
		}
	}
	if f.eps == nil {
		f.eps = make([]num, n)
	}
	worst := make([]num, n)
	for j, c := range cellOf {
		y := u[keep[c]*n : keep[c]*n+n]
		for q := range n {
			if d := u[j*n+q].satSub(y[q]); worst[q].less(d) {
				worst[q] = d
			}
		}
	}
	for q := range n {
		f.eps[q] = f.eps[q].add(worst[q])
	}
	return keep
}
