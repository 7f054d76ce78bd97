package storetest

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/ledger"
	"golang.org/x/mod/sumdb/tlog"
)

// LegacyLeaf builds by hand the version 1 encoding of an entry, as the
// stores wrote them before entries recorded their visibility: version byte
// 0x01, index, time (Unix µs), previous checkpoint size, digest, then
// actor, action and object, each with a 2-byte big-endian length.
func LegacyLeaf(index int64, at time.Time, prev int64, digest [32]byte, actor, action, object string) []byte {
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

// AppendLegacyEntries appends n hand-built version 1 entries (of no track,
// object "party/99") to the log of the store whose tables raw reaches, with
// their stored hashes, directly in the database. It returns the index of
// the first.
func AppendLegacyEntries(t testing.TB, raw *sql.DB, n int) (first int64) {
	t.Helper()
	var size, prev int64
	if err := raw.QueryRowContext(ctx, `SELECT size, checkpoint FROM audit_log WHERE id = 1`).Scan(&size, &prev); err != nil {
		t.Fatal(err)
	}
	var stored []ledger.Hash
	rows, err := raw.QueryContext(ctx, `SELECT hashes FROM audit_entries ORDER BY idx`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var hs []byte
		if err := rows.Scan(&hs); err != nil {
			t.Fatal(err)
		}
		for ; len(hs) >= len(ledger.Hash{}); hs = hs[len(ledger.Hash{}):] {
			stored = append(stored, ledger.Hash(hs))
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
	at := ledger.NewEntryTime(time.Now())
	for i := range int64(n) {
		idx := size + i
		leaf := LegacyLeaf(idx, at, prev, ledger.DigestOf([]byte{byte(i)}), "system", "party.create", "party/99")
		if e, err := ledger.DecodeEntry(leaf); err != nil || !e.Legacy() {
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
		if _, err := raw.ExecContext(ctx, `INSERT INTO audit_entries (idx, leaf, hashes, track_id, audience) VALUES ($1, $2, $3, NULL, '')`, idx, leaf, blob); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.ExecContext(ctx, `UPDATE audit_log SET size = $1 WHERE id = 1`, idx+1); err != nil {
			t.Fatal(err)
		}
	}
	return size
}

// RunLegacyEntries appends hand-built version 1 entries to s's log through
// raw (see RunVisibilityTampering), then writes more through the store:
// VerifyAudit passes and counts them as legacy, an inclusion proof of one
// still checks, and an edit of a legacy row's track_id and audience is not
// a failure (it cannot be checked).
func RunLegacyEntries(t *testing.T, s parley.Store, raw *sql.DB) {
	v, ok := s.(auditVerifier)
	if !ok {
		t.Fatalf("%T has no VerifyAudit", s)
	}
	const legacy = 5
	first := AppendLegacyEntries(t, raw, legacy)
	// Later writes are version 2, and a checkpoint signs over both.
	must2(t, s.CreateParty(ctx, &parley.Party{Name: "Moldova", Kind: parley.PartyState}))
	cp, ok := s.(interface{ SignCheckpoint(context.Context) error })
	if !ok {
		t.Fatalf("%T has no SignCheckpoint", s)
	}
	must2(t, cp.SignCheckpoint(ctx))
	rep, err := v.VerifyAudit(ctx)
	if err != nil {
		t.Fatalf("VerifyAudit with legacy entries: %v", err)
	}
	if want := first + legacy + 1; rep.Legacy != legacy || rep.Size != want {
		t.Errorf("VerifyAudit: %d entries, %d legacy; want %d, %d", rep.Size, rep.Legacy, want, legacy)
	}
	if rep.Checkpoints == 0 {
		t.Error("no checkpoint signed over the legacy entries")
	}

	admin := &parley.User{Email: "legacy-admin@test.parley", Name: "Admin", Admin: true}
	must2(t, s.CreateUser(ctx, admin))
	p, err := s.ProveInclusion(as(&parley.Caller{User: admin}), first+2)
	if err != nil {
		t.Fatalf("ProveInclusion of a legacy entry: %v", err)
	}
	if p.Entry.Object != "party/99" || p.Entry.TrackID != nil {
		t.Errorf("ProveInclusion of a legacy entry: entry %+v", p.Entry)
	}
	var leaf, root ledger.Hash
	copy(leaf[:], b64(t, p.LeafHash))
	copy(root[:], b64(t, p.Root))
	proof := make([]ledger.Hash, len(p.Proof))
	for i, h := range p.Proof {
		copy(proof[i][:], b64(t, h))
	}
	if err := ledger.CheckInclusion(proof, first+2, p.TreeSize, root, leaf); err != nil {
		t.Errorf("the inclusion proof of a legacy entry does not check: %v", err)
	}

	if _, err := raw.ExecContext(ctx, `UPDATE audit_entries SET track_id = 1, audience = 'plenary' WHERE idx = $1`, first); err != nil {
		t.Fatal(err)
	}
	if rep, err := v.VerifyAudit(ctx); err != nil || rep.Legacy != legacy {
		t.Errorf("VerifyAudit after an edit of a legacy row = %d legacy, %v; want %d, nil", rep.Legacy, err, legacy)
	}
}

func b64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
