package password

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestHashVerify(t *testing.T) {
	const pw = "correct horse battery staple"
	enc, err := Hash(pw, InsecureTestParams)
	if err != nil {
		t.Fatal(err)
	}
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=8,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !phc.MatchString(enc) {
		t.Errorf("Hash = %q, want PHC form", enc)
	}
	if strings.Contains(enc, pw) {
		t.Fatal("hash contains the password")
	}
	if err := Verify(pw, enc); err != nil {
		t.Errorf("Verify(right password) = %v", err)
	}
	for _, wrong := range []string{"correct horse battery stapl", "correct horse battery staplf", "Correct horse battery staple", pw + " ", ""} {
		if err := Verify(wrong, enc); err != ErrMismatch {
			t.Errorf("Verify(wrong password of %d bytes) = %v, want ErrMismatch", len(wrong), err)
		}
	}
	again, _ := Hash(pw, InsecureTestParams)
	if again == enc {
		t.Error("two hashes of one password are equal: salt not random")
	}
}

func TestDefaultParams(t *testing.T) {
	if DefaultParams != (Params{MemoryKiB: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}) {
		t.Errorf("DefaultParams = %+v, want OWASP m=19456 t=2 p=1", DefaultParams)
	}
	start := time.Now()
	enc, err := Hash("a long enough password", DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("Hash with DefaultParams = %q", enc)
	}
	if err := Verify("a long enough password", enc); err != nil {
		t.Error(err)
	}
	t.Logf("hash and verify with DefaultParams: %v", time.Since(start))
}

// TestKnownAnswers checks Verify against argon2id outputs of the reference
// implementation (as in golang.org/x/crypto/argon2's tests), written in PHC
// form by hand: password "password", salt "somesalt".
func TestKnownAnswers(t *testing.T) {
	salt := base64.RawStdEncoding.EncodeToString([]byte("somesalt"))
	for _, tc := range []struct{ params, hash string }{
		{"m=64,t=1,p=1", "655ad15eac652dc59f7170a7332bf49b8469be1fdb9c28bb"},
		{"m=64,t=2,p=1", "068d62b26455936aa6ebe60060b0a65870dbfa3ddf8d41f7"},
		{"m=4096,t=4,p=4", "145db9733a9f4ee43edf33c509be96b934d505a4efb33c5a"},
	} {
		key, _ := hex.DecodeString(tc.hash)
		enc := "$argon2id$v=19$" + tc.params + "$" + salt + "$" + base64.RawStdEncoding.EncodeToString(key)
		if err := Verify("password", enc); err != nil {
			t.Errorf("Verify(%s): %v", enc, err)
		}
		if err := Verify("passwore", enc); err != ErrMismatch {
			t.Errorf("Verify(wrong password, %s) = %v, want ErrMismatch", enc, err)
		}
	}
}

func TestPasswordLength(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want error
	}{
		{0, ErrTooShort}, {MinPasswordLen - 1, ErrTooShort}, {MinPasswordLen, nil}, {MinPasswordLen + 1, nil},
		{MaxPasswordLen - 1, nil}, {MaxPasswordLen, nil}, {MaxPasswordLen + 1, ErrTooLong}, {1 << 20, ErrTooLong},
	} {
		pw := strings.Repeat("p", tc.n)
		enc, err := Hash(pw, InsecureTestParams)
		if err != tc.want {
			t.Errorf("Hash(%d bytes) error = %v, want %v", tc.n, err, tc.want)
		}
		if err == nil {
			if err := Verify(pw, enc); err != nil {
				t.Errorf("Verify(%d bytes) = %v", tc.n, err)
			}
		}
	}
	enc, _ := Hash("12345678", InsecureTestParams)
	if err := Verify(strings.Repeat("1", MaxPasswordLen+1), enc); err != ErrMismatch {
		t.Errorf("Verify(over-long password) = %v, want ErrMismatch", err)
	}
}

func TestHashRejectsBadParams(t *testing.T) {
	for _, p := range []Params{
		{},
		{MemoryKiB: 7, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		{MemoryKiB: 15, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32},
		{MemoryKiB: MaxMemoryKiB + 1, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		{MemoryKiB: 64, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32},
		{MemoryKiB: 64, Time: MaxTime + 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		{MemoryKiB: 1024, Time: 1, Threads: MaxThreads + 1, SaltLen: 16, KeyLen: 32},
		{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: MinSaltLen - 1, KeyLen: 32},
		{MemoryKiB: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: MaxKeyLen + 1},
	} {
		if _, err := Hash("long enough", p); err == nil {
			t.Errorf("Hash with %+v: no error", p)
		}
	}
}

func TestVerifyMalformed(t *testing.T) {
	good, _ := Hash("long enough", InsecureTestParams)
	parts := strings.Split(good, "$")
	with := func(i int, s string) string {
		p := append([]string(nil), parts...)
		p[i] = s
		return strings.Join(p, "$")
	}
	for _, enc := range []string{
		"",
		"$",
		"plaintext",
		good + "$",
		good[1:],
		with(1, "argon2i"),
		with(1, "argon2d"),
		with(2, "v=16"),
		with(2, "v=019"),
		with(3, "m=8,t=1"),
		with(3, "t=1,m=8,p=1"),
		with(3, "m=08,t=1,p=1"),
		with(3, "m=+8,t=1,p=1"),
		with(3, "m=8,t=1,p=1,x=1"),
		with(3, "m=8 ,t=1,p=1"),
		with(3, "m=4294967295,t=1,p=1"),  // 4 TiB: refused before any work
		with(3, "m=4294967296,t=1,p=1"),  // overflows uint32
		with(3, "m=8,t=4294967295,p=1"),  // absurd time
		with(3, "m=1024,t=1,p=255"),      // absurd lanes
		with(3, "m=1024,t=1,p=0"),        //
		with(3, "m=262145,t=1,p=1"),      // just over MaxMemoryKiB
		with(4, ""),                      // no salt
		with(4, "c29tZQ"),                // 4-byte salt
		with(4, parts[4]+"="),            // padding
		with(4, "!"+parts[4][1:]),        // not base64
		with(5, parts[5][:20]),           // 15-byte hash
		with(5, strings.Repeat("A", 90)), // 67-byte hash
		with(5, parts[5][:42]+"B"),       // non-canonical trailing bits
		strings.Repeat("$", 1000),
	} {
		err := Verify("long enough", enc)
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("Verify(%q) = %v, want ErrMalformed", enc, err)
		}
		if !NeedsRehash(enc, InsecureTestParams) {
			t.Errorf("NeedsRehash(%q) = false for a malformed hash", enc)
		}
	}
}

func TestNeedsRehash(t *testing.T) {
	enc, _ := Hash("long enough", InsecureTestParams)
	if NeedsRehash(enc, InsecureTestParams) {
		t.Error("NeedsRehash with the same parameters = true")
	}
	p, err := ParseParams(enc)
	if err != nil || p != InsecureTestParams {
		t.Errorf("ParseParams = %+v, %v; want %+v", p, err, InsecureTestParams)
	}
	for _, q := range []Params{
		DefaultParams,
		{MemoryKiB: 16, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		{MemoryKiB: 8, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32},
		{MemoryKiB: 8, Time: 1, Threads: 1, SaltLen: 32, KeyLen: 32},
		{MemoryKiB: 8, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 16},
	} {
		if !NeedsRehash(enc, q) {
			t.Errorf("NeedsRehash(%+v) = false for a hash with %+v", q, InsecureTestParams)
		}
	}
}

// FuzzParse checks that reading a stored hash never panics, never accepts
// parameters out of bounds, and accepts only canonical encodings.
func FuzzParse(f *testing.F) {
	good, _ := Hash("long enough", InsecureTestParams)
	f.Add(good)
	f.Add("$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")
	f.Add("$argon2id$v=19$m=,t=,p=$$")
	f.Fuzz(func(t *testing.T, enc string) {
		p, salt, key, err := decode(enc)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("decode error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if p.Validate() != nil {
			t.Fatalf("decode accepted parameters out of bounds: %+v", p)
		}
		if again := encode(p, salt, key); again != enc {
			t.Fatalf("decode accepted a non-canonical encoding: %q, canonical %q", enc, again)
		}
	})
}

// BenchmarkVerifyDefault measures one login's hashing cost.
func BenchmarkVerifyDefault(b *testing.B) {
	enc, err := Hash("a long enough password", DefaultParams)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := Verify("a long enough password", enc); err != nil {
			b.Fatal(err)
		}
	}
}
