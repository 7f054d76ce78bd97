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

// generate makes list A of n persons and list B holding 80% of them (in
// shuffled order, transliterated, 30% with one or two typos, 2% with a
// mistyped day of birth in the right month) plus n/5 persons of its own. truth maps an index
// of A to its index in B.
func generate(seed uint64, n int) (a, b []Person, truth map[int]int) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	person := func() Person {
		name := givenNames[rng.IntN(len(givenNames))] + " " + patronymics[rng.IntN(len(patronymics))] + " " +
			familyNames[rng.IntN(len(familyNames))]
		born := time.Date(1965, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(40*365))
		return Person{Name: name, Born: born, Status: Military, Captured: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)}
	}
	for range n {
		a = append(a, person())
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
		name := transliterate(p.Name, schemes[rng.IntN(len(schemes))])
		if rng.IntN(2) == 0 {
			f := strings.Fields(name)
			name = f[2] + " " + f[0] + " " + f[1]
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
		p := person()
		bs = append(bs, entry{Person{Transliteration: transliterate(p.Name, schemes[0]), Born: p.Born, Status: p.Status}, -1})
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
