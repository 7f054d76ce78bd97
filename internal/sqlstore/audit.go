package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math/bits"
	"strconv"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/ledger"
	"github.com/parley-talks/parley/seal"
	"golang.org/x/mod/sumdb/tlog"
)

// CheckpointEvery is how often the ledger signs a checkpoint: whenever an
// append makes the log's size a multiple of it, in the same transaction.
// The store also signs one at OpenKeys and at Close for the tail, so that a
// truncation of the log's end is caught (see package ledger). A small value
// shortens the unsigned tail; each checkpoint costs one Ed25519 signature at
// write time and one verification in VerifyAudit.
const CheckpointEvery = 1024

// auditRecord is what a write tells the ledger about itself.
type auditRecord struct {
	action   string          // e.g. "track.transition"
	object   string          // e.g. "track/12"
	trackID  int64           // 0 for records of no track
	audience parley.Audience // who may see the entry, with trackID
	// stored are the change's values as stored, sealed fields in sealed
	// form; the entry's digest is SHA-256 of their JSON encoding.
	stored []any
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

// appendAudit appends the record to the ledger in tx. Under group commit the
// writes of a batch share tx, so each append reads the size its predecessor
// left and the entries of a batch get consecutive indexes; a write rolled
// back to its savepoint takes its entry, its hashes and the size update with
// it.
func appendAudit(ctx context.Context, tx *Tx, rec auditRecord) error {
	change, err := json.Marshal(rec.stored)
	if err != nil {
		return fmt.Errorf("audit %s: %w", rec.action, err)
	}
	var size, prev int64
	err = tx.QueryRowContext(ctx, `SELECT size, checkpoint FROM audit_log WHERE id = 1`+tx.d.ForUpdate).Scan(&size, &prev)
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
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_entries (idx, leaf, hashes, track_id, audience) VALUES ($1, $2, $3, $4, $5)`,
		e.Index, leaf, stored, track, string(rec.audience))
	if err != nil {
		return fmt.Errorf("audit: insert entry %d: %w", e.Index, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET size = $1 WHERE id = 1`, size+1); err != nil {
		return fmt.Errorf("audit: update the log's size: %w", err)
	}
	if (size+1)%CheckpointEvery == 0 {
		return signCheckpoint(ctx, tx, size+1)
	}
	return nil
}

// signCheckpoint signs the tree of size entries, if the store has its
// signer, and records it as the latest checkpoint.
func signCheckpoint(ctx context.Context, tx *Tx, size int64) error {
	if tx.store == nil {
		return nil
	}
	tx.store.keys.mu.Lock()
	signer := tx.store.keys.signer
	tx.store.keys.mu.Unlock()
	if signer == nil || size < 1 {
		return nil
	}
	signed, err := ledger.NewCheckpoint(hashReader{ctx: ctx, q: tx}, size, signer)
	if err != nil {
		return fmt.Errorf("audit: sign checkpoint: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_checkpoints (size, signed) VALUES ($1, $2)`, size, signed); err != nil {
		return fmt.Errorf("audit: store checkpoint: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET checkpoint = $1 WHERE id = 1`, size); err != nil {
		return fmt.Errorf("audit: update the latest checkpoint: %w", err)
	}
	return nil
}

// SignCheckpoint signs a checkpoint of the whole log now, unless the latest
// one covers it already or the store has no master key.
func (s *Store) SignCheckpoint(ctx context.Context) (err error) {
	defer s.mapErr(&err, "sign checkpoint")
	if err := requireSystem(ctx); err != nil {
		return err
	}
	return s.writeCheckpoint(ctx)
}

// writeCheckpoint signs a checkpoint of the whole log unless the latest one
// covers it already.
func (s *Store) writeCheckpoint(ctx context.Context) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		var size, cp int64
		if err := tx.QueryRowContext(ctx, `SELECT size, checkpoint FROM audit_log WHERE id = 1`+tx.d.ForUpdate).Scan(&size, &cp); err != nil {
			return fmt.Errorf("audit: read the log's size: %w", err)
		}
		if size == cp {
			return nil
		}
		return signCheckpoint(ctx, tx, size)
	})
}

// closeCheckpoint signs the tail of the log before Close, if it can; a
// failure is not fatal: verification then relies on the recorded size.
func (s *Store) closeCheckpoint() {
	s.keys.mu.Lock()
	signer := s.keys.signer
	s.keys.mu.Unlock()
	if signer == nil {
		return
	}
	ctx, cancel := context.WithTimeout(parley.NewContextWithCaller(context.Background(), parley.System), 5*time.Second)
	defer cancel()
	_ = s.writeCheckpoint(ctx)
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

// SealedError reports a sealed field that does not open: the record it
// belongs to, never its content. errors.Is(err, ledger.ErrVerify) holds.
type SealedError struct {
	Table, Record, Field string
	Err                  error
}

func (e *SealedError) Error() string {
	return fmt.Sprintf("sealed field %s of %s record %s does not open: %v", e.Field, e.Table, e.Record, e.Err)
}

func (e *SealedError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ledger.ErrVerify) true.
func (e *SealedError) Is(target error) bool { return target == ledger.ErrVerify }

// AuditReport is what VerifyAudit checked.
type AuditReport struct {
	Size        int64       // entries
	Root        ledger.Hash // recomputed root
	Checkpoints int         // signed checkpoints checked
	Sealed      int         // sealed fields opened
	Shredded    int         // sealed fields of shredded tracks, skipped
	// Legacy counts the version 1 entries, written before entries recorded
	// their visibility: they verify, but their track_id and audience
	// columns cannot be checked. Not a failure.
	Legacy int64
}

// ProblemVisibility is VerifyAudit's finding for an entry row whose
// track_id or audience column differs from the visibility its leaf
// records: someone changed who may see the entry.
const ProblemVisibility ledger.Problem = "track_id or audience differs from the entry's visibility"

// auditScan is what VerifyAudit notes as the entries pass.
type auditScan struct {
	shreds map[string]bool // objects of track.shred entries
	legacy int64           // version 1 entries
	// mismatch is the first row whose visibility columns differ from its
	// leaf; the scan stops there.
	mismatch *ledger.VerifyError
}

// VerifyAudit checks the whole store behind the application's back: it
// recomputes the ledger's tree from the stored entries and the stored
// hashes their rows hold, read in one scan (ledger.VerifyStored),
// checks every checkpoint's signature and root, checks that every entry
// row's track_id and audience (which the read path filters on) are those
// its leaf records (ProblemVisibility; legacy version 1 entries record none
// and are counted in AuditReport.Legacy), and opens every sealed field
// with its record's associated data. The first problem is returned: a
// *ledger.VerifyError wrapped with the entry's index and object, or a
// *SealedError naming the record; both satisfy errors.Is(err,
// ledger.ErrVerify). It needs the master key (for the checkpoint verifier
// key it trusts, read from the database, and for the sealed fields).
func (s *Store) VerifyAudit(ctx context.Context) (rep AuditReport, err error) {
	if err := requireSystem(ctx); err != nil {
		return rep, err
	}
	if _, err := s.master(); err != nil {
		return rep, err
	}
	s.keys.mu.Lock()
	v := s.keys.verifier
	s.keys.mu.Unlock()
	tx, err := s.beginRead(ctx)
	if err != nil {
		return rep, err
	}
	defer tx.Rollback()
	var size int64
	if err := tx.QueryRowContext(ctx, `SELECT size FROM audit_log WHERE id = 1`).Scan(&size); err != nil {
		return rep, fmt.Errorf("read the log's size: %w", err)
	}
	var cps [][]byte
	rows, err := tx.QueryContext(ctx, `SELECT signed FROM audit_checkpoints ORDER BY size`)
	if err != nil {
		return rep, err
	}
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			rows.Close()
			return rep, err
		}
		cps = append(cps, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	scan := auditScan{shreds: map[string]bool{}}
	tree, err := ledger.VerifyStored(size, s.auditEntries(ctx, tx, &scan), cps, v)
	if err != nil {
		if scan.mismatch != nil && errors.Is(err, scan.mismatch) {
			// The scan's own finding, which Verify wraps as a read error.
			err = scan.mismatch
		}
		var ve *ledger.VerifyError
		if errors.As(err, &ve) && ve.Index >= 0 {
			return rep, fmt.Errorf("audit entry %d (object %s): %w", ve.Index, s.objectAt(ctx, ve.Index), err)
		}
		return rep, err
	}
	rep.Size, rep.Root, rep.Checkpoints, rep.Legacy = tree.N, tree.Hash, len(cps), scan.legacy
	if err := s.verifySealed(ctx, tx, scan.shreds, &rep); err != nil {
		return rep, err
	}
	return rep, commit(tx)
}

// objectAt names the object of the stored entry at index, for messages.
func (s *Store) objectAt(ctx context.Context, index int64) string {
	var leaf []byte
	if err := s.reader.QueryRowContext(ctx, `SELECT leaf FROM audit_entries WHERE idx = $1`, index).Scan(&leaf); err != nil {
		return "unknown: no entry is stored at that index"
	}
	e, err := ledger.DecodeEntry(leaf)
	if err != nil {
		return "unknown: the stored entry does not decode"
	}
	return e.Object
}

// auditEntries yields the stored entries in index order, decoded from
// their leaf data, each with the stored hashes its row holds (so that one
// scan of the table serves ledger.VerifyStored). A row that does not decode is yielded as an invalid entry
// at its position, which Verify names. As the rows pass, it checks each
// entry's visibility against the row's track_id and audience, stopping at
// the first that differs (scan.mismatch), counts legacy entries, and notes
// the entries of ShredTrack.
//
// The driver's row reading is most of the scan's cost, so a goroutine
// (readAuditRows) reads the rows into batches while this one decodes and
// checks the previous batch; the two batches circulate, so nothing is
// allocated per row. The yielded Hashes point into a batch, which is
// reused after VerifyStored has copied them. An error of the reader comes after the rows it read.
// When the iterator returns, for whatever reason, the reader has stopped and
// the rows are closed, so the transaction's connection is free again.
func (s *Store) auditEntries(ctx context.Context, tx *Tx, scan *auditScan) iter.Seq2[ledger.StoredEntry, error] {
	return func(yield func(ledger.StoredEntry, error) bool) {
		rows, err := tx.QueryContext(ctx, `SELECT leaf, track_id, audience, hashes FROM audit_entries ORDER BY idx`)
		if err != nil {
			yield(ledger.StoredEntry{}, err)
			return
		}
		free := make(chan *auditBatch, 2)
		full := make(chan *auditBatch, 2)
		stop := make(chan struct{})
		done := make(chan struct{})
		free <- &auditBatch{}
		free <- &auditBatch{}
		go func() {
			defer close(done)
			readAuditRows(rows, free, full, stop)
		}()
		defer func() {
			close(stop)
			<-done
		}()
		var vis []byte // scratch for the rows' canonical visibility
		n := int64(0)
		for b := range full {
			for i := range b.rows {
				r := &b.rows[i]
				leaf := b.buf[r.leaf:r.audience]
				audience := b.buf[r.audience:r.hashes]
				hashes := b.buf[r.hashes:r.end]
				e, err := ledger.DecodeEntry(leaf)
				switch {
				case err != nil:
					e = ledger.Entry{Index: n} // invalid: no actor, action or object
				case e.Index != n:
					// Out of sequence: Verify names it.
				case e.Legacy():
					scan.legacy++
				default:
					var id *int64
					if r.trackValid {
						id = &r.track
					}
					vis = appendVisibility(vis[:0], id, audience)
					if string(vis) != e.Visibility {
						scan.mismatch = &ledger.VerifyError{Index: e.Index, Problem: ProblemVisibility,
							Detail: fmt.Sprintf("the row says %q, the entry %q", vis, e.Visibility)}
						yield(ledger.StoredEntry{}, scan.mismatch)
						return
					}
				}
				if e.Action == "track.shred" {
					scan.shreds[e.Object] = true
				}
				if !yield(ledger.StoredEntry{Entry: e, Hashes: hashes}, nil) {
					return
				}
				n++
			}
			if b.err != nil {
				yield(ledger.StoredEntry{}, b.err)
				return
			}
			// database/sql closes the rows of a cancelled context on a
			// goroutine of its own, which may come late: stop here, at the
			// batch's end, as soon as the context is done.
			if err := ctx.Err(); err != nil {
				yield(ledger.StoredEntry{}, err)
				return
			}
			free <- b // never blocks: only two batches circulate
		}
	}
}

// auditScanBatch is how many entry rows readAuditRows reads into a batch.
const auditScanBatch = 512

// auditBatch is a run of entry rows: buf holds each row's leaf, audience
// and stored hashes in turn, err the error that ended the reading after
// these rows.
type auditBatch struct {
	buf  []byte
	rows []auditRow
	err  error
}

// auditRow locates a row's columns in its batch: the leaf is
// buf[leaf:audience], the audience buf[audience:hashes], the stored hashes
// buf[hashes:end].
type auditRow struct {
	leaf, audience, hashes, end int
	track                       int64
	trackValid                  bool
}

// readAuditRows reads the rows of (leaf, track_id, audience, hashes) into the
// batches it takes from free, sending each on full, until the rows end, an
// error (sent as the last batch's err) or stop; it closes full and rows.
func readAuditRows(rows *sql.Rows, free <-chan *auditBatch, full chan<- *auditBatch, stop <-chan struct{}) {
	defer close(full)
	defer rows.Close()
	var leaf, audience, hashes sql.RawBytes
	var track sql.NullInt64
	for {
		select {
		case <-stop: // before a free batch, which may be ready too
			return
		default:
		}
		var b *auditBatch
		select {
		case b = <-free:
		case <-stop:
			return
		}
		b.buf, b.rows, b.err = b.buf[:0], b.rows[:0], nil
		for len(b.rows) < auditScanBatch && rows.Next() {
			if err := rows.Scan(&leaf, &track, &audience, &hashes); err != nil {
				b.err = err
				break
			}
			r := auditRow{leaf: len(b.buf), track: track.Int64, trackValid: track.Valid}
			b.buf = append(b.buf, leaf...)
			r.audience = len(b.buf)
			b.buf = append(b.buf, audience...)
			r.hashes = len(b.buf)
			b.buf = append(b.buf, hashes...)
			r.end = len(b.buf)
			b.rows = append(b.rows, r)
		}
		if b.err == nil && len(b.rows) < auditScanBatch {
			b.err = rows.Err() // the rows have ended
			if len(b.rows) > 0 || b.err != nil {
				full <- b
			}
			return
		}
		full <- b
		if b.err != nil {
			return
		}
	}
}

// verifySealed opens every sealed field.
func (s *Store) verifySealed(ctx context.Context, tx *Tx, shredded map[string]bool, rep *AuditReport) error {
	// A track is shredded only by ShredTrack, which says so in the ledger
	// (shredded, collected while the ledger verified): an emptied key
	// without that entry was emptied behind our back.
	//
	// Unwrap the keys first: a connection cannot query while it reads rows
	// (PostgreSQL).
	var trackIDs []int64
	rows, err := tx.QueryContext(ctx, `SELECT track_id FROM profiles UNION SELECT track_id FROM meeting_notes
		UNION SELECT track_id FROM proposals UNION SELECT track_id FROM ballots UNION SELECT track_id FROM text_versions
		UNION SELECT track_id FROM prisoners UNION SELECT track_id FROM child_cases UNION SELECT track_id FROM reports`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		trackIDs = append(trackIDs, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	keys := map[int64]error{}
	opened := map[int64]*seal.TrackKey{}
	for _, id := range trackIDs {
		k, err := s.trackKey(ctx, tx, id, false)
		opened[id] = k
		var pe *parley.Error
		if errors.As(err, &pe) && pe.Code == parley.ENOTFOUND && !shredded[trackObject(id)] {
			err = fmt.Errorf("the key was emptied but the ledger records no shredding: %w", ledger.ErrVerify)
		}
		keys[id] = err
	}
	key := func(trackID int64) (*seal.TrackKey, error) { return opened[trackID], keys[trackID] }
	rows, err = tx.QueryContext(ctx, `SELECT track_id, party_id, version, content FROM profiles ORDER BY track_id, party_id, version`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var t, p, v int64
		var c []byte
		if err := rows.Scan(&t, &p, &v, &c); err != nil {
			return err
		}
		if err := s.checkSealed(key, rep, t, "profiles", profileRecord(t, p, v), "content", c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT id, track_id, text FROM meeting_notes ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, t int64
		var c []byte
		if err := rows.Scan(&id, &t, &c); err != nil {
			return err
		}
		if err := s.checkSealed(key, rep, t, "meeting_notes", strconv.FormatInt(id, 10), "text", c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	return s.verifySealedProposals(ctx, tx, key, rep)
}

// verifySealedProposals opens the sealed fields of proposals, responses,
// ballots, ballot answers, text versions and prisoners (proposal.go,
// ballot.go, text.go, prisoner.go, child.go, commitment.go).
func (s *Store) verifySealedProposals(ctx context.Context, tx *Tx, key func(int64) (*seal.TrackKey, error), rep *AuditReport) error {
	for _, q := range []struct{ table, field, query string }{
		{"proposals", "content", `SELECT CAST(id AS TEXT), track_id, content FROM proposals ORDER BY id`},
		{"proposal_responses", "reasons", `SELECT CAST(id AS TEXT), track_id, reasons FROM proposal_responses ORDER BY id`},
		{"ballots", "package", `SELECT CAST(id AS TEXT), track_id, package FROM ballots ORDER BY id`},
		{"ballot_parties", "answer", `SELECT CAST(a.ballot_id AS TEXT) || '/' || CAST(a.party_id AS TEXT), b.track_id, a.answer
			FROM ballot_parties a JOIN ballots b ON b.id = a.ballot_id WHERE a.answer IS NOT NULL ORDER BY a.ballot_id, a.party_id`},
		{"text_versions", "clauses", `SELECT CAST(id AS TEXT), track_id, clauses FROM text_versions ORDER BY id`},
		{"prisoners", "person", `SELECT CAST(id AS TEXT), track_id, person FROM prisoners ORDER BY id`},
		{"child_cases", "content", `SELECT CAST(id AS TEXT), track_id, content FROM child_cases ORDER BY id`},
		{"reports", "evidence", `SELECT CAST(id AS TEXT), track_id, evidence FROM reports ORDER BY id`},
	} {
		if err := s.verifySealedRows(ctx, tx, key, rep, q.table, q.field, q.query); err != nil {
			return err
		}
	}
	return nil
}

// verifySealedRows opens the sealed field of every row of query, which
// yields (record, track_id, ciphertext).
func (s *Store) verifySealedRows(ctx context.Context, tx *Tx, key func(int64) (*seal.TrackKey, error), rep *AuditReport, table, field, query string) error {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rec string
		var t int64
		var c []byte
		if err := rows.Scan(&rec, &t, &c); err != nil {
			return err
		}
		if err := s.checkSealed(key, rep, t, table, rec, field, c); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *Store) checkSealed(key func(int64) (*seal.TrackKey, error), rep *AuditReport, trackID int64, table, record, field string, c []byte) error {
	k, err := key(trackID)
	if err != nil {
		var pe *parley.Error
		if errors.As(err, &pe) && pe.Code == parley.ENOTFOUND {
			rep.Shredded++
			return nil
		}
		return &SealedError{Table: "track_keys", Record: strconv.FormatInt(trackID, 10), Field: "wrapped", Err: err}
	}
	if _, err := k.OpenField(table, record, field, c); err != nil {
		return &SealedError{Table: table, Record: record, Field: field, Err: err}
	}
	rep.Sealed++
	return nil
}
