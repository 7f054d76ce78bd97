package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
)

// BenchmarkSealedAuditedWrites measures sealed, audited profile writes per
// second through the store from concurrent callers (group commit,
// synchronous=FULL).
func BenchmarkSealedAuditedWrites(b *testing.B) {
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "parley.db"), sqlite.MasterKey(seal.GenerateMasterKey()))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	p := &parley.Party{Name: "Ukraine", Kind: parley.PartyState}
	if err := db.CreateParty(ctx, p); err != nil {
		b.Fatal(err)
	}
	tr := &parley.Track{Title: "T", Mandate: "m", Parties: []parley.TrackParty{{PartyID: p.ID, Role: parley.RolePrincipal}},
		Themes: []*parley.Theme{{Name: "Ceasefire", Options: []parley.Option{{Label: "none"}, {Label: "full"}}}}}
	if err := db.CreateTrack(ctx, tr); err != nil {
		b.Fatal(err)
	}
	content := parley.ProfileContent{Weights: map[string]float64{"Ceasefire": 1}, Reservation: 0.4, Notes: "a confidential note of moderate length"}
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := db.PutProfile(ctx, &parley.Profile{TrackID: tr.ID, PartyID: p.ID, Content: content}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
}
