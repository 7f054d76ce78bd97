package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"iter"
	"math/bits"
	"slices"
	"strconv"
	"sync/atomic"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Problem says what Verify found wrong.
type Problem string

// The problems Verify reports.
const (
	// ProblemBadEntry: an entry's fields are invalid (see Entry.Validate) or
	// its previous checkpoint size goes backwards.
	ProblemBadEntry Problem = "invalid entry"
	// ProblemMissingEntry: the entry is absent: a later entry stands in its
	// place, the entries end before the log's size, or a checkpoint signs
	// more entries than the log holds.
	ProblemMissingEntry Problem = "missing entry"
	// ProblemOutOfOrder: an entry with an index already seen stands where
	// this one belongs (a duplicate or a reordering).
	ProblemOutOfOrder Problem = "duplicate or out-of-order entry"
	// ProblemExtraEntry: an entry lies beyond the log's size.
	ProblemExtraEntry Problem = "entry beyond the log's size"
	// ProblemEntryHash: the entry's recomputed leaf hash differs from its
	// stored hash: the entry or its stored hash was altered.
	ProblemEntryHash Problem = "entry does not match its stored hash"
	// ProblemStoredHash: an interior stored hash, completed by this entry,
	// differs from the one recomputed from the entries.
	ProblemStoredHash Problem = "stored tree hash altered"
	// ProblemHashCount: the stored hashes given with the entry (see
	// VerifyStored) are more or fewer than the entry adds, or not a whole
	// number of hashes: one is missing or extra.
	ProblemHashCount Problem = "wrong number of stored hashes"
	// ProblemBadSignature: a checkpoint is not signed by the verifier's key,
	// or is malformed.
	ProblemBadSignature Problem = "checkpoint signature does not verify"
	// ProblemRootMismatch: the tree recomputed from the entries differs from
	// a signed checkpoint. Index is the first entry after the last checkpoint
	// that matched; the altered entry is at or after it, before the
	// checkpoint's size.
	ProblemRootMismatch Problem = "tree differs from signed checkpoint"
)

// VerifyError describes the first problem Verify found. errors.Is(err,
// ErrVerify) holds.
type VerifyError struct {
	// Index is the first bad entry, or -1 when the problem is a checkpoint
	// itself (a bad signature).
	Index int64
	// Checkpoint is the tree size of the checkpoint involved, or 0.
	Checkpoint int64
	Problem    Problem
	Detail     string
}

func (e *VerifyError) Error() string {
	var b bytes.Buffer
	b.WriteString("ledger: ")
	if e.Index >= 0 {
		fmt.Fprintf(&b, "entry %d: ", e.Index)
	} else {
		fmt.Fprintf(&b, "checkpoint of size %d: ", e.Checkpoint)
	}
	b.WriteString(string(e.Problem))
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrVerify) true.
func (e *VerifyError) Is(target error) bool { return target == ErrVerify }

// verifyBatch is how many stored hashes Verify reads at a time.
const verifyBatch = 1 << 13

// Verify checks a whole log from scratch: it trusts nothing but v.
//
// size is the number of entries the store says the log holds; entries must
// yield entries 0..size-1 in index order; hashes reads the stored hashes;
// checkpoints are signed checkpoints in any order. Verify
//
//  1. opens every checkpoint with v (a bad signature fails at once);
//  2. recomputes the tree bottom-up from the entries, hashing each once
//     (SHA-256(0x00 || encoding), RFC 6962 §2.1) and each interior node
//     once (SHA-256(0x01 || left || right)): 2·size − 1 hashes in all, and
//     compares every node with the stored hash at its stored-hash index, so
//     stored hashes are never trusted, only checked;
//  3. at each checkpoint's size, compares the recomputed root with the
//     signed one. Matching roots at every checkpoint imply that each earlier
//     checkpoint is a prefix of each later one (consistency).
//
// It returns the recomputed tree, or a *VerifyError naming the first bad
// entry (in log order) and what is wrong, or another error if reading
// failed. Memory use is O(log size) besides a few batches of entries and
// one of stored hashes. Verify runs the hashing on two goroutines of its
// own, which end before it returns; entries is iterated on the caller's.
//
// Concurrency contract: hashes.ReadHashes is called from one of Verify's
// goroutines while the entries iterator is still open, never concurrently
// with itself. A database store must therefore answer it on another
// connection than the one the iterator's query holds (a *sql.DB pool does
// this; a single *sql.Tx or pgx.Conn does not). Because the log is
// append-only, the two connections agree on entries 0..size-1.
func Verify(size int64, entries iter.Seq2[Entry, error], hashes HashReader, checkpoints [][]byte, v note.Verifier) (Tree, error) {
	if hashes == nil {
		return Tree{}, errors.New("ledger: verify: nil HashReader")
	}
	stored := func(yield func(StoredEntry, error) bool) {
		for e, err := range entries {
			if !yield(StoredEntry{Entry: e}, err) {
				return
			}
		}
	}
	return verify(size, stored, hashes, checkpoints, v)
}

// StoredEntry is an entry with the stored hashes it added, as a store that
// keeps them beside it holds them (see Append): Hashes is their
// concatenation, the hashes at stored-hash indexes
// tlog.StoredHashIndex(0, Index) on, 1 + (number of trailing 1 bits of
// Index) of them.
type StoredEntry struct {
	Entry
	Hashes []byte
}

// VerifyStored is Verify for a store that yields each entry with the stored
// hashes it added, so that one scan of the log supplies both: it makes the
// same checks, comparing every stored hash with the recomputed one, and
// names an entry given more or fewer stored hashes than it adds
// (ProblemHashCount). Verify copies the hashes as they pass, so the
// iterator may reuse the memory of Hashes once the yield returns.
func VerifyStored(size int64, entries iter.Seq2[StoredEntry, error], checkpoints [][]byte, v note.Verifier) (Tree, error) {
	return verify(size, entries, nil, checkpoints, v)
}

// verify is Verify with the stored hashes read by hashes or, if it is nil,
// given with the entries.
func verify(size int64, entries iter.Seq2[StoredEntry, error], hashes HashReader, checkpoints [][]byte, v note.Verifier) (Tree, error) {
	if size < 0 {
		return Tree{}, fmt.Errorf("ledger: verify log of negative size %d", size)
	}
	cps, err := openCheckpoints(checkpoints, v)
	if err != nil {
		return Tree{}, err
	}
	w := &walker{hashes: hashes, storedEnd: tlog.StoredHashCount(size), cps: cps}
	p := startPipeline(w)
	defer p.finish() // stops the goroutines if the iterator panics
	var n int64
	var stop error // why reading stopped early, if it did
	for e, err := range entries {
		if err != nil {
			stop = fmt.Errorf("ledger: verify: read entry %d: %w", n, err)
			break
		}
		if stop = checkSequence(n, size, e.Index); stop != nil {
			break
		}
		if hashes == nil {
			if stop = checkHashCount(n, e.Hashes); stop != nil {
				break
			}
		}
		if !p.push(&e) {
			break // the worker found a problem
		}
		n++
	}
	// An error of the worker concerns an entry before any the reading loop
	// stopped at, so it comes first.
	if err := p.finish(); err != nil {
		return Tree{}, err
	}
	if stop != nil {
		return Tree{}, stop
	}
	if n < size {
		return Tree{}, &VerifyError{Index: n, Problem: ProblemMissingEntry,
			Detail: fmt.Sprintf("the entries end at %d but the log's size is %d", n, size)}
	}
	if w.cpi < len(cps) {
		cp := cps[w.cpi]
		return Tree{}, &VerifyError{Index: n, Checkpoint: cp.Size, Problem: ProblemMissingEntry,
			Detail: fmt.Sprintf("a checkpoint signs %d entries but the log holds %d", cp.Size, n)}
	}
	return Tree{N: n, Hash: w.root()}, nil
}

// checkSequence checks that the entry read at position n of a log of the
// given size has index n.
func checkSequence(n, size, index int64) error {
	switch {
	case n >= size:
		return &VerifyError{Index: n, Problem: ProblemExtraEntry, Detail: fmt.Sprintf("the log's size is %d, found entry %d", size, index)}
	case index > n:
		return &VerifyError{Index: n, Problem: ProblemMissingEntry, Detail: fmt.Sprintf("entry %d comes in its place", index)}
	case index < n:
		return &VerifyError{Index: n, Problem: ProblemOutOfOrder, Detail: fmt.Sprintf("entry %d comes in its place", index)}
	}
	return nil
}

// checkHashCount checks that entry n is given the stored hashes it adds:
// 1 + (number of trailing 1 bits of n).
func checkHashCount(n int64, hashes []byte) error {
	want := 1 + bits.TrailingZeros64(^uint64(n))
	if len(hashes) != want*tlog.HashSize {
		return &VerifyError{Index: n, Problem: ProblemHashCount,
			Detail: fmt.Sprintf("%d bytes of stored hashes, want %d (%d hashes)", len(hashes), want*tlog.HashSize, want)}
	}
	return nil
}

// pipelineBatch is how many entries the reading goroutine hands on at a
// time, and pipelineDepth how many batches are in flight.
const (
	pipelineBatch = 1024
	pipelineDepth = 6
)

// batch is a run of consecutive entries and their leaf hashes, with the
// stored hashes they added when the entries carry them. bad is the position
// of the first invalid entry in it, or -1, and badErr the reason.
type batch struct {
	entries []Entry
	leaves  []Hash
	stored  []Hash
	bad     int
	badErr  error
}

// pipeline verifies in three stages on three goroutines: the caller's reads
// the entries (running the store's query behind the iterator) and copies
// them into batches; the second validates and hashes the leaves; the third
// builds the tree and compares it with the stored hashes and checkpoints.
// Batches circulate among the stages, so nothing is allocated per entry.
// The stages use every core the machine has; on two cores the hashing is
// split between them, or runs beside a slow query.
type pipeline struct {
	w        *walker
	cur      *batch
	free     chan *batch
	leaves   chan *batch
	tree     chan *batch
	done     chan struct{}
	failed   atomic.Bool
	finished bool
	err      error // the walker's error; read after done is closed
}

func startPipeline(w *walker) *pipeline {
	p := &pipeline{
		w:      w,
		free:   make(chan *batch, pipelineDepth),
		leaves: make(chan *batch, pipelineDepth),
		tree:   make(chan *batch, pipelineDepth),
		done:   make(chan struct{}),
	}
	for range pipelineDepth {
		b := &batch{entries: make([]Entry, 0, pipelineBatch), leaves: make([]Hash, pipelineBatch)}
		if w.hashes == nil {
			// Entries of a batch add under 2 hashes each, plus one per level.
			b.stored = make([]Hash, 0, 2*pipelineBatch+64)
		}
		p.free <- b
	}
	p.cur = <-p.free
	go p.hashLeaves()
	go p.buildTree()
	return p
}

// hashLeaves computes the leaf hash of every entry, SHA-256(0x00 ||
// encoding), up to the first invalid one in each batch.
func (p *pipeline) hashLeaves() {
	defer close(p.tree)
	var scratch [1 + MaxEntrySize]byte
	for b := range p.leaves {
		b.bad, b.badErr = -1, nil
		for i := range b.entries {
			h, err := b.entries[i].leafHash(scratch[:])
			if err != nil {
				b.bad, b.badErr = i, err
				break
			}
			b.leaves[i] = h
		}
		p.tree <- b
	}
}

// buildTree walks every batch until the first error, then only recycles
// batches so that the reader never blocks.
func (p *pipeline) buildTree() {
	defer close(p.done)
	for b := range p.tree {
		if p.err == nil {
			p.err = p.walk(b)
			if p.err != nil {
				p.failed.Store(true)
			}
		}
		clear(b.entries) // drop references to the entries' strings
		b.entries, b.stored = b.entries[:0], b.stored[:0]
		p.free <- b
	}
}

func (p *pipeline) walk(b *batch) error {
	if p.w.hashes == nil {
		// The batch's stored hashes are the next ones: those its entries,
		// from entry p.w.n on, added.
		p.w.stored, p.w.storedFirst = b.stored, p.w.next
	}
	for i := range b.entries {
		if i == b.bad {
			return &VerifyError{Index: p.w.n, Problem: ProblemBadEntry, Detail: b.badErr.Error()}
		}
		if err := p.w.add(&b.entries[i], b.leaves[i]); err != nil {
			return err
		}
	}
	return nil
}

// push adds e, and its stored hashes when the entries carry them, to the
// current batch, handing the batch on when it is full. It returns false
// once the walker has failed.
func (p *pipeline) push(e *StoredEntry) bool {
	p.cur.entries = append(p.cur.entries, e.Entry)
	if p.w.hashes == nil {
		for h := e.Hashes; len(h) > 0; h = h[tlog.HashSize:] {
			p.cur.stored = append(p.cur.stored, Hash(h[:tlog.HashSize]))
		}
	}
	if len(p.cur.entries) == pipelineBatch {
		p.leaves <- p.cur
		p.cur = <-p.free
	}
	return !p.failed.Load()
}

// finish hands on the last batch, waits for the walker and returns its
// error.
// It may be called more than once.
func (p *pipeline) finish() error {
	if !p.finished {
		p.finished = true
		if len(p.cur.entries) > 0 {
			p.leaves <- p.cur
		}
		close(p.leaves)
	}
	<-p.done
	return p.err
}

// openCheckpoints verifies and parses every checkpoint and sorts them by
// size.
func openCheckpoints(signed [][]byte, v note.Verifier) ([]Checkpoint, error) {
	cps := make([]Checkpoint, 0, len(signed))
	for i, msg := range signed {
		c, err := openCheckpoint(msg, v)
		if err != nil {
			return nil, &VerifyError{Index: -1, Checkpoint: claimedSize(msg), Problem: ProblemBadSignature,
				Detail: fmt.Sprintf("checkpoint #%d of %d given: %v", i+1, len(signed), err)}
		}
		cps = append(cps, c)
	}
	slices.SortStableFunc(cps, func(a, b Checkpoint) int { return int(min(max(a.Size-b.Size, -1), 1)) })
	return cps, nil
}

// claimedSize returns the size an unverified checkpoint claims on its
// second line, or 0.
func claimedSize(msg []byte) int64 {
	lines := bytes.SplitN(msg, []byte("\n"), 3)
	if len(lines) < 3 {
		return 0
	}
	size, err := strconv.ParseInt(string(lines[1]), 10, 64)
	if err != nil || size < 0 {
		return 0
	}
	return size
}

// walker recomputes the tree one entry at a time. frontier holds the roots
// of the complete subtrees of the entries so far, largest first: one per 1
// bit of n, so at most 63.
type walker struct {
	n        int64
	frontier [64]Hash
	depth    int

	hashes      HashReader // nil: the entries carry their stored hashes
	stored      []Hash     // stored hashes storedFirst, storedFirst+1, …
	storedFirst int64
	next        int64 // stored-hash index of the next node to compare
	storedEnd   int64 // tlog.StoredHashCount(size)
	indexes     []int64

	prevCP int64

	cps      []Checkpoint
	cpi      int   // next checkpoint to reach
	lastGood int64 // size of the last checkpoint that matched
}

// add adds entry e, which has index w.n and leaf hash leaf, to the tree and
// checks the stored hashes it completes and any checkpoint of size w.n+1.
func (w *walker) add(e *Entry, leaf Hash) error {
	if e.PrevCheckpoint < w.prevCP {
		return &VerifyError{Index: w.n, Problem: ProblemBadEntry,
			Detail: fmt.Sprintf("previous checkpoint size %d is below the preceding entry's %d", e.PrevCheckpoint, w.prevCP)}
	}
	w.prevCP = e.PrevCheckpoint

	stored, err := w.nextStored()
	if err != nil {
		return err
	}
	if stored != leaf {
		return &VerifyError{Index: w.n, Problem: ProblemEntryHash,
			Detail: fmt.Sprintf("the entry or stored hash %d was altered", w.next-1)}
	}
	// Entry n completes one subtree per trailing 1 bit of n: merge them,
	// SHA-256(0x01 || left || right), RFC 6962 §2.1.
	h := leaf
	for k := w.n; k&1 == 1; k >>= 1 {
		w.depth--
		h = tlog.NodeHash(w.frontier[w.depth], h)
		stored, err := w.nextStored()
		if err != nil {
			return err
		}
		if stored != h {
			level, _ := tlog.SplitStoredHashIndex(w.next - 1)
			return &VerifyError{Index: w.n, Problem: ProblemStoredHash,
				Detail: fmt.Sprintf("stored hash %d (level %d) differs from the recomputed one", w.next-1, level)}
		}
	}
	w.frontier[w.depth] = h
	w.depth++
	w.n++

	for w.cpi < len(w.cps) && w.cps[w.cpi].Size <= w.n {
		cp := w.cps[w.cpi]
		if cp.Root != w.root() {
			return &VerifyError{Index: w.lastGood, Checkpoint: cp.Size, Problem: ProblemRootMismatch,
				Detail: fmt.Sprintf("an entry in %d..%d was altered and the stored hashes recomputed, or the checkpoint was signed over another tree", w.lastGood, cp.Size-1)}
		}
		w.lastGood = cp.Size
		w.cpi++
	}
	return nil
}

// root returns the tree hash of the entries so far: the frontier folded
// from the right, MTH of RFC 6962 §2.1. Cost: depth−1 hashes.
func (w *walker) root() Hash {
	if w.depth == 0 {
		return Hash{}
	}
	h := w.frontier[w.depth-1]
	for i := w.depth - 2; i >= 0; i-- {
		h = tlog.NodeHash(w.frontier[i], h)
	}
	return h
}

// nextStored returns the stored hash at index w.next and advances, reading
// a batch of consecutive stored hashes when needed.
func (w *walker) nextStored() (Hash, error) {
	i := w.next - w.storedFirst
	if i >= int64(len(w.stored)) {
		count := min(verifyBatch, w.storedEnd-w.next)
		if count <= 0 || w.hashes == nil {
			panic("ledger: verify needs more stored hashes than the log's size implies")
		}
		w.indexes = w.indexes[:0]
		for x := w.next; x < w.next+count; x++ {
			w.indexes = append(w.indexes, x)
		}
		hs, err := w.hashes.ReadHashes(w.indexes)
		if err != nil {
			return Hash{}, fmt.Errorf("ledger: verify: read stored hashes %d..%d: %w", w.next, w.next+count-1, err)
		}
		if int64(len(hs)) != count {
			return Hash{}, fmt.Errorf("ledger: verify: hash reader returned %d hashes for %d indexes", len(hs), count)
		}
		w.stored, w.storedFirst, i = hs, w.next, 0
	}
	w.next++
	return w.stored[i], nil
}
