// Package sim simulates how the parties of a negotiation might concede: the
// stacked alternating offers protocol for two to four parties (and more)
// with a deadline in rounds, and a mediator's single negotiating text.
//
// # Offers
//
// Every offer is a package of the exact Pareto frontier
// (negotiation.Problem.Frontier), found without enumerating the space, so
// the space may hold 10^18 packages or more. A party that asks for a
// utility of at least τ offers the frontier package whose utility for it
// is the smallest that reaches τ, drawn (with the seeded generator) among
// those within a window of 1 % of its utility range above that — so a run
// is reproducible from its seed. A party accepts an offer whose utility
// for it reaches its current target (and its reservation value): the
// "AC_next" rule. A strategy sees only its own party's utilities — of the
// candidate packages and of the offers made so far — never another
// party's.
//
// # Strategies
//
// Time-based (Faratin, Sierra and Jennings 1998): at time t ∈ [0,1] (round
// r of N: t = (r−1)/(N−1)) the target is
//
//	τ(t) = u_min + (u_max − u_min)·(1 − t^(1/e)),
//
// with u_max the party's best utility on the frontier, u_min the greater of
// its reservation value and its worst utility there: "boulware" (e = 0.2,
// concedes late), "linear" (e = 1), "conceder" (e = 5, concedes early), or
// "time:E" for any exponent E in (0, 100]. "tit-for-tat" (behaviour
// dependent, absolute tit-for-tat of the same paper) starts at u_max and
// concedes, in its own utility, as much as the others' last offer conceded
// to it over their previous one, never below u_min.
//
// # Protocols
//
// "saop", stacked alternating offers: parties act in turn, round after
// round; each either accepts the standing offer or replaces it with its
// own; the offer is agreed once every other party has accepted it in turn.
// "single-text", the mediator's single negotiating text: each round the
// mediator proposes the frontier package maximising Σ_p w_p·u_p (weights
// start equal), each party accepts or rejects it by its strategy's target,
// and the weight of every party that rejected grows by a factor 1 + 1/n,
// moving the text toward packages they accept, until all accept or the
// deadline passes.
package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/parley-talks/parley/negotiation"
)

// MaxRounds bounds a simulation's deadline.
const MaxRounds = 1_000_000

// Protocols.
const (
	SAOP       = "saop"
	SingleText = "single-text"
)

// Config describes one simulation.
type Config struct {
	// Rounds is the deadline, 1 ≤ Rounds ≤ MaxRounds.
	Rounds int
	// Strategies names one strategy per party, in the problem's order.
	Strategies []string
	// Protocol is SAOP (the default when empty) or SingleText.
	Protocol string
	// Seed seeds the choice among near-equal offers.
	Seed uint64
}

// Offer is one offer: by a party (its index) or, in the single-text
// protocol, by the mediator (Party −1), with every party's utility.
type Offer struct {
	Round   int
	Party   int
	Outcome negotiation.Outcome
	Utility []float64
}

// Agreement is the package agreed and when.
type Agreement struct {
	Outcome negotiation.Outcome
	Utility []float64
	Round   int
}

// Result is a simulation's whole trace.
type Result struct {
	Agreement *Agreement // nil when the deadline passed without one
	Rounds    int        // rounds run
	Offers    []Offer
	// DistanceToFrontier is the Euclidean distance, in utility space,
	// from the agreement to the nearest frontier point that weakly
	// dominates it (0 when it is on the frontier); DistanceToNash is the
	// distance to the Nash point. Both are NaN without an agreement;
	// DistanceToNash is NaN too when no package is accepted by all.
	DistanceToFrontier float64
	DistanceToNash     float64
}

// Run simulates p under cfg. It returns an error naming the faulty input
// (an unknown strategy, a deadline out of range, a strategy count that
// does not match the parties, an unknown protocol), or ctx's error once
// ctx is done. Cost: the frontier, then O(rounds · parties · log F) for a
// frontier of F points, plus O(issues) per offer recorded.
func Run(ctx context.Context, p *negotiation.Problem, cfg Config) (*Result, error) {
	f, err := p.FrontierContext(ctx, 0)
	if err != nil {
		return nil, err
	}
	return RunOn(ctx, p, f, cfg)
}

// RunOn is Run over a frontier computed beforehand (or any candidate set
// with the same methods, e.g. a brute-force one in tests).
func RunOn(ctx context.Context, p *negotiation.Problem, f Candidates, cfg Config) (*Result, error) {
	n := len(p.Parties)
	if n < 2 {
		return nil, errors.New("sim: a simulation needs at least two parties")
	}
	if cfg.Rounds < 1 || cfg.Rounds > MaxRounds {
		return nil, fmt.Errorf("sim: deadline of %d rounds: must be between 1 and %d", cfg.Rounds, MaxRounds)
	}
	if len(cfg.Strategies) != n {
		return nil, fmt.Errorf("sim: %d strategies for %d parties: name one per party", len(cfg.Strategies), n)
	}
	if f.Len() == 0 {
		return nil, errors.New("sim: no package crosses no red line: nothing to offer")
	}
	parties := make([]*party, n)
	for k := range n {
		s, err := ParseStrategy(cfg.Strategies[k])
		if err != nil {
			return nil, fmt.Errorf("sim: party %d (%s): %w", k, p.Parties[k].Name, err)
		}
		parties[k] = newParty(k, f, p.Parties[k].Reservation, s)
	}
	r := &runner{p: p, f: f, parties: parties, rounds: cfg.Rounds,
		rng: rand.New(rand.NewPCG(cfg.Seed, 0x51ed)), res: &Result{}}
	var err error
	switch cfg.Protocol {
	case "", SAOP:
		err = r.saop(ctx)
	case SingleText:
		err = r.singleText(ctx)
	default:
		return nil, fmt.Errorf("sim: unknown protocol %q (%s or %s)", cfg.Protocol, SAOP, SingleText)
	}
	if err != nil {
		return nil, err
	}
	r.distances()
	return r.res, nil
}

// Candidates is the set offers are drawn from: the frontier's points, each
// with its utility vector and a witnessing package.
type Candidates interface {
	Len() int
	Parties() int
	Utility(i int) []float64
	Outcome(i int) negotiation.Outcome
}

// Strategy decides a party's target utility over time from what it has
// seen: its own utilities only.
type Strategy interface {
	// Target returns the utility the party asks for at time t ∈ [0,1],
	// given its best and worst acceptable utilities and its own utility
	// of every offer the others have made so far, in order.
	Target(t, umin, umax float64, seen []float64) float64
	String() string
}

// timeBased is the Faratin family.
type timeBased struct {
	e    float64
	name string
}

func (s timeBased) Target(t, umin, umax float64, _ []float64) float64 {
	return umin + (umax-umin)*(1-math.Pow(t, 1/s.e))
}

func (s timeBased) String() string { return s.name }

// titForTat mirrors the others' last concession.
type titForTat struct {
	last    float64
	started bool
}

func (s *titForTat) Target(_, umin, umax float64, seen []float64) float64 {
	if !s.started || len(seen) < 2 {
		s.started, s.last = true, umax
		return umax
	}
	d := seen[len(seen)-1] - seen[len(seen)-2] // what they conceded to me
	s.last = min(max(s.last-d, umin), umax)
	return s.last
}

func (s *titForTat) String() string { return "tit-for-tat" }

// StrategyNames lists the strategies ParseStrategy knows.
var StrategyNames = []string{"boulware", "linear", "conceder", "time:E", "tit-for-tat"}

// ParseStrategy returns the strategy called name (see the package
// documentation); the error names it and lists the known ones.
func ParseStrategy(name string) (Strategy, error) {
	switch name {
	case "boulware":
		return timeBased{0.2, name}, nil
	case "linear":
		return timeBased{1, name}, nil
	case "conceder":
		return timeBased{5, name}, nil
	case "tit-for-tat":
		return &titForTat{}, nil
	}
	if e, ok := strings.CutPrefix(name, "time:"); ok {
		x, err := strconv.ParseFloat(e, 64)
		if err != nil || !(x > 0 && x <= 100) {
			return nil, fmt.Errorf("strategy %q: the exponent must be a number in (0, 100]", name)
		}
		return timeBased{x, name}, nil
	}
	return nil, fmt.Errorf("unknown strategy %q (known: %s)", name, strings.Join(StrategyNames, ", "))
}

// party is one party's private view: its utility of every candidate, its
// candidates sorted by that utility, its reservation and strategy.
type party struct {
	k          int
	own        []float64 // own utility per candidate
	byOwn      []int     // candidates by own utility, increasing
	umin, umax float64
	res        float64
	strategy   Strategy
	seen       []float64 // own utility of each offer by the others

	memoT    float64 // the target is computed once per turn: at memoT
	memoSeen int     // with memoSeen offers seen
	memo     float64
	memoSet  bool
}

func newParty(k int, f Candidates, reservation float64, s Strategy) *party {
	pa := &party{k: k, res: reservation, strategy: s, own: make([]float64, f.Len())}
	for i := range pa.own {
		pa.own[i] = f.Utility(i)[k]
	}
	pa.byOwn = make([]int, len(pa.own))
	for i := range pa.byOwn {
		pa.byOwn[i] = i
	}
	slices.SortStableFunc(pa.byOwn, func(a, b int) int {
		switch {
		case pa.own[a] < pa.own[b]:
			return -1
		case pa.own[a] > pa.own[b]:
			return 1
		}
		return 0
	})
	pa.umax = pa.own[pa.byOwn[len(pa.byOwn)-1]]
	pa.umin = min(max(reservation, pa.own[pa.byOwn[0]]), pa.umax)
	return pa
}

// target is the party's target at time t, never below its reservation;
// the strategy is asked once per turn (a turn may both judge an offer and
// make one).
func (pa *party) target(t float64) float64 {
	if !pa.memoSet || pa.memoT != t || pa.memoSeen != len(pa.seen) {
		pa.memo = max(pa.strategy.Target(t, pa.umin, pa.umax, pa.seen), pa.res)
		pa.memoT, pa.memoSeen, pa.memoSet = t, len(pa.seen), true
	}
	return pa.memo
}

// accepts reports whether candidate i reaches the party's target at t.
func (pa *party) accepts(i int, t float64) bool { return pa.own[i] >= pa.target(t) }

// offer returns the candidate the party offers at t: one whose own
// utility is the smallest reaching the target, or within 1 % of the
// party's range above it, drawn with rng; its best when none reaches it.
func (pa *party) offer(t float64, rng *rand.Rand) int {
	tau := pa.target(t)
	j, _ := slices.BinarySearchFunc(pa.byOwn, tau, func(i int, x float64) int {
		if pa.own[i] < x {
			return -1
		}
		return 1
	})
	if j == len(pa.byOwn) {
		return pa.byOwn[len(pa.byOwn)-1]
	}
	hi := j + 1
	window := pa.own[pa.byOwn[j]] + 0.01*(pa.umax-pa.umin)
	for hi < len(pa.byOwn) && pa.own[pa.byOwn[hi]] <= window {
		hi++
	}
	return pa.byOwn[j+rng.IntN(hi-j)]
}

type runner struct {
	p       *negotiation.Problem
	f       Candidates
	parties []*party
	rounds  int
	rng     *rand.Rand
	res     *Result
}

func (r *runner) time(round int) float64 {
	if r.rounds == 1 {
		return 1
	}
	return float64(round-1) / float64(r.rounds-1)
}

func (r *runner) record(round, by, i int) {
	r.res.Offers = append(r.res.Offers, Offer{Round: round, Party: by, Outcome: r.f.Outcome(i), Utility: slices.Clone(r.f.Utility(i))})
	for _, pa := range r.parties {
		if pa.k != by {
			pa.seen = append(pa.seen, pa.own[i])
		}
	}
}

func (r *runner) agree(round, i int) {
	r.res.Agreement = &Agreement{Outcome: r.f.Outcome(i), Utility: slices.Clone(r.f.Utility(i)), Round: round}
}

// saop runs the stacked alternating offers protocol.
func (r *runner) saop(ctx context.Context) error {
	n := len(r.parties)
	current, accepted := -1, 0
	for round := 1; round <= r.rounds; round++ {
		if round&1023 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		r.res.Rounds = round
		t := r.time(round)
		for _, pa := range r.parties {
			if current >= 0 && pa.accepts(current, t) {
				if accepted++; accepted == n-1 {
					r.agree(round, current)
					return nil
				}
				continue
			}
			current, accepted = pa.offer(t, r.rng), 0
			r.record(round, pa.k, current)
		}
	}
	return nil
}

// singleText runs the mediator's single negotiating text.
func (r *runner) singleText(ctx context.Context) error {
	n := len(r.parties)
	w := slices.Repeat([]float64{1}, n)
	for round := 1; round <= r.rounds; round++ {
		if round&1023 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		r.res.Rounds = round
		t := r.time(round)
		best, bestV := 0, math.Inf(-1)
		for i := range r.f.Len() {
			v := 0.0
			for k, x := range r.f.Utility(i) {
				v += w[k] * x
			}
			if v > bestV {
				best, bestV = i, v
			}
		}
		r.record(round, -1, best)
		all := true
		for k, pa := range r.parties {
			if !pa.accepts(best, t) {
				all = false
				w[k] *= 1 + 1/float64(n)
			}
		}
		if all {
			r.agree(round, best)
			return nil
		}
	}
	return nil
}

// distances fills the agreement's distances to the frontier and to the
// Nash point.
func (r *runner) distances() {
	r.res.DistanceToFrontier, r.res.DistanceToNash = math.NaN(), math.NaN()
	a := r.res.Agreement
	if a == nil {
		return
	}
	r.res.DistanceToFrontier = math.Inf(1)
	for i := range r.f.Len() {
		y := r.f.Utility(i)
		above := true
		for k := range y {
			above = above && y[k] >= a.Utility[k]
		}
		if above {
			r.res.DistanceToFrontier = min(r.res.DistanceToFrontier, dist(y, a.Utility))
		}
	}
	if nash := nashPoint(r.f, r.p.Reservations()); nash != nil {
		r.res.DistanceToNash = dist(nash, a.Utility)
	}
}

// nashPoint returns the candidate maximising Π(u − d) among those every
// party accepts, or nil.
func nashPoint(f Candidates, d []float64) []float64 {
	var best []float64
	bestV := -1.0
	for i := range f.Len() {
		u := f.Utility(i)
		v := 1.0
		for k := range u {
			if u[k] < d[k] {
				v = -1
				break
			}
			v *= u[k] - d[k]
		}
		if v > bestV {
			best, bestV = u, v
		}
	}
	return best
}

func dist(x, y []float64) float64 {
	s := 0.0
	for k := range x {
		s += (x[k] - y[k]) * (x[k] - y[k])
	}
	return math.Sqrt(s)
}
