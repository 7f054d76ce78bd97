package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-talks/parley/i18n"
)

func TestExtract(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.go": `package a
func f(p printer) {
	p.T("Date")
	p.T("Text: {title}", "title", x)
	p.N(n, "{n} clause", "{n} clauses")
	p.T(variable)
	const page = ` + "`" + `<h1>{{t "Status and history"}}</h1>` + "`" + `
}`,
		"a_test.go":          `package a; func g(p printer) { p.T("Only in a test") }`,
		"web/page.tmpl":      `<p>{{t "Untranslated words"}}</p> {{n .Count "{n} person" "{n} persons"}} {{if .t}}{{end}} {{printf "%s" (t "Deadline")}}`,
		"testdata/skip.tmpl": `{{t "In testdata"}}`,
	}
	for name, body := range files {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644)
	}
	used, err := Extract(dir)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range used {
		keys = append(keys, m.Key)
	}
	want := []string{"Date", "Deadline", "Status and history", "Text: {title}", "Untranslated words", "{n} clauses", "{n} persons"}
	if d := cmp.Diff(want, keys); d != "" {
		t.Errorf("keys (-want +got):\n%s", d)
	}
	r := Report(i18n.Ukrainian, used)
	var untranslated []string
	for _, m := range r.Untranslated {
		untranslated = append(untranslated, m.Key)
	}
	if d := cmp.Diff([]string{"Untranslated words", "{n} persons"}, untranslated); d != "" {
		t.Errorf("untranslated (-want +got):\n%s", d)
	}
}

// TestRepository: every message the code shows is translated into
// Ukrainian and Russian, and no catalog has a fault.
func TestRepository(t *testing.T) {
	used, err := Extract("../..")
	if err != nil {
		t.Fatal(err)
	}
	if len(used) == 0 {
		t.Fatal("no message found in the repository")
	}
	for _, l := range []i18n.Lang{i18n.Ukrainian, i18n.Russian} {
		r := Report(l, used)
		for _, m := range r.Untranslated {
			t.Errorf("%s: untranslated %q (%s)", l, m.Key, m.Where)
		}
		for _, p := range r.Problems {
			t.Error(p)
		}
	}
}
