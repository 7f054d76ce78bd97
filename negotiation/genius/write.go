package genius

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"

	"github.com/parley-talks/parley/negotiation"
)

func attr(w *bufio.Writer, name, value string) {
	w.WriteString(" " + name + `="`)
	xml.EscapeText(w, []byte(value)) // bufio.Writer keeps the first error for Flush
	w.WriteString(`"`)
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// exactNum writes r, the exact value of x, as a terminating decimal when
// it is one (so a file's numbers survive a round trip as written), else x.
func exactNum(r *big.Rat, x float64) string {
	if r == nil {
		return num(x)
	}
	d := new(big.Int).Set(r.Denom())
	digits := 0
	for _, f := range []int64{2, 5} {
		k := 0
		for new(big.Int).Rem(d, big.NewInt(f)).Sign() == 0 {
			d.Quo(d, big.NewInt(f))
			k++
		}
		digits = max(digits, k)
	}
	if d.Cmp(big.NewInt(1)) != 0 {
		return num(x)
	}
	s := r.FloatString(digits)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func writeIssueOpen(w *bufio.Writer, is *Issue, indent string) {
	w.WriteString(indent + "<issue")
	attr(w, "index", strconv.Itoa(is.Index))
	attr(w, "name", is.Name)
	attr(w, "type", is.Kind)
	attr(w, "etype", is.Kind)
	attr(w, "vtype", is.Kind)
	if is.Kind == Integer {
		attr(w, "lowerbound", strconv.Itoa(is.Lower))
		attr(w, "upperbound", strconv.Itoa(is.Upper))
	}
	w.WriteString(">\n")
}

// WriteDomain writes d as a GENIUS domain file.
func WriteDomain(out io.Writer, d *Domain) error {
	w := bufio.NewWriter(out)
	w.WriteString("<negotiation_template>\n")
	fmt.Fprintf(w, "<utility_space number_of_issues=\"%d\">\n", len(d.Issues))
	w.WriteString(`<objective index="0" etype="objective" type="objective" description=""`)
	attr(w, "name", d.Name)
	w.WriteString(">\n")
	for k := range d.Issues {
		is := &d.Issues[k]
		writeIssueOpen(w, is, "  ")
		if is.Kind == Discrete {
			for j, v := range is.Values {
				w.WriteString("    <item")
				attr(w, "index", strconv.Itoa(j+1))
				attr(w, "value", v)
				w.WriteString("></item>\n")
			}
		}
		w.WriteString("  </issue>\n")
	}
	w.WriteString("</objective>\n</utility_space>\n</negotiation_template>\n")
	return w.Flush()
}

// WriteProfile writes p, a profile over d, as a GENIUS utility space file.
func WriteProfile(out io.Writer, d *Domain, p *Profile) error {
	if len(p.Issues) != len(d.Issues) || len(p.Weights) != len(d.Issues) {
		return fmt.Errorf("genius: write profile %q: it does not match the domain's %d issues", p.Name, len(d.Issues))
	}
	w := bufio.NewWriter(out)
	for _, o := range p.Omitted {
		// "--" may not appear in an XML comment.
		w.WriteString("<!-- Parley: " + strings.ReplaceAll(o, "--", "- -") + " -->\n")
	}
	w.WriteString("<utility_space>\n")
	w.WriteString(`<objective index="0" etype="objective" type="objective" description=""`)
	attr(w, "name", d.Name)
	w.WriteString(">\n")
	for k := range d.Issues {
		is := &d.Issues[k]
		iu := &p.Issues[k]
		writeIssueOpen(w, is, "  ")
		switch is.Kind {
		case Discrete:
			if len(iu.Evaluations) != len(is.Values) {
				return fmt.Errorf("genius: write profile %q: issue %q has %d evaluations for %d values", p.Name, is.Name, len(iu.Evaluations), len(is.Values))
			}
			for j, v := range is.Values {
				w.WriteString("    <item")
				attr(w, "index", strconv.Itoa(j+1))
				attr(w, "value", v)
				var e *big.Rat
				if iu.exact != nil {
					e = iu.exact[j]
				}
				attr(w, "evaluation", exactNum(e, iu.Evaluations[j]))
				w.WriteString("></item>\n")
			}
		case Integer:
			w.WriteString(`    <evaluator ftype="linear"`)
			attr(w, "slope", exactNum(iu.slope, iu.Slope))
			attr(w, "offset", exactNum(iu.offset, iu.Offset))
			w.WriteString("></evaluator>\n")
		}
		w.WriteString("  </issue>\n")
	}
	for k := range d.Issues {
		w.WriteString("  <weight")
		attr(w, "index", strconv.Itoa(d.Issues[k].Index))
		var wr *big.Rat
		if p.weights != nil {
			wr = p.weights[k]
		}
		attr(w, "value", exactNum(wr, p.Weights[k]))
		w.WriteString("></weight>\n")
	}
	w.WriteString("</objective>\n")
	fmt.Fprintf(w, "<reservation value=\"%s\"></reservation>\n", num(p.Reservation))
	if p.Discount != 0 { // 0 means none (GENIUS reads a missing factor as 1, no discount)
		fmt.Fprintf(w, "<discount_factor value=\"%s\"></discount_factor>\n", num(p.Discount))
	}
	w.WriteString("</utility_space>\n")
	return w.Flush()
}

// Scenario converts a domain and its profiles to a Parley scenario: options
// are the issue's values, option values are normalised as GENIUS does,
// weights are kept as written (Compile normalises them), and the
// reservation and discount factor are carried over. Each profile's Exact
// holds the weights and values as exact rationals (evaluations divided by
// their maximum exactly), so that the analysis of a GENIUS file is exact. A profile whose name
// repeats an earlier one gets a suffix " (2)", " (3)", ….
func Scenario(d *Domain, profiles []*Profile) *negotiation.Scenario {
	s := &negotiation.Scenario{Name: d.Name}
	for _, is := range d.Issues {
		s.Issues = append(s.Issues, negotiation.IssueSpec{Name: is.Name, Options: append([]string(nil), is.Values...)})
	}
	used := map[string]bool{}
	for _, p := range profiles {
		name := p.Name
		for k := 2; used[name]; k++ {
			name = fmt.Sprintf("%s (%d)", p.Name, k)
		}
		used[name] = true
		ps := negotiation.ProfileSpec{
			Name: name, Weights: map[string]float64{}, Values: map[string]map[string]float64{},
			Reservation: p.Reservation, Discount: p.Discount,
			Exact: &negotiation.ExactProfile{Weights: map[string]*big.Rat{}, Values: map[string]map[string]*big.Rat{}},
		}
		for i, is := range d.Issues {
			ps.Weights[is.Name] = p.Weights[i]
			ps.Exact.Weights[is.Name] = p.exactWeight(i)
			vals := p.ExactValues(d, i)
			m := make(map[string]float64, len(vals))
			em := make(map[string]*big.Rat, len(vals))
			for j, v := range is.Values {
				m[v], _ = vals[j].Float64()
				em[v] = vals[j]
			}
			ps.Values[is.Name] = m
			ps.Exact.Values[is.Name] = em
		}
		s.Profiles = append(s.Profiles, ps)
	}
	return s
}

// FromScenario converts a Parley scenario to a GENIUS domain (discrete
// issues, indexed from 1) and profiles whose evaluations are the option
// values, with the reservation and discount factor. GENIUS has no red
// lines: a profile that had some lists them in Omitted (and WriteProfile
// writes that as a comment), so the caller can say so. Because GENIUS
// divides each issue's evaluations by their maximum, an issue whose best
// option is worth less than 1 reads back with its values rescaled.
func FromScenario(s *negotiation.Scenario) (*Domain, []*Profile, error) {
	if err := s.Validate(); err != nil {
		return nil, nil, err
	}
	d := &Domain{Name: s.Name}
	for i, is := range s.Issues {
		d.Issues = append(d.Issues, Issue{Index: i + 1, Name: is.Name, Kind: Discrete, Values: append([]string(nil), is.Options...)})
	}
	var ps []*Profile
	for _, sp := range s.Profiles {
		p := &Profile{Name: sp.Name, Reservation: sp.Reservation, Discount: sp.Discount}
		if n := len(sp.RedLines); n > 0 {
			p.Omitted = append(p.Omitted, fmt.Sprintf("%d red line(s) not exported: GENIUS profiles cannot carry red lines", n))
		}
		for _, is := range s.Issues {
			p.Weights = append(p.Weights, sp.Weights[is.Name])
			iu := IssueUtility{}
			for _, o := range is.Options {
				iu.Evaluations = append(iu.Evaluations, sp.Values[is.Name][o])
			}
			p.Issues = append(p.Issues, iu)
		}
		ps = append(ps, p)
	}
	return d, ps, nil
}
