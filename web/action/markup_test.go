package action

import (
	"strings"
	"testing"

	"github.com/parley-talks/parley"
)

// FuzzParseClauses: the textarea's parser never panics, its refusals never
// repeat a clause's (sealed) text, and what it reads is written back to
// text that reads the same.
func FuzzParseClauses(f *testing.F) {
	for _, seed := range []string{
		"(agreed) The parties halt strikes.\n\n[For now {Ukraine; Duration = 30 days} | For ever {Russia}]",
		"Plain.", "(bracketed) Plain.", "[One | Two {Nobody}]", "(open", "[a]", "\r\n\r\n(dropped) x",
	} {
		f.Add(seed)
	}
	parties := map[string]int64{"Ukraine": 1, "Russia": 2}
	names := map[int64]string{1: "Ukraine", 2: "Russia"}
	f.Fuzz(func(t *testing.T, src string) {
		marked := strings.ReplaceAll(src, "\n\n", " QZX\n\n") + " QZX"
		if _, err := ParseClauses(marked, parties); err != nil && strings.Contains(parley.ErrorMessage(err), "QZX") {
			t.Fatalf("the refusal repeats the clause: %v", err)
		}
		clauses, err := ParseClauses(src, parties)
		if err != nil {
			return
		}
		for i := range clauses {
			if clauses[i].Validate("c") != nil {
				return // refused by the store; no round trip promised
			}
		}
		again, err := ParseClauses(FormatClauses(clauses, names), parties)
		if err != nil {
			t.Fatalf("the written clauses do not read: %v", err)
		}
		if FormatClauses(again, names) != FormatClauses(clauses, names) {
			t.Fatalf("round trip:\n%q\n%q", FormatClauses(clauses, names), FormatClauses(again, names))
		}
	})
}

// TestKeepLanguages: a clause edited through the markup keeps its
// versions in other languages while its text stays; a changed text drops
// them.
func TestKeepLanguages(t *testing.T) {
	base := []parley.Clause{
		{Text: "Сторони утримуються.", Status: parley.ClauseOpen, Lang: "uk", Authentic: "uk", Versions: []parley.ClauseVersion{{Lang: "ru", Text: "Стороны воздерживаются."}}},
		{Text: "Інший пункт.", Status: parley.ClauseOpen, Lang: "uk", Authentic: "ru", Versions: []parley.ClauseVersion{{Lang: "ru", Text: "Другой пункт."}}},
	}
	edited, err := ParseClauses("(agreed) Сторони утримуються.\n\nІнший пункт, змінений.", map[string]int64{})
	if err != nil {
		t.Fatal(err)
	}
	keepLanguages(edited, base)
	if edited[0].Lang != "uk" || len(edited[0].Versions) != 1 || edited[0].Status != parley.ClauseAgreed {
		t.Errorf("the unchanged clause: %+v", edited[0])
	}
	if edited[1].Lang != "" || edited[1].Versions != nil {
		t.Errorf("the changed clause kept its versions: %+v", edited[1])
	}
}

// TestMarkupRefusals: broken markup is refused with the line and column
// of the fault, never saved as plain text.
func TestMarkupRefusals(t *testing.T) {
	m := Markup{Parties: map[string]int64{"Ukraine": 1, "Russia": 2},
		Options: map[string]map[string]bool{"Duration": {"30 days": true, "Indefinite": true}}}
	tests := []struct {
		name, src, want string // want: the message's start, "" for none
	}{
		{"valid", "(agreed) First.\n\n[For 30 days {Ukraine; Duration = 30 days} | Indefinitely {Russia}]", ""},
		{"a bracket not closed", "First.\n\n  [For 30 days | Indefinitely", "line 3, column 3: the bracket opened here is not closed"},
		{"a closing bracket alone", "First.\n\nThe parties] agree.", "line 3, column 12: a closing bracket without"},
		{"a bracket inside a clause", "The parties [agree] now.", "line 1, column 13: a bracket must enclose a whole clause"},
		{"a bracket inside brackets", "[One [two] | Three]", "line 1, column 6: a bracket inside a bracketed clause"},
		{"braces not closed", "[One {Ukraine | Two]", "line 1, column 6: the braces opened here are not closed"},
		{"a closing brace alone", "[One } | Two]", "line 1, column 6: a closing brace without"},
		{"an unknown sponsor", "[One | Two {Ukraine; Atlantis}]", "line 1, column 22: a sponsor that is not a party"},
		{"an unknown option", "[One {Duration = 60 days} | Two]", "line 1, column 7: not an option of one of the track's themes"},
		{"an unknown status", "(settled) One.", "line 1, column 2: unknown status"},
		{"a status not closed", "\n\n(agreed One.", "line 3, column 1: a status in parentheses is not closed"},
		{"columns count characters", "Сторони.\n\nУгода] тут.", "line 3, column 6: a closing bracket without"},
	}
	for _, tt := range tests {
		_, err := m.Parse(tt.src)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (parley.ErrorCode(err) != parley.EINVALID || parley.ErrorField(err) != "clauses" || !strings.HasPrefix(parley.ErrorMessage(err), tt.want)):
			t.Errorf("%s: err = %v, want EINVALID on clauses starting %q", tt.name, err, tt.want)
		}
	}
}
