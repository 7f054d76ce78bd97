package exchange

import (
	"slices"
	"strings"
	"unicode"
)

// cyrillic is a letter-by-letter transliteration of Ukrainian and Russian
// Cyrillic into Latin. It need not follow any one national standard: the
// output is folded further by fold, so it only has to land on the same
// skeleton as the common Latin spellings.
var cyrillic = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "h", 'ґ': "g", 'д': "d", 'е': "e",
	'є': "ye", 'ё': "yo", 'ж': "zh", 'з': "z", 'и': "y", 'і': "i", 'ї': "yi",
	'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p",
	'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts",
	'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e",
	'ю': "yu", 'я': "ya", '\'': "", 'ʼ': "", '’': "",
}

// latin folds accented Latin letters met in transliterations to plain ones.
var latin = map[rune]string{
	'š': "sh", 'č': "ch", 'ž': "zh", 'ý': "y", 'á': "a", 'é': "e", 'í': "i",
	'ó': "o", 'ú': "u", 'ë': "e", 'ï': "i", 'ě': "e", 'ř': "r", 'ć': "ch",
	'ś': "sh", 'ź': "z", 'ż': "zh", 'ł': "l", 'ń': "n", 'ą': "a", 'ę': "e",
}

// digraphs are folded in this order, longest first, so that "shch" is not
// read as "sh" + "ch".
var digraphs = strings.NewReplacer(
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

// fold turns one lower-case token into its skeleton.
func fold(token string) string {
	var b strings.Builder
	for _, r := range token {
		if s, ok := cyrillic[r]; ok {
			b.WriteString(s)
		} else if s, ok := latin[r]; ok {
			b.WriteString(s)
		} else if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	s := single.Replace(digraphs.Replace(b.String()))
	// Collapse doubled letters (Anna/Ana, Hrytsenko/Hrytssenko).
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if i > 0 && s[i] == s[i-1] {
			continue
		}
		out = append(out, s[i])
	}
	return string(out)
}
