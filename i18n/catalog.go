package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/feature/plural"
)

//go:embed locales/*.json
var locales embed.FS

// entry is one translation: text, or plural forms by CLDR category.
type entry struct {
	text   string
	plural map[string]string
}

func (m *entry) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &m.text); err == nil {
		return nil
	}
	return json.Unmarshal(b, &m.plural)
}

// catalogs are the embedded translations by language, decoded when a
// translation is first needed (not at start-up: a command that prints no
// translated text never pays for them).
var catalogs = sync.OnceValue(func() map[Lang]map[string]entry {
	out := map[Lang]map[string]entry{}
	for _, l := range Supported[1:] {
		data, err := locales.ReadFile("locales/" + string(l) + ".json")
		if err != nil {
			panic(fmt.Sprintf("i18n: no catalog for %s: %v", l, err))
		}
		var m map[string]entry
		if err := json.Unmarshal(data, &m); err != nil {
			panic(fmt.Sprintf("i18n: catalog %s: %v", l, err))
		}
		out[l] = m
	}
	return out
})

// Keys are the English keys a language's catalog translates, sorted.
func Keys(l Lang) []string {
	keys := make([]string, 0, len(catalogs()[l]))
	for k := range catalogs()[l] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Has says whether the catalog of l translates key (English has every key).
func Has(l Lang, key string) bool {
	if l == English {
		return true
	}
	_, ok := catalogs()[l][key]
	return ok
}

// Printer writes messages, numbers and dates in one language.
type Printer struct {
	lang Lang
	cat  map[string]entry
}

// New is the printer of l; an unsupported language prints English.
func New(l Lang) *Printer {
	if !slices.Contains(Supported, l) {
		l = English
	}
	return &Printer{lang: l, cat: catalogs()[l]}
}

// Lang is the printer's language.
func (p *Printer) Lang() Lang { return p.lang }

// T translates the entry whose English text is key and fills its
// placeholders from args, name–value pairs: T("{n} of {total}", "n", 1,
// "total", 3). A entry the catalog lacks is written in English.
func (p *Printer) T(key string, args ...any) string {
	text := english(key)
	if m, ok := p.cat[key]; ok && m.text != "" {
		text = m.text
	}
	return p.fill(text, args)
}

// N translates a plural entry: one and other are its English forms
// ("{n} person", "{n} persons"), the catalog is keyed by other, and {n} is
// n written as a number of the language.
func (p *Printer) N(n int, one, other string, args ...any) string {
	text := english(other)
	if n == 1 {
		text = english(one)
	}
	if m, ok := p.cat[other]; ok && m.plural != nil {
		if s, ok := m.plural[pluralForm(p.lang, n)]; ok {
			text = s
		} else if s, ok := m.plural["other"]; ok {
			text = s
		}
	}
	return p.fill(text, append([]any{"n", n}, args...))
}

// Sprintf translates a Go format string — an error message, whose key is
// its format as the code writes it — and formats args with the
// translation. The translation must hold the same verbs for the same
// arguments (Check says so), in any order through explicit indexes
// ("%[2]s … %[1]d"). A format the catalog lacks is written in English.
func (p *Printer) Sprintf(format string, args ...any) string {
	if m, ok := p.cat[format]; ok && m.text != "" {
		format = m.text
	}
	return fmt.Sprintf(format, args...)
}

// Message is a message to write once the reader's language is known: T's
// key and arguments. tools/i18ncheck reads the literal keys of calls of M.
type Message struct {
	Key  string
	Args []any
}

// M is the message key with its arguments.
func M(key string, args ...any) Message { return Message{Key: key, Args: args} }

// Message writes m in the printer's language (T).
func (p *Printer) Message(m Message) string { return p.T(m.Key, m.Args...) }

// Word is the word of a value in a context — an enumerated value of the
// domain, as Words declares it: Word("track status", "paused") is the
// translation of the key "track status::paused", or the value itself.
func (p *Printer) Word(context, value string) string {
	if m, ok := p.cat[context+"::"+value]; ok && m.text != "" {
		return m.text
	}
	return value
}

// Words declares the values a context's words translate (Word), for
// tools/i18ncheck, which reads the literal arguments of calls of Words,
// and returns their keys ("context::value").
func Words(context string, values ...string) []string {
	keys := make([]string, len(values))
	for i, v := range values {
		keys[i] = context + "::" + v
	}
	return keys
}

// english is a key's English text: the key without its context.
func english(key string) string {
	if _, text, ok := strings.Cut(key, "::"); ok {
		return text
	}
	return key
}

// pluralForm is the CLDR cardinal category of the integer n in l.
func pluralForm(l Lang, n int) string {
	abs := n
	if abs < 0 {
		abs = -abs
	}
	switch plural.Cardinal.MatchPlural(l.Tag(), abs, 0, 0, 0, 0) {
	case plural.Zero:
		return "zero"
	case plural.One:
		return "one"
	case plural.Two:
		return "two"
	case plural.Few:
		return "few"
	case plural.Many:
		return "many"
	}
	return "other"
}

// fill replaces each {name} of text with its value from args; numbers are
// written as the language writes them. A placeholder without a value is
// left as it is.
func (p *Printer) fill(text string, args []any) string {
	if !strings.Contains(text, "{") {
		return text
	}
	var b strings.Builder
	scan(text, func(lit string) { b.WriteString(lit) }, func(name, raw string) {
		if v, ok := lookup(args, name); ok {
			b.WriteString(p.value(v))
		} else {
			b.WriteString(raw)
		}
	})
	return b.String()
}

// scan splits text into literal runs and {name} placeholders, in order.
func scan(text string, literal func(string), placeholder func(name, raw string)) {
	for {
		open := strings.IndexByte(text, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(text[open:], '}')
		if end < 0 {
			break
		}
		literal(text[:open])
		placeholder(text[open+1:open+end], text[open:open+end+1])
		text = text[open+end+1:]
	}
	literal(text)
}

func lookup(args []any, name string) (any, bool) {
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok && k == name {
			return args[i+1], true
		}
	}
	return nil, false
}

func (p *Printer) value(v any) string {
	if r := reflect.ValueOf(v); r.Kind() == reflect.Pointer {
		if r.IsNil() {
			return ""
		}
		return p.value(r.Elem().Interface())
	}
	switch v := v.(type) {
	case int, int64, int32, uint, uint64, uint32, float64, float32:
		return p.Number(v)
	case string:
		return v
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}

// placeholders are the names in braces of a text, sorted, without repeats.
func placeholders(text string) []string {
	var out []string
	scan(text, func(string) {}, func(name, _ string) { out = append(out, name) })
	slices.Sort(out)
	return slices.Compact(out)
}

// FuncMap are template functions for pages: t (T), n (N), word (Word),
// number, decimal, float, date and datetime, bound to the printer. Templates
// call {{t "Tracks"}}.
func (p *Printer) FuncMap() map[string]any {
	return map[string]any{
		"t":        p.T,
		"n":        p.N,
		"word":     p.Word,
		"decimal":  p.Decimal,
		"float":    p.Float,
		"number":   p.Number,
		"date":     p.Date,
		"datetime": p.DateTime,
	}
}
