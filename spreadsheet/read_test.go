package spreadsheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// zipOf builds a zip archive of the given parts, in the order given.
func zipOf(t testing.TB, parts ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for i := 0; i+1 < len(parts); i += 2 {
		f, err := z.Create(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(f, parts[i+1])
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	nsMain   = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel    = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsStrict = "http://purl.oclc.org/ooxml/spreadsheetml/main"
	relBase  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
)

func rootRels(target string) string {
	return `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="` + relBase + `officeDocument" Target="` + target + `"/></Relationships>`
}

func wbRels(rels ...string) string {
	var b strings.Builder
	b.WriteString(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i := 0; i+1 < len(rels); i += 2 {
		fmt.Fprintf(&b, `<Relationship Id="rId%d" Type="%s%s" Target="%s"/>`, i/2+1, relBase, rels[i], rels[i+1])
	}
	b.WriteString(`</Relationships>`)
	return b.String()
}

// excelLike is a workbook as Excel writes one: shared strings with rich
// text and phonetic runs, date styles (built-in 14, a custom dd.mm.yyyy
// with a locale tag, a general number), formulas with and without a
// saved result, an error value, a boolean, a hidden sheet and a chart
// sheet.
func excelLike(t testing.TB, date1904 bool) []byte {
	pr := ""
	if date1904 {
		pr = `<workbookPr date1904="1"/>`
	}
	return zipOf(t,
		"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"_rels/.rels", rootRels("xl/workbook.xml"),
		"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="`+nsMain+`" xmlns:r="`+nsRel+`">`+pr+
			`<sheets><sheet name="Список" sheetId="1" r:id="rId1"/><sheet name="Chart1" sheetId="2" r:id="rId2"/><sheet name="Notes" sheetId="3" state="hidden" r:id="rId3"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels", wbRels("worksheet", "worksheets/sheet1.xml", "chartsheet", "chartsheets/sheet1.xml",
			"worksheet", "/xl/worksheets/sheet3.xml", "sharedStrings", "sharedStrings.xml", "styles", "styles.xml"),
		"xl/sharedStrings.xml", `<sst xmlns="`+nsMain+`" count="4" uniqueCount="4">`+
			`<si><t>ПІБ</t></si>`+
			`<si><r><rPr><b/></rPr><t>Олег </t></r><r><t xml:space="preserve">Шевченко</t></r><rPh sb="0" eb="1"><t>オレグ</t></rPh></si>`+
			`<si><t>Дата народження</t></si>`+
			`<si><t>a_x000B_b _x005F_x0041_</t></si></sst>`,
		"xl/styles.xml", `<styleSheet xmlns="`+nsMain+`"><numFmts count="1"><numFmt numFmtId="164" formatCode="[$-419]DD\.MM\.YYYY;@"/></numFmts>`+
			`<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>`+
			`<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="2"/></cellXfs></styleSheet>`,
		"xl/worksheets/sheet1.xml", `<worksheet xmlns="`+nsMain+`"><dimension ref="A1:F3"/><sheetData>`+
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>2</v></c></row>`+
			`<row r="3" spans="1:6"><c r="A3" t="s"><v>1</v></c><c r="B3" s="1"><v>32936</v></c><c r="C3" s="2"><v>32937.5</v></c>`+
			`<c r="D3" s="3"><v>1234567</v></c><c r="E3" t="str"><f>A3&amp;""</f><v>Олег Шевченко</v></c><c r="G3"><f>1+1</f></c></row>`+
			`<row r="4"><c t="e"><f>1/0</f><v>#DIV/0!</v></c><c t="b"><v>1</v></c><c t="inlineStr"><is><t>inline</t></is></c><c s="1"/><c r="F4" t="s"><v>3</v></c></row>`+
			`</sheetData></worksheet>`,
		"xl/worksheets/sheet3.xml", `<worksheet xmlns="`+nsMain+`"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><r><t>hidden</t></r></is></c></row></sheetData></worksheet>`,
		"xl/chartsheets/sheet1.xml", `<chartsheet xmlns="`+nsMain+`"/>`,
	)
}

type scanned struct {
	Row   int
	Cells []Cell
}

func scanAll(t testing.TB, w *Workbook, sheet string) []scanned {
	t.Helper()
	var out []scanned
	if err := w.Scan(sheet, func(row int, cells []Cell) error {
		out = append(out, scanned{row, cells})
		return nil
	}); err != nil {
		t.Fatalf("Scan(%q): %v", sheet, err)
	}
	return out
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestOpenXLSXExcelLike(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		data := excelLike(t, date1904)
		w, err := OpenXLSX(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]SheetInfo{{Name: "Список"}, {Name: "Notes", Hidden: true}}, w.Sheets, cmp.AllowUnexported(SheetInfo{}), cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".path" }, cmp.Ignore())); d != "" {
			t.Errorf("sheets (-want +got):\n%s", d)
		}
		born, captured := day(1990, 3, 4), time.Date(1990, 3, 5, 12, 0, 0, 0, time.UTC)
		if date1904 { // the same serials count from 1904-01-01
			born, captured = day(1994, 3, 5), time.Date(1994, 3, 6, 12, 0, 0, 0, time.UTC)
		}
		want := []scanned{
			{1, []Cell{TextCell("ПІБ"), TextCell("Дата народження")}},
			{3, []Cell{TextCell("Олег Шевченко"), DateCell(born), DateCell(captured), NumberCell(1234567),
				{Kind: Text, Text: "Олег Шевченко", Formula: true}, {}, {Formula: true}}},
			{4, []Cell{{Kind: Error, Text: "#DIV/0!", Formula: true}, {Kind: Bool, Bool: true}, TextCell("inline"), {}, {}, TextCell("a\vb _x0041_")}},
		}
		if d := cmp.Diff(want, scanAll(t, w, "список")); d != "" {
			t.Errorf("date1904=%v: rows (-want +got):\n%s", date1904, d)
		}
		if d := cmp.Diff([]scanned{{1, []Cell{TextCell("hidden")}}}, scanAll(t, w, "Notes")); d != "" {
			t.Errorf("hidden sheet (-want +got):\n%s", d)
		}
		if err := w.Scan("Chart1", func(int, []Cell) error { return nil }); !errors.Is(err, ErrXLSX) {
			t.Errorf("Scan(chart sheet) = %v, want no such sheet", err)
		}
	}
}

// TestOpenXLSXStrict reads a workbook in the strict namespaces, without
// shared strings or styles, whose cells have no references, as some
// generators write them.
func TestOpenXLSXStrict(t *testing.T) {
	data := zipOf(t,
		"_rels/.rels", rootRels("/xl/workbook.xml"),
		"xl/workbook.xml", `<workbook xmlns="`+nsStrict+`" xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels", strings.ReplaceAll(wbRels("worksheet", "worksheets/a.xml"), "http://schemas.openxmlformats.org/officeDocument/2006/relationships/", "http://purl.oclc.org/ooxml/officeDocument/relationships/"),
		"xl/worksheets/a.xml", `<worksheet xmlns="`+nsStrict+`"><sheetData><row><c t="inlineStr"><is><t>x</t></is></c><c><v>2.5</v></c><c t="d"><v>2024-02-29</v></c></row><row><c t="n"><v>0.1</v></c></row></sheetData></worksheet>`,
	)
	w, err := OpenXLSX(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	want := []scanned{{1, []Cell{TextCell("x"), NumberCell(2.5), DateCell(day(2024, 2, 29))}}, {2, []Cell{NumberCell(0.1)}}}
	if d := cmp.Diff(want, scanAll(t, w, "S")); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
}

func TestOpenXLSXRefuses(t *testing.T) {
	wb := `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`
	sheetOf := func(data string) []byte {
		return zipOf(t, "xl/workbook.xml", wb, "xl/_rels/workbook.xml.rels", wbRels("worksheet", "worksheets/sheet1.xml", "sharedStrings", "sharedStrings.xml"),
			"xl/sharedStrings.xml", `<sst xmlns="`+nsMain+`"><si><t>a</t></si></sst>`,
			"xl/worksheets/sheet1.xml", `<worksheet xmlns="`+nsMain+`"><sheetData>`+data+`</sheetData></worksheet>`)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string // in the error of OpenXLSX, or of Scan when OpenXLSX succeeds
	}{
		{"not a zip", []byte("name,born\n"), "not a zip archive"},
		{"a zip without a workbook", zipOf(t, "word/document.xml", "<w/>"), "no workbook inside"},
		{"no worksheet", zipOf(t, "xl/workbook.xml", `<workbook><sheets/></workbook>`), "no worksheet"},
		{"broken XML", zipOf(t, "xl/workbook.xml", `<workbook><sheets>`), "not well-formed"},
		{"shared string out of range", sheetOf(`<row r="1"><c r="A1" t="s"><v>1</v></c></row>`), "shared-string cell holds no valid value"},
		{"a number that is not", sheetOf(`<row r="1"><c r="A1"><v>1,5</v></c></row>`), "number cell"},
		{"unknown type", sheetOf(`<row r="1"><c r="A1" t="x"><v>1</v></c></row>`), `unknown cell type "x"`},
		{"rows out of order", sheetOf(`<row r="2"><c r="A2"><v>1</v></c></row><row r="1"><c r="A1"><v>1</v></c></row>`), "row 1 comes after row 2"},
		{"row beyond the grid", sheetOf(`<row r="1048577"><c><v>1</v></c></row>`), "not in 1..1048576"},
		{"column beyond XFD", sheetOf(`<row r="1"><c r="XFE1"><v>1</v></c></row>`), "out of place"},
		{"cell in another row", sheetOf(`<row r="1"><c r="A2"><v>1</v></c></row>`), "out of place"},
		{"cells out of order", sheetOf(`<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>1</v></c></row>`), "out of place"},
		{"truncated sheet", sheetOf(`<row r="1"><c r="A1"><v>1`), "not well-formed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := OpenXLSX(bytes.NewReader(tc.data), int64(len(tc.data)))
			if err == nil {
				err = w.Scan("S", func(int, []Cell) error { return nil })
			}
			if !errors.Is(err, ErrXLSX) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrXLSX containing %q", err, tc.want)
			}
		})
	}
}

// TestLimitedPart: a part that inflates past the limit fails instead of
// ending early, at the limit n−1, n, n+1.
func TestLimitedPart(t *testing.T) {
	const n = 10
	for size := n - 1; size <= n+1; size++ {
		l := &limitedPart{r: strings.NewReader(strings.Repeat("x", size)), left: n, name: "p"}
		got, err := io.ReadAll(l)
		if size <= n && (err != nil || len(got) != size) {
			t.Errorf("size %d: %d bytes, %v", size, len(got), err)
		}
		if size > n && !errors.Is(err, ErrXLSX) {
			t.Errorf("size %d: err %v, want the limit", size, err)
		}
	}
}

func TestScanStopsAtError(t *testing.T) {
	data := excelLike(t, false)
	w, _ := OpenXLSX(bytes.NewReader(data), int64(len(data)))
	stop := errors.New("stop")
	calls := 0
	err := w.Scan("Список", func(int, []Cell) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Errorf("Scan = %v after %d calls, want stop after 1", err, calls)
	}
}

func TestSerialDates(t *testing.T) {
	for _, tc := range []struct {
		serial   float64
		date1904 bool
		want     time.Time
		ok       bool
	}{
		{1, false, day(1900, 1, 1), true},
		{59, false, day(1900, 2, 28), true},
		{60, false, time.Time{}, false}, // 1900-02-29 never was
		{61, false, day(1900, 3, 1), true},
		{25569, false, day(1970, 1, 1), true},
		{45351, false, day(2024, 2, 29), true},
		{2958465, false, day(9999, 12, 31), true},
		{2958466, false, time.Time{}, false},
		{0, false, time.Time{}, false},
		{-1, false, time.Time{}, false},
		{0, true, day(1904, 1, 1), true},
		{24107, true, day(1970, 1, 1), true},
		{25569.25, false, time.Date(1970, 1, 1, 6, 0, 0, 0, time.UTC), true},
	} {
		got, ok := serialTime(tc.serial, tc.date1904)
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("serialTime(%v, %v) = %v, %v; want %v, %v", tc.serial, tc.date1904, got, ok, tc.want, tc.ok)
		}
	}
	// Every day from 1900-03-01 to 2100-12-31 round-trips.
	for d := day(1900, 3, 1); d.Year() <= 2100; d = d.AddDate(0, 0, 1) {
		if got, ok := serialTime(timeSerial(d), false); !ok || !got.Equal(d) {
			t.Fatalf("%v → serial %v → %v, %v", d, timeSerial(d), got, ok)
		}
	}
}

func TestCustomDateFormat(t *testing.T) {
	for code, want := range map[string]bool{
		"dd.mm.yyyy": true, `[$-419]DD\.MM\.YYYY;@`: true, "m/d/yy h:mm": true, "[h]:mm:ss": true, "yyyy\\-mm\\-dd": true,
		"General": false, "0.00": false, "#,##0": false, `0.00" days"`: false, "[Red]0.00": false, `_-* #,##0_-`: false,
		"0.00E+00": false, "@": false, `"unterminated`: false, "[Blue": false,
	} {
		if got := customDateFormat(code); got != want {
			t.Errorf("customDateFormat(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestParseRef(t *testing.T) {
	for _, tc := range []struct {
		ref      string
		col, row int
		ok       bool
	}{
		{"A1", 0, 1, true}, {"Z9", 25, 9, true}, {"AA10", 26, 10, true}, {"XFD1048576", 16383, 1048576, true}, {"b2", 1, 2, true},
		{"XFE1", 0, 0, false}, {"A0", 0, 0, false}, {"A01", 0, 0, false}, {"1", 0, 0, false}, {"A", 0, 0, false}, {"A1048577", 0, 0, false}, {"AAAA1", 0, 0, false},
	} {
		c, r, ok := parseRef(tc.ref)
		if c != tc.col || r != tc.row || ok != tc.ok {
			t.Errorf("parseRef(%q) = %d, %d, %v; want %d, %d, %v", tc.ref, c, r, ok, tc.col, tc.row, tc.ok)
		}
	}
	for col := range MaxColumns {
		if c, _, ok := parseRef(colName(col) + "1"); !ok || c != col {
			t.Fatalf("column %d: %s → %d, %v", col, colName(col), c, ok)
		}
	}
}

func FuzzOpenXLSX(f *testing.F) {
	f.Add(excelLike(f, false))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := OpenXLSX(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if !errors.Is(err, ErrXLSX) {
				t.Fatalf("error %v does not wrap ErrXLSX", err)
			}
			return
		}
		for _, s := range w.Sheets {
			w.Scan(s.Name, func(int, []Cell) error { return nil })
		}
	})
}

// FuzzScan fuzzes a sheet's XML inside a valid workbook, where the
// fuzzer's bytes reach the cell reader.
func FuzzScan(f *testing.F) {
	f.Add(`<row r="1"><c r="A1" t="s"><v>0</v></c><c s="1"><v>32936</v></c></row><row><c t="inlineStr"><is><t>x</t></is></c></row>`)
	f.Add(`<row r="3"><c r="C3" t="e"><f>1/0</f><v>#DIV/0!</v></c><c t="b"><v>1</v></c><c t="d"><v>2024-01-01</v></c></row>`)
	f.Fuzz(func(t *testing.T, sheet string) {
		data := zipOf(t, "xl/workbook.xml", `<workbook xmlns:r="`+nsRel+`"><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels", wbRels("worksheet", "worksheets/sheet1.xml", "sharedStrings", "sharedStrings.xml", "styles", "styles.xml"),
			"xl/sharedStrings.xml", `<sst><si><t>a</t></si></sst>`,
			"xl/styles.xml", `<styleSheet><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>`,
			"xl/worksheets/sheet1.xml", `<worksheet><sheetData>`+sheet+`</sheetData></worksheet>`)
		w, err := OpenXLSX(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		last := 0
		err = w.Scan("S", func(row int, cells []Cell) error {
			if row <= last || row > MaxRows || len(cells) == 0 || len(cells) > MaxColumns {
				t.Fatalf("row %d after %d with %d cells", row, last, len(cells))
			}
			last = row
			return nil
		})
		if err != nil && !errors.Is(err, ErrXLSX) {
			t.Fatalf("error %v does not wrap ErrXLSX", err)
		}
	})
}
