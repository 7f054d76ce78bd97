package sqlstore

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"strconv"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/ledger"
	"golang.org/x/mod/sumdb/tlog"
)

// CheckpointEvery is how often the ledger keeps a checkpoint for good:
// whenever an append makes the log's size a multiple of it, in the same
// transaction. Besides, every commit that appends signs the log's tail
// (signTail), so the whole log is always covered by a signature; the
// checkpoints kept every CheckpointEvery entries let VerifyAudit say where
// between two of them a rewritten entry lies, and let consistency proofs
// start from a size a client may have kept.
const CheckpointEvery = 1024

// auditRecord is what a write tells the ledger about itself. The rows it
// changed (Tx.insert, Tx.update, Tx.delete) are recorded with it.
type auditRecord struct {
	action   string          // e.g. "track.transition"
	object   string          // e.g. "track/12"
	trackID  int64           // 0 for records of no track
	audience parley.Audience // who may see the entry, with trackID
}

func trackObject(id int64) string { return "track/" + strconv.FormatInt(id, 10) }

// appendVisibility appends to b the canonical visibility of an audit entry
// (ledger.Entry.Visibility) whose row has the given track_id and audience
// columns (track nil for NULL):
//
//	""                       no track and no audience: administrators see it
//	"track/<id> <audience>"  an entry of a track, seen per CanRead
//	"- <audience>"           no track but an audience: never written, so
//	                         only a row edited behind our back has it
//
// It is injective over the columns (an id has no space), so a row whose
// columns differ from those its entry was written with has another
// visibility.
func appendVisibility(b []byte, track *int64, audience []byte) []byte {
	switch {
	case track != nil:
		b = append(b, "track/"...)
		b = strconv.AppendInt(b, *track, 10)
	case len(audience) == 0:
		return b
	default:
		b = append(b, '-')
	}
	b = append(b, ' ')
	return append(b, audience...)
}

// EntryVisibility is the canonical visibility an audit entry of the track
// (nil for none) and audience records; see appendVisibility.
func EntryVisibility(track *int64, a parley.Audience) string {
	return string(appendVisibility(nil, track, []byte(a)))
}

// actorName names the context's acting user in the ledger.
func actorName(ctx context.Context) string {
	if id := parley.ActorFromContext(ctx); id != nil {
		return "user/" + strconv.FormatInt(*id, 10)
	}
	return "system"
}

// appendAudit appends the record to the ledger in tx, with the rows the
// write changed (tx.changes, which it empties) as its change: the entry's
// digest is SHA-256 of their encoding (encodeChanges), which its row keeps
// in changed_rows for VerifyAudit. Under group commit the writes of a batch
// share tx, so each append reads the size its predecessor left and the
// entries of a batch get consecutive indexes; a write rolled back to its
// savepoint takes its entry, its hashes and the size update with it.
//
// Position allocation (the size, read FOR UPDATE) is here and signing in
// signTail, which the write machinery calls once before each commit.
func appendAudit(ctx context.Context, tx *Tx, rec auditRecord) error {
	change := encodeChanges(tx.changes)
	tx.changes = tx.changes[:0]
	var size, prev int64
	err := tx.QueryRowContext(ctx, `SELECT size, checkpoint FROM audit_log WHERE id = 1`+tx.d.ForUpdate).Scan(&size, &prev)
	if err != nil {
		return fmt.Errorf("audit: read the log's size: %w", err)
	}
	var track *int64
	if rec.trackID != 0 {
		track = &rec.trackID
	}
	e := ledger.Entry{
		Index:          size,
		Time:           ledger.NewEntryTime(tx.now),
		Actor:          actorName(ctx),
		Action:         rec.action,
		Object:         rec.object,
		Digest:         ledger.DigestOf(change),
		PrevCheckpoint: prev,
		Visibility:     EntryVisibility(track, rec.audience),
		Salt:           ledger.NewSalt(),
	}
	r := hashReader{ctx: ctx, q: tx}
	first, hashes, err := ledger.Append(r, size, e)
	if err != nil {
		return fmt.Errorf("audit %s: %w", rec.action, err)
	}
	if first != tlog.StoredHashIndex(0, size) {
		panic("sqlstore: stored hashes of an entry do not start at its stored-hash index")
	}
	leaf, err := e.Encode()
	if err != nil {
		return fmt.Errorf("audit %s: %w", rec.action, err)
	}
	stored := make([]byte, 0, len(hashes)*len(ledger.Hash{}))
	for _, h := range hashes {
		stored = append(stored, h[:]...)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_entries (idx, leaf, hashes, track_id, audience, changed_rows) VALUES ($1, $2, $3, $4, $5, $6)`,
		e.Index, leaf, stored, track, string(rec.audience), change)
	if err != nil {
		return fmt.Errorf("audit: insert entry %d: %w", e.Index, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET size = $1 WHERE id = 1`, size+1); err != nil {
		return fmt.Errorf("audit: update the log's size: %w", err)
	}
	if (size+1)%CheckpointEvery == 0 {
		return keepCheckpoint(ctx, tx, size+1)
	}
	return nil
}

// The changes of an entry (its changed_rows) are encoded as
//
//	version 1 byte, 0x01
//	count   4 bytes, big-endian
//	each change, in the order the write made them:
//	    len(table) 1 byte || table || len(key) 2 bytes || key ||
//	    0x00 (deleted) or 0x01 || the row's MAC (32 bytes)
//
// with the key as rowauth.go encodes it. The entry's digest is SHA-256 of
// these bytes, so the leaf, signed into the tree, vouches for them.
const changesVersion = 0x01

func encodeChanges(cs []rowChange) []byte {
	n := 5
	for _, c := range cs {
		n += 1 + len(c.t.name) + 2 + len(c.key) + 1 + rowMACSize
	}
	b := make([]byte, 0, n)
	b = append(b, changesVersion)
	b = binary.BigEndian.AppendUint32(b, uint32(len(cs)))
	for _, c := range cs {
		b = append(b, byte(len(c.t.name)))
		b = append(b, c.t.name...)
		b = binary.BigEndian.AppendUint16(b, uint16(len(c.key)))
		b = append(b, c.key...)
		if c.deleted {
			b = append(b, 0)
			continue
		}
		b = append(b, 1)
		b = append(b, c.mac[:]...)
	}
	return b
}

// decodeChanges calls fn for each change that b, an entry's changed_rows,
// records: the table, the key's encoding and the MAC (nil if the row was
// deleted); the slices point into b. An error means b is malformed.
func decodeChanges(b []byte, fn func(table, key, mac []byte)) error {
	if len(b) < 5 || b[0] != changesVersion {
		return errors.New("the recorded changes are not of version 1")
	}
	n := binary.BigEndian.Uint32(b[1:])
	b = b[5:]
	for ; n > 0; n-- {
		if len(b) < 1 || len(b) < 1+int(b[0])+2 {
			return errors.New("the recorded changes are truncated")
		}
		table := b[1 : 1+b[0]]
		b = b[1+b[0]:]
		k := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+k+1 {
			return errors.New("the recorded changes are truncated")
		}
		key := b[2 : 2+k]
		b = b[2+k:]
		switch b[0] {
		case 0:
			fn(table, key, nil)
			b = b[1:]
		case 1:
			if len(b) < 1+rowMACSize {
				return errors.New("the recorded changes are truncated")
			}
			fn(table, key, b[1:1+rowMACSize])
			b = b[1+rowMACSize:]
		default:
			return errors.New("a recorded change is neither a MAC nor a deletion")
		}
	}
	if len(b) != 0 {
		return errors.New("the recorded changes have trailing bytes")
	}
	return nil
}

// keepCheckpoint signs the tree of size entries and keeps the checkpoint
// for good (see CheckpointEvery).
func keepCheckpoint(ctx context.Context, tx *Tx, size int64) error {
	signed, err := tx.signTree(ctx, size)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_checkpoints (size, signed) VALUES ($1, $2)`, size, signed); err != nil {
		return fmt.Errorf("audit: store checkpoint: %w", err)
	}
	return nil
}

// signTree signs the tree of the log's first size entries with the store's
// checkpoint signer.
func (tx *Tx) signTree(ctx context.Context, size int64) ([]byte, error) {
	tx.store.keys.mu.Lock()
	signer := tx.store.keys.signer
	tx.store.keys.mu.Unlock()
	if signer == nil {
		return nil, ErrNoMasterKey
	}
	signed, err := ledger.NewCheckpoint(hashReader{ctx: ctx, q: tx}, size, signer)
	if err != nil {
		return nil, fmt.Errorf("audit: sign checkpoint: %w", err)
	}
	return signed, nil
}

// signTail signs the tree of the whole log as the latest checkpoint, unless
// it is signed already: the write machinery calls it once before every
// commit (a group-commit batch once for all its writes), so that the log's
// tail is always signed and VerifyAudit can refuse an unsigned one.
func signTail(ctx context.Context, tx *Tx) error {
	var size, signed int64
	if err := tx.QueryRowContext(ctx, `SELECT size, checkpoint FROM audit_log WHERE id = 1`+tx.d.ForUpdate).Scan(&size, &signed); err != nil {
		return fmt.Errorf("audit: read the log's size: %w", err)
	}
	if size == signed {
		return nil
	}
	note, err := tx.signTree(ctx, size)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET checkpoint = $1, signed = $2 WHERE id = 1`, size, note); err != nil {
		return fmt.Errorf("audit: record the latest checkpoint: %w", err)
	}
	return nil
}

// hashReader reads stored hashes (ledger.HashReader) through a transaction
// or a handle.
type hashReader struct {
	ctx context.Context
	q   interface {
		QueryContextRows(ctx context.Context, query string, args ...any) (rowsScanner, error)
	}
}

// rowsScanner is the part of *sql.Rows hashReader uses.
type rowsScanner interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}

// QueryContextRows adapts Tx to hashReader.
func (tx *Tx) QueryContextRows(ctx context.Context, query string, args ...any) (rowsScanner, error) {
	return tx.QueryContext(ctx, query, args...)
}

// ReadHashes returns the stored hashes at indexes (ledger.HashReader).
// Each entry row holds the stored hashes it added: the hash at stored-hash
// index i, at level L of the tree, node n, was added by entry
// (n+1)·2^L − 1, at position L of its hashes. A run of consecutive indexes
// (what Verify asks for) is one range scan of entries, one column per row.
func (r hashReader) ReadHashes(indexes []int64) ([]ledger.Hash, error) {
	out := make([]ledger.Hash, len(indexes))
	if len(indexes) == 0 {
		return out, nil
	}
	consecutive := true
	for i := 1; i < len(indexes); i++ {
		if indexes[i] != indexes[i-1]+1 {
			consecutive = false
			break
		}
	}
	if consecutive {
		return out, r.readRun(indexes[0], out)
	}
	type at struct {
		entry int64
		level int
	}
	where := make([]at, len(indexes))
	entries := make(map[int64][]byte, len(indexes))
	for i, x := range indexes {
		level, n := tlog.SplitStoredHashIndex(x)
		where[i] = at{(n+1)<<level - 1, level}
		entries[where[i].entry] = nil
	}
	ids := make([]int64, 0, len(entries))
	for id := range entries {
		ids = append(ids, id)
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		rows, err := r.q.QueryContextRows(r.ctx, `SELECT idx, hashes FROM audit_entries WHERE idx IN (`+placeholders(1, n)+`)`, int64Args(ids[:n])...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var h []byte
			if err := rows.Scan(&id, &h); err != nil {
				rows.Close()
				return nil, err
			}
			entries[id] = h
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	const size = len(ledger.Hash{})
	for i, w := range where {
		h := entries[w.entry]
		if len(h) < (w.level+1)*size {
			return nil, fmt.Errorf("%w: audit entry %d lacks its stored hash at level %d", ledger.ErrVerify, w.entry, w.level)
		}
		copy(out[i][:], h[w.level*size:])
	}
	return out, nil
}

// readRun reads the len(out) stored hashes from stored-hash index first on:
// the hashes of the entries from the one that added first, in order.
func (r hashReader) readRun(first int64, out []ledger.Hash) error {
	const size = len(ledger.Hash{})
	level, n := tlog.SplitStoredHashIndex(first)
	entry := (n+1)<<level - 1
	skip := level // hashes of the first entry before first
	// Every entry adds at least one hash: len(out) rows are enough.
	rows, err := r.q.QueryContextRows(r.ctx, `SELECT hashes FROM audit_entries WHERE idx >= $1 ORDER BY idx LIMIT $2`, entry, len(out))
	if err != nil {
		return err
	}
	defer rows.Close()
	var h sql.RawBytes
	found := 0
	for found < len(out) && rows.Next() {
		if err := rows.Scan(&h); err != nil {
			return err
		}
		// Entry e added 1 + (trailing ones of e) hashes; a row whose blob
		// has another length was altered.
		want := 1 + bits.TrailingZeros64(^uint64(entry))
		if len(h) != want*size {
			return fmt.Errorf("%w: audit entry %d holds %d bytes of stored hashes, want %d", ledger.ErrVerify, entry, len(h), want*size)
		}
		for j := skip; j < want && found < len(out); j++ {
			copy(out[found][:], h[j*size:])
			found++
		}
		skip = 0
		entry++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if found != len(out) {
		return fmt.Errorf("%w: %d of %d stored hashes are missing", ledger.ErrVerify, len(out)-found, len(out))
	}
	return nil
}
