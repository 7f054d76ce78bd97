package ledger

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/sumdb/tlog"
)

func TestEntryRoundTrip(t *testing.T) {
	for _, e := range []Entry{
		testEntry(0),
		testEntry(123456789),
		{Index: 1<<63 - 1, Time: time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC), Actor: strings.Repeat("a", MaxFieldLen),
			Action: "é", Object: "track/Київ", PrevCheckpoint: 1 << 62, Visibility: strings.Repeat("v", MaxFieldLen), Salt: [SaltSize]byte{0: 0xff, 15: 0xff}},
		{Index: 5, Time: time.Date(1969, 7, 20, 20, 17, 0, 1000, time.UTC), Actor: "x", Action: "y", Object: "z", PrevCheckpoint: 5, Salt: [SaltSize]byte{1}},
		{Index: 6, Time: testEpoch, Actor: "x", Action: "y", Object: "z", Visibility: "track/Київ party:1", Salt: NewSalt()},
	} {
		b, err := e.Encode()
		if err != nil {
			t.Fatalf("Encode(entry %d): %v", e.Index, err)
		}
		got, err := DecodeEntry(b)
		if err != nil {
			t.Fatalf("DecodeEntry(Encode(entry %d)): %v", e.Index, err)
		}
		if diff := cmp.Diff(e, got); diff != "" {
			t.Errorf("DecodeEntry(Encode(e)) differs (-want +got):\n%s", diff)
		}
		leaf, err := e.LeafHash()
		if err != nil {
			t.Fatal(err)
		}
		if want := tlog.RecordHash(b); leaf != want {
			t.Errorf("LeafHash(entry %d) = %v, want tlog.RecordHash(encoding) = %v", e.Index, leaf, want)
		}
	}
}

func TestEntryTimeZoneDoesNotMatter(t *testing.T) {
	e := testEntry(3)
	f := e
	f.Time = e.Time.In(time.FixedZone("Kyiv", 2*3600))
	a, _ := e.LeafHash()
	b, _ := f.LeafHash()
	if a != b {
		t.Error("the same instant in another zone hashes differently")
	}
}

func TestEntryEncodingKnownAnswer(t *testing.T) {
	e := Entry{Index: 1, Time: time.UnixMicro(2).UTC(), Actor: "a", Action: "bc", Object: "d", PrevCheckpoint: 1, Visibility: "ef"}
	e.Digest[0], e.Digest[31] = 0xAA, 0xBB
	e.Salt[0], e.Salt[15] = 0xCC, 0xDD
	want := []byte{0x03,
		0, 0, 0, 0, 0, 0, 0, 1, // index
		0, 0, 0, 0, 0, 0, 0, 2, // time
		0, 0, 0, 0, 0, 0, 0, 1, // previous checkpoint
		0xAA, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xBB,
		0xCC, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xDD, // salt
		0, 1, 'a', 0, 2, 'b', 'c', 0, 1, 'd', 0, 2, 'e', 'f',
	}
	got, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Encode = %x\nwant     %x", got, want)
	}
}

// TestLegacyEntryKnownAnswer decodes a version 1 encoding, built here by
// hand as the store wrote them before entries recorded their visibility.
func TestLegacyEntryKnownAnswer(t *testing.T) {
	v1 := []byte{0x01,
		0, 0, 0, 0, 0, 0, 0, 1, // index
		0, 0, 0, 0, 0, 0, 0, 2, // time
		0, 0, 0, 0, 0, 0, 0, 1, // previous checkpoint
		0xAA, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xBB,
		0, 1, 'a', 0, 2, 'b', 'c', 0, 1, 'd',
	}
	want := Entry{Index: 1, Time: time.UnixMicro(2).UTC(), Actor: "a", Action: "bc", Object: "d", PrevCheckpoint: 1, Version: 1}
	want.Digest[0], want.Digest[31] = 0xAA, 0xBB
	got, err := DecodeEntry(v1)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DecodeEntry(version 1) differs (-want +got):\n%s", diff)
	}
	leaf, err := got.LeafHash()
	if err != nil {
		t.Fatal(err)
	}
	if leaf != tlog.RecordHash(v1) {
		t.Error("the leaf hash of a legacy entry is not that of its version 1 encoding")
	}
	if _, err := got.Encode(); err == nil {
		t.Error("Encode of a legacy entry: no error, want a refusal (new entries are version 3)")
	}
	got.Visibility = "track/1 plenary"
	if err := got.Validate(); err == nil {
		t.Error("a legacy entry with a visibility validates")
	}
}

// entryVector is one of testdata/entries.json, built independently of this
// package (by hand, with a Python script).
type entryVector struct {
	Comment        string `json:"comment"`
	Version        int    `json:"version"`
	Index          int64  `json:"index"`
	TimeUs         int64  `json:"time_us"`
	PrevCheckpoint int64  `json:"prev_checkpoint"`
	Digest         string `json:"digest"`
	Actor          string `json:"actor"`
	Action         string `json:"action"`
	Object         string `json:"object"`
	Visibility     string `json:"visibility"`
	Salt           string `json:"salt"`
	Encoding       string `json:"encoding"`
	LeafHash       string `json:"leaf_hash"`
}

func TestEntryVectors(t *testing.T) {
	data, err := os.ReadFile("testdata/entries.json")
	if err != nil {
		t.Fatal(err)
	}
	var vectors []entryVector
	if err := json.Unmarshal(data, &vectors); err != nil {
		t.Fatal(err)
	}
	versions := map[int]int{}
	for _, v := range vectors {
		versions[v.Version]++
		want := Entry{Index: v.Index, Time: time.UnixMicro(v.TimeUs).UTC(), PrevCheckpoint: v.PrevCheckpoint,
			Actor: v.Actor, Action: v.Action, Object: v.Object, Visibility: v.Visibility}
		if v.Version < EntryVersion {
			want.Version = v.Version
		}
		copy(want.Digest[:], unhex(t, v.Digest))
		copy(want.Salt[:], unhex(t, v.Salt))
		enc, leafHash := unhex(t, v.Encoding), unhex(t, v.LeafHash)
		got, err := DecodeEntry(enc)
		if err != nil {
			t.Errorf("%s: DecodeEntry: %v", v.Comment, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: DecodeEntry differs (-want +got):\n%s", v.Comment, diff)
		}
		leaf, err := want.LeafHash()
		if err != nil || !bytes.Equal(leaf[:], leafHash) {
			t.Errorf("%s: LeafHash = %x, %v; want %x", v.Comment, leaf, err, leafHash)
		}
		b, err := want.Encode()
		switch {
		case v.Version < EntryVersion && err == nil:
			t.Errorf("%s: Encode of a version %d entry: no error", v.Comment, v.Version)
		case v.Version == EntryVersion && (err != nil || !bytes.Equal(b, enc)):
			t.Errorf("%s: Encode = %x, %v\nwant %x", v.Comment, b, err, enc)
		}
	}
	if versions[1] == 0 || versions[2] == 0 || versions[3] == 0 {
		t.Errorf("vectors per version: %v, want some of versions 1, 2 and 3", versions)
	}
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestVisibilityBoundaries encodes and decodes visibilities around
// MaxFieldLen; the decoding of an over-long one is built by hand.
func TestVisibilityBoundaries(t *testing.T) {
	for _, tc := range []struct {
		n  int
		ok bool
	}{{0, true}, {1, true}, {MaxFieldLen - 1, true}, {MaxFieldLen, true}, {MaxFieldLen + 1, false}} {
		e := testEntry(11)
		e.Visibility = strings.Repeat("v", tc.n)
		b, err := e.Encode()
		if (err == nil) != tc.ok {
			t.Errorf("visibility of %d bytes: Encode error = %v, want ok=%v", tc.n, err, tc.ok)
		}
		if err != nil {
			// What Encode would have written, had it not refused.
			b = e.appendEncoding(nil)
		}
		if want := entryFixedSize + SaltSize + 2*entryFields + len(e.Actor) + len(e.Action) + len(e.Object) + tc.n; len(b) != want {
			t.Fatalf("visibility of %d bytes: encoding has %d bytes, want %d", tc.n, len(b), want)
		}
		got, err := DecodeEntry(b)
		if (err == nil) != tc.ok {
			t.Errorf("visibility of %d bytes: DecodeEntry error = %v, want ok=%v", tc.n, err, tc.ok)
		}
		if err == nil && got.Visibility != e.Visibility {
			t.Errorf("visibility of %d bytes: decoded %d bytes", tc.n, len(got.Visibility))
		}
	}
	// Every field at its limit: the largest entry.
	e := testEntry(12)
	e.Actor, e.Action, e.Object, e.Visibility = strings.Repeat("a", MaxFieldLen), strings.Repeat("b", MaxFieldLen), strings.Repeat("c", MaxFieldLen), strings.Repeat("d", MaxFieldLen)
	b, err := e.Encode()
	if err != nil || len(b) != MaxEntrySize {
		t.Errorf("largest entry: %d bytes, %v; want MaxEntrySize = %d", len(b), err, MaxEntrySize)
	}
}

func TestEntryEncodingsDistinct(t *testing.T) {
	base := testEntry(9)
	variants := []func(*Entry){
		func(e *Entry) {},
		func(e *Entry) { e.Index++ },
		func(e *Entry) { e.Time = e.Time.Add(TimePrecision) },
		func(e *Entry) { e.Actor, e.Action = e.Actor+"x", e.Action[1:] },
		func(e *Entry) { e.Actor, e.Action = e.Actor[:len(e.Actor)-1], e.Actor[len(e.Actor)-1:]+e.Action },
		func(e *Entry) { e.Object += "0" },
		func(e *Entry) { e.Digest[31] ^= 1 },
		func(e *Entry) { e.PrevCheckpoint = 1 },
		func(e *Entry) { e.Visibility = "" },
		func(e *Entry) { e.Visibility += "x" },
		func(e *Entry) { e.Object, e.Visibility = e.Object+e.Visibility[:1], e.Visibility[1:] },
		func(e *Entry) { e.Salt[0] ^= 1 },
		func(e *Entry) { e.Salt[SaltSize-1] ^= 0x80 },
	}
	seen := map[string]int{}
	for i, f := range variants {
		e := base
		f(&e)
		b, err := e.Encode()
		if err != nil {
			t.Fatalf("variant %d: %v", i, err)
		}
		if j, ok := seen[string(b)]; ok {
			t.Errorf("variants %d and %d encode alike", j, i)
		}
		seen[string(b)] = i
	}
}

func TestEntryValidate(t *testing.T) {
	ok := testEntry(10)
	for _, tc := range []struct {
		name string
		edit func(*Entry)
		ok   bool
	}{
		{"valid", func(e *Entry) {}, true},
		{"negative index", func(e *Entry) { e.Index = -1 }, false},
		{"zero time", func(e *Entry) { e.Time = time.Time{} }, false},
		{"nanoseconds", func(e *Entry) { e.Time = e.Time.Add(1) }, false},
		{"empty actor", func(e *Entry) { e.Actor = "" }, false},
		{"empty action", func(e *Entry) { e.Action = "" }, false},
		{"empty object", func(e *Entry) { e.Object = "" }, false},
		{"field at limit", func(e *Entry) { e.Object = strings.Repeat("o", MaxFieldLen) }, true},
		{"field over limit", func(e *Entry) { e.Object = strings.Repeat("o", MaxFieldLen+1) }, false},
		{"newline", func(e *Entry) { e.Actor = "user/1\nuser/2" }, false},
		{"NUL", func(e *Entry) { e.Action = "a\x00" }, false},
		{"bad UTF-8", func(e *Entry) { e.Object = "track/\xff" }, false},
		{"no visibility", func(e *Entry) { e.Visibility = "" }, true},
		{"visibility one under limit", func(e *Entry) { e.Visibility = strings.Repeat("v", MaxFieldLen-1) }, true},
		{"visibility at limit", func(e *Entry) { e.Visibility = strings.Repeat("v", MaxFieldLen) }, true},
		{"visibility over limit", func(e *Entry) { e.Visibility = strings.Repeat("v", MaxFieldLen+1) }, false},
		{"visibility newline", func(e *Entry) { e.Visibility = "track/1 plenary\ntrack/2 plenary" }, false},
		{"visibility bad UTF-8", func(e *Entry) { e.Visibility = "track/1 \xff" }, false},
		{"legacy with visibility", func(e *Entry) { e.Version, e.Salt = 1, [SaltSize]byte{} }, false},
		{"no salt", func(e *Entry) { e.Salt = [SaltSize]byte{} }, false},
		{"one bit of salt", func(e *Entry) { e.Salt = [SaltSize]byte{15: 1} }, true},
		{"version 2 with a salt", func(e *Entry) { e.Version = 2 }, false},
		{"version 4", func(e *Entry) { e.Version = 4 }, false},
		{"prev checkpoint = index", func(e *Entry) { e.PrevCheckpoint = e.Index }, true},
		{"prev checkpoint > index", func(e *Entry) { e.PrevCheckpoint = e.Index + 1 }, false},
		{"negative prev checkpoint", func(e *Entry) { e.PrevCheckpoint = -1 }, false},
	} {
		e := ok
		tc.edit(&e)
		err := e.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("%s: Validate() = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "ledger: ") {
			t.Errorf("%s: error %q lacks the package prefix", tc.name, err)
		}
		if _, encErr := e.Encode(); (encErr == nil) != tc.ok {
			t.Errorf("%s: Encode error = %v, want ok=%v", tc.name, encErr, tc.ok)
		}
	}
}

func TestDecodeEntryRejects(t *testing.T) {
	good, _ := testEntry(5).Encode()
	v2, v1 := olderEntry(testEntry(5), 2), olderEntry(testEntry(5), 1)
	goodV2, goodV1 := v2.appendEncoding(nil), v1.appendEncoding(nil)
	for _, b := range [][]byte{good, goodV2, goodV1} {
		if _, err := DecodeEntry(b); err != nil {
			t.Fatalf("a good version %d encoding does not decode: %v", b[0], err)
		}
	}
	// The visibility's length prefix: the last field of versions 2 and 3.
	vis := len(testEntry(5).Visibility)
	at := func(b []byte) int { return len(b) - 2 - vis }
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"version 0", append([]byte{0}, good[1:]...)},
		{"version 4", append([]byte{4}, good[1:]...)},
		{"version 3 read as 2", append([]byte{2}, good[1:]...)},
		{"version 2 read as 3", append([]byte{3}, goodV2[1:]...)},
		{"version 2 read as 1", append([]byte{1}, goodV2[1:]...)},
		{"version 1 read as 2", append([]byte{2}, goodV1[1:]...)},
		{"version 3 without a salt", func() []byte {
			b := bytes.Clone(good)
			clear(b[entryFixedSize : entryFixedSize+SaltSize])
			return b
		}()},
		{"version 1 truncated by one", goodV1[:len(goodV1)-1]},
		{"version 1 trailing byte", append(bytes.Clone(goodV1), 0)},
		{"version 1 with an empty visibility", append(bytes.Clone(goodV1), 0, 0)},
		{"visibility length overruns", func() []byte {
			b := bytes.Clone(good)
			binary.BigEndian.PutUint16(b[at(b):], uint16(vis+1))
			return b
		}()},
		{"visibility length short", func() []byte {
			b := bytes.Clone(good)
			binary.BigEndian.PutUint16(b[at(b):], uint16(vis-1))
			return b
		}()},
		{"visibility with a control character", func() []byte {
			b := bytes.Clone(good)
			b[len(b)-1] = '\n'
			return b
		}()},
		{"truncated by one", good[:len(good)-1]},
		{"fixed part only", good[:entryFixedSize+SaltSize]},
		{"trailing byte", append(append([]byte(nil), good...), 0)},
		{"length overruns", func() []byte { b := bytes.Clone(good); b[entryFixedSize+SaltSize+1] = 200; return b }()},
		{"too long", make([]byte, MaxEntrySize+1)},
	} {
		if _, err := DecodeEntry(tc.data); err == nil {
			t.Errorf("%s: DecodeEntry accepted %d bytes", tc.name, len(tc.data))
		}
	}
}

func FuzzDecodeEntry(f *testing.F) {
	for _, i := range []int64{0, 1, 77} {
		b, _ := testEntry(i).Encode()
		f.Add(b)
		v2, v1 := olderEntry(testEntry(i), 2), olderEntry(testEntry(i), 1)
		f.Add(v2.appendEncoding(nil))
		f.Add(v1.appendEncoding(nil))
	}
	f.Add([]byte{1})
	f.Add([]byte{2})
	f.Add([]byte{3})
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := DecodeEntry(data)
		if err != nil {
			return
		}
		if e.version() != int(data[0]) {
			t.Fatalf("version %d decoded as version %d", data[0], e.version())
		}
		// Round trip: Encode for version 3, the older encodings for 1 and 2.
		var b []byte
		if e.version() != EntryVersion {
			if _, err := e.Encode(); err == nil {
				t.Fatal("Encode of an older entry: no error")
			}
			b = e.appendEncoding(nil)
		} else if b, err = e.Encode(); err != nil {
			t.Fatalf("decoded entry does not encode: %v", err)
		}
		if !bytes.Equal(b, data) {
			t.Fatalf("DecodeEntry accepted a non-canonical encoding of %d bytes", len(data))
		}
		leaf, err := e.LeafHash()
		if err != nil || leaf != tlog.RecordHash(data) {
			t.Fatalf("LeafHash of a decoded entry = %v, %v; want that of the bytes decoded", leaf, err)
		}
	})
}

// TestDecodeEntryAllocations checks that DecodeEntry allocates once, for
// all the fields' text: VerifyAudit decodes every entry of the log.
func TestDecodeEntryAllocations(t *testing.T) {
	b, err := testEntry(13).Encode()
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { DecodeEntry(b) }); n > 1 {
		t.Errorf("DecodeEntry allocates %v times, want 1", n)
	}
}

// TestCheckFieldExhaustive compares checkField's ASCII fast path with the
// definition (UTF-8 without control characters) on every string of one
// and two bytes, and on each byte after a printable prefix.
func TestCheckFieldExhaustive(t *testing.T) {
	want := func(s string) bool {
		if !utf8.ValidString(s) {
			return false
		}
		for _, r := range s {
			if unicode.IsControl(r) {
				return false
			}
		}
		return true
	}
	check := func(s string) {
		if got := checkField(s) == nil; got != want(s) {
			t.Errorf("checkField(%q) ok = %v, want %v", s, got, !got)
		}
	}
	for a := range 256 {
		check(string([]byte{byte(a)}))
		check("track/1 " + string([]byte{byte(a)}))
		for b := range 256 {
			check(string([]byte{byte(a), byte(b)}))
		}
	}
	for _, s := range []string{"Київ", "a\u0085b", "a\u200bb", "x\xc2\x9f", "é\x7f"} {
		check(s)
	}
}
