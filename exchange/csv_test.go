package exchange

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var today = time.Date(2026, 11, 29, 15, 0, 0, 0, time.UTC)

const header = "name,transliteration,born,status,rank,service_number,capture_place,captured,next_of_kin\n"

func TestParseCSVAccepts(t *testing.T) {
	in := "\ufeff" + header +
		"Олег Шевченко,Oleh Shevchenko,1990-03-04,military,sergeant,AA123,Mariupol,2022-05-20,Olena Shevchenko (mother)\n" +
		"Іван Бойко,,1979-01-02,Civilian,,,Kherson,2026-11-29,\n"
	ps, rej, err := ParseCSV(strings.NewReader(in), today)
	if err != nil || len(rej) != 0 {
		t.Fatalf("ParseCSV: %v, %v", err, rej)
	}
	want := []Person{
		{Name: "Олег Шевченко", Transliteration: "Oleh Shevchenko", Born: time.Date(1990, 3, 4, 0, 0, 0, 0, time.UTC),
			Status: Military, Rank: "sergeant", ServiceNumber: "AA123", CapturePlace: "Mariupol",
			Captured: time.Date(2022, 5, 20, 0, 0, 0, 0, time.UTC), NextOfKin: "Olena Shevchenko (mother)"},
		{Name: "Іван Бойко", Born: time.Date(1979, 1, 2, 0, 0, 0, 0, time.UTC), Status: Civilian,
			CapturePlace: "Kherson", Captured: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)},
	}
	if d := cmp.Diff(want, ps); d != "" {
		t.Errorf("persons (-want +got):\n%s", d)
	}
}

func TestParseCSVRejectsRows(t *testing.T) {
	in := header +
		"Олег Шевченко,,1990-03-04,military,,,,2022-05-20,\n" + // row 2: fine
		",,1990-03-04,military,,,,2022-05-20,\n" + // row 3: no name
		"Іван Бойко,,2027-01-02,military,,,,2022-05-20,\n" + // row 4: born in the future
		"Іван Бойко,,1979-01-02,military,,,,2030-01-01,\n" + // row 5: captured in the future
		"Петро Мороз,,02/03/1980,soldier,,,,2022-05-20,\n" + // row 6: bad date, bad status
		"Oleh Shevchenko,,1990-03-04,military,,,,2022-05-20,\n" + // row 7: duplicate of row 2
		"Тарас Мельник,,1990-03-04,civilian,major,,,2022-05-20,\n" + // row 8: civilian with a rank
		"Тарас Мельник,,1990-03-04,military,,,,1980-01-01,\n" + // row 9: captured before birth
		"Тарас Мельник,,,,,,,,\n" // row 10: short row, missing everything
	ps, rej, err := ParseCSV(strings.NewReader(in), today)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 {
		t.Errorf("accepted %d persons, want 1", len(ps))
	}
	want := []Rejection{
		{3, "name", "missing"},
		{4, "born", "in the future"},
		{4, "captured", "before the date of birth"},
		{5, "captured", "in the future"},
		{6, "born", "not a date (YYYY-MM-DD)"},
		{6, "status", "must be military or civilian"},
		{7, "name", "duplicate of row 2 (same name and date of birth)"},
		{8, "status", "a civilian has no rank or service number"},
		{9, "captured", "before the date of birth"},
		{10, "born", "missing"},
		{10, "captured", "missing"},
		{10, "status", "missing (military or civilian)"},
	}
	if d := cmp.Diff(want, rej); d != "" {
		t.Errorf("rejections (-want +got):\n%s", d)
	}
	for _, r := range rej {
		for _, secret := range []string{"Шевченко", "Shevchenko", "Бойко", "Мельник", "major"} {
			if strings.Contains(r.String(), secret) {
				t.Errorf("rejection %q quotes a value", r)
			}
		}
	}
}

func TestParseCSVRefusesFiles(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "the file is empty"},
		{"missing columns", "name,born,status\nОлег,1990-01-01,military\n", "missing columns: transliteration, rank, service_number, capture_place, captured, next_of_kin"},
		{"windows-1251", header + "\xce\xeb\xe5\xe3,,1990-03-04,military,,,,2022-05-20,\n", "row 2 is not valid UTF-8"},
		{"bad quoting", header + "\"Олег,,1990-03-04,military,,,,2022-05-20,\n", "exchange: csv: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, rej, err := ParseCSV(strings.NewReader(tc.in), today)
			if !errors.Is(err, ErrCSV) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrCSV containing %q", err, tc.want)
			}
			if ps != nil || rej != nil {
				t.Errorf("got persons %v and rejections %v with the error", ps, rej)
			}
		})
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add(header + "Олег Шевченко,,1990-03-04,military,,,,2022-05-20,\n")
	f.Add(header + "\"a\"\"b\",,1990-03-04,civilian,,,,2022-05-20,\n,,,\n")
	f.Fuzz(func(t *testing.T, in string) {
		ps, rej, err := ParseCSV(strings.NewReader(in), today)
		if err != nil && (ps != nil || rej != nil) {
			t.Fatal("results returned with an error")
		}
		for _, p := range ps {
			if p.key() == "" || p.Born.After(today) || p.Captured.After(today) {
				t.Fatalf("accepted an invalid person")
			}
			if p.Status != Military && p.Status != Civilian {
				t.Fatalf("accepted status %q", p.Status)
			}
		}
		for _, r := range rej {
			if r.Row < 2 || r.Field == "" || r.Reason == "" {
				t.Fatalf("bad rejection %+v", r)
			}
		}
	})
}
