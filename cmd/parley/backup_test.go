package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/internal/sqlcopy"
	"github.com/parley-talks/parley/postgres"
	"github.com/parley-talks/parley/seal"
)

// postgresSchema creates a fresh schema on the server PARLEY_TEST_POSTGRES
// names (skipping t if unset), drops it at the end, and returns a DSN whose
// search_path is that schema.
func postgresSchema(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("PARLEY_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("PostgreSQL tests are off; set PARLEY_TEST_POSTGRES, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := fmt.Sprintf("parley_backup_%d", time.Now().UnixNano())
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`) })
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

// dump returns every row of every table of the SQLite file path (but the
// schema migrations, which record when they ran), in primary-key order,
// as text.
func dump(t *testing.T, path string) map[string][]string {
	t.Helper()
	db, err := sql.Open("sqlite", rawSQLiteDSN(path, false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tables, err := sqlcopy.Tables(context.Background(), db, sqlcopy.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, tb := range tables {
		if tb.Name == sqlcopy.Migrations {
			continue
		}
		rows, err := db.Query(`SELECT * FROM "` + tb.Name + `" ORDER BY rowid`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[tb.Name] = append(out[tb.Name], fmt.Sprintf("%q", vals))
		}
		rows.Close()
	}
	return out
}

// sameRows checks that restored holds backup's rows, every one unchanged.
// Opening a store with its key signs a checkpoint for a tail of the ledger
// that a snapshot caught unsigned, so the restored database may hold more
// signed checkpoints than the backup, and the ledger's bookkeeping row
// says so.
func sameRows(t *testing.T, backup, restored map[string][]string) {
	t.Helper()
	bc, rc := backup["audit_checkpoints"], restored["audit_checkpoints"]
	if len(rc) < len(bc) || !cmp.Equal(bc, rc[:len(bc)]) {
		t.Errorf("the backup's signed checkpoints are not those of the restored database:\n%v\n%v", bc, rc)
	}
	for _, m := range []map[string][]string{backup, restored} {
		delete(m, "audit_checkpoints")
		delete(m, "audit_log")
	}
	if diff := cmp.Diff(backup, restored); diff != "" {
		t.Errorf("the restored database differs from the backup (-backup +restored):\n%s", diff)
	}
}

func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// A backup taken while the server serves and an administrator writes is
// one consistent instant: restored, it verifies, and it holds what the
// source held at some instant, every row of it.
func TestBackupWhileServingRestoresAndVerifies(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "parley.db")
	r, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--db", db, "--demo", "--demo-password", testAdminPassword)
	defer r.stop(t)

	// Writes go on during the backups: accounts added by another process.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if code, _, errs := runWithStdin(t, "a sturdy password\n", "user", "add", "--db", db, fmt.Sprintf("writer%d@example.org", i)); code != 0 {
				t.Errorf("user add during the backup: %s", errs)
				return
			}
		}
	}()
	backup := filepath.Join(dir, "backups", "parley-1.db")
	os.Mkdir(filepath.Dir(backup), 0o755)
	code, out, errs := runCLI(t, "backup", backup, "--db", db)
	var stdout bytes.Buffer
	e := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &bytes.Buffer{}, Getenv: func(string) string { return "" }}
	streamCode := Run(context.Background(), e, []string{"backup", "--db", db, "-"})
	close(stop)
	wg.Wait()
	if code != 0 || !strings.Contains(out, "mode 0600") {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errs)
	}
	if fileMode(t, backup) != 0o600 {
		t.Errorf("the backup's mode is %v", fileMode(t, backup))
	}
	if streamCode != 0 || !bytes.HasPrefix(stdout.Bytes(), sqliteHeader) {
		t.Fatalf("backup to standard output: exit %d, %d bytes", streamCode, stdout.Len())
	}
	if entries, _ := os.ReadDir(filepath.Dir(backup)); len(entries) != 1 {
		t.Errorf("the backup left files beside it: %v", entries)
	}

	key := filepath.Join(dir, "parley.key")
	restored := filepath.Join(dir, "restored", "parley.db")
	os.Mkdir(filepath.Dir(restored), 0o700)
	code, out, errs = runCLI(t, "restore", "--db", restored, "--key-file", key, backup)
	if code != 0 || !strings.Contains(out, "The audit verification passed") {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errs)
	}
	if fileMode(t, restored) != 0o600 {
		t.Errorf("the restored database's mode is %v", fileMode(t, restored))
	}
	sameRows(t, dump(t, backup), dump(t, restored))

	// The stream restores too, from standard input.
	fromStdin := filepath.Join(dir, "restored", "from-stdin.db")
	var rout, rerr bytes.Buffer
	e = &Env{Stdin: &stdout, Stdout: &rout, Stderr: &rerr, Getenv: func(string) string { return "" }}
	if code := Run(context.Background(), e, []string{"restore", "--db", fromStdin, "--key-file", key, "-"}); code != 0 {
		t.Fatalf("restore from standard input: exit %d\n%s%s", code, rout.String(), rerr.String())
	}

	// The restored database serves, with the demo's accounts.
	r2, url := startServe(t, nil, "--addr", "127.0.0.1:0", "--db", restored, "--key-file", key)
	signInHTTP(t, url, "mediator@demo.parley", testAdminPassword)
	r2.stop(t)
}

// Backups and restores that cannot be done correctly are refused and
// leave nothing behind.
func TestBackupRestoreRefusals(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "parley.db")
	key := filepath.Join(dir, "parley.key")
	r, _ := startServe(t, nil, "--addr", "127.0.0.1:0", "--db", db, "--demo", "--demo-password", testAdminPassword)
	r.stop(t)
	backup := filepath.Join(dir, "backup.db")
	if code, _, errs := runCLI(t, "backup", "--db", db, backup); code != 0 {
		t.Fatal(errs)
	}
	otherKey := filepath.Join(dir, "other.key")
	if err := seal.WriteKeyFile(otherKey, seal.GenerateMasterKey()); err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(dir, "tampered.db")
	if code, _, errs := runCLI(t, "backup", "--db", db, tampered); code != 0 {
		t.Fatal(errs)
	}
	edit, err := sql.Open("sqlite", rawSQLiteDSN(tampered, true))
	if err != nil {
		t.Fatal(err)
	}
	// A sealed profile's ciphertext changed behind the application's back.
	if _, err := edit.Exec(`UPDATE profiles SET content = CAST(upper(hex(content)) AS BLOB) WHERE rowid = (SELECT min(rowid) FROM profiles)`); err != nil {
		t.Fatal(err)
	}
	edit.Close()
	notDB := filepath.Join(dir, "notes.txt")
	os.WriteFile(notDB, []byte("not a database"), 0o600)

	for _, tt := range []struct {
		name   string
		args   []string
		code   int
		want   string
		absent string // a file that must not exist afterwards
	}{
		{"backup of a missing database", []string{"backup", "--db", filepath.Join(dir, "typo.db"), filepath.Join(dir, "x.db")}, 1, "typo.db does not exist", filepath.Join(dir, "typo.db")},
		{"backup over a file", []string{"backup", "--db", db, backup}, 1, "exists; refusing to overwrite", ""},
		{"backup without an output", []string{"backup", "--db", db}, 2, "want one output file", ""},
		{"restore over a database", []string{"restore", "--db", db, "--key-file", key, backup}, 1, "never overwrites", ""},
		{"restore with another key", []string{"restore", "--db", filepath.Join(dir, "r1.db"), "--key-file", otherKey, backup}, 1, "master key", filepath.Join(dir, "r1.db")},
		{"restore without the key", []string{"restore", "--db", filepath.Join(dir, "sub", "r2.db"), backup}, 1, "", filepath.Join(dir, "sub", "r2.db")},
		{"restore of an edited backup", []string{"restore", "--db", filepath.Join(dir, "r3.db"), "--key-file", key, tampered}, 1, "does not verify", filepath.Join(dir, "r3.db")},
		{"restore of something else", []string{"restore", "--db", filepath.Join(dir, "r4.db"), "--key-file", key, notDB}, 1, "not a Parley backup", filepath.Join(dir, "r4.db")},
		{"restore without a target", []string{"restore", "--key-file", key, backup}, 2, "--db is required", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d (want %d), stderr %q (want %q), stdout %q", code, tt.code, errs, tt.want, out)
			}
			if tt.absent != "" {
				if _, err := os.Stat(tt.absent); err == nil {
					t.Errorf("%s was left behind", tt.absent)
				}
			}
		})
	}
	// No working files are left in the folders either.
	for _, d := range []string{dir, filepath.Join(dir, "sub")} {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".parley-") {
				t.Errorf("left behind: %s", filepath.Join(d, e.Name()))
			}
		}
	}
}

// PostgreSQL backs up through the store's own export (a SQLite file of
// the same schema, copied from one snapshot) and restores from it; a
// round trip PostgreSQL → file → PostgreSQL → file changes no row.
func TestBackupRestorePostgres(t *testing.T) {
	ctx := context.Background()
	src := postgresSchema(t)
	dst := postgresSchema(t)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "parley.key")
	key := seal.GenerateMasterKey()
	if err := seal.WriteKeyFile(keyFile, key); err != nil {
		t.Fatal(err)
	}
	store, err := postgres.Open(ctx, src, postgres.MasterKey(key))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(asSystem(ctx), store, testAdminPassword); err != nil {
		t.Fatal(err)
	}
	store.Close()

	first := filepath.Join(dir, "first.db")
	if code, out, errs := runCLI(t, "backup", "--db", src, first); code != 0 || !strings.Contains(out, "audit ledger entries") {
		t.Fatalf("backup of PostgreSQL: exit %d\n%s%s", code, out, errs)
	}
	if fileMode(t, first) != 0o600 {
		t.Errorf("mode %v", fileMode(t, first))
	}
	// Into a fresh PostgreSQL schema…
	if code, out, errs := runCLI(t, "restore", "--db", dst, "--key-file", keyFile, first); code != 0 || !strings.Contains(out, "audit verification passed") {
		t.Fatalf("restore into PostgreSQL: exit %d\n%s%s", code, out, errs)
	}
	second := filepath.Join(dir, "second.db")
	if code, _, errs := runCLI(t, "backup", "--db", dst, second); code != 0 {
		t.Fatalf("backup of the restored schema: %s", errs)
	}
	sameRows(t, dump(t, first), dump(t, second))
	// …and into SQLite.
	if code, out, errs := runCLI(t, "restore", "--db", filepath.Join(dir, "restored.db"), "--key-file", keyFile, first); code != 0 {
		t.Fatalf("restore into SQLite: exit %d\n%s%s", code, out, errs)
	}
	// The restored PostgreSQL store numbers new rows after the copied ones.
	restored, err := postgres.Open(ctx, dst, postgres.MasterKey(key))
	if err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runEnv(t, map[string]string{"PARLEY_MASTER_KEY": strings.TrimSpace(string(key.Encode()))}, "another sturdy password\n",
		"user", "add", "--db", dst, "new@example.org"); code != 0 {
		t.Errorf("a new account in the restored schema: %s", errs)
	}
	restored.Close()

	// A schema that holds data is refused, and keeps its data.
	code, _, errs := runCLI(t, "restore", "--db", dst, "--key-file", keyFile, first)
	if code != 1 || !strings.Contains(errs, "already holds data") {
		t.Errorf("restore into a schema with data: exit %d, %s", code, errs)
	}
	third := filepath.Join(dir, "third.db")
	if code, _, errs := runCLI(t, "backup", "--db", dst, third); code != 0 {
		t.Fatal(errs)
	}
	if n := len(dump(t, third)["users"]); n != len(dump(t, first)["users"])+1 {
		t.Errorf("the refused restore changed the schema: %d users", n)
	}

	// A failed verification empties the schema again.
	empty := postgresSchema(t)
	edit, err := sql.Open("sqlite", rawSQLiteDSN(first, true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := edit.Exec(`UPDATE profiles SET content = CAST(upper(hex(content)) AS BLOB) WHERE rowid = (SELECT min(rowid) FROM profiles)`); err != nil {
		t.Fatal(err)
	}
	edit.Close()
	if code, _, errs := runCLI(t, "restore", "--db", empty, "--key-file", keyFile, first); code != 1 || !strings.Contains(errs, "does not verify") {
		t.Fatalf("restore of an edited backup into PostgreSQL: exit %d, %s", code, errs)
	}
	raw, err := sql.Open("pgx", empty)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	tables, err := sqlcopy.Tables(ctx, raw, sqlcopy.PostgreSQL)
	if err != nil || len(tables) != 0 {
		var names []string
		for _, tb := range tables {
			names = append(names, tb.Name)
		}
		sort.Strings(names)
		t.Errorf("after a failed restore the schema holds %v (%v)", names, err)
	}
}
