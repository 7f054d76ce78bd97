package password

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"
)

const (
	// TokenPrefix begins every API bearer token.
	TokenPrefix = "parley_"
	// TokenBytes is the number of random bytes in a token (256 bits).
	TokenBytes = 32
	// TokenLen is the length of a token's text.
	TokenLen = len(TokenPrefix) + 43 // base64url of 32 bytes without padding
	// TokenHashSize is the size of a token's stored hash.
	TokenHashSize = sha256.Size
)

// NewToken returns a new random API bearer token: TokenPrefix followed by
// TokenBytes random bytes in base64url without padding. Show it to its owner
// once; store only HashToken of it.
func NewToken() string {
	var b [TokenBytes]byte
	rand.Read(b[:]) // never fails, see crypto/rand.Read
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// IsToken reports whether s has the form of a token, so a request with
// anything else can be refused before a store lookup.
func IsToken(s string) bool {
	rest, ok := strings.CutPrefix(s, TokenPrefix)
	if !ok || len(s) != TokenLen {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(rest)
	// The decoder skips line breaks: insist on the canonical text.
	return err == nil && len(b) == TokenBytes && base64.RawURLEncoding.EncodeToString(b) == rest
}

// HashToken returns SHA-256(token), the form in which a store keeps a
// token and looks it up. A token's 256 random bits make a slow hash
// unnecessary.
func HashToken(token string) [TokenHashSize]byte {
	return sha256.Sum256([]byte(token))
}

// TokenMatches reports, in constant time, whether token hashes to stored.
func TokenMatches(token string, stored []byte) bool {
	h := HashToken(token)
	return subtle.ConstantTimeCompare(h[:], stored) == 1
}
