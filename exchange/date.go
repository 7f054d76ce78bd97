package exchange

import (
	"strconv"
	"strings"
	"time"
)

// Why a date field is refused ([Rejection.Reason]).
const (
	reasonNotDate   = "not a date (YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY)"
	reasonAmbiguous = "ambiguous: the day and the month could be either way round (write YYYY-MM-DD or DD.MM.YYYY)"
	reasonShortYear = "the year has two digits (write all four)"
	reasonNoSuchDay = "no such day"
	reasonNumber    = "a number, not a date (format the cell as a date, or write YYYY-MM-DD)"
)

// parseDate reads a date in the forms the sides write:
//
//   - ISO 8601, YYYY-MM-DD;
//   - DD.MM.YYYY, the day first, as Ukrainian, Russian and most European
//     lists write it, optionally followed by "р." or "г." (рік, год);
//   - DD/MM/YYYY or MM/DD/YYYY: a slash date whose first number is above
//     12 is day first, whose second is is month first; when both are 12 or
//     below and differ, the date is ambiguous and refused, never guessed;
//
// each optionally followed by a time of day (" 00:00", " 14:30:00"), as
// spreadsheets add when they save dates as text; the time is dropped. It
// returns the date at UTC midnight, or the reason it refuses the value.
func parseDate(s string) (time.Time, string) {
	s = strings.TrimSpace(s)
	for _, suffix := range []string{"р.", "г.", "р", "г"} {
		if strings.HasSuffix(s, suffix) {
			s = strings.TrimSpace(strings.TrimSuffix(s, suffix))
			break
		}
	}
	if i := strings.IndexAny(s, " T"); i > 0 {
		if !clockTime(strings.TrimSpace(s[i+1:])) {
			return time.Time{}, reasonNotDate
		}
		s = s[:i]
	}
	var parts []string
	var sep byte
	for _, c := range []byte{'-', '.', '/'} {
		if p := strings.Split(s, string(c)); len(p) == 3 {
			parts, sep = p, c
			break
		}
	}
	if parts == nil {
		if isDigits(s) && len(s) <= 6 {
			return time.Time{}, reasonNumber
		}
		return time.Time{}, reasonNotDate
	}
	var n [3]int
	for i, p := range parts {
		if !isDigits(p) || len(p) > 4 {
			return time.Time{}, reasonNotDate
		}
		n[i], _ = strconv.Atoi(p)
	}
	var y, m, d int
	switch sep {
	case '-':
		if len(parts[0]) != 4 {
			if len(parts[2]) == 4 {
				return time.Time{}, reasonNotDate // DD-MM-YYYY is no form anyone agrees on
			}
			return time.Time{}, reasonShortYear
		}
		if len(parts[1]) > 2 || len(parts[2]) > 2 {
			return time.Time{}, reasonNotDate
		}
		y, m, d = n[0], n[1], n[2]
	default:
		if len(parts[0]) > 2 || len(parts[1]) > 2 {
			return time.Time{}, reasonNotDate
		}
		if len(parts[2]) != 4 {
			return time.Time{}, reasonShortYear
		}
		y, d, m = n[2], n[0], n[1]
		if sep == '/' {
			switch {
			case n[0] > 12:
			case n[1] > 12:
				d, m = n[1], n[0]
			case n[0] != n[1]:
				return time.Time{}, reasonAmbiguous
			}
		}
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1 || m < 1 || m > 12 || t.Day() != d || int(t.Month()) != m {
		return time.Time{}, reasonNoSuchDay
	}
	return t, ""
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// clockTime says whether s is a time of day, H:MM or H:MM:SS.
func clockTime(s string) bool {
	p := strings.Split(s, ":")
	if len(p) < 2 || len(p) > 3 {
		return false
	}
	for i, f := range p {
		n, err := strconv.Atoi(f)
		if !isDigits(f) || err != nil || len(f) > 2 || i > 0 && len(f) != 2 || i == 0 && n > 23 || i > 0 && n > 59 {
			return false
		}
	}
	return true
}
