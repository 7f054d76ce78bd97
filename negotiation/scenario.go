package negotiation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
)

// Scenario is Parley's own, name-keyed description of a negotiation: the
// issues with their options and one profile per party. It is what people
// write, store (sealed, one profile per party per track), export and import;
// it marshals to and from JSON as is. Compile checks it and returns the
// index-based Problem that the algorithms use.
type Scenario struct {
	// Name names the scenario, e.g. "Black Sea grain corridor".
	Name string `json:"name"`
	// Issues are the themes in agenda order; their options are ordered.
	Issues []IssueSpec `json:"issues"`
	// Profiles holds one profile per party (at least two for an analysis).
	Profiles []ProfileSpec `json:"profiles"`
}

// IntegerOptions returns the options "lo", "lo+1", …, "hi" of an integer
// range, for an IssueSpec: integer ranges are issues like any other.
func IntegerOptions(lo, hi int) []string {
	var out []string
	for v := lo; v <= hi; v++ {
		out = append(out, strconv.Itoa(v))
	}
	return out
}

// IssueSpec is one theme and its options, in order.
type IssueSpec struct {
	Name    string   `json:"name"`
	Options []string `json:"options"`
}

// ProfileSpec is one party's sealed priorities.
//
// The party's utility of a package is Σ_issue w_issue · v_issue(option), where
// the weights are normalised to sum to 1 by Compile and the values lie in
// [0,1]. An issue missing from Weights has weight 0; an option missing from
// Values is worth 0.
type ProfileSpec struct {
	// Name is the party's name, e.g. "Ukraine".
	Name string `json:"name"`
	// Weights maps an issue name to its non-negative weight.
	Weights map[string]float64 `json:"weights"`
	// Values maps an issue name, then an option name, to a value in [0,1].
	Values map[string]map[string]float64 `json:"values"`
	// Reservation is the utility of no agreement, in [0,1]: the party
	// accepts a package whose utility reaches it.
	Reservation float64 `json:"reservation"`
	// Discount is the GENIUS discount factor, kept for import and export
	// only; the analysis is undiscounted. Zero means none.
	Discount float64 `json:"discount,omitempty"`
	// RedLines are constraints the party will not cross.
	RedLines []RedLine `json:"red_lines,omitempty"`
	// Exact, when set, gives the weights and values as exact rationals
	// (by issue name and option name; each present key must be); Compile
	// then uses them instead of reading Weights and Values as decimals.
	// The GENIUS reader sets it so that an evaluation divided by its
	// issue's maximum (7/9) stays exact. It is not part of the JSON form.
	Exact *ExactProfile `json:"-"`
}

// ExactProfile holds a profile's weights and values as exact rationals.
type ExactProfile struct {
	Weights map[string]*big.Rat
	Values  map[string]map[string]*big.Rat
}

// Red line kinds.
const (
	KindForbid     = "forbid"      // Issue must not be Option.
	KindRequire    = "require"     // Issue must be Option.
	KindRule       = "rule"        // if Issue is Option then Then must be one of In.
	KindMinUtility = "min_utility" // the party's utility must be at least Min.
)

// RedLine is one constraint of a party, by name. Kind selects which fields
// are used:
//
//	{"kind":"forbid",  "issue":"Energy strikes", "option":"none"}
//	{"kind":"require", "issue":"Prisoners", "option":"all for all"}
//	{"kind":"rule", "issue":"Ceasefire", "option":"full",
//	 "then":"Monitoring", "in":["UN","OSCE"]}
//	{"kind":"min_utility", "min":0.4}
type RedLine struct {
	Kind   string   `json:"kind"`
	Issue  string   `json:"issue,omitempty"`
	Option string   `json:"option,omitempty"`
	Then   string   `json:"then,omitempty"`
	In     []string `json:"in,omitempty"`
	Min    float64  `json:"min,omitempty"`
}

// DecodeScenario reads one JSON scenario from r, rejecting unknown fields and
// trailing data, and checks it with Validate.
func DecodeScenario(r io.Reader) (*Scenario, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var s Scenario
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("negotiation: decode scenario: %w", err)
	}
	if dec.More() {
		return nil, errors.New("negotiation: decode scenario: trailing data after the scenario object")
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// EncodeScenario writes s as indented JSON.
func EncodeScenario(w io.Writer, s *Scenario) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("negotiation: encode scenario: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Validate checks s and returns an error naming the first faulty field, e.g.
// `negotiation: profiles[1] ("B").values["Price"]: unknown option "cheap"`.
func (s *Scenario) Validate() error {
	_, err := s.Compile()
	return err
}

// Limits on a scenario, checked by Compile.
const (
	MaxIssues  = 1000    // issues in a scenario
	MaxOptions = 1 << 20 // options of one issue
	MaxParties = 64      // profiles in a scenario
)

// Compile checks s and returns the index-based Problem. Errors name the field
// (issues[2].options[0], profiles[1] ("B").red_lines[0].then, …) and never
// quote a value of a profile, which may be sealed.
func (s *Scenario) Compile() (*Problem, error) {
	if len(s.Issues) == 0 {
		return nil, errors.New("negotiation: issues: a scenario needs at least one issue")
	}
	if len(s.Issues) > MaxIssues {
		return nil, fmt.Errorf("negotiation: issues: %d issues, at most %d", len(s.Issues), MaxIssues)
	}
	if len(s.Profiles) > MaxParties {
		return nil, fmt.Errorf("negotiation: profiles: %d profiles, at most %d", len(s.Profiles), MaxParties)
	}
	p := &Problem{Name: s.Name}
	issueIdx := map[string]int{}
	optIdx := make([]map[string]int, len(s.Issues))
	for i, is := range s.Issues {
		field := fmt.Sprintf("issues[%d]", i)
		if is.Name == "" {
			return nil, fmt.Errorf("negotiation: %s.name: empty", field)
		}
		if _, dup := issueIdx[is.Name]; dup {
			return nil, fmt.Errorf("negotiation: %s.name: duplicate issue %q", field, is.Name)
		}
		if len(is.Options) == 0 {
			return nil, fmt.Errorf("negotiation: %s (%q).options: an issue needs at least one option", field, is.Name)
		}
		if len(is.Options) > MaxOptions {
			return nil, fmt.Errorf("negotiation: %s (%q).options: %d options, at most %d", field, is.Name, len(is.Options), MaxOptions)
		}
		issueIdx[is.Name] = i
		optIdx[i] = make(map[string]int, len(is.Options))
		for j, o := range is.Options {
			if _, dup := optIdx[i][o]; dup {
				return nil, fmt.Errorf("negotiation: %s (%q).options[%d]: duplicate option %q", field, is.Name, j, o)
			}
			optIdx[i][o] = j
		}
		p.Issues = append(p.Issues, Issue{Name: is.Name, Options: append([]string(nil), is.Options...)})
	}
	names := map[string]bool{}
	for k, ps := range s.Profiles {
		field := fmt.Sprintf("profiles[%d]", k)
		if ps.Name == "" {
			return nil, fmt.Errorf("negotiation: %s.name: empty", field)
		}
		if names[ps.Name] {
			return nil, fmt.Errorf("negotiation: %s.name: duplicate party %q", field, ps.Name)
		}
		names[ps.Name] = true
		field = fmt.Sprintf("%s (%q)", field, ps.Name)
		party, err := compileProfile(field, &ps, s.Issues, issueIdx, optIdx)
		if err != nil {
			return nil, err
		}
		p.Parties = append(p.Parties, party)
	}
	return p, nil
}

// exactAdditive builds the party's utility from its weights and values
// (w and vals by index, already checked) read as decimals, or from
// ps.Exact where it gives them.
func exactAdditive(field string, ps *ProfileSpec, issues []IssueSpec, w []float64, vals [][]float64) (*Additive, error) {
	ws := make([]*big.Rat, len(w))
	vs := make([][]*big.Rat, len(vals))
	for i, is := range issues {
		ws[i] = Rat(w[i])
		vs[i] = make([]*big.Rat, len(vals[i]))
		for j := range vals[i] {
			vs[i][j] = Rat(vals[i][j])
		}
		if ps.Exact == nil {
			continue
		}
		if x, ok := ps.Exact.Weights[is.Name]; ok {
			if x == nil || x.Sign() < 0 {
				return nil, fmt.Errorf("negotiation: %s.weights[%q]: must be ≥ 0", field, is.Name)
			}
			ws[i] = x
		}
		for j, o := range is.Options {
			if x, ok := ps.Exact.Values[is.Name][o]; ok {
				if x == nil || x.Sign() < 0 || x.Cmp(big.NewRat(1, 1)) > 0 {
					return nil, fmt.Errorf("negotiation: %s.values[%q][%q]: must be in [0,1]", field, is.Name, o)
				}
				vs[i][j] = x
			}
		}
	}
	a, err := NewAdditive(ws, vs)
	if err != nil {
		return nil, fmt.Errorf("negotiation: %s.weights: %w", field, err)
	}
	return a, nil
}

func finiteIn01(x float64) bool { return !math.IsNaN(x) && x >= 0 && x <= 1 }

func compileProfile(field string, ps *ProfileSpec, issues []IssueSpec, issueIdx map[string]int, optIdx []map[string]int) (Party, error) {
	n := len(issues)
	w := make([]float64, n)
	sum := 0.0
	for name, x := range ps.Weights {
		i, ok := issueIdx[name]
		if !ok {
			return Party{}, fmt.Errorf("negotiation: %s.weights: unknown issue %q", field, name)
		}
		if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
			return Party{}, fmt.Errorf("negotiation: %s.weights[%q]: must be a finite number ≥ 0", field, name)
		}
		w[i] = x
	}
	for _, x := range w { // in issue order, so the sum does not depend on map order
		sum += x
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		return Party{}, fmt.Errorf("negotiation: %s.weights: at least one weight must be positive and their sum finite", field)
	}
	vals := make([][]float64, n)
	for i := range vals {
		vals[i] = make([]float64, len(issues[i].Options))
	}
	for name, m := range ps.Values {
		i, ok := issueIdx[name]
		if !ok {
			return Party{}, fmt.Errorf("negotiation: %s.values: unknown issue %q", field, name)
		}
		for o, x := range m {
			j, ok := optIdx[i][o]
			if !ok {
				return Party{}, fmt.Errorf("negotiation: %s.values[%q]: unknown option %q", field, name, o)
			}
			if !finiteIn01(x) {
				return Party{}, fmt.Errorf("negotiation: %s.values[%q][%q]: must be in [0,1]", field, name, o)
			}
			vals[i][j] = x
		}
	}
	if !finiteIn01(ps.Reservation) {
		return Party{}, fmt.Errorf("negotiation: %s.reservation: must be in [0,1]", field)
	}
	if math.IsNaN(ps.Discount) || ps.Discount < 0 || ps.Discount > 1 {
		return Party{}, fmt.Errorf("negotiation: %s.discount: must be in [0,1]", field)
	}
	util, err := exactAdditive(field, ps, issues, w, vals)
	if err != nil {
		return Party{}, err
	}
	party := Party{Name: ps.Name, Utility: util, Reservation: ps.Reservation}
	for r, rl := range ps.RedLines {
		f := fmt.Sprintf("%s.red_lines[%d]", field, r)
		c, err := compileRedLine(f, &rl, issues, issueIdx, optIdx)
		if err != nil {
			return Party{}, err
		}
		party.RedLines = append(party.RedLines, c)
	}
	return party, nil
}

func compileRedLine(f string, rl *RedLine, issues []IssueSpec, issueIdx map[string]int, optIdx []map[string]int) (Constraint, error) {
	lookup := func(sub, issue, option string) (int, int, error) {
		i, ok := issueIdx[issue]
		if !ok {
			if issue == "" {
				return 0, 0, fmt.Errorf("negotiation: %s.%s: missing issue", f, sub)
			}
			return 0, 0, fmt.Errorf("negotiation: %s.%s: unknown issue %q", f, sub, issue)
		}
		j, ok := optIdx[i][option]
		if !ok {
			return 0, 0, fmt.Errorf("negotiation: %s.option: issue %q has no option %q", f, issue, option)
		}
		return i, j, nil
	}
	switch rl.Kind {
	case KindForbid, KindRequire:
		if rl.Then != "" || len(rl.In) > 0 || rl.Min != 0 {
			return Constraint{}, fmt.Errorf("negotiation: %s: %s takes only issue and option", f, rl.Kind)
		}
		i, j, err := lookup("issue", rl.Issue, rl.Option)
		if err != nil {
			return Constraint{}, err
		}
		k := Forbid
		if rl.Kind == KindRequire {
			k = Require
		}
		return Constraint{Kind: k, Issue: i, Option: j}, nil
	case KindRule:
		if rl.Min != 0 {
			return Constraint{}, fmt.Errorf("negotiation: %s.min: a rule takes no min", f)
		}
		i, j, err := lookup("issue", rl.Issue, rl.Option)
		if err != nil {
			return Constraint{}, err
		}
		t, ok := issueIdx[rl.Then]
		if !ok {
			if rl.Then == "" {
				return Constraint{}, fmt.Errorf("negotiation: %s.then: missing issue", f)
			}
			return Constraint{}, fmt.Errorf("negotiation: %s.then: unknown issue %q", f, rl.Then)
		}
		if t == i {
			return Constraint{}, fmt.Errorf("negotiation: %s.then: must differ from issue", f)
		}
		if len(rl.In) == 0 {
			return Constraint{}, fmt.Errorf("negotiation: %s.in: list at least one option of %q", f, rl.Then)
		}
		in := make([]bool, len(issues[t].Options))
		for _, o := range rl.In {
			x, ok := optIdx[t][o]
			if !ok {
				return Constraint{}, fmt.Errorf("negotiation: %s.in: issue %q has no option %q", f, rl.Then, o)
			}
			in[x] = true
		}
		return Constraint{Kind: Rule, Issue: i, Option: j, Then: t, In: in}, nil
	case KindMinUtility:
		if rl.Issue != "" || rl.Option != "" || rl.Then != "" || len(rl.In) > 0 {
			return Constraint{}, fmt.Errorf("negotiation: %s: min_utility takes only min", f)
		}
		if !finiteIn01(rl.Min) {
			return Constraint{}, fmt.Errorf("negotiation: %s.min: must be in [0,1]", f)
		}
		return Constraint{Kind: MinUtility, Min: rl.Min}, nil
	case "":
		return Constraint{}, fmt.Errorf("negotiation: %s.kind: missing (forbid, require, rule or min_utility)", f)
	default:
		return Constraint{}, fmt.Errorf("negotiation: %s.kind: unknown kind %q (forbid, require, rule or min_utility)", f, rl.Kind)
	}
}
