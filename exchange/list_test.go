package exchange

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"

	"github.com/parley-talks/parley/spreadsheet"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// sampleList is a list with names in the given alphabet: the fixture each
// encoding and delimiter variant is made from.
func sampleList(names []string) []Person {
	var ps []Person
	for i, n := range names {
		p := Person{Name: n, Born: date(1970+i, time.Month(1+i%12), 1+i%28), Status: Military, Rank: "sergeant",
			ServiceNumber: fmt.Sprintf("AA%04d", i), CapturePlace: "Mariupol", Captured: date(2022, 5, 20)}
		if i%3 == 2 {
			p.Status, p.Rank, p.ServiceNumber = Civilian, "", ""
		}
		ps = append(ps, p)
	}
	return ps
}

var (
	ukrainianNames = []string{"Олег Петрович Шевченко", "ВІТАЛІЙ ЇЖАК", "Євген Ґудзь", "Юрій Щербак", "Наталія Кузьменко-Іваненко", "Ігор Цибуля"}
	russianNames   = []string{"Дмитрий Сергеевич Орлов", "ЮРИЙ ЁЛКИН", "Эдуард Щукин", "Фёдор Хабибуллин", "Аркадий Мышкин"}
	latinNames     = []string{"Jürgen Müller", "François Lefèvre", "Ángel Çelik", "Zoë Ågren", "José Núñez"}
)

// csvText writes persons as the sides' files do: the given header names,
// delimiter and date layout, CRLF line ends.
func csvText(ps []Person, header []string, delim string, layout string) string {
	var b strings.Builder
	b.WriteString(strings.Join(header, delim) + "\r\n")
	for _, p := range ps {
		f := []string{p.Name, p.Transliteration, p.Born.Format(layout), string(p.Status), p.Rank, p.ServiceNumber, p.CapturePlace, p.Captured.Format(layout), p.NextOfKin}
		b.WriteString(strings.Join(f, delim) + "\r\n")
	}
	return b.String()
}

var (
	headerEN = []string{"Name", "Transliteration", "Date of birth", "Status", "Rank", "Service Number", "Place of capture", "Date of capture", "Next of kin"}
	headerUK = []string{"ПІБ", "Транслітерація", "Дата народження", "Статус", "Звання", "Особовий номер", "Місце полону", "Дата полону", "Найближчі родичі"}
	headerRU = []string{"ФИО", "Транслитерация", "Дата рождения", "Статус", "Звание", "Личный номер", "Место пленения", "Дата пленения", "Ближайшие родственники"}
)

func encodeUTF16(s string, bigEndian, bom bool) []byte {
	var out []byte
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	for _, u := range units {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func mustEncode(t *testing.T, cm *charmap.Charmap, s string) []byte {
	t.Helper()
	b, err := cm.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return b
}

// TestReadListEncodingsAndDelimiters: every encoding with every delimiter
// and date form reads the same persons and names what it found.
func TestReadListEncodingsAndDelimiters(t *testing.T) {
	type variant struct {
		enc    string
		names  []string
		header []string
		encode func(string) []byte
	}
	variants := []variant{
		{UTF8, ukrainianNames, headerUK, func(s string) []byte { return []byte(s) }},
		{UTF8BOM, ukrainianNames, headerEN, func(s string) []byte { return []byte("\ufeff" + s) }},
		{UTF16LE, ukrainianNames, headerUK, func(s string) []byte { return encodeUTF16(s, false, true) }},
		{UTF16BE, russianNames, headerRU, func(s string) []byte { return encodeUTF16(s, true, true) }},
		{UTF16LE, russianNames, headerRU, func(s string) []byte { return encodeUTF16(s, false, false) }}, // no byte order mark
		{Windows1251, ukrainianNames, headerUK, func(s string) []byte { return mustEncode(t, charmap.Windows1251, s) }},
		{Windows1251, russianNames, headerRU, func(s string) []byte { return mustEncode(t, charmap.Windows1251, s) }},
		{KOI8U, ukrainianNames, headerUK, func(s string) []byte { return mustEncode(t, charmap.KOI8U, s) }},
		{KOI8R, russianNames, headerRU, func(s string) []byte { return mustEncode(t, charmap.KOI8R, s) }},
		{Windows1252, latinNames, headerEN, func(s string) []byte { return mustEncode(t, charmap.Windows1252, s) }},
	}
	for _, v := range variants {
		for _, delim := range []string{",", ";", "\t"} {
			for _, layout := range []string{time.DateOnly, "02.01.2006"} {
				ps := sampleList(v.names)
				l, err := ReadList(v.encode(csvText(ps, v.header, delim, layout)), "", today)
				name := fmt.Sprintf("%s %q %s %q", v.enc, delim, v.header[0], layout)
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				if l.Encoding != v.enc || string(l.Delimiter) != delim || l.Format != FormatCSV || l.HeaderRow != 1 || len(l.Columns) != 9 || len(l.Ignored) != 0 {
					t.Errorf("%s: read as %s %q, header row %d, %d columns, ignored %q", name, l.Encoding, l.Delimiter, l.HeaderRow, len(l.Columns), l.Ignored)
				}
				if len(l.Rejections) > 0 {
					t.Errorf("%s: rejections %v", name, l.Rejections)
				}
				if d := cmp.Diff(ps, l.Persons); d != "" {
					t.Errorf("%s: persons (-want +got):\n%s", name, d)
				}
			}
		}
	}
}

// TestDetectSingleByte checks the code page guess on many generated
// lists of names alone, where it has least to go on.
func TestDetectSingleByte(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range 2000 {
		var names []string
		for range 1 + rng.IntN(5) {
			n := givenNames[rng.IntN(len(givenNames))] + " " + familyNames[rng.IntN(len(familyNames))]
			if rng.IntN(3) == 0 {
				n = strings.ToUpper(n)
			}
			names = append(names, n)
		}
		text := "name,born\n" + strings.Join(names, ",1990-01-01\n") + ",1990-01-01\n"
		for _, c := range []struct {
			name string
			cm   *charmap.Charmap
		}{{Windows1251, charmap.Windows1251}, {KOI8U, charmap.KOI8U}} {
			got, enc, err := decodeText(mustEncode(t, c.cm, text))
			want := c.name
			if c.name == KOI8U && !strings.ContainsAny(text, "ЄІЇҐєіїґ") {
				want = KOI8R
			}
			if err != nil || enc != want || got != text {
				t.Fatalf("list %d in %s: read as %s (%v)", i, c.name, enc, err)
			}
		}
	}
}

func TestReadListHeaders(t *testing.T) {
	for _, tc := range []struct {
		name, in   string
		headerRow  int
		columns    []ColumnRead
		ignored    []string
		wantPerson Person
	}{
		{"only the required columns, Ukrainian, apostrophe variants",
			"Прізвище;Ім’я;По батькові;Дата народження;Статус;Дата полону\nШевченко;Олег;Петрович;09.03.1990;військовослужбовець;20.05.2022\n", 1,
			[]ColumnRead{{"Прізвище", colFamilyName}, {"Ім’я", colGivenName}, {"По батькові", colPatronymic}, {"Дата народження", colBorn}, {"Статус", colStatus}, {"Дата полону", colCaptured}}, nil,
			Person{Name: "Шевченко Олег Петрович", Born: date(1990, 3, 9), Status: Military, Captured: date(2022, 5, 20)}},
		{"title rows, English synonyms in odd case, unknown columns",
			"Prisoner list of side A,,,,,\n\n,,,,,\nNo.;FULL NAME*;DOB;Category;Service No.;Captured on;Remarks\n1;Oleh Shevchenko;1990-03-09;Military;AA1;2022-05-20;x\n", 4,
			[]ColumnRead{{"FULL NAME*", colName}, {"DOB", colBorn}, {"Category", colStatus}, {"Service No.", colServiceNumber}, {"Captured on", colCaptured}}, []string{"No.", "Remarks"},
			Person{Name: "Oleh Shevchenko", Born: date(1990, 3, 9), Status: Military, ServiceNumber: "AA1", Captured: date(2022, 5, 20)}},
		{"sep line, Russian, whole name wins over its parts",
			"sep=|\nФ.И.О.|Фамилия|Дата рождения|Статус|Дата захвата\nОрлов Дмитрий|Орлов|19/3/1990 г.|гражданский|20.05.2022 0:00\n", 1,
			[]ColumnRead{{"Ф.И.О.", colName}, {"Фамилия", colFamilyName}, {"Дата рождения", colBorn}, {"Статус", colStatus}, {"Дата захвата", colCaptured}}, []string{"Фамилия"},
			Person{Name: "Орлов Дмитрий", Born: date(1990, 3, 19), Status: Civilian, Captured: date(2022, 5, 20)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := ReadList([]byte(tc.in), "", today)
			if err != nil {
				t.Fatal(err)
			}
			if l.HeaderRow != tc.headerRow {
				t.Errorf("header row %d, want %d", l.HeaderRow, tc.headerRow)
			}
			if d := cmp.Diff(tc.columns, l.Columns); d != "" {
				t.Errorf("columns (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.ignored, l.Ignored); d != "" {
				t.Errorf("ignored (-want +got):\n%s", d)
			}
			if len(l.Rejections) > 0 || len(l.Persons) != 1 {
				t.Fatalf("rejections %v, %d persons", l.Rejections, len(l.Persons))
			}
			if d := cmp.Diff(tc.wantPerson, l.Persons[0]); d != "" {
				t.Errorf("person (-want +got):\n%s", d)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   time.Time
		reason string
	}{
		{"1990-03-09", date(1990, 3, 9), ""},
		{"1990-3-9", date(1990, 3, 9), ""},
		{"09.03.1990", date(1990, 3, 9), ""},
		{"9.3.1990", date(1990, 3, 9), ""},
		{"09.03.1990 р.", date(1990, 3, 9), ""},
		{"09.03.1990г.", date(1990, 3, 9), ""},
		{"1990-03-09 00:00:00", date(1990, 3, 9), ""},
		{"1990-03-09T14:30", date(1990, 3, 9), ""},
		{"13/03/1990", date(1990, 3, 13), ""}, // day first
		{"03/13/1990", date(1990, 3, 13), ""}, // month first
		{"05/05/1990", date(1990, 5, 5), ""},  // the same either way
		{"12.01.1990", date(1990, 1, 12), ""}, // dots are always day first
		{"03/04/1990", time.Time{}, reasonAmbiguous},
		{"12/01/1990", time.Time{}, reasonAmbiguous},
		{"09.03.90", time.Time{}, reasonShortYear},
		{"90-03-09", time.Time{}, reasonShortYear},
		{"09-03-1990", time.Time{}, reasonNotDate},
		{"31.02.1990", time.Time{}, reasonNoSuchDay},
		{"29.02.2023", time.Time{}, reasonNoSuchDay},
		{"29.02.2024", date(2024, 2, 29), ""},
		{"1990-13-01", time.Time{}, reasonNoSuchDay},
		{"0000-01-01", time.Time{}, reasonNoSuchDay},
		{"32936", time.Time{}, reasonNumber},
		{"1990-03-09 25:00", time.Time{}, reasonNotDate},
		{"9 March 1990", time.Time{}, reasonNotDate},
		{"1990/03/09", time.Time{}, reasonNotDate},
		{"", time.Time{}, reasonNotDate},
		{"+1.03.1990", time.Time{}, reasonNotDate},
	} {
		got, reason := parseDate(tc.in)
		if !got.Equal(tc.want) || reason != tc.reason {
			t.Errorf("parseDate(%q) = %v, %q; want %v, %q", tc.in, got, reason, tc.want, tc.reason)
		}
	}
}

func TestReadListRejectsRows(t *testing.T) {
	in := "name;born;status;captured;rank\n" +
		"Олег Шевченко;03/04/1990;військовий;20.05.2022;\n" + // row 2: ambiguous date
		"Іван Бойко;1979-01-02;солдат;2022-05-20;\n" + // row 3: unknown status
		"Тарас Мельник;09.03.90;civilian;2022-05-20;major\n" + // row 4: two-digit year, civilian with a rank
		";;;;\n" + // row 5: blank, skipped
		"Петро Мороз;1980-01-01;military;2022-05-20;\x01\n" + // row 6: a control character
		"Oleh Shevchenko;1990-01-01;military;2022-05-20;\n" + // row 7: fine
		"Олег Шевченко;1990-01-01;military;2022-05-20;\n" // row 8: duplicate of row 7
	l, err := ReadList([]byte(in), "", today)
	if err != nil {
		t.Fatal(err)
	}
	want := []Rejection{
		{2, "born", reasonAmbiguous},
		{3, "status", "must be military or civilian"},
		{4, "born", reasonShortYear},
		{4, "status", "a civilian has no rank or service number"},
		{6, "rank", "holds control characters"},
		{8, "name", "duplicate of row 7 (same name and date of birth)"},
	}
	if d := cmp.Diff(want, l.Rejections); d != "" {
		t.Errorf("rejections (-want +got):\n%s", d)
	}
	if len(l.Persons) != 1 {
		t.Errorf("%d persons accepted, want 1", len(l.Persons))
	}
	for _, r := range l.Rejections {
		for _, secret := range []string{"Шевченко", "Бойко", "солдат", "major", "1990", "90"} {
			if strings.Contains(r.String(), secret) {
				t.Errorf("rejection %q quotes a value", r)
			}
		}
	}
}

func TestReadListRefusesFiles(t *testing.T) {
	row := "Олег Шевченко;1990-03-09;military;2022-05-20\n"
	var big strings.Builder
	big.WriteString("name,born,status,captured\n")
	for i := range MaxRows + 1 {
		fmt.Fprintf(&big, "Person %s,1990-01-01,military,2022-05-20\n", letterName(i))
	}
	ods := func() []byte {
		var b bytes.Buffer
		z := zip.NewWriter(&b)
		f, _ := z.Create("mimetype")
		f.Write([]byte("application/vnd.oasis.opendocument.spreadsheet"))
		z.Close()
		return b.Bytes()
	}()
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "the file is empty"},
		{"blank", []byte(" \r\n\n"), "the file is empty"},
		{"header only", []byte("name;born;status;captured\r\n"), "no persons below the header (row 1)"},
		{"no header", []byte("a,b\nc,d\n"), "no header row"},
		{"title rows only", []byte(strings.Repeat("Список\n", 12) + "name,born,status,captured\n"), "none of the first 10 rows"},
		{"missing columns", []byte("ПІБ;Дата народження\n" + row), "row 1: missing columns: status, captured"},
		{"no name", []byte("born;status;captured;rank\n" + row), "missing columns: name"},
		{"two name columns", []byte("Name;ПІБ;born;status;captured\n" + row), `two columns are read as name: "Name" and "ПІБ"`},
		{"mixed encodings", append([]byte("name;born;status;captured\n"+row), mustEncode(t, charmap.Windows1251, "Іван Бойко;1979-01-02;military;2022-05-20\n")...), "line 3 is not UTF-8 though the rest of the file is"},
		{"a stray byte", []byte("name;born;status;captured\nТарас \xff Мельник;1990-03-09;military;2022-05-20\n"), "line 2 is not UTF-8"},
		{"UTF-16 cut short", encodeUTF16("name;born", false, true)[:7], "odd number of bytes"},
		{"UTF-16 broken surrogate", append(encodeUTF16("name;born\n", false, true), 0x00, 0xD8, 'a', 0), "line 2 is not valid UTF-16LE"},
		{"bad quoting", []byte("name;born;status;captured\n\"Олег;1990-03-09;military;2022-05-20\n"), "row 2 (line 2) is not well-formed CSV"},
		{"too many rows", []byte(big.String()), fmt.Sprintf("more than %d persons", MaxRows)},
		{"xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), "(.xls)"},
		{"ods", ods, "(.ods)"},
		{"not a workbook", []byte("PK\x03\x04 broken"), "not an .xlsx file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := ReadList(tc.in, "", today)
			if !errors.Is(err, ErrList) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrList containing %q", err, tc.want)
			}
			if l != nil {
				t.Errorf("a list with the error")
			}
		})
	}
}

// letterName spells i in letters (names have no digits).
func letterName(i int) string {
	var b []byte
	for ; i > 0 || len(b) == 0; i /= 26 {
		b = append(b, byte('a'+i%26))
	}
	return string(b)
}

// workbook writes persons as an .xlsx sheet with real date cells, and
// extra sheets as given.
func workbook(t testing.TB, ps []Person, extra ...spreadsheet.Table) []byte {
	t.Helper()
	table := spreadsheet.Table{Name: "Полонені", Header: headerUK}
	for _, p := range ps {
		table.Rows = append(table.Rows, []spreadsheet.Cell{spreadsheet.TextCell(p.Name), spreadsheet.TextCell(p.Transliteration),
			spreadsheet.DateCell(p.Born), spreadsheet.TextCell(string(p.Status)), spreadsheet.TextCell(p.Rank),
			spreadsheet.TextCell(p.ServiceNumber), spreadsheet.TextCell(p.CapturePlace), spreadsheet.DateCell(p.Captured), spreadsheet.TextCell(p.NextOfKin)})
	}
	var b bytes.Buffer
	if err := spreadsheet.WriteXLSX(&b, append([]spreadsheet.Table{table}, extra...)...); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadListXLSX(t *testing.T) {
	ps := sampleList(ukrainianNames)
	l, err := ReadList(workbook(t, ps, spreadsheet.Table{Name: "Empty"}), "", today)
	if err != nil {
		t.Fatal(err)
	}
	if l.Format != FormatXLSX || l.Sheet != "Полонені" || len(l.Rejections) > 0 {
		t.Errorf("format %s, sheet %q, rejections %v", l.Format, l.Sheet, l.Rejections)
	}
	if d := cmp.Diff(ps, l.Persons); d != "" {
		t.Errorf("persons (-want +got):\n%s", d)
	}

	notes := spreadsheet.Table{Name: "Notes", Header: []string{"x"}}
	two := workbook(t, ps, notes)
	if _, err := ReadList(two, "", today); !errors.Is(err, ErrList) || !strings.Contains(err.Error(), `2 sheets with data ("Полонені", "Notes"): choose the sheet`) {
		t.Errorf("two sheets with data: %v", err)
	}
	if l, err := ReadList(two, "полонені", today); err != nil || len(l.Persons) != len(ps) {
		t.Errorf("the sheet named: %v", err)
	}
	if _, err := ReadList(two, "Other", today); err == nil || !strings.Contains(err.Error(), `no sheet named "Other"`) {
		t.Errorf("a sheet that is not there: %v", err)
	}
}

// TestReadListXLSXCells reads the cells Excel writes that a list must
// refuse or read with care: formulas with and without a saved result, an
// error value, a date typed as a number, a service number stored as a
// number.
func TestReadListXLSXCells(t *testing.T) {
	sheet := `<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1" t="inlineStr"><is><t>Born</t></is></c><c r="C1" t="inlineStr"><is><t>Status</t></is></c><c r="D1" t="inlineStr"><is><t>Captured</t></is></c><c r="E1" t="inlineStr"><is><t>Service number</t></is></c></row>` +
		// row 2: a name by formula with its result, dates by style, a numeric service number
		`<row r="2"><c r="A2" t="str"><f>"Oleh "&amp;"Shevchenko"</f><v>Oleh Shevchenko</v></c><c r="B2" s="1"><v>32941</v></c><c r="C2" t="inlineStr"><is><t>military</t></is></c><c r="D2" s="1"><v>44701.75</v></c><c r="E2"><v>1234567</v></c></row>` +
		// row 3: a formula saved without its result; a date as a plain number
		`<row r="3"><c r="A3"><f>CONCAT(X1,Y1)</f></c><c r="B3"><v>32941</v></c><c r="C3" t="inlineStr"><is><t>military</t></is></c><c r="D3" s="1"><v>44701</v></c></row>` +
		// row 4: an error value; a date typed as text
		`<row r="4"><c r="A4" t="inlineStr"><is><t>Ivan Boiko</t></is></c><c r="B4" t="inlineStr"><is><t>09.03.1990</t></is></c><c r="C4" t="e"><f>VLOOKUP(1,Z:Z,2)</f><v>#N/A</v></c><c r="D4" s="1"><v>44701</v></c></row>` +
		// row 5: an error cell holding other text is not quoted
		`<row r="5"><c r="A5" t="inlineStr"><is><t>Petro Moroz</t></is></c><c r="B5" s="1"><v>32941</v></c><c r="C5" t="e"><v>Moroz</v></c><c r="D5" s="1"><v>44701</v></c></row>`
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for name, body := range map[string]string{
		"xl/workbook.xml":            `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
		"xl/styles.xml":              `<styleSheet><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>`,
		"xl/worksheets/sheet1.xml":   `<worksheet><sheetData>` + sheet + `</sheetData></worksheet>`,
	} {
		f, _ := z.Create(name)
		f.Write([]byte(body))
	}
	z.Close()
	l, err := ReadList(b.Bytes(), "", today)
	if err != nil {
		t.Fatal(err)
	}
	want := []Rejection{
		{3, "name", "a formula with no saved result (open and save the file in a spreadsheet program, or paste the values)"},
		{3, "born", reasonNumber},
		{4, "status", "a formula error (#N/A)"},
		{5, "status", "a formula error"},
	}
	if d := cmp.Diff(want, l.Rejections); d != "" {
		t.Errorf("rejections (-want +got):\n%s", d)
	}
	wantP := []Person{
		{Name: "Oleh Shevchenko", Born: date(1990, 3, 9), Status: Military, Captured: date(2022, 5, 20), ServiceNumber: "1234567"},
	}
	if d := cmp.Diff(wantP, l.Persons); d != "" {
		t.Errorf("persons (-want +got):\n%s", d)
	}
}

func FuzzReadList(f *testing.F) {
	f.Add([]byte("name;born;status;captured\nОлег Шевченко;09.03.1990;military;20.05.2022\n"), "")
	f.Add([]byte("sep=\t\nПІБ\tДата народження\tСтатус\tДата полону\n"), "")
	f.Add(mustEncodeF(charmap.Windows1251, "ПІБ;Дата народження;Статус;Дата полону\nІван;03/04/1990;цивільний;1.1.2020\n"), "")
	f.Add(encodeUTF16("name,born,status,captured\r\nx,1990-01-01,civilian,2020-01-01\r\n", false, true), "")
	f.Add(workbook(f, sampleList(ukrainianNames[:2])), "")
	f.Fuzz(func(t *testing.T, data []byte, sheet string) {
		l, err := ReadList(data, sheet, today)
		if err != nil {
			if l != nil || !errors.Is(err, ErrList) {
				t.Fatalf("error %v with list %v", err, l != nil)
			}
			return
		}
		for _, p := range l.Persons {
			if p.key() == "" || p.Born.IsZero() || p.Born.After(today) || p.Captured.After(today) || p.Captured.Before(p.Born) {
				t.Fatalf("accepted an invalid person")
			}
			if p.Status != Military && p.Status != Civilian {
				t.Fatalf("accepted status %q", p.Status)
			}
		}
		for _, r := range l.Rejections {
			if r.Row < 1 || r.Row <= l.HeaderRow || r.Field == "" || r.Reason == "" {
				t.Fatalf("bad rejection %+v", r)
			}
		}
	})
}

func mustEncodeF(cm *charmap.Charmap, s string) []byte {
	b, err := cm.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

// TestExportedListsImport: a list written as CSV (with either delimiter)
// or .xlsx reads back as the same persons, values that look like formulas
// included.
func TestExportedListsImport(t *testing.T) {
	ps := sampleList(append(append([]string{}, ukrainianNames...), latinNames...))
	ps[0].NextOfKin = "=HYPERLINK(\"http://x\")"
	ps[1].Transliteration = "-Vitalii Yizhak"
	ps[2].CapturePlace = "Kherson; \"the bridge\"\nsecond line"
	table := PersonsTable("A", ps)
	for _, opt := range []spreadsheet.CSVOptions{{}, {Comma: ';', BOM: true}, {Comma: '\t'}} {
		var b bytes.Buffer
		if err := spreadsheet.WriteCSV(&b, table, opt); err != nil {
			t.Fatal(err)
		}
		l, err := ReadList(b.Bytes(), "", today)
		if err != nil {
			t.Fatalf("%+v: %v", opt, err)
		}
		if d := cmp.Diff(ps, l.Persons); d != "" || len(l.Rejections) > 0 {
			t.Errorf("CSV %+v: rejections %v, persons (-want +got):\n%s", opt, l.Rejections, d)
		}
	}
	var b bytes.Buffer
	if err := spreadsheet.WriteXLSX(&b, table, RejectionsTable([]Rejection{{2, "born", reasonAmbiguous}})); err != nil {
		t.Fatal(err)
	}
	l, err := ReadList(b.Bytes(), "A", today)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(ps, l.Persons); d != "" {
		t.Errorf("XLSX: persons (-want +got):\n%s", d)
	}
}

func TestReconciliationTable(t *testing.T) {
	a := sampleList(ukrainianNames[:3])
	b := sampleList(russianNames[:2])
	r, err := Reconcile(3, 2, []Candidate{{I: 2, J: 0, Score: 0.8765}})
	if err != nil {
		t.Fatal(err)
	}
	got := ReconciliationTable(r, a, b)
	var rows [][]string
	for _, row := range got.Rows {
		var s []string
		for _, c := range row {
			s = append(s, c.String())
		}
		rows = append(rows, s)
	}
	want := [][]string{
		{OutcomeMatched, "3", a[2].Name, "1972-03-03", "1", b[0].Name, "1970-01-01", "0.88"},
		{OutcomeOnlyA, "1", a[0].Name, "1970-01-01", "", "", "", ""},
		{OutcomeOnlyA, "2", a[1].Name, "1971-02-02", "", "", "", ""},
		{OutcomeOnlyB, "", "", "", "2", b[1].Name, "1971-02-02", ""},
	}
	if d := cmp.Diff(want, rows); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
	if m := MatchesTable(r.Matched, a, b); len(m.Header) != 7 || len(m.Rows) != 1 || len(m.Rows[0]) != 7 {
		t.Errorf("matches table %v", m)
	}
}
