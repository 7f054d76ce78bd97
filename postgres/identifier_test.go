package postgres

import (
	"regexp"
	"strings"
	"testing"
)

// TestIsIdentifier checks isIdentifier against the pattern it replaces,
// at the boundaries.
func TestIsIdentifier(t *testing.T) {
	pattern := regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
	for _, s := range []string{"", "a", "_", "z", "1", "1a", "a1", "a_9", "A", "a-b", "é", "a b",
		strings.Repeat("a", 62), strings.Repeat("a", 63), strings.Repeat("a", 64), "a" + strings.Repeat("9", 62), "test_schema_1"} {
		if got, want := isIdentifier(s), pattern.MatchString(s); got != want {
			t.Errorf("isIdentifier(%q) = %v, the pattern says %v", s, got, want)
		}
	}
}
