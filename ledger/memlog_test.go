package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"iter"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// memLog is an in-memory store for the ledger: entries, stored hashes and
// signed checkpoints in slices.
type memLog struct {
	entries     []Entry
	hashes      []Hash
	checkpoints [][]byte
}

func (m *memLog) ReadHashes(indexes []int64) ([]Hash, error) {
	out := make([]Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m.hashes)) {
			return nil, fmt.Errorf("memlog: no stored hash %d (have %d)", x, len(m.hashes))
		}
		out[i] = m.hashes[x]
	}
	return out, nil
}

// append adds entries with Append, checking where the hashes go.
func (m *memLog) append(tb testing.TB, entries ...Entry) {
	tb.Helper()
	first, hs, err := Append(m, int64(len(m.entries)), entries...)
	if err != nil {
		tb.Fatal(err)
	}
	if first != int64(len(m.hashes)) {
		tb.Fatalf("Append: first stored index %d, want %d", first, len(m.hashes))
	}
	m.entries = append(m.entries, entries...)
	m.hashes = append(m.hashes, hs...)
}

func (m *memLog) size() int64 { return int64(len(m.entries)) }

// all yields the entries in storage order, as a store's query would.
func (m *memLog) all() iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for _, e := range m.entries {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// allStored yields the entries with their stored hashes, as a store that
// keeps each entry's hashes in its row would: the entry at position k with
// the hashes at k's stored-hash indexes, as many of them as m holds. It
// reuses the memory of the hashes, which VerifyStored allows.
func (m *memLog) allStored() iter.Seq2[StoredEntry, error] {
	return func(yield func(StoredEntry, error) bool) {
		var buf []byte
		for k, e := range m.entries {
			first := tlog.StoredHashIndex(0, int64(k))
			end := min(tlog.StoredHashCount(int64(k)+1), int64(len(m.hashes)))
			buf = buf[:0]
			for x := first; x < end; x++ {
				buf = append(buf, m.hashes[x][:]...)
			}
			if !yield(StoredEntry{Entry: e, Hashes: buf}, nil) {
				return
			}
		}
	}
}

// verifiers are the two ways to verify m: its stored hashes read through
// its HashReader, or given with the entries.
var verifiers = []struct {
	name   string
	verify func(m *memLog, size int64, v note.Verifier) (Tree, error)
}{
	{"Verify", func(m *memLog, size int64, v note.Verifier) (Tree, error) {
		return Verify(size, m.all(), m, m.checkpoints, v)
	}},
	{"VerifyStored", func(m *memLog, size int64, v note.Verifier) (Tree, error) {
		return VerifyStored(size, m.allStored(), m.checkpoints, v)
	}},
}

func (m *memLog) verify(v note.Verifier) (Tree, error) {
	return Verify(m.size(), m.all(), m, m.checkpoints, v)
}

// clone returns a deep copy to tamper with.
func (m *memLog) clone() *memLog {
	return &memLog{
		entries:     append([]Entry(nil), m.entries...),
		hashes:      append([]Hash(nil), m.hashes...),
		checkpoints: append([][]byte(nil), m.checkpoints...),
	}
}

var testEpoch = time.Date(2026, 11, 29, 16, 0, 0, 0, time.UTC)

// testEntry returns a deterministic, valid entry i.
func testEntry(i int64) Entry {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(i))
	e := Entry{
		Index:  i,
		Time:   testEpoch.Add(time.Duration(i) * 1500 * time.Microsecond),
		Actor:  fmt.Sprintf("user/%d", i%7),
		Action: []string{"profile.update", "track.status", "minutes.create"}[i%3],
		Object: fmt.Sprintf("track/%d", i%5),
		Digest: sha256.Sum256(b[:]),
	}
	salt := sha256.Sum256(append([]byte("salt"), b[:]...))
	copy(e.Salt[:], salt[:])
	if i%4 != 0 { // every fourth entry is of no track
		e.Visibility = fmt.Sprintf("track/%d %s", i%5, []string{"plenary", "mediators", "party:3"}[i%3])
	}
	return e
}

// olderEntry returns e as an entry of version 2 (no salt) or 1 (no salt,
// no visibility) would be.
func olderEntry(e Entry, version int) Entry {
	e.Version, e.Salt = version, [SaltSize]byte{}
	if version == entryVersionLegacy {
		e.Visibility = ""
	}
	return e
}

// newTestLog builds a log of n entries, appended in batches of batch, with a
// checkpoint at every size in cpSizes.
func newTestLog(tb testing.TB, n int64, batch int64, s note.Signer, cpSizes ...int64) *memLog {
	tb.Helper()
	m := &memLog{hashes: make([]Hash, 0, 2*n), entries: make([]Entry, 0, n)}
	want := map[int64]bool{}
	for _, c := range cpSizes {
		want[c] = true
	}
	var prev int64
	for m.size() < n {
		var es []Entry
		for i := m.size(); i < min(n, m.size()+batch); i++ {
			e := testEntry(i)
			e.PrevCheckpoint = prev
			es = append(es, e)
		}
		m.append(tb, es...)
		if want[m.size()] {
			cp, err := NewCheckpoint(m, m.size(), s)
			if err != nil {
				tb.Fatal(err)
			}
			m.checkpoints = append(m.checkpoints, cp)
			prev = m.size()
		}
	}
	return m
}

// testKeys returns a fixed-name key pair for tests.
func testKeys(tb testing.TB) (note.Signer, note.Verifier) {
	tb.Helper()
	skey, vkey, err := GenerateKey("parley.test/audit")
	if err != nil {
		tb.Fatal(err)
	}
	s, err := NewSigner(skey)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := NewVerifier(vkey)
	if err != nil {
		tb.Fatal(err)
	}
	return s, v
}
