package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
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
		name:    "keys",
		summary: "create or rotate the master key",
		usage: `Usage:
  parley keys init [--key-file F]
  parley keys rotate --key-file OLD --new-key-file NEW [--db D]

The master key wraps each track's data key; it is never stored in the
database, which records only its id. Keep the key file (mode 0600) apart
from the database's backups.

init creates a new key file (default ./parley.key); it never overwrites.

rotate creates NEW, re-wraps every data key from OLD to NEW in one
transaction (sealed data is not re-encrypted) and records NEW's id. OLD is
left in place: destroy it once every backup made with it has aged out.

Examples:
  parley keys init --key-file /etc/parley/parley.key
  parley keys rotate --key-file parley.key --new-key-file parley.key.new --db parley.db`,
		run: runKeys,
	})
}

func runKeys(ctx context.Context, env *Env, args []string) error {
	ctx = asSystem(ctx)
	c := commands["keys"]
	if c.subcommandHelp(env, args) {
		return errHelp
	}
	if len(args) == 0 {
		return usagef("want init or rotate")
	}
	fs := c.flagSet(env)
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
	store, err := openStoreWithKey(ctx, db, old)
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
	fmt.Fprintf(env.Stdout, "Rotated the master key: the data keys of %s are now wrapped by %s (%s).\n", redactDSN(db), newFile, next.ID())
	fmt.Fprintf(env.Stdout, "Use --key-file %s from now on. %s (%s) is no longer needed: destroy it once every backup made with it is gone.\n", newFile, oldFile, old.ID())
	return nil
}

func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// openStoreWithKey opens the database that --db names — a SQLite file, or
// a postgres:// or postgresql:// URL — with the master key; with a nil key,
// sealed records cannot be read or written.
func openStoreWithKey(ctx context.Context, db string, key *seal.MasterKey) (parley.Store, error) {
	if isPostgres(db) {
		var opts []postgres.Option
		if key != nil {
			opts = append(opts, postgres.MasterKey(key))
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
