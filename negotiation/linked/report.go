package linked

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/parley-talks/parley/negotiation"
)

// Options tune Analyze. Zero fields take the defaults.
type Options struct {
	// Budget bounds the time of the frontiers (see
	// negotiation.Problem.FrontierContext); zero means none.
	Budget time.Duration
	// TieLimit bounds the packages listed per bargaining point (default 5).
	TieLimit int
	// trackMerge forces the merge of the tracks' frontiers even where the
	// union's merge applies (tests run both).
	trackMerge bool
	// Zone counts the joint zone's packages (negotiation.Problem.CountZone
	// over the union of the tracks' themes): exact up to about 10¹²
	// packages, bounds beyond. Off by default: it costs far more than the
	// rest.
	Zone bool
	// ZoneOptions bound the zone count.
	ZoneOptions negotiation.ZoneOptions
	// Blockers tries dropping each red line of each track (see Blocker).
	Blockers bool
}

// Report is a joint analysis. It marshals to the JSON that `parley analyze
// --link` prints. Utilities are joint (U_p = Σ_t ŵ_{p,t}·u_{p,t}, in
// [0,1]) unless a field says it is a track's own utility u_{p,t}; vectors
// follow Parties. Exact fields hold the same figures as fractions.
type Report struct {
	// Packages is the number of joint packages, Π_t |track t| (decimal).
	Packages string        `json:"packages"`
	Parties  []string      `json:"parties"`
	Tracks   []TrackReport `json:"tracks"`
	// Weights[p][t] is party p's normalised weight ŵ of track t.
	Weights [][]float64 `json:"weights"`
	// Disagreement is the joint utility of no agreement on any track:
	// d_p = Σ_t ŵ_{p,t}·r_{p,t}.
	Disagreement []float64 `json:"disagreement"`
	// Frontier holds every undominated joint utility vector of the joint
	// packages that cross no red line, each with one package, in
	// lexicographically decreasing order.
	Frontier         []JointPoint `json:"frontier"`
	Nash             *JointPoint  `json:"nash"`
	KalaiSmorodinsky *JointPoint  `json:"kalai_smorodinsky"`
	Zone             Zone         `json:"zone"`
	// Linkage is the value of linkage per party.
	Linkage []Linkage `json:"linkage"`
	// Opens names the tracks that have no zone on their own but are
	// settled by the joint deal: linking opens them.
	Opens []string `json:"opens"`
	// Closes names the tracks that have a zone on their own but no joint
	// deal settles, the joint zone being empty: linking destroys them.
	Closes []string `json:"closes"`
	// Shares compares, per track and party, the track's own utility
	// settled alone with the one at the joint Nash point.
	Shares []Share `json:"shares"`
	// Themes says, per theme at the joint Nash point, what each party
	// concedes there.
	Themes []Theme `json:"themes"`
	// Trades are the logrolls of the joint Nash package.
	Trades   []Trade   `json:"trades"`
	Blockers []Blocker `json:"blockers"`
	// Complete is false when the budget ran out (see Notes).
	Complete bool     `json:"complete"`
	Notes    []string `json:"notes,omitempty"`
}

// TrackReport describes one track and how it settles on its own.
type TrackReport struct {
	Name     string   `json:"name"`
	Packages string   `json:"packages"`
	Parties  []string `json:"parties"`
	// Themes are the track's themes in agenda order (a Package's keys).
	Themes []string `json:"themes"`
	// Zone reports whether every party of the track accepts some package
	// of the track alone (its own reservations and red lines).
	Zone bool `json:"zone"`
	// Nash is the track's own Nash point (utilities: the track's parties'
	// own, in Parties order); null when the track has no zone.
	Nash *TrackPoint `json:"nash"`
}

// TrackPoint is one track's package and its parties' own utilities of it
// (in the track's party order).
type TrackPoint struct {
	Track   string              `json:"track"`
	Package negotiation.Package `json:"package"`
	Utility []float64           `json:"utility"`
}

// JointPoint is a joint package: one package per track.
type JointPoint struct {
	Utility []float64    `json:"utility"`
	Exact   []string     `json:"exact"`
	Tracks  []TrackPoint `json:"tracks"`
}

// Zone is the joint zone of agreement: the joint packages that cross no
// red line of any track and give every party at least its joint
// disagreement value.
type Zone struct {
	// Agreement reports whether the zone is not empty (exact).
	Agreement bool `json:"agreement"`
	// Points is the number of joint frontier points in the zone.
	Points int `json:"points"`
	// Counted is set when Options.Zone asked for the count: Count (exact)
	// or Lower and Upper (exact bounds) and Method.
	Counted bool    `json:"counted"`
	Count   *string `json:"count,omitempty"`
	Lower   string  `json:"lower,omitempty"`
	Upper   string  `json:"upper,omitempty"`
	Method  string  `json:"method,omitempty"`
}

// Linkage is one party's value of linkage: its joint utility at the joint
// Nash point (its disagreement value if the joint zone is empty) against
// settling each track alone, Σ_t ŵ_{p,t}·(u_{p,t} at track t's own Nash
// point, or r_{p,t} where track t has no zone).
type Linkage struct {
	Party      string  `json:"party"`
	Joint      float64 `json:"joint"`
	Alone      float64 `json:"alone"`
	Gain       float64 `json:"gain"`
	JointExact string  `json:"joint_exact"`
	AloneExact string  `json:"alone_exact"`
	GainExact  string  `json:"gain_exact"`
}

// Share is party Party's own utility of track Track settled alone (its
// Nash point, or the reservation where the track has no zone) and at the
// joint Nash point. Change < 0: the party gives on this track.
type Share struct {
	Track  string  `json:"track"`
	Party  string  `json:"party"`
	Alone  float64 `json:"alone"`
	Joint  float64 `json:"joint"`
	Change float64 `json:"change"`
}

// Theme is one theme at the joint Nash point: the option agreed and, per
// party, its concession there in joint utility, ŵ_{p,t}·(w_{p,i}·v_{p,i}
// of its best option − of the option agreed) — 0 for a party that gets
// its best option or is not on the track.
type Theme struct {
	Track      string    `json:"track"`
	Theme      string    `json:"theme"`
	Option     string    `json:"option"`
	Concession []float64 `json:"concession"`
}

// Trade is a logroll of the joint Nash package between Party and Other:
// on the themes Gives, Party concedes and Other gets its best option; on
// the themes For, the reverse. Themes are named "track: theme". CrossTrack
// reports whether the two lists involve different tracks (the linkage
// at work).
type Trade struct {
	Party      string   `json:"party"`
	Other      string   `json:"other"`
	Gives      []string `json:"gives"`
	For        []string `json:"for"`
	CrossTrack bool     `json:"cross_track"`
}

// DefaultTieLimit is the default of Options.TieLimit.
const DefaultTieLimit = 5

// Analyze runs the joint analysis: the tracks' frontiers and own Nash
// points, the joint frontier and bargaining points, the joint zone, the
// value of linkage, the shares, concessions and trades, and, if asked, the
// zone's count and the blockers. It returns ctx.Err() once ctx is done.
// Cost: see the file comment of frontier.go; the value of linkage and the
// trades cost O(parties·themes·options) more.
func (j *Joint) Analyze(ctx context.Context, opt Options) (*Report, error) {
	if opt.TieLimit <= 0 {
		opt.TieLimit = DefaultTieLimit
	}
	e, err := newEngine(ctx, j, opt.Budget, nil, opt.trackMerge)
	if err != nil {
		return nil, err
	}
	n, T := len(j.parties), len(j.in.Tracks)
	r := &Report{
		Packages: j.Size().String(), Parties: j.Parties(), Complete: !e.eps, Notes: e.notes,
		Frontier: []JointPoint{}, Opens: []string{}, Closes: []string{}, Shares: []Share{}, Themes: []Theme{},
		Trades: []Trade{}, Blockers: []Blocker{},
	}
	r.Weights = make([][]float64, n)
	r.Disagreement = make([]float64, n)
	for p := range n {
		r.Weights[p] = make([]float64, T)
		for t := range T {
			r.Weights[p][t], _ = j.share[p][t].Float64()
		}
		r.Disagreement[p], _ = e.jointD(p).Float64()
	}
	alone, err := e.settleAlone(r)
	if err != nil {
		return nil, err
	}
	nash, err := e.jointPoints(r, opt.TieLimit)
	if err != nil {
		return nil, err
	}
	e.linkage(r, nash, alone)
	if opt.Zone {
		if err := e.countZone(ctx, opt, &r.Zone); err != nil {
			return nil, err
		}
	}
	if opt.Blockers {
		bl, err := e.blockers(ctx, opt)
		if err != nil {
			return nil, err
		}
		r.Blockers = bl
	}
	return r, nil
}

// settleAlone fills r.Tracks: each track's own zone and Nash point. It
// returns alone[t][k], party k of track t's own utility when track t is
// settled alone (its Nash point, or its reservation without a zone).
func (e *engine) settleAlone(r *Report) ([][]*big.Rat, error) {
	alone := make([][]*big.Rat, len(e.tracks))
	for t, tr := range e.j.in.Tracks {
		pr := tr.Problem
		tp := TrackReport{Name: tr.Name, Packages: pr.Size().String()}
		for _, pa := range pr.Parties {
			tp.Parties = append(tp.Parties, pa.Name)
		}
		for _, is := range pr.Issues {
			tp.Themes = append(tp.Themes, is.Name)
		}
		b, err := e.tracks[t].Bargains(pr.Reservations(), 1)
		if err != nil {
			return nil, fmt.Errorf("linked: track %q: %w", tr.Name, err)
		}
		alone[t] = make([]*big.Rat, len(pr.Parties))
		if b.Nash != nil {
			tp.Zone = true
			tp.Nash = e.trackPoint(t, e.tracks[t].Outcome(b.Nash.Point))
			alone[t] = e.tracks[t].ExactUtility(b.Nash.Point)
		} else {
			for k, pa := range pr.Parties {
				alone[t][k] = negotiation.Rat(pa.Reservation)
			}
		}
		r.Tracks = append(r.Tracks, tp)
	}
	return alone, nil
}

// jointPoints fills r.Frontier, the zone's frontier points and the joint
// bargaining points, and returns the joint Nash solution (nil when the
// joint zone is empty).
func (e *engine) jointPoints(r *Report, tieLimit int) (*negotiation.Solution, error) {
	if e.f == nil {
		r.Notes = append(r.Notes, "no joint package crosses no red line: "+e.empty)
		return nil, nil
	}
	thr := make([]*big.Rat, len(e.j.parties))
	for p := range thr {
		thr[p] = e.jointD(p)
	}
	for i := range e.f.Len() {
		u := e.joint(i)
		r.Frontier = append(r.Frontier, *e.describe(u, e.f.Outcome(i)))
		if atLeast(u, thr) {
			r.Zone.Points++
		}
	}
	r.Zone.Agreement = r.Zone.Points > 0
	b, err := e.f.Bargains(e.d, tieLimit)
	if err != nil {
		return nil, fmt.Errorf("linked: joint bargaining points: %w", err)
	}
	if b.Nash != nil {
		r.Nash = e.jointPoint(b.Nash.Point, b.Nash.Outcomes[0])
		r.KalaiSmorodinsky = e.jointPoint(b.KalaiSmorodinsky.Point, b.KalaiSmorodinsky.Outcomes[0])
	}
	return b.Nash, nil
}

// linkage fills r's value of linkage, and with a joint Nash point the
// tracks it opens, the shares, the concessions and the trades; without
// one, the tracks linking closes.
func (e *engine) linkage(r *Report, nash *negotiation.Solution, alone [][]*big.Rat) {
	j := e.j
	var at []negotiation.Outcome // the joint Nash package, per track
	if nash != nil {
		for t := range j.in.Tracks {
			at = append(at, e.trackOutcome(nash.Outcomes[0], t))
		}
	}
	for p, name := range j.parties {
		jointU := e.jointD(p)
		if nash != nil {
			jointU = e.joint(nash.Point)[p]
		}
		aloneU := new(big.Rat)
		for t := range j.in.Tracks {
			if k := j.member[t][p]; k >= 0 {
				aloneU.Add(aloneU, new(big.Rat).Mul(j.share[p][t], alone[t][k]))
			}
		}
		gain := new(big.Rat).Sub(jointU, aloneU)
		l := Linkage{Party: name, JointExact: jointU.RatString(), AloneExact: aloneU.RatString(), GainExact: gain.RatString()}
		l.Joint, _ = jointU.Float64()
		l.Alone, _ = aloneU.Float64()
		l.Gain, _ = gain.Float64()
		r.Linkage = append(r.Linkage, l)
	}
	if nash == nil {
		for _, tr := range r.Tracks {
			if tr.Zone {
				r.Closes = append(r.Closes, tr.Name)
			}
		}
		return
	}
	for t, tr := range j.in.Tracks {
		if !r.Tracks[t].Zone {
			r.Opens = append(r.Opens, tr.Name)
		}
		for k, pa := range tr.Problem.Parties {
			ju := pa.Utility.ExactUtility(at[t])
			s := Share{Track: tr.Name, Party: pa.Name}
			s.Alone, _ = alone[t][k].Float64()
			s.Joint, _ = ju.Float64()
			s.Change, _ = new(big.Rat).Sub(ju, alone[t][k]).Float64()
			r.Shares = append(r.Shares, s)
		}
	}
	r.Themes, r.Trades = e.logrolls(at)
}

// jointD returns party p's joint disagreement value d_p·scale_p, exactly.
func (e *engine) jointD(p int) *big.Rat { return new(big.Rat).Mul(e.dExact[p], e.scale[p]) }

// atLeast reports whether u_p ≥ t_p for every p.
func atLeast(u, t []*big.Rat) bool {
	for p := range u {
		if u[p].Cmp(t[p]) < 0 {
			return false
		}
	}
	return true
}

// trackPoint describes track t's package o and its parties' utilities.
func (e *engine) trackPoint(t int, o negotiation.Outcome) *TrackPoint {
	pr := e.j.in.Tracks[t].Problem
	tp := &TrackPoint{Track: e.j.in.Tracks[t].Name, Package: pr.Package(o)}
	for _, pa := range pr.Parties {
		tp.Utility = append(tp.Utility, pa.Utility.Utility(o))
	}
	return tp
}

// jointPoint describes joint frontier point i by the synthetic outcome o.
func (e *engine) jointPoint(i int, o negotiation.Outcome) *JointPoint {
	return e.describe(e.joint(i), o)
}

// describe describes the joint utility vector us reached by the synthetic
// outcome o.
func (e *engine) describe(us []*big.Rat, o negotiation.Outcome) *JointPoint {
	jp := &JointPoint{}
	for _, u := range us {
		f, _ := u.Float64()
		jp.Utility = append(jp.Utility, f)
		jp.Exact = append(jp.Exact, u.RatString())
	}
	for t := range e.tracks {
		jp.Tracks = append(jp.Tracks, *e.trackPoint(t, e.trackOutcome(o, t)))
	}
	return jp
}
