package genius

import (
	"bytes"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/parley-talks/parley/internal/fixture"
	"github.com/parley-talks/parley/negotiation"
)

// exactOpts compares profiles with their exact numbers.
var exactOpts = cmp.Options{
	cmp.AllowUnexported(Profile{}, IssueUtility{}),
	cmp.Comparer(func(a, b *big.Rat) bool { return (a == nil) == (b == nil) && (a == nil || a.Cmp(b) == 0) }),
}

// scenarioFiles lists each scenario folder's domain file and profile files.
type scenarioFiles struct {
	dir      string
	domain   string
	profiles []string
}

func listScenarios(t testing.TB, root string) []scenarioFiles {
	t.Helper()
	var out []scenarioFiles
	byDir := map[string]*scenarioFiles{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".xml" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		sf := byDir[dir]
		if sf == nil {
			sf = &scenarioFiles{dir: dir}
			byDir[dir] = sf
		}
		if bytes.Contains(data, []byte("<negotiation_template")) {
			sf.domain = path
		} else {
			sf.profiles = append(sf.profiles, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, sf := range byDir {
		if sf.domain == "" || len(sf.profiles) < 2 {
			t.Fatalf("%s: want a domain file and at least two profiles", sf.dir)
		}
		out = append(out, *sf)
	}
	if len(out) == 0 {
		t.Skipf("no scenarios under %s", root)
	}
	return out
}

func load(t testing.TB, sf scenarioFiles) (*Domain, []*Profile) {
	t.Helper()
	f, err := os.Open(sf.domain)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := ParseDomain(f, filepath.Base(sf.domain))
	if err != nil {
		t.Fatal(err)
	}
	var ps []*Profile
	for _, pf := range sf.profiles {
		data, err := os.ReadFile(pf)
		if err != nil {
			t.Fatal(err)
		}
		p, err := ParseProfile(bytes.NewReader(data), filepath.Base(pf), d)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return d, ps
}

// TestANACRoundTrip reads every ANAC scenario, writes it back and reads it
// again: the same domain and profiles, and the same Parley scenario.
func TestANACRoundTrip(t *testing.T) {
	for _, sf := range listScenarios(t, fixture.GeniusDir(t)) {
		t.Run(filepath.Base(sf.dir), func(t *testing.T) {
			d, ps := load(t, sf)
			var db bytes.Buffer
			if err := WriteDomain(&db, d); err != nil {
				t.Fatal(err)
			}
			d2, err := ParseDomain(bytes.NewReader(db.Bytes()), "rewritten domain")
			if err != nil {
				t.Fatalf("reread domain: %v\n%s", err, db.String())
			}
			if diff := cmp.Diff(d, d2); diff != "" {
				t.Fatalf("domain changed in the round trip (-read +reread):\n%s", diff)
			}
			for _, p := range ps {
				var pb bytes.Buffer
				if err := WriteProfile(&pb, d, p); err != nil {
					t.Fatal(err)
				}
				p2, err := ParseProfile(bytes.NewReader(pb.Bytes()), p.Name+".xml", d2)
				if err != nil {
					t.Fatalf("reread profile: %v\n%s", err, pb.String())
				}
				if diff := cmp.Diff(p, p2, exactOpts); diff != "" {
					t.Fatalf("profile %s changed in the round trip (-read +reread):\n%s", p.Name, diff)
				}
			}
			s := Scenario(d, ps)
			if err := s.Validate(); err != nil {
				t.Fatalf("converted scenario does not validate: %v", err)
			}
			for _, p := range s.Profiles {
				for is, vals := range p.Values {
					top := 0.0
					for _, v := range vals {
						top = max(top, v)
					}
					if top != 1 {
						t.Errorf("%s: issue %q: best value %v, GENIUS normalisation makes it 1", p.Name, is, top)
					}
				}
			}
		})
	}
}

// TestANACKnownValues pins the figures of one ANAC file: the laptop buyer's
// reservation, discount and normalised values (eval / max eval).
func TestANACKnownValues(t *testing.T) {
	dir := fixture.GeniusDir(t)
	sf := scenarioFiles{
		domain:   filepath.Join(dir, "y2011", "Laptop", "laptop_domain.xml"),
		profiles: []string{filepath.Join(dir, "y2011", "Laptop", "laptop_buyer_utility.xml"), filepath.Join(dir, "y2011", "Laptop", "laptop_seller_utility.xml")},
	}
	d, ps := load(t, sf)
	buyer := ps[0]
	if buyer.Name != "laptop_buyer_utility" || buyer.Discount != 0.42441038 || buyer.Reservation != 0 {
		t.Fatalf("buyer = %q discount %v reservation %v", buyer.Name, buyer.Discount, buyer.Reservation)
	}
	// Laptop: Dell 12, Macintosh 20, HP 30.
	if diff := cmp.Diff([]float64{12.0 / 30, 20.0 / 30, 1}, buyer.Values(d, 0)); diff != "" {
		t.Fatal(diff)
	}
	if diff := cmp.Diff([]float64{0.4452125771655631, 0.37808251708013424, 0.1767567099260568}, buyer.Weights); diff != "" {
		t.Fatal(diff)
	}
}

const domainXML = `<negotiation_template><utility_space number_of_issues="2">
<objective index="0" name="toy" type="objective" etype="objective">
  <issue index="1" name="Price" type="integer" etype="integer" vtype="integer" lowerbound="1" upperbound="4"></issue>
  <issue index="2" name="Colour" type="discrete" etype="discrete" vtype="discrete">
    <item index="1" value="red"></item><item index="2" value="blue"></item>
  </issue>
</objective></utility_space></negotiation_template>`

const profileXML = `<utility_space><objective index="0" name="toy" type="objective" etype="objective">
  <issue index="1" name="Price" type="integer" etype="integer" vtype="integer" lowerbound="1" upperbound="4">
    <evaluator ftype="linear" slope="0.5" offset="-0.25"></evaluator>
  </issue>
  <issue index="2" name="Colour" type="discrete" etype="discrete" vtype="discrete">
    <item index="1" value="red" evaluation="2"></item><item index="2" value="blue" evaluation="8"></item>
  </issue>
  <weight index="1" value="0.25"></weight><weight index="2" value="0.75"></weight>
</objective>
<reservation value="0.3"></reservation><discount_factor value="0.9"></discount_factor></utility_space>`

func TestIntegerIssue(t *testing.T) {
	d, err := ParseDomain(strings.NewReader(domainXML), "toy.xml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParseProfile(strings.NewReader(profileXML), "dir/buyer.xml", d)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"1", "2", "3", "4"}, d.Issues[0].Values); diff != "" {
		t.Fatal(diff)
	}
	// clamp(0.5·(x−1) − 0.25, 0, 1) for x = 1..4.
	if diff := cmp.Diff([]float64{0, 0.25, 0.75, 1}, p.Values(d, 0)); diff != "" {
		t.Fatal(diff)
	}
	if diff := cmp.Diff([]float64{0.25, 1}, p.Values(d, 1)); diff != "" {
		t.Fatal(diff)
	}
	if p.Name != "buyer" || p.Reservation != 0.3 || p.Discount != 0.9 {
		t.Fatalf("profile %q reservation %v discount %v", p.Name, p.Reservation, p.Discount)
	}
	var b bytes.Buffer
	if err := WriteProfile(&b, d, p); err != nil {
		t.Fatal(err)
	}
	p2, err := ParseProfile(&b, "buyer.xml", d)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, p2, exactOpts); diff != "" {
		t.Fatal(diff)
	}
}

// TestErrors checks that bad files give an *Error naming the file, the
// element and the problem.
func TestErrors(t *testing.T) {
	d, err := ParseDomain(strings.NewReader(domainXML), "toy.xml")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, xml, element, problem string
	}{
		{"malformed", `<utility_space><objective>`, "xml", "unexpected EOF"},
		{"wrong root", `<html></html>`, "<html>", "root must be"},
		{"unknown issue", strings.Replace(profileXML, `name="Colour"`, `name="Size"`, 1), `<issue index="2" name="Size">`, "not in the domain"},
		{"unknown item", strings.Replace(profileXML, `value="blue"`, `value="green"`, 1), `<issue index="2" name="Colour">`, `item "green" is not a value`},
		{"bad evaluation", strings.Replace(profileXML, `evaluation="8"`, `evaluation="eight"`, 1), `<issue index="2" name="Colour">`, "is not a finite number"},
		{"negative evaluation", strings.Replace(profileXML, `evaluation="8"`, `evaluation="-8"`, 1), `<issue index="2" name="Colour">`, "must be ≥ 0"},
		{"missing weight", strings.Replace(profileXML, `<weight index="2" value="0.75"></weight>`, "", 1), "<objective>", `issue "Colour" has no <weight>`},
		{"bad reservation", strings.Replace(profileXML, `<reservation value="0.3">`, `<reservation value="1.5">`, 1), "<reservation>", "must be in [0,1]"},
		{"bounds mismatch", strings.Replace(profileXML, `upperbound="4">`, `upperbound="5">`, 1), `<issue index="1" name="Price">`, "do not match"},
		{"missing issue", strings.Replace(profileXML, `<issue index="1" name="Price" type="integer" etype="integer" vtype="integer" lowerbound="1" upperbound="4">
    <evaluator ftype="linear" slope="0.5" offset="-0.25"></evaluator>
  </issue>`, "", 1), "<objective>", `issue "Price" of the domain is missing`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseProfile(strings.NewReader(c.xml), "p.xml", d)
			var ge *Error
			if !errors.As(err, &ge) {
				t.Fatalf("error %v is not a *genius.Error", err)
			}
			if ge.File != "p.xml" || ge.Element != c.element || !strings.Contains(ge.Problem, c.problem) {
				t.Fatalf("error = %q; want file p.xml, element %s, problem containing %q", err, c.element, c.problem)
			}
		})
	}
	for _, c := range []struct{ name, xml, problem string }{
		{"no issues", `<negotiation_template><utility_space><objective name="x"></objective></utility_space></negotiation_template>`, "no issues"},
		{"duplicate issue", strings.Replace(domainXML, `name="Colour"`, `name="Price"`, 1), "duplicate issue name"},
		{"huge range", strings.Replace(domainXML, `upperbound="4"`, `upperbound="4000000"`, 1), "more than"},
		{"nested", strings.Replace(domainXML, `</objective>`, `<objective name="sub"></objective></objective>`, 1), "nested objectives"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseDomain(strings.NewReader(c.xml), "d.xml")
			if err == nil || !strings.Contains(err.Error(), c.problem) || !strings.HasPrefix(err.Error(), "genius: d.xml: ") {
				t.Fatalf("error = %v, want genius: d.xml: … %s", err, c.problem)
			}
		})
	}
}

// FuzzParse feeds arbitrary bytes to both parsers: they must never panic,
// must return *Error on failure, and whatever they accept must survive a
// write and reread unchanged.
func FuzzParse(f *testing.F) {
	f.Add([]byte(domainXML))
	f.Add([]byte(profileXML))
	f.Add([]byte(`<utility_space><objective><issue name="a" index="1" type="discrete"><item value="x" evaluation="1"/></issue><weight index="1" value="1"/></objective></utility_space>`))
	f.Add([]byte(`<negotiation_template><utility_space/></negotiation_template>`))
	f.Add([]byte(`<utility_space><objective><issue index="x"/></objective></utility_space>`))
	f.Add([]byte("<<<"))
	f.Add([]byte(""))
	base, err := ParseDomain(strings.NewReader(domainXML), "toy.xml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDomain(bytes.NewReader(data), "fuzz.xml")
		var ge *Error
		if err != nil {
			if !errors.As(err, &ge) {
				t.Fatalf("domain error %v is not a *genius.Error", err)
			}
		} else {
			var b bytes.Buffer
			if err := WriteDomain(&b, d); err != nil {
				t.Fatal(err)
			}
			d2, err := ParseDomain(&b, "rewritten.xml")
			if err != nil {
				t.Fatalf("rewritten domain does not parse: %v", err)
			}
			if diff := cmp.Diff(d, d2); diff != "" {
				t.Fatalf("domain round trip:\n%s", diff)
			}
		}
		for _, dom := range []*Domain{base, d} {
			if dom == nil {
				continue
			}
			p, err := ParseProfile(bytes.NewReader(data), "fuzz.xml", dom)
			if err != nil {
				if !errors.As(err, &ge) {
					t.Fatalf("profile error %v is not a *genius.Error", err)
				}
				continue
			}
			var b bytes.Buffer
			if err := WriteProfile(&b, dom, p); err != nil {
				t.Fatal(err)
			}
			p2, err := ParseProfile(&b, "fuzz.xml", dom)
			if err != nil {
				t.Fatalf("rewritten profile does not parse: %v", err)
			}
			if diff := cmp.Diff(p, p2, exactOpts); diff != "" {
				t.Fatalf("profile round trip:\n%s", diff)
			}
			if err := Scenario(dom, []*Profile{p, p2}).Validate(); err != nil {
				t.Fatalf("accepted profile gives an invalid scenario: %v", err)
			}
		}
	})
}

// TestScenarioRoundTrip: a Parley scenario whose issues each have an option
// worth 1 survives export to GENIUS and import back — reservation and
// discount factor included, with the same exact utilities — except its red
// lines, which the export says it dropped, in Omitted and in the file.
func TestScenarioRoundTrip(t *testing.T) {
	s := &negotiation.Scenario{
		Name: "talks",
		Issues: []negotiation.IssueSpec{
			{Name: "Ceasefire", Options: []string{"none", "30 days", "full <monitored> & \"verified\""}},
			{Name: "Troops", Options: negotiation.IntegerOptions(0, 3)},
		},
		Profiles: []negotiation.ProfileSpec{
			{Name: "North", Weights: map[string]float64{"Ceasefire": 0.7, "Troops": 0.3},
				Values: map[string]map[string]float64{
					"Ceasefire": {"none": 1, "30 days": 0.25, "full <monitored> & \"verified\"": 0},
					"Troops":    {"0": 0, "1": 0.5, "2": 0.75, "3": 1},
				}, Reservation: 0.4, Discount: 0.9,
				RedLines: []negotiation.RedLine{{Kind: negotiation.KindForbid, Issue: "Troops", Option: "0"}}},
			{Name: "South", Weights: map[string]float64{"Ceasefire": 0.5, "Troops": 0.5},
				Values: map[string]map[string]float64{
					"Ceasefire": {"none": 0, "30 days": 0.5, "full <monitored> & \"verified\"": 1},
					"Troops":    {"0": 1, "1": 0.5, "2": 0, "3": 0},
				}},
		},
	}
	d, ps, err := FromScenario(s)
	if err != nil {
		t.Fatal(err)
	}
	var db bytes.Buffer
	if err := WriteDomain(&db, d); err != nil {
		t.Fatal(err)
	}
	d2, err := ParseDomain(&db, "talks.xml")
	if err != nil {
		t.Fatal(err)
	}
	if len(ps[0].Omitted) != 1 || !strings.Contains(ps[0].Omitted[0], "red line") || len(ps[1].Omitted) != 0 {
		t.Fatalf("Omitted = %q, %q; want North's red line named", ps[0].Omitted, ps[1].Omitted)
	}
	var back []*Profile
	for i, p := range ps {
		var pb bytes.Buffer
		if err := WriteProfile(&pb, d, p); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(pb.String(), "<!-- Parley: 1 red line(s) not exported"); got != (i == 0) {
			t.Fatalf("profile %s: comment about the dropped red line present = %v:\n%s", p.Name, got, pb.String())
		}
		p2, err := ParseProfile(&pb, p.Name+".xml", d2)
		if err != nil {
			t.Fatal(err)
		}
		back = append(back, p2)
	}
	got := Scenario(d2, back)
	s.Profiles[0].RedLines = nil
	if diff := cmp.Diff(s, got, cmpopts.IgnoreFields(negotiation.ProfileSpec{}, "Exact")); diff != "" {
		t.Fatalf("scenario round trip (-want +got):\n%s", diff)
	}
	p1, err := s.Compile()
	if err != nil {
		t.Fatal(err)
	}
	p2, err := got.Compile()
	if err != nil {
		t.Fatal(err)
	}
	for k := range p1.Parties {
		for i, is := range p1.Issues {
			for x := range is.Options {
				if a, b := p1.Parties[k].Utility.Term(i, x), p2.Parties[k].Utility.Term(i, x); a.Cmp(b) != 0 {
					t.Fatalf("party %d issue %d option %d: term %v before, %v after", k, i, x, a, b)
				}
			}
		}
	}
}

// TestOlderFormats: a profile with its issues and weights directly under
// <utility_space> (no <objective>), a root objective carrying a weight of
// its own, an integer issue whose bounds sit in a <range> child and whose
// evaluator is the older parameter0 + parameter1·x — all read as GENIUS
// reads them.
func TestOlderFormats(t *testing.T) {
	domain := `<negotiation_template><utility_space><objective index="1" name="d">
<issue index="2" name="Price" type="integer"><range lowerbound="10" upperbound="14"></range></issue>
<issue index="3" name="Colour" type="discrete"><item index="1" value="red"/><item index="2" value="blue"/></issue>
</objective></utility_space></negotiation_template>`
	d, err := ParseDomain(strings.NewReader(domain), "d.xml")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Issues[0].Values; !slices.Equal(got, []string{"10", "11", "12", "13", "14"}) {
		t.Fatalf("integer values %v", got)
	}
	older := `<utility_space>
<issue index="2" name="Price" type="integer"><evaluator ftype="linear" parameter0="3.5" parameter1="-0.25"/></issue>
<issue index="3" name="Colour" type="discrete"><item value="red" evaluation="3"/><item value="blue" evaluation="9"/></issue>
<weight index="2" value="0.4"/><weight index="3" value="0.6"/>
<reservation value="0.3"/><discount_factor value="0.8"/>
</utility_space>`
	withRoot := `<utility_space><objective index="1" name="d">
<issue index="2" name="Price" type="integer" lowerbound="10" upperbound="14"><evaluator ftype="linear" slope="-0.25" offset="1"/></issue>
<issue index="3" name="Colour" type="discrete"><item value="red" evaluation="3"/><item value="blue" evaluation="9"/></issue>
<weight index="1" value="1.0"/><weight index="2" value="0.4"/><weight index="3" value="0.6"/>
</objective><reservation value="0.3"/><discount_factor value="0.8"/></utility_space>`
	for name, text := range map[string]string{"older": older, "root weight": withRoot} {
		p, err := ParseProfile(strings.NewReader(text), name+".xml", d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// 3.5 − 0.25·x for x = 10…14 is 1, 0.75, 0.5, 0.25, 0.
		want := []*big.Rat{big.NewRat(1, 1), big.NewRat(3, 4), big.NewRat(1, 2), big.NewRat(1, 4), new(big.Rat)}
		if got := p.ExactValues(d, 0); !slices.EqualFunc(got, want, func(a, b *big.Rat) bool { return a.Cmp(b) == 0 }) {
			t.Errorf("%s: price values %v, want %v", name, got, want)
		}
		if got := p.ExactValues(d, 1); got[0].Cmp(big.NewRat(1, 3)) != 0 || got[1].Cmp(big.NewRat(1, 1)) != 0 {
			t.Errorf("%s: colour values %v, want [1/3 1]", name, got)
		}
		if !slices.Equal(p.Weights, []float64{0.4, 0.6}) || p.Reservation != 0.3 || p.Discount != 0.8 {
			t.Errorf("%s: weights %v, reservation %v, discount %v", name, p.Weights, p.Reservation, p.Discount)
		}
	}
	for _, c := range []struct{ name, text, want string }{
		{"nonlinear", `<utility_space type="nonlinear"><objective index="0"/></utility_space>`, "non-linear utility spaces"},
		{"tournament", `<Tournament/>`, "tournament"},
		{"text", `0.5, 0.7`, "not a GENIUS domain or profile"},
		{"real", `<negotiation_template><utility_space><objective index="0"><issue index="1" name="Rate" type="real" lowerbound="0" upperbound="1"/></objective></utility_space></negotiation_template>`, `name="Rate">: real issues are not supported`},
	} {
		_, err := ParseDomain(strings.NewReader(c.text), c.name+".xml")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.name+".xml") {
			t.Errorf("%s: error %v, want one naming the file and %q", c.name, err, c.want)
		}
	}
}
