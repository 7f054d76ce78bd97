package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Limits on passwords, in bytes.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 1024
)

// Bounds on the parameters of a hash, checked when hashing and when reading
// a stored hash. The maxima stop a planted hash from costing a login more
// than about a quarter of a GiB of memory or a few seconds.
const (
	MaxMemoryKiB = 256 * 1024
	MaxTime      = 16
	MaxThreads   = 16
	MinSaltLen   = 8
	MaxSaltLen   = 64
	MinKeyLen    = 16
	MaxKeyLen    = 64
)

// Params are argon2id's cost parameters and output sizes.
type Params struct {
	MemoryKiB uint32 // memory in KiB; at least 8·Threads
	Time      uint32 // passes over the memory
	Threads   uint8  // lanes
	SaltLen   uint32 // salt length in bytes
	KeyLen    uint32 // hash length in bytes
}

// DefaultParams are OWASP's recommended argon2id parameters: 19 MiB, two
// passes, one lane.
var DefaultParams = Params{MemoryKiB: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// InsecureTestParams make hashing cheap for tests that hash many passwords.
// Never use them outside tests: they give no protection.
var InsecureTestParams = Params{MemoryKiB: 8, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// argon2Version is the argon2 version this package writes and reads (0x13).
const argon2Version = argon2.Version

var (
	// ErrMismatch is returned when a password does not match its hash.
	ErrMismatch = errors.New("password: password does not match")
	// ErrMalformed is wrapped by errors about stored hashes that cannot be
	// read or have parameters out of range.
	ErrMalformed = errors.New("password: malformed hash")
	// ErrTooShort and ErrTooLong are returned by Hash for passwords outside
	// MinPasswordLen..MaxPasswordLen; their text may be shown to the user.
	ErrTooShort = fmt.Errorf("password: password is shorter than %d bytes", MinPasswordLen)
	ErrTooLong  = fmt.Errorf("password: password is longer than %d bytes", MaxPasswordLen)
)

// Validate reports whether p is within this package's bounds.
func (p Params) Validate() error {
	switch {
	case p.Time < 1 || p.Time > MaxTime:
		return fmt.Errorf("time %d outside 1..%d", p.Time, MaxTime)
	case p.Threads < 1 || p.Threads > MaxThreads:
		return fmt.Errorf("threads %d outside 1..%d", p.Threads, MaxThreads)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > MaxMemoryKiB:
		return fmt.Errorf("memory %d KiB outside %d..%d", p.MemoryKiB, 8*uint32(p.Threads), MaxMemoryKiB)
	case p.SaltLen < MinSaltLen || p.SaltLen > MaxSaltLen:
		return fmt.Errorf("salt length %d outside %d..%d", p.SaltLen, MinSaltLen, MaxSaltLen)
	case p.KeyLen < MinKeyLen || p.KeyLen > MaxKeyLen:
		return fmt.Errorf("hash length %d outside %d..%d", p.KeyLen, MinKeyLen, MaxKeyLen)
	}
	return nil
}

// CheckLength returns ErrTooShort or ErrTooLong for a password outside
// MinPasswordLen..MaxPasswordLen bytes, and nil otherwise.
func CheckLength(password string) error {
	switch {
	case len(password) < MinPasswordLen:
		return ErrTooShort
	case len(password) > MaxPasswordLen:
		return ErrTooLong
	}
	return nil
}

// Hash returns the PHC-encoded argon2id hash of password with a fresh
// random salt.
func Hash(password string, p Params) (string, error) {
	if err := CheckLength(password); err != nil {
		return "", err
	}
	if err := p.Validate(); err != nil {
		return "", fmt.Errorf("password: parameters: %s", err)
	}
	salt := make([]byte, p.SaltLen)
	rand.Read(salt) // never fails, see crypto/rand.Read
	key := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	return encode(p, salt, key), nil
}

func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2Version, p.MemoryKiB, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// Verify reports whether password matches the encoded hash: nil if it does,
// ErrMismatch if it does not, an error wrapping ErrMalformed if the hash
// cannot be read. The hash comparison runs in constant time. A password
// outside the length limits is ErrMismatch without hashing.
func Verify(password, encoded string) error {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return err
	}
	if CheckLength(password) != nil {
		return ErrMismatch
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return ErrMismatch
	}
	return nil
}

// NeedsRehash reports whether encoded should be replaced by a hash made with
// p: because its parameters differ from p, or because it cannot be read.
// Call it after a successful Verify, when the plaintext is at hand.
func NeedsRehash(encoded string, p Params) bool {
	q, _, _, err := decode(encoded)
	return err != nil || q != p
}

// ParseParams returns the parameters stored in an encoded hash.
func ParseParams(encoded string) (Params, error) {
	p, _, _, err := decode(encoded)
	return p, err
}

// decode parses a PHC string strictly: exactly the strings encode produces,
// with parameters within bounds.
func decode(encoded string) (p Params, salt, key []byte, err error) {
	malformed := func(why string) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformed, why)
	}
	// Longest valid: "$argon2id$v=19$m=262144,t=16,p=16$" and 64+64 bytes of base64.
	if len(encoded) > 256 {
		return malformed("too long")
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return malformed("want $argon2id$v=…$m=…,t=…,p=…$salt$hash")
	}
	if parts[1] != "argon2id" {
		return malformed("not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2Version) {
		return malformed("unsupported argon2 version")
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return malformed("want m=…,t=…,p=…")
	}
	var vals [3]uint32
	for i, name := range [3]string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(kv[i], name+"=")
		if !ok {
			return malformed("want m=…,t=…,p=… in that order")
		}
		n, ok := parseDecimal(v)
		if !ok {
			return malformed("parameter " + name + " is not a canonical decimal number")
		}
		vals[i] = n
	}
	if vals[2] > MaxThreads {
		return malformed("parameters out of range: threads")
	}
	p = Params{MemoryKiB: vals[0], Time: vals[1], Threads: uint8(vals[2])}
	if salt, err = decodeBase64(parts[4]); err != nil {
		return malformed("salt is not base64")
	}
	if key, err = decodeBase64(parts[5]); err != nil {
		return malformed("hash is not base64")
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	if err := p.Validate(); err != nil {
		return malformed("parameters out of range: " + err.Error())
	}
	return p, salt, key, nil
}

// parseDecimal accepts 1 to 10 decimal digits without sign or leading
// zeros that fit a uint32.
func parseDecimal(s string) (uint32, bool) {
	if s == "" || len(s) > 10 || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 32)
	return uint32(n), err == nil
}

// decodeBase64 decodes standard base64 without padding, accepting only the
// canonical encoding (the decoder alone would skip line breaks).
func decodeBase64(s string) ([]byte, error) {
	b, err := base64.RawStdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, err
	}
	if base64.RawStdEncoding.EncodeToString(b) != s {
		return nil, errors.New("non-canonical base64")
	}
	return b, nil
}
