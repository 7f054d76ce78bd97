package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
)

func TestTokenCommands(t *testing.T) {
	db := newDatabase(t)
	if code, _, errs := runWithStdin(t, "a sturdy password\n", "user", "add", "--db", db, "ana@example.org"); code != 0 {
		t.Fatalf("user add: %s", errs)
	}
	code, out, errs := runWithStdin(t, "", "token", "create", "--db", db, "--name", "nightly export", "Ana@Example.org")
	m := regexp.MustCompile(`Token \(shown only now\): (\S+)\n`).FindStringSubmatch(out)
	if code != 0 || m == nil || !password.IsToken(m[1]) {
		t.Fatalf("token create: code %d, out %q, err %q", code, out, errs)
	}
	secret := m[1]

	// Only the hash is stored.
	store, err := openDB(t, db), error(nil)
	if err != nil {
		t.Fatal(err)
	}
	h := password.HashToken(secret)
	tok, err := store.FindTokenByHash(parley.NewContextWithCaller(context.Background(), parley.System), h[:])
	if err != nil || tok.Name != "nightly export" || tok.RevokedAt != nil {
		t.Fatalf("stored token %+v, %v", tok, err)
	}
	store.Close()

	code, out, _ = runWithStdin(t, "", "token", "list", "--db", db, "ana@example.org")
	if code != 0 || !strings.Contains(out, "nightly export") || strings.Contains(out, secret) {
		t.Fatalf("token list: code %d, out %q", code, out)
	}
	code, out, _ = runWithStdin(t, "", "token", "revoke", "--db", db, "1")
	if code != 0 || !strings.Contains(out, "Revoked token 1") {
		t.Fatalf("token revoke: code %d, out %q", code, out)
	}
	code, out, _ = runWithStdin(t, "", "token", "list", "--db", db, "ana@example.org")
	if code != 0 || strings.Count(out, "-") >= 2 && !regexp.MustCompile(`nightly export.*\d{4}-\d\d-\d\dT.*\d{4}-\d\d-\d\dT`).MatchString(out) {
		t.Errorf("after revoke, the list shows no revocation time: %q", out)
	}

	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"token"}, 2, "missing subcommand"},
		{[]string{"token", "mint", "a@b.c"}, 2, "unknown subcommand"},
		{[]string{"token", "create", "--db", db, "ana@example.org"}, 2, "needs --name"},
		{[]string{"token", "revoke", "--db", db, "seven"}, 2, "not a token ID"},
		{[]string{"token", "create", "--db", db, "--name", "x", "nobody@example.org"}, 1, "no user"},
		{[]string{"token", "revoke", "--db", db, "99"}, 1, "not found"},
	} {
		code, _, errs := runWithStdin(t, "", tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.msg) {
			t.Errorf("%v: code %d, stderr %q; want %d and %q", tc.args, code, errs, tc.code, tc.msg)
		}
	}
}
