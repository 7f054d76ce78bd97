package exchange

import (
	"math/rand/v2"
	"strings"
	"time"
)

// Generated lists with known truth, for the precision/recall test and the
// benchmark. Side A writes names in Ukrainian Cyrillic; side B writes the
// same persons in one of three Latin transliterations, sometimes family name
// first, with typing errors and the odd mistyped date of birth.

var (
	givenNames = strings.Fields(`Олександр Андрій Богдан Василь Віталій Володимир Дмитро Євген Іван Ігор Юрій Михайло
		Микола Олег Павло Петро Роман Сергій Тарас Ярослав Степан Григорій Максим Артем Денис Олексій Віктор
		Геннадій Костянтин Леонід Анатолій Валерій Іллі Назар Остап Зіновій Федір Харитон Яким Щасний`)
	patronymics = strings.Fields(`Олександрович Андрійович Богданович Васильович Вікторович Володимирович Дмитрович
		Іванович Ігорович Юрійович Михайлович Миколайович Олегович Павлович Петрович Романович Сергійович
		Тарасович Ярославович Степанович Григорович Федорович`)
	familyNames = strings.Fields(`Шевченко Коваленко Бондаренко Ткаченко Кравченко Олійник Шевчук Поліщук Мельник
		Бойко Ковальчук Лисенко Гончаренко Руденко Савченко Марченко Мороз Петренко Павленко Кузьменко
		Щербак Хоменко Захарченко Гнатюк Яковенко Юрченко Ющенко Жук Зайченко Чорновол Цибуля Гайдай
		Єременко Їжак Іваненко Гриценко Дорошенко Федоренко Левченко Мацюк Костюк Собко Приходько Тимошенко
		Вовк Карпенко Остапчук Никитюк Головко Панченко`)
)

// schemes are three transliterations of Ukrainian, written here
// independently of Key: the national one of 2010, a Russian-influenced one
// (г → g, и → i) and a scholarly one with háčeks.
var schemes = []map[rune]string{
	{'а': "a", 'б': "b", 'в': "v", 'г': "h", 'ґ': "g", 'д': "d", 'е': "e", 'є': "ie", 'ж': "zh", 'з': "z",
		'и': "y", 'і': "i", 'ї': "i", 'й': "i", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p",
		'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh",
		'щ': "shch", 'ь': "", 'ю': "iu", 'я': "ia"},
	{'а': "a", 'б': "b", 'в': "v", 'г': "g", 'ґ': "g", 'д': "d", 'е': "e", 'є': "ye", 'ж': "zh", 'з': "z",
		'и': "i", 'і': "i", 'ї': "yi", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p",
		'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh",
		'щ': "shch", 'ь': "", 'ю': "yu", 'я': "ya"},
	{'а': "a", 'б': "b", 'в': "v", 'г': "h", 'ґ': "g", 'д': "d", 'е': "e", 'є': "je", 'ж': "ž", 'з': "z",
		'и': "y", 'і': "i", 'ї': "ji", 'й': "j", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p",
		'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "c", 'ч': "č", 'ш': "š",
		'щ': "šč", 'ь': "", 'ю': "ju", 'я': "ja"},
}

func transliterate(s string, scheme map[rune]string) string {
	var b strings.Builder
	upper := true
	for _, r := range strings.ToLower(s) {
		if r == ' ' {
			b.WriteRune(r)
			upper = true
			continue
		}
		t, ok := scheme[r]
		if !ok {
			t = string(r)
		}
		if upper && t != "" {
			r := []rune(t)
			t = strings.ToUpper(string(r[0])) + string(r[1:])
			upper = false
		}
		b.WriteString(t)
	}
	return b.String()
}

// typo makes one typing error in s: a substitution, deletion, insertion or
// transposition of adjacent letters, never in the first letter.
func typo(rng *rand.Rand, s string) string {
	r := []rune(s)
	if len(r) < 4 {
		return s
	}
	i := 1 + rng.IntN(len(r)-2)
	letter := rune('a' + rng.IntN(26))
	switch rng.IntN(4) {
	case 0:
		r[i] = letter
	case 1:
		r = append(r[:i], r[i+1:]...)
	case 2:
		r = append(r[:i], append([]rune{letter}, r[i:]...)...)
	default:
		r[i], r[i+1] = r[i+1], r[i]
	}
	return string(r)
}

// foreignNames are names of other peoples a list may hold (foreign
// fighters, civilians of other states): the name as its own side writes it,
// then the Latin spellings the other side may use, written here by hand
// (German ü as u or ue, Arabic names in two common romanizations…).
var foreignNames = []struct {
	given, family [][]string
	withLatin     bool // side A adds the first Latin spelling as the transliteration
}{
	{ // Latin letters with diacritics
		given: [][]string{{"Jürgen", "Juergen", "Jurgen"}, {"Zoë", "Zoe"}, {"François", "Francois"}, {"José", "Jose"},
			{"Ángel", "Angel"}, {"Łukasz", "Lukasz"}, {"Jiří", "Jiri"}, {"Tomáš", "Tomas"}, {"Ayşe", "Ayse"},
			{"Çağrı", "Cagri"}, {"Gökhan", "Gokhan"}, {"Ömer", "Omer"}, {"Søren", "Soren", "Soeren"},
			{"Björn", "Bjorn", "Bjoern"}, {"Ştefan", "Stefan"}, {"István", "Istvan"}, {"Zoltán", "Zoltan"},
			{"Raphaël", "Raphael"}, {"Małgorzata", "Malgorzata"}, {"Dóra", "Dora"}},
		family: [][]string{{"Müller", "Mueller", "Muller"}, {"Öztürk", "Ozturk"}, {"Çelik", "Celik"}, {"Yılmaz", "Yilmaz"},
			{"Şahin", "Sahin"}, {"Doğan", "Dogan"}, {"Lefèvre", "Lefevre"}, {"Núñez", "Nunez"},
			{"Wiśniewski", "Wisniewski"}, {"Wójcik", "Wojcik"}, {"Dvořák", "Dvorak"}, {"Černý", "Cerny"},
			{"Kovács", "Kovacs"}, {"Schröder", "Schroeder", "Schroder"}, {"Weiß", "Weiss"}, {"Ødegård", "Odegard"},
			{"Brâncuși", "Brancusi"}, {"Łęcki", "Lecki"}, {"García", "Garcia"}, {"Håkansson", "Hakansson"}},
	},
	{ // Georgian
		given: [][]string{{"გიორგი", "Giorgi"}, {"ნიკოლოზ", "Nikoloz"}, {"დავით", "Davit", "David"}, {"ლევან", "Levan"},
			{"ირაკლი", "Irakli"}, {"თამარ", "Tamar"}, {"ზურაბ", "Zurab"}, {"ნინო", "Nino"}},
		family: [][]string{{"ბერიძე", "Beridze"}, {"კაპანაძე", "Kapanadze"}, {"გელაშვილი", "Gelashvili"},
			{"მამარდაშვილი", "Mamardashvili"}, {"ჯაფარიძე", "Japaridze", "Dzhaparidze"}, {"ხუციშვილი", "Khutsishvili"},
			{"წერეთელი", "Tsereteli"}, {"ლომიძე", "Lomidze"}},
	},
	{ // Greek
		given: [][]string{{"Γιώργος", "Giorgos", "Yiorgos"}, {"Νίκος", "Nikos"}, {"Δημήτρης", "Dimitris"},
			{"Κωνσταντίνος", "Konstantinos"}, {"Αθανάσιος", "Athanasios"}, {"Ελένη", "Eleni"}},
		family: [][]string{{"Παπαδόπουλος", "Papadopoulos"}, {"Οικονόμου", "Oikonomou", "Ikonomou"},
			{"Χατζηδάκης", "Chatzidakis", "Hatzidakis"}, {"Γεωργίου", "Georgiou"}, {"Βλάχος", "Vlachos"},
			{"Αντωνίου", "Antoniou"}},
	},
	{ // Arabic, with a transliteration from side A
		given: [][]string{{"محمد", "Muhammad", "Mohammed"}, {"أحمد", "Ahmad", "Ahmed"}, {"يوسف", "Yusuf", "Youssef"},
			{"حسن", "Hassan", "Hasan"}, {"عبدالله", "Abdullah", "Abdallah"}, {"خالد", "Khalid", "Khaled"},
			{"عمر", "Omar", "Umar"}, {"محمود", "Mahmoud", "Mahmud"}, {"مصطفى", "Mustafa", "Moustafa"},
			{"إبراهيم", "Ibrahim", "Ebrahim"}},
		family: [][]string{{"الحسيني", "Al-Husseini", "Al Husaini"}, {"العلي", "Al-Ali", "Alali"}, {"حداد", "Haddad", "Hadad"},
			{"الخطيب", "Al-Khatib", "Al Khatib"}, {"منصور", "Mansour", "Mansur"}, {"سليمان", "Suleiman", "Sulaiman"},
			{"القاسم", "Al-Qasim", "Al Kasim"}, {"الشامي", "Al-Shami", "Al Shamy"}},
		withLatin: true,
	},
}

// generate makes list A of n persons and list B holding 80% of them (in
// shuffled order, transliterated, 30% with one or two typos, 2% with a
// mistyped day of birth in the right month) plus n/5 persons of its own.
// A share foreign of the persons bear names of foreignNames, which side A
// writes in their own script and side B in Latin letters. truth maps an
// index of A to its index in B.
func generate(seed uint64, n int, foreign float64) (a, b []Person, truth map[int]int) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	// latin are the Latin spellings side B writes for each person of A,
	// given the random source (extra: one of B's own persons).
	var latin []func(extra bool) string
	person := func() (Person, func(bool) string) {
		born := time.Date(1965, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(40*365))
		p := Person{Born: born, Status: Military, Captured: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)}
		if foreign > 0 && rng.Float64() < foreign {
			group := foreignNames[rng.IntN(len(foreignNames))]
			given, family := group.given[rng.IntN(len(group.given))], group.family[rng.IntN(len(group.family))]
			p.Name = given[0] + " " + family[0]
			if group.withLatin {
				p.Transliteration = given[1] + " " + family[1]
			}
			return p, func(bool) string {
				return given[1+rng.IntN(len(given)-1)] + " " + family[1+rng.IntN(len(family)-1)]
			}
		}
		p.Name = givenNames[rng.IntN(len(givenNames))] + " " + patronymics[rng.IntN(len(patronymics))] + " " +
			familyNames[rng.IntN(len(familyNames))]
		return p, func(extra bool) string {
			if extra {
				return transliterate(p.Name, schemes[0])
			}
			return transliterate(p.Name, schemes[rng.IntN(len(schemes))])
		}
	}
	for range n {
		p, l := person()
		a = append(a, p)
		latin = append(latin, l)
	}
	type entry struct {
		p    Person
		from int
	}
	var bs []entry
	for i, p := range a {
		if rng.IntN(10) >= 8 {
			continue
		}
		name := latin[i](false)
		if rng.IntN(2) == 0 { // the family name first
			f := strings.Fields(name)
			name = strings.Join(append(f[len(f)-1:], f[:len(f)-1]...), " ")
		}
		if rng.IntN(10) < 3 {
			name = typo(rng, name)
			if rng.IntN(3) == 0 {
				name = typo(rng, name)
			}
		}
		q := Person{Transliteration: name, Born: p.Born, Status: p.Status, Captured: p.Captured}
		if rng.IntN(50) == 0 { // a mistyped day of the same month
			q.Born = time.Date(q.Born.Year(), q.Born.Month(), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		}
		bs = append(bs, entry{q, i})
	}
	for range n / 5 {
		p, l := person()
		bs = append(bs, entry{Person{Transliteration: l(true), Born: p.Born, Status: p.Status}, -1})
	}
	rng.Shuffle(len(bs), func(i, j int) { bs[i], bs[j] = bs[j], bs[i] })
	truth = map[int]int{}
	for j, e := range bs {
		b = append(b, e.p)
		if e.from >= 0 {
			truth[e.from] = j
		}
	}
	return a, b, truth
}
