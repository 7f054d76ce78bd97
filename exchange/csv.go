package exchange

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of a CSV list.
const (
	MaxRows       = 50_000 // persons of one list
	MaxFieldBytes = 500    // bytes of one field
)

// Columns are the CSV header's names, in any order. Name, born, status and
// captured are required in every row; the rest may be empty.
var Columns = []string{
	"name", "transliteration", "born", "status", "rank", "service_number",
	"capture_place", "captured", "next_of_kin",
}

// Rejection is one refused row of a CSV list: its row number in the file
// (the header is row 1), the column and why. The reason never quotes the
// value, which is personal data.
type Rejection struct {
	Row    int
	Field  string
	Reason string
}

func (r Rejection) String() string { return fmt.Sprintf("row %d, %s: %s", r.Row, r.Field, r.Reason) }

// ErrCSV prefixes the errors that refuse a whole file (broken encoding, a
// missing column, too many rows, malformed CSV).
var ErrCSV = errors.New("exchange: csv")

// ParseCSV reads a list of persons. It returns an error, and no persons, if
// the file as a whole is unreadable; otherwise it returns the persons of the
// accepted rows and a rejection for every refused row (a row may be refused
// for several fields). Dates are YYYY-MM-DD and may not be after today. A
// person whose name key and date of birth repeat an earlier row is a
// duplicate. The caller must store nothing if any row was rejected.
func ParseCSV(r io.Reader, today time.Time) ([]Person, []Rejection, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, fmt.Errorf("%w: the file is empty", ErrCSV)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrCSV, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !utf8.ValidString(h) {
			return nil, nil, fmt.Errorf("%w: row 1 is not valid UTF-8", ErrCSV)
		}
		col[h] = i
	}
	var missing []string
	for _, c := range Columns {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, nil, fmt.Errorf("%w: missing columns: %s", ErrCSV, strings.Join(missing, ", "))
	}
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	var persons []Person
	var rejected []Rejection
	firstRow := map[string]int{}
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %w", ErrCSV, err)
		}
		if row-1 > MaxRows {
			return nil, nil, fmt.Errorf("%w: more than %d persons", ErrCSV, MaxRows)
		}
		for _, f := range rec {
			if !utf8.ValidString(f) {
				return nil, nil, fmt.Errorf("%w: row %d is not valid UTF-8 (save the file as UTF-8)", ErrCSV, row)
			}
		}
		p, rej := parseRow(row, rec, col, today)
		if len(rej) == 0 {
			dup := p.key() + "|" + p.Born.Format(time.DateOnly)
			if first, ok := firstRow[dup]; ok {
				rej = append(rej, Rejection{row, "name", fmt.Sprintf("duplicate of row %d (same name and date of birth)", first)})
			} else {
				firstRow[dup] = row
			}
		}
		if len(rej) > 0 {
			rejected = append(rejected, rej...)
			continue
		}
		persons = append(persons, p)
	}
	return persons, rejected, nil
}

func parseRow(row int, rec []string, col map[string]int, today time.Time) (Person, []Rejection) {
	var rej []Rejection
	get := func(c string) string {
		i := col[c]
		if i >= len(rec) {
			return ""
		}
		v := strings.TrimSpace(rec[i])
		if len(v) > MaxFieldBytes {
			rej = append(rej, Rejection{row, c, fmt.Sprintf("longer than %d bytes", MaxFieldBytes)})
			return ""
		}
		return v
	}
	date := func(c string) time.Time {
		v := get(c)
		if v == "" {
			rej = append(rej, Rejection{row, c, "missing"})
			return time.Time{}
		}
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			rej = append(rej, Rejection{row, c, "not a date (YYYY-MM-DD)"})
			return time.Time{}
		}
		if d.After(today) {
			rej = append(rej, Rejection{row, c, "in the future"})
		}
		return d
	}
	p := Person{
		Name:            get("name"),
		Transliteration: get("transliteration"),
		Born:            date("born"),
		Status:          Status(strings.ToLower(get("status"))),
		Rank:            get("rank"),
		ServiceNumber:   get("service_number"),
		CapturePlace:    get("capture_place"),
		Captured:        date("captured"),
		NextOfKin:       get("next_of_kin"),
	}
	if p.Name == "" {
		rej = append(rej, Rejection{row, "name", "missing"})
	} else if p.key() == "" {
		rej = append(rej, Rejection{row, "name", "has no letters"})
	}
	switch p.Status {
	case Military:
	case Civilian:
		if p.Rank != "" || p.ServiceNumber != "" {
			rej = append(rej, Rejection{row, "status", "a civilian has no rank or service number"})
		}
	case "":
		rej = append(rej, Rejection{row, "status", "missing (military or civilian)"})
	default:
		rej = append(rej, Rejection{row, "status", "must be military or civilian"})
	}
	if !p.Born.IsZero() && !p.Captured.IsZero() && p.Captured.Before(p.Born) {
		rej = append(rej, Rejection{row, "captured", "before the date of birth"})
	}
	return p, rej
}
