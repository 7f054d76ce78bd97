package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/storetest"
)

// Run with: go test -run '^$' -bench . -benchtime 2s ./sqlite/

func openBench(b *testing.B) *sqlite.DB {
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "parley.db"), sqlite.MasterKey(testKey))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func BenchmarkCreateMeeting(b *testing.B) { storetest.BenchCreateMeeting(b, openBench(b)) }

func BenchmarkReadTrack(b *testing.B) { storetest.BenchReadTrack(b, openBench(b)) }

func BenchmarkCreateMeetingParallel(b *testing.B) {
	storetest.BenchCreateMeetingParallel(b, openBench(b))
}
