package seal

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestKeyID(t *testing.T) {
	m := GenerateMasterKey()
	id := m.ID()
	if !strings.HasPrefix(string(id), keyIDPrefix) || len(id) != len(keyIDPrefix)+2*keyIDSize {
		t.Errorf("KeyID %q: want %q and %d hex digits", id, keyIDPrefix, 2*keyIDSize)
	}
	again, err := ParseMasterKey(m.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if again.ID() != id {
		t.Errorf("KeyID of the same key differs: %s, %s", again.ID(), id)
	}
	other := GenerateMasterKey()
	if other.ID() == id {
		t.Errorf("two random keys share the KeyID %s", id)
	}
	if err := m.CheckID(id); err != nil {
		t.Errorf("CheckID(own id): %v", err)
	}
	err = other.CheckID(id)
	if !errors.Is(err, ErrWrongMasterKey) {
		t.Fatalf("CheckID(another key's id): err = %v, want ErrWrongMasterKey", err)
	}
	if !strings.Contains(err.Error(), string(id)) || !strings.Contains(err.Error(), string(other.ID())) {
		t.Errorf("CheckID error %q does not name both KeyIDs", err)
	}
}

func TestWriteAndLoadKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "master.key")
	m := GenerateMasterKey()
	if err := WriteKeyFile(path, m); err != nil {
		t.Fatalf("WriteKeyFile: %v", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != KeyFileMode {
		t.Errorf("key file mode = %v, want %v", info.Mode().Perm(), KeyFileMode)
	}
	got, err := LoadKeyFile(path)
	if err != nil {
		t.Fatalf("LoadKeyFile: %v", err)
	}
	if got.ID() != m.ID() {
		t.Errorf("loaded key %s, wrote %s", got.ID(), m.ID())
	}

	before, _ := os.ReadFile(path)
	err = WriteKeyFile(path, GenerateMasterKey())
	if !errors.Is(err, fs.ErrExist) {
		t.Errorf("WriteKeyFile over an existing file: err = %v, want fs.ErrExist", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("WriteKeyFile changed an existing key file")
	}
}

func TestLoadKeyFileForms(t *testing.T) {
	m := GenerateMasterKey()
	b64 := strings.TrimSpace(string(m.Encode()))
	for _, tc := range []struct {
		name    string
		content []byte
		ok      bool
	}{
		{"base64 with newline", []byte(b64 + "\n"), true},
		{"base64 without newline", []byte(b64), true},
		{"base64 with CRLF and spaces", []byte("  " + b64 + "\r\n"), true},
		{"raw 32 bytes", m.key[:], true},
		{"31 raw bytes", m.key[:31], false},
		{"33 raw bytes", append(bytes.Clone(m.key[:]), 0), false},
		{"base64 missing a character", []byte(b64[1:]), false},
		{"base64 with an extra character", []byte(b64 + "A"), false},
		{"not base64", []byte(strings.Repeat("!", len(b64))), false},
		{"non-canonical base64", []byte(b64[:42] + "B="), false},
		{"line break inside", []byte(b64[:20] + "\n" + b64[21:]), false},
		{"empty", nil, false},
		{"too long", bytes.Repeat([]byte("A"), maxKeyFileSize+1), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "k")
			if err := os.WriteFile(path, tc.content, 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := LoadKeyFile(path)
			if !tc.ok {
				if err == nil {
					t.Fatalf("LoadKeyFile accepted a bad file of %d bytes", len(tc.content))
				}
				if strings.Contains(err.Error(), b64[:8]) {
					t.Errorf("error quotes the key file: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadKeyFile: %v", err)
			}
			if got.ID() != m.ID() {
				t.Errorf("loaded %s, want %s", got.ID(), m.ID())
			}
		})
	}
}

func TestLoadKeyFileRefusesLoosePermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	m := GenerateMasterKey()
	for _, mode := range []fs.FileMode{0o640, 0o604, 0o644, 0o660, 0o666, 0o610, 0o601} {
		path := filepath.Join(t.TempDir(), "k")
		if err := os.WriteFile(path, m.Encode(), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := LoadKeyFile(path)
		if !errors.Is(err, ErrKeyFilePermissions) {
			t.Errorf("mode %v: err = %v, want ErrKeyFilePermissions", mode, err)
		}
	}
	for _, mode := range []fs.FileMode{0o600, 0o400} {
		path := filepath.Join(t.TempDir(), "k")
		if err := os.WriteFile(path, m.Encode(), mode); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadKeyFile(path); err != nil {
			t.Errorf("mode %v: %v", mode, err)
		}
	}
	if _, err := LoadKeyFile(t.TempDir()); err == nil {
		t.Error("LoadKeyFile accepted a directory")
	}
	if _, err := LoadKeyFile(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: err = %v, want fs.ErrNotExist", err)
	}
}

func TestLoadMasterKey(t *testing.T) {
	m := GenerateMasterKey()
	path := filepath.Join(t.TempDir(), "k")
	if err := WriteKeyFile(path, m); err != nil {
		t.Fatal(err)
	}
	env := func(v string) func(string) string {
		return func(name string) string {
			if name == EnvMasterKey {
				return v
			}
			return ""
		}
	}
	b64 := strings.TrimSpace(string(m.Encode()))

	if got, err := LoadMasterKey(path, env("")); err != nil || got.ID() != m.ID() {
		t.Errorf("from file: %v", err)
	}
	if got, err := LoadMasterKey("", env(b64)); err != nil || got.ID() != m.ID() {
		t.Errorf("from environment: %v", err)
	}
	if _, err := LoadMasterKey("", env("")); !errors.Is(err, ErrNoMasterKey) {
		t.Errorf("neither: err = %v, want ErrNoMasterKey", err)
	}
	if _, err := LoadMasterKey(path, env(b64)); err == nil {
		t.Error("both a file and the environment: no error")
	}
	if _, err := LoadMasterKey("", env(string(m.key[:]))); err == nil {
		t.Error("raw bytes in the environment accepted; want base64 only")
	}
	if _, err := LoadMasterKey("", env("short")); err == nil || !strings.Contains(err.Error(), EnvMasterKey) {
		t.Errorf("bad environment value: err = %v, want one naming %s", err, EnvMasterKey)
	}
}
