package spreadsheet

import (
	"strconv"
	"time"
)

// Kind is what a cell holds.
type Kind uint8

const (
	Empty Kind = iota
	Text
	Number
	Date
	Bool
	Error // a formula's error value: #N/A, #REF!, #DIV/0!…
)

// Cell is one cell of a sheet.
type Cell struct {
	Kind   Kind
	Text   string    // Text: the text; Error: the error value as written (#N/A)
	Number float64   // Number
	Time   time.Time // Date, in UTC
	Bool   bool      // Bool
	// Formula says that the cell holds a formula; the fields above are
	// the result saved with it, and Kind is Empty when none was saved.
	Formula bool
}

// TextCell is a text cell.
func TextCell(s string) Cell { return Cell{Kind: Text, Text: s} }

// NumberCell is a number cell.
func NumberCell(f float64) Cell { return Cell{Kind: Number, Number: f} }

// DateCell is a date cell; the time of day is kept.
func DateCell(t time.Time) Cell { return Cell{Kind: Date, Time: t} }

// String is the cell's value as text: a number in decimal notation rounded
// to Excel's 15 significant digits, a date as YYYY-MM-DD (with the time of
// day when it has one), TRUE or FALSE, an error value as written, "" for an
// empty cell.
func (c Cell) String() string {
	switch c.Kind {
	case Text, Error:
		return c.Text
	case Number:
		return formatNumber(c.Number)
	case Date:
		if h, m, s := c.Time.Clock(); h == 0 && m == 0 && s == 0 && c.Time.Nanosecond() == 0 {
			return c.Time.Format(time.DateOnly)
		}
		return c.Time.Format(time.DateTime)
	case Bool:
		if c.Bool {
			return "TRUE"
		}
		return "FALSE"
	}
	return ""
}

// formatNumber writes f as Excel shows it in a General cell wide enough:
// 15 significant digits, no exponent.
func formatNumber(f float64) string {
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	if err != nil {
		r = f
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}
