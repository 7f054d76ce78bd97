package sqlstore

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"sort"
	"strconv"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/ledger"
	"github.com/parley-talks/parley/seal"
	"golang.org/x/mod/sumdb/note"
)

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
	Checkpoints int         // signed checkpoints checked, the tail's and any kept outside included
	// Tail is the signed checkpoint of the whole log, which VerifyAudit
	// requires: the one parley audit checkpoint exports.
	Tail []byte
	// Since are the kept checkpoints (VerifyOptions.Since) shown to be
	// prefixes of the log, with an RFC 6962 consistency proof each.
	Since []ledger.Checkpoint
	// Rows is how many stored rows were checked, each against its MAC and
	// the ledger's latest record of it; Tables how many tables they fill.
	Rows   int64
	Tables int
	// Sealed counts the sealed fields opened, Shredded those of shredded
	// tracks, which cannot be and are skipped.
	Sealed, Shredded int
	// Legacy counts the entries written before entries were salted and
	// recorded the rows they changed (versions 1 and 2): they verify, but
	// their own change is not replayed (the rows they wrote were bound
	// when the store was upgraded). NoVisibility counts those of version 1,
	// which record no visibility, so their track_id and audience columns
	// cannot be checked. Neither is a failure.
	Legacy, NoVisibility int64
}

// VerifyOptions are the choices of VerifyAudit.
type VerifyOptions struct {
	// Since are signed checkpoints kept outside the database (parley audit
	// checkpoint): each must be signed by this store's key and be a prefix
	// of the log. A database rolled back to an older copy, or rewritten,
	// fails.
	Since [][]byte
}

// ProblemVisibility is VerifyAudit's finding for an entry row whose
// track_id or audience column differs from the visibility its leaf
// records: someone changed who may see the entry.
const ProblemVisibility ledger.Problem = "track_id or audience differs from the entry's visibility"

// ProblemChanges is VerifyAudit's finding for an entry whose recorded row
// changes (changed_rows) differ from those its digest vouches for, or are
// missing or malformed.
const ProblemChanges ledger.Problem = "the rows the entry records differ from its digest"

// RowProblem is what VerifyAudit found wrong with one row.
type RowProblem struct {
	Table, Record string
	Kind          RowProblemKind
}

// RowProblemKind says how a stored row differs from what the store wrote
// and the ledger recorded.
type RowProblemKind string

// The kinds of RowProblem.
const (
	// RowEdited: the row's columns differ from its MAC (or it has none):
	// edited behind the application's back.
	RowEdited RowProblemKind = "edited: its columns differ from its MAC"
	// RowRolledBack: the row verifies, but it is not what the ledger last
	// recorded for it: an earlier state put back (or written by someone
	// holding the store's keys).
	RowRolledBack RowProblemKind = "rolled back: it is not what the ledger last recorded for it"
	// RowDeleted: the ledger records the row, the database lacks it.
	RowDeleted RowProblemKind = "deleted: the ledger records it but it is gone"
	// RowRestored: the ledger records the row's deletion, yet it is there.
	RowRestored RowProblemKind = "restored: the ledger records its deletion"
	// RowUnrecorded: the ledger never recorded the row.
	RowUnrecorded RowProblemKind = "unrecorded: the ledger never recorded it"
)

// RowsError lists the rows VerifyAudit found wrong (at most
// maxRowProblems; Total counts them all). errors.Is(err,
// ledger.ErrVerify) holds.
type RowsError struct {
	Problems []RowProblem
	Total    int
}

// maxRowProblems bounds the problems a RowsError names.
const maxRowProblems = 100

func (e *RowsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d rows differ from what the store wrote and the ledger recorded:", e.Total)
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  %s %s: %s", p.Table, p.Record, p.Kind)
	}
	if e.Total > len(e.Problems) {
		fmt.Fprintf(&b, "\n  … and %d more", e.Total-len(e.Problems))
	}
	return b.String()
}

// Is makes errors.Is(err, ledger.ErrVerify) true.
func (e *RowsError) Is(target error) bool { return target == ledger.ErrVerify }

// rowState is the ledger's latest record of a row: the first bytes of its
// MAC, or its deletion.
type rowState struct {
	mac     [16]byte
	deleted bool
}

// auditScan is what VerifyAudit notes as the entries pass: the ledger's
// latest record of every row, per table.
type auditScan struct {
	latest       []map[string]rowState // by table id, then the key's encoding
	legacy       int64                 // entries of versions 1 and 2
	noVisibility int64                 // entries of version 1
	// problem is the first entry whose row disagrees with its leaf (its
	// visibility columns or its recorded changes); the scan stops there.
	problem *ledger.VerifyError
}

func newAuditScan() *auditScan {
	sc := &auditScan{latest: make([]map[string]rowState, len(tables))}
	for i := range sc.latest {
		sc.latest[i] = map[string]rowState{}
	}
	return sc
}

// tableIDs finds a registry table by name without allocating.
var tableIDs = func() map[string]int {
	m := map[string]int{}
	for i, t := range tables {
		m[t.name] = i // t.id is set by init, which runs after this
	}
	return m
}()

// replay records the changes of an entry; an error if they are malformed
// or name a table outside the registry.
func (sc *auditScan) replay(changes []byte) error {
	var bad error
	err := decodeChanges(changes, func(table, key, mac []byte) {
		id, ok := tableIDs[string(table)]
		if !ok {
			if bad == nil {
				bad = fmt.Errorf("a change of table %q, which holds no authenticated rows", table)
			}
			return
		}
		var st rowState
		if mac == nil {
			st.deleted = true
		} else {
			copy(st.mac[:], mac)
		}
		sc.latest[id][string(key)] = st
	})
	if err != nil {
		return err
	}
	return bad
}

// VerifyAudit checks the whole store behind the application's back, in
// read transactions, writing nothing:
//
//  1. the ledger: it recomputes the tree from the stored entries and the
//     stored hashes their rows hold (ledger.VerifyStored), checks every
//     checkpoint's signature and root — the ones kept every
//     CheckpointEvery entries, the signed tail, which must sign the whole
//     log, and any kept outside (opts.Since) — with the verifier computed
//     from the signer the master key unwraps; each entry row's track_id
//     and audience must be those its leaf records (ProblemVisibility) and
//     its recorded changes those its digest vouches for (ProblemChanges);
//  2. every row of every authenticated table: its MAC, and the ledger's
//     latest record of it (replayed from the entries' changes) — an
//     edited, rolled back, deleted, restored or unrecorded row is named
//     (*RowsError);
//  3. every sealed field opens with its record's associated data
//     (*SealedError).
//
// Steps 1 and 2 share one read transaction: the rows are compared with the
// ledger of the same instant. Step 3 runs beside them, in a read
// transaction of its own, since whether a field opens does not depend on
// the ledger: on a store that a server writes meanwhile, it may see a few
// rows more.
//
// A problem of the ledger is returned at once: a *ledger.VerifyError
// wrapped with the entry's index and object. Every error that means the
// store does not verify satisfies errors.Is(err, ledger.ErrVerify).
func (s *Store) VerifyAudit(ctx context.Context, opts VerifyOptions) (rep AuditReport, err error) {
	if err := requireSystem(ctx); err != nil {
		return rep, err
	}
	if _, err := s.master(); err != nil {
		return rep, err
	}
	s.keys.mu.Lock()
	v := s.keys.verifier
	s.keys.mu.Unlock()
	if v == nil {
		return rep, ErrNoMasterKey
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var sealed AuditReport
	sealedDone := make(chan error, 1)
	go func() { sealedDone <- s.verifySealedAlone(ctx, &sealed) }()
	err = s.verifyLedgerAndRows(ctx, v, opts.Since, &rep)
	if err != nil {
		cancel()
	}
	sealedErr := <-sealedDone
	if err != nil {
		return rep, err
	}
	rep.Sealed, rep.Shredded = sealed.Sealed, sealed.Shredded
	return rep, sealedErr
}

// verifyLedgerAndRows is steps 1 and 2 of VerifyAudit, in one read
// transaction.
func (s *Store) verifyLedgerAndRows(ctx context.Context, v note.Verifier, since [][]byte, rep *AuditReport) error {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	scan, err := s.verifyLedger(ctx, tx, v, since, false, rep)
	if err != nil {
		return err
	}
	if err := s.verifyRows(ctx, tx, scan, rep); err != nil {
		return err
	}
	return commit(tx)
}

// verifySealedAlone is step 3 of VerifyAudit, in a read transaction of its
// own.
func (s *Store) verifySealedAlone(ctx context.Context, rep *AuditReport) error {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.verifySealed(ctx, tx, true, rep); err != nil {
		return err
	}
	return commit(tx)
}

// verifyLedger is step 1 of VerifyAudit, with the verifier v: it fills in
// rep's Size, Root, Checkpoints, Tail, Since, Legacy and NoVisibility and
// returns the ledger's latest record of every row. With unsignedTail, as
// for a database written before every commit signed the log's tail (see
// bind.go), the entries after the last checkpoint may be unsigned; v may
// then be nil if there is no checkpoint at all.
func (s *Store) verifyLedger(ctx context.Context, tx *Tx, v note.Verifier, since [][]byte, unsignedTail bool, rep *AuditReport) (*auditScan, error) {
	var size, tailSize int64
	var tail []byte
	if err := tx.QueryRowContext(ctx, `SELECT size, checkpoint, signed FROM audit_log WHERE id = 1`).Scan(&size, &tailSize, &tail); err != nil {
		return nil, fmt.Errorf("read the log's size: %w", err)
	}
	if !unsignedTail && size > 0 && (tail == nil || tailSize != size) {
		return nil, &ledger.VerifyError{Index: tailSize, Checkpoint: tailSize, Problem: ledger.ProblemMissingEntry,
			Detail: fmt.Sprintf("the log holds %d entries but its latest signed checkpoint covers %d: its tail is not signed", size, tailSize)}
	}
	cps, err := keptCheckpoints(ctx, tx)
	if err != nil {
		return nil, err
	}
	if tail != nil {
		cps = append(cps, tail)
	}
	cps = append(cps, since...)
	if v == nil && len(cps) > 0 {
		return nil, errors.New("the ledger has signed checkpoints but the database holds no key to check them")
	}
	scan := newAuditScan()
	tree, err := ledger.VerifyStored(size, s.auditEntries(ctx, tx, scan), cps, v)
	if err != nil {
		if scan.problem != nil && errors.Is(err, scan.problem) {
			// The scan's own finding, which Verify wraps as a read error.
			err = scan.problem
		}
		var ve *ledger.VerifyError
		if errors.As(err, &ve) && ve.Index >= 0 && ve.Index < size {
			return nil, fmt.Errorf("audit entry %d (object %s): %w", ve.Index, s.objectAt(ctx, ve.Index), err)
		}
		return nil, err
	}
	rep.Size, rep.Root, rep.Checkpoints, rep.Tail = tree.N, tree.Hash, len(cps), tail
	rep.Legacy, rep.NoVisibility = scan.legacy, scan.noVisibility
	for _, kept := range since {
		c, err := s.proveKept(ctx, tx, kept, tree)
		if err != nil {
			return nil, err
		}
		rep.Since = append(rep.Since, c)
	}
	return scan, nil
}

// keptCheckpoints reads the checkpoints kept every CheckpointEvery entries.
func keptCheckpoints(ctx context.Context, tx *Tx) ([][]byte, error) {
	var cps [][]byte
	rows, err := tx.QueryContext(ctx, `SELECT signed FROM audit_checkpoints ORDER BY size`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		cps = append(cps, b)
	}
	return cps, rows.Err()
}

// proveKept checks, with an RFC 6962 consistency proof over the stored
// hashes VerifyStored has just checked, that the kept checkpoint (whose
// signature and root VerifyStored checked too) is a prefix of tree.
func (s *Store) proveKept(ctx context.Context, tx *Tx, kept []byte, tree ledger.Tree) (ledger.Checkpoint, error) {
	s.keys.mu.Lock()
	v := s.keys.verifier
	s.keys.mu.Unlock()
	c, err := ledger.OpenCheckpoint(kept, v)
	if err != nil {
		return c, err
	}
	r := hashReader{ctx: ctx, q: tx}
	proof, err := ledger.ProveConsistency(r, c.Size, tree.N)
	if err != nil {
		return c, err
	}
	if err := ledger.CheckConsistency(proof, c.Size, c.Root, tree.N, tree.Hash); err != nil {
		return c, fmt.Errorf("the kept checkpoint of %d entries: %w", c.Size, err)
	}
	return c, nil
}

// verifyRows checks every row of every authenticated table against its MAC
// and against the ledger's latest record of it (scan.latest, which it
// empties as the rows pass), then names the rows the ledger records that
// are gone.
func (s *Store) verifyRows(ctx context.Context, tx *Tx, scan *auditScan, rep *AuditReport) error {
	auth := tx.rowAuth()
	if auth == nil {
		return ErrNoMasterKey
	}
	var problems RowsError
	add := func(t *table, record string, kind RowProblemKind) {
		problems.Total++
		if len(problems.Problems) < maxRowProblems {
			problems.Problems = append(problems.Problems, RowProblem{Table: t.name, Record: record, Kind: kind})
		}
	}
	var input, key []byte
	for _, t := range tables {
		latest := scan.latest[t.id]
		vals := t.newHolders()
		var mac []byte
		dest := append(append([]any(nil), vals...), &mac)
		rows, err := tx.QueryContext(ctx, `SELECT `+t.sel+` FROM `+t.name)
		if err != nil {
			return fmt.Errorf("read %s: %w", t.name, err)
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return fmt.Errorf("read %s: %w", t.name, err)
			}
			n++
			if key, err = t.appendKey(key[:0], vals); err != nil {
				add(t, t.record(vals), RowEdited)
				continue
			}
			input, err = t.appendRow(input[:0], vals)
			want := auth.sum(input)
			if err != nil || len(mac) != rowMACSize || subtle.ConstantTimeCompare(want[:], mac) != 1 {
				add(t, keyText(key), RowEdited)
				delete(latest, string(key))
				continue
			}
			st, ok := latest[string(key)]
			switch {
			case !ok:
				add(t, keyText(key), RowUnrecorded)
			case st.deleted:
				add(t, keyText(key), RowRestored)
			case [16]byte(want[:16]) != st.mac:
				add(t, keyText(key), RowRolledBack)
			}
			delete(latest, string(key))
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return fmt.Errorf("read %s: %w", t.name, err)
		}
		rows.Close()
		rep.Rows += int64(n)
		if n > 0 {
			rep.Tables++
		}
		for k, st := range latest {
			if !st.deleted {
				add(t, keyText([]byte(k)), RowDeleted)
			}
		}
	}
	if problems.Total > 0 {
		sort.SliceStable(problems.Problems, func(i, j int) bool {
			a, b := problems.Problems[i], problems.Problems[j]
			return a.Table < b.Table || a.Table == b.Table && a.Record < b.Record
		})
		return &problems
	}
	return nil
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
// scan of the table serves ledger.VerifyStored). A row that does not decode
// is yielded as an invalid entry at its position, which Verify names. As
// the rows pass, it checks each entry's visibility against the row's
// track_id and audience, and each entry's recorded changes against its
// digest, stopping at the first that differs (scan.problem), replays the
// changes into scan.latest and counts the older entries.
//
// The driver's row reading is most of the scan's cost, so a goroutine
// (readAuditRows) reads the rows into batches while this one decodes and
// checks the previous batch; the two batches circulate, so nothing is
// allocated per row. The yielded Hashes point into a batch, which is
// reused after VerifyStored has copied them. An error of the reader comes
// after the rows it read. When the iterator returns, for whatever reason,
// the reader has stopped and the rows are closed, so the transaction's
// connection is free again.
func (s *Store) auditEntries(ctx context.Context, tx *Tx, scan *auditScan) iter.Seq2[ledger.StoredEntry, error] {
	return func(yield func(ledger.StoredEntry, error) bool) {
		rows, err := tx.QueryContext(ctx, `SELECT leaf, track_id, audience, hashes, changed_rows FROM audit_entries ORDER BY idx`)
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
		fail := func(index int64, p ledger.Problem, detail string) {
			scan.problem = &ledger.VerifyError{Index: index, Problem: p, Detail: detail}
			yield(ledger.StoredEntry{}, scan.problem)
		}
		for b := range full {
			for i := range b.rows {
				r := &b.rows[i]
				leaf := b.buf[r.leaf:r.audience]
				audience := b.buf[r.audience:r.hashes]
				hashes := b.buf[r.hashes:r.changes]
				changes := b.buf[r.changes:r.end]
				e, err := ledger.DecodeEntry(leaf)
				switch {
				case err != nil:
					e = ledger.Entry{Index: n} // invalid: no actor, action or object
				case e.Index != n:
					// Out of sequence: Verify names it.
				case e.Version != 0:
					scan.legacy++
					if e.Legacy() {
						scan.noVisibility++
						break
					}
					fallthrough
				default:
					var id *int64
					if r.trackValid {
						id = &r.track
					}
					vis = appendVisibility(vis[:0], id, audience)
					if string(vis) != e.Visibility {
						fail(e.Index, ProblemVisibility, fmt.Sprintf("the row says %q, the entry %q", vis, e.Visibility))
						return
					}
					if e.Version != 0 {
						break // older entries record no changes
					}
					if !r.changesValid || ledger.DigestOf(changes) != e.Digest {
						fail(e.Index, ProblemChanges, "changed_rows was altered or removed")
						return
					}
					if err := scan.replay(changes); err != nil {
						fail(e.Index, ProblemChanges, err.Error())
						return
					}
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

// auditBatch is a run of entry rows: buf holds each row's leaf, audience,
// stored hashes and recorded changes in turn, err the error that ended the
// reading after these rows.
type auditBatch struct {
	buf  []byte
	rows []auditRow
	err  error
}

// auditRow locates a row's columns in its batch: the leaf is
// buf[leaf:audience], the audience buf[audience:hashes], the stored hashes
// buf[hashes:changes], the recorded changes buf[changes:end] (changesValid
// false for NULL).
type auditRow struct {
	leaf, audience, hashes, changes, end int
	track                                int64
	trackValid, changesValid             bool
}

// readAuditRows reads the rows of (leaf, track_id, audience, hashes,
// changed_rows) into the batches it takes from free, sending each on full,
// until the rows end, an error (sent as the last batch's err) or stop; it
// closes full and rows.
func readAuditRows(rows *sql.Rows, free <-chan *auditBatch, full chan<- *auditBatch, stop <-chan struct{}) {
	defer close(full)
	defer rows.Close()
	var leaf, audience, hashes, changes sql.RawBytes
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
			if err := rows.Scan(&leaf, &track, &audience, &hashes, &changes); err != nil {
				b.err = err
				break
			}
			r := auditRow{leaf: len(b.buf), track: track.Int64, trackValid: track.Valid}
			b.buf = append(b.buf, leaf...)
			r.audience = len(b.buf)
			b.buf = append(b.buf, audience...)
			r.hashes = len(b.buf)
			b.buf = append(b.buf, hashes...)
			r.changes = len(b.buf)
			b.buf = append(b.buf, changes...)
			r.end, r.changesValid = len(b.buf), changes != nil
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

// verifySealed unwraps every track's key and opens every sealed field
// with its record's associated data. The rows holding them have verified
// already (verifyRows): a key emptied behind our back, or a ciphertext
// moved, fails there; what is left to show is that every sealed value is
// one this store can open.
//
// Before the rows are bound (bound false), texts' titles and reports'
// sources are still plain and are not opened.
func (s *Store) verifySealed(ctx context.Context, tx *Tx, bound bool, rep *AuditReport) error {
	master, err := s.master()
	if err != nil {
		return err
	}
	type wrappedKey struct {
		track   int64
		wrapped []byte
	}
	var wrapped []wrappedKey
	rows, err := tx.QueryContext(ctx, `SELECT track_id, wrapped FROM track_keys ORDER BY track_id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var k wrappedKey
		if err := rows.Scan(&k.track, &k.wrapped); err != nil {
			rows.Close()
			return err
		}
		wrapped = append(wrapped, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	keys := map[int64]*seal.TrackKey{}
	shredded := map[int64]bool{}
	for _, k := range wrapped {
		if len(k.wrapped) == 0 {
			shredded[k.track] = true
			continue
		}
		tk, err := master.Unwrap(strconv.FormatInt(k.track, 10), k.wrapped)
		if err != nil {
			return &SealedError{Table: "track_keys", Record: strconv.FormatInt(k.track, 10), Field: "wrapped", Err: err}
		}
		keys[k.track] = tk
	}
	key := func(trackID int64) (*seal.TrackKey, error) {
		if k := keys[trackID]; k != nil {
			return k, nil
		}
		if shredded[trackID] {
			return nil, shreddedError(trackID)
		}
		return nil, ErrNoTrackKey(trackID)
	}
	// In the table's own order: ordered by the primary key, SQLite would
	// look every row up from the index, a B-tree descent each.
	rows, err = tx.QueryContext(ctx, `SELECT track_id, party_id, version, content FROM profiles`)
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
	return s.verifySealedProposals(ctx, tx, key, bound, rep)
}

// verifySealedProposals opens the sealed fields of meeting notes,
// proposals, responses, ballots, ballot answers, texts' titles and
// versions, prisoners, children's cases and reports' evidence and sources
// (note.go, proposal.go, ballot.go, text.go, prisoner.go, child.go,
// commitment.go).
func (s *Store) verifySealedProposals(ctx context.Context, tx *Tx, key func(int64) (*seal.TrackKey, error), bound bool, rep *AuditReport) error {
	for _, q := range []struct{ table, field, query string }{
		{"meeting_notes", "text", `SELECT CAST(id AS TEXT), track_id, text FROM meeting_notes ORDER BY id`},
		{"proposals", "content", `SELECT CAST(id AS TEXT), track_id, content FROM proposals ORDER BY id`},
		{"proposal_responses", "reasons", `SELECT CAST(id AS TEXT), track_id, reasons FROM proposal_responses ORDER BY id`},
		{"ballots", "package", `SELECT CAST(id AS TEXT), track_id, package FROM ballots ORDER BY id`},
		{"ballot_parties", "answer", `SELECT CAST(a.ballot_id AS TEXT) || '/' || CAST(a.party_id AS TEXT), b.track_id, a.answer
			FROM ballot_parties a JOIN ballots b ON b.id = a.ballot_id WHERE a.answer IS NOT NULL ORDER BY a.ballot_id, a.party_id`},
		{"texts", "title", `SELECT CAST(id AS TEXT), track_id, sealed_title FROM texts ORDER BY id`},
		{"text_versions", "clauses", `SELECT CAST(id AS TEXT), track_id, clauses FROM text_versions ORDER BY id`},
		{"prisoners", "person", `SELECT CAST(id AS TEXT), track_id, person FROM prisoners ORDER BY id`},
		{"child_cases", "content", `SELECT CAST(id AS TEXT), track_id, content FROM child_cases ORDER BY id`},
		{"reports", "evidence", `SELECT CAST(id AS TEXT), track_id, evidence FROM reports ORDER BY id`},
		{"reports", "source", `SELECT CAST(id AS TEXT), track_id, sealed_source FROM reports ORDER BY id`},
	} {
		if !bound && (q.table == "texts" || q.field == "source") {
			continue // plain until the rows are bound
		}
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
		if parley.ErrorCode(err) == parley.ENOTFOUND {
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
