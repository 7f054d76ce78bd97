// Package genius reads and writes negotiation domains and utility profiles in
// the XML format of GENIUS, the platform of the ANAC automated negotiation
// competitions, and converts them to and from Parley scenarios.
//
// # Format
//
// A domain file holds <negotiation_template><utility_space><objective> with
// one <issue> per issue: discrete issues list their <item value="…">s,
// integer issues give lowerbound and upperbound (as attributes or in a
// <range> child). A profile file holds <utility_space> with the same
// <objective>, each issue's items carrying an evaluation (discrete) or an
// <evaluator ftype="linear" slope offset> (integer; the older form
// parameter0 + parameter1·x is read too), one <weight index value> per
// issue, and optionally <reservation value> and <discount_factor value>.
// As GENIUS does, a weight whose index is the root objective's own is
// ignored, and the older profile format with the issues and weights
// directly under <utility_space> (no <objective>) is read.
//
// Refused, with an error naming the file and the element: non-linear
// utility spaces (<utility_space type="nonlinear"> with hyperRectangle
// constraints: Parley analyses additive utilities), real issues (Parley
// needs discrete options), files that are not a domain or profile (a
// tournament set-up, comma-separated text), and a profile that gives one
// value two evaluations.
//
// # Normalisation
//
// As GENIUS does, a discrete option is worth u_i(v) = eval(v) / max_v'
// eval(v') (all zero when every evaluation is zero), and an integer value x
// in [lower, upper] is worth clamp(slope·(x − lower) + offset, 0, 1). Integer
// issues become one option per integer ("lower", …, "upper"). The numbers
// are kept exactly as written ([Profile.ExactValues]) and [Scenario] passes
// them on exactly (negotiation.ProfileSpec.Exact), so 7/9 stays 7/9. The
// discount factor and the reservation value are kept both ways
// (ProfileSpec.Discount, ProfileSpec.Reservation); the analysis is
// undiscounted. GENIUS has no red lines: [FromScenario] lists what a
// profile could not carry in [Profile.Omitted], which [WriteProfile] writes
// as an XML comment.
//
// # Errors
//
// Every error is an *Error naming the file, the element and the problem; the
// parser never panics on any input (see FuzzParse).
package genius

import (
	"fmt"
	"math/big"

	"github.com/parley-talks/parley/negotiation"
)

// Error is a problem in a GENIUS file.
type Error struct {
	File    string // as given by the caller
	Element string // e.g. `<issue index="2" name="Harddisk">`, or "xml"
	Problem string
}

func (e *Error) Error() string {
	return "genius: " + e.File + ": " + e.Element + ": " + e.Problem
}

func errorf(file, element, format string, args ...any) *Error {
	return &Error{File: file, Element: element, Problem: fmt.Sprintf(format, args...)}
}

// Issue kinds.
const (
	Discrete = "discrete"
	Integer  = "integer"
)

// Limits checked by the parser.
const (
	MaxIssues = 1000    // issues in a domain
	MaxValues = 100_000 // values of one issue (integer ranges included)
)

// Domain is a GENIUS domain.
type Domain struct {
	Name   string // the objective's name
	Issues []Issue
}

// Issue is one issue of a domain.
type Issue struct {
	Index  int    // the index attribute, used by weights
	Name   string // unique
	Kind   string // Discrete or Integer
	Values []string
	// Lower and Upper bound an integer issue (inclusive); Values then
	// holds their decimal forms.
	Lower, Upper int
}

// Profile is one party's GENIUS utility space over a Domain, issues in the
// domain's order.
type Profile struct {
	Name   string // the party's name, usually from the file name
	Issues []IssueUtility
	// Weights per issue, in the domain's order, as written.
	Weights     []float64
	Reservation float64 // 0 when absent
	Discount    float64 // 0 when absent
	// Omitted says what a profile written from a Parley scenario could not
	// carry (red lines, core demands); WriteProfile writes it as a comment.
	Omitted []string

	weights []*big.Rat // exact weights as written, when read from a file
}

// IssueUtility is a profile's evaluation of one issue.
type IssueUtility struct {
	// Evaluations of a discrete issue, per value, as written.
	Evaluations []float64
	// Slope and Offset of an integer issue's linear evaluator.
	Slope, Offset float64

	exact         []*big.Rat // evaluations as written, when read from a file
	slope, offset *big.Rat
}

// ExactValues returns the normalised utilities of issue i's options as
// exact rationals: the numbers as written in the file (or the float64s
// read as decimals), divided exactly.
func (p *Profile) ExactValues(d *Domain, i int) []*big.Rat {
	is := d.Issues[i]
	iu := p.Issues[i]
	out := make([]*big.Rat, len(is.Values))
	if is.Kind == Integer {
		slope, offset := iu.slope, iu.offset
		if slope == nil {
			slope, offset = negotiation.Rat(iu.Slope), negotiation.Rat(iu.Offset)
		}
		zero, one := new(big.Rat), big.NewRat(1, 1)
		for j := range out {
			v := new(big.Rat).Mul(slope, big.NewRat(int64(j), 1))
			v.Add(v, offset)
			if v.Cmp(zero) < 0 {
				v.Set(zero)
			}
			if v.Cmp(one) > 0 {
				v.Set(one)
			}
			out[j] = v
		}
		return out
	}
	evals := iu.exact
	if evals == nil {
		for _, e := range iu.Evaluations {
			evals = append(evals, negotiation.Rat(e))
		}
	}
	top := new(big.Rat)
	for _, e := range evals {
		if e.Cmp(top) > 0 {
			top = e
		}
	}
	for j, e := range evals {
		out[j] = new(big.Rat)
		if top.Sign() > 0 {
			out[j].Quo(e, top)
		}
	}
	return out
}

// exactWeight returns weight i as written, or the float64 read as a decimal.
func (p *Profile) exactWeight(i int) *big.Rat {
	if p.weights != nil && p.weights[i] != nil {
		return p.weights[i]
	}
	return negotiation.Rat(p.Weights[i])
}

// Values returns the normalised utilities of issue i's options (see the
// package documentation).
func (p *Profile) Values(d *Domain, i int) []float64 {
	is := d.Issues[i]
	iu := p.Issues[i]
	out := make([]float64, len(is.Values))
	if is.Kind == Integer {
		for j := range out {
			out[j] = min(max(iu.Slope*float64(j)+iu.Offset, 0), 1)
		}
		return out
	}
	top := 0.0
	for _, e := range iu.Evaluations {
		top = max(top, e)
	}
	if top > 0 {
		for j, e := range iu.Evaluations {
			out[j] = e / top
		}
	}
	return out
}
