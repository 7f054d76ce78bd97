package parley_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parley-talks/parley"
)

func plain(text string) parley.Clause { return parley.Clause{Text: text, Status: parley.ClauseOpen} }

func TestDiffVersions(t *testing.T) {
	a := &parley.TextVersion{ID: 1, TextID: 7, Clauses: []parley.Clause{plain("A"), plain("B"), plain("C"), plain("D")}}
	agreedC := parley.Clause{Text: "C", Status: parley.ClauseAgreed}
	b := &parley.TextVersion{ID: 2, TextID: 7, Clauses: []parley.Clause{plain("A"), plain("B2"), agreedC, plain("E"), plain("F")}}
	got, err := parley.DiffVersions(a, b)
	if err != nil {
		t.Fatal(err)
	}
	type line struct {
		Kind     string
		From, To int
	}
	var lines []line
	for _, c := range got {
		l := line{Kind: c.Kind}
		if c.From != nil {
			l.From = *c.From
		}
		if c.To != nil {
			l.To = *c.To
		}
		lines = append(lines, l)
	}
	want := []line{{"unchanged", 1, 1}, {"changed", 2, 2}, {"changed", 3, 3}, {"changed", 4, 4}, {"added", 0, 5}}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("diff (-want +got):\n%s", diff)
	}
	if got[2].After.Status != parley.ClauseAgreed || got[2].Before.Status != parley.ClauseOpen {
		t.Errorf("a status change: %+v", got[2])
	}
	// Identical versions: all unchanged; from nothing: all added.
	same, _ := parley.DiffVersions(a, a)
	for _, c := range same {
		if c.Kind != "unchanged" {
			t.Errorf("diff of a version with itself: %+v", c)
		}
	}
	empty := &parley.TextVersion{ID: 3, TextID: 7}
	added, _ := parley.DiffVersions(empty, a)
	if len(added) != 4 || added[0].Kind != "added" || added[3].Kind != "added" {
		t.Errorf("diff from an empty version: %+v", added)
	}
	_, err = parley.DiffVersions(a, &parley.TextVersion{ID: 9, TextID: 8})
	if parley.ErrorCode(err) != parley.EINVALID {
		t.Errorf("versions of different texts: %v", err)
	}
}

func TestClauses(t *testing.T) {
	themes := []*parley.Theme{{Name: "Ceasefire", Options: []parley.Option{{Label: "none"}, {Label: "full"}}}}
	bracket := parley.Clause{Alternatives: []parley.Alternative{
		{Text: "Full.", Theme: "Ceasefire", Option: "full", Sponsors: []int64{1}},
		{Text: "None.", Theme: "Ceasefire", Option: "none", Sponsors: []int64{2}},
	}, Status: parley.ClauseBracketed}
	parties := map[int64]bool{1: true, 2: true}
	if err := parley.CheckClauses([]parley.Clause{bracket, plain("x")}, themes, parties); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]parley.Clause{
		"one alternative":     {Alternatives: bracket.Alternatives[:1], Status: parley.ClauseBracketed},
		"text and brackets":   {Text: "x", Alternatives: bracket.Alternatives, Status: parley.ClauseBracketed},
		"agreed with bracket": {Alternatives: bracket.Alternatives, Status: parley.ClauseAgreed},
		"unknown status":      {Text: "x", Status: "settled"},
		"theme, no option":    {Alternatives: []parley.Alternative{{Text: "a", Theme: "Ceasefire"}, {Text: "b"}}, Status: parley.ClauseBracketed},
		"unknown sponsor":     {Alternatives: []parley.Alternative{{Text: "a", Sponsors: []int64{3}}, {Text: "b"}}, Status: parley.ClauseBracketed},
		"empty":               {Status: parley.ClauseOpen},
	} {
		if err := parley.CheckClauses([]parley.Clause{c}, themes, parties); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Choosing the option resolves the bracket.
	got := parley.Resolve([]parley.Clause{bracket, plain("x")}, []parley.Choice{{Theme: "Ceasefire", Option: "none"}})
	if diff := cmp.Diff([]parley.Clause{plain("None."), plain("x")}, got); diff != "" {
		t.Errorf("resolve (-want +got):\n%s", diff)
	}
	// Nothing is agreed until everything is agreed.
	agreed := parley.Clause{Text: "y", Status: parley.ClauseAgreed}
	dropped := parley.Clause{Text: "z", Status: parley.ClauseDropped}
	for _, tc := range []struct {
		clauses []parley.Clause
		want    bool
	}{
		{nil, false},
		{[]parley.Clause{agreed, dropped}, true},
		{[]parley.Clause{agreed, {Text: "w", Status: parley.ClauseAgreedAdReferendum}}, false},
		{[]parley.Clause{agreed, bracket}, false},
		{[]parley.Clause{dropped}, false},
	} {
		if got := parley.CountClauses(tc.clauses).AllAgree; got != tc.want {
			t.Errorf("agreed(%v) = %v", tc.clauses, got)
		}
	}
}

// TestClauseLanguages: a plain clause carries its versions in other
// languages with one authentic; every fault is refused naming the field.
func TestClauseLanguages(t *testing.T) {
	ok := parley.Clause{Text: "Сторони утримуються від ударів.", Status: parley.ClauseAgreed, Lang: "uk", Authentic: "uk",
		Versions: []parley.ClauseVersion{{Lang: "ru", Text: "Стороны воздерживаются от ударов."}, {Lang: "en", Text: "The parties refrain from strikes."}}}
	if err := ok.Validate("clauses[0]"); err != nil {
		t.Fatal(err)
	}
	if got := ok.InLanguages(); len(got) != 3 || got[0].Lang != "uk" || got[2].Text != "The parties refrain from strikes." {
		t.Errorf("InLanguages = %v", got)
	}
	if err := (&parley.Clause{Text: "x", Status: parley.ClauseOpen, Lang: "uk"}).Validate("c"); err != nil {
		t.Errorf("a clause in one language: %v", err)
	}
	bad := func(f func(c *parley.Clause)) parley.Clause {
		c := ok
		c.Versions = append([]parley.ClauseVersion(nil), ok.Versions...)
		f(&c)
		return c
	}
	for name, c := range map[string]parley.Clause{
		"no lang":            bad(func(c *parley.Clause) { c.Lang = "" }),
		"authentic unknown":  bad(func(c *parley.Clause) { c.Authentic = "de" }),
		"no authentic":       bad(func(c *parley.Clause) { c.Authentic = "" }),
		"a language twice":   bad(func(c *parley.Clause) { c.Versions[1].Lang = "uk" }),
		"not a tag":          bad(func(c *parley.Clause) { c.Versions[0].Lang = "Русский" }),
		"an empty version":   bad(func(c *parley.Clause) { c.Versions[0].Text = "" }),
		"too many languages": bad(func(c *parley.Clause) { c.Versions = make([]parley.ClauseVersion, parley.MaxClauseVersions+1) }),
		"bracketed": {Alternatives: []parley.Alternative{{Text: "a"}, {Text: "b"}}, Status: parley.ClauseBracketed, Lang: "uk",
			Versions: []parley.ClauseVersion{{Lang: "ru", Text: "a"}}, Authentic: "uk"},
	} {
		if err := c.Validate("clauses[3]"); parley.ErrorCode(err) != parley.EINVALID || parley.ErrorField(err) != "clauses[3]" {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A change of a version in another language is a change of the clause.
	v1 := &parley.TextVersion{TextID: 1, Clauses: []parley.Clause{ok}}
	changed := bad(func(c *parley.Clause) {
		c.Versions[0].Text = "Стороны воздерживаются от любых ударов."
	})
	v2 := &parley.TextVersion{TextID: 1, Clauses: []parley.Clause{changed}}
	d, err := parley.DiffVersions(v1, v2)
	if err != nil || len(d) != 1 || d[0].Kind != "changed" {
		t.Errorf("diff = %+v, %v", d, err)
	}
}
