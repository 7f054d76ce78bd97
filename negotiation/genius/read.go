package genius

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/parley-talks/parley/negotiation"
)

// The XML shapes, permissive: unknown attributes and elements are ignored.
type xSpace struct {
	Type        string       `xml:"type,attr"`
	Objectives  []xObjective `xml:"objective"`
	Reservation []xValue     `xml:"reservation"`
	Discount    []xValue     `xml:"discount_factor"`
	// The older format: issues and weights directly under <utility_space>.
	Issues  []xIssue  `xml:"issue"`
	Weights []xWeight `xml:"weight"`
	// Non-linear utility spaces (ANAC 2014) hold these.
	Constraints []struct{} `xml:"ufun"`
}

type xTemplate struct {
	Spaces []xSpace `xml:"utility_space"`
}

type xObjective struct {
	Index      string       `xml:"index,attr"`
	Name       string       `xml:"name,attr"`
	Issues     []xIssue     `xml:"issue"`
	Weights    []xWeight    `xml:"weight"`
	Objectives []xObjective `xml:"objective"`
}

type xIssue struct {
	Index      string       `xml:"index,attr"`
	Name       string       `xml:"name,attr"`
	Type       string       `xml:"type,attr"`
	EType      string       `xml:"etype,attr"`
	VType      string       `xml:"vtype,attr"`
	Lower      string       `xml:"lowerbound,attr"`
	Upper      string       `xml:"upperbound,attr"`
	Items      []xItem      `xml:"item"`
	Evaluators []xEvaluator `xml:"evaluator"`
	// Some files give an integer issue's bounds in a child element.
	Ranges []xRange `xml:"range"`
}

type xRange struct {
	Lower string `xml:"lowerbound,attr"`
	Upper string `xml:"upperbound,attr"`
}

// bounds returns the issue's lowerbound and upperbound attributes, or
// those of its single <range> child.
func (x *xIssue) bounds() (lo, hi string) {
	if x.Lower == "" && x.Upper == "" && len(x.Ranges) == 1 {
		return x.Ranges[0].Lower, x.Ranges[0].Upper
	}
	return x.Lower, x.Upper
}

type xItem struct {
	Index      string  `xml:"index,attr"`
	Value      string  `xml:"value,attr"`
	Evaluation *string `xml:"evaluation,attr"`
}

type xEvaluator struct {
	FType  string `xml:"ftype,attr"`
	Slope  string `xml:"slope,attr"`
	Offset string `xml:"offset,attr"`
	// The older linear form u(x) = parameter0 + parameter1·x.
	Param0 string `xml:"parameter0,attr"`
	Param1 string `xml:"parameter1,attr"`
}

type xWeight struct {
	Index string `xml:"index,attr"`
	Value string `xml:"value,attr"`
}

type xValue struct {
	Value string `xml:"value,attr"`
}

// decode reads the single utility_space of a domain or profile file, whose
// root is <negotiation_template> or <utility_space>.
func decode(r io.Reader, file string) (*xSpace, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, errorf(file, "file", "read: %v", err)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, errorf(file, "xml", "no root element: not a GENIUS domain or profile")
			}
			return nil, errorf(file, "xml", "%v: not a GENIUS domain or profile", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		var sp xSpace
		switch se.Name.Local {
		case "negotiation_template":
			var t xTemplate
			if err := dec.DecodeElement(&t, &se); err != nil {
				return nil, errorf(file, "xml", "%v", err)
			}
			if len(t.Spaces) != 1 {
				return nil, errorf(file, "<negotiation_template>", "want one <utility_space>, found %d", len(t.Spaces))
			}
			sp = t.Spaces[0]
		case "utility_space":
			if err := dec.DecodeElement(&sp, &se); err != nil {
				return nil, errorf(file, "xml", "%v", err)
			}
		case "Tournament", "multilateralTournament":
			return nil, errorf(file, "<"+se.Name.Local+">", "a GENIUS tournament set-up, not a domain or profile")
		default:
			return nil, errorf(file, "<"+se.Name.Local+">", "root must be <negotiation_template> or <utility_space>")
		}
		if sp.Type == "nonlinear" || len(sp.Constraints) > 0 {
			return nil, errorf(file, "<utility_space type=\"nonlinear\">", "non-linear utility spaces (hyperRectangle constraints) are not supported: Parley analyses additive utilities")
		}
		if len(sp.Objectives) == 0 && len(sp.Issues) > 0 {
			// The older format: the space is its own root objective.
			sp.Objectives = []xObjective{{Index: "0", Issues: sp.Issues, Weights: sp.Weights}}
		} else if len(sp.Issues) > 0 || len(sp.Weights) > 0 {
			return nil, errorf(file, "<utility_space>", "issues both in an <objective> and directly under <utility_space>")
		}
		if len(sp.Objectives) != 1 {
			return nil, errorf(file, "<utility_space>", "want one <objective> (or issues directly under <utility_space>), found %d", len(sp.Objectives))
		}
		if len(sp.Objectives[0].Objectives) > 0 {
			return nil, errorf(file, "<objective>", "nested objectives are not supported")
		}
		return &sp, nil
	}
}

func issueElement(x *xIssue) string {
	return fmt.Sprintf("<issue index=%q name=%q>", x.Index, x.Name)
}

func parseFloat(file, element, attr, s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, errorf(file, element, "%s %q is not a finite number", attr, s)
	}
	return f, nil
}

func kindOf(file string, x *xIssue) (string, error) {
	k := x.Type
	if k == "" {
		k = x.EType
	}
	switch k {
	case Discrete, Integer:
		return k, nil
	case "":
		if len(x.Items) > 0 {
			return Discrete, nil
		}
		return "", errorf(file, issueElement(x), "missing type")
	case "real":
		return "", errorf(file, issueElement(x), "real issues are not supported: Parley needs discrete options (make the issue integer or discrete)")
	default:
		return "", errorf(file, issueElement(x), "type %q is not supported (discrete or integer)", k)
	}
}

// ParseDomain reads a GENIUS domain file; file names it in errors.
func ParseDomain(r io.Reader, file string) (*Domain, error) {
	sp, err := decode(r, file)
	if err != nil {
		return nil, err
	}
	return domainOf(sp, file)
}

func domainOf(sp *xSpace, file string) (*Domain, error) {
	obj := &sp.Objectives[0]
	if len(obj.Issues) == 0 {
		return nil, errorf(file, "<objective>", "no issues")
	}
	if len(obj.Issues) > MaxIssues {
		return nil, errorf(file, "<objective>", "%d issues, at most %d", len(obj.Issues), MaxIssues)
	}
	d := &Domain{Name: obj.Name}
	names := map[string]bool{}
	indexes := map[int]bool{}
	for k := range obj.Issues {
		x := &obj.Issues[k]
		el := issueElement(x)
		if x.Name == "" {
			return nil, errorf(file, el, "missing name")
		}
		if names[x.Name] {
			return nil, errorf(file, el, "duplicate issue name")
		}
		names[x.Name] = true
		idx, err := strconv.Atoi(strings.TrimSpace(x.Index))
		if err != nil {
			return nil, errorf(file, el, "index %q is not an integer", x.Index)
		}
		if indexes[idx] {
			return nil, errorf(file, el, "duplicate issue index")
		}
		indexes[idx] = true
		kind, err := kindOf(file, x)
		if err != nil {
			return nil, err
		}
		is := Issue{Index: idx, Name: x.Name, Kind: kind}
		switch kind {
		case Discrete:
			if len(x.Items) == 0 {
				return nil, errorf(file, el, "a discrete issue needs at least one <item>")
			}
			if len(x.Items) > MaxValues {
				return nil, errorf(file, el, "%d items, at most %d", len(x.Items), MaxValues)
			}
			seen := map[string]bool{}
			for _, it := range x.Items {
				if seen[it.Value] {
					return nil, errorf(file, el, "duplicate item value %q", it.Value)
				}
				seen[it.Value] = true
				is.Values = append(is.Values, it.Value)
			}
		case Integer:
			l, u := x.bounds()
			lo, err1 := strconv.Atoi(strings.TrimSpace(l))
			hi, err2 := strconv.Atoi(strings.TrimSpace(u))
			if err1 != nil || err2 != nil {
				return nil, errorf(file, el, "lowerbound %q and upperbound %q must be integers", l, u)
			}
			if hi < lo || int64(hi)-int64(lo) >= MaxValues {
				return nil, errorf(file, el, "range [%d, %d] is empty or has more than %d values", lo, hi, MaxValues)
			}
			is.Lower, is.Upper = lo, hi
			for v := lo; v <= hi; v++ {
				is.Values = append(is.Values, strconv.Itoa(v))
			}
		}
		d.Issues = append(d.Issues, is)
	}
	return d, nil
}

// ParseProfile reads a GENIUS utility profile for domain d; file names it in
// errors and, without its extension, becomes the profile's name. The
// profile must list every issue of d (matched by name) with every value
// (matched by value), and one weight per issue (matched by index).
func ParseProfile(r io.Reader, file string, d *Domain) (*Profile, error) {
	sp, err := decode(r, file)
	if err != nil {
		return nil, err
	}
	obj := &sp.Objectives[0]
	p := &Profile{Name: profileName(file), Issues: make([]IssueUtility, len(d.Issues)), Weights: make([]float64, len(d.Issues))}
	byName := map[string]int{}
	byIndex := map[int]int{}
	for i, is := range d.Issues {
		byName[is.Name] = i
	}
	seen := make([]bool, len(d.Issues))
	for k := range obj.Issues {
		x := &obj.Issues[k]
		el := issueElement(x)
		i, ok := byName[x.Name]
		if !ok {
			return nil, errorf(file, el, "issue is not in the domain")
		}
		if seen[i] {
			return nil, errorf(file, el, "issue listed twice")
		}
		seen[i] = true
		if idx, err := strconv.Atoi(strings.TrimSpace(x.Index)); err == nil {
			byIndex[idx] = i
		} else {
			return nil, errorf(file, el, "index %q is not an integer", x.Index)
		}
		is := &d.Issues[i]
		if kind, err := kindOf(file, x); err != nil {
			return nil, err
		} else if kind != is.Kind {
			return nil, errorf(file, el, "type %s does not match the domain's %s", kind, is.Kind)
		}
		iu := &p.Issues[i]
		switch is.Kind {
		case Discrete:
			iu.Evaluations = make([]float64, len(is.Values))
			pos := map[string]int{}
			for j, v := range is.Values {
				pos[v] = j
			}
			got := make([]bool, len(is.Values))
			for _, it := range x.Items {
				j, ok := pos[it.Value]
				if !ok {
					return nil, errorf(file, el, "item %q is not a value of the domain's issue", it.Value)
				}
				if got[j] {
					return nil, errorf(file, el, "item %q listed twice", it.Value)
				}
				got[j] = true
				if it.Evaluation == nil {
					return nil, errorf(file, el, "item %q has no evaluation", it.Value)
				}
				e, err := parseFloat(file, el, fmt.Sprintf("item %q evaluation", it.Value), *it.Evaluation)
				if err != nil {
					return nil, err
				}
				if e < 0 {
					return nil, errorf(file, el, "item %q evaluation must be ≥ 0", it.Value)
				}
				iu.Evaluations[j] = e
				if iu.exact == nil {
					iu.exact = make([]*big.Rat, len(is.Values))
				}
				iu.exact[j] = decimal(*it.Evaluation, e)
			}
			for j, ok := range got {
				if !ok {
					return nil, errorf(file, el, "value %q of the domain has no item", is.Values[j])
				}
			}
		case Integer:
			l, u := x.bounds()
			lo, err1 := strconv.Atoi(strings.TrimSpace(l))
			hi, err2 := strconv.Atoi(strings.TrimSpace(u))
			if (l != "" || u != "") && (err1 != nil || err2 != nil || lo != is.Lower || hi != is.Upper) {
				return nil, errorf(file, el, "bounds [%s, %s] do not match the domain's [%d, %d]", l, u, is.Lower, is.Upper)
			}
			if len(x.Evaluators) != 1 {
				return nil, errorf(file, el, "want one <evaluator>, found %d", len(x.Evaluators))
			}
			ev := x.Evaluators[0]
			if ev.FType != "linear" {
				return nil, errorf(file, el, "evaluator ftype %q is not supported (linear)", ev.FType)
			}
			var err error
			if ev.Slope == "" && ev.Offset == "" && (ev.Param0 != "" || ev.Param1 != "") {
				// u(x) = p0 + p1·x over the values x = lower + j: slope p1,
				// offset p0 + p1·lower.
				p0, err := parseFloat(file, el, "evaluator parameter0", ev.Param0)
				if err != nil {
					return nil, err
				}
				p1, err := parseFloat(file, el, "evaluator parameter1", ev.Param1)
				if err != nil {
					return nil, err
				}
				iu.slope = decimal(ev.Param1, p1)
				iu.offset = new(big.Rat).Mul(iu.slope, big.NewRat(int64(is.Lower), 1))
				iu.offset.Add(iu.offset, decimal(ev.Param0, p0))
				iu.Slope = p1
				iu.Offset, _ = iu.offset.Float64()
				break
			}
			if iu.Slope, err = parseFloat(file, el, "evaluator slope", ev.Slope); err != nil {
				return nil, err
			}
			if iu.Offset, err = parseFloat(file, el, "evaluator offset", ev.Offset); err != nil {
				return nil, err
			}
			iu.slope, iu.offset = decimal(ev.Slope, iu.Slope), decimal(ev.Offset, iu.Offset)
		}
	}
	for i, ok := range seen {
		if !ok {
			return nil, errorf(file, "<objective>", "issue %q of the domain is missing", d.Issues[i].Name)
		}
	}
	wseen := make([]bool, len(d.Issues))
	objIndex, objErr := strconv.Atoi(strings.TrimSpace(obj.Index))
	for _, w := range obj.Weights {
		el := fmt.Sprintf("<weight index=%q>", w.Index)
		idx, err := strconv.Atoi(strings.TrimSpace(w.Index))
		if err != nil {
			return nil, errorf(file, el, "index is not an integer")
		}
		i, ok := byIndex[idx]
		if !ok && objErr == nil && idx == objIndex {
			continue // the root objective's own weight: GENIUS ignores it
		}
		if !ok {
			return nil, errorf(file, el, "no issue has this index")
		}
		if wseen[i] {
			return nil, errorf(file, el, "weight given twice")
		}
		wseen[i] = true
		x, err := parseFloat(file, el, "value", w.Value)
		if err != nil {
			return nil, err
		}
		if x < 0 {
			return nil, errorf(file, el, "weight must be ≥ 0")
		}
		p.Weights[i] = x
		if p.weights == nil {
			p.weights = make([]*big.Rat, len(d.Issues))
		}
		p.weights[i] = decimal(w.Value, x)
	}
	for i, ok := range wseen {
		if !ok {
			return nil, errorf(file, "<objective>", "issue %q has no <weight>", d.Issues[i].Name)
		}
	}
	sum := 0.0
	for _, w := range p.Weights {
		sum += w
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		return nil, errorf(file, "<objective>", "weights must have a positive finite sum")
	}
	if len(sp.Reservation) > 1 {
		return nil, errorf(file, "<reservation>", "given more than once")
	}
	if len(sp.Reservation) == 1 {
		x, err := parseFloat(file, "<reservation>", "value", sp.Reservation[0].Value)
		if err != nil {
			return nil, err
		}
		if x < 0 || x > 1 {
			return nil, errorf(file, "<reservation>", "value must be in [0,1]")
		}
		p.Reservation = x
	}
	if len(sp.Discount) > 1 {
		return nil, errorf(file, "<discount_factor>", "given more than once")
	}
	if len(sp.Discount) == 1 {
		x, err := parseFloat(file, "<discount_factor>", "value", sp.Discount[0].Value)
		if err != nil {
			return nil, err
		}
		if x < 0 || x > 1 {
			return nil, errorf(file, "<discount_factor>", "value must be in [0,1]")
		}
		p.Discount = x
	}
	return p, nil
}

// decimal returns the exact value of the number written s, which parsed as
// f: the decimal itself.
func decimal(s string, f float64) *big.Rat {
	if r, ok := new(big.Rat).SetString(strings.TrimSpace(s)); ok {
		return r
	}
	return negotiation.Rat(f)
}

// profileName returns the base name of file without its extension.
func profileName(file string) string {
	if i := strings.LastIndexAny(file, `/\`); i >= 0 {
		file = file[i+1:]
	}
	if i := strings.LastIndexByte(file, '.'); i > 0 {
		file = file[:i]
	}
	return file
}

// LoadFiles reads a domain file and its profile files and returns the
// Parley scenario (see Scenario). The scenario is named after the domain's
// objective, or after the domain file when that name says nothing ("" or
// GENIUS's default "root").
func LoadFiles(domainPath string, profilePaths ...string) (*negotiation.Scenario, error) {
	data, err := os.ReadFile(domainPath)
	if err != nil {
		return nil, err
	}
	d, err := ParseDomain(bytes.NewReader(data), domainPath)
	if err != nil {
		return nil, err
	}
	var ps []*Profile
	for _, path := range profilePaths {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		p, err := ParseProfile(bytes.NewReader(data), path, d)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	s := Scenario(d, ps)
	if s.Name == "" || s.Name == "root" {
		s.Name = strings.TrimSuffix(filepath.Base(domainPath), filepath.Ext(domainPath))
	}
	return s, nil
}
