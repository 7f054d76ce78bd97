package exchange

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Encodings a text list may come in, as [List.Encoding] names them.
const (
	UTF8        = "UTF-8"
	UTF8BOM     = "UTF-8 with BOM"
	UTF16LE     = "UTF-16LE"
	UTF16BE     = "UTF-16BE"
	Windows1251 = "Windows-1251"
	KOI8U       = "KOI8-U"
	KOI8R       = "KOI8-R"
	Windows1252 = "Windows-1252"
)

// decodeText turns a text file into UTF-8 and names its encoding.
//
//   - A byte order mark decides: UTF-8, UTF-16 little- or big-endian.
//   - Without one, text whose first kilobytes hold NUL bytes at every
//     other position is UTF-16 (a list's header and dates are ASCII, which
//     UTF-16 writes with a zero byte).
//   - Valid UTF-8 is UTF-8.
//   - Bytes that are mostly valid UTF-8 with some that are not are a file
//     that mixes encodings (a row pasted from another file): refused, with
//     the first line that is not UTF-8.
//   - Anything else is one of the single-byte code pages of the region:
//     Windows-1251, KOI8-U/KOI8-R or Windows-1252, whichever reads as the
//     most plausible names (see plausibility).
func decodeText(data []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		rest := data[3:]
		if !utf8.Valid(rest) {
			return "", "", mixedError(rest, UTF8BOM)
		}
		return string(rest), UTF8BOM, nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeUTF16(data[2:], false)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeUTF16(data[2:], true)
	}
	if le, be := zeroParity(data); le || be {
		return decodeUTF16(data, be)
	}
	if utf8.Valid(data) {
		return string(data), UTF8, nil
	}
	if validShare(data) >= 0.5 {
		return "", "", mixedError(data, UTF8)
	}
	// The code pages are told apart on the first 256 KiB; the winner
	// decodes the whole file.
	sample := data[:min(len(data), 1<<18)]
	var best *charmap.Charmap
	bestName, bestScore := "", 0.0
	for _, c := range []struct {
		name string
		cm   *charmap.Charmap
	}{{Windows1251, charmap.Windows1251}, {KOI8U, charmap.KOI8U}, {Windows1252, charmap.Windows1252}} {
		text, err := c.cm.NewDecoder().Bytes(sample)
		if err != nil {
			continue
		}
		if s := plausibility(string(text)); best == nil || s > bestScore {
			best, bestName, bestScore = c.cm, c.name, s
		}
	}
	if best == nil {
		return "", "", fmt.Errorf("%w: the file is in no encoding Parley reads", ErrList)
	}
	text, err := best.NewDecoder().String(string(data))
	if err != nil {
		return "", "", fmt.Errorf("%w: the file is in no encoding Parley reads", ErrList)
	}
	if bestName == KOI8U && !hasKOI8Ukrainian(data) {
		// Without Ukrainian є, і, ї, ґ the two read the same; KOI8-R is
		// the likelier name.
		bestName = KOI8R
	}
	return text, bestName, nil
}

// hasKOI8Ukrainian says whether KOI8-U text holds one of є, і, ї, ґ (either
// case), bytes where KOI8-R has box-drawing characters.
func hasKOI8Ukrainian(data []byte) bool {
	for _, b := range data {
		switch b {
		case 0xA4, 0xA6, 0xA7, 0xAD, 0xB4, 0xB6, 0xB7, 0xBD:
			return true
		}
	}
	return false
}

// mixedError refuses a file whose bytes are UTF-8 but for some, naming the
// first line that is not.
func mixedError(data []byte, enc string) error {
	bad := len(data)
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			bad = i
			break
		}
		i += n
	}
	line := 1 + bytes.Count(data[:bad], []byte{'\n'})
	return fmt.Errorf("%w: line %d is not %s though the rest of the file is: the file mixes encodings (save it again in one)", ErrList, line, enc)
}

// validShare is the share of the bytes ≥ 0x80 that belong to valid UTF-8
// sequences. Single-byte Cyrillic text forms some by chance (Windows-1251
// "ВІ" is the UTF-8 of "²"), but far fewer than half.
func validShare(data []byte) float64 {
	high, valid := 0, 0
	for i := 0; i < len(data); {
		if data[i] < 0x80 {
			i++
			continue
		}
		r, n := utf8.DecodeRune(data[i:])
		high += n
		if r != utf8.RuneError || n > 1 {
			valid += n
		}
		i += n
	}
	if high == 0 {
		return 0
	}
	return float64(valid) / float64(high)
}

// zeroParity says whether the file's first 4 KiB look like UTF-16 without
// a byte order mark: NUL in at least a third of the odd (little-endian) or
// even (big-endian) positions and in almost none of the others.
func zeroParity(data []byte) (le, be bool) {
	sample := data[:min(len(data), 4096)]
	if len(sample) < 4 {
		return false, false
	}
	var zeros [2]int
	for i, b := range sample {
		if b == 0 {
			zeros[i%2]++
		}
	}
	half := len(sample) / 2
	le = zeros[1]*3 >= half && zeros[0]*20 < half
	be = zeros[0]*3 >= half && zeros[1]*20 < half
	return le, be
}

// decodeUTF16 decodes UTF-16 text; an odd length or an unpaired surrogate
// refuses the file.
func decodeUTF16(data []byte, bigEndian bool) (string, string, error) {
	name := UTF16LE
	if bigEndian {
		name = UTF16BE
	}
	if len(data)%2 != 0 {
		return "", "", fmt.Errorf("%w: the file is %s but has an odd number of bytes (cut short?)", ErrList, name)
	}
	units := make([]uint16, len(data)/2)
	for i := range units {
		if bigEndian {
			units[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
		} else {
			units[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
		}
	}
	var b strings.Builder
	b.Grow(len(units))
	line := 1
	for i := 0; i < len(units); i++ {
		u := units[i]
		switch {
		case utf16.IsSurrogate(rune(u)):
			if u < 0xDC00 && i+1 < len(units) && units[i+1] >= 0xDC00 && units[i+1] <= 0xDFFF {
				b.WriteRune(utf16.DecodeRune(rune(u), rune(units[i+1])))
				i++
				continue
			}
			return "", "", fmt.Errorf("%w: line %d is not valid %s (a broken surrogate pair)", ErrList, line, name)
		case u == '\n':
			line++
		}
		b.WriteRune(rune(u))
	}
	return b.String(), name, nil
}

// letterFrequency is how often each Cyrillic letter (lower case) occurs in
// Ukrainian and Russian text, per mille, rounded: the wrong code page
// turns common letters into rare ones.
var letterFrequency = map[rune]float64{
	'о': 100, 'а': 80, 'е': 75, 'и': 65, 'н': 65, 'т': 55, 'р': 47, 'с': 47, 'і': 45, 'в': 45, 'л': 42,
	'к': 35, 'м': 31, 'д': 30, 'п': 28, 'у': 27, 'я': 20, 'з': 17, 'ь': 16, 'б': 16, 'г': 16, 'ч': 14,
	'й': 12, 'ы': 10, 'х': 10, 'ж': 9, 'ш': 7, 'ю': 6, 'ц': 5, 'ї': 5, 'є': 4, 'щ': 4, 'ф': 2.5, 'э': 2.5,
	'ё': 0.5, 'ъ': 0.4, 'ґ': 0.2,
}

// letterWeight is the natural logarithm of a letter's frequency per
// mille; letters of other Cyrillic languages (ў, ђ, ѓ…) count as rare.
func letterWeight(r rune) float64 {
	if f, ok := letterFrequency[r]; ok {
		return math.Log(f)
	}
	return math.Log(0.1)
}

// cyrillicVowels are the vowel letters, whose runs the syllables of names
// bound: three vowels or four consonants in a row are rare in true text
// and common in text read with the wrong code page.
const cyrillicVowels = "аеиоуяюєїіыэё"

func syllablePenalty(word []rune) float64 {
	penalty, vowels, consonants := 0.0, 0, 0
	for _, r := range word {
		if strings.ContainsRune(cyrillicVowels, unicode.ToLower(r)) {
			vowels, consonants = vowels+1, 0
		} else {
			vowels, consonants = 0, consonants+1
		}
		if vowels == 3 || consonants == 4 {
			penalty += 3
		}
	}
	return penalty
}

// casePlausible says whether a word's letters are all lower case, all
// upper case, or upper then lower (Шевченко, ШЕВЧЕНКО, шевченко); text
// decoded with the wrong Cyrillic code page inverts the case
// (шЕВЧЕНКО).
func casePlausible(word []rune) bool {
	upper := 0
	for _, r := range word {
		if unicode.IsUpper(r) {
			upper++
		}
	}
	return upper == 0 || upper == len(word) || upper == 1 && unicode.IsUpper(word[0])
}

// plausibility scores text as names and headers: words of one script with
// a natural case pattern and common letters score up; words mixing
// scripts, Latin words made mostly of accented letters and stray symbols
// from the upper half of a code page score down.
func plausibility(text string) float64 {
	score := 0.0
	var word []rune
	flush := func() {
		if len(word) == 0 {
			return
		}
		cyr, ascii, latin := 0, 0, 0
		w := 0.0
		for _, r := range word {
			switch {
			case unicode.Is(unicode.Cyrillic, r):
				cyr++
				w += letterWeight(unicode.ToLower(r))
			case r < 0x80:
				ascii++
			case unicode.Is(unicode.Latin, r):
				latin++
			}
		}
		n := float64(len(word))
		switch {
		case cyr == len(word) && casePlausible(word):
			score += w - syllablePenalty(word)
		case ascii+latin == len(word) && casePlausible(word) && latin*3 <= len(word):
			score += 3*n - 2*float64(latin)
		default:
			score -= 2 * n
		}
		word = word[:0]
	}
	for _, r := range text {
		if unicode.IsLetter(r) {
			word = append(word, r)
			continue
		}
		flush()
		if r >= 0x80 && !strings.ContainsRune("«»„“”‘’–—№\u00a0", r) {
			score -= 2
		}
	}
	flush()
	return score
}
