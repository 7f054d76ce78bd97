package negotiation

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"slices"
	"time"
)

// Report is a full analysis. It marshals to the JSON that `parley analyze
// --format json` prints and the web API serves:
//
//	{"outcomes": "<decimal>", "parties": [...], "reservation": [...],
//	 "frontier": [{"outcome": {"<issue>": "<option>"}, "utility": [...]}],
//	 "nash": P, "kalai_smorodinsky": P, "utilitarian": P, "maximin": P,
//	 "agreement_zone": {"count": "<decimal>"|null, "exact": bool,
//	                    "lower": "<decimal>", "upper": "<decimal>",
//	                    "estimate": {...} (only when inexact), "examples": [...]},
//	 "blockers": [...]}
//
// where P is {"outcomes": [{"<issue>": "<option>"}, ...], "utility": [...]}
// or null when no package is accepted by all. Utilities are undiscounted.
type Report struct {
	// Outcomes is the number of packages, Π |options| (before red lines).
	Outcomes string `json:"outcomes"`
	// Parties are the profile names, in order; utility vectors follow it.
	Parties []string `json:"parties"`
	// Reservation is the disagreement point d.
	Reservation []float64 `json:"reservation"`
	// Frontier holds every undominated utility vector of the packages that
	// cross no red line (reservations do not filter it), each with one
	// witnessing package, in lexicographically decreasing order.
	Frontier         []FrontierEntry `json:"frontier"`
	Nash             *Point          `json:"nash"`
	KalaiSmorodinsky *Point          `json:"kalai_smorodinsky"`
	Utilitarian      *Point          `json:"utilitarian"`
	Maximin          *Point          `json:"maximin"`
	AgreementZone    Zone            `json:"agreement_zone"`
	Blockers         []Blocker       `json:"blockers"`
	// Complete is false when the time budget ran out: then FrontierEpsilon
	// or the zone's bounds say how far the answer may be from the exact
	// one, and Notes say what was cut short.
	Complete bool `json:"complete"`
	// FrontierEpsilon, when not null, says the frontier is an ε-frontier
	// (Frontier.Epsilon): every package crossing no red line is within
	// ε_p of some listed point for every party p.
	FrontierEpsilon []float64 `json:"frontier_epsilon,omitempty"`
	// Notes explain, in words, what the budget cut short.
	Notes []string `json:"notes,omitempty"`

	// Lazy is set by AnalyzeOptions.LazyFrontier: Frontier is then empty
	// and FrontierEntry builds each entry from Lazy when asked. Nil
	// otherwise.
	Lazy *LazyFrontier `json:"-"`
}

// LazyFrontier is a frontier whose entries a Report builds on demand.
type LazyFrontier struct {
	problem  *Problem
	frontier *Frontier
}

// FrontierLen returns the number of frontier points, whether Frontier
// holds them or they are built lazily.
func (r *Report) FrontierLen() int {
	if r.Lazy != nil {
		return r.Lazy.frontier.Len()
	}
	return len(r.Frontier)
}

// FrontierEntry returns frontier point i, building it when lazy: O(issues).
func (r *Report) FrontierEntry(i int) FrontierEntry {
	if l := r.Lazy; l != nil {
		return FrontierEntry{Outcome: l.problem.Package(l.frontier.Outcome(i)), Utility: slices.Clone(l.frontier.Utility(i))}
	}
	return r.Frontier[i]
}

// WriteJSON writes r as indented JSON — byte for byte what a json.Encoder
// with SetIndent("", "  ") writes — streaming the frontier one entry at a
// time, so that a lazy report never holds more than one entry's package.
func (r *Report) WriteJSON(w io.Writer) error {
	shell := *r
	shell.Frontier = []FrontierEntry{}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&shell); err != nil {
		return err
	}
	const mark = `"frontier": []`
	head, tail, ok := bytes.Cut(b.Bytes(), []byte(mark))
	if !ok {
		panic("negotiation: report JSON has no frontier member")
	}
	bw := bufio.NewWriter(w)
	bw.Write(head)
	n := r.FrontierLen()
	if n == 0 {
		bw.WriteString(mark)
	} else {
		bw.WriteString(`"frontier": [`)
		for i := range n {
			e, err := json.MarshalIndent(r.FrontierEntry(i), "    ", "  ")
			if err != nil {
				return err
			}
			if i > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString("\n    ")
			bw.Write(e)
		}
		bw.WriteString("\n  ]")
	}
	bw.Write(tail)
	return bw.Flush()
}

// Package is a package by name: issue name → option name.
type Package map[string]string

// FrontierEntry is one frontier point.
type FrontierEntry struct {
	Outcome Package   `json:"outcome"`
	Utility []float64 `json:"utility"`
}

// Point is a bargaining point: one utility vector and all packages that
// reach it (up to AnalyzeOptions.TieLimit).
type Point struct {
	Outcomes []Package `json:"outcomes"`
	Utility  []float64 `json:"utility"`
}

// Zone is the zone of agreement. Count is null unless Exact; Lower and
// Upper are exact bounds (equal to Count when exact); Estimate, present only
// when inexact, is a sampled estimate and labelled as such.
type Zone struct {
	Count    *string   `json:"count"`
	Exact    bool      `json:"exact"`
	Lower    string    `json:"lower"`
	Upper    string    `json:"upper"`
	Estimate *Estimate `json:"estimate,omitempty"`
	Examples []Package `json:"examples"`
}

// Estimate is a sampled estimate of the zone's size: never a count.
type Estimate struct {
	Value   string `json:"value"`
	Samples int    `json:"samples"`
	Method  string `json:"method"`
}

// Blocker is one single relaxation and what it opens.
type Blocker struct {
	Party string `json:"party"`
	// Kind is "red_line" or "reservation".
	Kind string `json:"kind"`
	// Rule says what is relaxed, e.g. "drop red line: forbid Energy = none".
	Rule string `json:"rule"`
	// Opens is the number of packages added to the zone (decimal); an
	// estimate unless Exact.
	Opens string `json:"opens"`
	Exact bool   `json:"exact"`
	// Zone is the zone's size after the relaxation: the count when exact,
	// else the estimate.
	Zone string `json:"zone"`
	// The bargaining points' utility vectors after the relaxation (null
	// when nothing is accepted).
	Nash             []float64 `json:"nash"`
	KalaiSmorodinsky []float64 `json:"kalai_smorodinsky"`
	Utilitarian      []float64 `json:"utilitarian"`
	Maximin          []float64 `json:"maximin"`
}

// AnalyzeOptions tunes Analyze. Zero fields take the defaults.
type AnalyzeOptions struct {
	Step     float64     // reservation step of the blockers (default 0.1)
	TieLimit int         // packages listed per bargaining point (default 20)
	Examples int         // example packages of the zone (default 5)
	Zone     ZoneOptions // limits of the zone count
	// LazyFrontier leaves Report.Frontier empty: FrontierEntry and
	// WriteJSON build each point's entry when asked, so that a report
	// over many issues holds its frontier (two int32 per point and issue
	// in the merge's trace), not one package map per point.
	LazyFrontier bool
	// Budget bounds the analysis's time; zero or less means none. Past
	// it the analysis finishes quickly with what it has proved — an
	// ε-frontier, exact bounds on the zone and a labelled sampled
	// estimate, the blockers' figures as estimates — and says so
	// (Report.Complete false, Report.Notes). It is never an error.
	Budget time.Duration
}

// DefaultBudget is a time budget that suits an interactive page.
const DefaultBudget = 5 * time.Second

// Analyze compiles s and runs the whole analysis with default options.
func Analyze(s *Scenario) (*Report, error) {
	p, err := s.Compile()
	if err != nil {
		return nil, err
	}
	return p.Analyze(AnalyzeOptions{})
}

// Analyze runs the whole analysis of p: frontier, bargaining points, zone
// of agreement and blockers. It needs at least two parties.
func (p *Problem) Analyze(opt AnalyzeOptions) (*Report, error) {
	return p.AnalyzeContext(context.Background(), opt)
}

// AnalyzeContext is Analyze under ctx and opt.Budget: once ctx is done it
// stops within about 10 ms (every long loop polls an atomic flag) and
// returns ctx.Err() and no report; once the budget has passed it finishes
// with bounds and labelled estimates (see AnalyzeOptions.Budget).
func (p *Problem) AnalyzeContext(ctx context.Context, opt AnalyzeOptions) (*Report, error) {
	st, release := newStopper(ctx, opt.Budget)
	defer release()
	r, err := p.analyze(st, opt)
	if e := st.err(); e != nil {
		return nil, e
	}
	return r, err
}

func (p *Problem) analyze(st *stopper, opt AnalyzeOptions) (*Report, error) {
	if len(p.Parties) < 2 {
		return nil, errNoParties
	}
	if opt.Step == 0 {
		opt.Step = 0.1
	}
	if opt.TieLimit <= 0 {
		opt.TieLimit = 20
	}
	if opt.Examples <= 0 {
		opt.Examples = 5
	}
	f, err := p.frontier(st)
	if err != nil {
		return nil, err
	}
	d := p.Reservations()
	b, err := f.Bargains(d, opt.TieLimit)
	if err != nil {
		return nil, err
	}
	z, err := p.countZone(st, opt.Zone)
	if err != nil {
		return nil, err
	}
	rel, err := p.blockers(st, z, opt.Step, opt.TieLimit, opt.Zone)
	if err != nil {
		return nil, err
	}
	r := &Report{
		Outcomes:        p.Size().String(),
		Reservation:     d,
		Frontier:        []FrontierEntry{},
		Blockers:        []Blocker{},
		Complete:        !st.overBudget(),
		FrontierEpsilon: f.Epsilon(),
	}
	if r.FrontierEpsilon != nil {
		r.Notes = append(r.Notes, "the time budget ran out while the frontier was computed: it is an ε-frontier (frontier_epsilon), and the bargaining points are chosen among its points")
	}
	if !z.Exact {
		r.Notes = append(r.Notes, "the zone of agreement is given by exact bounds and a sampled estimate")
	}
	if st.overBudget() {
		r.Notes = append(r.Notes, "the time budget ran out: the blockers' figures after that point are estimates")
	}
	for _, pa := range p.Parties {
		r.Parties = append(r.Parties, pa.Name)
	}
	r.Lazy = &LazyFrontier{problem: p, frontier: f}
	if !opt.LazyFrontier {
		r.Frontier = make([]FrontierEntry, f.Len())
		for i := range f.Len() {
			r.Frontier[i] = r.FrontierEntry(i)
		}
		r.Lazy = nil
	}
	r.Nash = p.point(b.Nash)
	r.KalaiSmorodinsky = p.point(b.KalaiSmorodinsky)
	r.Utilitarian = p.point(b.Utilitarian)
	r.Maximin = p.point(b.Maximin)
	r.AgreementZone = p.zone(z, f, b, d, opt.Examples)
	for _, x := range rel {
		bl := Blocker{
			Party: p.Parties[x.Party].Name, Kind: "red_line", Rule: x.Rule,
			Opens: x.Opens.String(), Exact: x.Exact, Zone: zoneFigure(x.Zone).String(),
			Nash: utilityOf(x.Bargains.Nash), KalaiSmorodinsky: utilityOf(x.Bargains.KalaiSmorodinsky),
			Utilitarian: utilityOf(x.Bargains.Utilitarian), Maximin: utilityOf(x.Bargains.Maximin),
		}
		if x.RedLine < 0 {
			bl.Kind = "reservation"
		}
		r.Blockers = append(r.Blockers, bl)
	}
	return r, nil
}

// Package names the options of o.
func (p *Problem) Package(o Outcome) Package {
	m := make(Package, len(o))
	for i, x := range o {
		m[p.Issues[i].Name] = p.Issues[i].Options[x]
	}
	return m
}

func (p *Problem) point(s *Solution) *Point {
	if s == nil {
		return nil
	}
	pt := &Point{Utility: s.Utility}
	for _, o := range s.Outcomes {
		pt.Outcomes = append(pt.Outcomes, p.Package(o))
	}
	return pt
}

func utilityOf(s *Solution) []float64 {
	if s == nil {
		return nil
	}
	return s.Utility
}

// zone builds the report's zone: the figures and up to k example packages,
// the bargaining points' first, then other accepted frontier points.
func (p *Problem) zone(z *ZoneCount, f *Frontier, b Bargains, d []float64, k int) Zone {
	out := Zone{Exact: z.Exact, Lower: z.Lower.String(), Upper: z.Upper.String(), Examples: []Package{}}
	if z.Exact {
		c := z.Count.String()
		out.Count = &c
	} else {
		out.Estimate = &Estimate{Value: z.Estimate.String(), Samples: z.Samples,
			Method: "uniform sampling; an estimate, not a count"}
	}
	thr := p.thresholds()
	var seen []int
	add := func(i int) {
		if len(seen) < k && !slices.Contains(seen, i) {
			seen = append(seen, i)
			out.Examples = append(out.Examples, p.Package(f.Outcome(i)))
		}
	}
	for _, s := range []*Solution{b.Nash, b.KalaiSmorodinsky, b.Utilitarian, b.Maximin} {
		if s != nil {
			add(s.Point)
		}
	}
	for i := range f.Len() {
		if len(seen) >= k {
			break
		}
		if f.reaches(i, thr) {
			add(i)
		}
	}
	return out
}
