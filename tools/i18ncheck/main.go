// Command i18ncheck lists the messages the code shows that a language's
// catalog does not translate, the catalog entries no code uses, and the
// faults of each catalog (i18n.Check). It reads every Go file (tests
// excepted) for calls of a Printer's T and N with literal keys, and every
// template (.tmpl, .html, .gohtml) for {{t "…"}} and {{n … "…" "…"}}.
//
//	go run ./tools/i18ncheck            # the repository, English's fallbacks: uk and ru must be complete
//	go run ./tools/i18ncheck -lang ar   # what Arabic lacks
//
// It exits with status 1 when a required language lacks a message or a
// catalog has a fault.
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/parley-talks/parley/i18n"
)

func main() {
	langs := flag.String("lang", "uk,ru", "the languages that must translate every message, comma-separated")
	flag.Parse()
	root := "."
	if flag.NArg() > 0 {
		root = flag.Arg(0)
	}
	used, err := Extract(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "i18ncheck:", err)
		os.Exit(2)
	}
	failed := false
	for _, name := range strings.Split(*langs, ",") {
		l, ok := i18n.Parse(name)
		if !ok || l == i18n.English {
			fmt.Fprintf(os.Stderr, "i18ncheck: %q is not a language with a catalog\n", name)
			os.Exit(2)
		}
		r := Report(l, used)
		for _, m := range r.Untranslated {
			fmt.Printf("%s: untranslated %q (%s)\n", l, m.Key, m.Where)
		}
		for _, k := range r.Unused {
			fmt.Printf("%s: unused %q\n", l, k)
		}
		for _, p := range r.Problems {
			fmt.Printf("%s\n", p)
		}
		if len(r.Untranslated) > 0 || len(r.Problems) > 0 {
			failed = true
		}
		fmt.Printf("%s: %d messages used, %d untranslated, %d unused, %d faults\n", l, len(used), len(r.Untranslated), len(r.Unused), len(r.Problems))
	}
	if failed {
		os.Exit(1)
	}
}

// Message is a message key the code uses, and the first place it does.
type Message struct {
	Key   string
	Where string // file:line
}

// Result is what a language lacks.
type Result struct {
	Untranslated []Message
	Unused       []string
	Problems     []i18n.Problem
}

// Report compares a language's catalog with the messages used.
func Report(l i18n.Lang, used []Message) Result {
	var r Result
	keys := map[string]bool{}
	for _, m := range used {
		keys[m.Key] = true
		if !i18n.Has(l, m.Key) {
			r.Untranslated = append(r.Untranslated, m)
		}
	}
	for _, k := range i18n.Keys(l) {
		if !keys[k] {
			r.Unused = append(r.Unused, k)
		}
	}
	r.Problems = i18n.Check(l)
	return r
}

// templateCall finds t and n calls with literal keys in a template.
var templateCall = regexp.MustCompile(`(?:\{\{-?\s*|\(\s*|\|\s*)(t|n)\s+((?:"(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `|[^\s"` + "`" + `}]+)(?:\s+(?:"(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `))*)`)
var templateString = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|` + "`[^`]*`")

// Extract walks root for the message keys used, sorted, each once.
func Extract(root string) ([]Message, error) {
	found := map[string]string{}
	add := func(key, where string) {
		if _, ok := found[key]; !ok {
			found[key] = where
		}
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go"):
			return extractGo(path, add)
		case strings.HasSuffix(path, ".tmpl"), strings.HasSuffix(path, ".html"), strings.HasSuffix(path, ".gohtml"):
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			extractTemplate(path, string(data), add)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]Message, 0, len(found))
	for k, w := range found {
		out = append(out, Message{k, w})
	}
	slices.SortFunc(out, func(a, b Message) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// extractGo finds calls x.T("key", …) and x.N(n, "one", "other", …) with
// literal strings; the key of a plural is its "other" form. Go templates
// embedded in Go strings are read as templates.
func extractGo(path string, add func(key, where string)) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	literal := func(e ast.Expr) (string, bool) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(lit.Value)
		return s, err == nil
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			where := fmt.Sprintf("%s:%d", path, fset.Position(n.Pos()).Line)
			switch {
			case sel.Sel.Name == "T" && len(n.Args) >= 1:
				if s, ok := literal(n.Args[0]); ok {
					add(s, where)
				}
			case sel.Sel.Name == "N" && len(n.Args) >= 3:
				_, ok1 := literal(n.Args[1])
				if s, ok2 := literal(n.Args[2]); ok1 && ok2 {
					add(s, where)
				}
			}
		case *ast.BasicLit:
			if s, ok := literal(n); ok && strings.Contains(s, "{{") {
				extractTemplate(fmt.Sprintf("%s:%d", path, fset.Position(n.Pos()).Line), s, add)
			}
		}
		return true
	})
	return nil
}

func extractTemplate(where, text string, add func(key, where string)) {
	for _, m := range templateCall.FindAllStringSubmatch(text, -1) {
		strs := templateString.FindAllString(m[2], -1)
		var vals []string
		for _, s := range strs {
			if strings.HasPrefix(s, "`") {
				vals = append(vals, strings.Trim(s, "`"))
			} else if v, err := strconv.Unquote(s); err == nil {
				vals = append(vals, v)
			}
		}
		switch {
		case m[1] == "t" && len(vals) >= 1 && strings.HasPrefix(strings.TrimSpace(m[2]), strs[0]):
			add(vals[0], where)
		case m[1] == "n" && len(vals) >= 2:
			add(vals[1], where)
		}
	}
}
