package seal

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// Security parameters. Changing any of them changes the format: bump
// formatVersion and keep the old values readable.
const (
	// MasterKeySize is the size in bytes of a master key (256 bits).
	MasterKeySize = 32
	// TrackKeySize is the size in bytes of a per-track data key (256 bits),
	// the XChaCha20-Poly1305 key size.
	TrackKeySize = chacha20poly1305.KeySize
	// NonceSize is the size in bytes of the random XChaCha20 nonce (192 bits).
	NonceSize = chacha20poly1305.NonceSizeX
	// TagSize is the size in bytes of the Poly1305 authentication tag.
	TagSize = chacha20poly1305.Overhead
	// HeaderSize is the size of the version byte and nonce before the ciphertext.
	HeaderSize = 1 + NonceSize
	// Overhead is how much longer a ciphertext is than its plaintext.
	Overhead = HeaderSize + TagSize
	// WrappedKeySize is the size in bytes of a wrapped track key.
	WrappedKeySize = TrackKeySize + Overhead

	// formatVersion is the first byte of every ciphertext and wrapped key.
	formatVersion byte = 0x01
)

// Labels that separate the uses of the AEAD from each other; each begins the
// associated data of its use.
const (
	fieldLabel = "parley seal field v1"
	wrapLabel  = "parley seal track key v1"
	keyIDLabel = "parley seal key id v1"
)

// ErrOpen is returned when a ciphertext or wrapped key does not verify: wrong
// key, wrong associated data, or any change to the bytes.
var ErrOpen = errors.New("seal: ciphertext did not verify")

// TrackKey is a per-track data key. It seals and opens the track's
// confidential fields. The zero TrackKey is not usable; obtain one from
// [GenerateTrackKey] or [MasterKey.Unwrap]. A TrackKey prints as a fixed
// string, never as its bytes.
type TrackKey struct {
	key  [TrackKeySize]byte
	aead cipher.AEAD
}

// GenerateTrackKey returns a new random track key.
func GenerateTrackKey() *TrackKey {
	var k [TrackKeySize]byte
	rand.Read(k[:]) // never fails, see crypto/rand.Read
	return newTrackKey(k)
}

func newTrackKey(k [TrackKeySize]byte) *TrackKey {
	aead, err := chacha20poly1305.NewX(k[:])
	if err != nil {
		panic("seal: NewX rejected a key of the right size: " + err.Error())
	}
	return &TrackKey{key: k, aead: aead}
}

// String returns a fixed text so that a key never reaches a log by accident.
func (k *TrackKey) String() string { return "seal.TrackKey(redacted)" }

// GoString is like String, for %#v.
func (k *TrackKey) GoString() string { return k.String() }

// Seal encrypts plaintext under k with a fresh random nonce and returns
// version || nonce || ciphertext || tag. ad is authenticated but not
// encrypted; build it with [FieldAD].
func (k *TrackKey) Seal(plaintext, ad []byte) []byte {
	var nonce [NonceSize]byte
	rand.Read(nonce[:])
	return sealWithNonce(k.aead, nonce, plaintext, ad)
}

// Open authenticates and decrypts a ciphertext made by [TrackKey.Seal] with
// the same ad. Any failure is [ErrOpen].
func (k *TrackKey) Open(ciphertext, ad []byte) ([]byte, error) {
	return open(k.aead, ciphertext, ad)
}

// SealField seals the value of field of the record recordID in table:
// Seal(plaintext, FieldAD(table, recordID, field)).
func (k *TrackKey) SealField(table, recordID, field string, plaintext []byte) []byte {
	return k.Seal(plaintext, FieldAD(table, recordID, field))
}

// OpenField opens a value sealed by SealField with the same table, record id
// and field. Any failure, including a ciphertext moved from another record
// or field, is [ErrOpen].
func (k *TrackKey) OpenField(table, recordID, field string, ciphertext []byte) ([]byte, error) {
	return k.Open(ciphertext, FieldAD(table, recordID, field))
}

// sealWithNonce is Seal with a caller-chosen nonce; only Seal and the test
// vector generator call it. The version byte is bound by being part of the
// AEAD's associated data: version || ad.
func sealWithNonce(aead cipher.AEAD, nonce [NonceSize]byte, plaintext, ad []byte) []byte {
	out := make([]byte, HeaderSize, HeaderSize+len(plaintext)+TagSize)
	out[0] = formatVersion
	copy(out[1:], nonce[:])
	return aead.Seal(out, nonce[:], plaintext, versionedAD(formatVersion, ad))
}

func open(aead cipher.AEAD, ciphertext, ad []byte) ([]byte, error) {
	if len(ciphertext) < Overhead || ciphertext[0] != formatVersion {
		return nil, ErrOpen
	}
	nonce := ciphertext[1:HeaderSize]
	plaintext, err := aead.Open(nil, nonce, ciphertext[HeaderSize:], versionedAD(ciphertext[0], ad))
	if err != nil {
		return nil, ErrOpen
	}
	return plaintext, nil
}

func versionedAD(version byte, ad []byte) []byte {
	b := make([]byte, 0, 1+len(ad))
	b = append(b, version)
	return append(b, ad...)
}

// FieldAD returns the associated data that binds a sealed value to the field
// of the record it belongs to:
//
//	"parley seal field v1" || len(table) || table || len(recordID) || recordID || len(field) || field
//
// with each length a 4-byte big-endian integer. Distinct triples give
// distinct bytes. recordID is the record's primary key in text form
// (strconv.FormatInt for integer keys); it must not change for the life of
// the record.
func FieldAD(table, recordID, field string) []byte {
	return appendLengthPrefixed(nil, fieldLabel, table, recordID, field)
}

// appendLengthPrefixed appends label and then each part prefixed by its
// length as a 4-byte big-endian integer. Parts longer than 4 GiB cannot occur
// in a string that fits a database field; such a length is a bug.
func appendLengthPrefixed(b []byte, label string, parts ...string) []byte {
	b = append(b, label...)
	for _, p := range parts {
		if uint64(len(p)) > 1<<32-1 {
			panic("seal: associated data part longer than 4 GiB")
		}
		b = binary.BigEndian.AppendUint32(b, uint32(len(p)))
		b = append(b, p...)
	}
	return b
}

// wrapAD binds a wrapped key to its track: the wrap label, then the track id,
// length-prefixed.
func wrapAD(trackID string) []byte {
	return appendLengthPrefixed(nil, wrapLabel, trackID)
}

// Wrap encrypts the track key k under the master key m, bound to trackID.
// The result is [WrappedKeySize] bytes in the ciphertext format; the store
// keeps it beside the track.
func (m *MasterKey) Wrap(trackID string, k *TrackKey) []byte {
	var nonce [NonceSize]byte
	rand.Read(nonce[:])
	return sealWithNonce(m.aead, nonce, k.key[:], wrapAD(trackID))
}

// Unwrap decrypts a wrapped track key. A wrong master key, a wrapped key of
// another track or any change to the bytes returns an error wrapping
// [ErrOpen].
func (m *MasterKey) Unwrap(trackID string, wrapped []byte) (*TrackKey, error) {
	if len(wrapped) != WrappedKeySize {
		return nil, fmt.Errorf("seal: unwrap key of track %q: %w", trackID, ErrOpen)
	}
	raw, err := open(m.aead, wrapped, wrapAD(trackID))
	if err != nil {
		return nil, fmt.Errorf("seal: unwrap key of track %q: %w", trackID, err)
	}
	var k [TrackKeySize]byte
	copy(k[:], raw)
	clear(raw)
	return newTrackKey(k), nil
}

// NewTrackKey generates a track key for trackID and returns it with its
// wrapped form for the store.
func (m *MasterKey) NewTrackKey(trackID string) (key *TrackKey, wrapped []byte) {
	key = GenerateTrackKey()
	return key, m.Wrap(trackID, key)
}

// Rewrap unwraps a track key with oldKey and wraps it under newKey, for
// master key rotation. Data sealed under the track key stays valid.
func Rewrap(oldKey, newKey *MasterKey, trackID string, wrapped []byte) ([]byte, error) {
	k, err := oldKey.Unwrap(trackID, wrapped)
	if err != nil {
		return nil, err
	}
	return newKey.Wrap(trackID, k), nil
}
