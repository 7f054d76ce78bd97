package exchange_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/exchange"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/spreadsheet"
	"github.com/parley-talks/parley/sqlite"
)

// syllables spell a number in Cyrillic, a syllable per decimal digit, so
// that every generated name folds to its own key.
var syllables = []string{"ко", "ва", "лі", "ну", "ре", "со", "ти", "да", "ме", "пи"}

// sideList is n persons as a side keeps them: Ukrainian headers, dates
// written day first.
func sideList(n int) spreadsheet.Table {
	t := spreadsheet.Table{Name: "Список", Header: []string{"ПІБ", "Дата народження", "Статус", "Звання", "Особовий номер", "Місце полону", "Дата полону", "Найближчі родичі"}}
	for i := range n {
		var fam strings.Builder
		fam.WriteString("Ш")
		for _, d := range fmt.Sprint(i) {
			fam.WriteString(syllables[d-'0'])
		}
		fam.WriteString("енко")
		born := time.Date(1960+i%40, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		t.Rows = append(t.Rows, []spreadsheet.Cell{
			spreadsheet.TextCell("Олександр Петрович " + fam.String()), spreadsheet.DateCell(born), spreadsheet.TextCell("військовослужбовець"),
			spreadsheet.TextCell("сержант"), spreadsheet.TextCell(fmt.Sprintf("UA-%07d", i)), spreadsheet.TextCell("Бахмут"),
			spreadsheet.DateCell(time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC)), spreadsheet.TextCell("мати, Київ"),
		})
	}
	return t
}

// windows1251CSV is the list as Excel saves it in a Ukrainian locale:
// semicolons, Windows-1251, dates as DD.MM.YYYY.
func windows1251CSV(tb testing.TB, t spreadsheet.Table) []byte {
	for _, row := range t.Rows {
		for i, c := range row {
			if c.Kind == spreadsheet.Date {
				row[i] = spreadsheet.TextCell(c.Time.Format("02.01.2006"))
			}
		}
	}
	var b bytes.Buffer
	if err := spreadsheet.WriteCSV(&b, t, spreadsheet.CSVOptions{Comma: ';'}); err != nil {
		tb.Fatal(err)
	}
	out, err := charmap.Windows1251.NewEncoder().Bytes(b.Bytes())
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func xlsxFile(tb testing.TB, t spreadsheet.Table) []byte {
	var b bytes.Buffer
	if err := spreadsheet.WriteXLSX(&b, t); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// BenchmarkImport10000 imports a side's list of 10,000 persons from the
// file to the store, as the import route does: read the file, and store
// the persons (validated, checked for repeats, sealed, one ledger entry
// each) in a new exchange of a SQLite store; and, for comparison in the
// same run, the store's write alone of the same persons, read beforehand.
func BenchmarkImport10000(b *testing.B) {
	const n = 10_000
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	for _, f := range []struct {
		name string
		data func(testing.TB, spreadsheet.Table) []byte
		read bool // read the file in the loop
	}{{"csv-windows-1251-semicolon", windows1251CSV, true}, {"xlsx", xlsxFile, true}, {"store-alone", windows1251CSV, false}} {
		b.Run(f.name, func(b *testing.B) {
			data := f.data(b, sideList(n))
			db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "parley.db"), sqlite.MasterKey(seal.GenerateMasterKey()))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			e0 := exchangeOf(b, ctx, db)
			read := func() []exchange.Person {
				l, err := exchange.ReadList(data, "", time.Now())
				if err != nil || len(l.Rejections) > 0 || len(l.Persons) != n {
					b.Fatalf("%v %v %d", err, l.Rejections, len(l.Persons))
				}
				return l.Persons
			}
			persons := read()
			if f.read {
				b.SetBytes(int64(len(data)))
			}
			// The process's CPU time (user + system) per import, beside the
			// wall time: what the import costs whatever else the machine
			// runs, the wall time an idle machine would show.
			cpu0 := cpuTime(b)
			defer func() { b.ReportMetric(float64((cpuTime(b)-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op") }()
			for b.Loop() {
				if f.read {
					persons = read()
				}
				e := *e0
				e.ID = 0
				if err := db.CreateExchange(ctx, &e); err != nil {
					b.Fatal(err)
				}
				if err := db.AddPrisoners(ctx, e.ID, e.SideA, prisoners(persons)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func exchangeOf(b *testing.B, ctx context.Context, db *sqlite.DB) *parley.Exchange {
	ua := &parley.Party{Name: "Ukraine", Kind: parley.PartyState}
	ru := &parley.Party{Name: "Russia", Kind: parley.PartyState}
	for _, p := range []*parley.Party{ua, ru} {
		if err := db.CreateParty(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
	tr := &parley.Track{Title: "Prisoners", Mandate: "m", Parties: []parley.TrackParty{{PartyID: ua.ID, Role: parley.RolePrincipal}, {PartyID: ru.ID, Role: parley.RolePrincipal}}}
	if err := db.CreateTrack(ctx, tr); err != nil {
		b.Fatal(err)
	}
	return &parley.Exchange{TrackID: tr.ID, Title: "All for all", Terms: parley.TermsAllForAll, SideA: ua.ID, SideB: ru.ID}
}

func prisoners(ps []exchange.Person) []*parley.Prisoner {
	out := make([]*parley.Prisoner, len(ps))
	for i, p := range ps {
		out[i] = &parley.Prisoner{Name: p.Name, Transliteration: p.Transliteration, Born: p.Born.Format(time.DateOnly),
			Status: parley.PrisonerStatus(p.Status), Rank: p.Rank, ServiceNumber: p.ServiceNumber, CapturePlace: p.CapturePlace,
			Captured: p.Captured.Format(time.DateOnly), NextOfKin: p.NextOfKin}
	}
	return out
}

// BenchmarkReadList10000 reads the files alone: the nine English headers
// in UTF-8 with commas and ISO dates, the Ukrainian Windows-1251 CSV with
// semicolons and day-first dates, and the workbook.
func BenchmarkReadList10000(b *testing.B) {
	const n = 10_000
	list := sideList(n)
	var iso bytes.Buffer
	en := spreadsheet.Table{Header: exchange.Columns}
	for _, r := range list.Rows {
		en.Rows = append(en.Rows, []spreadsheet.Cell{r[0], {}, r[1], spreadsheet.TextCell("military"), r[3], r[4], r[5], r[6], r[7]})
	}
	spreadsheet.WriteCSV(&iso, en, spreadsheet.CSVOptions{})
	files := map[string][]byte{"xlsx": xlsxFile(b, sideList(n)), "csv-windows-1251-semicolon": windows1251CSV(b, sideList(n)), "csv-utf8-comma-iso": iso.Bytes()}
	for _, name := range []string{"csv-utf8-comma-iso", "csv-windows-1251-semicolon", "xlsx"} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(files[name])))
			for b.Loop() {
				if l, err := exchange.ReadList(files[name], "", time.Now()); err != nil || len(l.Persons) != n {
					b.Fatal(err)
				}
			}
		})
	}
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
