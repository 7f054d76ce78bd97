//go:build unix

package sqlite_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/storetest"
)

// TestFileModes: the database and its write-ahead log and shared-memory
// files are created readable by their owner only, whatever the umask, and
// an older database whose files others may read is tightened when it is
// opened for writing; so is the lock file beside it.
func TestFileModes(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	check := func(path string) {
		t.Helper()
		for _, p := range []string{path, path + "-wal", path + "-shm", path + sqlite.LockSuffix} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
			}
		}
	}
	path := filepath.Join(t.TempDir(), "parley.db")
	db := openAt(t, path, sqlite.Lock(sqlite.LockShared))
	storetest.NewWorld(t, db)
	check(path)
	db.Close()
	for _, p := range []string{path, path + sqlite.LockSuffix} {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db = openAt(t, path, sqlite.Lock(sqlite.LockShared))
	if err := db.CreateParty(ctx, &parley.Party{Name: "Malta", Kind: parley.PartyState}); err != nil {
		t.Fatal(err)
	}
	// The database, the lock and the write-ahead log and shared memory
	// made since are all the owner's alone again.
	check(path)
	db.Close()
}
