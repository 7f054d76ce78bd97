package ledger

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/sumdb/tlog"
)

func TestEntryRoundTrip(t *testing.T) {
	for _, e := range []Entry{
		testEntry(0),
		testEntry(123456789),
		{Index: 1<<63 - 1, Time: time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC), Actor: strings.Repeat("a", MaxFieldLen),
			Action: "é", Object: "track/Київ", PrevCheckpoint: 1 << 62},
		{Index: 5, Time: time.Date(1969, 7, 20, 20, 17, 0, 1000, time.UTC), Actor: "x", Action: "y", Object: "z", PrevCheckpoint: 5},
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
	e := Entry{Index: 1, Time: time.UnixMicro(2).UTC(), Actor: "a", Action: "bc", Object: "d", PrevCheckpoint: 1}
	e.Digest[0], e.Digest[31] = 0xAA, 0xBB
	want := []byte{0x01,
		0, 0, 0, 0, 0, 0, 0, 1, // index
		0, 0, 0, 0, 0, 0, 0, 2, // time
		0, 0, 0, 0, 0, 0, 0, 1, // previous checkpoint
		0xAA, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xBB,
		0, 1, 'a', 0, 2, 'b', 'c', 0, 1, 'd',
	}
	got, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Encode = %x\nwant     %x", got, want)
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
	good, _ := testEntry(4).Encode()
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"version 2", append([]byte{2}, good[1:]...)},
		{"truncated by one", good[:len(good)-1]},
		{"fixed part only", good[:entryFixedSize]},
		{"trailing byte", append(append([]byte(nil), good...), 0)},
		{"length overruns", func() []byte { b := bytes.Clone(good); b[entryFixedSize+1] = 200; return b }()},
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
	}
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := DecodeEntry(data)
		if err != nil {
			return
		}
		b, err := e.Encode()
		if err != nil {
			t.Fatalf("decoded entry does not encode: %v", err)
		}
		if !bytes.Equal(b, data) {
			t.Fatalf("DecodeEntry accepted a non-canonical encoding of %d bytes", len(data))
		}
	})
}
