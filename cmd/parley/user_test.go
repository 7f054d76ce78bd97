package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
)

// runWithStdin runs parley in process with stdin.
func runWithStdin(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code = Run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

// newDatabase creates an empty database at a new path and returns it:
// administrative commands refuse a path that does not exist.
func newDatabase(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.db")
	if err := openDB(t, path).Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUserCommands(t *testing.T) {
	db := newDatabase(t)
	const pw = "a sturdy password"

	code, out, errs := runWithStdin(t, pw+"\n", "user", "add", "--db", db, "--name", "Ana", "--admin", "Ana@Example.org")
	if code != 0 || !strings.Contains(out, "ana@example.org") || strings.Contains(out, pw) {
		t.Fatalf("user add: code %d, out %q, err %q", code, out, errs)
	}
	// A generated password is printed once.
	code, out, _ = runWithStdin(t, "", "user", "add", "--db", db, "bo@example.org")
	if code != 0 || !strings.Contains(out, "Password (shown only now): ") {
		t.Fatalf("user add with a generated password: code %d, out %q", code, out)
	}
	generated := strings.TrimSpace(out[strings.Index(out, ": ")+2:])
	generated = strings.TrimSpace(generated[strings.LastIndex(generated, ":")+1:])

	// Refusals change nothing.
	for _, tt := range []struct {
		name, stdin string
		args        []string
		code        int
		want        string
	}{
		{"duplicate", pw, []string{"user", "add", "--db", db, "ana@example.org"}, 1, "already"},
		{"short password", "short", []string{"user", "add", "--db", db, "cy@example.org"}, 1, "password"},
		{"bad email", pw, []string{"user", "add", "--db", db, "not-an-address"}, 1, "email"},
		{"passwd without a password", "", []string{"user", "passwd", "--db", db, "ana@example.org"}, 1, "nothing changed"},
		{"passwd unknown user", pw, []string{"user", "passwd", "--db", db, "zz@example.org"}, 1, "no user has"},
		{"no subcommand", "", []string{"user"}, 2, "missing subcommand"},
		{"unknown subcommand", "", []string{"user", "frob"}, 2, "unknown subcommand"},
		{"list with an argument", "", []string{"user", "list", "--db", db, "x"}, 2, "no arguments"},
	} {
		code, out, errs := runWithStdin(t, tt.stdin, tt.args...)
		if code != tt.code || !strings.Contains(strings.ToLower(errs), tt.want) {
			t.Errorf("%s: code %d (want %d), stderr %q (want %q), stdout %q", tt.name, code, tt.code, errs, tt.want, out)
		}
	}

	code, out, _ = runWithStdin(t, "", "user", "list", "--db", db)
	if code != 0 || strings.Count(out, "@example.org") != 2 || !strings.Contains(out, "Ana") {
		t.Fatalf("user list: code %d, out %q", code, out)
	}

	if code, _, errs := runWithStdin(t, "another good password\n", "user", "passwd", "--db", db, "ana@example.org"); code != 0 {
		t.Fatalf("user passwd: %d %s", code, errs)
	}
	if code, _, errs := runWithStdin(t, "", "user", "disable", "--db", db, "bo@example.org"); code != 0 {
		t.Fatalf("user disable: %d %s", code, errs)
	}

	s, err := openDB(t, db), error(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ana, err := s.FindUserByEmail(parley.NewContextWithCaller(context.Background(), parley.System), "ana@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if !ana.Admin || ana.Name != "Ana" {
		t.Errorf("ana = %+v, want an administrator named Ana", ana)
	}
	if password.Verify("another good password", ana.PasswordHash) != nil || password.Verify(pw, ana.PasswordHash) == nil {
		t.Error("passwd did not replace the password")
	}
	bo, err := s.FindUserByEmail(parley.NewContextWithCaller(context.Background(), parley.System), "bo@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if !bo.Disabled {
		t.Error("bo is not disabled")
	}
	if err := password.Verify(generated, bo.PasswordHash); err != nil {
		t.Errorf("the printed generated password does not verify: %v", err)
	}
	if _, n, _ := s.FindUsers(parley.NewContextWithCaller(context.Background(), parley.System), parley.Page{}); n != 2 {
		t.Errorf("%d users after the refusals, want 2", n)
	}

	// A lost phone: the operator removes the account's second factor.
	self := parley.NewContextWithCaller(context.Background(), &parley.Caller{User: ana})
	if err := s.StartTOTP(self, ana.ID, []byte("0123456789abcdefghij")); err != nil {
		t.Fatal(err)
	}
	if err := s.ConfirmTOTP(self, ana.ID, 1, nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if code, out, errs := runWithStdin(t, "", "user", "reset-second-factor", "--db", db, "ana@example.org"); code != 0 || !strings.Contains(out, "Removed the second factor of ana@example.org") {
		t.Fatalf("user reset-second-factor: %d %q %s", code, out, errs)
	}
	if code, _, errs := runWithStdin(t, "", "user", "reset-second-factor", "--db", db, "ana@example.org"); code != 1 || !strings.Contains(errs, "no second factor") {
		t.Errorf("reset-second-factor without one: %d %s", code, errs)
	}
	s2 := openDB(t, db)
	defer s2.Close()
	if _, err := s2.FindTOTP(parley.NewContextWithCaller(context.Background(), parley.System), ana.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("the second factor after the reset: %v", err)
	}
}
