package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/parley-talks/parley/seal"
)

func init() {
	register(&command{
		Name:    "shred",
		Summary: "delete a track's data key, erasing its sealed content from the database",
		Usage: `Usage: parley shred [--db D] [--key-file F] [--retire-old-key] --yes TRACK_ID

Deletes the data key of one track. Every sealed record of the track — its
profiles, notes, proposals, texts, persons, cases, reports' sources and
evidence — can never be opened again from this database, by anyone. The
track's map (title, status, history, meetings) stays, and the ledger
records the shred. For SQLite, earlier copies of the key are cleared from
the database file and its write-ahead log. It refuses while a server holds
the database: stop it first.

Copies of the database made before the shred — backups, snapshots,
replicas — still hold the track's key, wrapped by the master key: whoever
holds such a copy and the master key can still open the track's content.

--retire-old-key makes every such copy useless: after the shred it rotates
the master key (parley keys rotate) and destroys the old one, overwriting
the key file with the new key. This makes EVERY copy of the database made
before now unreadable — all tracks', not only this one's — so take a new
backup afterwards if you keep backups. It needs the key in a file (not
$PARLEY_MASTER_KEY); any other copy of the old key must be destroyed by
hand. Back up first if in doubt: none of this can be undone.

Examples:
  parley shred --db parley.db --yes 6
  parley shred --db parley.db --retire-old-key --yes 6
  parley shred --db postgres://parley@127.0.0.1:5432/parley --key-file /etc/parley/parley.key --yes 6`,
		Run: runShred,
	})
}

func runShred(ctx context.Context, env *Env, args []string) error {
	ctx = asSystem(ctx)
	fs := commands["shred"].FlagSet(env)
	db := fs.String("db", defaultDB, "SQLite database `file`, or a postgres:// URL")
	keyFile := fs.String("key-file", "", "master key `file` (default: $PARLEY_MASTER_KEY, else parley.key beside the database)")
	yes := fs.Bool("yes", false, "confirm that the track's sealed content is to be destroyed")
	retire := fs.Bool("retire-old-key", false, "then rotate the master key and destroy the old one: every older copy of the database becomes unreadable")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("shred needs exactly one TRACK_ID")
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || id <= 0 {
		return usagef("TRACK_ID must be a positive number, not %q", fs.Arg(0))
	}
	if !*yes {
		return usagef("shredding cannot be undone; add --yes to confirm")
	}
	path := *keyFile
	if path == "" && env.Getenv != nil && env.Getenv(seal.EnvMasterKey) != "" {
		if *retire {
			return usagef("--retire-old-key needs the master key in a file, not in $%s: rotate with parley keys rotate and replace the variable's value", seal.EnvMasterKey)
		}
	} else if path == "" {
		path = defaultKeyPath(*db)
	}
	key, err := findExistingMasterKey(ctx, env.Getenv, *db, *keyFile)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, *db, key, storeMaintain)
	if err != nil {
		return err
	}
	defer store.Close()
	t, err := store.FindTrackByID(ctx, id)
	if err != nil {
		return err
	}
	if err := store.ShredTrack(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Shredded track %d (%s): its sealed content can no longer be opened from this database.\n", t.ID, t.Title)
	if !*retire {
		fmt.Fprintf(env.Stdout, "Copies of the database made before now (backups, snapshots) still hold the track's key, wrapped by the master key %s: with that key they still open it. "+
			"To make them useless, run with --retire-old-key (every older copy of every track becomes unreadable), or rotate the key (parley keys rotate) and destroy the old one.\n", key.ID())
		return nil
	}
	return retireKey(ctx, env, store, key, path, *db)
}

// retireKey rotates the store's master key from old, kept in the file at
// path, to a new one, then overwrites the file with the new key: the old
// key exists nowhere this command knows of any more.
func retireKey(ctx context.Context, env *Env, store interface{ Close() error }, old *seal.MasterKey, path, db string) error {
	r, ok := store.(interface {
		RotateMasterKey(ctx context.Context, old, new *seal.MasterKey) error
	})
	if !ok {
		return errors.New("this store cannot rotate keys")
	}
	tmp := path + ".new"
	next := seal.GenerateMasterKey()
	if err := seal.WriteKeyFile(tmp, next); err != nil {
		return fmt.Errorf("create the new key file: %w", err)
	}
	if err := r.RotateMasterKey(ctx, old, next); err != nil {
		os.Remove(tmp) // nothing was wrapped by it
		return fmt.Errorf("the track is shredded, but rotating the master key failed (older copies still open with %s): %w", old.ID(), err)
	}
	if err := destroyFile(path); err != nil {
		return fmt.Errorf("the master key is rotated to %s (%s), but destroying the old key file %s failed: %w; destroy it by hand", tmp, next.ID(), path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("the master key is rotated and the old one destroyed, but the new key is in %s: %w; use --key-file %s", tmp, err, tmp)
	}
	fmt.Fprintf(env.Stdout, "Rotated the master key of %s to %s and destroyed the old one (%s): %s now holds the new key. "+
		"Every copy of the database made before now is unreadable, for every track. Destroy any other copy of the old key, and take a new backup if you keep backups.\n",
		redactDSN(db), next.ID(), old.ID(), path)
	return nil
}

// destroyFile overwrites the file at path with random bytes, syncs it and
// removes it. (On a copy-on-write or wear-levelling disk the old blocks may
// survive the overwrite; the key file should live on an encrypted disk.)
func destroyFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	noise := make([]byte, fi.Size())
	rand.Read(noise)
	_, werr := f.WriteAt(noise, 0)
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		return err
	}
	return os.Remove(path)
}
