package briefing

import (
	"io"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/documents"
	"github.com/parley-talks/parley/i18n"
)

// BenchmarkBriefingPDF makes the briefing pack of the demo's busiest track
// (the one whose pack has the most blocks) as the demo's mediator sees it,
// in Ukrainian: read from a SQLite store, laid out, written as PDF; and
// the layout and PDF alone. The demo has no analysis plot, so none is
// drawn.
func BenchmarkBriefingPDF(b *testing.B) {
	db := demoStore(b)
	ctx := as(b, db, demo.MediatorEmail)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	tracks, _, err := db.FindTracks(ctx, parley.TrackFilter{Page: parley.Page{Limit: 100}})
	if err != nil {
		b.Fatal(err)
	}
	var busiest int64
	most := -1
	pr := i18n.New(i18n.Ukrainian)
	for _, t := range tracks {
		p, err := Gather(ctx, db, t.ID, now)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(Build(p, pr).Blocks); n > most {
			busiest, most = t.ID, n
		}
	}
	b.Logf("the busiest track is %d: %d blocks", busiest, most)
	b.Run("gather+build+pdf", func(b *testing.B) {
		for b.Loop() {
			p, err := Gather(ctx, db, busiest, now)
			if err != nil {
				b.Fatal(err)
			}
			if err := documents.WritePDF(io.Discard, Build(p, pr)); err != nil {
				b.Fatal(err)
			}
		}
	})
	p, _ := Gather(ctx, db, busiest, now)
	b.Run("build+pdf", func(b *testing.B) {
		for b.Loop() {
			if err := documents.WritePDF(io.Discard, Build(p, pr)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("build+docx", func(b *testing.B) {
		for b.Loop() {
			if err := documents.WriteDOCX(io.Discard, Build(p, pr)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
