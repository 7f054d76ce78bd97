package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/internal/sqlstore"
	"github.com/parley-talks/parley/ledger"
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
// (PARLEY_BENCH_ENTRIES overrides), written directly into the database in
// chunks of CheckpointEvery entries, each chunk followed by a signed
// checkpoint as the store signs them: about a thousand checkpoints.
func BenchmarkAuditVerify(b *testing.B) {
	n := int64(1_000_000)
	if v := os.Getenv("PARLEY_BENCH_ENTRIES"); v != "" {
		fmt.Sscan(v, &n)
	}
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	path := filepath.Join(b.TempDir(), "parley.db")
	key := seal.GenerateMasterKey()
	db, err := sqlite.Open(ctx, path, sqlite.MasterKey(key))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=synchronous(OFF)")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	var size int64
	if err := raw.QueryRow(`SELECT size FROM audit_log`).Scan(&size); err != nil {
		b.Fatal(err)
	}
	var stored []ledger.Hash
	rows, err := raw.Query(`SELECT hashes FROM audit_entries ORDER BY idx`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var hs []byte
		rows.Scan(&hs)
		for len(hs) > 0 {
			stored = append(stored, ledger.Hash(hs[:32]))
			hs = hs[32:]
		}
	}
	rows.Close()
	reader := ledger.HashReaderFunc(func(idx []int64) ([]ledger.Hash, error) {
		out := make([]ledger.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	t0 := time.Now()
	const chunk = sqlstore.CheckpointEvery
	for size < n {
		var prev int64
		if err := raw.QueryRow(`SELECT checkpoint FROM audit_log`).Scan(&prev); err != nil {
			b.Fatal(err)
		}
		m := min(chunk-size%chunk, n-size)
		entries := make([]ledger.Entry, m)
		one := int64(1)
		vis := sqlstore.EntryVisibility(&one, "party:2") // as the rows below say
		for i := range entries {
			entries[i] = ledger.Entry{Index: size + int64(i), Time: ledger.NewEntryTime(t0.Add(time.Duration(size+int64(i)) * time.Millisecond)),
				Actor: "user/7", Action: "profile.update", Object: fmt.Sprintf("profile/1/2/%d", size+int64(i)),
				Digest: ledger.DigestOf([]byte(fmt.Sprint(size + int64(i)))), PrevCheckpoint: prev, Visibility: vis, Salt: ledger.NewSalt()}
		}
		first, hashes, err := ledger.Append(reader, size, entries...)
		if err != nil {
			b.Fatal(err)
		}
		if int64(len(stored)) != first {
			b.Fatalf("stored %d hashes, append starts at %d", len(stored), first)
		}
		stored = append(stored, hashes...)
		tx, err := raw.Begin()
		if err != nil {
			b.Fatal(err)
		}
		ins, _ := tx.Prepare(`INSERT INTO audit_entries (idx, leaf, hashes, track_id, audience) VALUES (?, ?, ?, 1, 'party:2')`)
		next := 0
		for _, e := range entries {
			leaf, err := e.Encode()
			if err != nil {
				b.Fatal(err)
			}
			k := 1 + bits.TrailingZeros64(^uint64(e.Index))
			var hs []byte
			for _, h := range hashes[next : next+k] {
				hs = append(hs, h[:]...)
			}
			next += k
			if _, err := ins.Exec(e.Index, leaf, hs); err != nil {
				b.Fatal(err)
			}
		}
		size += m
		if _, err := tx.Exec(`UPDATE audit_log SET size = ?`, size); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		if err := db.SignCheckpoint(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("wrote %d entries in %v", size, time.Since(t0).Round(time.Millisecond))
	b.Run(fmt.Sprintf("entries=%d", size), func(b *testing.B) {
		for b.Loop() {
			rep, err := db.VerifyAudit(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if rep.Size != size {
				b.Fatalf("verified %d entries, want %d", rep.Size, size)
			}
		}
	})
}
