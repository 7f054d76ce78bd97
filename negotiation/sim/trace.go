package sim

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"math"
	"strconv"

	"github.com/parley-talks/parley/negotiation"
)

// Trace is a Result by name, the JSON that `parley simulate --format
// json` prints:
//
//	{"protocol": "saop", "strategies": ["boulware", "linear"],
//	 "parties": ["A", "B"],
//	 "agreement": {"outcome": {"<issue>": "<option>"}, "utility": [...], "round": n} | null,
//	 "rounds": n,
//	 "offers": [{"round": n, "party": "<name>"|"mediator", "outcome": {...}, "utility": [...]}],
//	 "distance_to_frontier": x | null, "distance_to_nash": x | null}
type Trace struct {
	Protocol           string          `json:"protocol"`
	Strategies         []string        `json:"strategies"`
	Parties            []string        `json:"parties"`
	Agreement          *TraceAgreement `json:"agreement"`
	Rounds             int             `json:"rounds"`
	Offers             []TraceOffer    `json:"offers"`
	DistanceToFrontier *float64        `json:"distance_to_frontier"`
	DistanceToNash     *float64        `json:"distance_to_nash"`
}

// TraceAgreement is the agreement by name.
type TraceAgreement struct {
	Outcome negotiation.Package `json:"outcome"`
	Utility []float64           `json:"utility"`
	Round   int                 `json:"round"`
}

// TraceOffer is one offer by name.
type TraceOffer struct {
	Round   int                 `json:"round"`
	Party   string              `json:"party"`
	Outcome negotiation.Package `json:"outcome"`
	Utility []float64           `json:"utility"`
}

// Mediator is the name of the single-text protocol's proposer in a Trace.
const Mediator = "mediator"

// Trace names r's packages and parties with p's names; cfg is the
// configuration r was run with.
func (r *Result) Trace(p *negotiation.Problem, cfg Config) *Trace {
	out := &Trace{Protocol: cfg.Protocol, Strategies: cfg.Strategies, Rounds: r.Rounds, Offers: make([]TraceOffer, len(r.Offers))}
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
		out.Offers[j] = TraceOffer{Round: o.Round, Party: name, Outcome: p.Package(o.Outcome), Utility: o.Utility}
	}
	if a := r.Agreement; a != nil {
		out.Agreement = &TraceAgreement{Outcome: p.Package(a.Outcome), Utility: a.Utility, Round: a.Round}
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

// WriteJSON writes r as JSON: the members indented as json.MarshalIndent
// would, each offer on one line, its outcome's members in issue order —
// the same document for a JSON reader, written without reflection or
// maps, so that a long trace costs little. p names the issues' order.
func (r *Trace) WriteJSON(w io.Writer, p *negotiation.Problem) error {
	head := *r
	head.Offers = []TraceOffer{}
	b, err := json.MarshalIndent(&head, "", "  ")
	if err != nil {
		return err
	}
	const mark = `"offers": []`
	before, after, ok := bytes.Cut(b, []byte(mark))
	if !ok {
		panic("sim: report JSON has no offers member")
	}
	bw := bufio.NewWriter(w)
	bw.Write(before)
	bw.WriteString(`"offers": [`)
	names := make([][]byte, len(p.Issues)) // `"issue":` per issue
	for i, is := range p.Issues {
		names[i], _ = json.Marshal(is.Name)
		names[i] = append(names[i], ':')
	}
	quoted := map[string][]byte{} // option and party names, JSON-quoted once
	quote := func(s string) []byte {
		q, ok := quoted[s]
		if !ok {
			q, _ = json.Marshal(s)
			quoted[s] = q
		}
		return q
	}
	var line []byte
	for j, o := range r.Offers {
		line = line[:0]
		if j > 0 {
			line = append(line, ',')
		}
		line = append(line, "\n    {\"round\":"...)
		line = strconv.AppendInt(line, int64(o.Round), 10)
		line = append(line, ",\"party\":"...)
		line = append(line, quote(o.Party)...)
		line = append(line, ",\"outcome\":{"...)
		for i, is := range p.Issues {
			if i > 0 {
				line = append(line, ',')
			}
			line = append(line, names[i]...)
			line = append(line, quote(o.Outcome[is.Name])...)
		}
		line = append(line, "},\"utility\":["...)
		for k, x := range o.Utility {
			if k > 0 {
				line = append(line, ',')
			}
			line = strconv.AppendFloat(line, x, 'g', -1, 64)
		}
		line = append(line, "]}"...)
		bw.Write(line)
	}
	if len(r.Offers) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]")
	bw.Write(after)
	bw.WriteString("\n")
	return bw.Flush()
}
