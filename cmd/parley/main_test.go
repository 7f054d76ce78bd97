package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
)

// Every command answers -h and --help with its usage and at least one
// example, and exits 0.
func TestEveryCommandHasHelpWithExamples(t *testing.T) {
	if len(commands) < 8 {
		t.Fatalf("only %d commands registered", len(commands))
	}
	for name, c := range commands {
		for _, flag := range []string{"-h", "--help"} {
			code, stdout, stderr := runCLI(t, name, flag)
			out := stdout + stderr
			if code != 0 {
				t.Errorf("parley %s %s: exit %d, output %q", name, flag, code, out)
			}
			if !strings.Contains(out, "Example") || !strings.Contains(out, "parley "+name) {
				t.Errorf("parley %s %s: usage without examples: %q", name, flag, out)
			}
		}
		if c.Summary == "" {
			t.Errorf("parley %s has no summary", name)
		}
	}
	code, stdout, _ := runCLI(t, "--help")
	if code != 0 || !strings.Contains(stdout, "serve") || !strings.Contains(stdout, "analyze") {
		t.Errorf("parley --help: exit %d, %q", code, stdout)
	}
	if code, _, stderr := runCLI(t, "frobnicate"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Errorf("unknown command: exit %d, %q", code, stderr)
	}
}

// Help goes to stdout; a mistake goes to stderr with the command's
// synopsis and exits 2; a failure exits 1 with a message free of internal
// codes.
func TestHelpUsageAndMessages(t *testing.T) {
	code, out, errs := runCLI(t, "help", "serve")
	if code != 0 || errs != "" || !strings.Contains(out, "Usage: parley serve") || !strings.Contains(out, "-tls-cert") {
		t.Errorf("parley help serve: exit %d, stdout %.200q, stderr %q", code, out, errs)
	}
	code, out, errs = runCLI(t, "help", "user")
	if code != 0 || !strings.Contains(out, "parley user add") {
		t.Errorf("parley help user: exit %d, %q %q", code, out, errs)
	}
	if code, out, errs := runCLI(t, "help", "frobnicate"); code != 2 || out != "" || !strings.Contains(errs, `unknown command "frobnicate"`) {
		t.Errorf("parley help frobnicate: exit %d, %q %q", code, out, errs)
	}
	if code, out, errs := runCLI(t); code != 2 || out != "" || !strings.Contains(errs, "Commands:") {
		t.Errorf("parley alone: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if code, out, errs := runCLI(t, "version", "--frob"); code != 2 || out != "" ||
		!strings.Contains(errs, "flag provided but not defined: -frob") || !strings.Contains(errs, "Usage: parley version") {
		t.Errorf("a bad flag: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	db := newDatabase(t)
	code, out, errs = runCLI(t, "user", "disable", "--db", db, "nobody@example.org")
	if code != 1 || out != "" || !strings.Contains(errs, "no user has") || strings.Contains(errs, "not_found") {
		t.Errorf("a failure: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// Commands that read a database refuse a path that does not exist rather
// than create an empty database (and a key) there.
func TestMissingDatabaseRefused(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.db")
	for _, args := range [][]string{
		{"user", "list", "--db", typo},
		{"user", "add", "--db", typo, "ana@example.org"},
		{"token", "list", "--db", typo, "ana@example.org"},
		{"backup", "--db", typo, filepath.Join(dir, "out.db")},
	} {
		code, _, errs := runCLI(t, args...)
		if code != 1 || !strings.Contains(errs, typo+" does not exist") {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused commands left files: %v", entries)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(out, "parley dev (") || !strings.Contains(out, runtime.Version()) ||
		!strings.Contains(out, runtime.GOOS+"/"+runtime.GOARCH) {
		t.Errorf("parley version: exit %d, %q", code, out)
	}
}

// openDB opens the SQLite database at path with the master key in the key
// file beside it, as the commands find it, creating the key file if there
// is none yet.
func openDB(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	keyFile := defaultKeyPath(path)
	key, err := seal.LoadKeyFile(keyFile)
	if errors.Is(err, fs.ErrNotExist) {
		key = seal.GenerateMasterKey()
		err = seal.WriteKeyFile(keyFile, key)
	}
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(parley.NewContextWithCaller(context.Background(), parley.System), path, sqlite.MasterKey(key))
	if err != nil {
		t.Fatal(err)
	}
	return db
}
