package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func TestVerifyClean(t *testing.T) {
	s, v := testKeys(t)
	for _, n := range []int64{0, 1, 2, 3, 7, 8, 9, 100, 1000} {
		var cps []int64
		for c := int64(1); c <= n; c *= 3 {
			cps = append(cps, c)
		}
		if n > 0 {
			cps = append(cps, n)
		}
		m := newTestLog(t, n, 1, s, cps...)
		for _, vf := range verifiers {
			tree, err := vf.verify(m, n, v)
			if err != nil {
				t.Fatalf("%s(clean log of %d): %v", vf.name, n, err)
			}
			if tree.N != n {
				t.Errorf("%s(%d entries).N = %d", vf.name, n, tree.N)
			}
			if n > 0 {
				want, _ := TreeHash(m, n)
				if tree.Hash != want {
					t.Errorf("%s(%d entries) root %v, want %v", vf.name, n, tree.Hash, want)
				}
			}
		}
	}
}

// tamperLog builds the log the tampering tests edit: 1000 entries,
// checkpoints at 100, 250, 500 and 1000.
func tamperLog(t *testing.T) (*memLog, note.Verifier) {
	s, v := testKeys(t)
	return newTestLog(t, 1000, 1, s, 100, 250, 500, 1000), v
}

// recomputeHashes rebuilds every stored hash from the (tampered) entries,
// as an attacker who knows the format would.
func recomputeHashes(t *testing.T, m *memLog) {
	entries := m.entries
	m.entries, m.hashes = nil, nil
	for _, e := range entries {
		first, hs, err := Append(m, int64(len(m.entries)), e)
		if err != nil {
			t.Fatal(err)
		}
		if first != int64(len(m.hashes)) {
			t.Fatal("recompute: hashes out of step")
		}
		m.entries = append(m.entries, e)
		m.hashes = append(m.hashes, hs...)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	base, v := tamperLog(t)
	otherS, _ := testKeys(t)
	for _, tc := range []struct {
		name       string
		tamper     func(m *memLog)
		size       int64 // log size given to Verify; 0 means len(entries) before tampering
		index      int64
		problem    Problem
		checkpoint int64
	}{
		{name: "actor changed", tamper: func(m *memLog) { m.entries[500].Actor = "user/666" }, index: 500, problem: ProblemEntryHash},
		{name: "action byte flipped", tamper: func(m *memLog) { b := []byte(m.entries[0].Action); b[0] ^= 1; m.entries[0].Action = string(b) }, index: 0, problem: ProblemEntryHash},
		{name: "visibility changed", tamper: func(m *memLog) { m.entries[501].Visibility = "track/1 mediators" }, index: 501, problem: ProblemEntryHash},
		{name: "visibility removed", tamper: func(m *memLog) { m.entries[502].Visibility = "" }, index: 502, problem: ProblemEntryHash},
		{name: "visibility added", tamper: func(m *memLog) { m.entries[504].Visibility = "track/1 plenary" }, index: 504, problem: ProblemEntryHash},
		{name: "entry marked legacy", tamper: func(m *memLog) { m.entries[504] = olderEntry(m.entries[504], 1) }, index: 504, problem: ProblemEntryHash},
		{name: "entry stripped of its salt", tamper: func(m *memLog) { m.entries[505] = olderEntry(m.entries[505], 2) }, index: 505, problem: ProblemEntryHash},
		{name: "salt bit flipped", tamper: func(m *memLog) { m.entries[506].Salt[3] ^= 4 }, index: 506, problem: ProblemEntryHash},
		{name: "object changed in last entry", tamper: func(m *memLog) { m.entries[999].Object = "track/1" }, index: 999, problem: ProblemEntryHash},
		{name: "time moved by a microsecond", tamper: func(m *memLog) { m.entries[37].Time = m.entries[37].Time.Add(TimePrecision) }, index: 37, problem: ProblemEntryHash},
		{name: "digest bit flipped", tamper: func(m *memLog) { m.entries[640].Digest[17] ^= 0x10 }, index: 640, problem: ProblemEntryHash},
		{name: "previous checkpoint changed", tamper: func(m *memLog) { m.entries[300].PrevCheckpoint = 100 }, index: 300, problem: ProblemBadEntry},
		{name: "invalid field", tamper: func(m *memLog) { m.entries[12].Actor = "" }, index: 12, problem: ProblemBadEntry},
		{name: "entry deleted", tamper: func(m *memLog) { m.entries = append(m.entries[:500], m.entries[501:]...) }, index: 500, problem: ProblemMissingEntry},
		{name: "first entry deleted", tamper: func(m *memLog) { m.entries = m.entries[1:] }, index: 0, problem: ProblemMissingEntry},
		{name: "last entry deleted", tamper: func(m *memLog) { m.entries = m.entries[:999] }, index: 999, problem: ProblemMissingEntry},
		{name: "tail truncated with its hashes and size", tamper: func(m *memLog) {
			m.entries = m.entries[:900]
			m.hashes = m.hashes[:tlog.StoredHashCount(900)]
		}, size: 900, index: 900, problem: ProblemMissingEntry, checkpoint: 1000},
		{name: "entry duplicated", tamper: func(m *memLog) {
			m.entries = append(m.entries[:301], m.entries[300:]...)
		}, index: 301, problem: ProblemOutOfOrder},
		{name: "entry appended behind the log's back", tamper: func(m *memLog) {
			m.entries = append(m.entries, testEntry(1000))
		}, index: 1000, problem: ProblemExtraEntry},
		{name: "two rows swapped", tamper: func(m *memLog) { m.entries[10], m.entries[20] = m.entries[20], m.entries[10] }, index: 10, problem: ProblemMissingEntry},
		{name: "two contents swapped, indexes kept", tamper: func(m *memLog) {
			m.entries[10], m.entries[20] = m.entries[20], m.entries[10]
			m.entries[10].Index, m.entries[20].Index = 10, 20
		}, index: 10, problem: ProblemEntryHash},
		{name: "stored leaf hash changed", tamper: func(m *memLog) { m.hashes[tlog.StoredHashIndex(0, 700)][0] ^= 1 }, index: 700, problem: ProblemEntryHash},
		{name: "stored interior hash changed", tamper: func(m *memLog) {
			// Level 3 node 5 covers entries 40..47; entry 47 completes it.
			m.hashes[tlog.StoredHashIndex(3, 5)][9] ^= 1
		}, index: 47, problem: ProblemStoredHash},
		{name: "entry changed and hashes recomputed", tamper: func(m *memLog) {
			m.entries[600].Actor = "user/666"
			recomputeHashes(t, m)
		}, index: 500, problem: ProblemRootMismatch, checkpoint: 1000},
		{name: "early entry changed and hashes recomputed", tamper: func(m *memLog) {
			m.entries[99].Digest[0] ^= 1
			recomputeHashes(t, m)
		}, index: 0, problem: ProblemRootMismatch, checkpoint: 100},
		{name: "checkpoint forged with another key", tamper: func(m *memLog) {
			root, _ := TreeHash(m, 250)
			m.checkpoints[1], _ = SignCheckpoint(otherS, 250, root)
		}, index: -1, problem: ProblemBadSignature, checkpoint: 250},
		{name: "checkpoint root edited", tamper: func(m *memLog) {
			cp := bytes.Clone(m.checkpoints[2])
			cp[len("parley.test/audit\n500\n")] ^= 1
			m.checkpoints[2] = cp
		}, index: -1, problem: ProblemBadSignature, checkpoint: 500},
	} {
		for _, vf := range verifiers {
			t.Run(vf.name+"/"+tc.name, func(t *testing.T) {
				m := base.clone()
				size := m.size() // the size the store recorded
				tc.tamper(m)
				if tc.size != 0 {
					size = tc.size
				}
				_, err := vf.verify(m, size, v)
				checkVerifyError(t, err, tc.index, tc.problem, tc.checkpoint)
			})
		}
	}
}

// checkVerifyError checks that err is a *VerifyError with the given index,
// problem and checkpoint size, and that it wraps ErrVerify.
func checkVerifyError(t *testing.T, err error, index int64, problem Problem, checkpoint int64) {
	t.Helper()
	var ve *VerifyError
	if !errors.As(err, &ve) {
		t.Fatalf("Verify = %v, want a *VerifyError", err)
	}
	if !errors.Is(err, ErrVerify) {
		t.Errorf("errors.Is(%v, ErrVerify) = false", err)
	}
	if ve.Index != index || ve.Problem != problem || ve.Checkpoint != checkpoint {
		t.Errorf("Verify = %v\nwant index %d, problem %q, checkpoint %d", err, index, problem, checkpoint)
	}
}

func TestVerifyCheckpointOverAnotherTree(t *testing.T) {
	s, v := testKeys(t)
	m := newTestLog(t, 300, 1, s, 100, 200)
	// The legitimate key signed a root that is not this log's (a signer
	// that equivocated, or a log rewritten before the checkpoint was taken).
	bad, err := SignCheckpoint(s, 150, Hash{7})
	if err != nil {
		t.Fatal(err)
	}
	m.checkpoints = append(m.checkpoints, bad)
	_, err = m.verify(v)
	checkVerifyError(t, err, 100, ProblemRootMismatch, 150)
}

func TestVerifyCheckpointBeyondLog(t *testing.T) {
	s, v := testKeys(t)
	m := newTestLog(t, 300, 1, s, 300)
	short := &memLog{entries: m.entries[:250], hashes: m.hashes[:tlog.StoredHashCount(250)], checkpoints: m.checkpoints}
	_, err := short.verify(v)
	checkVerifyError(t, err, 250, ProblemMissingEntry, 300)
}

func TestVerifyReadErrors(t *testing.T) {
	s, v := testKeys(t)
	m := newTestLog(t, 50, 1, s, 50)
	boom := errors.New("disk on fire")
	failing := func(yield func(Entry, error) bool) {
		for i, e := range m.entries {
			if i == 20 {
				yield(Entry{}, boom)
				return
			}
			if !yield(e, nil) {
				return
			}
		}
	}
	_, err := Verify(50, failing, m, m.checkpoints, v)
	if !errors.Is(err, boom) || errors.Is(err, ErrVerify) {
		t.Errorf("entry read error: Verify = %v, want the read error and not ErrVerify", err)
	}
	badReader := HashReaderFunc(func([]int64) ([]Hash, error) { return nil, boom })
	if _, err := Verify(50, m.all(), badReader, m.checkpoints, v); !errors.Is(err, boom) {
		t.Errorf("hash read error: Verify = %v, want the read error", err)
	}
	shortReader := HashReaderFunc(func([]int64) ([]Hash, error) { return []Hash{{}}, nil })
	if _, err := Verify(50, m.all(), shortReader, m.checkpoints, v); err == nil || errors.Is(err, ErrVerify) {
		t.Errorf("short hash reader: Verify = %v, want a reader error", err)
	}
	if _, err := Verify(-1, m.all(), m, nil, v); err == nil {
		t.Error("Verify with negative size: no error")
	}
	if _, err := Verify(50, m.all(), nil, m.checkpoints, v); err == nil || errors.Is(err, ErrVerify) {
		t.Errorf("Verify with no HashReader = %v, want an error", err)
	}
	failingStored := func(yield func(StoredEntry, error) bool) {
		for e, err := range m.allStored() {
			if e.Index == 20 {
				yield(StoredEntry{}, boom)
				return
			}
			if !yield(e, err) {
				return
			}
		}
	}
	_, err = VerifyStored(50, failingStored, m.checkpoints, v)
	if !errors.Is(err, boom) || errors.Is(err, ErrVerify) {
		t.Errorf("entry read error: VerifyStored = %v, want the read error and not ErrVerify", err)
	}
	if _, err := VerifyStored(-1, m.allStored(), nil, v); err == nil {
		t.Error("VerifyStored with negative size: no error")
	}
}

// TestVerifyStoredHashCount checks that VerifyStored names an entry given
// a stored hash too few or too many, or a partial one.
func TestVerifyStoredHashCount(t *testing.T) {
	s, v := testKeys(t)
	m := newTestLog(t, 100, 1, s, 50, 100)
	for _, tc := range []struct {
		name  string
		index int64
		edit  func(h []byte) []byte
	}{
		{"leaf hash missing", 10, func(h []byte) []byte { return nil }},
		{"interior hash missing", 47, func(h []byte) []byte { return h[:len(h)-tlog.HashSize] }},
		{"hash added", 48, func(h []byte) []byte { return append(h, h...) }},
		{"byte cut", 99, func(h []byte) []byte { return h[:len(h)-1] }},
		{"byte added", 0, func(h []byte) []byte { return append(h, 0) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entries := func(yield func(StoredEntry, error) bool) {
				for e, err := range m.allStored() {
					if e.Index == tc.index {
						e.Hashes = tc.edit(bytes.Clone(e.Hashes))
					}
					if !yield(e, err) {
						return
					}
				}
			}
			_, err := VerifyStored(m.size(), entries, m.checkpoints, v)
			checkVerifyError(t, err, tc.index, ProblemHashCount, 0)
		})
	}
}

// TestVerifyRandomTampering makes random single edits to entries and
// stored hashes and checks that each is detected at the right index.
func TestVerifyRandomTampering(t *testing.T) {
	base, v := tamperLog(t)
	rng := rand.New(rand.NewPCG(7, 7))
	for trial := range 300 {
		m := base.clone()
		i := rng.Int64N(m.size())
		var want int64
		var what string
		switch rng.IntN(7) {
		case 0:
			m.entries[i].Actor += "x"
			want, what = i, "actor"
		case 6:
			m.entries[i].Visibility += "x"
			want, what = i, "visibility"
		case 1:
			m.entries[i].Digest[rng.IntN(DigestSize)] ^= byte(1 + rng.IntN(255))
			want, what = i, "digest"
		case 2:
			m.entries[i].Time = m.entries[i].Time.Add(TimePrecision * time1(rng))
			want, what = i, "time"
		case 3:
			m.entries = append(m.entries[:i:i], m.entries[i+1:]...)
			want, what = i, "delete"
		case 4:
			x := rng.Int64N(int64(len(m.hashes)))
			m.hashes[x][rng.IntN(tlog.HashSize)] ^= 1
			level, n := tlog.SplitStoredHashIndex(x)
			// The entry that completes node (level, n) is the last it covers.
			want, what = (n+1)<<level-1, fmt.Sprintf("stored hash %d", x)
		case 5:
			j := rng.Int64N(m.size())
			if j == i {
				continue
			}
			m.entries[i], m.entries[j] = m.entries[j], m.entries[i]
			m.entries[i].Index, m.entries[j].Index = i, j
			want, what = min(i, j), "swap"
		}
		for _, vf := range verifiers {
			_, err := vf.verify(m, base.size(), v)
			var ve *VerifyError
			if !errors.As(err, &ve) || ve.Index != want {
				t.Errorf("trial %d (%s): %s = %v, want an error at entry %d", trial, what, vf.name, err, want)
			}
		}
	}
}

func time1(rng *rand.Rand) time.Duration { return time.Duration(1 + rng.IntN(1000)) }

// TestVerifyAllocations checks that Verify allocates per batch of stored
// hashes, not per entry.
func TestVerifyAllocations(t *testing.T) {
	s, v := testKeys(t)
	m := newTestLog(t, 20000, 100, s, 10000, 20000)
	for _, vf := range verifiers {
		allocs := testing.AllocsPerRun(3, func() {
			if _, err := vf.verify(m, m.size(), v); err != nil {
				t.Fatal(err)
			}
		})
		// Checkpoint parsing and signature checks take a few dozen; each
		// batch of stored hashes a couple.
		if limit := 200.0; allocs > limit {
			t.Errorf("%s of 20000 entries made %.0f allocations, want ≤ %.0f", vf.name, allocs, limit)
		}
	}
}

// BenchmarkVerify measures Verify over a log of 10⁶ entries, the target of
// issue 7 (≤ 1 s). The log is built once, in memory.
func BenchmarkVerify(b *testing.B) {
	const n = 1_000_000
	s, v := testKeys(b)
	m := newTestLog(b, n, 1000, s, 250_000, 500_000, 750_000, n)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tree, err := m.verify(v)
		if err != nil || tree.N != n {
			b.Fatal(tree.N, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/entry")
}

// BenchmarkAppend measures computing the stored hashes for one entry.
func BenchmarkAppend(b *testing.B) {
	m := newTestLog(b, 1<<16, 1000, nil)
	e := testEntry(m.size())
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Append(m, m.size(), e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendBatch measures a group commit of 100 entries.
func BenchmarkAppendBatch(b *testing.B) {
	m := newTestLog(b, 1<<16, 1000, nil)
	batch := make([]Entry, 100)
	for i := range batch {
		batch[i] = testEntry(m.size() + int64(i))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Append(m, m.size(), batch...); err != nil {
			b.Fatal(err)
		}
	}
}

var _ iter.Seq2[Entry, error] = (&memLog{}).all()
