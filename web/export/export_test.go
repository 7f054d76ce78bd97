package export

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/exchange"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/spreadsheet"
	"github.com/parley-talks/parley/web/action"
)

// TestListsReadBack: a list exported in any language — its headers, its
// statuses, its dates — reads back through exchange.ReadList as it was,
// every column known but the id and the handover, which it ignores.
func TestListsReadBack(t *testing.T) {
	handed := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	ps := []*parley.Prisoner{
		{ID: 7, Name: "Олег Петрович Шевченко", Transliteration: "Oleh Shevchenko", Born: "1990-03-04", Status: parley.PrisonerMilitary,
			Rank: "сержант", ServiceNumber: "UA-1", CapturePlace: "Маріуполь", Captured: "2022-05-20", NextOfKin: "мати", HandedOverAt: &handed},
		{ID: 9, Name: "Іван Бойко", Born: "1979-01-02", Status: parley.PrisonerCivilian, Captured: "2023-01-01"},
	}
	if len(listColumns) != len(exchange.Columns)+3 {
		t.Fatalf("the words of the columns: %v", listColumns)
	}
	for _, l := range i18n.Supported {
		p := i18n.New(l)
		v := &action.ExchangeView{Lists: []action.SideList{{PartyID: 1, Persons: ps, Whole: true}}}
		_, tables := ExchangeTables(p, v, map[int64]string{1: "Україна"})
		for _, f := range []Format{CSV, XLSX} {
			var b bytes.Buffer
			var err error
			if f == CSV {
				err = spreadsheet.WriteCSV(&b, tables[0], spreadsheet.CSVOptions{BOM: true})
			} else {
				err = spreadsheet.WriteXLSX(&b, tables[0])
			}
			if err != nil {
				t.Fatal(err)
			}
			list, err := exchange.ReadList(b.Bytes(), "", time.Now())
			if err != nil || len(list.Rejections) > 0 || len(list.Persons) != len(ps) {
				t.Fatalf("%s %s: %v %v", l, f.Name, err, list)
			}
			if len(list.Columns) != len(exchange.Columns) || len(list.Ignored) != 2 {
				t.Errorf("%s %s: columns %v, ignored %v", l, f.Name, list.Columns, list.Ignored)
			}
			for i, x := range list.Persons {
				want := ps[i]
				if x.Name != want.Name || x.Transliteration != want.Transliteration || x.Born.Format(time.DateOnly) != want.Born ||
					string(x.Status) != string(want.Status) || x.Rank != want.Rank || x.ServiceNumber != want.ServiceNumber ||
					x.CapturePlace != want.CapturePlace || x.Captured.Format(time.DateOnly) != want.Captured || x.NextOfKin != want.NextOfKin {
					t.Errorf("%s %s: person %d reads back as %+v", l, f.Name, i, x)
				}
			}
		}
	}
}

// TestRejectionsInTheReadersLanguage: a rejection's reason and column in
// the reader's words; the store's reasons, which have no format, as they
// are.
func TestRejectionsInTheReadersLanguage(t *testing.T) {
	l, err := exchange.ReadList([]byte("ПІБ;Дата народження;Статус;Дата полону\nТарас Мельник;03/04/1990;військовий;20.05.2022\n"), "", time.Now())
	if err != nil || len(l.Rejections) != 1 {
		t.Fatal(err, l)
	}
	uk := i18n.New(i18n.Ukrainian)
	rows := append(l.Rejections, exchange.Rejection{Row: 3, Field: "name", Reason: "repeats person 1 already on the list"})
	tab := RejectionsTable(uk, rows)
	want := [][]string{{"2", "Дата народження", "неоднозначно: день і місяць можна прочитати в будь-якому порядку (пишіть РРРР-ММ-ДД або ДД.ММ.РРРР)"},
		{"3", "ПІБ", "repeats person 1 already on the list"}}
	for i, r := range tab.Rows {
		got := []string{r[0].String(), r[1].String(), r[2].String()}
		if !slices.Equal(got, want[i]) {
			t.Errorf("row %d: %q, want %q", i, got, want[i])
		}
	}
}

// TestLanguage: the lang parameter, else the pages' choice, else
// Accept-Language, else English; a value naming no language is passed
// over.
func TestLanguage(t *testing.T) {
	for _, tc := range []struct {
		query, cookie, accept string
		want                  i18n.Lang
	}{
		{"?lang=uk", "ru", "ar", i18n.Ukrainian},
		{"?lang=xx", "ru", "ar", i18n.Russian},
		{"", "", "ar-EG,ar;q=0.9", i18n.Arabic},
		{"", "zz", "", i18n.English},
	} {
		r := httptest.NewRequest("GET", "/x"+tc.query, nil)
		if tc.cookie != "" {
			r.AddCookie(&http.Cookie{Name: LangCookie, Value: tc.cookie})
		}
		r.Header.Set("Accept-Language", tc.accept)
		if got := Language(r, nil); got != tc.want {
			t.Errorf("%+v: %s", tc, got)
		}
	}
}

func TestChooseFormatAndSend(t *testing.T) {
	r := httptest.NewRequest("GET", "/x?format=odt", nil)
	if _, err := ChooseFormat(r, "format", PDF, DOCX); parley.ErrorCode(err) != parley.EINVALID {
		t.Errorf("an unknown format: %v", err)
	}
	if f, err := ChooseFormat(httptest.NewRequest("GET", "/x", nil), "format", DOCX, PDF); err != nil || f != DOCX {
		t.Errorf("no format: %v %v", f, err)
	}
	w := httptest.NewRecorder()
	if err := Send(w, "Заява: «мир»/2024\x01", PDF, i18n.Ukrainian, func(out io.Writer) error { _, err := io.WriteString(out, "%PDF"); return err }); err != nil {
		t.Fatal(err)
	}
	h := w.Header()
	if h.Get("Content-Type") != "application/pdf" || h.Get("Content-Language") != "uk" || h.Get("Cache-Control") != "no-store" ||
		h.Get("Content-Disposition") != `attachment; filename*=utf-8''%D0%97%D0%B0%D1%8F%D0%B2%D0%B0-%20%C2%AB%D0%BC%D0%B8%D1%80%C2%BB-2024-.pdf` {
		t.Errorf("headers: %v", h)
	}
}
