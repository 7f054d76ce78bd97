package i18n

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseAndNegotiate(t *testing.T) {
	for tag, want := range map[string]Lang{"uk": Ukrainian, "uk-UA": Ukrainian, "ru_RU": Russian, "AR": Arabic, " en ": English} {
		if got, ok := Parse(tag); !ok || got != want {
			t.Errorf("Parse(%q) = %v, %v", tag, got, ok)
		}
	}
	if _, ok := Parse("de"); ok {
		t.Error("Parse(de) found a language")
	}
	for header, want := range map[string]Lang{
		"uk-UA,uk;q=0.9,en;q=0.8": Ukrainian, "ru": Russian, "de-DE,de;q=0.9": English, "": English,
		"ar-QA": Arabic, "fr;q=0.9, ru;q=0.5": Russian, "!!!": English,
	} {
		if got := Negotiate(header); got != want {
			t.Errorf("Negotiate(%q) = %v, want %v", header, got, want)
		}
	}
	if Arabic.Dir() != "rtl" || Ukrainian.Dir() != "ltr" || Russian.Name() != "Русский" {
		t.Error("direction or name")
	}
}

func TestTranslate(t *testing.T) {
	uk := New(Ukrainian)
	for _, tc := range []struct {
		p    *Printer
		key  string
		args []any
		want string
	}{
		{uk, "Date", nil, "Дата"},
		{uk, "Text: {title}", []any{"title", "Заява"}, "Текст: Заява"},
		{uk, "track status::paused", nil, "призупинено"},
		{New(English), "track status::paused", nil, "paused"},                               // the context is not shown
		{uk, "A message no catalog has: {x}", []any{"x", 5}, "A message no catalog has: 5"}, // English, never the key
		{uk, "missing::Context and text", nil, "Context and text"},
		{uk, "Version {n}", []any{"n", 12345}, "Версія 12\u00a0345"},
		{New(Arabic), "Version {n}", []any{"n", 12}, "النسخة ١٢"},
		{uk, "Text: {title}", nil, "Текст: {title}"}, // a value not given stays visible
		{New("de"), "Date", nil, "Date"},             // an unsupported language prints English
	} {
		if got := tc.p.T(tc.key, tc.args...); got != tc.want {
			t.Errorf("%s T(%q) = %q, want %q", tc.p.Lang(), tc.key, got, tc.want)
		}
	}
}

func TestPlurals(t *testing.T) {
	counts := []int{0, 1, 2, 3, 5, 11, 21, 22, 25, 101, 111}
	want := map[Lang][]string{
		English:   {"0 clauses", "1 clause", "2 clauses", "3 clauses", "5 clauses", "11 clauses", "21 clauses", "22 clauses", "25 clauses", "101 clauses", "111 clauses"},
		Ukrainian: {"0 пунктів", "1 пункт", "2 пункти", "3 пункти", "5 пунктів", "11 пунктів", "21 пункт", "22 пункти", "25 пунктів", "101 пункт", "111 пунктів"},
		Russian:   {"0 пунктов", "1 пункт", "2 пункта", "3 пункта", "5 пунктов", "11 пунктов", "21 пункт", "22 пункта", "25 пунктов", "101 пункт", "111 пунктов"},
		Arabic:    {"٠ بنود", "بند واحد", "بندان", "٣ بنود", "٥ بنود", "١١ بندًا", "٢١ بندًا", "٢٢ بندًا", "٢٥ بندًا", "١٠١ بند", "١١١ بندًا"},
	}
	for l, w := range want {
		p := New(l)
		var got []string
		for _, n := range counts {
			got = append(got, p.N(n, "{n} clause", "{n} clauses"))
		}
		if d := cmp.Diff(w, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", l, d)
		}
	}
}

func TestNumbersAndDates(t *testing.T) {
	d := time.Date(1990, 3, 4, 9, 5, 0, 0, time.UTC)
	for _, tc := range []struct {
		l                      Lang
		number, date, datetime string
	}{
		{English, "1,234,567.5", "4 March 1990", "4 March 1990, 09:05 UTC"},
		{Ukrainian, "1\u00a0234\u00a0567,5", "4 березня 1990 р.", "4 березня 1990 р., 09:05 UTC"},
		{Russian, "1\u00a0234\u00a0567,5", "4 марта 1990 г.", "4 марта 1990 г., 09:05 UTC"},
		{Arabic, "١٬٢٣٤٬٥٦٧٫٥", "٤ مارس ١٩٩٠", "٤ مارس ١٩٩٠, ٠٩:٠٥ UTC"},
	} {
		p := New(tc.l)
		if got := p.Number(1234567.5); got != tc.number {
			t.Errorf("%s Number = %q, want %q", tc.l, got, tc.number)
		}
		if got := p.Date(d); got != tc.date {
			t.Errorf("%s Date = %q, want %q", tc.l, got, tc.date)
		}
		if got := p.DateTime(d); got != tc.datetime {
			t.Errorf("%s DateTime = %q, want %q", tc.l, got, tc.datetime)
		}
	}
	if New(English).Number(3.0) != "3" || New(English).Number(2.25) != "2.25" || New(English).Date(time.Time{}) != "" {
		t.Error("whole floats, decimals or the zero date")
	}
}

// TestCatalogs: the embedded catalogs have no faults.
func TestCatalogs(t *testing.T) {
	for _, l := range Supported[1:] {
		for _, p := range Check(l) {
			t.Error(p)
		}
		if len(Keys(l)) == 0 {
			t.Errorf("%s: empty catalog", l)
		}
	}
}

// TestCheckFindsFaults runs Check on catalogs with every kind of fault.
func TestCheckFindsFaults(t *testing.T) {
	var cat map[string]entry
	if err := json.Unmarshal([]byte(`{
		"Text: {title}": "Текст: {name}",
		"Empty": " ",
		"{n} clauses": {"one": "{n} пункт", "few": "{n} пункти", "other": "{n} пункту {x}"},
		"{n} of {total}": {"one": "{n}", "few": "{n}", "many": "{n}", "other": "{n}"}
	}`), &cat); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range check(Ukrainian, cat) {
		got = append(got, p.String())
	}
	want := []string{
		`uk "Empty": empty translation`,
		`uk "Text: {title}": placeholders [name], the English has [title]`,
		`uk "{n} clauses": form other has placeholder {x}, which the English lacks`,
		`uk "{n} clauses": plural forms [few one other], want [few many one other]`,
		`uk "{n} of {total}": form other drops placeholder {total}`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("problems (-want +got):\n%s", d)
	}
}

func TestLeftovers(t *testing.T) {
	page := "Дата | Status | Зустрічі\nStatusbar, Dated, the mediators"
	if d := cmp.Diff([]string{"Status", "the mediators"}, Leftovers(page, Ukrainian)); d != "" {
		t.Errorf("leftovers (-want +got):\n%s", d)
	}
	if Leftovers(page, English) != nil {
		t.Error("English has no leftovers")
	}
}

func TestFuncMap(t *testing.T) {
	fm := New(Russian).FuncMap()
	if fm["t"].(func(string, ...any) string)("Date") != "Дата" {
		t.Error("t")
	}
	if fm["n"].(func(int, string, string, ...any) string)(2, "{n} clause", "{n} clauses") != "2 пункта" {
		t.Error("n")
	}
}

// FuzzFill: filling placeholders never panics and leaves text without
// braces as it is.
func FuzzFill(f *testing.F) {
	f.Add("Text: {title} {", "title", "x")
	f.Fuzz(func(t *testing.T, text, name, value string) {
		got := New(Ukrainian).fill(text, []any{name, value})
		if !strings.ContainsAny(text, "{}") && got != text {
			t.Fatalf("fill(%q) = %q", text, got)
		}
	})
}
