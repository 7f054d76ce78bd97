package spreadsheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"time"
)

// Limits of a workbook read.
const (
	MaxPartBytes = 256 << 20 // uncompressed bytes of one part of the zip (a sheet, the shared strings…)
	MaxRows      = 1 << 20   // rows of a sheet: Excel's grid, 1,048,576
	MaxColumns   = 1 << 14   // columns of a sheet: Excel's grid, A to XFD
)

// ErrXLSX prefixes every error that refuses a workbook.
var ErrXLSX = errors.New("spreadsheet: xlsx")

func xlsxErr(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrXLSX}, a...)...)
}

// SheetInfo names a sheet of a workbook.
type SheetInfo struct {
	Name   string
	Hidden bool // hidden or very hidden: not shown in the program's tabs
	path   string
}

// Workbook is an opened .xlsx file: its sheets, shared strings and the
// styles that mark dates. Its sheets are read by [Workbook.Scan].
type Workbook struct {
	Sheets []SheetInfo

	files     map[string]*zip.File
	strings   []string
	dateStyle []bool // per cell style (cellXfs index): its number format is a date
	date1904  bool
}

// OpenXLSX reads the workbook in r (size bytes): its sheet list, shared
// strings and styles. A file that is not a zip, or lacks a workbook part,
// is refused with an error wrapping [ErrXLSX].
func OpenXLSX(r io.ReaderAt, size int64) (*Workbook, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, xlsxErr("not an .xlsx file (it is not a zip archive)")
	}
	w := &Workbook{files: map[string]*zip.File{}}
	for _, f := range zr.File {
		w.files[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	main := "xl/workbook.xml"
	if rels, err := w.relationships("_rels/.rels", ""); err == nil {
		for _, r := range rels {
			if strings.HasSuffix(r.kind, "/officeDocument") {
				main = r.target
			}
		}
	} else if !errors.Is(err, errNoPart) {
		return nil, err
	}
	if w.files[strings.ToLower(main)] == nil {
		if w.files["xl/workbook.xml"] == nil {
			return nil, xlsxErr("no workbook inside (is it a Word or PowerPoint file, or an .xls saved under another name?)")
		}
		main = "xl/workbook.xml"
	}
	rels, err := w.relationships(path.Join(path.Dir(main), "_rels", path.Base(main)+".rels"), path.Dir(main))
	if err != nil && !errors.Is(err, errNoPart) {
		return nil, err
	}
	byID := map[string]relationship{}
	for _, r := range rels {
		byID[r.id] = r
		switch {
		case strings.HasSuffix(r.kind, "/sharedStrings"):
			if w.strings, err = w.readSharedStrings(r.target); err != nil {
				return nil, err
			}
		case strings.HasSuffix(r.kind, "/styles"):
			if w.dateStyle, err = w.readStyles(r.target); err != nil {
				return nil, err
			}
		}
	}
	if err := w.readWorkbook(main, byID); err != nil {
		return nil, err
	}
	return w, nil
}

var errNoPart = errors.New("no such part")

// open opens a part of the zip through the [MaxPartBytes] limit.
func (w *Workbook) open(name string) (io.ReadCloser, error) {
	f := w.files[strings.ToLower(strings.TrimPrefix(name, "/"))]
	if f == nil {
		return nil, errNoPart
	}
	rc, err := f.Open()
	if err != nil {
		return nil, xlsxErr("part %s: %v", name, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{&limitedPart{r: rc, left: MaxPartBytes, name: name}, rc}, nil
}

// limitedPart fails a read past the limit, rather than ending the part
// early as io.LimitReader would.
type limitedPart struct {
	r    io.Reader
	left int64
	name string
}

func (l *limitedPart) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		if n, err := l.r.Read(one[:]); n == 0 && err == io.EOF {
			return 0, io.EOF
		}
		return 0, xlsxErr("part %s is larger than %d bytes uncompressed", l.name, int64(MaxPartBytes))
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if err != nil && err != io.EOF {
		err = xlsxErr("part %s: %v", l.name, err)
	}
	return n, err
}

// decoder reads a part's XML; a syntax error names the part.
type decoder struct {
	*xml.Decoder
	part  string
	open  []xml.Name // the elements open, outermost first
	ended bool       // the root element closed
}

func newDecoder(r io.Reader, part string) *decoder {
	d := xml.NewDecoder(r)
	d.Strict = true
	return &decoder{Decoder: d, part: part}
}

// token reads the next token without translating namespaces (elements
// are matched by local name): RawToken, much cheaper than Token, with
// the nesting checked here — every end tag closes the element open, one
// root, nothing open at the end.
func (d *decoder) token() (xml.Token, error) {
	t, err := d.RawToken()
	bad := func() (xml.Token, error) { return nil, xlsxErr("part %s is not well-formed XML", d.part) }
	switch {
	case err == io.EOF:
		if len(d.open) > 0 || !d.ended {
			return bad()
		}
		return nil, io.EOF
	case err != nil:
		if errors.Is(err, ErrXLSX) {
			return nil, err
		}
		return bad()
	}
	switch e := t.(type) {
	case xml.StartElement:
		if d.ended {
			return bad()
		}
		d.open = append(d.open, e.Name)
	case xml.EndElement:
		if len(d.open) == 0 || d.open[len(d.open)-1] != e.Name {
			return bad()
		}
		d.open = d.open[:len(d.open)-1]
		d.ended = len(d.open) == 0
	}
	return t, nil
}

// walk calls fn with every token to the end of the part.
func (d *decoder) walk(fn func(xml.Token) error) error {
	for {
		t, err := d.token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(t); err != nil {
			return err
		}
	}
}

// text reads the character data up to the end of the element just opened.
func (d *decoder) text() (string, error) {
	var b strings.Builder
	depth := 1
	for depth > 0 {
		t, err := d.token()
		if err == io.EOF {
			return "", xlsxErr("part %s ends inside an element", d.part)
		}
		if err != nil {
			return "", err
		}
		switch t := t.(type) {
		case xml.CharData:
			if depth == 1 {
				b.Write(t)
			}
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return b.String(), nil
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

type relationship struct{ id, kind, target string }

// relationships reads a .rels part; targets are resolved against base.
func (w *Workbook) relationships(name, base string) ([]relationship, error) {
	rc, err := w.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var out []relationship
	err = newDecoder(rc, name).walk(func(t xml.Token) error {
		if e, ok := t.(xml.StartElement); ok && e.Name.Local == "Relationship" && attr(e, "TargetMode") != "External" {
			target := attr(e, "Target")
			if strings.HasPrefix(target, "/") {
				target = strings.TrimPrefix(target, "/")
			} else {
				target = path.Join(base, target)
			}
			out = append(out, relationship{id: attr(e, "Id"), kind: attr(e, "Type"), target: target})
		}
		return nil
	})
	return out, err
}

func (w *Workbook) readWorkbook(name string, rels map[string]relationship) error {
	rc, err := w.open(name)
	if err != nil {
		return xlsxErr("no workbook part %s", name)
	}
	defer rc.Close()
	err = newDecoder(rc, name).walk(func(t xml.Token) error {
		e, ok := t.(xml.StartElement)
		if !ok {
			return nil
		}
		switch e.Name.Local {
		case "workbookPr":
			v := attr(e, "date1904")
			w.date1904 = v == "1" || v == "true"
		case "sheet":
			r, ok := rels[attr(e, "id")]
			if !ok || !strings.HasSuffix(r.kind, "/worksheet") {
				return nil // a chart sheet or a dialog sheet holds no cells
			}
			state := attr(e, "state")
			w.Sheets = append(w.Sheets, SheetInfo{Name: attr(e, "name"), Hidden: state == "hidden" || state == "veryHidden", path: r.target})
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(w.Sheets) == 0 {
		return xlsxErr("the workbook has no worksheet")
	}
	return nil
}

// readSharedStrings reads the shared string table: each <si> is its <t>,
// or the <t> of its rich-text runs joined; phonetic runs (<rPh>) are not
// text.
func (w *Workbook) readSharedStrings(name string) ([]string, error) {
	rc, err := w.open(name)
	if err != nil {
		return nil, xlsxErr("no shared strings part %s", name)
	}
	defer rc.Close()
	d := newDecoder(rc, name)
	var out []string
	var cur strings.Builder
	inItem, phonetic := false, 0
	err = d.walk(func(t xml.Token) error {
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inItem = true
				cur.Reset()
			case "rPh":
				phonetic++
			case "t":
				s, err := d.text()
				if err != nil {
					return err
				}
				if inItem && phonetic == 0 {
					cur.WriteString(s)
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				out = append(out, unescapeXString(cur.String()))
				inItem = false
			case "rPh":
				phonetic--
			}
		}
		return nil
	})
	return out, err
}

// readStyles reads which cell styles show dates.
func (w *Workbook) readStyles(name string) ([]bool, error) {
	rc, err := w.open(name)
	if err != nil {
		return nil, xlsxErr("no styles part %s", name)
	}
	defer rc.Close()
	custom := map[int]string{}
	var styles []bool
	inXfs := false
	err = newDecoder(rc, name).walk(func(t xml.Token) error {
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "numFmt":
				if id, err := strconv.Atoi(attr(t, "numFmtId")); err == nil {
					custom[id] = attr(t, "formatCode")
				}
			case "cellXfs":
				inXfs = true
			case "xf":
				if inXfs {
					id, _ := strconv.Atoi(attr(t, "numFmtId"))
					if code, ok := custom[id]; ok {
						styles = append(styles, customDateFormat(code))
					} else {
						styles = append(styles, builtinDateFormat(id))
					}
				}
			}
		case xml.EndElement:
			if t.Name.Local == "cellXfs" {
				inXfs = false
			}
		}
		return nil
	})
	return styles, err
}

// sheet finds a sheet by name (case-insensitive, as Excel compares them).
func (w *Workbook) sheet(name string) (SheetInfo, bool) {
	for _, s := range w.Sheets {
		if strings.EqualFold(s.Name, name) {
			return s, true
		}
	}
	return SheetInfo{}, false
}

// Scan reads the named sheet row by row and calls fn with each row that
// has a cell in the file: its number (1 for the first) and its cells from
// column A, empty cells filling the gaps. Rows come in increasing order.
// The cells slice is fn's to keep. Scan stops at fn's first error and
// returns it.
func (w *Workbook) Scan(sheet string, fn func(row int, cells []Cell) error) error {
	info, ok := w.sheet(sheet)
	if !ok {
		return xlsxErr("no sheet named %q", sheet)
	}
	rc, err := w.open(info.path)
	if err != nil {
		return xlsxErr("sheet %q has no part %s", info.Name, info.path)
	}
	defer rc.Close()
	d := newDecoder(rc, info.path)
	row, lastRow := 0, 0
	var cells []Cell
	return d.walk(func(t xml.Token) error {
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				row = lastRow + 1
				if r := attr(t, "r"); r != "" {
					n, err := strconv.Atoi(r)
					if err != nil || n < 1 || n > MaxRows {
						return xlsxErr("sheet %q: a row number is not in 1..%d", info.Name, MaxRows)
					}
					row = n
				}
				if row <= lastRow {
					return xlsxErr("sheet %q: row %d comes after row %d", info.Name, row, lastRow)
				}
				if row > MaxRows {
					return xlsxErr("sheet %q has more than %d rows", info.Name, MaxRows)
				}
				cells = nil
			case "c":
				col := len(cells)
				if ref := attr(t, "r"); ref != "" {
					c, r, ok := parseRef(ref)
					if !ok || r != row || c < len(cells) {
						return xlsxErr("sheet %q, row %d: a cell reference is out of place", info.Name, row)
					}
					col = c
				}
				if col >= MaxColumns {
					return xlsxErr("sheet %q, row %d: a cell beyond column XFD", info.Name, row)
				}
				c, err := w.readCell(d, t, info.Name, row)
				if err != nil {
					return err
				}
				for len(cells) < col {
					cells = append(cells, Cell{})
				}
				cells = append(cells, c)
			}
		case xml.EndElement:
			if t.Name.Local == "row" {
				lastRow = row
				if len(cells) > 0 {
					return fn(row, cells)
				}
			}
		}
		return nil
	})
}

// readCell reads a <c> element (just opened) to its end.
func (w *Workbook) readCell(d *decoder, c xml.StartElement, sheet string, row int) (Cell, error) {
	typ := attr(c, "t")
	style := -1
	if s := attr(c, "s"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return Cell{}, xlsxErr("sheet %q, row %d: a cell style is not a number", sheet, row)
		}
		style = n
	}
	var cell Cell
	var value, inline string
	hasValue, hasInline := false, false
	for {
		t, err := d.token()
		if err != nil {
			if err == io.EOF {
				err = xlsxErr("part of sheet %q ends inside a cell", sheet)
			}
			return Cell{}, err
		}
		if e, ok := t.(xml.EndElement); ok && e.Name.Local == "c" {
			break
		}
		e, ok := t.(xml.StartElement)
		if !ok {
			continue
		}
		switch e.Name.Local {
		case "f":
			cell.Formula = true
			if _, err := d.text(); err != nil {
				return Cell{}, err
			}
		case "v":
			if value, err = d.text(); err != nil {
				return Cell{}, err
			}
			hasValue = true
		case "is":
			if inline, err = inlineText(d); err != nil {
				return Cell{}, err
			}
			hasInline = true
		default:
			if _, err := d.text(); err != nil {
				return Cell{}, err
			}
		}
	}
	bad := func(what string) (Cell, error) {
		return Cell{}, xlsxErr("sheet %q, row %d: a %s cell holds no valid value", sheet, row, what)
	}
	switch typ {
	case "inlineStr":
		if hasInline {
			cell.Kind, cell.Text = Text, unescapeXString(inline)
		}
	case "s":
		if !hasValue {
			break
		}
		i, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil || i < 0 || i >= len(w.strings) {
			return bad("shared-string")
		}
		cell.Kind, cell.Text = Text, w.strings[i]
	case "str":
		if hasValue {
			cell.Kind, cell.Text = Text, unescapeXString(value)
		}
	case "b":
		if hasValue {
			switch strings.TrimSpace(value) {
			case "1", "true":
				cell.Kind, cell.Bool = Bool, true
			case "0", "false":
				cell.Kind = Bool
			default:
				return bad("boolean")
			}
		}
	case "e":
		if hasValue {
			cell.Kind, cell.Text = Error, value
		}
	case "d":
		if hasValue {
			t, err := parseISODate(strings.TrimSpace(value))
			if err != nil {
				return bad("date")
			}
			cell.Kind, cell.Time = Date, t
		}
	case "", "n":
		if !hasValue || strings.TrimSpace(value) == "" {
			break
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			return bad("number")
		}
		cell.Kind, cell.Number = Number, f
		if style >= 0 && style < len(w.dateStyle) && w.dateStyle[style] {
			if t, ok := serialTime(f, w.date1904); ok {
				cell.Kind, cell.Time, cell.Number = Date, t, 0
			}
		}
	default:
		return Cell{}, xlsxErr("sheet %q, row %d: unknown cell type %q", sheet, row, typ)
	}
	return cell, nil
}

// inlineText reads an <is> element (just opened): its <t>, or its runs'.
func inlineText(d *decoder) (string, error) {
	var b strings.Builder
	depth, phonetic := 1, 0
	for depth > 0 {
		t, err := d.token()
		if err != nil {
			if err == io.EOF {
				err = xlsxErr("part %s ends inside a cell", d.part)
			}
			return "", err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if t.Name.Local == "t" {
				s, err := d.text()
				if err != nil {
					return "", err
				}
				if phonetic == 0 {
					b.WriteString(s)
				}
				continue
			}
			if t.Name.Local == "rPh" {
				phonetic++
			}
			depth++
		case xml.EndElement:
			if t.Name.Local == "rPh" {
				phonetic--
			}
			depth--
		}
	}
	return b.String(), nil
}

// parseISODate reads the ISO 8601 forms a t="d" cell holds.
func parseISODate(s string) (time.Time, error) {
	for _, layout := range []string{time.DateOnly, "2006-01-02T15:04:05", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("not an ISO 8601 date")
}

// parseRef reads a cell reference such as "B12" into a 0-based column and
// a 1-based row.
func parseRef(ref string) (col, row int, ok bool) {
	i := 0
	for i < len(ref) && i < 3 && (ref[i] >= 'A' && ref[i] <= 'Z' || ref[i] >= 'a' && ref[i] <= 'z') {
		col = col*26 + int(ref[i]|0x20-'a') + 1
		i++
	}
	if i == 0 || i == len(ref) || ref[i] == '0' {
		return 0, 0, false
	}
	r, err := strconv.Atoi(ref[i:])
	if err != nil || r < 1 || r > MaxRows || col > MaxColumns {
		return 0, 0, false
	}
	return col - 1, r, true
}

// colName is the letters of a 0-based column: 0 → A, 26 → AA.
func colName(col int) string {
	var b []byte
	for col++; col > 0; col = (col - 1) / 26 {
		b = append([]byte{byte('A' + (col-1)%26)}, b...)
	}
	return string(b)
}

// unescapeXString decodes the _xHHHH_ escapes of ECMA-376 Part 1
// §22.9.2.19, by which a workbook carries characters XML cannot.
func unescapeXString(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b bytes.Buffer
	for i := 0; i < len(s); i++ {
		if s[i] == '_' && i+6 < len(s) && s[i+1] == 'x' && s[i+6] == '_' {
			if v, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				b.WriteRune(rune(v))
				i += 6
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
