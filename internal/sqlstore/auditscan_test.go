package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/bits"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/ledger"
	_ "modernc.org/sqlite"
)

// auditScanDB returns a read transaction over n entry rows of track 1 and
// audience party:2, several batches of auditScanBatch; edit, if not nil,
// changes rows first.
func auditScanDB(t *testing.T, n int, edit string) *Tx {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+t.TempDir()+"/scan.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE audit_entries (idx INTEGER PRIMARY KEY, leaf BLOB NOT NULL, track_id INTEGER, audience TEXT NOT NULL, hashes BLOB NOT NULL, changed_rows BLOB)`); err != nil {
		t.Fatal(err)
	}
	one := int64(1)
	vis := EntryVisibility(&one, "party:2")
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := range int64(n) {
		e := ledger.Entry{Index: i, Time: ledger.NewEntryTime(time.Unix(1e9+i, 0)), Actor: "user/7", Action: "profile.update",
			Object: fmt.Sprintf("profile/1/2/%d", i), Digest: ledger.DigestOf(noChanges), Visibility: vis, Salt: ledger.NewSalt()}
		leaf, err := e.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO audit_entries VALUES (?, ?, 1, 'party:2', ?, ?)`, i, leaf, testHashes(i), noChanges); err != nil {
			t.Fatal(err)
		}
	}
	if edit != "" {
		if _, err := tx.Exec(edit); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	rtx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	return &Tx{Tx: rtx}
}

// noChanges is the recorded changes of an entry that changed no row.
var noChanges = encodeChanges(nil)

// testHashes is what auditScanDB stores as entry i's stored hashes: as
// many as it adds, each byte i mod 256.
func testHashes(i int64) []byte {
	return bytes.Repeat([]byte{byte(i)}, (1+bits.TrailingZeros64(^uint64(i)))*len(ledger.Hash{}))
}

// commitSoon commits tx, failing if it waits: it does while rows of the
// transaction are open.
func commitSoon(t *testing.T, tx *Tx) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- tx.Commit() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("commit waits: the scan left its rows open")
	}
}

func TestAuditEntriesScan(t *testing.T) {
	const n = 5*auditScanBatch + 7
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	tx := auditScanDB(t, n, `UPDATE audit_entries SET leaf = x'ff' WHERE idx = 1500`)
	scan := newAuditScan()
	var got int64
	for e, err := range (*Store)(nil).auditEntries(ctx, tx, scan) {
		if err != nil {
			t.Fatalf("entry %d: %v", got, err)
		}
		if e.Index != got {
			t.Fatalf("entry %d has index %d", got, e.Index)
		}
		if (e.Action == "") != (got == 1500) {
			t.Fatalf("entry %d: action %q", got, e.Action)
		}
		if !bytes.Equal(e.Hashes, testHashes(got)) {
			t.Fatalf("entry %d: stored hashes %x, want %x", got, e.Hashes, testHashes(got))
		}
		got++
	}
	if got != n || scan.problem != nil || scan.legacy != 0 {
		t.Fatalf("%d entries, problem %v, %d legacy; want %d, none, 0", got, scan.problem, scan.legacy, n)
	}
	commitSoon(t, tx)
}

func TestAuditEntriesScanStops(t *testing.T) {
	const n = 5 * auditScanBatch
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	t.Run("mismatch", func(t *testing.T) {
		tx := auditScanDB(t, n, `UPDATE audit_entries SET audience = 'plenary' WHERE idx = 1700`)
		scan := newAuditScan()
		var got int64
		var last error
		for _, err := range (*Store)(nil).auditEntries(ctx, tx, scan) {
			if err != nil {
				last = err
				continue
			}
			got++
		}
		if got != 1700 || last == nil || last != error(scan.problem) || scan.problem.Index != 1700 || scan.problem.Problem != ProblemVisibility {
			t.Fatalf("%d entries, then %v; want 1700, then a visibility mismatch of entry 1700", got, last)
		}
		commitSoon(t, tx)
	})
	t.Run("yield false", func(t *testing.T) {
		tx := auditScanDB(t, n, "")
		scan := newAuditScan()
		got := 0
		for range (*Store)(nil).auditEntries(ctx, tx, scan) {
			got++
			if got == 10 {
				break
			}
		}
		commitSoon(t, tx)
	})
	t.Run("cancel", func(t *testing.T) {
		tx := auditScanDB(t, n, "")
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		scan := newAuditScan()
		var got int64
		var last error
		for e, err := range (*Store)(nil).auditEntries(ctx, tx, scan) {
			if err != nil {
				last = err
				continue
			}
			if e.Index != got {
				t.Fatalf("entry %d has index %d", got, e.Index)
			}
			got++
			if got == 600 {
				cancel()
			}
		}
		if !errors.Is(last, context.Canceled) || got >= n {
			t.Fatalf("%d entries, then %v; want fewer than %d, then context.Canceled", got, last, n)
		}
		tx.Rollback()
	})
}
