package totp

import (
	"bufio"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestRFC6238Vectors(t *testing.T) {
	f, err := os.Open("testdata/rfc6238.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	secret := Secret("12345678901234567890")
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 2 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		unix, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		if got := Code(secret, StepAt(time.Unix(unix, 0)), 8); got != fields[1] {
			t.Errorf("T=%d: %s, want %s", unix, got, fields[1])
		}
		// The six-digit code is the last six digits of the same value.
		if got := Code(secret, StepAt(time.Unix(unix, 0)), 6); got != fields[1][2:] {
			t.Errorf("T=%d, 6 digits: %s, want %s", unix, got, fields[1][2:])
		}
		n++
	}
	if n != 6 {
		t.Fatalf("read %d vectors", n)
	}
}

func TestVerifyWindowAndReplay(t *testing.T) {
	secret := NewSecret()
	now := time.Unix(1_800_000_000, 0)
	cur := StepAt(now)
	for _, tt := range []struct {
		name     string
		step     int64
		lastUsed int64
		ok       bool
	}{
		{"current step", cur, -1, true},
		{"one step late", cur - 1, -1, true},
		{"one step early", cur + 1, -1, true},
		{"two steps late", cur - 2, -1, false},
		{"two steps early", cur + 2, -1, false},
		{"replayed", cur, cur, false},
		{"older than the last used", cur - 1, cur, false},
		{"after the last used", cur + 1, cur, true},
	} {
		step, err := Verify(secret, Code(secret, tt.step, Digits), now, tt.lastUsed)
		if (err == nil) != tt.ok || (tt.ok && step != tt.step) {
			t.Errorf("%s: step %d, err %v", tt.name, step, err)
		}
	}
	for _, bad := range []string{"", "12345", "1234567", "12345a", "１２３４５６"} {
		if _, err := Verify(secret, bad, now, -1); err != ErrInvalid {
			t.Errorf("Verify(%q): %v", bad, err)
		}
	}
	if _, err := Verify(secret, " "+Code(secret, cur, Digits)[:3]+" "+Code(secret, cur, Digits)[3:], now, -1); err != nil {
		t.Errorf("a code typed with spaces: %v", err)
	}
}

func TestSecretAndURI(t *testing.T) {
	s := NewSecret()
	if len(s) != SecretSize {
		t.Fatalf("secret of %d bytes", len(s))
	}
	back, err := ParseSecret(strings.ToLower(s.String()))
	if err != nil || string(back) != string(s) {
		t.Fatalf("ParseSecret(String()): %v", err)
	}
	if _, err := ParseSecret("ABCDEFGH"); err == nil {
		t.Error("a 40-bit secret was accepted")
	}
	u, err := url.Parse(URI(s, "Parley (talks.example.org)", "ana@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/Parley (talks.example.org):ana@example.org" ||
		q.Get("secret") != s.String() || q.Get("issuer") != "Parley (talks.example.org)" || q.Get("digits") != "6" || q.Get("period") != "30" {
		t.Errorf("URI: %s", u)
	}
}

func FuzzVerify(f *testing.F) {
	f.Add("123456", int64(0))
	f.Add("000000", int64(-1))
	secret := Secret("12345678901234567890")
	f.Fuzz(func(t *testing.T, code string, lastUsed int64) {
		step, err := Verify(secret, code, time.Unix(1_800_000_000, 0), lastUsed)
		if err == nil && (step <= lastUsed || Code(secret, step, Digits) != strings.ReplaceAll(strings.TrimSpace(code), " ", "")) {
			t.Fatalf("Verify(%q, %d) accepted step %d", code, lastUsed, step)
		}
	})
}
