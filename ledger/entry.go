package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/tlog"
)

// Limits and layout of the leaf encoding. Changing any of them changes the
// format: bump entryVersion.
const (
	// TimePrecision is the precision of an entry's time. Unix microseconds
	// survive a round trip through SQLite integers and PostgreSQL timestamps.
	TimePrecision = time.Microsecond
	// MaxFieldLen is the largest actor, action or object, in bytes.
	MaxFieldLen = 256
	// DigestSize is the size of an entry's change digest (SHA-256).
	DigestSize = sha256.Size

	// entryVersion is the first byte of every encoded entry.
	entryVersion byte = 0x01
	// entryFixedSize is version, index, time, previous checkpoint size and
	// digest: 1 + 8 + 8 + 8 + 32 bytes.
	entryFixedSize = 1 + 8 + 8 + 8 + DigestSize
	// MaxEntrySize bounds an encoded entry: the fixed part and three
	// length-prefixed fields.
	MaxEntrySize = entryFixedSize + 3*(2+MaxFieldLen)
)

// Entry is one audit record: who did what to which object, when, and a
// digest of the change. It never carries the change itself.
type Entry struct {
	// Index is the entry's position in the log, from 0.
	Index int64
	// Time is when the change was made, at TimePrecision (see NewEntryTime).
	// Only the instant is encoded; decoded entries are in UTC.
	Time time.Time
	// Actor names who made the change, e.g. "user/7" or "system".
	Actor string
	// Action names the kind of change, e.g. "profile.update".
	Action string
	// Object names what was changed, e.g. "track/42".
	Object string
	// Digest is SHA-256 of the change's canonical bytes as stored, with
	// sealed fields in their sealed form: a digest of a short plaintext (a
	// reservation value, a yes/no) could be reversed by guessing.
	Digest [DigestSize]byte
	// PrevCheckpoint is the tree size of the latest checkpoint when the entry
	// was appended, or 0 if there was none. It is at most Index.
	PrevCheckpoint int64
}

// NewEntryTime returns t in UTC at TimePrecision, the form Entry.Time must
// have.
func NewEntryTime(t time.Time) time.Time {
	return t.UTC().Truncate(TimePrecision)
}

// DigestOf returns SHA-256(change), the digest an entry records.
func DigestOf(change []byte) [DigestSize]byte {
	return sha256.Sum256(change)
}

// Validate reports whether e can be encoded.
func (e Entry) Validate() error {
	switch {
	case e.Index < 0:
		return fmt.Errorf("ledger: entry index %d is negative", e.Index)
	case e.Time.IsZero():
		return fmt.Errorf("ledger: entry %d: time is not set", e.Index)
	case e.Time.Nanosecond()%int(TimePrecision) != 0:
		return fmt.Errorf("ledger: entry %d: time is finer than %v; use NewEntryTime", e.Index, TimePrecision)
	case e.PrevCheckpoint < 0 || e.PrevCheckpoint > e.Index:
		return fmt.Errorf("ledger: entry %d: previous checkpoint size %d is outside 0..%d", e.Index, e.PrevCheckpoint, e.Index)
	}
	for _, f := range [...]struct{ name, value string }{{"actor", e.Actor}, {"action", e.Action}, {"object", e.Object}} {
		if err := checkField(f.value); err != nil {
			return fmt.Errorf("ledger: entry %d: %s %w", e.Index, f.name, err)
		}
	}
	return nil
}

// checkField accepts 1..MaxFieldLen bytes of UTF-8 without control
// characters, so that every field prints safely on one line.
func checkField(s string) error {
	if len(s) == 0 || len(s) > MaxFieldLen {
		return fmt.Errorf("has %d bytes, want 1..%d", len(s), MaxFieldLen)
	}
	if !utf8.ValidString(s) {
		return errors.New("is not UTF-8")
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return errors.New("has a control character")
		}
	}
	return nil
}

// AppendEncoding appends the entry's canonical encoding, the leaf data
// hashed into the log, to b:
//
//	version        1 byte, 0x01
//	index          8 bytes, big-endian
//	time           8 bytes, big-endian signed Unix microseconds (UTC)
//	prevCheckpoint 8 bytes, big-endian
//	digest         32 bytes
//	actor, action, object: each a 2-byte big-endian length and the bytes
//
// Every field has a fixed size or a length prefix, so distinct entries have
// distinct encodings.
func (e Entry) AppendEncoding(b []byte) ([]byte, error) {
	if err := e.Validate(); err != nil {
		return b, err
	}
	return e.appendEncoding(b), nil
}

// appendEncoding is AppendEncoding for a valid entry.
func (e Entry) appendEncoding(b []byte) []byte {
	b = append(b, entryVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Index))
	b = binary.BigEndian.AppendUint64(b, uint64(e.Time.UnixMicro()))
	b = binary.BigEndian.AppendUint64(b, uint64(e.PrevCheckpoint))
	b = append(b, e.Digest[:]...)
	for _, s := range [...]string{e.Actor, e.Action, e.Object} {
		b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
		b = append(b, s...)
	}
	return b
}

// Encode returns the entry's canonical encoding; see AppendEncoding.
func (e Entry) Encode() ([]byte, error) {
	return e.AppendEncoding(make([]byte, 0, entryFixedSize+6+len(e.Actor)+len(e.Action)+len(e.Object)))
}

// DecodeEntry parses an encoded entry. It accepts exactly the encodings that
// Encode produces.
func DecodeEntry(data []byte) (Entry, error) {
	var e Entry
	if len(data) < entryFixedSize+3*2 || len(data) > MaxEntrySize {
		return e, fmt.Errorf("ledger: decode entry: %d bytes, want %d..%d", len(data), entryFixedSize+6, MaxEntrySize)
	}
	if data[0] != entryVersion {
		return e, fmt.Errorf("ledger: decode entry: unknown version %d", data[0])
	}
	e.Index = int64(binary.BigEndian.Uint64(data[1:]))
	e.Time = time.UnixMicro(int64(binary.BigEndian.Uint64(data[9:]))).UTC()
	e.PrevCheckpoint = int64(binary.BigEndian.Uint64(data[17:]))
	copy(e.Digest[:], data[25:entryFixedSize])
	rest := data[entryFixedSize:]
	for _, f := range [...]*string{&e.Actor, &e.Action, &e.Object} {
		if len(rest) < 2 {
			return Entry{}, errors.New("ledger: decode entry: truncated")
		}
		n := int(binary.BigEndian.Uint16(rest))
		if len(rest) < 2+n {
			return Entry{}, errors.New("ledger: decode entry: truncated")
		}
		*f = string(rest[2 : 2+n])
		rest = rest[2+n:]
	}
	if len(rest) != 0 {
		return Entry{}, fmt.Errorf("ledger: decode entry: %d trailing bytes", len(rest))
	}
	if err := e.Validate(); err != nil {
		return Entry{}, fmt.Errorf("ledger: decode entry: %w", err)
	}
	return e, nil
}

// LeafHash returns the entry's Merkle leaf hash, SHA-256(0x00 || encoding),
// RFC 6962 §2.1; the same as tlog.RecordHash of the encoding.
func (e Entry) LeafHash() (Hash, error) {
	var buf [1 + MaxEntrySize]byte
	b, err := e.AppendEncoding(buf[:1])
	if err != nil {
		return Hash{}, err
	}
	return Hash(sha256.Sum256(b)), nil
}

// leafHash is LeafHash encoding into the caller's scratch buffer, so that
// Verify's loop does not allocate.
func (e *Entry) leafHash(scratch []byte) (Hash, error) {
	if err := e.Validate(); err != nil {
		return Hash{}, err
	}
	return Hash(sha256.Sum256(e.appendEncoding(append(scratch[:0], 0x00)))), nil
}

// Hash is a SHA-256 tree hash, as in tlog.
type Hash = tlog.Hash
