package web

import (
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// tokenRE matches a session secret or API token (password.NewToken).
var tokenRE = regexp.MustCompile(`parley_[A-Za-z0-9_-]{43}`)

// TestMain runs the package's tests and then searches everything their
// servers logged (testLogger) for passwords, token-shaped strings and every
// secret the tests sent or received: none may appear.
func TestMain(m *testing.M) {
	code := m.Run()
	logs := testLogs.String()
	var leaks []string
	if strings.Contains(logs, "level=INFO msg=request") || testing.Short() {
		for _, s := range []string{testPassword, "wrong password"} {
			if strings.Contains(logs, s) {
				leaks = append(leaks, fmt.Sprintf("%q", s))
			}
		}
		if tokenRE.MatchString(logs) {
			leaks = append(leaks, "a token-shaped string "+tokenRE.FindString(logs)[:10]+"…")
		}
		testSecrets.Range(func(k, _ any) bool {
			if strings.Contains(logs, k.(string)) {
				leaks = append(leaks, "a session, token or CSRF secret of the tests")
			}
			return true
		})
	}
	if len(leaks) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: the server logs contain secrets: %s\n", strings.Join(leaks, ", "))
		code = 1
	}
	os.Exit(code)
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
