// Package totp computes and checks time-based one-time passwords (TOTP,
// RFC 6238): the six-digit codes of authenticator apps, Parley's first
// second factor.
//
// # Parameters
//
// Parley's codes are the ones every authenticator app understands:
// HMAC-SHA-1, six digits, a 30-second step (RFC 6238 §4, its defaults),
// with a 160-bit secret (RFC 4226 §4 recommends 160 bits). A code is
// accepted in the step it belongs to and the one before and after
// (RFC 6238 §5.2 allows one step of clock drift each way), and never
// twice: Verify returns the step it matched and refuses any step not
// after the last one used, so an intercepted code cannot be replayed.
//
// # Threat model
//
// The secret is as sensitive as a password: whoever holds it can make
// codes. The store keeps it sealed; it is shown once, at enrolment, as an
// otpauth:// URI (Key URI Format) for the app to read. Six digits give a
// guesser 3 chances in 10⁶ per attempt (three steps accepted); the sign-in
// throttle bounds the attempts.
package totp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

const (
	// SecretSize is the length of a secret in bytes: 160 bits.
	SecretSize = 20
	// Digits is the length of a code.
	Digits = 6
	// Step is the time step: a code changes every Step.
	Step = 30 * time.Second
	// Skew is how many steps before and after the current one a code may
	// belong to.
	Skew = 1
)

// ErrInvalid is the one answer to a code that does not verify: wrong,
// malformed, outside the window or already used.
var ErrInvalid = errors.New("totp: the code is not valid")

// b32 is the secret's text form: base32 without padding, as authenticator
// apps expect.
var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Secret is a TOTP secret.
type Secret []byte

// NewSecret returns SecretSize random bytes.
func NewSecret() Secret {
	s := make(Secret, SecretSize)
	rand.Read(s) // never fails (crypto/rand, Go ≥ 1.24)
	return s
}

// String is the base32 form an authenticator app accepts when typed in.
func (s Secret) String() string { return b32.EncodeToString(s) }

// ParseSecret reads the base32 form (case, spaces and padding ignored).
func ParseSecret(text string) (Secret, error) {
	text = strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "=", "").Replace(text))
	s, err := b32.DecodeString(text)
	if err != nil || len(s) < 16 {
		return nil, errors.New("totp: not a base32 secret of at least 128 bits")
	}
	return s, nil
}

// StepAt is the step that holds t: floor(unix(t) / 30), RFC 6238 §4.2.
func StepAt(t time.Time) int64 { return t.Unix() / int64(Step/time.Second) }

// Code is the code of step, with digits digits (6 for Parley; the RFC's
// test vectors use 8): HOTP(K, T), RFC 4226 §5.3 — the HMAC-SHA-1 of the
// step as 8 big-endian bytes, dynamically truncated to 31 bits, modulo
// 10^digits, zero-padded.
func Code(secret Secret, step int64, digits int) string {
	if digits < 6 || digits > 9 {
		panic("totp: digits must be 6 to 9")
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	m := hmac.New(sha1.New, secret)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// Verify checks code against secret at time now and returns the step it
// belongs to. It accepts the steps from now−Skew to now+Skew that are
// after lastUsed (the step of the last code accepted for this secret, or
// a negative number if none was), and ErrInvalid for anything else. Save
// the returned step as the new lastUsed before acting on the sign-in.
// Each candidate is compared in constant time.
func Verify(secret Secret, code string, now time.Time, lastUsed int64) (int64, error) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != Digits || strings.Trim(code, "0123456789") != "" {
		return 0, ErrInvalid
	}
	cur := StepAt(now)
	matched := int64(-1)
	for step := cur - Skew; step <= cur+Skew; step++ {
		if subtle.ConstantTimeCompare([]byte(Code(secret, step, Digits)), []byte(code)) == 1 && step > lastUsed {
			matched = step
		}
	}
	if matched < 0 {
		return 0, ErrInvalid
	}
	return matched, nil
}

// URI is the otpauth:// Key URI that enrolls secret in an authenticator
// app for account at issuer (e.g. "Parley (talks.example.org)").
func URI(secret Secret, issuer, account string) string {
	label := url.PathEscape(issuer) + ":" + url.PathEscape(account)
	q := url.Values{}
	q.Set("secret", secret.String())
	q.Set("issuer", issuer)
	q.Set("algorithm", "SHA1")
	q.Set("digits", fmt.Sprint(Digits))
	q.Set("period", fmt.Sprint(int(Step/time.Second)))
	return "otpauth://totp/" + label + "?" + q.Encode()
}
