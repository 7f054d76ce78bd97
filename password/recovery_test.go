package password

import (
	"regexp"
	"strings"
	"testing"
)

func TestRecoveryCodes(t *testing.T) {
	codes := NewRecoveryCodes()
	if len(codes) != RecoveryCodes {
		t.Fatalf("%d codes", len(codes))
	}
	form := regexp.MustCompile(`^[2-9a-hjkmnp-tv-z]{4}(-[2-9a-hjkmnp-tv-z]{4}){3}$`)
	seen := map[string]bool{}
	for _, c := range codes {
		if !form.MatchString(c) || seen[c] {
			t.Errorf("code %q (seen %v)", c, seen[c])
		}
		seen[c] = true
		h := HashRecoveryCode(c)
		for _, typed := range []string{c, strings.ToUpper(c), strings.ReplaceAll(c, "-", ""), " " + strings.ReplaceAll(c, "-", " ") + " "} {
			if !RecoveryCodeMatches(typed, h[:]) {
				t.Errorf("%q typed as %q does not match", c, typed)
			}
		}
		other := HashRecoveryCode(codes[(len(seen))%len(codes)])
		if c != codes[len(seen)%len(codes)] && RecoveryCodeMatches(c, other[:]) {
			t.Errorf("%q matches another code's hash", c)
		}
	}
	for _, bad := range []string{"", "k7m2-q9xa-4hd8", "k7m2-q9xa-4hd8-wtpe-2222", "k7m2-q9xa-4hd8-wtp0", "k7m2-q9xa-4hd8-wtpé"} {
		if NormalizeRecoveryCode(bad) != "" {
			t.Errorf("NormalizeRecoveryCode(%q) accepted it", bad)
		}
	}
}

// Every symbol of the alphabet turns up, none other: the sampling is not
// stuck on part of it.
func TestRecoveryCodeAlphabetCovered(t *testing.T) {
	count := map[rune]int{}
	for range 200 {
		for _, r := range strings.ReplaceAll(newRecoveryCode(), "-", "") {
			count[r]++
		}
	}
	if len(count) != len(recoveryAlphabet) {
		t.Errorf("%d symbols seen of %d: %v", len(count), len(recoveryAlphabet), count)
	}
}
