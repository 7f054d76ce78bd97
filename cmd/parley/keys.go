package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/postgres"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
)

// defaultKeyFileName is the master key file beside a SQLite database.
const defaultKeyFileName = "parley.key"

func init() {
	register(&command{
		Name:    "keys",
		Summary: "create or rotate the master key",
		Usage: `Usage:
  parley keys init [--key-file F]
  parley keys rotate --key-file OLD --new-key-file NEW [--db D]

The master key wraps each track's data key; it is never stored in the
database, which records only its id. Keep the key file (mode 0600) apart
from the database's backups.

init creates a new key file (default ./parley.key); it never overwrites.

rotate creates NEW, re-wraps every data key and the store's own secrets
(its row key, its checkpoint signer) from OLD to NEW in one transaction
(nothing is re-encrypted; checkpoints exported before stay verifiable with
the same verifier key) and records NEW's id. It refuses while a server
holds the database: stop it first. OLD is left in place: copies of the
database made before the rotation (backups, snapshots) open with OLD only,
so destroying OLD makes them useless — do so once they have aged out, or
at once to retire them.

Examples:
  parley keys init --key-file /etc/parley/parley.key
  parley keys rotate --key-file parley.key --new-key-file parley.key.new --db parley.db`,
		Run: runKeys,
	})
}

func runKeys(ctx context.Context, env *Env, args []string) error {
	ctx = asSystem(ctx)
	c := commands["keys"]
	if c.SubcommandHelp(env, args) {
		return errHelp
	}
	if len(args) == 0 {
		return usagef("want init or rotate")
	}
	fs := c.FlagSet(env)
	keyFile := fs.String("key-file", defaultKeyFileName, "master key `file`")
	switch args[0] {
	case "init":
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		if err := seal.WriteKeyFile(*keyFile, seal.GenerateMasterKey()); err != nil {
			return fmt.Errorf("create the key file: %w", err)
		}
		fmt.Fprintf(env.Stdout, "Created the master key file %s (mode 0600). Keep it safe and apart from the database's backups.\n", *keyFile)
		return nil
	case "rotate":
		newFile := fs.String("new-key-file", "", "`file` to create for the new master key")
		db := fs.String("db", defaultDB, "SQLite database `file`, or a postgres:// URL")
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		if *newFile == "" {
			return usagef("--new-key-file is required")
		}
		return rotateKeys(ctx, env, *db, *keyFile, *newFile)
	}
	return usagef("unknown keys command %q (want init or rotate)", args[0])
}

func rotateKeys(ctx context.Context, env *Env, db, oldFile, newFile string) error {
	old, err := seal.LoadKeyFile(oldFile)
	if err != nil {
		return fmt.Errorf("load the old key: %w", err)
	}
	store, err := openStore(ctx, db, old, storeMaintain)
	if err != nil {
		return err
	}
	defer store.Close()
	next := seal.GenerateMasterKey()
	if err := seal.WriteKeyFile(newFile, next); err != nil {
		return fmt.Errorf("create the new key file: %w", err)
	}
	r, ok := store.(interface {
		RotateMasterKey(ctx context.Context, old, new *seal.MasterKey) error
	})
	if !ok {
		os.Remove(newFile)
		return errors.New("this store cannot rotate keys")
	}
	if err := r.RotateMasterKey(ctx, old, next); err != nil {
		os.Remove(newFile) // nothing was wrapped by it
		return fmt.Errorf("rotate: %w", err)
	}
	fmt.Fprintf(env.Stdout, "Rotated the master key: the keys of %s are now wrapped by %s (%s).\n", redactDSN(db), newFile, next.ID())
	fmt.Fprintf(env.Stdout, "Use --key-file %s from now on. %s (%s) still opens every copy of the database made before now (backups, snapshots): destroy it to make them useless, once you no longer need them.\n", newFile, oldFile, old.ID())
	return nil
}

func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// openStoreWithKey opens the database that --db names — a SQLite file, or
// a postgres:// or postgresql:// URL — with the master key, for reading and
// writing, beside a running server; with a nil key, it can report only
// the id of the master key it records.
func openStoreWithKey(ctx context.Context, db string, key *seal.MasterKey) (parley.Store, error) {
	return openStore(ctx, db, key, storeWrite)
}

// storeMode says how a command opens the store.
type storeMode int

const (
	// storeWrite reads and writes beside a running server.
	storeWrite storeMode = iota
	// storeServe is the server's: it holds the store's lock, shared.
	storeServe
	// storeMaintain is for what must not run beside a server (keys
	// rotate, shred): it holds the store's lock, exclusive, and is refused
	// while a server holds it.
	storeMaintain
	// storeReadOnly writes nothing, ever: no file is created, nothing is
	// migrated, bound or signed (audit verify, audit checkpoint).
	storeReadOnly
)

// openStore opens the database that --db names with the master key in
// mode.
func openStore(ctx context.Context, db string, key *seal.MasterKey, mode storeMode) (parley.Store, error) {
	if isPostgres(db) {
		var opts []postgres.Option
		if key != nil {
			opts = append(opts, postgres.MasterKey(key))
		}
		switch mode {
		case storeServe:
			opts = append(opts, postgres.Lock(postgres.LockShared))
		case storeMaintain:
			opts = append(opts, postgres.Lock(postgres.LockExclusive))
		case storeReadOnly:
			opts = append(opts, postgres.ReadOnly())
		}
		s, err := postgres.Open(ctx, db, opts...)
		if err != nil {
			return nil, fmt.Errorf("open the PostgreSQL database %s: %w", redactDSN(db), err)
		}
		return s, nil
	}
	var opts []sqlite.Option
	if key != nil {
		opts = append(opts, sqlite.MasterKey(key))
	}
	switch mode {
	case storeServe:
		opts = append(opts, sqlite.Lock(sqlite.LockShared))
	case storeMaintain:
		opts = append(opts, sqlite.Lock(sqlite.LockExclusive))
	case storeReadOnly:
		opts = append(opts, sqlite.ReadOnly())
	}
	s, err := sqlite.Open(ctx, db, opts...)
	if err != nil {
		return nil, fmt.Errorf("open the database %s: %w", db, err)
	}
	return s, nil
}

// findMasterKey finds the master key for db: the key file if given, else
// $PARLEY_MASTER_KEY, else (SQLite only) parley.key beside the database.
// A missing key file is created — and its place printed on out, never the
// key — if the database holds no sealed data (it records no master key);
// otherwise the missing key is refused.
func findMasterKey(ctx context.Context, out io.Writer, getenv func(string) string, db, keyFile string) (*seal.MasterKey, error) {
	return lookUpMasterKey(ctx, out, getenv, db, keyFile, true)
}

// findExistingMasterKey is findMasterKey for a command that writes
// nothing: a missing key file is an error, never created, and the
// database is not opened to look for a recorded key.
func findExistingMasterKey(ctx context.Context, getenv func(string) string, db, keyFile string) (*seal.MasterKey, error) {
	return lookUpMasterKey(ctx, io.Discard, getenv, db, keyFile, false)
}

func lookUpMasterKey(ctx context.Context, out io.Writer, getenv func(string) string, db, keyFile string, create bool) (*seal.MasterKey, error) {
	keyFile, key, err := locateMasterKey(getenv, db, keyFile)
	if key != nil || err != nil {
		return key, err
	}
	key, err = seal.LoadMasterKey(keyFile, func(string) string { return "" })
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		if err != nil {
			return nil, fmt.Errorf("load the master key: %w", err)
		}
		return key, nil
	}
	if !create {
		return nil, fmt.Errorf("the master key file %s is missing; give --key-file or set %s", keyFile, seal.EnvMasterKey)
	}
	recorded, err := recordedKeyID(ctx, db)
	if err != nil {
		return nil, err
	}
	if recorded != "" {
		return nil, fmt.Errorf("the master key file %s is missing but the database %s holds data sealed under master key %s; "+
			"restore the key file (or give --key-file or %s); refusing to start", keyFile, redactDSN(db), recorded, seal.EnvMasterKey)
	}
	key = seal.GenerateMasterKey()
	if err := seal.WriteKeyFile(keyFile, key); err != nil {
		return nil, fmt.Errorf("create the master key file: %w", err)
	}
	fmt.Fprintf(out, "Created the master key file %s (mode 0600); keep it safe and back it up apart from the database.\n", keyFile)
	return key, nil
}

// defaultKeyPath is the key file beside a SQLite database.
func defaultKeyPath(db string) string {
	return filepath.Join(filepath.Dir(db), defaultKeyFileName)
}

// recordedKeyID returns the master key id the database records, "" for a
// database that does not exist yet or holds no sealed data.
func recordedKeyID(ctx context.Context, db string) (seal.KeyID, error) {
	if !isPostgres(db) {
		if _, err := os.Stat(db); errors.Is(err, fs.ErrNotExist) {
			return "", nil
		}
	}
	store, err := openStoreWithKey(ctx, db, nil)
	if err != nil {
		return "", err
	}
	defer store.Close()
	r, ok := store.(interface {
		MasterKeyID(ctx context.Context) (seal.KeyID, error)
	})
	if !ok {
		return "", errors.New("this store records no master key")
	}
	return r.MasterKeyID(ctx)
}
