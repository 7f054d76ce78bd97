package main

import (
	"context"
	"errors"
	"io/fs"
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
		if c.summary == "" {
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
