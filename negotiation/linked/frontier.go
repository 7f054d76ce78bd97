package linked

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/parley-talks/parley/negotiation"
)

// The joint frontier without enumerating the product space.
//
// Party p's joint utility of a joint package o = (o_1, …, o_T), one package
// per track, is
//
//	U_p(o) = Σ_t ŵ_{p,t} · u_{p,t}(o_t),   ŵ_{p,t} = w_{p,t} / Σ_s w_{p,s},
//
// with u_{p,t} = 0 on a track p is not on. A joint package crosses no red
// line exactly when every o_t crosses none of track t's (each red line, a
// minimum utility included, speaks of one track's themes), so the feasible
// joint packages are the product X_1 × … × X_T of the tracks' feasible
// sets, and the joint utility vectors are the Minkowski sum
//
//	V = V_1 ⊕ … ⊕ V_T,  V_t = { (ŵ_{p,t}·u_{p,t}(x))_p : x ∈ X_t }.
//
// Claim: ND(V) = ND(ND(V_1) ⊕ … ⊕ ND(V_T)), where ND keeps the undominated
// vectors. Proof sketch: if v = Σ_t v_t is undominated and some v_t were
// dominated within V_t by v'_t, then v − v_t + v'_t ∈ V would dominate v;
// so every undominated v is a sum of undominated v_t, and a vector
// undominated in V is undominated in the smaller sum set. Conversely a
// vector of ND(V_1) ⊕ … undominated there is undominated in V, since every
// vector of V is weakly dominated by one of that smaller set. Scaling by
// ŵ_{p,t} ≥ 0 keeps dominance weakly, so ND(V_t) is found among the scaled
// points of track t's own exact frontier (negotiation.Problem.Frontier).
//
// The sum is then a max-plus merge of frontier sets: each track is one
// "issue" whose options are its frontier points, with the joint terms
// ŵ_{p,t}·u_{p,t} (exact rationals), and negotiation's merge
//
//	F(1..t) = ND( F(1..t−1) ⊕ F_t )
//
// computes it exactly (run merge for two parties, dominance sweep for
// three, k-d filtering beyond). Cost: the tracks' frontiers (each as
// negotiation.Problem.Frontier costs) plus Σ_t |F(1..t−1)|·|F_t| candidates
// filtered, O(N) for two parties, O(N log N) for three and O(N·K) beyond
// (K points kept) — never Π_t |X_t|. Two tracks of 10⁶ packages with
// frontiers of a few hundred points each cost about 10⁵ candidates.
//
// Two routes compute this sum. Without minimum-utility red lines, the
// union of the tracks' themes is one negotiation.Problem (zone.go: union)
// and its merge, theme by theme, passes through ND(V_1) after track 1's
// themes and then computes ND(ND(V_1) ⊕ V_2) theme by theme, and so on:
// the same frontier, in native 128-bit numerators, with witnesses for
// free. A minimum-utility red line bounds one track's utility u_{p,t},
// which no filter on the union's partial sums can express; then each
// track's frontier is computed with its own red lines (the minimum
// applied, exactly, by negotiation) and the frontiers are merged as
// "issues" (buildSynthetic). The tests run both routes against the
// reference.
//
// The bargaining points are computed in "raw" units R_p = U_p·S_p/K_p,
// where S_p = Σ_t w_{p,t} and K_p is the least power of ten ≥ S_p: the
// terms are then (w_{p,t}/K_p)·u_{p,t}, decimals whenever the weights and
// values are, and so is the joint disagreement point
//
//	d_p = Σ_t (w_{p,t}/K_p) · r_{p,t}   (no agreement on any track),
//
// which negotiation.Frontier.Bargains reads exactly. Nash and
// Kalai–Smorodinsky are invariant under a positive scaling per party (of
// utilities and disagreement point alike), so they are those of U.

// engine holds the per-track frontiers and the joint frontier of a Joint.
type engine struct {
	j      *Joint
	tracks []*negotiation.Frontier // per track, over the track's own parties
	syn    *negotiation.Problem    // one issue per track (its frontier points), plus a slack issue
	uni    *negotiation.Problem    // or the union of the tracks' themes (see union)
	off    []int                   // with uni: the first theme of each track, and the slack issue
	f      *negotiation.Frontier   // the joint frontier, in raw units
	scale  []*big.Rat              // per party: U_p = R_p · scale_p
	raw    [][]*big.Rat            // raw[p][t] = w_{p,t}/K_p
	d      []float64               // the raw disagreement point
	dExact []*big.Rat
	notes  []string
	eps    bool   // some frontier is an ε-frontier (budget)
	empty  string // why no joint package crosses no red line (f is then nil)
}

// newEngine computes the tracks' frontiers (those of known that are not
// nil are taken as given) and the joint one under ctx and budget (see
// negotiation.Problem.FrontierContext): by the merge of the tracks'
// frontiers when trackMerge is set or some track has a minimum-utility red
// line, else by the union's merge.
func newEngine(ctx context.Context, j *Joint, budget time.Duration, known []*negotiation.Frontier, trackMerge bool) (*engine, error) {
	e := &engine{j: j}
	n := len(j.parties)
	start := time.Now()
	left := func() time.Duration {
		if budget <= 0 {
			return 0
		}
		return max(budget-time.Since(start), time.Nanosecond)
	}
	for t, tr := range j.in.Tracks {
		var f *negotiation.Frontier
		if t < len(known) && known[t] != nil {
			f = known[t]
		} else {
			var err error
			if f, err = tr.Problem.FrontierContext(ctx, left()); err != nil {
				return nil, fmt.Errorf("linked: track %q: %w", tr.Name, err)
			}
		}
		if f.Epsilon() != nil {
			e.eps = true
		}
		if f.Len() == 0 && e.empty == "" {
			e.empty = fmt.Sprintf("the red lines of track %q exclude every package", tr.Name)
		}
		e.tracks = append(e.tracks, f)
	}
	// Raw weights and the disagreement point.
	e.scale = make([]*big.Rat, n)
	e.raw = make([][]*big.Rat, n)
	e.d = make([]float64, n)
	e.dExact = make([]*big.Rat, n)
	for p := range n {
		sum := new(big.Rat)
		for _, w := range j.weight[p] {
			sum.Add(sum, w)
		}
		k := powerOfTenAbove(sum)
		e.scale[p] = new(big.Rat).Quo(k, sum)
		e.raw[p] = make([]*big.Rat, len(j.in.Tracks))
		d := new(big.Rat)
		for t, tr := range j.in.Tracks {
			e.raw[p][t] = new(big.Rat).Quo(j.weight[p][t], k)
			if m := j.member[t][p]; m >= 0 {
				r := negotiation.Rat(tr.Problem.Parties[m].Reservation)
				d.Add(d, new(big.Rat).Mul(e.raw[p][t], r))
			}
		}
		e.dExact[p] = d
		e.d[p], _ = d.Float64()
		if negotiation.Rat(e.d[p]).Cmp(d) != 0 {
			e.notes = append(e.notes, fmt.Sprintf("the joint disagreement value of %q is not a short decimal: it is compared as the nearest float64", j.parties[p]))
		}
	}
	if e.empty != "" {
		return e, nil
	}
	var joint *negotiation.Problem
	if trackMerge || j.hasMinUtility() {
		if err := e.buildSynthetic(); err != nil {
			return nil, err
		}
		joint = e.syn
	} else {
		var err error
		if e.uni, e.off, err = e.union(); err != nil {
			return nil, err
		}
		joint = e.uni
	}
	for p, pa := range joint.Parties {
		if !pa.Utility.Exact() {
			e.notes = append(e.notes, fmt.Sprintf("the joint utility of %q needs a denominator above 2^120: its terms are rounded to multiples of 2^-112", j.parties[p]))
		}
	}
	f, err := joint.FrontierContext(ctx, left())
	if err != nil {
		return nil, fmt.Errorf("linked: joint frontier: %w", err)
	}
	if f.Epsilon() != nil {
		e.eps = true
	}
	e.f = f
	if e.eps {
		e.notes = append(e.notes, "the time budget ran out while a frontier was computed: the joint frontier is an ε-frontier and the points are chosen among its points")
	}
	return e, nil
}

// buildSynthetic builds the problem whose issue t has track t's frontier
// points as options, with party p's term raw[p][t]·u_{p,t}, and a last
// one-option slack issue that carries weight 1 − Σ_t raw[p][t] and value
// 0, so that negotiation.NewAdditive's normalisation is the identity.
func (e *engine) buildSynthetic() error {
	j := e.j
	T := len(j.in.Tracks)
	syn := &negotiation.Problem{Name: "joint"}
	for t, tr := range j.in.Tracks {
		is := negotiation.Issue{Name: tr.Name, Options: make([]string, e.tracks[t].Len())}
		for x := range is.Options {
			is.Options[x] = strconv.Itoa(x)
		}
		syn.Issues = append(syn.Issues, is)
	}
	syn.Issues = append(syn.Issues, negotiation.Issue{Name: "slack", Options: []string{"-"}})
	one := big.NewRat(1, 1)
	for p, name := range j.parties {
		weights := make([]*big.Rat, T+1)
		values := make([][]*big.Rat, T+1)
		slack := big.NewRat(1, 1)
		for t := range T {
			weights[t] = e.raw[p][t]
			slack.Sub(slack, weights[t])
			values[t] = make([]*big.Rat, e.tracks[t].Len())
			m := j.member[t][p]
			for x := range values[t] {
				if m < 0 {
					values[t][x] = new(big.Rat)
					continue
				}
				v := e.tracks[t].ExactUtility(x)[m]
				if v.Sign() < 0 || v.Cmp(one) > 0 {
					return fmt.Errorf("linked: track %q: the utilities of %q must lie in [0,1]", j.in.Tracks[t].Name, name)
				}
				values[t][x] = v
			}
		}
		weights[T] = slack
		values[T] = []*big.Rat{new(big.Rat)}
		a, err := negotiation.NewAdditive(weights, values)
		if err != nil {
			return fmt.Errorf("linked: joint utility of %q: %w", name, err)
		}
		syn.Parties = append(syn.Parties, negotiation.Party{Name: name, Utility: a, Reservation: e.d[p]})
	}
	e.syn = syn
	return nil
}

// trackOutcome returns track t's package in the joint frontier's outcome o.
func (e *engine) trackOutcome(o negotiation.Outcome, t int) negotiation.Outcome {
	if e.uni != nil {
		return o[e.off[t]:e.off[t+1]]
	}
	return e.tracks[t].Outcome(o[t])
}

// hasMinUtility reports whether some track has a minimum-utility red line.
func (j *Joint) hasMinUtility() bool {
	for _, tr := range j.in.Tracks {
		for _, pa := range tr.Problem.Parties {
			for _, c := range pa.RedLines {
				if c.Kind == negotiation.MinUtility {
					return true
				}
			}
		}
	}
	return false
}

// powerOfTenAbove returns the least 10^k (k an integer, possibly
// negative) with 10^k ≥ x, for x > 0.
func powerOfTenAbove(x *big.Rat) *big.Rat {
	k := big.NewRat(1, 1)
	ten := big.NewRat(10, 1)
	for k.Cmp(x) < 0 {
		k.Mul(k, ten)
	}
	for {
		down := new(big.Rat).Quo(k, ten)
		if down.Cmp(x) < 0 {
			return k
		}
		k = down
	}
}

// joint returns the exact joint utilities U of joint frontier point i.
func (e *engine) joint(i int) []*big.Rat {
	u := e.f.ExactUtility(i)
	for p := range u {
		u[p].Mul(u[p], e.scale[p])
	}
	return u
}
