package exchange

import "strings"

// Letter-by-letter transliterations into Latin of the scripts a list may
// hold, lower case. None need follow one national standard: the output is
// folded further by fold, so a table only has to land on the skeleton of
// the common Latin spellings. A letter in no table is handled by
// decomposition or kept as it is (see fold).

// cyrillic covers Ukrainian, Russian and Belarusian, and the letters of
// Serbian, Macedonian, Bulgarian, Kazakh and other Cyrillic alphabets that
// do not decompose into one of these.
var cyrillic = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "h", 'ґ': "g", 'д': "d", 'е': "e",
	'є': "ye", 'ё': "yo", 'ж': "zh", 'з': "z", 'и': "y", 'і': "i", 'ї': "yi",
	'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p",
	'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts",
	'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e",
	'ю': "yu", 'я': "ya", 'ў': "u",
	// Serbian and Macedonian
	'ђ': "dj", 'ј': "j", 'љ': "lj", 'њ': "nj", 'ћ': "c", 'џ': "dz", 'ѓ': "gj", 'ќ': "kj", 'ѕ': "dz",
	// Kazakh, Tatar, Bashkir, Azerbaijani Cyrillic
	'ә': "a", 'ғ': "g", 'қ': "k", 'ң': "n", 'ө': "o", 'ұ': "u", 'ү': "u", 'һ': "h", 'җ': "zh", 'ҙ': "z", 'ҫ': "s",
}

// greek follows ELOT 743 (ISO 843), the transliteration of Greek passports.
var greek = map[rune]string{
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i", 'θ': "th", 'ι': "i", 'κ': "k",
	'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x", 'ο': "o", 'π': "p", 'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t",
	'υ': "y", 'φ': "f", 'χ': "ch", 'ψ': "ps", 'ω': "o",
}

// greekDigraphs are the letter pairs ELOT 743 writes as one sound.
var greekDigraphs = strings.NewReplacer(
	"ου", "ou", "ού", "ou", "αυ", "av", "αύ", "av", "ευ", "ev", "εύ", "ev", "ηυ", "iv", "ηύ", "iv",
	"γγ", "ng", "γξ", "nx", "γχ", "nch",
)

func isGreek(r rune) bool { return r >= 0x370 && r <= 0x3FF || r >= 0x1F00 && r <= 0x1FFF }

// georgian follows the national system of 2002 (Mkhedruli).
var georgian = map[rune]string{
	'ა': "a", 'ბ': "b", 'გ': "g", 'დ': "d", 'ე': "e", 'ვ': "v", 'ზ': "z", 'თ': "t", 'ი': "i", 'კ': "k",
	'ლ': "l", 'მ': "m", 'ნ': "n", 'ო': "o", 'პ': "p", 'ჟ': "zh", 'რ': "r", 'ს': "s", 'ტ': "t", 'უ': "u",
	'ფ': "p", 'ქ': "k", 'ღ': "gh", 'ყ': "q", 'შ': "sh", 'ჩ': "ch", 'ც': "ts", 'ძ': "dz", 'წ': "ts", 'ჭ': "ch",
	'ხ': "kh", 'ჯ': "j", 'ჰ': "h",
}

// armenian follows the common romanization of Eastern Armenian.
var armenian = map[rune]string{
	'ա': "a", 'բ': "b", 'գ': "g", 'դ': "d", 'ե': "e", 'զ': "z", 'է': "e", 'ը': "y", 'թ': "t", 'ժ': "zh",
	'ի': "i", 'լ': "l", 'խ': "kh", 'ծ': "ts", 'կ': "k", 'հ': "h", 'ձ': "dz", 'ղ': "gh", 'ճ': "ch", 'մ': "m",
	'յ': "y", 'ն': "n", 'շ': "sh", 'ո': "o", 'չ': "ch", 'պ': "p", 'ջ': "j", 'ռ': "r", 'ս': "s", 'վ': "v",
	'տ': "t", 'ր': "r", 'ց': "ts", 'ւ': "v", 'փ': "p", 'ք': "k", 'օ': "o", 'ֆ': "f", 'և': "ev",
}

// arabic gives the consonants of Arabic and Persian letters; short vowels
// are not written, so a name in Arabic script is compared best through the
// transliteration its side adds ([Person.Transliteration]).
var arabic = map[rune]string{
	'ا': "a", 'أ': "a", 'إ': "i", 'آ': "a", 'ٱ': "a", 'ب': "b", 'ت': "t", 'ث': "th", 'ج': "j", 'ح': "h",
	'خ': "kh", 'د': "d", 'ذ': "dh", 'ر': "r", 'ز': "z", 'س': "s", 'ش': "sh", 'ص': "s", 'ض': "d", 'ط': "t",
	'ظ': "z", 'ع': "a", 'غ': "gh", 'ف': "f", 'ق': "q", 'ك': "k", 'ل': "l", 'م': "m", 'ن': "n", 'ه': "h",
	'و': "w", 'ي': "y", 'ى': "a", 'ة': "a", 'ء': "", 'ؤ': "w", 'ئ': "y",
	'پ': "p", 'چ': "ch", 'ژ': "zh", 'گ': "g", 'ک': "k", 'ی': "y",
}

// hebrew gives the consonants of Hebrew letters, final forms included.
var hebrew = map[rune]string{
	'א': "", 'ב': "b", 'ג': "g", 'ד': "d", 'ה': "h", 'ו': "v", 'ז': "z", 'ח': "kh", 'ט': "t", 'י': "y",
	'כ': "k", 'ך': "k", 'ל': "l", 'מ': "m", 'ם': "m", 'נ': "n", 'ן': "n", 'ס': "s", 'ע': "", 'פ': "p",
	'ף': "f", 'צ': "ts", 'ץ': "ts", 'ק': "k", 'ר': "r", 'ש': "sh", 'ת': "t",
}

// latinLetters are the Latin letters that Unicode does not decompose into
// a base letter and marks, and those whose marks make a digraph of the
// transliterations (š is sh, so that Ščerbak and Shcherbak fold alike).
var latinLetters = map[rune]string{
	'š': "sh", 'č': "ch", 'ž': "zh", 'ć': "ch", 'ś': "sh", 'ż': "zh", 'ş': "sh", 'ș': "sh", 'ç': "ch", 'ț': "ts",
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'þ': "th", 'ł': "l", 'ı': "i",
	'ŋ': "n", 'ħ': "h", 'ŧ': "t", 'ĸ': "k", 'ſ': "s", 'ƒ': "f", 'ə': "e", 'ɨ': "i", 'ɛ': "e", 'ɔ': "o",
	'ƙ': "k", 'ɗ': "d", 'ɓ': "b", 'ƴ': "y",
}

// scripts are the tables fold consults, in order.
var scripts = []map[rune]string{cyrillic, latinLetters, greek, georgian, armenian, arabic, hebrew}
