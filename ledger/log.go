package ledger

import (
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// HashReader reads stored hashes by their stored-hash index (see
// tlog.StoredHashIndex); it is tlog.HashReader. ReadHashes must return
// exactly one hash per requested index, in the order requested, or an error.
// Verify asks for ascending runs of consecutive indexes, so a database may
// answer with one range query.
type HashReader = tlog.HashReader

// HashReaderFunc adapts a function to a HashReader.
type HashReaderFunc = tlog.HashReaderFunc

// Tree is a tree size and its root hash.
type Tree = tlog.Tree

// ErrVerify is the sentinel for "this does not verify": a proof that fails,
// a checkpoint with a bad signature, or a log that differs from its hashes
// or checkpoints. errors.Is(err, ErrVerify) holds for every such error.
var ErrVerify = errors.New("ledger: does not verify")

// Append computes the stored hashes for entries, appended to a log that holds
// n entries whose stored hashes r reads. entries[i].Index must be n+i. The
// store saves hashes[j] at stored-hash index first+j, where first =
// tlog.StoredHashIndex(0, n), in the same transaction as the entries; all
// must be of EntryVersion (salted). Each
// entry adds 1 + (number of trailing 1 bits of its index) hashes, so the
// log's stored hashes number tlog.StoredHashCount(size), under 2·size.
//
// Appending several entries at once (a group commit) reads only hashes
// already stored before the batch: hashes of earlier entries in the batch
// are taken from the batch itself. Cost: at most log₂ n hash reads and
// 1 + log₂ n hashes per entry.
func Append(r HashReader, n int64, entries ...Entry) (first int64, hashes []Hash, err error) {
	if n < 0 {
		return 0, nil, fmt.Errorf("ledger: append at negative size %d", n)
	}
	first = tlog.StoredHashIndex(0, n)
	pending := batchReader{r: r, first: first}
	var scratch [1 + MaxEntrySize]byte
	for i := range entries {
		e := &entries[i]
		if e.Index != n+int64(i) {
			return 0, nil, fmt.Errorf("ledger: append: entry has index %d, want %d", e.Index, n+int64(i))
		}
		if e.version() != EntryVersion {
			return 0, nil, fmt.Errorf("ledger: append: entry %d is of version %d; new entries are of version %d", e.Index, e.Version, EntryVersion)
		}
		leaf, err := e.leafHash(scratch[:])
		if err != nil {
			return 0, nil, fmt.Errorf("ledger: append: %w", err)
		}
		h, err := tlog.StoredHashesForRecordHash(e.Index, leaf, &pending)
		if err != nil {
			return 0, nil, fmt.Errorf("ledger: append entry %d: %w", e.Index, err)
		}
		pending.hashes = append(pending.hashes, h...)
	}
	return first, pending.hashes, nil
}

// batchReader reads hashes at indexes ≥ first from hashes, the batch being
// computed, and earlier ones from r.
type batchReader struct {
	r      HashReader
	first  int64
	hashes []Hash
}

func (b *batchReader) ReadHashes(indexes []int64) ([]Hash, error) {
	var old []int64
	for _, x := range indexes {
		if x < b.first {
			old = append(old, x)
		}
	}
	var fromStore []Hash
	if len(old) > 0 {
		var err error
		if fromStore, err = b.r.ReadHashes(old); err != nil {
			return nil, err
		}
		if len(fromStore) != len(old) {
			return nil, fmt.Errorf("ledger: hash reader returned %d hashes for %d indexes", len(fromStore), len(old))
		}
	}
	out := make([]Hash, len(indexes))
	for i, x := range indexes {
		if x < b.first {
			out[i], fromStore = fromStore[0], fromStore[1:]
			continue
		}
		if x-b.first >= int64(len(b.hashes)) {
			panic(fmt.Sprintf("ledger: append read stored hash %d before computing it", x))
		}
		out[i] = b.hashes[x-b.first]
	}
	return out, nil
}

// TreeHash returns the root hash of the log's first size entries, the
// Merkle tree hash of RFC 6962 §2.1. size must be at least 1. Cost: at most
// log₂ size hash reads.
func TreeHash(r HashReader, size int64) (Hash, error) {
	if size < 1 {
		return Hash{}, fmt.Errorf("ledger: tree hash of size %d, want ≥ 1", size)
	}
	h, err := tlog.TreeHash(size, r)
	if err != nil {
		return Hash{}, fmt.Errorf("ledger: tree hash of size %d: %w", size, err)
	}
	return h, nil
}

// ProveInclusion returns the proof that entry index is in the tree of the
// first size entries (RFC 6962 §2.1.1 audit path), 0 ≤ index < size. The
// proof has at most ⌈log₂ size⌉ hashes.
func ProveInclusion(r HashReader, index, size int64) ([]Hash, error) {
	if index < 0 || index >= size {
		return nil, fmt.Errorf("ledger: inclusion proof of entry %d in tree of size %d: index out of range", index, size)
	}
	p, err := tlog.ProveRecord(size, index, r)
	if err != nil {
		return nil, fmt.Errorf("ledger: inclusion proof of entry %d in tree of size %d: %w", index, size, err)
	}
	return p, nil
}

// CheckInclusion verifies that proof shows the entry with leaf hash leaf at
// position index in the tree of the given size and root. A failure wraps
// ErrVerify.
func CheckInclusion(proof []Hash, index, size int64, root, leaf Hash) error {
	if index < 0 || index >= size {
		return fmt.Errorf("ledger: check inclusion of entry %d in tree of size %d: index out of range", index, size)
	}
	if err := tlog.CheckRecord(proof, size, root, index, leaf); err != nil {
		return fmt.Errorf("ledger: inclusion of entry %d in tree of size %d: %w", index, size, ErrVerify)
	}
	return nil
}

// ProveConsistency returns the proof that the tree of the first oldSize
// entries is a prefix of the tree of the first newSize entries (RFC 6962
// §2.1.2), 1 ≤ oldSize ≤ newSize. The proof has at most 2⌈log₂ newSize⌉ hashes,
// and none when the sizes are equal.
func ProveConsistency(r HashReader, oldSize, newSize int64) ([]Hash, error) {
	if oldSize < 1 || oldSize > newSize {
		return nil, fmt.Errorf("ledger: consistency proof from size %d to %d: want 1 ≤ old ≤ new", oldSize, newSize)
	}
	p, err := tlog.ProveTree(newSize, oldSize, r)
	if err != nil {
		return nil, fmt.Errorf("ledger: consistency proof from size %d to %d: %w", oldSize, newSize, err)
	}
	return p, nil
}

// CheckConsistency verifies that proof shows the tree (oldSize, oldRoot) to
// be a prefix of the tree (newSize, newRoot). A failure wraps ErrVerify.
func CheckConsistency(proof []Hash, oldSize int64, oldRoot Hash, newSize int64, newRoot Hash) error {
	if oldSize < 1 || oldSize > newSize {
		return fmt.Errorf("ledger: check consistency from size %d to %d: want 1 ≤ old ≤ new", oldSize, newSize)
	}
	if err := tlog.CheckTree(proof, newSize, newRoot, oldSize, oldRoot); err != nil {
		return fmt.Errorf("ledger: consistency from size %d to %d: %w", oldSize, newSize, ErrVerify)
	}
	return nil
}
