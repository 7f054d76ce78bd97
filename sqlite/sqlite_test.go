package sqlite_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/internal/sqlstore"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/storetest"
)

var ctx = parley.NewContextWithCaller(context.Background(), parley.System)

// open returns a store in a new file in t's temporary directory, with a
// master key of its own.
func open(t *testing.T) parley.Store {
	t.Helper()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "parley.db"), sqlite.MasterKey(seal.GenerateMasterKey()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, open)
}

// testKey is the master key of the tests' databases: fixed, so that a
// child process (TestCrash) uses the same.
var testKey = func() *seal.MasterKey {
	k, err := seal.ParseMasterKey([]byte("parley sqlite tests' master key"[:seal.MasterKeySize-1] + "!"))
	if err != nil {
		panic(err)
	}
	return k
}()

// openAt opens the database at path with testKey or fails t.
func openAt(t *testing.T, path string, opts ...sqlite.Option) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(ctx, path, append([]sqlite.Option{sqlite.MasterKey(testKey)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// fileHash returns the SHA-256 of the file at path.
func fileHash(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

// rawExec runs statements on the file through a plain connection, as another
// program (or a newer Parley) would.
func rawExec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, s := range stmts {
		if _, err := raw.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// TestReopen checks that what one Open wrote, the next one reads, and that
// the file is in WAL mode.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	db, err := sqlite.Open(ctx, path, sqlite.MasterKey(testKey))
	if err != nil {
		t.Fatal(err)
	}
	storetest.NewWorld(t, db)
	before := storetest.Snapshot(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openAt(t, path)
	if d := cmp.Diff(before, storetest.Snapshot(t, db)); d != "" {
		t.Errorf("state after reopening (-before +after):\n%s", d)
	}
	if db.Path() != path {
		t.Errorf("Path = %q, want %q", db.Path(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if b[18] != 2 || b[19] != 2 { // file format version numbers: 2 means WAL
		t.Errorf("header bytes 18-19 = %d %d, want 2 2 (WAL)", b[18], b[19])
	}
}

// TestNewerVersion checks that a database written by a newer Parley is
// refused with a clear message and left byte for byte as it was, both when
// the version is in the file header and when only schema_migrations has it.
func TestNewerVersion(t *testing.T) {
	tests := []struct {
		name  string
		stmts []string
	}{
		{"header and table", []string{
			`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)`,
			`PRAGMA user_version = 9999`,
		}},
		{"table only", []string{
			`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "parley.db")
			db, err := sqlite.Open(ctx, path, sqlite.MasterKey(testKey))
			if err != nil {
				t.Fatal(err)
			}
			storetest.NewWorld(t, db)
			db.Close()
			rawExec(t, path, tt.stmts...)
			if _, err := os.Stat(path + "-wal"); err == nil {
				t.Fatal("a -wal file is left after closing; the hash would not cover all of the database")
			}
			before := fileHash(t, path)
			_, err = sqlite.Open(ctx, path, sqlite.MasterKey(testKey))
			known, _ := filepath.Glob("migrations/*.sql")
			want := fmt.Sprintf("database schema version 9999 is newer than this parley (knows up to %d); upgrade parley", len(known))
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("Open = %v, want an error saying %q", err, want)
			}
			if after := fileHash(t, path); after != before {
				t.Errorf("the refused database changed: SHA-256 %s before, %s after", before, after)
			}
		})
	}
}

// TestLocked holds the write lock from another connection for longer than
// the busy timeout: writes fail with EUNAVAILABLE and change nothing, reads
// go on, and writes work again once the lock is gone.
func TestLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	db := openAt(t, path, sqlite.BusyTimeout(50*time.Millisecond))
	w := storetest.NewWorld(t, db)
	before := storetest.Snapshot(t, db)

	other, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	writes := []struct {
		name string
		do   func() error
	}{
		{"create party", func() error { return db.CreateParty(ctx, &parley.Party{Name: "Malta", Kind: parley.PartyState}) }},
		{"transition", func() error {
			_, err := db.TransitionTrack(ctx, w.Track.ID, parley.TransitionRequest{To: parley.StatusPaused, Reason: "r"})
			return err
		}},
		{"update meeting", func() error {
			_, err := db.UpdateMeeting(ctx, w.Meeting.ID, parley.MeetingUpdate{Title: ptr("X")})
			return err
		}},
	}
	for _, wr := range writes {
		err := wr.do()
		if parley.ErrorCode(err) != parley.EUNAVAILABLE || !strings.Contains(parley.ErrorMessage(err), "locked by another process") {
			t.Errorf("%s while locked = %v, want EUNAVAILABLE saying the database is locked", wr.name, err)
		}
	}
	// Reads still work while another process writes (WAL).
	if d := cmp.Diff(before, storetest.Snapshot(t, db)); d != "" {
		t.Errorf("state after refused writes (-before +after):\n%s", d)
	}
	if _, err := conn.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateParty(ctx, &parley.Party{Name: "Malta", Kind: parley.PartyState}); err != nil {
		t.Errorf("write after the lock is released: %v", err)
	}
}

// TestReadOnly opens a database with the ReadOnly option: reads and
// VerifyAudit work, every write fails with EUNAVAILABLE and changes
// nothing, and no file is created or changed, with or without a server
// beside it. SQLite's mode=ro
// refuses writes even to root, who may write any file regardless of its
// permission bits.
func TestReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	db, err := sqlite.Open(ctx, path, sqlite.MasterKey(testKey))
	if err != nil {
		t.Fatal(err)
	}
	w := storetest.NewWorld(t, db)
	before := storetest.Snapshot(t, db)
	db.Close()
	hash := fileHash(t, path)
	files := dirFiles(t, filepath.Dir(path))

	ro := openAt(t, path, sqlite.ReadOnly())
	if _, err := ro.VerifyAudit(ctx, sqlstore.VerifyOptions{}); err != nil {
		t.Fatalf("VerifyAudit read-only: %v", err)
	}
	if d := cmp.Diff(before, storetest.Snapshot(t, ro)); d != "" {
		t.Errorf("state read through ReadOnly (-want +got):\n%s", d)
	}
	writes := []struct {
		name string
		do   func() error
	}{
		{"create party", func() error { return ro.CreateParty(ctx, &parley.Party{Name: "Malta", Kind: parley.PartyState}) }},
		{"transition", func() error {
			_, err := ro.TransitionTrack(ctx, w.Track.ID, parley.TransitionRequest{To: parley.StatusPaused, Reason: "r"})
			return err
		}},
		{"delete member", func() error {
			ms, err := ro.FindMembers(ctx, w.Track.ID)
			if err != nil {
				return err
			}
			return ro.DeleteMember(ctx, ms[0].ID)
		}},
	}
	for _, wr := range writes {
		err := wr.do()
		if parley.ErrorCode(err) != parley.EUNAVAILABLE || !strings.Contains(parley.ErrorMessage(err), "read-only") {
			t.Errorf("%s on a read-only database = %v, want EUNAVAILABLE saying it is read-only", wr.name, err)
		}
	}
	if d := cmp.Diff(before, storetest.Snapshot(t, ro)); d != "" {
		t.Errorf("state after refused writes (-before +after):\n%s", d)
	}
	ro.Close()
	if after := fileHash(t, path); after != hash {
		t.Errorf("the read-only database changed")
	}
	if after := dirFiles(t, filepath.Dir(path)); !slices.Equal(after, files) {
		t.Errorf("files beside the database: %v before a read-only open, %v after", files, after)
	}

	// Beside a running server, it reads through the server's log and
	// leaves every file as the server has it.
	server := openAt(t, path, sqlite.Lock(sqlite.LockShared))
	if err := server.CreateParty(ctx, &parley.Party{Name: "Malta", Kind: parley.PartyState}); err != nil {
		t.Fatal(err)
	}
	files = dirFiles(t, filepath.Dir(path))
	hash = fileHash(t, path)
	ro = openAt(t, path, sqlite.ReadOnly())
	if _, err := ro.VerifyAudit(ctx, sqlstore.VerifyOptions{}); err != nil {
		t.Fatalf("VerifyAudit read-only beside a server: %v", err)
	}
	if _, err := ro.FindPartyByID(ctx, 5); err != nil {
		t.Errorf("the party the server just wrote, read through its log: %v", err)
	}
	ro.Close()
	if after := fileHash(t, path); after != hash {
		t.Errorf("the read-only open changed the database beside a server")
	}
	if after := dirFiles(t, filepath.Dir(path)); !slices.Equal(after, files) {
		t.Errorf("files beside the database: %v before a read-only open, %v after", files, after)
	}
	server.Close()

	// A missing file is refused, never created.
	missing := filepath.Join(t.TempDir(), "missing.db")
	if _, err := sqlite.Open(ctx, missing, sqlite.ReadOnly(), sqlite.MasterKey(testKey)); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("read-only open of a missing file = %v, want it refused", err)
	}
	if got := dirFiles(t, filepath.Dir(missing)); len(got) != 0 {
		t.Errorf("a read-only open of a missing file created %v", got)
	}
}

// dirFiles lists the names of the files in dir.
func dirFiles(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// TestReadOnlyFile opens a file this process may not write. Permission bits
// do not stop root, so as root the test makes the file immutable
// (chattr +i), which stops root too, and skips if it cannot.
func TestReadOnlyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	db, err := sqlite.Open(ctx, path, sqlite.MasterKey(testKey))
	if err != nil {
		t.Fatal(err)
	}
	storetest.NewWorld(t, db)
	db.Close()
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
			t.Skipf("running as root and chattr +i failed (%v: %s); root ignores permission bits, so there is no read-only file to test", err, out)
		}
		t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
	} else if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	_, err = sqlite.Open(ctx, path, sqlite.MasterKey(testKey))
	if err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("Open of a read-only file = %v, want an error saying it is read-only", err)
	}
}

// TestOpenErrors checks the messages for paths that cannot hold a database.
func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("These are meeting notes, not a database.\n", 10)), 0o644); err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(dir, "short")
	if err := os.WriteFile(short, []byte("SQLite"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"missing directory", filepath.Join(dir, "no", "such", "dir", "parley.db"), "does not exist"},
		{"not a database", notDB, "is not a SQLite database"},
		{"too short to be a database", short, "is not a SQLite database"},
		{"a directory", dir, "is a directory"},
		{"no path", "", "path is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hash string
			if fi, err := os.Stat(tt.path); err == nil && !fi.IsDir() {
				hash = fileHash(t, tt.path)
			}
			_, err := sqlite.Open(ctx, tt.path, sqlite.MasterKey(testKey))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Open = %v, want an error saying %q", err, tt.want)
			}
			if hash != "" && fileHash(t, tt.path) != hash {
				t.Error("the refused file changed")
			}
		})
	}
	// An empty file is an empty database.
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	db := openAt(t, empty)
	if ok, err := db.Empty(ctx); err != nil || !ok {
		t.Errorf("Empty = %v, %v on a new database in an empty file", ok, err)
	}
}

func ptr[T any](v T) *T { return &v }

// TestCloseDuringWrites closes the store while writers are busy: every write
// either succeeds or fails with EUNAVAILABLE, none hangs, and every write
// that succeeded is in the file.
func TestCloseDuringWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	db, err := sqlite.Open(ctx, path, sqlite.MasterKey(testKey))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				name := fmt.Sprintf("Party %d-%d", g, i)
				err := db.CreateParty(ctx, &parley.Party{Name: name, Kind: parley.PartyDelegation})
				if err != nil {
					if parley.ErrorCode(err) != parley.EUNAVAILABLE {
						t.Errorf("write during Close: %v", err)
					}
					return
				}
				mu.Lock()
				acked = append(acked, name)
				mu.Unlock()
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	db = openAt(t, path)
	stored := partyNames(t, db)
	if len(stored) != len(acked) {
		t.Errorf("%d parties stored, %d acknowledged", len(stored), len(acked))
	}
	for _, name := range acked {
		if !stored[name] {
			t.Errorf("acknowledged party %q is missing", name)
		}
	}
}

// partyNames returns the names of all parties in db, page by page.
func partyNames(t *testing.T, db *sqlite.DB) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	for page := (parley.Page{Limit: parley.MaxLimit}); ; page.Offset += page.Limit {
		parties, _, err := db.FindParties(ctx, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range parties {
			names[p.Name] = true
		}
		if len(parties) < page.Limit {
			return names
		}
	}
}

// crashChildEnv makes the test binary a child that writes until killed.
const crashChildEnv = "PARLEY_SQLITE_CRASH_CHILD"

// TestCrash kills a process with kill -9 in the middle of a burst of
// concurrent writes (group commit at work) and checks that every write it
// acknowledged is in the database when it is opened again.
func TestCrash(t *testing.T) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path)
		return
	}
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	path := filepath.Join(t.TempDir(), "parley.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrash$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	sc := bufio.NewScanner(out)
	for sc.Scan() && len(acked) < 500 {
		if name, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked = append(acked, name)
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	for sc.Scan() { // acknowledgements written before the kill
		if name, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked = append(acked, name)
		}
	}
	cmd.Wait()
	if len(acked) < 500 {
		t.Fatalf("the child acknowledged only %d writes before it ended", len(acked))
	}
	db := openAt(t, path)
	stored := partyNames(t, db)
	for _, name := range acked {
		if !stored[name] {
			t.Errorf("acknowledged party %q is missing after the crash", name)
		}
	}
	t.Logf("%d writes acknowledged before the kill, %d stored", len(acked), len(stored))
}

// crashChild writes parties from 8 goroutines and prints each one after
// CreateParty returns, until it is killed.
func crashChild(path string) {
	db, err := sqlite.Open(ctx, path, sqlite.MasterKey(testKey))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var mu sync.Mutex
	for g := 0; g < 8; g++ {
		go func() {
			for i := 0; ; i++ {
				name := fmt.Sprintf("Party %d-%d", g, i)
				if err := db.CreateParty(ctx, &parley.Party{Name: name, Kind: parley.PartyDelegation}); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				mu.Lock()
				fmt.Printf("ack %s\n", name)
				mu.Unlock()
			}
		}()
	}
	select {}
}
