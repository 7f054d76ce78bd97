package negotiation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func validScenario() *Scenario {
	return &Scenario{
		Name: "t",
		Issues: []IssueSpec{
			{Name: "A", Options: []string{"a0", "a1"}},
			{Name: "B", Options: []string{"b0", "b1", "b2"}},
		},
		Profiles: []ProfileSpec{
			{Name: "P", Weights: map[string]float64{"A": 3, "B": 1}, Values: map[string]map[string]float64{"A": {"a1": 1}, "B": {"b0": 0.5, "b2": 1}}, Reservation: 0.2,
				RedLines: []RedLine{
					{Kind: KindForbid, Issue: "A", Option: "a0"},
					{Kind: KindRule, Issue: "A", Option: "a1", Then: "B", In: []string{"b0", "b2"}},
					{Kind: KindMinUtility, Min: 0.3},
				}},
			{Name: "Q", Weights: map[string]float64{"B": 1}, Values: map[string]map[string]float64{"B": {"b1": 1}},
				RedLines: []RedLine{{Kind: KindRequire, Issue: "B", Option: "b2"}}},
		},
	}
}

func TestCompile(t *testing.T) {
	p, err := validScenario().Compile()
	if err != nil {
		t.Fatal(err)
	}
	want := &Problem{
		Name:   "t",
		Issues: []Issue{{"A", []string{"a0", "a1"}}, {"B", []string{"b0", "b1", "b2"}}},
		Parties: []Party{
			{Name: "P", Utility: &Additive{Weights: []float64{0.75, 0.25}, Values: [][]float64{{0, 1}, {0.5, 0, 1}}}, Reservation: 0.2,
				RedLines: []Constraint{
					{Kind: Forbid, Issue: 0, Option: 0},
					{Kind: Rule, Issue: 0, Option: 1, Then: 1, In: []bool{true, false, true}},
					{Kind: MinUtility, Min: 0.3},
				}},
			{Name: "Q", Utility: &Additive{Weights: []float64{0, 1}, Values: [][]float64{{0, 0}, {0, 1, 0}}},
				RedLines: []Constraint{{Kind: Require, Issue: 1, Option: 2}}},
		},
	}
	if diff := cmp.Diff(want, p, cmpopts.IgnoreUnexported(Additive{})); diff != "" {
		t.Fatalf("Compile (-want +got):\n%s", diff)
	}
	if got := p.Size(); got.Cmp(big.NewInt(6)) != 0 {
		t.Fatalf("Size = %v", got)
	}
	if got := p.Describe(p.Parties[0].RedLines[1]); got != "if A = a1 then B in {b0, b2}" {
		t.Fatalf("Describe = %q", got)
	}
}

func TestCompileErrors(t *testing.T) {
	cases := []struct {
		name string
		edit func(s *Scenario)
		want string
	}{
		{"no issues", func(s *Scenario) { s.Issues = nil }, "negotiation: issues: a scenario needs at least one issue"},
		{"empty issue name", func(s *Scenario) { s.Issues[1].Name = "" }, "issues[1].name: empty"},
		{"duplicate issue", func(s *Scenario) { s.Issues[1].Name = "A" }, `issues[1].name: duplicate issue "A"`},
		{"no options", func(s *Scenario) { s.Issues[0].Options = nil }, `issues[0] ("A").options: an issue needs at least one option`},
		{"duplicate option", func(s *Scenario) { s.Issues[1].Options[2] = "b0" }, `issues[1] ("B").options[2]: duplicate option "b0"`},
		{"duplicate party", func(s *Scenario) { s.Profiles[1].Name = "P" }, `profiles[1].name: duplicate party "P"`},
		{"unknown weight issue", func(s *Scenario) { s.Profiles[0].Weights["C"] = 1 }, `profiles[0] ("P").weights: unknown issue "C"`},
		{"negative weight", func(s *Scenario) { s.Profiles[0].Weights["A"] = -1 }, `profiles[0] ("P").weights["A"]: must be a finite number ≥ 0`},
		{"NaN weight", func(s *Scenario) { s.Profiles[0].Weights["A"] = math.NaN() }, `weights["A"]: must be a finite number ≥ 0`},
		{"zero weights", func(s *Scenario) { s.Profiles[1].Weights = nil }, `profiles[1] ("Q").weights: at least one weight must be positive`},
		{"unknown value issue", func(s *Scenario) { s.Profiles[0].Values["C"] = nil }, `profiles[0] ("P").values: unknown issue "C"`},
		{"unknown option", func(s *Scenario) { s.Profiles[0].Values["A"]["a9"] = 1 }, `profiles[0] ("P").values["A"]: unknown option "a9"`},
		{"value above 1", func(s *Scenario) { s.Profiles[0].Values["A"]["a1"] = 1.5 }, `profiles[0] ("P").values["A"]["a1"]: must be in [0,1]`},
		{"reservation", func(s *Scenario) { s.Profiles[0].Reservation = -0.1 }, `profiles[0] ("P").reservation: must be in [0,1]`},
		{"discount", func(s *Scenario) { s.Profiles[0].Discount = 2 }, `profiles[0] ("P").discount: must be in [0,1]`},
		{"missing kind", func(s *Scenario) { s.Profiles[0].RedLines[0].Kind = "" }, `profiles[0] ("P").red_lines[0].kind: missing`},
		{"unknown kind", func(s *Scenario) { s.Profiles[0].RedLines[0].Kind = "veto" }, `red_lines[0].kind: unknown kind "veto"`},
		{"forbid unknown option", func(s *Scenario) { s.Profiles[0].RedLines[0].Option = "zz" }, `red_lines[0].option: issue "A" has no option "zz"`},
		{"forbid unknown issue", func(s *Scenario) { s.Profiles[0].RedLines[0].Issue = "Z" }, `red_lines[0].issue: unknown issue "Z"`},
		{"forbid extra field", func(s *Scenario) { s.Profiles[0].RedLines[0].Min = 0.5 }, `red_lines[0]: forbid takes only issue and option`},
		{"rule same issue", func(s *Scenario) { s.Profiles[0].RedLines[1].Then = "A" }, `red_lines[1].then: must differ from issue`},
		{"rule no then", func(s *Scenario) { s.Profiles[0].RedLines[1].Then = "" }, `red_lines[1].then: missing issue`},
		{"rule empty in", func(s *Scenario) { s.Profiles[0].RedLines[1].In = nil }, `red_lines[1].in: list at least one option of "B"`},
		{"rule bad in", func(s *Scenario) { s.Profiles[0].RedLines[1].In = []string{"q"} }, `red_lines[1].in: issue "B" has no option "q"`},
		{"min out of range", func(s *Scenario) { s.Profiles[0].RedLines[2].Min = 1.2 }, `red_lines[2].min: must be in [0,1]`},
		{"min with issue", func(s *Scenario) { s.Profiles[0].RedLines[2].Issue = "A" }, `red_lines[2]: min_utility takes only min`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := validScenario()
			c.edit(s)
			err := s.Validate()
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "negotiation: ") {
				t.Fatalf("error = %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestCompileErrorsKeepSealedValuesOut: an invalid reservation or value
// must not appear in the message (profiles are sealed).
func TestCompileErrorsKeepSealedValuesOut(t *testing.T) {
	s := validScenario()
	s.Profiles[0].Reservation = 1.234567
	s.Profiles[1].Values["B"]["b1"] = 7.654321
	for range 2 {
		err := s.Validate()
		if err == nil || strings.Contains(err.Error(), "1.234567") || strings.Contains(err.Error(), "7.654321") {
			t.Fatalf("error %v leaks a sealed value", err)
		}
		s.Profiles[0].Reservation = 0
	}
}

func TestDecodeScenario(t *testing.T) {
	var b bytes.Buffer
	if err := EncodeScenario(&b, validScenario()); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeScenario(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(validScenario(), got); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
	for _, c := range []struct{ in, want string }{
		{`{"name":"x","issues":[],"profiles":[],"extra":1}`, `unknown field "extra"`},
		{`{"name":"x","issues":[{"name":"A","options":["a"],"weight":2}],"profiles":[]}`, `unknown field "weight"`},
		{`{"name":"x"} {}`, "trailing data"},
		{`{"name":`, "unexpected EOF"},
		{`{"name":"x","issues":[],"profiles":[]}`, "at least one issue"},
	} {
		_, err := DecodeScenario(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "negotiation: ") {
			t.Errorf("DecodeScenario(%s) = %v, want an error containing %q", c.in, err, c.want)
		}
	}
}

// TestBlockersMatchBruteForce: every relaxation's count is the brute-force
// count of the relaxed problem, and the ranking is by packages opened.
func TestBlockersMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for trial := range 200 {
		p := randomProblem(rng, 2+trial%2, 5, 4, trial%3 == 0, true)
		base, err := p.CountZone(ZoneOptions{})
		if err != nil {
			t.Fatal(err)
		}
		rel, err := p.Blockers(base, 0.1, 5, ZoneOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, pa := range p.Parties {
			want += len(pa.RedLines)
			if pa.Reservation > 0 {
				want++
			}
		}
		if len(rel) != want {
			t.Fatalf("trial %d: %d relaxations, want %d", trial, len(rel), want)
		}
		for j, r := range rel {
			q := p
			if r.RedLine >= 0 {
				q = p.withParty(r.Party, func(x *Party) {
					x.RedLines = append(append([]Constraint(nil), x.RedLines[:r.RedLine]...), x.RedLines[r.RedLine+1:]...)
				})
			} else {
				q = p.withParty(r.Party, func(x *Party) { x.Reservation = max(x.Reservation-0.1, 0) })
			}
			after := bruteZone(q)
			before := bruteZone(p)
			if !r.Exact || r.Zone.Count.Int64() != after || r.Opens.Int64() != after-before {
				t.Fatalf("trial %d: %s of party %d: opens %v (zone %v), brute force %d → %d", trial, r.Rule, r.Party, r.Opens, r.Zone.Count, before, after)
			}
			if j > 0 && rel[j-1].Opens.Cmp(r.Opens) < 0 {
				t.Fatalf("trial %d: relaxations not ranked by packages opened", trial)
			}
		}
	}
}

// TestAnalyzeBlocked: red lines that exclude every package give an empty
// frontier, no bargaining points, an exact empty zone, and blockers that
// name the red lines whose removal opens packages.
func TestAnalyzeBlocked(t *testing.T) {
	s := &Scenario{
		Name:   "blocked",
		Issues: []IssueSpec{{Name: "Troops", Options: IntegerOptions(0, 3)}, {Name: "Vote", Options: []string{"yes", "no"}}},
		Profiles: []ProfileSpec{
			{Name: "East", Weights: map[string]float64{"Troops": 1}, Values: map[string]map[string]float64{"Troops": {"3": 1, "2": 0.5}},
				RedLines: []RedLine{{Kind: KindRequire, Issue: "Vote", Option: "yes"}}},
			{Name: "West", Weights: map[string]float64{"Troops": 1, "Vote": 1}, Values: map[string]map[string]float64{"Troops": {"0": 1}, "Vote": {"no": 1}},
				RedLines: []RedLine{{Kind: KindForbid, Issue: "Vote", Option: "yes"}}},
		},
	}
	r, err := Analyze(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Frontier) != 0 || r.Nash != nil || r.Maximin != nil || r.AgreementZone.Count == nil || *r.AgreementZone.Count != "0" || !r.AgreementZone.Exact {
		t.Fatalf("report = %+v", r)
	}
	if r.Outcomes != "8" || len(r.Blockers) != 2 {
		t.Fatalf("outcomes %s, %d blockers", r.Outcomes, len(r.Blockers))
	}
	for _, b := range r.Blockers {
		if b.Opens != "4" || !b.Exact || b.Kind != "red_line" {
			t.Fatalf("blocker %+v: want 4 packages opened (Troops free, Vote fixed)", b)
		}
	}
	if r.Blockers[0].Party != "East" || r.Blockers[0].Rule != "drop red line: require Vote = yes" {
		t.Fatalf("first blocker %+v", r.Blockers[0])
	}
}

// TestReportInexactZone: beyond reach the JSON says so — count null, exact
// false, bounds, and a labelled estimate.
func TestReportInexactZone(t *testing.T) {
	p, err := Generate(2, 3, 8, 6).Compile()
	if err != nil {
		t.Fatal(err)
	}
	for k := range p.Parties {
		p.Parties[k].Reservation = 0.5
	}
	r, err := p.Analyze(AnalyzeOptions{Zone: ZoneOptions{NodeBudget: 100, HalfLimit: 1, LevelCap: 10, GridStates: 1 << 10, Samples: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(r.AgreementZone)
	if err != nil {
		t.Fatal(err)
	}
	var z map[string]any
	if err := json.Unmarshal(js, &z); err != nil {
		t.Fatal(err)
	}
	if z["count"] != nil || z["exact"] != false || z["lower"] == nil || z["upper"] == nil {
		t.Fatalf("zone JSON %s", js)
	}
	est, ok := z["estimate"].(map[string]any)
	if !ok || !strings.Contains(est["method"].(string), "not a count") || est["samples"] != float64(1000) {
		t.Fatalf("estimate not labelled: %s", js)
	}
	want := big.NewInt(bruteZone(p))
	lo, _ := new(big.Int).SetString(z["lower"].(string), 10)
	hi, _ := new(big.Int).SetString(z["upper"].(string), 10)
	if lo.Cmp(want) > 0 || hi.Cmp(want) < 0 {
		t.Fatalf("bounds [%v, %v] miss %v", lo, hi, want)
	}
}

func TestAnalyzeContextCancelled(t *testing.T) {
	p, err := validScenario().Compile()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.AnalyzeContext(ctx, AnalyzeOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
