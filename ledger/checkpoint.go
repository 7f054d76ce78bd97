package ledger

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
)

// maxCheckpointSize bounds a signed checkpoint: origin, size, root and a
// few signature lines.
const maxCheckpointSize = 4096

// Checkpoint is a signed statement of a tree size and root hash. Its text
// is the C2SP tlog-checkpoint body:
//
//	<origin>\n
//	<size, decimal>\n
//	<root hash, standard base64>\n
//
// signed as a note (golang.org/x/mod/sumdb/note) with Ed25519. The origin is
// the name of the signing key, which names the log.
type Checkpoint struct {
	Origin string
	Size   int64
	Root   Hash
}

// Text returns the checkpoint's note text, the bytes that are signed.
func (c Checkpoint) Text() []byte {
	return fmt.Appendf(nil, "%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root[:]))
}

// parseCheckpoint parses the text of a checkpoint. It accepts exactly the
// texts that Text produces for sizes ≥ 1. Its errors are causes without
// the package prefix.
func parseCheckpoint(text string) (Checkpoint, error) {
	lines := bytes.Split([]byte(text), []byte("\n"))
	if len(lines) != 4 || len(lines[3]) != 0 {
		return Checkpoint{}, errors.New("want three lines: origin, size, root")
	}
	origin := string(lines[0])
	size, err := strconv.ParseInt(string(lines[1]), 10, 64)
	if err != nil || size < 1 || strconv.FormatInt(size, 10) != string(lines[1]) {
		return Checkpoint{}, errors.New("bad tree size")
	}
	var root Hash
	n, err := base64.StdEncoding.Strict().Decode(root[:], lines[2])
	if err != nil || n != len(root) || base64.StdEncoding.EncodeToString(root[:]) != string(lines[2]) {
		return Checkpoint{}, errors.New("bad root hash")
	}
	return Checkpoint{Origin: origin, Size: size, Root: root}, nil
}

// GenerateKey returns a new Ed25519 key pair for signing checkpoints, in
// note's text forms: the signer key (secret: store it like the master key)
// and the verifier key (public: publish it to auditors). name names the log,
// e.g. "parley.example.org/audit"; it may not contain spaces or '+'.
func GenerateKey(name string) (signerKey, verifierKey string, err error) {
	// note.GenerateKey accepts any name, but note.NewSigner then refuses
	// these: check now.
	if name == "" || !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsSpace) >= 0 || strings.Contains(name, "+") {
		return "", "", fmt.Errorf("ledger: checkpoint key name %q: want non-empty UTF-8 without spaces or '+'", name)
	}
	signerKey, verifierKey, err = note.GenerateKey(rand.Reader, name)
	if err != nil {
		return "", "", fmt.Errorf("ledger: generate checkpoint key: %w", err)
	}
	return signerKey, verifierKey, nil
}

// SeedSize is the size of an Ed25519 seed, from which NewKeyFromSeed
// makes a checkpoint key pair.
const SeedSize = ed25519.SeedSize

// NewKeyFromSeed returns the checkpoint signer and verifier of the Ed25519
// key pair with the given seed, named name (see GenerateKey), and the
// verifier key in note's text form, to publish. A store that keeps only
// the seed, secret, computes the verifier from it: a verifier key read from
// where an attacker may write could be swapped for the attacker's own.
func NewKeyFromSeed(name string, seed []byte) (note.Signer, note.Verifier, string, error) {
	if len(seed) != SeedSize {
		return nil, nil, "", fmt.Errorf("ledger: checkpoint key seed of %d bytes, want %d", len(seed), SeedSize)
	}
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	verifierKey, err := note.NewEd25519VerifierKey(name, pub)
	if err != nil {
		return nil, nil, "", fmt.Errorf("ledger: checkpoint key name %q: %w", name, err)
	}
	// The signer key's text is "PRIVATE+KEY+<name>+<hash>+<base64(alg || seed)>",
	// with the hash of the verifier key, which is "<name>+<hash>+…".
	fields := strings.SplitN(verifierKey, "+", 3) // the base64 may hold '+'
	if len(fields) != 3 {
		return nil, nil, "", fmt.Errorf("ledger: checkpoint key name %q: want no '+'", name)
	}
	signerKey := "PRIVATE+KEY+" + name + "+" + fields[1] + "+" + base64.StdEncoding.EncodeToString(append([]byte{ed25519Alg}, seed...))
	signer, err := NewSigner(signerKey)
	if err != nil {
		return nil, nil, "", err
	}
	verifier, err := NewVerifier(verifierKey)
	if err != nil {
		return nil, nil, "", err
	}
	return signer, verifier, verifierKey, nil
}

// ed25519Alg is note's algorithm byte for Ed25519 keys.
const ed25519Alg = 1

// SeedOfSignerKey returns the Ed25519 seed of a signer key made by
// GenerateKey, so that a key kept in that form can be kept as its seed.
func SeedOfSignerKey(signerKey string) ([]byte, error) {
	if _, err := NewSigner(signerKey); err != nil {
		return nil, err
	}
	fields := strings.SplitN(signerKey, "+", 5) // PRIVATE, KEY, name, hash, key
	key, err := base64.StdEncoding.DecodeString(fields[len(fields)-1])
	if err != nil || len(key) != 1+SeedSize || key[0] != ed25519Alg {
		return nil, errors.New("ledger: checkpoint signer key: not an Ed25519 key")
	}
	return key[1:], nil
}

// NewSigner parses a signer key made by GenerateKey.
func NewSigner(signerKey string) (note.Signer, error) {
	s, err := note.NewSigner(signerKey)
	if err != nil {
		// note's errors do not quote the key.
		return nil, fmt.Errorf("ledger: checkpoint signer key: %w", err)
	}
	return s, nil
}

// NewVerifier parses a verifier key made by GenerateKey.
func NewVerifier(verifierKey string) (note.Verifier, error) {
	v, err := note.NewVerifier(verifierKey)
	if err != nil {
		return nil, fmt.Errorf("ledger: checkpoint verifier key: %w", err)
	}
	return v, nil
}

// SignCheckpoint signs the tree (size, root) with s; the origin is s.Name().
func SignCheckpoint(s note.Signer, size int64, root Hash) ([]byte, error) {
	if size < 1 {
		return nil, fmt.Errorf("ledger: sign checkpoint of size %d, want ≥ 1", size)
	}
	c := Checkpoint{Origin: s.Name(), Size: size, Root: root}
	msg, err := note.Sign(&note.Note{Text: string(c.Text())}, s)
	if err != nil {
		return nil, fmt.Errorf("ledger: sign checkpoint of size %d: %w", size, err)
	}
	return msg, nil
}

// NewCheckpoint computes the root of the log's first size entries and signs
// it with s.
func NewCheckpoint(r HashReader, size int64, s note.Signer) ([]byte, error) {
	root, err := TreeHash(r, size)
	if err != nil {
		return nil, err
	}
	return SignCheckpoint(s, size, root)
}

// OpenCheckpoint checks the signature of a signed checkpoint with v and
// parses it. A checkpoint that is malformed, not signed by v's key, or whose
// origin is not v.Name() returns an error wrapping ErrVerify.
func OpenCheckpoint(signed []byte, v note.Verifier) (Checkpoint, error) {
	c, err := openCheckpoint(signed, v)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint: %v", ErrVerify, err)
	}
	return c, nil
}

// openCheckpoint is OpenCheckpoint returning the bare cause.
func openCheckpoint(signed []byte, v note.Verifier) (Checkpoint, error) {
	if len(signed) > maxCheckpointSize {
		return Checkpoint{}, fmt.Errorf("%d bytes, want ≤ %d", len(signed), maxCheckpointSize)
	}
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, err
	}
	c, err := parseCheckpoint(n.Text)
	if err != nil {
		return Checkpoint{}, err
	}
	if c.Origin != v.Name() {
		return Checkpoint{}, fmt.Errorf("origin %q, want %q", c.Origin, v.Name())
	}
	return c, nil
}
