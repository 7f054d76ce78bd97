package genius

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"

	"github.com/parley-talks/parley/negotiation"
)

func attr(w *bufio.Writer, name, value string) {
	w.WriteString(" " + name + `="`)
	xml.EscapeText(w, []byte(value)) // bufio.Writer keeps the first error for Flush
	w.WriteString(`"`)
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

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
				attr(w, "evaluation", num(iu.Evaluations[j]))
				w.WriteString("></item>\n")
			}
		case Integer:
			w.WriteString(`    <evaluator ftype="linear"`)
			attr(w, "slope", num(iu.Slope))
			attr(w, "offset", num(iu.Offset))
			w.WriteString("></evaluator>\n")
		}
		w.WriteString("  </issue>\n")
	}
	for k := range d.Issues {
		w.WriteString("  <weight")
		attr(w, "index", strconv.Itoa(d.Issues[k].Index))
		attr(w, "value", num(p.Weights[k]))
		w.WriteString("></weight>\n")
	}
	w.WriteString("</objective>\n")
	fmt.Fprintf(w, "<reservation value=\"%s\"></reservation>\n", num(p.Reservation))
	if p.Discount != 0 {
		fmt.Fprintf(w, "<discount_factor value=\"%s\"></discount_factor>\n", num(p.Discount))
	}
	w.WriteString("</utility_space>\n")
	return w.Flush()
}

// Scenario converts a domain and its profiles to a Parley scenario: options
// are the issue's values, option values are normalised as GENIUS does,
// weights are kept as written (Compile normalises them), and the
// reservation and discount factor are carried over. A profile whose name
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
		}
		for i, is := range d.Issues {
			ps.Weights[is.Name] = p.Weights[i]
			vals := p.Values(d, i)
			m := make(map[string]float64, len(vals))
			for j, v := range is.Values {
				m[v] = vals[j]
			}
			ps.Values[is.Name] = m
		}
		s.Profiles = append(s.Profiles, ps)
	}
	return s
}

// FromScenario converts a Parley scenario to a GENIUS domain (discrete
// issues, indexed from 1) and profiles whose evaluations are the option
// values. GENIUS has no red lines, so they are not exported; and because
// GENIUS divides each issue's evaluations by their maximum, an issue whose
// best option is worth less than 1 reads back with its values rescaled.
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
