package main

import (
	"context"
	"fmt"

	"github.com/parley-talks/parley/demo"
)

func init() {
	register(&command{
		Name:    "demo",
		Summary: "load the demo scenario, and with --scale years of talks, into a database",
		Usage: `Usage: parley demo [--db D] [--key-file F] [--password P] [--force] [--scale N]

Loads the demo scenario into a fresh database, as parley serve --demo does,
and exits. With --scale N it then adds the scale data set: N×100 tracks,
each with four years of history — 1,000 meetings (the last ten still to
come), 20 outside events, 4 status changes and 500 versions of its two
parties' profiles — every record through the store's API, with its ledger
entry. Scale 1 is 100,000 meetings and 50,000 profile versions; it takes a
few minutes on SQLite. A database that already holds the demo keeps it and
gets the scale data set added.

Examples:
  parley demo --db demo.db
  parley demo --db scale.db --scale 1
  parley demo --db postgres://parley@127.0.0.1:5432/parley --key-file parley.key --scale 1`,
		Run: runDemo,
	})
}

func runDemo(ctx context.Context, env *Env, args []string) (err error) {
	ctx = asSystem(ctx)
	fs := commands["demo"].FlagSet(env)
	var cfg serveConfig
	fs.StringVar(&cfg.db, "db", defaultDB, "SQLite database `file`, or a postgres:// URL")
	fs.StringVar(&cfg.keyFile, "key-file", "", "master key `file` (default: $PARLEY_MASTER_KEY, else parley.key beside the SQLite database, created for a new database)")
	fs.StringVar(&cfg.demoPassword, "password", "", "`password` of the demo accounts (default: random)")
	fs.BoolVar(&cfg.force, "force", false, "load the demo even if the database holds other data")
	scale := fs.Int("scale", 0, "then add the scale data set of `N`×100 tracks (1 to 1000)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *scale < 0 || *scale > 1000 {
		return usagef("--scale must be between 1 and 1000, not %d", *scale)
	}
	key, err := findMasterKey(ctx, env.Stdout, env.Getenv, cfg.db, cfg.keyFile)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg.db, key, storeWrite)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := store.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close the database: %w", cerr)
		}
	}()
	if err := loadDemo(ctx, env.Stdout, store, cfg); err != nil {
		return err
	}
	if *scale == 0 {
		return nil
	}
	sum, err := demo.LoadScale(ctx, store, demo.ScaleOf(*scale), env.Stdout)
	if err != nil {
		return fmt.Errorf("load the scale data set: %w", err)
	}
	fmt.Fprintf(env.Stdout, "Loaded the scale data set in %v: %s, %s, %s, %s, %s, %s.\n", sum.Took.Round(1e9),
		count(sum.Tracks, "track"), count(sum.Parties, "party"), count(sum.Meetings, "meeting"),
		count(sum.Events, "event"), count(sum.Transitions, "transition"), count(sum.ProfileVersions, "profile version"))
	return nil
}
