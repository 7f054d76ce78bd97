package exchange

import (
	"strings"
	"unicode"
)

// The columns of a list ([Columns] are the ones a file may carry under
// these names; the name parts stand in for "name" in files that split it).
const (
	colName            = "name"
	colTransliteration = "transliteration"
	colBorn            = "born"
	colStatus          = "status"
	colRank            = "rank"
	colServiceNumber   = "service_number"
	colCapturePlace    = "capture_place"
	colCaptured        = "captured"
	colNextOfKin       = "next_of_kin"
	colFamilyName      = "family_name"
	colGivenName       = "given_name"
	colPatronymic      = "patronymic"
)

// RequiredColumns must be in every list: a name (whole, or as a family or
// given name), the date of birth, the status and the date of capture.
var RequiredColumns = []string{colName, colBorn, colStatus, colCaptured}

// headerSynonyms are the headers each column goes by in English, Ukrainian
// and Russian lists, written as normalizeHeader leaves them.
var headerSynonyms = map[string][]string{
	colName: {"name", "full name", "fullname", "person", "original name", "name original", "name in original script",
		"піб", "п і б", "прізвище імя по батькові", "прізвище імя та по батькові", "повне імя",
		"фио", "ф и о", "фамилия имя отчество", "полное имя"},
	colFamilyName: {"family name", "surname", "last name", "lastname", "прізвище", "фамилия"},
	colGivenName:  {"given name", "first name", "firstname", "forename", "імя", "имя"},
	colPatronymic: {"patronymic", "middle name", "fathers name", "по батькові", "по батькови", "отчество"},
	colTransliteration: {"transliteration", "latin", "name latin", "name in latin", "latin name", "name in latin script",
		"transliterated name", "транслітерація", "латиницею", "піб латиницею", "імя латиницею",
		"транслитерация", "латиницей", "фио латиницей", "имя латиницей"},
	colBorn: {"born", "date of birth", "birth date", "birthdate", "dob", "d o b", "birthday",
		"дата народження", "д н", "дн", "народився", "дата рождения", "д р", "др", "родился"},
	colStatus: {"status", "category", "military or civilian", "military civilian",
		"статус", "категорія", "категория"},
	colRank: {"rank", "military rank", "звання", "військове звання", "звание", "воинское звание"},
	colServiceNumber: {"service number", "service no", "service num", "personal number", "military id", "id tag", "tag number",
		"особовий номер", "номер жетона", "жетон", "личный номер"},
	colCapturePlace: {"capture place", "place of capture", "captured at", "where captured", "location of capture",
		"місце полону", "місце захоплення", "місце потрапляння в полон", "место пленения", "место захвата"},
	colCaptured: {"captured", "date of capture", "capture date", "captured on", "date captured",
		"дата полону", "дата захоплення", "дата потрапляння в полон", "дата пленения", "дата захвата"},
	colNextOfKin: {"next of kin", "relatives", "relative", "family contact", "contact",
		"найближчі родичі", "родичі", "контакти родичів", "ближайшие родственники", "родственники", "контакты родственников"},
}

// headerColumn maps a normalized header to its column.
var headerColumn = func() map[string]string {
	m := map[string]string{}
	for col, names := range headerSynonyms {
		m[normalizeHeader(col)] = col
		for _, n := range names {
			if other, dup := m[n]; dup && other != col {
				panic("exchange: header " + n + " names two columns")
			}
			m[n] = col
		}
	}
	return m
}()

// normalizeHeader folds the ways a header is written: case, the
// apostrophe of Ukrainian імʼя in any of its forms, ё as е, underscores,
// hyphens, slashes and dots as spaces, and marks such as №, #, *, :,
// parentheses dropped.
func normalizeHeader(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		switch {
		case r == 'ё':
			b.WriteRune('е')
		case strings.ContainsRune("'’ʼ`´‘", r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteRune(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// statusSynonyms are the values a status cell may hold, normalized as
// headers are.
var statusSynonyms = map[string]Status{
	"military": Military, "mil": Military, "combatant": Military, "pow": Military, "prisoner of war": Military,
	"військовий": Military, "військова": Military, "військовослужбовець": Military, "військовополонений": Military,
	"военный": Military, "военная": Military, "военнослужащий": Military, "военнопленный": Military,
	"civilian": Civilian, "civ": Civilian, "цивільний": Civilian, "цивільна": Civilian, "мирний житель": Civilian,
	"цивільна особа": Civilian, "гражданский": Civilian, "гражданская": Civilian, "мирный житель": Civilian,
	"гражданское лицо": Civilian,
}
