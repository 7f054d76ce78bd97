package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"path/filepath"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/ledger"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
	"golang.org/x/mod/sumdb/tlog"
)

// legacyLeaf builds by hand the version 1 encoding of an entry, as the
// store wrote them before entries recorded their visibility: version byte
// 0x01, index, time (Unix µs), previous checkpoint, digest, then actor,
// action and object, each with a 2-byte length.
func legacyLeaf(index int64, at time.Time, prev int64, digest [32]byte, actor, action, object string) []byte {
	b := []byte{0x01}
	b = binary.BigEndian.AppendUint64(b, uint64(index))
	b = binary.BigEndian.AppendUint64(b, uint64(at.UnixMicro()))
	b = binary.BigEndian.AppendUint64(b, uint64(prev))
	b = append(b, digest[:]...)
	for _, s := range []string{actor, action, object} {
		b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
		b = append(b, s...)
	}
	return b
}

// TestLegacyEntriesVerify appends hand-built version 1 entries to a store's
// log directly in the database, with their stored hashes, then writes more
// through the store: VerifyAudit passes and counts them as legacy, and an
// inclusion proof of one still checks.
func TestLegacyEntriesVerify(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "parley.db")
	db, err := sqlite.Open(ctx, path, sqlite.MasterKey(seal.GenerateMasterKey()))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)

	var size, prev int64
	if err := raw.QueryRow(`SELECT size, checkpoint FROM audit_log`).Scan(&size, &prev); err != nil {
		t.Fatal(err)
	}
	var stored []ledger.Hash
	rows, err := raw.Query(`SELECT hashes FROM audit_entries ORDER BY idx`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var hs []byte
		if err := rows.Scan(&hs); err != nil {
			t.Fatal(err)
		}
		for ; len(hs) > 0; hs = hs[32:] {
			stored = append(stored, ledger.Hash(hs[:32]))
		}
	}
	rows.Close()
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	const legacy = 5
	at := ledger.NewEntryTime(time.Now())
	first := size
	for i := range int64(legacy) {
		idx := size + i
		leaf := legacyLeaf(idx, at, prev, ledger.DigestOf([]byte{byte(i)}), "system", "party.create", "party/99")
		e, err := ledger.DecodeEntry(leaf)
		if err != nil || !e.Legacy {
			t.Fatalf("hand-built version 1 entry: DecodeEntry = %+v, %v", e, err)
		}
		hs, err := tlog.StoredHashesForRecordHash(idx, tlog.RecordHash(leaf), reader)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, hs...)
		var blob []byte
		for _, h := range hs {
			blob = append(blob, h[:]...)
		}
		if _, err := raw.Exec(`INSERT INTO audit_entries (idx, leaf, hashes, track_id, audience) VALUES ($1, $2, $3, NULL, '')`, idx, leaf, blob); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`UPDATE audit_log SET size = $1`, idx+1); err != nil {
			t.Fatal(err)
		}
	}
	// Later writes are version 2, and a checkpoint signs over both.
	if err := db.CreateParty(ctx, &parley.Party{Name: "Moldova", Kind: parley.PartyState}); err != nil {
		t.Fatal(err)
	}
	if err := db.SignCheckpoint(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := db.VerifyAudit(ctx)
	if err != nil {
		t.Fatalf("VerifyAudit with legacy entries: %v", err)
	}
	if rep.Legacy != legacy || rep.Size != size+legacy+1 {
		t.Errorf("VerifyAudit: %d entries, %d legacy; want %d, %d", rep.Size, rep.Legacy, size+legacy+1, legacy)
	}

	admin := &parley.User{Email: "admin@example.org", Name: "Admin", Admin: true}
	if err := db.CreateUser(ctx, admin); err != nil {
		t.Fatal(err)
	}
	p, err := db.ProveInclusion(parley.NewContextWithCaller(ctx, &parley.Caller{User: admin}), first+2)
	if err != nil {
		t.Fatalf("ProveInclusion of a legacy entry: %v", err)
	}
	if p.Entry.Object != "party/99" || p.Entry.TrackID != nil {
		t.Errorf("ProveInclusion of a legacy entry: entry %+v", p.Entry)
	}
	var leaf, root tlog.Hash
	copy(leaf[:], unb64(t, p.LeafHash))
	copy(root[:], unb64(t, p.Root))
	proof := make([]ledger.Hash, len(p.Proof))
	for i, h := range p.Proof {
		copy(proof[i][:], unb64(t, h))
	}
	if err := ledger.CheckInclusion(proof, first+2, p.TreeSize, root, leaf); err != nil {
		t.Errorf("the inclusion proof of a legacy entry does not check: %v", err)
	}

	// A legacy entry's track and audience cannot be checked: an edit of
	// them is not a failure, only what the legacy count warns of.
	if _, err := raw.Exec(`UPDATE audit_entries SET track_id = 1, audience = 'plenary' WHERE idx = $1`, first); err != nil {
		t.Fatal(err)
	}
	if rep, err := db.VerifyAudit(ctx); err != nil || rep.Legacy != legacy {
		t.Errorf("VerifyAudit after an edit of a legacy row = %d legacy, %v; want %d, nil", rep.Legacy, err, legacy)
	}
}

func unb64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
