package password

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"strings"
)

const (
	// RecoveryCodes is how many recovery codes a second factor comes with.
	RecoveryCodes = 10
	// RecoveryCodeGroups × RecoveryCodeGroupLen characters of
	// recoveryAlphabet (30 symbols, log₂ 30 ≈ 4.9 bits each) make a code:
	// 16 × 4.9 ≈ 78 bits, beyond an offline search of its SHA-256, so a
	// fast hash suffices, as for tokens.
	RecoveryCodeGroups   = 4
	RecoveryCodeGroupLen = 4
	// recoveryAlphabet is the digits 2–9 and the lower-case letters but
	// i, l, o and u, which read like 1, 0 or v: a code copied by hand from
	// paper comes back right.
	recoveryAlphabet = "23456789abcdefghjkmnpqrstvwxyz"
)

// NewRecoveryCodes returns RecoveryCodes new recovery codes such as
// "k7m2-q9xa-4hd8-wtpe". Show them once; store only their
// HashRecoveryCode, and strike each one out when it is used.
func NewRecoveryCodes() []string {
	codes := make([]string, RecoveryCodes)
	for i := range codes {
		codes[i] = newRecoveryCode()
	}
	return codes
}

func newRecoveryCode() string {
	var b strings.Builder
	buf := make([]byte, 1)
	for g := range RecoveryCodeGroups {
		if g > 0 {
			b.WriteByte('-')
		}
		for n := 0; n < RecoveryCodeGroupLen; {
			rand.Read(buf) // never fails, see crypto/rand.Read
			// Rejection sampling keeps every symbol equally likely.
			if v := int(buf[0]); v < 256-256%len(recoveryAlphabet) {
				b.WriteByte(recoveryAlphabet[v%len(recoveryAlphabet)])
				n++
			}
		}
	}
	return b.String()
}

// NormalizeRecoveryCode folds what a person typed — any case, spaces or
// dashes anywhere — into the canonical form, or "" if it cannot be a code.
func NormalizeRecoveryCode(typed string) string {
	var s []byte
	for _, r := range strings.ToLower(typed) {
		switch {
		case r == ' ' || r == '-':
		case r < 128 && strings.IndexByte(recoveryAlphabet, byte(r)) >= 0:
			s = append(s, byte(r))
		default:
			return ""
		}
	}
	if len(s) != RecoveryCodeGroups*RecoveryCodeGroupLen {
		return ""
	}
	var b strings.Builder
	for i := 0; i < len(s); i += RecoveryCodeGroupLen {
		if i > 0 {
			b.WriteByte('-')
		}
		b.Write(s[i : i+RecoveryCodeGroupLen])
	}
	return b.String()
}

// HashRecoveryCode returns SHA-256 of the canonical form of a code (as
// NormalizeRecoveryCode gives it).
func HashRecoveryCode(code string) [sha256.Size]byte {
	return sha256.Sum256([]byte(NormalizeRecoveryCode(code)))
}

// RecoveryCodeMatches reports, in constant time, whether the typed code
// hashes to stored.
func RecoveryCodeMatches(typed string, stored []byte) bool {
	if NormalizeRecoveryCode(typed) == "" {
		return false
	}
	h := HashRecoveryCode(typed)
	return subtle.ConstantTimeCompare(h[:], stored) == 1
}
