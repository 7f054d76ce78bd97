package exchange

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/parley-talks/parley/spreadsheet"
)

// ErrList prefixes the errors of [ReadList] that refuse a whole file: an
// unreadable encoding or format, no header, a missing column, too many
// rows. None quotes a person's field; headers and sheet names may be
// quoted.
var ErrList = errors.New("exchange: list")

func listErr(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrList}, a...)...)
}

// maxHeaderRow is how far down the header may stand below title rows.
const maxHeaderRow = 10

// File formats of [List.Format].
const (
	FormatCSV  = "CSV"
	FormatXLSX = "XLSX"
)

// List is one side's list as [ReadList] read it: the persons of the
// accepted rows, a rejection for each refused row, and what was found out
// about the file, for the answer to say.
type List struct {
	Persons    []Person
	Rejections []Rejection // the caller stores nothing unless this is empty

	Format    string       // FormatCSV or FormatXLSX
	Encoding  string       // CSV: UTF8, UTF8BOM, UTF16LE, UTF16BE, Windows1251, KOI8U, KOI8R or Windows1252
	Delimiter rune         // CSV: ',', ';' or '\t'
	Sheet     string       // XLSX: the sheet read
	HeaderRow int          // the header's row: 1, or below title rows
	Columns   []ColumnRead // the headers read, in the file's order
	Ignored   []string     // headers that name no column, as written
}

// ColumnRead is one header of a file and the column it was read as.
type ColumnRead struct {
	Header string // as written
	Column string // one of [Columns], or family_name, given_name or patronymic
}

// ReadList reads a side's list from a file: an .xlsx workbook (the named
// sheet, or the only sheet holding cells when sheet is ""), or CSV text in
// any of the encodings of [decodeText] with a comma, semicolon or tab
// between fields. The header row is the first of the first ten non-blank
// rows that names at least two known columns; headers are matched by
// their English, Ukrainian and Russian names in any case and order, and
// only [RequiredColumns] are required. Dates are read by parseDate; a date
// or status that cannot be read without guessing rejects the row.
//
// It returns an error wrapping [ErrList], and no list, when the file as a
// whole cannot be read; otherwise the persons of the accepted rows and a
// rejection for every refused row (row numbers as a spreadsheet shows
// them). Blank rows are skipped. A person whose name key and date of
// birth repeat an earlier row is a duplicate. The caller must store
// nothing if any row was rejected.
func ReadList(data []byte, sheet string, today time.Time) (*List, error) {
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return nil, listErr("the file is empty")
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return nil, listErr("an Excel 97–2003 workbook (.xls) or another old Office file: save it as .xlsx or CSV")
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(data, sheet, today)
	}
	return readCSV(data, today)
}

// field is one cell of a row: its text, or why it cannot be read.
type field struct {
	text    string
	problem string
}

// listReader turns rows, pushed in order, into a List.
type listReader struct {
	today    time.Time
	list     *List
	col      map[string]int // column → index in the row; -1 when absent
	blank    int            // non-blank rows seen before the header
	rows     int            // data rows (non-blank, below the header)
	firstRow map[string]int // duplicate key → first row
}

func newListReader(today time.Time, l *List) *listReader {
	return &listReader{
		today:    time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC),
		list:     l,
		firstRow: map[string]int{},
	}
}

func blankRow(fields []field) bool {
	for _, f := range fields {
		if strings.TrimSpace(f.text) != "" || f.problem != "" {
			return false
		}
	}
	return true
}

// knownHeaders counts the cells of a row that name a column.
func knownHeaders(fields []field) int {
	n := 0
	for _, f := range fields {
		if _, ok := headerColumn[normalizeHeader(f.text)]; ok {
			n++
		}
	}
	return n
}

// row takes the next row of the file.
func (lr *listReader) row(n int, fields []field) error {
	if blankRow(fields) {
		return nil
	}
	if lr.col == nil {
		lr.blank++
		if knownHeaders(fields) >= 2 {
			return lr.header(n, fields)
		}
		if lr.blank >= maxHeaderRow {
			return listErr("no header row: none of the first %d rows names two known columns (such as name and born)", maxHeaderRow)
		}
		return nil
	}
	lr.rows++
	if lr.rows > MaxRows {
		return listErr("more than %d persons", MaxRows)
	}
	p, rej := lr.person(n, fields)
	if len(rej) == 0 {
		dup := p.key() + "|" + p.Born.Format(time.DateOnly)
		if first, ok := lr.firstRow[dup]; ok {
			rej = append(rej, Rejection{n, colName, fmt.Sprintf("duplicate of row %d (same name and date of birth)", first)})
		} else {
			lr.firstRow[dup] = n
		}
	}
	if len(rej) > 0 {
		lr.list.Rejections = append(lr.list.Rejections, rej...)
		return nil
	}
	lr.list.Persons = append(lr.list.Persons, p)
	return nil
}

// header reads the header row: which column each cell names.
func (lr *listReader) header(n int, fields []field) error {
	l := lr.list
	l.HeaderRow = n
	lr.col = map[string]int{}
	where := map[string]string{}
	for i, f := range fields {
		h := strings.TrimSpace(strings.TrimPrefix(f.text, "\ufeff"))
		if h == "" {
			continue
		}
		col, ok := headerColumn[normalizeHeader(h)]
		if !ok {
			l.Ignored = append(l.Ignored, h)
			continue
		}
		if prev, dup := where[col]; dup {
			return listErr("row %d: two columns are read as %s: %q and %q (keep one)", n, col, prev, h)
		}
		where[col] = h
		lr.col[col] = i
		l.Columns = append(l.Columns, ColumnRead{Header: h, Column: col})
	}
	if _, whole := lr.col[colName]; whole {
		// A whole name wins over its parts, which are then not read.
		for _, part := range []string{colFamilyName, colGivenName, colPatronymic} {
			if _, ok := lr.col[part]; ok {
				delete(lr.col, part)
				l.Ignored = append(l.Ignored, where[part])
			}
		}
	}
	var missing []string
	for _, c := range RequiredColumns {
		if _, ok := lr.col[c]; ok {
			continue
		}
		if c == colName && (hasKey(lr.col, colFamilyName) || hasKey(lr.col, colGivenName)) {
			continue
		}
		missing = append(missing, c)
	}
	if len(missing) > 0 {
		return listErr("row %d: missing columns: %s", n, strings.Join(missing, ", "))
	}
	return nil
}

func hasKey(m map[string]int, k string) bool { _, ok := m[k]; return ok }

// finish ends the file.
func (lr *listReader) finish() (*List, error) {
	if lr.col == nil {
		return nil, listErr("no header row: no row names two known columns (such as name and born)")
	}
	if lr.rows == 0 {
		return nil, listErr("no persons below the header (row %d)", lr.list.HeaderRow)
	}
	return lr.list, nil
}

// person reads one data row.
func (lr *listReader) person(row int, fields []field) (Person, []Rejection) {
	var rej []Rejection
	get := func(c string) string {
		i, ok := lr.col[c]
		if !ok || i >= len(fields) {
			return ""
		}
		f := fields[i]
		if f.problem != "" {
			rej = append(rej, Rejection{row, c, f.problem})
			return ""
		}
		v := strings.TrimSpace(f.text)
		if len(v) > MaxFieldBytes {
			rej = append(rej, Rejection{row, c, fmt.Sprintf("longer than %d bytes", MaxFieldBytes)})
			return ""
		}
		// Names are keys and stay on one line; other fields may break lines
		// as a spreadsheet cell does.
		v = strings.ReplaceAll(v, "\r\n", "\n")
		oneLine := c == colName || c == colTransliteration || c == colFamilyName || c == colGivenName || c == colPatronymic
		if strings.ContainsFunc(v, func(r rune) bool { return unicode.IsControl(r) && (oneLine || r != '\n' && r != '\t') }) {
			rej = append(rej, Rejection{row, c, "holds control characters"})
			return ""
		}
		return v
	}
	date := func(c string) time.Time {
		v := get(c)
		if v == "" {
			if !slices.ContainsFunc(rej, func(r Rejection) bool { return r.Field == c }) {
				rej = append(rej, Rejection{row, c, "missing"})
			}
			return time.Time{}
		}
		d, reason := parseDate(v)
		if reason != "" {
			rej = append(rej, Rejection{row, c, reason})
			return time.Time{}
		}
		if d.After(lr.today) {
			rej = append(rej, Rejection{row, c, "in the future"})
		}
		return d
	}
	p := Person{Name: get(colName)}
	if _, whole := lr.col[colName]; !whole {
		var parts []string
		for _, c := range []string{colFamilyName, colGivenName, colPatronymic} {
			if v := get(c); v != "" {
				parts = append(parts, v)
			}
		}
		p.Name = strings.Join(parts, " ")
		if len(p.Name) > MaxFieldBytes {
			rej = append(rej, Rejection{row, colName, fmt.Sprintf("longer than %d bytes", MaxFieldBytes)})
			p.Name = ""
		}
	}
	p.Transliteration = get(colTransliteration)
	p.Born = date(colBorn)
	status := get(colStatus)
	p.Rank = get(colRank)
	p.ServiceNumber = get(colServiceNumber)
	p.CapturePlace = get(colCapturePlace)
	p.Captured = date(colCaptured)
	p.NextOfKin = get(colNextOfKin)
	if p.Name == "" {
		if !slices.ContainsFunc(rej, func(r Rejection) bool { return r.Field == colName }) {
			rej = append(rej, Rejection{row, colName, "missing"})
		}
	} else if p.key() == "" {
		rej = append(rej, Rejection{row, colName, "has no letters"})
	}
	s, ok := statusSynonyms[strings.ToLower(status)]
	if !ok {
		s, ok = statusSynonyms[normalizeHeader(status)]
	}
	switch {
	case status == "":
		if !slices.ContainsFunc(rej, func(r Rejection) bool { return r.Field == colStatus }) {
			rej = append(rej, Rejection{row, colStatus, "missing (military or civilian)"})
		}
	case !ok:
		rej = append(rej, Rejection{row, colStatus, "must be military or civilian"})
	default:
		p.Status = s
		if s == Civilian && (p.Rank != "" || p.ServiceNumber != "") {
			rej = append(rej, Rejection{row, colStatus, "a civilian has no rank or service number"})
		}
	}
	if !p.Born.IsZero() && !p.Captured.IsZero() && p.Captured.Before(p.Born) {
		rej = append(rej, Rejection{row, colCaptured, "before the date of birth"})
	}
	slices.SortStableFunc(rej, func(a, b Rejection) int { return columnOrder(a.Field) - columnOrder(b.Field) })
	return p, rej
}

// columnOrder orders a row's rejections as the columns of [Columns].
func columnOrder(c string) int {
	if i := slices.Index(Columns, c); i >= 0 {
		return i
	}
	return len(Columns)
}

// readCSV reads a text list: decode, find the delimiter, read the rows.
func readCSV(data []byte, today time.Time) (*List, error) {
	text, enc, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	l := &List{Format: FormatCSV, Encoding: enc}
	// Excel reads and writes a first line "sep=;" naming the delimiter;
	// it is no row of the sheet.
	if line, rest, _ := strings.Cut(text, "\n"); strings.HasPrefix(line, "sep=") && utf8.RuneCountInString(strings.TrimSpace(line)) == 5 {
		l.Delimiter, _ = utf8.DecodeRuneInString(line[4:])
		text = rest
	} else {
		l.Delimiter = detectDelimiter(text)
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = l.Delimiter
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	lr := newListReader(today, l)
	var fields []field
	// A spreadsheet shows a blank line as a row, and a field with line
	// breaks within one row; encoding/csv skips blank lines, so rows are
	// counted from the lines each record starts and ends on.
	row, line, offset := 0, 1, int64(0)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var perr *csv.ParseError
			if errors.As(err, &perr) {
				return nil, listErr("row %d (line %d) is not well-formed CSV: %v", row+1+max(perr.StartLine-line, 0), perr.Line, perr.Err)
			}
			return nil, listErr("%v", err)
		}
		start, _ := cr.FieldPos(0)
		row += 1 + start - line
		end := cr.InputOffset()
		line += strings.Count(text[offset:end], "\n")
		offset = end
		fields = fields[:0]
		for _, f := range rec {
			fields = append(fields, field{text: spreadsheet.ReadCSVField(f)})
		}
		if err := lr.row(row, fields); err != nil {
			return nil, err
		}
	}
	return lr.finish()
}

// detectDelimiter picks the delimiter whose reading of the first rows
// yields a header naming the most known columns (ties: comma, then
// semicolon, then tab).
func detectDelimiter(text string) rune {
	best, bestScore := ',', -1
	for _, d := range []rune{',', ';', '\t'} {
		cr := csv.NewReader(strings.NewReader(text))
		cr.Comma = d
		cr.FieldsPerRecord = -1
		score := 0
		for range maxHeaderRow {
			rec, err := cr.Read()
			if err != nil {
				break
			}
			fields := make([]field, len(rec))
			for i, f := range rec {
				fields[i] = field{text: f}
			}
			if k := knownHeaders(fields); k >= 2 {
				score = k
				break
			}
		}
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	return best
}

// errSheetHasData stops a scan at a sheet's first cell.
var errSheetHasData = errors.New("sheet has data")

// readXLSX reads a list from a workbook.
func readXLSX(data []byte, sheet string, today time.Time) (*List, error) {
	if zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
		for _, f := range zr.File {
			if f.Name == "mimetype" {
				return nil, listErr("an OpenDocument file (.ods): save it as .xlsx or CSV")
			}
		}
	}
	wb, err := spreadsheet.OpenXLSX(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, listErr("%s", strings.TrimPrefix(err.Error(), "spreadsheet: xlsx: "))
	}
	if sheet == "" {
		var withData []string
		for _, s := range wb.Sheets {
			err := wb.Scan(s.Name, func(int, []spreadsheet.Cell) error { return errSheetHasData })
			if errors.Is(err, errSheetHasData) {
				name := fmt.Sprintf("%q", s.Name)
				if s.Hidden {
					name += " (hidden)"
				}
				withData = append(withData, name)
				sheet = s.Name
			} else if err != nil {
				return nil, listErr("%s", strings.TrimPrefix(err.Error(), "spreadsheet: xlsx: "))
			}
		}
		switch len(withData) {
		case 0:
			return nil, listErr("every sheet of the workbook is empty")
		case 1:
		default:
			return nil, listErr("the workbook has %d sheets with data (%s): choose the sheet to import", len(withData), strings.Join(withData, ", "))
		}
	} else if !slices.ContainsFunc(wb.Sheets, func(s spreadsheet.SheetInfo) bool { return strings.EqualFold(s.Name, sheet) }) {
		return nil, listErr("the workbook has no sheet named %q", sheet)
	}
	l := &List{Format: FormatXLSX, Sheet: sheet}
	lr := newListReader(today, l)
	var fields []field
	err = wb.Scan(sheet, func(row int, cells []spreadsheet.Cell) error {
		fields = fields[:0]
		for _, c := range cells {
			fields = append(fields, cellField(c))
		}
		return lr.row(row, fields)
	})
	if errors.Is(err, spreadsheet.ErrXLSX) {
		return nil, listErr("%s", strings.TrimPrefix(err.Error(), "spreadsheet: xlsx: "))
	}
	if err != nil {
		return nil, err
	}
	return lr.finish()
}

// cellField reads a workbook cell as a field: dates as YYYY-MM-DD (the
// day; a time of day is dropped), numbers as Excel shows them, and a
// formula without a saved result or with an error refused.
func cellField(c spreadsheet.Cell) field {
	switch {
	case c.Kind == spreadsheet.Error:
		if slices.Contains(formulaErrors, c.Text) {
			return field{problem: fmt.Sprintf("a formula error (%s)", c.Text)}
		}
		return field{problem: "a formula error"}
	case c.Kind == spreadsheet.Empty && c.Formula:
		return field{problem: "a formula with no saved result (open and save the file in a spreadsheet program, or paste the values)"}
	case c.Kind == spreadsheet.Date:
		return field{text: c.Time.Format(time.DateOnly)}
	}
	return field{text: c.String()}
}

// formulaErrors are the error values a spreadsheet writes; only these are
// quoted in a rejection (a cell could hold other text in their place).
var formulaErrors = []string{"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
	"#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#EXTERNAL!"}
