package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
)

// benchExchange opens a store with a track of two principals and an
// all-for-all exchange between them, and returns n persons for a list.
func benchExchange(b *testing.B, n int) (*sqlite.DB, *parley.Exchange, []*parley.Prisoner) {
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "parley.db"), sqlite.MasterKey(seal.GenerateMasterKey()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
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
	e := &parley.Exchange{TrackID: tr.ID, Title: "All for all", Terms: parley.TermsAllForAll, SideA: ua.ID, SideB: ru.ID}
	if err := db.CreateExchange(ctx, e); err != nil {
		b.Fatal(err)
	}
	ps := make([]*parley.Prisoner, n)
	for i := range ps {
		ps[i] = &parley.Prisoner{Name: "Особа " + cyrillicNumber(i), Transliteration: "Osoba",
			Born: fmt.Sprintf("19%02d-%02d-%02d", 60+i%40, 1+i%12, 1+i%28), Status: parley.PrisonerMilitary, Rank: "sergeant",
			ServiceNumber: fmt.Sprintf("UA-%07d", i), CapturePlace: "Bakhmut", Captured: "2023-05-01", NextOfKin: "mother, Kyiv"}
	}
	return db, e, ps
}

// BenchmarkAddPrisoners10000 imports one side's list of 10,000 persons in
// one all-or-nothing write: each person validated, checked for duplicates,
// sealed and stored, with one ledger entry.
func BenchmarkAddPrisoners10000(b *testing.B) {
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	db, _, ps := benchExchange(b, 10_000)
	e0, _ := db.FindExchanges(ctx, 1)
	for b.Loop() {
		e := *e0[0]
		e.ID = 0
		if err := db.CreateExchange(ctx, &e); err != nil {
			b.Fatal(err)
		}
		for _, p := range ps {
			p.ID = 0
		}
		if err := db.AddPrisoners(ctx, e.ID, e.SideA, ps); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(ps))/b.Elapsed().Seconds(), "persons/s")
}

// BenchmarkFindPrisoners10000 reads (and opens) a list of 10,000 persons.
func BenchmarkFindPrisoners10000(b *testing.B) {
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	db, e, ps := benchExchange(b, 10_000)
	if err := db.AddPrisoners(ctx, e.ID, e.SideA, ps); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		got, err := db.FindPrisoners(ctx, e.ID, e.SideA)
		if err != nil || len(got) != len(ps) {
			b.Fatal(len(got), err)
		}
	}
}

// cyrillicNumber spells i in Cyrillic syllables (consonant + vowel, so
// that no letter doubles), making each name differ from every other once
// folded: the key drops digits and collapses doubled letters.
func cyrillicNumber(i int) string {
	consonants, vowels := []rune("бвдклмнпрст"), []rune("аоу")
	out := []rune{'Б', 'о'}
	for {
		d := i % (len(consonants) * len(vowels))
		out = append(out, consonants[d/len(vowels)], vowels[d%len(vowels)])
		i /= len(consonants) * len(vowels)
		if i == 0 {
			return string(out)
		}
	}
}
