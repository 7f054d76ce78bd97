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
	_ = i18n.Words("track status", "paused", "talks")
	_ = Words("record", "track")
	_ = i18n.M("Later: {x}", "x", 1)
	_ = parley.Errorf(parley.EINVALID, "title", "title %q is too long", x)
	_ = Errorf(EINVALID, "", "at most %d", x)
	_ = parley.Errorf(parley.EINVALID, "", "%s", why)
	_ = fmt.Errorf("internal %d", x)
	_ = reject(2, "born", "born in the future by %d days", x)
	_ = listErr("no header in %d rows", x)
}

// Why.
//
//i18n:messages
const (
	reasonA = "a reason kept as a constant"
	reasonB = "%d"
)

const notMessages = "not a message"

func g() {
	const page = ` + "`" + `<h1>{{t "Status and history"}}</h1>` + "`" + `
}`,
		"a_test.go":          `package a; func g(p printer) { p.T("Only in a test") }`,
		"web/page.tmpl":      `<p>{{t "Untranslated words"}}</p> {{n .Count "{n} person" "{n} persons"}} {{n (len .X) "{n} point" "{n} points"}} {{if .t}}{{end}} {{printf "%s" (t "Deadline")}}`,
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
	want := []string{"Date", "Deadline", "Later: {x}", "Status and history", "Text: {title}", "Untranslated words", "a reason kept as a constant", "at most %d", "born in the future by %d days", "no header in %d rows",
		"record::track", "title %q is too long", "track status::paused", "track status::talks", "{n} clauses", "{n} persons", "{n} points"}
	if d := cmp.Diff(want, keys); d != "" {
		t.Errorf("keys (-want +got):\n%s", d)
	}
	r := Report(i18n.Ukrainian, used)
	var untranslated []string
	for _, m := range r.Untranslated {
		untranslated = append(untranslated, m.Key)
	}
	if d := cmp.Diff([]string{"Later: {x}", "Untranslated words", "a reason kept as a constant", "at most %d", "born in the future by %d days", "no header in %d rows", "title %q is too long", "track status::talks", "{n} persons", "{n} points"}, untranslated); d != "" {
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
