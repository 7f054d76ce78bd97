// Command i18ncheck lists the messages the code shows that a language's
// catalog does not translate, the catalog entries no code uses, and the
// faults of each catalog (i18n.Check). It reads every Go file (tests
// excepted) for calls of a Printer's T and N with literal keys, for the
// words i18n.Words declares ("context::value"), for the formats of the
// domain's errors (parley.Errorf(code, field, "format", …), which pages
// show through Printer.Sprintf), and every template (.tmpl, .html,
// .gohtml) for {{t "…"}} and {{n … "…" "…"}}.
//
//	go run ./tools/i18ncheck            # the repository, English's fallbacks: uk and ru must be complete
//	go run ./tools/i18ncheck -lang ar   # what Arabic lacks
//	go run ./tools/i18ncheck -lang ar -skeleton > todo.json   # what Arabic lacks, as a catalog to fill
//
// It exits with status 1 when a required language lacks a message or a
// catalog has a fault.
package main

import (
	"encoding/json"
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
	"unicode"

	"github.com/parley-talks/parley/i18n"
)

func main() {
	langs := flag.String("lang", "uk,ru", "the languages that must translate every message, comma-separated")
	skeleton := flag.Bool("skeleton", false, "print the messages the first language lacks as a JSON catalog with empty translations, and nothing else")
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
		if *skeleton {
			todo := map[string]any{}
			for _, m := range r.Untranslated {
				todo[m.Key] = ""
				if m.Plural {
					forms := map[string]string{}
					for _, f := range i18n.PluralForms(l) {
						forms[f] = ""
					}
					todo[m.Key] = forms
				}
			}
			enc := json.NewEncoder(os.Stdout)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(todo); err != nil {
				fmt.Fprintln(os.Stderr, "i18ncheck:", err)
				os.Exit(2)
			}
			return
		}
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
	Key    string
	Where  string // file:line
	Plural bool   // a plural message (N), keyed by its English "other" form
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
var templateCall = regexp.MustCompile(`(?:\{\{-?\s*|\(\s*|\|\s*)(t|n)\s+((?:"(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `|\([^()]*\)|[^\s"` + "`" + `}]+)(?:\s+(?:"(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `))*)`)
var placeholder = regexp.MustCompile(`\{[^{}]*\}`)
var templateString = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|` + "`[^`]*`")

// Extract walks root for the message keys used, sorted, each once.
func Extract(root string) ([]Message, error) {
	found := map[string]Message{}
	add := func(key, where string, plural bool) {
		if !hasWords(placeholder.ReplaceAllString(key, "")) {
			return // "{title}": nothing to translate
		}
		if _, ok := found[key]; !ok {
			found[key] = Message{key, where, plural}
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
	for _, m := range found {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Message) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// extractGo finds calls x.T("key", …), i18n.M("key", …),
// i18n.Words("context", "value", …), the formats of formatFuncs and the
// constants of blocks marked //i18n:messages, and x.N(n, "one", "other",
// …), with literal strings; the key of a plural is its "other" form. Go templates
// embedded in Go strings are read as templates.
func extractGo(path string, add func(key, where string, plural bool)) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution|parser.ParseComments)
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
			var fun string
			switch f := n.Fun.(type) {
			case *ast.SelectorExpr:
				fun = f.Sel.Name
			case *ast.Ident:
				fun = f.Name
			}
			where := fmt.Sprintf("%s:%d", path, fset.Position(n.Pos()).Line)
			if i, ok := formatFuncs[fun]; ok && len(n.Args) > i {
				// parley.Errorf(code, field, format, …), not fmt.Errorf(format, …)
				_, firstIsLiteral := literal(n.Args[0])
				if s, ok := literal(n.Args[i]); ok && (i == 0 || !firstIsLiteral) && hasWords(s) {
					add(s, where, false)
				}
			}
			if fun == "M" && len(n.Args) >= 1 {
				if s, ok := literal(n.Args[0]); ok {
					add(s, where, false)
				}
			}
			if fun == "Words" && len(n.Args) >= 2 {
				if ctx, ok := literal(n.Args[0]); ok {
					for _, a := range n.Args[1:] {
						if v, ok := literal(a); ok {
							add(ctx+"::"+v, where, false)
						}
					}
				}
			}
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			switch {
			case sel.Sel.Name == "T" && len(n.Args) >= 1:
				if s, ok := literal(n.Args[0]); ok {
					add(s, where, false)
				}
			case sel.Sel.Name == "N" && len(n.Args) >= 3:
				_, ok1 := literal(n.Args[1])
				if s, ok2 := literal(n.Args[2]); ok1 && ok2 {
					add(s, where, true)
				}
			}
		case *ast.GenDecl:
			// A block of constants marked "//i18n:messages" in its comment:
			// each literal value is a message (a reason kept as a constant).
			if n.Doc == nil || !hasDirective(n.Doc, "i18n:messages") {
				return true
			}
			for _, spec := range n.Specs {
				if vs, ok := spec.(*ast.ValueSpec); ok {
					for _, v := range vs.Values {
						if s, ok := literal(v); ok && hasWords(s) {
							add(s, fmt.Sprintf("%s:%d", path, fset.Position(v.Pos()).Line), false)
						}
					}
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

// formatFuncs are the functions whose argument at the index is a message
// written with fmt's verbs (a format), translated by i18n's Sprintf:
// parley.Errorf(code, field, format, …) — not fmt.Errorf, whose first
// argument is the format — and package exchange's reject(row, column,
// format, …) and listErr(format, …).
var formatFuncs = map[string]int{"Errorf": 2, "reject": 2, "listErr": 0, "forbidden": 0}

// hasDirective says whether a comment group holds the //name directive,
// which go/ast leaves out of Text.
func hasDirective(g *ast.CommentGroup, name string) bool {
	for _, c := range g.List {
		if strings.TrimSpace(strings.TrimPrefix(c.Text, "//")) == name {
			return true
		}
	}
	return false
}

// hasWords says whether a format has a letter outside its verbs: "%s"
// alone is no message.
func hasWords(format string) bool {
	skip := false
	for _, r := range format {
		switch {
		case r == '%':
			skip = true
		case skip && strings.ContainsRune("+-# 0123456789.*[]", r):
		case skip:
			skip = false
		case unicode.IsLetter(r):
			return true
		}
	}
	return false
}

func extractTemplate(where, text string, add func(key, where string, plural bool)) {
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
			add(vals[0], where, false)
		case m[1] == "n" && len(vals) >= 2:
			add(vals[1], where, true)
		}
	}
}
