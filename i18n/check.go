package i18n

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// pluralForms are the CLDR cardinal categories each language's plural
// messages must give (for integers).
var pluralForms = map[Lang][]string{
	English:   {"one", "other"},
	Ukrainian: {"few", "many", "one", "other"},
	Russian:   {"few", "many", "one", "other"},
	Arabic:    {"few", "many", "one", "other", "two", "zero"},
}

// PluralForms are the CLDR categories a plural message of l gives.
func PluralForms(l Lang) []string { return slices.Clone(pluralForms[l]) }

// Problem is a fault of one message of a catalog.
type Problem struct {
	Lang    Lang
	Key     string
	Problem string
}

func (p Problem) String() string { return fmt.Sprintf("%s %q: %s", p.Lang, p.Key, p.Problem) }

// Check reports the faults of l's catalog: an empty translation, a
// translation whose placeholders differ from the English, a plural
// message without every form the language needs or with forms it has
// not.
func Check(l Lang) []Problem { return check(l, catalogs()[l]) }

func check(l Lang, cat map[string]entry) []Problem {
	var out []Problem
	bad := func(key, format string, a ...any) {
		out = append(out, Problem{l, key, fmt.Sprintf(format, a...)})
	}
	keys := make([]string, 0, len(cat))
	for k := range cat {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		m := cat[key]
		want := placeholders(english(key))
		if m.plural == nil {
			if strings.TrimSpace(m.text) == "" {
				bad(key, "empty translation")
			} else if got := placeholders(m.text); !slices.Equal(got, want) {
				bad(key, "placeholders %v, the English has %v", got, want)
			} else if got, want := verbs(m.text), verbs(english(key)); !slices.Equal(got, want) {
				bad(key, "format verbs %v, the English has %v", got, want)
			}
			continue
		}
		var forms []string
		for form, text := range m.plural {
			forms = append(forms, form)
			got := placeholders(text)
			for _, ph := range got {
				if ph != "n" && !slices.Contains(want, ph) {
					bad(key, "form %s has placeholder {%s}, which the English lacks", form, ph)
				}
			}
			if strings.TrimSpace(text) == "" {
				bad(key, "form %s is empty", form)
			}
		}
		slices.Sort(forms)
		if !slices.Equal(forms, pluralForms[l]) {
			bad(key, "plural forms %v, want %v", forms, pluralForms[l])
		}
		if other, ok := m.plural["other"]; ok {
			for _, ph := range want {
				if !slices.Contains(placeholders(other), ph) {
					bad(key, "form other drops placeholder {%s}", ph)
				}
			}
		}
	}
	return out
}

// verbs are the fmt verbs of a format as "argument:verb" (flags, width
// and precision included), sorted: a translation must give each argument
// the verb the English gives it. "%%" is no verb.
func verbs(format string) []string {
	var out []string
	arg := 1
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		j := i + 1
		if j < len(format) && format[j] == '%' {
			i = j
			continue
		}
		spec := ""
		for j < len(format) && strings.IndexByte("+-# 0123456789.*", format[j]) >= 0 {
			spec += string(format[j])
			j++
		}
		if j < len(format) && format[j] == '[' {
			end := strings.IndexByte(format[j:], ']')
			if end < 0 {
				break
			}
			if n, err := strconv.Atoi(format[j+1 : j+end]); err == nil {
				arg = n
			}
			j += end + 1
		}
		for j < len(format) && strings.IndexByte("+-# 0123456789.*", format[j]) >= 0 {
			spec += string(format[j])
			j++
		}
		if j >= len(format) {
			break
		}
		out = append(out, fmt.Sprintf("%d:%s%c", arg, spec, format[j]))
		arg++
		i = j
	}
	slices.Sort(out)
	return out
}

// Leftovers are the English texts of l's catalog that text still holds
// where the translation differs: what a page in l shows untranslated.
// Only texts of two or more letters without placeholders are sought,
// as whole words.
func Leftovers(text string, l Lang) []string {
	if l == English {
		return nil
	}
	var out []string
	for _, key := range Keys(l) {
		en := english(key)
		m := catalogs()[l][key]
		if strings.Contains(en, "{") || m.text == en || len([]rune(en)) < 2 {
			continue
		}
		if containsWord(text, en) {
			out = append(out, en)
		}
	}
	return out
}

// containsWord says whether s holds w with no letter on either side.
func containsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		before, after := ' ', ' '
		if start > 0 {
			before = lastRune(s[:start])
		}
		if end < len(s) {
			after = []rune(s[end:])[0]
		}
		if !unicode.IsLetter(before) && !unicode.IsLetter(after) {
			return true
		}
		i = start + 1
	}
}

func lastRune(s string) rune {
	r := []rune(s)
	return r[len(r)-1]
}
