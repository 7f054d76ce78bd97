package exchange

import (
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestKeyFoldsTransliterations(t *testing.T) {
	same := [][]string{
		{"Олег Шевченко", "Oleh Shevchenko", "Oleg Shevchenko", "Shevchenko Oleh", "ШЕВЧЕНКО, Олег"},
		{"Юрій Щербак", "Yurii Shcherbak", "Yuriy Shcherbak", "Iurii Shcherbak", "Jurij Ščerbak"},
		{"Євген Жук", "Yevhen Zhuk", "Ievhen Zhuk", "Jevhen Žuk", "Евген Жук"},
		{"Ганна Гнатюк", "Hanna Hnatiuk", "Ganna Gnatyuk", "HANNA HNATYUK"},
		{"Сергій Їжак", "Serhii Yizhak", "Sergiy Izhak"},
		{"Дмитро Цибуля", "Dmytro Tsybulia", "Dmitro Cybulja"},
		{"Наталья Кузьменко", "Natalia Kuzmenko", "Natalya Kuz'menko"},
	}
	for _, group := range same {
		want := Key(group[0])
		if want == "" {
			t.Fatalf("Key(%q) is empty", group[0])
		}
		for _, name := range group[1:] {
			if got := Key(name); got != want {
				t.Errorf("Key(%q) = %q, want %q (as %q)", name, got, want, group[0])
			}
		}
	}
	different := [][2]string{
		{"Олег Шевченко", "Олег Шевчук"},
		{"Іван Бойко", "Іван Бондаренко"},
		{"Petro Moroz", "Pavlo Moroz"},
	}
	for _, d := range different {
		if Key(d[0]) == Key(d[1]) {
			t.Errorf("Key(%q) == Key(%q)", d[0], d[1])
		}
	}
	for _, empty := range []string{"", "  ", "123 -- ,", "ьъ"} {
		if k := Key(empty); k != "" {
			t.Errorf("Key(%q) = %q, want empty", empty, k)
		}
	}
}

func TestLevenshteinAgainstDefinition(t *testing.T) {
	// Every pair of strings over {a,b} up to length 5, against the
	// recursive definition.
	var ref func(a, b string) int
	ref = func(a, b string) int {
		if a == "" {
			return len(b)
		}
		if b == "" {
			return len(a)
		}
		cost := 1
		if a[0] == b[0] {
			cost = 0
		}
		return min(ref(a[1:], b)+1, ref(a, b[1:])+1, ref(a[1:], b[1:])+cost)
	}
	var words []string
	for n := 0; n <= 5; n++ {
		for m := 0; m < 1<<n; m++ {
			w := make([]byte, n)
			for i := range w {
				w[i] = "ab"[m>>i&1]
			}
			words = append(words, string(w))
		}
	}
	for _, a := range words {
		for _, b := range words {
			if got, want := levenshtein([]rune(a), []rune(b)), ref(a, b); got != want {
				t.Fatalf("levenshtein(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}

func TestMatchSmall(t *testing.T) {
	d := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	a := []Person{
		{Name: "Олег Петрович Шевченко", Born: d("1990-03-04")},
		{Name: "Юрій Щербак", Born: d("1985-11-20")},
		{Name: "Іван Бойко", Born: d("1979-01-02")},
		{Name: "Тарас Мельник", Born: d("2000-06-06")},
	}
	b := []Person{
		{Transliteration: "Shcherbak Yuriy", Born: d("1985-11-20")},
		{Transliteration: "Ivan Bondarenko", Born: d("1979-01-02")}, // same birthday, another man
		{Transliteration: "Oleg Petrovich Shevchneko", Born: d("1990-03-04")},
		{Transliteration: "Taras Melnyk", Born: d("2000-06-07")}, // day mistyped
	}
	got := Match(a, b)
	want := map[int]int{0: 2, 1: 0, 3: 3}
	if len(got) != len(want) {
		t.Fatalf("Match = %+v, want pairs %v", got, want)
	}
	for _, c := range got {
		if want[c.I] != c.J {
			t.Errorf("A%d matched B%d, want B%d", c.I, c.J, want[c.I])
		}
		if c.Score < Threshold || c.Score > 1 {
			t.Errorf("score %v out of [%v, 1]", c.Score, Threshold)
		}
	}
	if m := Match(nil, b); len(m) != 0 {
		t.Errorf("Match(nil, b) = %v", m)
	}
}

// TestMatchPrecisionRecall measures the matcher on generated lists with
// known truth against the targets (precision ≥ 0.99, recall ≥ 0.97): the
// Ukrainian set, and a set where 30% of the persons bear names in Latin
// letters with diacritics, Georgian, Greek or Arabic script.
func TestMatchPrecisionRecall(t *testing.T) {
	for _, foreign := range []float64{0, 0.3} {
		for _, seed := range []uint64{1, 2, 3} {
			a, b, truth := generate(seed, 2000, foreign)
			p, r := score(Match(a, b), truth)
			t.Logf("seed %d, %.0f%% foreign names: %d × %d persons, %d true pairs: precision %.4f, recall %.4f", seed, 100*foreign, len(a), len(b), len(truth), p, r)
			if p < 0.99 || r < 0.97 {
				t.Errorf("seed %d, %.0f%% foreign: precision %.4f (want ≥ 0.99), recall %.4f (want ≥ 0.97)", seed, 100*foreign, p, r)
			}
		}
	}
}

func score(got []Candidate, truth map[int]int) (precision, recall float64) {
	correct := 0
	for _, c := range got {
		if j, ok := truth[c.I]; ok && j == c.J {
			correct++
		}
	}
	return float64(correct) / float64(len(got)), float64(correct) / float64(len(truth))
}

func BenchmarkMatch10000(b *testing.B) { benchmarkMatch(b, 0) }

// BenchmarkMatch10000Foreign: 30% of the names in other scripts.
func BenchmarkMatch10000Foreign(b *testing.B) { benchmarkMatch(b, 0.3) }

func benchmarkMatch(b *testing.B, foreign float64) {
	la, lb, truth := generate(42, 10000, foreign)
	var got []Candidate
	for b.Loop() {
		got = Match(la, lb)
	}
	p, r := score(got, truth)
	b.ReportMetric(p, "precision")
	b.ReportMetric(r, "recall")
}

// TestKeyForeignNames: Latin diacritics fold to the plain letters people
// type instead, other scripts to their usual romanization.
func TestKeyForeignNames(t *testing.T) {
	same := [][]string{
		{"Öztürk Ayşe", "Ozturk Ayse", "AYŞE ÖZTÜRK"},
		{"Müller", "Muller", "MÜLLER", "Mu\u0308ller"}, // the last decomposed, as macOS writes file names
		{"Łukasz Wiśniewski", "Lukasz Wisniewski"},
		{"Jiří Dvořák", "Jiri Dvorak"},
		{"Ştefan Brâncuşi", "Stefan Brancusi", "Ștefan Brâncuși"},
		{"Weiß", "Weiss"},
		{"Søren Ødegård", "Soren Odegard"},
		{"გიორგი ბერიძე", "Giorgi Beridze"},
		{"Γιώργος Παπαδόπουλος", "Giorgos Papadopoulos"},
		{"Ђорђе Јовановић", "Djordje Jovanovic", "Đorđe Jovanović"},
		{"Ўладзімір", "Uladzimir"},
		{"يوسف", "Ywsf"},
	}
	for _, group := range same {
		want := Key(group[0])
		for _, name := range group[1:] {
			if got := Key(name); got != want {
				t.Errorf("Key(%q) = %q, want %q (as %q)", name, got, want, group[0])
			}
		}
	}
	if k := Key("Müller"); k != "muler" {
		t.Errorf(`Key("Müller") = %q, want "muler"`, k)
	}
	a := []Person{{Name: "Öztürk Ayşe", Born: date(1990, 1, 1)}}
	b := []Person{{Transliteration: "Ozturk Ayse", Born: date(1990, 1, 1)}}
	if m := Match(a, b); len(m) != 1 || m[0].Score != 1 {
		t.Errorf("Match(Öztürk Ayşe, Ozturk Ayse) = %v, want one pair scoring 1", m)
	}
}

// TestKeyKeepsEveryLetter: every letter of Unicode folds to something,
// except the signs (and their presentation forms) that transliterations write as nothing (the soft and
// hard signs, hamza, alef and ayin in Hebrew).
func TestKeyKeepsEveryLetter(t *testing.T) {
	silent := map[rune]bool{'ь': true, 'ъ': true, 'Ь': true, 'Ъ': true, 'ء': true, 'א': true, 'ע': true}
	n := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		base, _ := utf8.DecodeRuneInString(norm.NFD.String(string(r)))
		if !unicode.IsLetter(r) || silent[r] || silent[unicode.ToLower(r)] || silent[base] {
			continue
		}
		n++
		if Key(string(r)) == "" {
			t.Errorf("Key(%q U+%04X) is empty", r, r)
		}
	}
	t.Logf("%d letters checked", n)
}
