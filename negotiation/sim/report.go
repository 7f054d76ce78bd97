package sim

import (
	"math"

	"github.com/parley-talks/parley/negotiation"
)

// Report is a Result by name, the JSON that `parley simulate --format
// json` prints:
//
//	{"protocol": "saop", "strategies": ["boulware", "linear"],
//	 "parties": ["A", "B"],
//	 "agreement": {"outcome": {"<issue>": "<option>"}, "utility": [...], "round": n} | null,
//	 "rounds": n,
//	 "offers": [{"round": n, "party": "<name>"|"mediator", "outcome": {...}, "utility": [...]}],
//	 "distance_to_frontier": x | null, "distance_to_nash": x | null}
type Report struct {
	Protocol           string           `json:"protocol"`
	Strategies         []string         `json:"strategies"`
	Parties            []string         `json:"parties"`
	Agreement          *ReportAgreement `json:"agreement"`
	Rounds             int              `json:"rounds"`
	Offers             []ReportOffer    `json:"offers"`
	DistanceToFrontier *float64         `json:"distance_to_frontier"`
	DistanceToNash     *float64         `json:"distance_to_nash"`
}

// ReportAgreement is the agreement by name.
type ReportAgreement struct {
	Outcome negotiation.Package `json:"outcome"`
	Utility []float64           `json:"utility"`
	Round   int                 `json:"round"`
}

// ReportOffer is one offer by name.
type ReportOffer struct {
	Round   int                 `json:"round"`
	Party   string              `json:"party"`
	Outcome negotiation.Package `json:"outcome"`
	Utility []float64           `json:"utility"`
}

// Mediator is the name of the single-text protocol's proposer in a Report.
const Mediator = "mediator"

// Report names r's packages and parties with p's names; cfg is the
// configuration r was run with.
func (r *Result) Report(p *negotiation.Problem, cfg Config) *Report {
	out := &Report{Protocol: cfg.Protocol, Strategies: cfg.Strategies, Rounds: r.Rounds, Offers: make([]ReportOffer, len(r.Offers))}
	if out.Protocol == "" {
		out.Protocol = SAOP
	}
	for _, pa := range p.Parties {
		out.Parties = append(out.Parties, pa.Name)
	}
	for j, o := range r.Offers {
		name := Mediator
		if o.Party >= 0 {
			name = p.Parties[o.Party].Name
		}
		out.Offers[j] = ReportOffer{Round: o.Round, Party: name, Outcome: p.Package(o.Outcome), Utility: o.Utility}
	}
	if a := r.Agreement; a != nil {
		out.Agreement = &ReportAgreement{Outcome: p.Package(a.Outcome), Utility: a.Utility, Round: a.Round}
	}
	finite := func(x float64) *float64 {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return &x
	}
	out.DistanceToFrontier = finite(r.DistanceToFrontier)
	out.DistanceToNash = finite(r.DistanceToNash)
	return out
}
