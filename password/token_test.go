package password

import (
	"crypto/sha256"
	"strings"
	"testing"
)

func TestToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := NewToken()
		if len(tok) != TokenLen || !strings.HasPrefix(tok, TokenPrefix) {
			t.Fatalf("NewToken() has length %d, want %d with prefix %q", len(tok), TokenLen, TokenPrefix)
		}
		if !IsToken(tok) {
			t.Fatalf("IsToken(NewToken()) = false (length %d)", len(tok))
		}
		if seen[tok] {
			t.Fatal("NewToken repeated a token")
		}
		seen[tok] = true
		h := HashToken(tok)
		if h != sha256.Sum256([]byte(tok)) {
			t.Fatal("HashToken is not SHA-256 of the token")
		}
		if !TokenMatches(tok, h[:]) {
			t.Fatal("TokenMatches(token, HashToken(token)) = false")
		}
		other := NewToken()
		if TokenMatches(other, h[:]) {
			t.Fatal("TokenMatches accepted another token")
		}
		if TokenMatches(tok, h[:31]) || TokenMatches(tok, nil) {
			t.Fatal("TokenMatches accepted a truncated hash")
		}
	}
}

func TestIsToken(t *testing.T) {
	good := NewToken()
	for _, s := range []string{
		"",
		TokenPrefix,
		good[len(TokenPrefix):],
		"Parley_" + good[len(TokenPrefix):],
		good[:len(good)-1],
		good + "A",
		good[:len(good)-1] + "+",
		good[:len(good)-1] + "=",
		good[:20] + "\n" + good[21:],
		good[:20] + "\r" + good[21:],
		TokenPrefix + strings.Repeat("A", 42) + "B", // non-canonical trailing bits
	} {
		if IsToken(s) {
			t.Errorf("IsToken accepted a string of %d bytes", len(s))
		}
	}
	if !IsToken(TokenPrefix + strings.Repeat("A", 42) + "E") {
		t.Error("IsToken refused a canonical token")
	}
}
