package exchange

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// digraphs are folded in this order, longest first, so that "shch" is not
// read as "sh" + "ch".
var digraphs = strings.NewReplacer(
	"you", "u", "ou", "u", // French-style romanizations: Youssef, Mansour, Goumilev
	"shch", "s", "sch", "s", "zh", "z", "kh", "h", "ch", "c", "sh", "s",
	"ts", "c", "tz", "c", "cz", "c", "sz", "s",
	"yu", "u", "iu", "u", "ju", "u",
	"ya", "a", "ia", "a", "ja", "a",
	"ye", "e", "ie", "e", "je", "e",
	"yo", "o", "io", "o", "jo", "o",
	"yi", "i", "ji", "i", "ii", "i", "iy", "i", "yy", "i",
	"ck", "k", "ph", "f",
)

// single merges the letters the two languages and their transliterations
// split: Ukrainian г is h where Russian writes g, и/і/ы/й all end in i or y.
var single = strings.NewReplacer(
	"g", "h", "y", "i", "j", "i", "w", "v", "q", "k", "x", "ks",
)

// Key folds a person's name, in any script and either order, to the Latin
// skeleton that [Match] compares. Names that differ only in transliteration
// get the same key; names with a typing error get keys a few edits apart.
func Key(name string) string {
	keys := tokens(name)
	slices.Sort(keys)
	return strings.Join(keys, " ")
}

// tokens are the folded tokens of a name, in the order written.
func tokens(name string) []string {
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == '-' || r == '.'
	})
	keys := make([]string, 0, len(words))
	for _, w := range words {
		if k := fold(w); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

// fold turns one lower-case token into its skeleton. Each letter is
// transliterated by the first table of scripts that has it; a letter no
// table has is decomposed (NFD: é → e + ◌́, й → и + ◌̆) and its base
// letter folded in turn, the combining marks dropped; a letter with no
// base of its own (CJK, Thai, Devanagari…) is kept as it is, so that no
// letter is ever dropped and names in any script still compare. Digits,
// punctuation and symbols are dropped. The Latin skeleton is then folded
// by digraphs and single, and doubled letters are collapsed.
func fold(token string) string {
	var b strings.Builder
	b.Grow(len(token))
	if !isASCII(token) {
		if needsNFC(token) {
			token = norm.NFC.String(token)
		}
		if strings.ContainsFunc(token, isGreek) {
			token = greekDigraphs.Replace(token)
		}
	}
	for _, r := range token {
		foldRune(&b, r)
	}
	s := single.Replace(digraphs.Replace(b.String()))
	// Collapse doubled letters (Anna/Ana, Hrytsenko/Hrytssenko).
	var out strings.Builder
	out.Grow(len(s))
	last := rune(-1)
	for _, r := range s {
		if r != last {
			out.WriteRune(r)
		}
		last = r
	}
	return out.String()
}

// needsNFC says whether a token may not be in NFC: it holds a combining
// mark or a letter of a script whose composition NFC changes (Hangul and
// beyond). Precomposed Latin, Greek and Cyrillic text is NFC already.
func needsNFC(s string) bool {
	for _, r := range s {
		if r >= 0x300 && r <= 0x36F || r >= 0x483 && r <= 0x489 || r >= 0x1100 {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// foldRune writes the transliteration of one lower-case rune.
func foldRune(b *strings.Builder, r rune) {
	if r >= 'a' && r <= 'z' {
		b.WriteRune(r)
		return
	}
	if r < 0x80 || !unicode.IsLetter(r) {
		return
	}
	for _, table := range scripts {
		if s, ok := table[r]; ok {
			b.WriteString(s)
			return
		}
	}
	if d := norm.NFD.String(string(r)); d != string(r) {
		for _, p := range d {
			if !unicode.Is(unicode.Mn, p) {
				foldRune(b, unicode.ToLower(p))
			}
		}
		return
	}
	b.WriteRune(r)
}
