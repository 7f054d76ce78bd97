package spreadsheet

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Table is one sheet to write: a header row and the rows under it.
type Table struct {
	Name   string // the sheet's name; characters Excel forbids are replaced, and it is cut to 31
	Header []string
	Rows   [][]Cell
}

// zipTime is the modification time written into every part, so that the
// same tables always make the same bytes.
var zipTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Cell styles of a written workbook (indexes into cellXfs of styles.xml).
const (
	styleDefault = 0
	styleHeader  = 1
	styleDate    = 2
	styleTime    = 3
)

const stylesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/><numFmt numFmtId="165" formatCode="yyyy\-mm\-dd\ hh:mm"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>
`

// WriteXLSX writes the tables as a workbook, one sheet each in order.
// Sheet names are made unique (a suffix " (2)"…) as Excel requires.
func WriteXLSX(w io.Writer, tables ...Table) error {
	if len(tables) == 0 {
		return errors.New("spreadsheet: a workbook needs at least one table")
	}
	z := zip.NewWriter(w)
	part := func(name, body string) error {
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return err
		}
		_, err = io.WriteString(f, body)
		return err
	}
	names := sheetNames(tables)
	var types, wbSheets, wbRels strings.Builder
	for i := range tables {
		fmt.Fprintf(&types, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		fmt.Fprintf(&wbSheets, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, xmlAttr(names[i]), i+1, i+1)
		fmt.Fprintf(&wbRels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
	}
	n := len(tables)
	fmt.Fprintf(&wbRels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`, n+1)
	fmt.Fprintf(&wbRels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`, n+2)

	sst := &sharedStrings{index: map[string]int{}}
	sheets := make([]string, n)
	for i, t := range tables {
		sheets[i] = sheetXML(t, sst)
	}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			types.String() +
			`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
			`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>` +
			`</Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
			`</Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<bookViews><workbookView/></bookViews><sheets>` + wbSheets.String() + `</sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + wbRels.String() + `</Relationships>`},
		{"xl/styles.xml", stylesXML},
		{"xl/sharedStrings.xml", sst.xml()},
	}
	for _, p := range parts {
		if err := part(p.name, p.body); err != nil {
			return err
		}
	}
	for i, s := range sheets {
		if err := part(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), s); err != nil {
			return err
		}
	}
	return z.Close()
}

// sheetNames are the tables' names as Excel accepts them: 1 to 31
// characters, none of : \ / ? * [ ], not starting or ending with an
// apostrophe, unique without regard to case.
func sheetNames(tables []Table) []string {
	used := map[string]bool{}
	out := make([]string, len(tables))
	for i, t := range tables {
		name := strings.Map(func(r rune) rune {
			if strings.ContainsRune(`:\/?*[]`, r) || r < 0x20 {
				return '_'
			}
			return r
		}, t.Name)
		name = strings.Trim(name, "'")
		if name == "" {
			name = fmt.Sprintf("Sheet%d", i+1)
		}
		base := truncateRunes(name, 31)
		name = base
		for k := 2; used[strings.ToLower(name)]; k++ {
			suffix := fmt.Sprintf(" (%d)", k)
			name = truncateRunes(base, 31-len(suffix)) + suffix
		}
		used[strings.ToLower(name)] = true
		out[i] = name
	}
	return out
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

type sharedStrings struct {
	index map[string]int
	list  []string
	count int
}

func (s *sharedStrings) add(v string) int {
	s.count++
	if i, ok := s.index[v]; ok {
		return i
	}
	s.index[v] = len(s.list)
	s.list = append(s.list, v)
	return len(s.list) - 1
}

func (s *sharedStrings) xml() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, s.count, len(s.list))
	for _, v := range s.list {
		b.WriteString(`<si><t xml:space="preserve">`)
		b.WriteString(xmlText(escapeXString(v)))
		b.WriteString(`</t></si>`)
	}
	b.WriteString(`</sst>`)
	return b.String()
}

// sheetXML writes one table's worksheet, its text into sst.
func sheetXML(t Table, sst *sharedStrings) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`)
	b.WriteString(`<sheetViews><sheetView workbookViewId="0">`)
	if len(t.Header) > 0 {
		b.WriteString(`<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>`)
	}
	b.WriteString(`</sheetView></sheetViews>`)
	if widths := columnWidths(t); len(widths) > 0 {
		b.WriteString(`<cols>`)
		for i, w := range widths {
			fmt.Fprintf(&b, `<col min="%d" max="%d" width="%d" customWidth="1"/>`, i+1, i+1, w)
		}
		b.WriteString(`</cols>`)
	}
	b.WriteString(`<sheetData>`)
	row := 0
	writeRow := func(cells []Cell, header bool) {
		row++
		fmt.Fprintf(&b, `<row r="%d">`, row)
		for i, c := range cells {
			ref := colName(i) + strconv.Itoa(row)
			style := styleDefault
			if header {
				style = styleHeader
			}
			switch c.Kind {
			case Text, Error:
				fmt.Fprintf(&b, `<c r="%s" s="%d" t="s"><v>%d</v></c>`, ref, style, sst.add(c.Text))
			case Number:
				if math.IsNaN(c.Number) || math.IsInf(c.Number, 0) {
					fmt.Fprintf(&b, `<c r="%s" s="%d" t="e"><v>#NUM!</v></c>`, ref, style)
					continue
				}
				fmt.Fprintf(&b, `<c r="%s" s="%d"><v>%s</v></c>`, ref, style, strconv.FormatFloat(c.Number, 'g', -1, 64))
			case Bool:
				v := 0
				if c.Bool {
					v = 1
				}
				fmt.Fprintf(&b, `<c r="%s" s="%d" t="b"><v>%d</v></c>`, ref, style, v)
			case Date:
				s := styleDate
				if h, m, sec := c.Time.Clock(); h != 0 || m != 0 || sec != 0 {
					s = styleTime
				}
				if c.Time.Before(time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)) || c.Time.After(lastDate) {
					// Excel's serials cannot hold it: write it as text.
					fmt.Fprintf(&b, `<c r="%s" s="%d" t="s"><v>%d</v></c>`, ref, style, sst.add(c.String()))
					continue
				}
				fmt.Fprintf(&b, `<c r="%s" s="%d"><v>%s</v></c>`, ref, s, strconv.FormatFloat(timeSerial(c.Time), 'g', -1, 64))
			}
		}
		b.WriteString(`</row>`)
	}
	if len(t.Header) > 0 {
		h := make([]Cell, len(t.Header))
		for i, s := range t.Header {
			h[i] = TextCell(s)
		}
		writeRow(h, true)
	}
	for _, r := range t.Rows {
		writeRow(r, false)
	}
	b.WriteString(`</sheetData></worksheet>`)
	return b.String()
}

// columnWidths are widths in characters that fit the header and the
// first rows, between 8 and 60.
func columnWidths(t Table) []int {
	var w []int
	fit := func(i, n int) {
		for len(w) <= i {
			w = append(w, 8)
		}
		w[i] = min(max(w[i], n+2), 60)
	}
	for i, h := range t.Header {
		fit(i, utf8.RuneCountInString(h))
	}
	for _, r := range t.Rows[:min(len(t.Rows), 200)] {
		for i, c := range r {
			fit(i, utf8.RuneCountInString(c.String()))
		}
	}
	return w
}

// xmlText escapes s for XML character data or an attribute value.
func xmlText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		case '\r':
			b.WriteString("&#13;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func xmlAttr(s string) string { return xmlText(s) }

// xmlChar says whether XML 1.0 can carry r (§2.2 Char).
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// escapeXString writes the characters XML cannot carry as _xHHHH_, and a
// literal "_x" that would read as such an escape as _x005F_x (ECMA-376
// Part 1 §22.9.2.19). Invalid UTF-8 becomes U+FFFD.
func escapeXString(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			b.WriteRune(utf8.RuneError)
		case !xmlChar(r):
			fmt.Fprintf(&b, "_x%04X_", r)
		case r == '_' && looksEscaped(s[i:]):
			b.WriteString("_x005F_")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// looksEscaped says whether s starts with _xHHHH_.
func looksEscaped(s string) bool {
	if len(s) < 7 || s[1] != 'x' || s[6] != '_' {
		return false
	}
	_, err := strconv.ParseUint(s[2:6], 16, 16)
	return err == nil
}

// CSVOptions say how [WriteCSV] writes.
type CSVOptions struct {
	Comma rune // the delimiter; 0 is a comma
	// BOM starts the file with a UTF-8 byte order mark, by which Excel
	// knows the file is UTF-8 (without it Excel reads the system's
	// legacy code page).
	BOM bool
}

// WriteCSV writes a table as CSV (RFC 4180, CRLF line ends): the header,
// then the rows as [Cell.String] writes them. Text that a spreadsheet would
// take for a formula — starting with =, +, -, @, a tab or a carriage
// return — is written with a leading apostrophe, which spreadsheets show
// as text and [ReadCSVField] removes.
func WriteCSV(w io.Writer, t Table, opt CSVOptions) error {
	bw := bufio.NewWriter(w)
	if opt.BOM {
		bw.WriteString("\ufeff")
	}
	cw := csv.NewWriter(bw)
	if opt.Comma != 0 {
		cw.Comma = opt.Comma
	}
	cw.UseCRLF = true
	if len(t.Header) > 0 {
		h := make([]string, len(t.Header))
		for i, s := range t.Header {
			h[i] = defuse(s)
		}
		if err := cw.Write(h); err != nil {
			return err
		}
	}
	rec := []string{}
	for _, r := range t.Rows {
		rec = rec[:0]
		for _, c := range r {
			s := c.String()
			if c.Kind == Text {
				s = defuse(s)
			}
			rec = append(rec, s)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// formulaStart are the characters that make a spreadsheet read a CSV
// field as a formula.
const formulaStart = "=+-@\t\r"

func defuse(s string) string {
	if s != "" && strings.IndexByte(formulaStart, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// ReadCSVField undoes [WriteCSV]'s defusing: a field that is an apostrophe
// followed by a formula character loses the apostrophe.
func ReadCSVField(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.IndexByte(formulaStart, s[1]) >= 0 {
		return s[1:]
	}
	return s
}
