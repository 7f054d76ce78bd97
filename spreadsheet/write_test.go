package spreadsheet

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestWriteXLSXRoundTrip(t *testing.T) {
	persons := Table{
		Name:   "Список: A/B",
		Header: []string{"name", "born", "captured", "service_number", "released", "note"},
		Rows: [][]Cell{
			{TextCell("Олег Шевченко"), DateCell(day(1990, 3, 4)), DateCell(time.Date(2022, 5, 20, 14, 30, 0, 0, time.UTC)), NumberCell(1234567), {Kind: Bool, Bool: true}, TextCell("<to be named> & \"quoted\"")},
			{TextCell("Müller, Jürgen"), DateCell(day(1899, 1, 1)), {}, NumberCell(0.1), {Kind: Bool}, TextCell("tab\there\nline\r\nctl\x01\x1f _x0041_ 😀")},
			{TextCell("=HYPERLINK(\"x\")"), {}, {}, NumberCell(math.NaN())},
		},
	}
	second := Table{Name: "список: a/b", Header: []string{"x"}, Rows: [][]Cell{{TextCell("Олег Шевченко")}}}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, persons, second, Table{}); err != nil {
		t.Fatal(err)
	}
	w, err := OpenXLSX(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range w.Sheets {
		names = append(names, s.Name)
	}
	if d := cmp.Diff([]string{"Список_ A_B", "список_ a_b (2)", "Sheet3"}, names); d != "" {
		t.Errorf("sheet names (-want +got):\n%s", d)
	}
	want := []scanned{
		{1, []Cell{TextCell("name"), TextCell("born"), TextCell("captured"), TextCell("service_number"), TextCell("released"), TextCell("note")}},
		{2, persons.Rows[0]},
		// A date before 1900-03-01 has no serial and is written as text.
		{3, []Cell{persons.Rows[1][0], TextCell("1899-01-01"), {}, NumberCell(0.1), {Kind: Bool}, persons.Rows[1][5]}},
		{4, []Cell{persons.Rows[2][0], {}, {}, {Kind: Error, Text: "#NUM!"}}},
	}
	if d := cmp.Diff(want, scanAll(t, w, names[0])); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
	// Every part is well-formed XML, and the bytes are the same each time.
	z, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	for _, f := range z.File {
		rc, _ := f.Open()
		d := xml.NewDecoder(rc)
		for {
			if _, err := d.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
		}
	}
	var again bytes.Buffer
	WriteXLSX(&again, persons, second, Table{})
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("the same tables made different bytes")
	}
	if err := WriteXLSX(io.Discard); err == nil {
		t.Error("a workbook without tables was written")
	}
}

func TestWriteCSV(t *testing.T) {
	table := Table{
		Header: []string{"name", "born", "n", "note"},
		Rows: [][]Cell{
			{TextCell("Олег; Шевченко"), DateCell(day(1990, 3, 4)), NumberCell(-12), TextCell("=1+1")},
			{TextCell("+380 44"), {}, NumberCell(1e21), TextCell("@SUM(A1)")},
			{TextCell("-"), {}, {}, TextCell("a \"quote\"\nand a line")},
		},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, table, CSVOptions{Comma: ';', BOM: true}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\ufeffname;born;n;note\r\n") {
		t.Errorf("start %q", out[:min(len(out), 40)])
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff")))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"name", "born", "n", "note"},
		{"Олег; Шевченко", "1990-03-04", "-12", "'=1+1"},
		{"'+380 44", "", "1000000000000000000000", "'@SUM(A1)"},
		{"'-", "", "", "a \"quote\"\nand a line"},
	}
	if d := cmp.Diff(want, recs); d != "" {
		t.Errorf("records (-want +got):\n%s", d)
	}
	for i, rec := range recs[1:] {
		for j, f := range rec {
			if got, orig := ReadCSVField(f), table.Rows[i][j].String(); got != orig {
				t.Errorf("row %d field %d: ReadCSVField(%q) = %q, want %q", i, j, f, got, orig)
			}
		}
	}
	if ReadCSVField("'Brien") != "'Brien" || ReadCSVField("'") != "'" {
		t.Error("ReadCSVField changed a field it did not defuse")
	}
}

func TestCellString(t *testing.T) {
	for _, tc := range []struct {
		c    Cell
		want string
	}{
		{NumberCell(0.1 + 0.2), "0.3"}, {NumberCell(1234567890123), "1234567890123"}, {NumberCell(-2.5), "-2.5"},
		{DateCell(day(2024, 2, 29)), "2024-02-29"}, {DateCell(time.Date(2024, 2, 29, 8, 5, 0, 0, time.UTC)), "2024-02-29 08:05:00"},
		{Cell{Kind: Bool}, "FALSE"}, {Cell{Kind: Error, Text: "#N/A"}, "#N/A"}, {Cell{Formula: true}, ""},
	} {
		if got := tc.c.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.c, got, tc.want)
		}
	}
}
