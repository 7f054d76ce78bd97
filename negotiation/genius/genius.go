// Package genius reads and writes negotiation domains and utility profiles in
// the XML format of GENIUS, the platform of the ANAC automated negotiation
// competitions, and converts them to and from Parley scenarios.
//
// # Format
//
// A domain file holds <negotiation_template><utility_space><objective> with
// one <issue> per issue: discrete issues list their <item value="…">s,
// integer issues give lowerbound and upperbound. A profile file holds
// <utility_space> with the same <objective>, each issue's items carrying an
// evaluation (discrete) or an <evaluator ftype="linear" slope offset>
// (integer), one <weight index value> per issue, and optionally
// <reservation value> and <discount_factor value>.
//
// # Normalisation
//
// As GENIUS does, a discrete option is worth u_i(v) = eval(v) / max_v'
// eval(v') (all zero when every evaluation is zero), and an integer value x
// in [lower, upper] is worth clamp(slope·(x − lower) + offset, 0, 1). Integer
// issues become one option per integer ("lower", …, "upper"). The discount
// factor is kept (ProfileSpec.Discount) but the analysis is undiscounted.
//
// # Errors
//
// Every error is an *Error naming the file, the element and the problem; the
// parser never panics on any input (see FuzzParse).
package genius

import (
	"fmt"
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
}

// IssueUtility is a profile's evaluation of one issue.
type IssueUtility struct {
	// Evaluations of a discrete issue, per value, as written.
	Evaluations []float64
	// Slope and Offset of an integer issue's linear evaluator.
	Slope, Offset float64
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
