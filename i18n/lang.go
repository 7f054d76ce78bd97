package i18n

import (
	"strings"
	"sync"

	"golang.org/x/text/language"
)

// Lang is a language Parley speaks, by its BCP 47 tag.
type Lang string

// The languages, English first (the fallback).
const (
	English   Lang = "en"
	Ukrainian Lang = "uk"
	Russian   Lang = "ru"
	Arabic    Lang = "ar"
)

// Supported are the languages, in the order a language menu lists them.
var Supported = []Lang{English, Ukrainian, Russian, Arabic}

// Name is the language's name in itself, for a language menu.
func (l Lang) Name() string {
	switch l {
	case Ukrainian:
		return "Українська"
	case Russian:
		return "Русский"
	case Arabic:
		return "العربية"
	}
	return "English"
}

// LanguageName is a language's name in itself: the Name of one of Parley's
// languages (its tag's base), the tag itself for any other.
func LanguageName(tag string) string {
	if l, ok := Parse(tag); ok {
		return l.Name()
	}
	return tag
}

// Dir is the direction of the language's script: "rtl" or "ltr", as HTML's
// dir attribute takes it.
func (l Lang) Dir() string {
	if l == Arabic {
		return "rtl"
	}
	return "ltr"
}

// Tag is the language's tag.
func (l Lang) Tag() language.Tag { return language.Make(string(l)) }

// Parse reads a language tag ("uk", "uk-UA", "ru_RU", "AR") into a
// supported language; false if it names none.
func Parse(tag string) (Lang, bool) {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "_")
	base, _, _ = strings.Cut(base, "-")
	for _, l := range Supported {
		if string(l) == base {
			return l, true
		}
	}
	return English, false
}

var matcher = sync.OnceValue(func() language.Matcher {
	tags := make([]language.Tag, len(Supported))
	for i, l := range Supported {
		tags[i] = l.Tag()
	}
	return language.NewMatcher(tags)
})

// Negotiate picks the language for an Accept-Language header; English when
// it names none of ours or cannot be read.
func Negotiate(acceptLanguage string) Lang {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return English
	}
	_, i, conf := matcher().Match(tags...)
	if conf == language.No {
		return English
	}
	return Supported[i]
}
