package ledger

import (
	"errors"
	"testing"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/tlog"
)

// referenceRoot is MTH of RFC 6962 §2.1 computed recursively with
// transparency-dev/merkle's hasher: an implementation independent of tlog.
func referenceRoot(leaves [][]byte) []byte {
	h := rfc6962.DefaultHasher
	switch len(leaves) {
	case 0:
		return h.EmptyRoot()
	case 1:
		return leaves[0]
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	return h.HashChildren(referenceRoot(leaves[:k]), referenceRoot(leaves[k:]))
}

func hashesToBytes(p []Hash) [][]byte {
	out := make([][]byte, len(p))
	for i := range p {
		out[i] = p[i][:]
	}
	return out
}

// TestProofsExhaustive checks every tree of size 1..100: its root against a
// recursive reference, every inclusion proof and every consistency proof
// with tlog and with transparency-dev/merkle, and that corrupted proofs fail
// in both.
func TestProofsExhaustive(t *testing.T) {
	const maxSize = 100
	m := newTestLog(t, maxSize, 1, nil)
	hasher := rfc6962.DefaultHasher
	leaves := make([][]byte, maxSize)
	for i, e := range m.entries {
		enc, err := e.Encode()
		if err != nil {
			t.Fatal(err)
		}
		leaves[i] = hasher.HashLeaf(enc)
	}
	roots := make([]Hash, maxSize+1)
	for n := int64(1); n <= maxSize; n++ {
		root, err := TreeHash(m, n)
		if err != nil {
			t.Fatal(err)
		}
		if want := referenceRoot(leaves[:n]); string(root[:]) != string(want) {
			t.Fatalf("TreeHash(%d) = %v, want %x", n, root, want)
		}
		roots[n] = root
	}
	for n := int64(1); n <= maxSize; n++ {
		for i := int64(0); i < n; i++ {
			p, err := ProveInclusion(m, i, n)
			if err != nil {
				t.Fatalf("ProveInclusion(%d, %d): %v", i, n, err)
			}
			leaf := Hash(leaves[i])
			if err := CheckInclusion(p, i, n, roots[n], leaf); err != nil {
				t.Errorf("CheckInclusion(%d, %d): %v", i, n, err)
			}
			if err := proof.VerifyInclusion(hasher, uint64(i), uint64(n), leaf[:], hashesToBytes(p), roots[n][:]); err != nil {
				t.Errorf("merkle VerifyInclusion(%d, %d): %v", i, n, err)
			}
			// Corruptions: another leaf, another index, a flipped proof hash.
			other := Hash(leaves[(i+1)%n])
			if n > 1 {
				if err := CheckInclusion(p, i, n, roots[n], other); !errors.Is(err, ErrVerify) {
					t.Errorf("CheckInclusion(%d, %d) accepted another leaf: %v", i, n, err)
				}
				if proof.VerifyInclusion(hasher, uint64(i), uint64(n), other[:], hashesToBytes(p), roots[n][:]) == nil {
					t.Errorf("merkle VerifyInclusion(%d, %d) accepted another leaf", i, n)
				}
				if err := CheckInclusion(p, (i+1)%n, n, roots[n], leaf); !errors.Is(err, ErrVerify) {
					t.Errorf("CheckInclusion(%d at %d, %d) accepted a wrong index: %v", i, (i+1)%n, n, err)
				}
			}
			for k := range p {
				bad := append([]Hash(nil), p...)
				bad[k][0] ^= 1
				if CheckInclusion(bad, i, n, roots[n], leaf) == nil {
					t.Errorf("CheckInclusion(%d, %d) accepted a proof with hash %d flipped", i, n, k)
				}
				if proof.VerifyInclusion(hasher, uint64(i), uint64(n), leaf[:], hashesToBytes(bad), roots[n][:]) == nil {
					t.Errorf("merkle VerifyInclusion(%d, %d) accepted a proof with hash %d flipped", i, n, k)
				}
			}
		}
		for old := int64(1); old <= n; old++ {
			p, err := ProveConsistency(m, old, n)
			if err != nil {
				t.Fatalf("ProveConsistency(%d, %d): %v", old, n, err)
			}
			if err := CheckConsistency(p, old, roots[old], n, roots[n]); err != nil {
				t.Errorf("CheckConsistency(%d, %d): %v", old, n, err)
			}
			if err := proof.VerifyConsistency(hasher, uint64(old), uint64(n), hashesToBytes(p), roots[old][:], roots[n][:]); err != nil {
				t.Errorf("merkle VerifyConsistency(%d, %d): %v", old, n, err)
			}
			if old < n {
				if err := CheckConsistency(p, old, roots[old+1], n, roots[n]); !errors.Is(err, ErrVerify) {
					t.Errorf("CheckConsistency(%d, %d) accepted another old root: %v", old, n, err)
				}
				if proof.VerifyConsistency(hasher, uint64(old), uint64(n), hashesToBytes(p), roots[old+1][:], roots[n][:]) == nil {
					t.Errorf("merkle VerifyConsistency(%d, %d) accepted another old root", old, n)
				}
			}
			for k := range p {
				bad := append([]Hash(nil), p...)
				bad[k][31] ^= 0x80
				if CheckConsistency(bad, old, roots[old], n, roots[n]) == nil {
					t.Errorf("CheckConsistency(%d, %d) accepted a proof with hash %d flipped", old, n, k)
				}
				if proof.VerifyConsistency(hasher, uint64(old), uint64(n), hashesToBytes(bad), roots[old][:], roots[n][:]) == nil {
					t.Errorf("merkle VerifyConsistency(%d, %d) accepted a proof with hash %d flipped", old, n, k)
				}
			}
		}
	}
}

func TestProofInputRanges(t *testing.T) {
	m := newTestLog(t, 5, 1, nil)
	for _, tc := range []struct{ index, size int64 }{{-1, 5}, {5, 5}, {0, 0}, {6, 5}} {
		if _, err := ProveInclusion(m, tc.index, tc.size); err == nil {
			t.Errorf("ProveInclusion(%d, %d): no error", tc.index, tc.size)
		}
		if err := CheckInclusion(nil, tc.index, tc.size, Hash{}, Hash{}); err == nil || errors.Is(err, ErrVerify) {
			t.Errorf("CheckInclusion(%d, %d) = %v, want an input error", tc.index, tc.size, err)
		}
	}
	for _, tc := range []struct{ old, new int64 }{{0, 5}, {3, 2}, {-1, 5}} {
		if _, err := ProveConsistency(m, tc.old, tc.new); err == nil {
			t.Errorf("ProveConsistency(%d, %d): no error", tc.old, tc.new)
		}
	}
	if _, err := TreeHash(m, 0); err == nil {
		t.Error("TreeHash(0): no error")
	}
	if _, err := ProveInclusion(m, 0, 6); err == nil {
		t.Error("ProveInclusion beyond the stored hashes: no error")
	}
}

// TestAppendBatches checks that appending in batches of any size stores the
// same hashes as tlog.StoredHashes one record at a time.
func TestAppendBatches(t *testing.T) {
	const n = 300
	var want []Hash
	r := HashReaderFunc(func(idx []int64) ([]Hash, error) {
		out := make([]Hash, len(idx))
		for i, x := range idx {
			out[i] = want[x]
		}
		return out, nil
	})
	for i := int64(0); i < n; i++ {
		enc, _ := testEntry(i).Encode()
		hs, err := tlog.StoredHashes(i, enc, r)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, hs...)
	}
	for _, batch := range []int64{1, 2, 3, 7, 64, 299, 300} {
		m := newTestLog(t, n, batch, nil)
		if len(m.hashes) != len(want) {
			t.Fatalf("batch %d: %d stored hashes, want %d", batch, len(m.hashes), len(want))
		}
		for i := range want {
			if m.hashes[i] != want[i] {
				t.Fatalf("batch %d: stored hash %d differs from tlog.StoredHashes", batch, i)
			}
		}
	}
	if got := tlog.StoredHashCount(n); got != int64(len(want)) {
		t.Errorf("StoredHashCount(%d) = %d, want %d", n, got, len(want))
	}
}

func TestAppendRejects(t *testing.T) {
	m := newTestLog(t, 3, 1, nil)
	if _, _, err := Append(m, 3, testEntry(4)); err == nil {
		t.Error("Append with a gap in the index: no error")
	}
	if _, _, err := Append(m, 3, testEntry(3), testEntry(5)); err == nil {
		t.Error("Append of a batch with a gap: no error")
	}
	bad := testEntry(3)
	bad.Actor = ""
	if _, _, err := Append(m, 3, bad); err == nil {
		t.Error("Append of an invalid entry: no error")
	}
	for _, v := range []int{1, 2} {
		if _, _, err := Append(m, 3, olderEntry(testEntry(3), v)); err == nil {
			t.Errorf("Append of a version %d entry: no error", v)
		}
	}
	if _, _, err := Append(m, -1); err == nil {
		t.Error("Append at size -1: no error")
	}
}
