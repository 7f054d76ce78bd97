package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/ledger"
)

// ProveInclusion returns the entry at index and a proof of its inclusion in
// the current tree (see parley.AuditService).
func (s *Store) ProveInclusion(ctx context.Context, index int64) (_ *parley.InclusionProof, err error) {
	defer s.mapErr(&err, "prove inclusion")
	if err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var leaf []byte
	var track sql.NullInt64
	var aud string
	err = tx.QueryRowContext(ctx, `SELECT leaf, track_id, audience FROM audit_entries WHERE idx = $1`, index).Scan(&leaf, &track, &aud)
	if isNoRows(err) {
		return nil, notFound("audit entry", index)
	}
	if err != nil {
		return nil, fmt.Errorf("read audit entry %d: %w", index, err)
	}
	if !entryVisible(ctx, nullableID(track), parley.Audience(aud)) {
		return nil, notFound("audit entry", index)
	}
	e, err := ledger.DecodeEntry(leaf)
	if err != nil || e.Index != index {
		return nil, fmt.Errorf("audit entry %d does not decode: %w", index, ledger.ErrVerify)
	}
	// The columns checked above decide who sees the entry; the leaf vouches
	// for them, unless the entry is a legacy one, which records none. An
	// edit that widened them must not show the entry to anyone.
	if !e.Legacy() && EntryVisibility(nullableID(track), parley.Audience(aud)) != e.Visibility {
		return nil, fmt.Errorf("audit entry %d: track_id or audience differs from the entry's visibility: %w", index, ledger.ErrVerify)
	}
	var size, cp int64
	if err := tx.QueryRowContext(ctx, `SELECT size, checkpoint FROM audit_log WHERE id = 1`).Scan(&size, &cp); err != nil {
		return nil, err
	}
	r := hashReader{ctx: ctx, q: tx}
	proof, err := ledger.ProveInclusion(r, index, size)
	if err != nil {
		return nil, err
	}
	root, err := ledger.TreeHash(r, size)
	if err != nil {
		return nil, err
	}
	leafHash, err := e.LeafHash()
	if err != nil {
		return nil, err
	}
	out := &parley.InclusionProof{
		Entry: &parley.AuditEntry{Index: e.Index, Time: e.Time, Actor: e.Actor, Action: e.Action, Object: e.Object,
			Digest: b64(e.Digest[:]), TrackID: nullableID(track), Audience: parley.Audience(aud)},
		LeafHash: b64(leafHash[:]), TreeSize: size, Root: b64(root[:]), Proof: hashStrings(proof),
	}
	if cp > 0 {
		signed, err := checkpointAt(ctx, tx, cp)
		if err != nil {
			return nil, err
		}
		out.Checkpoint = string(signed)
	}
	return out, commit(tx)
}

// entryVisible applies the audience check to an audit entry: an entry of a
// track by CanRead with its audience, any other to administrators.
func entryVisible(ctx context.Context, trackID *int64, a parley.Audience) bool {
	if trackID == nil {
		return isAdmin(ctx)
	}
	return canRead(ctx, *trackID, a)
}

// ProveConsistency proves that the tree of oldSize entries is a prefix of
// the tree of newSize (0: the latest checkpoint's) (see
// parley.AuditService).
func (s *Store) ProveConsistency(ctx context.Context, oldSize, newSize int64) (_ *parley.ConsistencyProof, err error) {
	defer s.mapErr(&err, "prove consistency")
	if err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if newSize == 0 {
		if err := tx.QueryRowContext(ctx, `SELECT checkpoint FROM audit_log WHERE id = 1`).Scan(&newSize); err != nil {
			return nil, err
		}
	}
	if oldSize < 1 || oldSize > newSize {
		return nil, parley.Errorf(parley.EINVALID, "old", "want 1 ≤ old ≤ new (%d)", newSize)
	}
	newCP, err := checkpointAt(ctx, tx, newSize)
	if err != nil {
		return nil, err
	}
	oldCP, err := checkpointAt(ctx, tx, oldSize)
	if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
		return nil, err
	}
	r := hashReader{ctx: ctx, q: tx}
	proof, err := ledger.ProveConsistency(r, oldSize, newSize)
	if err != nil {
		return nil, err
	}
	oldRoot, err := ledger.TreeHash(r, oldSize)
	if err != nil {
		return nil, err
	}
	newRoot, err := ledger.TreeHash(r, newSize)
	if err != nil {
		return nil, err
	}
	return &parley.ConsistencyProof{OldSize: oldSize, NewSize: newSize, OldRoot: b64(oldRoot[:]), NewRoot: b64(newRoot[:]),
		Proof: hashStrings(proof), OldCheckpoint: string(oldCP), NewCheckpoint: string(newCP)}, commit(tx)
}

// AuditCheckpoints returns the sizes of the signed checkpoints kept: every
// CheckpointEvery entries, and the latest.
func (s *Store) AuditCheckpoints(ctx context.Context) (_ []int64, err error) {
	defer s.mapErr(&err, "audit checkpoints")
	if err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT size FROM audit_checkpoints ORDER BY size`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sizes := []int64{}
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		sizes = append(sizes, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	var tail int64
	if err := tx.QueryRowContext(ctx, `SELECT checkpoint FROM audit_log WHERE id = 1`).Scan(&tail); err != nil {
		return nil, err
	}
	if tail > 0 && (len(sizes) == 0 || sizes[len(sizes)-1] != tail) {
		sizes = append(sizes, tail)
	}
	return sizes, commit(tx)
}

// LatestCheckpoint returns the signed checkpoint of the whole log (see
// parley.AuditService).
func (s *Store) LatestCheckpoint(ctx context.Context) (_ *parley.SignedCheckpoint, err error) {
	defer s.mapErr(&err, "latest checkpoint")
	if err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	s.keys.mu.Lock()
	v, vkey := s.keys.verifier, s.keys.verifierKey
	s.keys.mu.Unlock()
	if v == nil {
		return nil, ErrNoMasterKey
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var signed []byte
	if err := tx.QueryRowContext(ctx, `SELECT signed FROM audit_log WHERE id = 1`).Scan(&signed); err != nil {
		return nil, err
	}
	if signed == nil {
		return nil, parley.Errorf(parley.ENOTFOUND, "", "the ledger has no signed checkpoint yet")
	}
	c, err := ledger.OpenCheckpoint(signed, v)
	if err != nil {
		return nil, fmt.Errorf("the latest checkpoint: %w", err)
	}
	return &parley.SignedCheckpoint{Size: c.Size, Root: b64(c.Root[:]), Note: string(signed), VerifierKey: vkey}, commit(tx)
}

// checkpointAt returns the signed checkpoint of size entries the store
// keeps: the latest, or one of those kept every CheckpointEvery entries;
// ENOTFOUND if there is none.
func checkpointAt(ctx context.Context, tx *Tx, size int64) ([]byte, error) {
	var signed []byte
	var tail int64
	if err := tx.QueryRowContext(ctx, `SELECT checkpoint, signed FROM audit_log WHERE id = 1`).Scan(&tail, &signed); err != nil {
		return nil, err
	}
	if tail == size && signed != nil {
		return signed, nil
	}
	err := tx.QueryRowContext(ctx, `SELECT signed FROM audit_checkpoints WHERE size = $1`, size).Scan(&signed)
	if isNoRows(err) {
		return nil, parley.Errorf(parley.ENOTFOUND, "", "no checkpoint of size %d", size)
	}
	return signed, err
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func hashStrings(hs []ledger.Hash) []string {
	out := make([]string, len(hs))
	for i := range hs {
		out[i] = b64(hs[i][:])
	}
	return out
}
