package parley

import (
	"strings"
	"time"
	"unicode/utf8"
)

// checkName requires a non-blank, valid UTF-8 name of at most MaxNameLen
// characters without control characters.
func checkName(field, s string) error {
	if strings.TrimSpace(s) == "" {
		return Errorf(EINVALID, field, "%s is required", field)
	}
	if err := checkString(field, s, MaxNameLen); err != nil {
		return err
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return Errorf(EINVALID, field, "%s must not contain control characters", field)
		}
	}
	return nil
}

// checkText allows empty text; it must be valid UTF-8 of at most MaxTextLen
// characters.
func checkText(field, s string) error {
	return checkString(field, s, MaxTextLen)
}

func checkString(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return Errorf(EINVALID, field, "%s is not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return Errorf(EINVALID, field, "%s is %d characters long; the limit is %d", field, n, max)
	}
	return nil
}

// checkIDs requires positive, distinct ids.
func checkIDs(field string, ids []int64) error {
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if id <= 0 {
			return Errorf(EINVALID, field, "%s must hold positive ids", field)
		}
		if seen[id] {
			return Errorf(EINVALID, field, "%s lists id %d twice", field, id)
		}
		seen[id] = true
	}
	return nil
}

// parseDate parses a YYYY-MM-DD date, EINVALID naming field otherwise.
func parseDate(field, s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return d, Errorf(EINVALID, field, "%s is not a date (YYYY-MM-DD)", field)
	}
	return d, nil
}

// dayOf is the UTC midnight that starts t's day.
func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
