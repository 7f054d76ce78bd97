package export

import (
	"strconv"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/negotiation"
)

// RedLine says a red line in words, in p's language, as the pages and
// the documents show it.
func RedLine(p *i18n.Printer, r parley.RedLine) string {
	switch r.Kind {
	case "forbid":
		return p.T("never {theme}: {option}", "theme", r.Issue, "option", r.Option)
	case "require":
		return p.T("must have {theme}: {option}", "theme", r.Issue, "option", r.Option)
	case "rule":
		return p.T("if {theme}: {option} then {then} must be one of {options}", "theme", r.Issue, "option", r.Option,
			"then", r.Then, "options", strings.Join(r.In, ", "))
	case "min_utility":
		return p.T("at least utility {min}", "min", p.Float(r.Min))
	}
	return r.Kind
}

// Relaxation returns the words, in p's language, of a blocker's rule as
// package negotiation writes it: "drop red line: " and the red line as
// Problem.Describe says it, or "lower reservation from x to y". A rule of
// another form is returned as it is.
func Relaxation(p *i18n.Printer, prob *negotiation.Problem) func(rule string) string {
	known := map[string]string{}
	for _, pa := range prob.Parties {
		for _, c := range pa.RedLines {
			known["drop red line: "+prob.Describe(c)] = p.T("drop the red line: {red line}", "red line", RedLine(p, redLineOf(prob, c)))
		}
	}
	return func(rule string) string {
		if s, ok := known[rule]; ok {
			return s
		}
		if rest, ok := strings.CutPrefix(rule, "lower reservation from "); ok {
			from, to, _ := strings.Cut(rest, " to ")
			x, err1 := strconv.ParseFloat(from, 64)
			y, err2 := strconv.ParseFloat(to, 64)
			if err1 == nil && err2 == nil {
				return p.T("lower the reservation value from {from} to {to}", "from", p.Float(x), "to", p.Float(y))
			}
		}
		return rule
	}
}

// redLineOf is a compiled red line as the profile states it.
func redLineOf(prob *negotiation.Problem, c negotiation.Constraint) parley.RedLine {
	issue := func(i int) string { return prob.Issues[i].Name }
	option := func(i, x int) string { return prob.Issues[i].Options[x] }
	switch c.Kind {
	case negotiation.Forbid:
		return parley.RedLine{Kind: "forbid", Issue: issue(c.Issue), Option: option(c.Issue, c.Option)}
	case negotiation.Require:
		return parley.RedLine{Kind: "require", Issue: issue(c.Issue), Option: option(c.Issue, c.Option)}
	case negotiation.Rule:
		rl := parley.RedLine{Kind: "rule", Issue: issue(c.Issue), Option: option(c.Issue, c.Option), Then: issue(c.Then)}
		for x, ok := range c.In {
			if ok {
				rl.In = append(rl.In, option(c.Then, x))
			}
		}
		return rl
	}
	return parley.RedLine{Kind: "min_utility", Min: c.Min}
}
