package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parley-talks/parley/internal/fixture"
	"github.com/parley-talks/parley/negotiation"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code = Run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

// talks is a small scenario with red lines that block agreement.
var talks = negotiation.Scenario{
	Name: "talks",
	Issues: []negotiation.IssueSpec{
		{Name: "Ceasefire", Options: []string{"none", "30 days", "full"}},
		{Name: "Monitoring", Options: []string{"none", "UN", "OSCE"}},
		{Name: "Prisoners", Options: []string{"none", "partial", "all for all"}},
	},
	Profiles: []negotiation.ProfileSpec{
		{
			Name:    "North",
			Weights: map[string]float64{"Ceasefire": 2, "Monitoring": 1, "Prisoners": 1},
			Values: map[string]map[string]float64{
				"Ceasefire":  {"none": 1, "30 days": 0.6, "full": 0.2},
				"Monitoring": {"none": 1, "UN": 0.3, "OSCE": 0.5},
				"Prisoners":  {"none": 0.2, "partial": 0.6, "all for all": 1},
			},
			Reservation: 0.5,
			RedLines:    []negotiation.RedLine{{Kind: "forbid", Issue: "Monitoring", Option: "UN"}},
		},
		{
			Name:    "South",
			Weights: map[string]float64{"Ceasefire": 1, "Monitoring": 2, "Prisoners": 1},
			Values: map[string]map[string]float64{
				"Ceasefire":  {"none": 0, "30 days": 0.5, "full": 1},
				"Monitoring": {"none": 0, "UN": 1, "OSCE": 0.7},
				"Prisoners":  {"none": 0.3, "partial": 0.7, "all for all": 1},
			},
			Reservation: 0.6,
			RedLines: []negotiation.RedLine{
				{Kind: "rule", Issue: "Ceasefire", Option: "full", Then: "Monitoring", In: []string{"UN"}},
				{Kind: "require", Issue: "Prisoners", Option: "all for all"},
			},
		},
	},
}

func writeScenario(t *testing.T, s *negotiation.Scenario) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "talks.json")
	var b bytes.Buffer
	if err := negotiation.EncodeScenario(&b, s); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAnalyzeGeniusJSON(t *testing.T) {
	d := filepath.Join(fixture.GeniusDir(t), "y2011", "Laptop")
	code, out, errOut := runCLI(t, "analyze", "--format", "json",
		filepath.Join(d, "laptop_domain.xml"), filepath.Join(d, "laptop_buyer_utility.xml"), filepath.Join(d, "laptop_seller_utility.xml"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// The exact shape: these keys and no others.
	checkKeys(t, out, "agreement_zone", "blockers", "complete", "frontier", "kalai_smorodinsky", "maximin", "nash", "outcomes", "parties", "reservation", "utilitarian")
	var r negotiation.Report
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatal(err)
	}
	if r.Outcomes != "27" || !cmp.Equal(r.Parties, []string{"laptop_buyer_utility", "laptop_seller_utility"}) {
		t.Fatalf("outcomes %s parties %v", r.Outcomes, r.Parties)
	}
	if !r.Complete || len(r.Frontier) != 4 || r.AgreementZone.Count == nil || *r.AgreementZone.Count != "27" || !r.AgreementZone.Exact {
		t.Fatalf("frontier %d points, zone %+v", len(r.Frontier), r.AgreementZone)
	}
	// Nash maximises u1·u2 over the four frontier points: (1, 0.815).
	if r.Nash.Utility[0] != 1 || r.Nash.Outcomes[0]["Laptop"] != "HP" || r.Nash.Outcomes[0]["Harddisk"] != "60 Gb" {
		t.Fatalf("nash = %+v", r.Nash)
	}
}

func TestAnalyzeScenarioJSON(t *testing.T) {
	path := writeScenario(t, &talks)
	code, out, errOut := runCLI(t, "analyze", "--format", "json", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got negotiation.Report
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	want, err := negotiation.Analyze(&talks)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(*want, got); diff != "" {
		t.Fatalf("CLI and negotiation.Analyze differ (-library +cli):\n%s", diff)
	}
	if len(got.Blockers) != 5 { // three red lines, two reservations
		t.Fatalf("%d blockers, want 5: %+v", len(got.Blockers), got.Blockers)
	}
	for _, b := range got.Blockers {
		if b.Party == "" || b.Rule == "" || (b.Kind != "red_line" && b.Kind != "reservation") {
			t.Fatalf("blocker not named: %+v", b)
		}
	}
	code, text, errOut := runCLI(t, "analyze", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, s := range []string{"Scenario: talks", "Packages: 27 (3 issues)", "Pareto frontier:", "Nash", "Kalai–Smorodinsky", "Zone of agreement:", "Blockers", "drop red line: require Prisoners = all for all"} {
		if !strings.Contains(text, s) {
			t.Errorf("text report lacks %q:\n%s", s, text)
		}
	}
}

func TestAnalyzeBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	domain := write("d.xml", `<negotiation_template><utility_space><objective name="x">
<issue index="1" name="A" type="discrete"><item index="1" value="a1"/><item index="2" value="a2"/></issue>
</objective></utility_space></negotiation_template>`)
	good := write("good.xml", `<utility_space><objective name="x">
<issue index="1" name="A" type="discrete"><item index="1" value="a1" evaluation="1"/><item index="2" value="a2" evaluation="2"/></issue>
<weight index="1" value="1"/></objective></utility_space>`)
	malformed := write("bad.xml", `<utility_space><objective name="x"><issue`)
	mismatch := write("other.xml", `<utility_space><objective name="x">
<issue index="1" name="B" type="discrete"><item index="1" value="b1" evaluation="1"/></issue>
<weight index="1" value="1"/></objective></utility_space>`)
	unknownField := write("s.json", `{"name":"x","issues":[{"name":"A","options":["a"]}],"profiles":[],"colour":"red"}`)
	badRef := write("r.json", `{"name":"x","issues":[{"name":"A","options":["a"]}],"profiles":[{"name":"P","weights":{"B":1},"values":{},"reservation":0}]}`)
	cases := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"no arguments", nil, 2, []string{"give a GENIUS domain"}},
		{"bad format", []string{"--format", "yaml", domain, good, good}, 2, []string{`unknown --format "yaml"`}},
		{"bad step", []string{"--step", "2", domain, good, good}, 2, []string{"--step"}},
		{"domain alone", []string{domain}, 2, []string{"needs its profile files"}},
		{"missing file", []string{domain, good, filepath.Join(dir, "nope.xml")}, 1, []string{"nope.xml", "no such file"}},
		{"malformed xml", []string{domain, good, malformed}, 1, []string{"genius:", "bad.xml", "xml"}},
		{"profile not matching domain", []string{domain, good, mismatch}, 1, []string{"genius:", "other.xml", `name="B"`, "not in the domain"}},
		{"one party", []string{domain, good}, 1, []string{"at least two parties"}},
		{"unknown json field", []string{unknownField}, 1, []string{"s.json", `unknown field "colour"`}},
		{"unknown issue in profile", []string{badRef}, 1, []string{`profiles[0] ("P").weights: unknown issue "B"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{"analyze"}, c.args...)...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, c.code, errOut)
			}
			if out != "" {
				t.Errorf("stdout not empty on error: %q", out)
			}
			for _, w := range c.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
		})
	}
}

func TestAnalyzeHelp(t *testing.T) {
	code, out, _ := runCLI(t, "analyze", "-h")
	if code != 0 || !strings.Contains(out, "parley analyze [--format text|json]") {
		t.Fatalf("exit %d, help:\n%s", code, out)
	}
}

// TestAnalyzeBudget: with a budget far too short for the space, analyze
// still answers, says the answer is incomplete, and gives zone bounds.
func TestAnalyzeBudget(t *testing.T) {
	s := negotiation.Generate(1, 3, 20, 10)
	for k := range s.Profiles {
		s.Profiles[k].Reservation = 0.5
	}
	path := writeScenario(t, s)
	code, out, errOut := runCLI(t, "analyze", "--format", "json", "--budget", "50ms", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r negotiation.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Complete || len(r.Notes) == 0 || r.AgreementZone.Exact || r.AgreementZone.Estimate == nil || len(r.Frontier) == 0 {
		t.Fatalf("complete %v, notes %q, zone %+v, %d frontier points", r.Complete, r.Notes, r.AgreementZone, len(r.Frontier))
	}
	code, out, _ = runCLI(t, "analyze", "--budget", "50ms", path)
	if code != 0 || !strings.Contains(out, "Incomplete: the time budget ran out.") {
		t.Fatalf("text report, exit %d:\n%s", code, out)
	}
	if code, _, errOut = runCLI(t, "analyze", "--budget", "-1s", path); code != 2 || !strings.Contains(errOut, "--budget") {
		t.Fatalf("negative budget: exit %d, %s", code, errOut)
	}
}

// checkKeys checks that the JSON object out has exactly the top-level
// keys want, in sorted order.
func checkKeys(t *testing.T, out string, want ...string) {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Fatalf("top-level keys (-want +got):\n%s", diff)
	}
}
