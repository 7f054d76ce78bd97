package postgres_test

import (
	"testing"

	"github.com/parley-talks/parley/postgres"
	"github.com/parley-talks/parley/storetest"
)

// Run with:
//   PARLEY_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' \
//   go test -run '^$' -bench . -benchtime 2s ./postgres/

func openBench(b *testing.B) *postgres.DB {
	dsn, schema := newSchema(b)
	db, err := postgres.Open(ctx, dsn, postgres.Schema(schema), postgres.MasterKey(testKey))
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
