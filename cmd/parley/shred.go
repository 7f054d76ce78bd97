package main

import (
	"context"
	"fmt"
	"strconv"
)

func init() {
	register(&command{
		name:    "shred",
		summary: "delete a track's data key, erasing its sealed content for good",
		usage: `Usage: parley shred [--db D] [--key-file F] --yes TRACK_ID

Deletes the data key of one track. Every sealed record of the track — its
profiles, minutes and caucus notes — can never be opened again, by anyone,
from the database or from any backup (crypto-shredding). The track's map
(title, status, history, meetings) stays, and the ledger records the shred.
For SQLite, earlier copies of the key are cleared from the database file and
its write-ahead log. Back up first if in doubt: this cannot be undone.

Examples:
  parley shred --db parley.db --yes 6
  parley shred --db postgres://parley@127.0.0.1:5432/parley --key-file /etc/parley/parley.key --yes 6`,
		run: runShred,
	})
}

func runShred(ctx context.Context, env *Env, args []string) error {
	ctx = asSystem(ctx)
	fs := commands["shred"].flagSet(env)
	db := fs.String("db", defaultDB, "SQLite database `file`, or a postgres:// URL")
	keyFile := fs.String("key-file", "", "master key `file` (default: $PARLEY_MASTER_KEY, else parley.key beside the database)")
	yes := fs.Bool("yes", false, "confirm that the track's sealed content is to be destroyed")
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
	key, err := findMasterKey(ctx, env.Stderr, env.Getenv, *db, *keyFile)
	if err != nil {
		return err
	}
	store, err := openStoreWithKey(ctx, *db, key)
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
	fmt.Fprintf(env.Stdout, "Shredded track %d (%s): its sealed content can no longer be opened.\n", t.ID, t.Title)
	return nil
}
