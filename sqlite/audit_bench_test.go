package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/internal/sqlstore"
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

// BenchmarkAuditVerify measures VerifyAudit over a ledger of 10⁶ entries
// (PARLEY_BENCH_ENTRIES overrides) and their current rows, written through
// the store as a busy server writes them: sealed profile versions of two
// parties on four tracks from 16 concurrent callers, each write a new row
// (its MAC recorded in the entry) and an entry. VerifyAudit then checks the
// whole tree and every signed checkpoint, replays the entries' recorded
// rows, checks every stored row's MAC against the ledger's latest record of
// it, and opens every sealed field. Building the store takes minutes; it is
// built once (b.Loop).
func BenchmarkAuditVerify(b *testing.B) {
	n := int64(1_000_000)
	if v := os.Getenv("PARLEY_BENCH_ENTRIES"); v != "" {
		if _, err := fmt.Sscan(v, &n); err != nil {
			b.Fatalf("PARLEY_BENCH_ENTRIES=%q: %v", v, err)
		}
	}
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	// PARLEY_BENCH_DB keeps the store (and its key, beside it) for later
	// runs, which then verify it without building it again.
	path := os.Getenv("PARLEY_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "parley.db")
	}
	var built time.Duration
	if _, err := os.Stat(path); err != nil {
		start := time.Now()
		buildVerifyBench(b, ctx, path, n)
		built = time.Since(start)
	}
	key, err := seal.LoadKeyFile(path + ".key")
	if err != nil {
		b.Fatal(err)
	}
	ro, err := sqlite.Open(ctx, path, sqlite.MasterKey(key), sqlite.ReadOnly())
	if err != nil {
		b.Fatal(err)
	}
	defer ro.Close()
	var rep sqlstore.AuditReport
	cpu0 := cpuTime()
	for b.Loop() {
		if rep, err = ro.VerifyAudit(ctx, sqlstore.VerifyOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(rep.Size), "entries")
	b.ReportMetric(float64(rep.Rows), "rows")
	b.ReportMetric(float64(rep.Sealed), "sealed")
	if built > 0 {
		b.ReportMetric(built.Seconds(), "build-s")
	}
}

// buildVerifyBench writes the store of BenchmarkAuditVerify at path, with
// its key in path.key, through the store's own writes until its ledger
// holds n entries.
func buildVerifyBench(b *testing.B, ctx context.Context, path string, n int64) {
	key := seal.GenerateMasterKey()
	if err := seal.WriteKeyFile(path+".key", key); err != nil {
		b.Fatal(err)
	}
	db, err := sqlite.Open(ctx, path, sqlite.MasterKey(key))
	if err != nil {
		b.Fatal(err)
	}
	var parties []*parley.Party
	for _, name := range []string{"Ukraine", "Russia"} {
		p := &parley.Party{Name: name, Kind: parley.PartyState}
		if err := db.CreateParty(ctx, p); err != nil {
			b.Fatal(err)
		}
		parties = append(parties, p)
	}
	var tracks []*parley.Track
	for i := range 4 {
		tr := &parley.Track{Title: fmt.Sprintf("Track %d", i), Mandate: "m",
			Parties: []parley.TrackParty{{PartyID: parties[0].ID, Role: parley.RolePrincipal}, {PartyID: parties[1].ID, Role: parley.RolePrincipal}},
			Themes:  []*parley.Theme{{Name: "Ceasefire", Options: []parley.Option{{Label: "none"}, {Label: "full"}}}}}
		if err := db.CreateTrack(ctx, tr); err != nil {
			b.Fatal(err)
		}
		tracks = append(tracks, tr)
	}
	size := func() int64 {
		cp, err := db.LatestCheckpoint(ctx)
		if err != nil {
			b.Fatal(err)
		}
		return cp.Size
	}
	var next atomic.Int64
	next.Store(size())
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := next.Add(1); i <= n; i = next.Add(1) {
				content := parley.ProfileContent{Weights: map[string]float64{"Ceasefire": 1}, Reservation: 0.4,
					Notes: fmt.Sprintf("a confidential note of moderate length, version %d", i)}
				p := &parley.Profile{TrackID: tracks[(int(i)+w)%len(tracks)].ID, PartyID: parties[int(i)%2].ID, Content: content}
				if err := db.PutProfile(ctx, p); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
}
