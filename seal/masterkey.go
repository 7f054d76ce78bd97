package seal

import (
	"bytes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"

	"golang.org/x/crypto/chacha20poly1305"
)

const (
	// EnvMasterKey is the environment variable that may hold the master key
	// in standard base64.
	EnvMasterKey = "PARLEY_MASTER_KEY"

	// KeyFileMode is the mode WriteKeyFile creates key files with.
	KeyFileMode fs.FileMode = 0o600
	// keyFileForbiddenBits are the permission bits a key file must not have:
	// any access for group or others.
	keyFileForbiddenBits fs.FileMode = 0o077
	// maxKeyFileSize bounds how much of a key file is read. A valid file is
	// at most 44 characters of base64 and a line ending.
	maxKeyFileSize = 1024
	// keyIDSize is the size in bytes of a KeyID's fingerprint (128 bits).
	keyIDSize = 16
	// keyIDPrefix begins the text form of every KeyID.
	keyIDPrefix = "seal1-"
)

// Errors about the master key. They carry no key material.
var (
	// ErrNoMasterKey means neither a key file nor EnvMasterKey was given.
	ErrNoMasterKey = errors.New("seal: no master key: give a key file or set " + EnvMasterKey)
	// ErrWrongMasterKey means the master key is not the one that wrapped
	// the store's track keys.
	ErrWrongMasterKey = errors.New("seal: wrong master key")
	// ErrKeyFilePermissions means a key file is accessible to group or others.
	ErrKeyFilePermissions = errors.New("seal: key file is accessible to group or others")
)

// MasterKey wraps and unwraps track keys. It prints as its KeyID, never as
// its bytes.
type MasterKey struct {
	key  [MasterKeySize]byte
	id   KeyID
	aead cipher.AEAD
}

// KeyID names a master key without revealing it: "seal1-" followed by 32
// lowercase hex digits of HMAC-SHA-256(key, "parley seal key id v1").
type KeyID string

// GenerateMasterKey returns a new random master key.
func GenerateMasterKey() *MasterKey {
	var k [MasterKeySize]byte
	rand.Read(k[:]) // never fails, see crypto/rand.Read
	return newMasterKey(k)
}

func newMasterKey(k [MasterKeySize]byte) *MasterKey {
	aead, err := chacha20poly1305.NewX(k[:])
	if err != nil {
		panic("seal: NewX rejected a key of the right size: " + err.Error())
	}
	mac := hmac.New(sha256.New, k[:])
	mac.Write([]byte(keyIDLabel))
	id := KeyID(keyIDPrefix + hex.EncodeToString(mac.Sum(nil)[:keyIDSize]))
	return &MasterKey{key: k, id: id, aead: aead}
}

// ID returns the key's fingerprint, safe to store and to print.
func (m *MasterKey) ID() KeyID { return m.id }

// String returns the KeyID so that a key never reaches a log by accident.
func (m *MasterKey) String() string { return "seal.MasterKey(" + string(m.id) + ")" }

// GoString is like String, for %#v.
func (m *MasterKey) GoString() string { return m.String() }

// CheckID returns nil if m is the master key named by recorded, the KeyID a
// store saved when it wrapped its track keys, and otherwise an error wrapping
// [ErrWrongMasterKey] that names both ids.
func (m *MasterKey) CheckID(recorded KeyID) error {
	if hmac.Equal([]byte(m.id), []byte(recorded)) {
		return nil
	}
	return fmt.Errorf("%w: the store's keys were wrapped by %s, this key is %s", ErrWrongMasterKey, recorded, m.id)
}

// Encode returns the key as one line of standard base64 with a trailing
// newline: the key file format.
func (m *MasterKey) Encode() []byte {
	b := make([]byte, base64.StdEncoding.EncodedLen(MasterKeySize), base64.StdEncoding.EncodedLen(MasterKeySize)+1)
	base64.StdEncoding.Encode(b, m.key[:])
	return append(b, '\n')
}

// ParseMasterKey reads a master key in the key file format: 32 raw bytes, or
// standard base64 of 32 bytes with optional surrounding white space.
func ParseMasterKey(text []byte) (*MasterKey, error) {
	var k [MasterKeySize]byte
	if len(text) == MasterKeySize {
		copy(k[:], text)
		return newMasterKey(k), nil
	}
	return parseBase64Key(text)
}

// parseBase64Key reads standard base64 of 32 bytes with optional surrounding
// white space.
func parseBase64Key(text []byte) (*MasterKey, error) {
	var k [MasterKeySize]byte
	trimmed := bytes.TrimSpace(text)
	if len(trimmed) != base64.StdEncoding.EncodedLen(MasterKeySize) {
		return nil, fmt.Errorf("seal: master key must be %d characters of base64 (or, in a key file, %d raw bytes); got %d bytes",
			base64.StdEncoding.EncodedLen(MasterKeySize), MasterKeySize, len(text))
	}
	n, err := base64.StdEncoding.Strict().Decode(k[:], trimmed)
	// The decoder skips line breaks: insist on the canonical text.
	if err != nil || n != MasterKeySize || base64.StdEncoding.EncodeToString(k[:]) != string(trimmed) {
		// The decoder's error would quote an offset into the key; say less.
		return nil, errors.New("seal: master key is not valid base64")
	}
	return newMasterKey(k), nil
}

// LoadKeyFile reads a master key from the file at path. On Unix it refuses,
// with [ErrKeyFilePermissions], a file that group or others may access.
func LoadKeyFile(path string) (*MasterKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("seal: open key file: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("seal: key file: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("seal: key file %s is not a regular file", path)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm()&keyFileForbiddenBits != 0 {
		return nil, fmt.Errorf("%w: %s has mode %v; run chmod 600 %s", ErrKeyFilePermissions, path, info.Mode().Perm(), path)
	}
	text, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("seal: read key file: %w", err)
	}
	if len(text) > maxKeyFileSize {
		return nil, fmt.Errorf("seal: key file %s is longer than %d bytes", path, maxKeyFileSize)
	}
	m, err := ParseMasterKey(text)
	clear(text)
	if err != nil {
		return nil, fmt.Errorf("%w (key file %s)", err, path)
	}
	return m, nil
}

// WriteKeyFile creates a new key file at path with mode [KeyFileMode] and
// writes m to it in base64. It fails, touching nothing, if the file exists.
func WriteKeyFile(path string, m *MasterKey) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, KeyFileMode)
	if err != nil {
		return fmt.Errorf("seal: create key file: %w", err)
	}
	if _, err := f.Write(m.Encode()); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("seal: write key file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("seal: write key file: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("seal: write key file: %w", err)
	}
	return nil
}

// LoadMasterKey finds the master key: in the key file at path if path is
// not empty, otherwise in the environment variable [EnvMasterKey] read
// through getenv (os.Getenv in production), which must be base64. It refuses to choose when both
// are given, and returns [ErrNoMasterKey] when neither is.
func LoadMasterKey(path string, getenv func(string) string) (*MasterKey, error) {
	env := getenv(EnvMasterKey)
	switch {
	case path != "" && env != "":
		return nil, fmt.Errorf("seal: both a key file and %s are set; use one", EnvMasterKey)
	case path != "":
		return LoadKeyFile(path)
	case env != "":
		m, err := parseBase64Key([]byte(env))
		if err != nil {
			return nil, fmt.Errorf("%w (from %s)", err, EnvMasterKey)
		}
		return m, nil
	}
	return nil, ErrNoMasterKey
}
