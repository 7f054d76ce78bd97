package spreadsheet

import (
	"math"
	"strings"
	"time"
)

// Excel's date serials (ECMA-376 Part 1 §18.17.4.1): a date is a number
// of days, the fraction the time of day.
//
//   - 1900 system: serial 1 is 1900-01-01. Serial 60 is 1900-02-29, a day
//     that never was (Lotus 1-2-3's leap-year error, kept for
//     compatibility), so from serial 61 on the count starts at 1899-12-30.
//   - 1904 system: serial 0 is 1904-01-01.
//
// The last date either system holds is 9999-12-31.
var (
	epoch1900     = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
	epoch1900Late = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	epoch1904     = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	lastDate      = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
)

// serialTime is the time of a date serial, rounded to the second; false
// for a serial no date has (before the system's first day, 1900-02-29, or
// after 9999-12-31).
func serialTime(serial float64, date1904 bool) (time.Time, bool) {
	if math.IsNaN(serial) || math.IsInf(serial, 0) || serial < 0 || serial > 3e6 {
		return time.Time{}, false
	}
	days := math.Floor(serial)
	seconds := math.Round((serial - days) * 86400)
	var base time.Time
	switch {
	case date1904:
		base = epoch1904
	case days < 1, days == 60:
		return time.Time{}, false
	case days < 60:
		base = epoch1900
	default:
		base = epoch1900Late
	}
	t := base.AddDate(0, 0, int(days)).Add(time.Duration(seconds) * time.Second)
	if t.After(lastDate) {
		return time.Time{}, false
	}
	return t, true
}

// timeSerial is the serial of t in the 1900 system (t on or after
// 1900-03-01).
func timeSerial(t time.Time) float64 {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	days := math.Round(day.Sub(epoch1900Late).Hours() / 24)
	return days + t.Sub(day).Seconds()/86400
}

// builtinDateFormat says whether a built-in number format (ECMA-376 Part 1
// §18.8.30) shows a date or a time: 14–22 and 45–47 everywhere, 27–36 and
// 50–58 in the East Asian locales that define them.
func builtinDateFormat(id int) bool {
	return id >= 14 && id <= 22 || id >= 27 && id <= 36 || id >= 45 && id <= 47 || id >= 50 && id <= 58
}

// customDateFormat says whether a format code shows a date or a time: it
// has a d, m, y, h or s outside quoted literals, escaped characters, the
// width and fill directives (_x, *x) and bracketed sections such as
// colours and locales ([Red], [$-419]); the elapsed-time sections [h],
// [mm], [ss] count as times.
func customDateFormat(code string) bool {
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				return false
			}
			i += j + 1
		case '\\', '_', '*':
			i++
		case '[':
			j := strings.IndexByte(code[i+1:], ']')
			if j < 0 {
				return false
			}
			switch strings.ToLower(code[i+1 : i+1+j]) {
			case "h", "hh", "m", "mm", "s", "ss":
				return true
			}
			i += j + 1
		case 'd', 'D', 'm', 'M', 'y', 'Y', 'h', 'H', 's', 'S':
			return true
		}
	}
	return false
}
