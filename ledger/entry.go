package ledger

import (
	"crypto/rand"
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
// format: bump EntryVersion.
const (
	// TimePrecision is the precision of an entry's time. Unix microseconds
	// survive a round trip through SQLite integers and PostgreSQL timestamps.
	TimePrecision = time.Microsecond
	// MaxFieldLen is the largest actor, action, object or visibility, in
	// bytes.
	MaxFieldLen = 256
	// DigestSize is the size of an entry's change digest (SHA-256).
	DigestSize = sha256.Size
	// SaltSize is the size of an entry's salt: 128 random bits, so that no
	// leaf hash can be matched by enumerating plausible entries.
	SaltSize = 16

	// EntryVersion is the version Encode writes: salted, with actor,
	// action, object and visibility.
	EntryVersion = 3
	// Older versions, which DecodeEntry still reads and nothing writes:
	// version 2 has no salt, version 1 neither salt nor visibility.
	entryVersionVisibility = 2
	entryVersionLegacy     = 1

	// entryFields and legacyFields are the number of length-prefixed
	// fields of versions 2 and 3, and of version 1.
	entryFields  = 4
	legacyFields = 3
	// entryFixedSize is version, index, time, previous checkpoint size and
	// digest: 1 + 8 + 8 + 8 + 32 bytes; version 3 adds the salt.
	entryFixedSize = 1 + 8 + 8 + 8 + DigestSize
	// MaxEntrySize bounds an encoded entry: the fixed part, the salt and
	// four length-prefixed fields (a 2-byte length and at most MaxFieldLen
	// bytes each), 1,113 bytes.
	MaxEntrySize = entryFixedSize + SaltSize + entryFields*(2+MaxFieldLen)
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
	// Visibility says who may see the entry, in a canonical form the store
	// chooses (Parley's: "" for an entry of no track, else
	// "track/<id> <audience>"). It is hashed into the leaf like the other
	// fields, so that the copy a store keeps beside the leaf for its read
	// path can be checked against the log. Empty, or 1..MaxFieldLen bytes
	// that print on one line.
	Visibility string
	// Salt is SaltSize fresh random bytes (NewSalt), hashed into the leaf
	// so that its hash cannot be matched by enumerating plausible entries
	// — the actor, the time, a digest of guessable content — even by
	// someone who holds an inclusion proof whose path carries it. It must
	// not be all zero.
	Salt [SaltSize]byte
	// Version is the encoding an entry was decoded from: EntryVersion, or
	// 2 (written before entries were salted: no Salt) or 1 (before they
	// recorded their visibility: no Salt and no Visibility). An older
	// entry's leaf hash is that of its encoding, as stored, so logs that
	// began before still verify, but nothing in it is unguessable and a
	// version 1 entry vouches for no visibility. 0 means EntryVersion;
	// Encode and Append refuse the older versions, so new entries are
	// always of the current one.
	Version int
}

// NewSalt returns SaltSize random bytes for Entry.Salt.
func NewSalt() [SaltSize]byte {
	var s [SaltSize]byte
	rand.Read(s[:]) // never fails, see crypto/rand.Read
	return s
}

// Legacy reports whether e was decoded from version 1, which records no
// visibility.
func (e *Entry) Legacy() bool { return e.Version == entryVersionLegacy }

// version returns the entry's version, EntryVersion for 0.
func (e *Entry) version() int {
	if e.Version == 0 {
		return EntryVersion
	}
	return e.Version
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
	switch v := e.version(); {
	case v < entryVersionLegacy || v > EntryVersion:
		return fmt.Errorf("ledger: entry %d: unknown version %d", e.Index, e.Version)
	case v == EntryVersion && e.Salt == [SaltSize]byte{}:
		return fmt.Errorf("ledger: entry %d: the salt is not set; use NewSalt", e.Index)
	case v < EntryVersion && e.Salt != [SaltSize]byte{}:
		return fmt.Errorf("ledger: entry %d: a version %d entry has no salt", e.Index, v)
	case e.Visibility == "":
	case v == entryVersionLegacy:
		return fmt.Errorf("ledger: entry %d: a legacy (version 1) entry has no visibility", e.Index)
	default:
		if err := checkField(e.Visibility); err != nil {
			return fmt.Errorf("ledger: entry %d: visibility %w", e.Index, err)
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
	// Fast path: printable ASCII, what the store writes, is valid; Verify
	// checks every field of every entry twice (decoding, hashing).
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return checkText(s[i:]) // an ASCII byte ends a character
		}
	}
	return nil
}

// checkText accepts UTF-8 without control characters.
func checkText(s string) error {
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
// hashed into the log, to b (version 3):
//
//	version        1 byte, 0x03
//	index          8 bytes, big-endian
//	time           8 bytes, big-endian signed Unix microseconds (UTC)
//	prevCheckpoint 8 bytes, big-endian
//	digest         32 bytes
//	salt           16 bytes
//	actor, action, object, visibility: each a 2-byte big-endian length
//	               and the bytes (visibility may have length 0)
//
// Every field has a fixed size or a length prefix, so distinct entries have
// distinct encodings. Version 2 is the same with version byte 0x02 and
// without the salt, version 1 also without the visibility; AppendEncoding
// refuses an entry of an older version.
func (e Entry) AppendEncoding(b []byte) ([]byte, error) {
	if e.version() != EntryVersion {
		return b, fmt.Errorf("ledger: entry %d: a version %d entry cannot be encoded anew", e.Index, e.Version)
	}
	if err := e.Validate(); err != nil {
		return b, err
	}
	return e.appendEncoding(b), nil
}

// appendEncoding is AppendEncoding for a valid entry of any version: an
// older entry gets back the encoding it was decoded from.
func (e *Entry) appendEncoding(b []byte) []byte {
	version, fields := e.version(), [entryFields]string{e.Actor, e.Action, e.Object, e.Visibility}
	n := entryFields
	if version == entryVersionLegacy {
		n = legacyFields
	}
	b = append(b, byte(version))
	b = binary.BigEndian.AppendUint64(b, uint64(e.Index))
	b = binary.BigEndian.AppendUint64(b, uint64(e.Time.UnixMicro()))
	b = binary.BigEndian.AppendUint64(b, uint64(e.PrevCheckpoint))
	b = append(b, e.Digest[:]...)
	if version == EntryVersion {
		b = append(b, e.Salt[:]...)
	}
	for _, s := range fields[:n] {
		b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
		b = append(b, s...)
	}
	return b
}

// Encode returns the entry's canonical encoding; see AppendEncoding.
func (e Entry) Encode() ([]byte, error) {
	return e.AppendEncoding(make([]byte, 0, entryFixedSize+SaltSize+2*entryFields+len(e.Actor)+len(e.Action)+len(e.Object)+len(e.Visibility)))
}

// DecodeEntry parses an encoded entry. It accepts exactly the encodings that
// Encode produces (version 3), and those of versions 2 and 1, written before
// entries were salted and before they recorded their visibility, which it
// returns with Version set.
func DecodeEntry(data []byte) (Entry, error) {
	var e Entry
	if len(data) == 0 {
		return e, errors.New("ledger: decode entry: empty")
	}
	fields := [entryFields]*string{&e.Actor, &e.Action, &e.Object, &e.Visibility}
	n, fixed := entryFields, entryFixedSize
	switch data[0] {
	case EntryVersion:
		fixed += SaltSize
	case entryVersionVisibility:
		e.Version = entryVersionVisibility
	case entryVersionLegacy:
		n, e.Version = legacyFields, entryVersionLegacy
	default:
		return e, fmt.Errorf("ledger: decode entry: unknown version %d", data[0])
	}
	if lo, hi := fixed+2*n, fixed+n*(2+MaxFieldLen); len(data) < lo || len(data) > hi {
		return Entry{}, fmt.Errorf("ledger: decode entry: version %d: %d bytes, want %d..%d", data[0], len(data), lo, hi)
	}
	e.Index = int64(binary.BigEndian.Uint64(data[1:]))
	e.Time = time.UnixMicro(int64(binary.BigEndian.Uint64(data[9:]))).UTC()
	e.PrevCheckpoint = int64(binary.BigEndian.Uint64(data[17:]))
	copy(e.Digest[:], data[25:entryFixedSize])
	copy(e.Salt[:], data[entryFixedSize:fixed])
	// One allocation for every field: each is a substring of text, which
	// holds the length prefixes too.
	body := data[fixed:]
	text := string(body)
	off := 0
	for _, f := range fields[:n] {
		if len(body)-off < 2 {
			return Entry{}, errors.New("ledger: decode entry: truncated")
		}
		k := int(binary.BigEndian.Uint16(body[off:]))
		off += 2
		if len(body)-off < k {
			return Entry{}, errors.New("ledger: decode entry: truncated")
		}
		*f = text[off : off+k]
		off += k
	}
	if off != len(body) {
		return Entry{}, fmt.Errorf("ledger: decode entry: %d trailing bytes", len(body)-off)
	}
	if err := e.Validate(); err != nil {
		return Entry{}, fmt.Errorf("ledger: decode entry: %w", err)
	}
	return e, nil
}

// LeafHash returns the entry's Merkle leaf hash, SHA-256(0x00 || encoding),
// RFC 6962 §2.1; the same as tlog.RecordHash of the encoding. The encoding
// of an older entry is that of its version, so that the leaf hash of any
// entry DecodeEntry returns is that of the bytes it was decoded from.
func (e Entry) LeafHash() (Hash, error) {
	var buf [1 + MaxEntrySize]byte
	return e.leafHash(buf[:])
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
