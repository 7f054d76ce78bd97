package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/spreadsheet"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/api"
	"github.com/parley-talks/parley/web/limits"
)

const csvHeader = "name,transliteration,born,status,rank,service_number,capture_place,captured,next_of_kin\n"

// TestCSVBodyImport sends lists as text/csv bodies: a good list beyond the
// JSON body limit is stored; bad files are refused with row, field and
// reason, never a person's value, and store nothing.
func TestCSVBodyImport(t *testing.T) {
	a := newTestAPI(t)
	f := a.seed()
	var e parley.Exchange
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/exchanges", f.track.ID), map[string]any{"title": "Big exchange", "terms": "all for all", "side_a": f.ukraine.ID, "side_b": f.russia.ID}, 201, &e)
	path := fmt.Sprintf("/api/v1/exchanges/%d/lists/%d", e.ID, f.ukraine.ID)

	// A list larger than limits.MaxRequestBodyBytes, sent as text/csv.
	var big strings.Builder
	big.WriteString(csvHeader)
	n := 0
	for big.Len() <= limits.MaxRequestBodyBytes {
		n++
		fmt.Fprintf(&big, "Олександр Миколайович Коваленко-%s,Oleksandr Kovalenko,%d-%02d-%02d,military,lieutenant,UA%07d,Бахмут,2023-05-20,Марія Коваленко (дружина)\n",
			letters(n), 1950+n%50, 1+n%12, 1+n%28, n)
	}
	if w := a.send("POST", path, big.String(), "text/csv"); w.Code != 201 || !strings.Contains(w.Body.String(), fmt.Sprintf(`"added":%d`, n)) {
		t.Fatalf("a %d-byte CSV of %d persons: %d %.300s", big.Len(), n, w.Code, w.Body)
	}
	if w := a.send("POST", path, `{"csv":`+fmt.Sprintf("%q", big.String())+`}`, "application/json"); w.Code != 413 {
		t.Errorf("the same list inside JSON: %d, want 413", w.Code)
	}

	list := func() any {
		var v any
		a.call("GET", path+"?limit=1000", nil, 200, &v)
		return v
	}
	before, snap := list(), a.snapshot()
	tomorrow := parley.Now().AddDate(0, 0, 2).Format("2006-01-02")
	for _, tc := range []struct {
		name, body, want string
	}{
		{"broken UTF-8", csvHeader + "Тарас \xff Мельник,,2000-06-06,military,,,,2024-03-03,\n", "line 2 is not UTF-8"},
		{"missing columns", "name,born,status\nТарас Мельник,2000-06-06,military\n", "row 1: missing columns: captured"},
		{"duplicate within the file", csvHeader + "Тарас Мельник,,2000-06-06,military,,,,2024-03-03,\nTaras Melnyk,,2000-06-06,military,,,,2024-03-03,\n", `{"row":3,"field":"name","reason":"duplicate of row 2`},
		{"duplicate of the stored list", csvHeader + "Тарас Мельник,,2000-06-06,military,,,,2024-03-03,\nОлександр Миколайович Коваленко-" + letters(1) + ",,1951-02-02,military,,,,2023-05-20,\n", `{"row":3,"field":"name","reason":"repeats person 1 already on the list`},
		{"born in the future", csvHeader + "Тарас Мельник,,2000-06-06,military,,,,2024-03-03,\nІван Бойко,,2999-01-02,civilian,,,,2023-01-01,\n", `{"row":3,"field":"born","reason":"in the future"}`},
		{"captured in the future", csvHeader + "Іван Бойко,,1979-01-02,civilian,,,," + tomorrow + ",\n", `{"row":2,"field":"captured","reason":"in the future"}`},
		{"an empty file", "", "the file is empty"},
		{"a workbook that is no workbook", "PK\x03\x04 broken", "not an .xlsx file"},
	} {
		w := a.send("POST", path, tc.body, "text/csv; charset=utf-8")
		body := w.Body.String()
		if w.Code != 400 && w.Code != 409 || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s, want %q", tc.name, w.Code, body, tc.want)
		}
		for _, value := range []string{"Мельник", "Melnyk", "Бойко", "Коваленко", "Kovalenko", "2999", tomorrow} {
			if strings.Contains(body, value) {
				t.Errorf("%s: the refusal quotes %q: %s", tc.name, value, body)
			}
		}
	}
	if d := cmp.Diff(before, list()); d != "" {
		t.Errorf("refused CSVs changed the list (-before +after):\n%s", d)
	}
	a.unchanged(snap)

	// A workbook with the list on its second sheet, Ukrainian headers below
	// a title row: refused until the sheet is named, then read and reported.
	var wb bytes.Buffer
	notes := spreadsheet.Table{Name: "Примітки", Rows: [][]spreadsheet.Cell{{spreadsheet.TextCell("див. аркуш «Список»")}}}
	listSheet := spreadsheet.Table{Name: "Список", Rows: [][]spreadsheet.Cell{{spreadsheet.TextCell("Список військовополонених")}},
		Header: nil}
	listSheet.Rows = append(listSheet.Rows,
		[]spreadsheet.Cell{spreadsheet.TextCell("ПІБ"), spreadsheet.TextCell("Дата народження"), spreadsheet.TextCell("Статус"), spreadsheet.TextCell("Дата полону"), spreadsheet.TextCell("Примітка")},
		[]spreadsheet.Cell{spreadsheet.TextCell("Степан Гнатюк"), spreadsheet.DateCell(time.Date(1988, 2, 3, 0, 0, 0, 0, time.UTC)), spreadsheet.TextCell("військовий"), spreadsheet.TextCell("20.05.2022"), {}},
		[]spreadsheet.Cell{spreadsheet.TextCell("Ганна Гнатюк"), spreadsheet.TextCell("04.05.1990"), spreadsheet.TextCell("цивільна"), spreadsheet.DateCell(time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)), spreadsheet.TextCell("x")})
	if err := spreadsheet.WriteXLSX(&wb, notes, listSheet); err != nil {
		t.Fatal(err)
	}
	xlsx := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	if w := a.send("POST", path, wb.String(), xlsx); w.Code != 400 || !strings.Contains(w.Body.String(), "choose the sheet to import") {
		t.Errorf("a workbook of two sheets with data, none named: %d %s", w.Code, w.Body)
	}
	var read action.PrisonersAdded
	w := a.send("POST", path+"?sheet="+url.QueryEscape("Список"), wb.String(), xlsx)
	if err := json.Unmarshal(w.Body.Bytes(), &read); err != nil || w.Code != 201 || read.Added != 2 || read.Format != "XLSX" ||
		read.Sheet != "Список" || read.HeaderRow != 2 || len(read.Columns) != 4 || !slices.Equal(read.Ignored, []string{"Примітка"}) {
		t.Errorf("the workbook's named sheet: %d %s", w.Code, w.Body)
	}
	// A Windows-1251 CSV with semicolons is read as such, and says so.
	cp1251, _ := charmap.Windows1251.NewEncoder().String("ПІБ;Дата народження;Статус;Дата полону\nОксана Дрозд;07.07.1977;цивільна;01.02.2023\n")
	w = a.send("POST", path, cp1251, "text/csv")
	if err := json.Unmarshal(w.Body.Bytes(), &read); err != nil || w.Code != 201 || read.Encoding != "Windows-1251" || read.Delimiter != ";" || read.Added != 1 {
		t.Errorf("a Windows-1251 CSV: %d %s", w.Code, w.Body)
	}
}

// TestCSVBodyOf100000Rows: a side's file of 10⁵ rows (twice what a list
// may hold, within the body's bound) is refused as a whole, saying why,
// and stores nobody: the reader stops at row 50,001, before the store
// validates or seals anyone.
func TestCSVBodyOf100000Rows(t *testing.T) {
	a := newTestAPI(t)
	f := a.seed()
	var e parley.Exchange
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/exchanges", f.track.ID), map[string]any{"title": "Too big", "terms": "all for all", "side_a": f.ukraine.ID, "side_b": f.russia.ID}, 201, &e)
	path := fmt.Sprintf("/api/v1/exchanges/%d/lists/%d", e.ID, f.ukraine.ID)
	var big strings.Builder
	big.WriteString("name;born;status;captured\n")
	for n := range 100_000 {
		fmt.Fprintf(&big, "Олег Коваль-%s;%02d.%02d.%d;military;20.05.2023\n", letters(n+1), 1+n%28, 1+n%12, 1950+n%50)
	}
	if big.Len() > limits.MaxCSVBodyBytes {
		t.Fatalf("the file is %d bytes, beyond the body's bound", big.Len())
	}
	snap := a.snapshot()
	start := time.Now()
	w := a.send("POST", path, big.String(), "text/csv")
	if w.Code != 400 || !strings.Contains(w.Body.String(), "more than 50000 persons") {
		t.Errorf("10⁵ rows: %d %.300s", w.Code, w.Body)
	}
	t.Logf("10⁵ rows (%d bytes) refused in %v", big.Len(), time.Since(start))
	a.unchanged(snap)
}

// letters spells n in Latin letters, so that generated names differ in
// their letters (the duplicate key ignores digits).
func letters(n int) string {
	var b []byte
	for n > 0 {
		b = append(b, byte('a'+n%26))
		n /= 26
	}
	return string(b)
}

// TestSharedMatchReads: before the mediator shares a match, Russia's
// delegate reads none of Ukraine's list through the API; afterwards
// exactly the counterpart of the shared match, and still no candidates
// or reconciliation.
func TestSharedMatchReads(t *testing.T) {
	a := newTestAPI(t)
	f := a.seed()
	ctx := sysCtx
	ru := a.createTestUser("ru@example.org", "Russian delegate", false)
	if err := a.store.CreateMember(ctx, &parley.Member{TrackID: f.track.ID, UserID: ru.ID, Role: parley.MemberDelegate, PartyID: &f.russia.ID}); err != nil {
		t.Fatal(err)
	}
	var e parley.Exchange
	a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/exchanges", f.track.ID), map[string]any{"title": "Shared", "terms": "n for n", "n": 1, "side_a": f.ukraine.ID, "side_b": f.russia.ID}, 201, &e)
	ua := []*parley.Prisoner{
		{Name: "Олег UAMARK1", Born: "1990-03-04", Status: parley.PrisonerMilitary, Captured: "2022-05-20"},
		{Name: "Іван UAMARKTWO", Born: "1979-01-02", Status: parley.PrisonerCivilian, Captured: "2023-01-01"},
	}
	rus := []*parley.Prisoner{{Name: "Oleg UAMARK1", Born: "1990-03-04", Status: parley.PrisonerMilitary, Captured: "2022-05-20"}}
	if err := a.store.AddPrisoners(ctx, e.ID, f.ukraine.ID, ua); err != nil {
		t.Fatal(err)
	}
	if err := a.store.AddPrisoners(ctx, e.ID, f.russia.ID, rus); err != nil {
		t.Fatal(err)
	}
	m, err := a.store.ConfirmMatch(ctx, e.ID, ua[0].ID, rus[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	admin := a.token
	a.token = a.signIn("ru@example.org", testPassword)
	uaPath := fmt.Sprintf("/api/v1/exchanges/%d/lists/%d", e.ID, f.ukraine.ID)
	if w := a.do("GET", uaPath, nil); w.Code != 200 || strings.Contains(w.Body.String(), "UAMARK") {
		t.Errorf("before the share: %d %s", w.Code, w.Body)
	}
	if w := a.do("POST", fmt.Sprintf("/api/v1/matches/%d/sharing", m.ID), map[string]any{"shared": true}); w.Code != 403 {
		t.Errorf("a delegate shares: %d %s", w.Code, w.Body)
	}
	a.token = admin
	a.call("POST", fmt.Sprintf("/api/v1/matches/%d/sharing", m.ID), map[string]any{"shared": true}, 200, nil)
	a.token = a.signIn("ru@example.org", testPassword)
	var got api.List[parley.Prisoner]
	a.call("GET", uaPath, nil, 200, &got)
	if got.Total != 1 || got.Items[0].ID != ua[0].ID || got.Items[0].Name != ua[0].Name {
		t.Errorf("after the share the delegate reads %+v, want exactly person %d", got, ua[0].ID)
	}
	for _, sub := range []string{"candidates", "reconciliation"} {
		if w := a.do("GET", fmt.Sprintf("/api/v1/exchanges/%d/%s", e.ID, sub), nil); w.Code != 404 || strings.Contains(w.Body.String(), "UAMARKTWO") {
			t.Errorf("the delegate reads the %s: %d %s", sub, w.Code, w.Body)
		}
	}
}

// TestOpenAPICSVBodies: the add-persons operation declares its text/csv
// body as a media type of its own beside JSON, and the import its
// multipart/form-data body with the media type of its files.
func TestOpenAPICSVBodies(t *testing.T) {
	s, err := New(Config{Store: nilStore{}, Authenticator: systemAuth{}})
	if err != nil {
		t.Fatal(err)
	}
	doc := loadOpenAPI(t, s)
	api := doc.Paths.Value("/api/v1/exchanges/{id}/lists/{party}").Post.RequestBody.Value.Content
	if api.Get("application/json") == nil || api.Get("text/csv") == nil {
		t.Fatalf("addPrisoners body media types: %v", slices.Sorted(maps.Keys(api)))
	}
	if csv := api.Get("text/csv").Schema.Value; !csv.Type.Is("string") || !strings.Contains(csv.Description, "service_number") {
		t.Errorf("the text/csv schema does not describe the columns")
	}
	// The page's upload form is no part of the API's document; the API's
	// own multipart body, the import of a scenario, is.
	if doc.Paths.Value("/exchanges/{id}/lists/{party}") != nil {
		t.Errorf("the page's upload form is documented as API")
	}
	imp := doc.Paths.Value("/api/v1/tracks/import").Post.RequestBody.Value.Content.Get("multipart/form-data")
	if imp == nil {
		t.Fatal("the import's multipart/form-data body is not documented")
	}
	form := imp.Schema.Value
	if form.Properties["domain"] == nil || form.Properties["profile"] == nil || !form.Properties["profile"].Value.Type.Is("array") {
		t.Errorf("the import's multipart schema lacks the domain or the profiles: %v", slices.Sorted(maps.Keys(form.Properties)))
	}
	if enc := imp.Encoding["domain"]; enc == nil || enc.ContentType != "application/xml" {
		t.Errorf("the domain part's media type is not documented")
	}
}
