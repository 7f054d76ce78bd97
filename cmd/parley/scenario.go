package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/parley-talks/parley/internal/analysiscmd"
	"github.com/parley-talks/parley/negotiation/genius"
	"github.com/parley-talks/parley/web/action"
)

func init() {
	register(&command{
		Name:    "scenario",
		Summary: "export a track as GENIUS or NegMAS files, import such files",
		Usage: `Usage:
  parley scenario export [--db D] [--layout genius|negmas] [-o FILE.zip] TRACK-ID
  parley scenario import [--db D] [--title T] FILE.zip
  parley scenario put [--db D] TRACK-ID FILE.zip

A track's scenario — its themes as a GENIUS domain and each party's sealed
profile as a GENIUS utility file — zipped in GENIUS's layout (the files at
the root) or NegMAS's (one folder, as NegMAS's Scenario.load reads it).
GENIUS files carry weights, values, the reservation and the discount
factor, not red lines or core demands: each profile file says in a comment
what it leaves out.

"export" writes the zip to FILE.zip (-o) or standard output. "import"
creates a new track from a zip of either layout (or any folder of GENIUS
files: the domain is found by its root element): one theme per issue, one
party per profile file (the existing party of the file's name, or a new
delegation), one sealed profile each. "put" stores a zip's profiles on an
existing track whose themes the domain holds: each file becomes its
party's next profile version, red lines, core demands and notes kept; all
or none. A bad zip (a path leaving the archive, a zip bomb, a missing
domain or profile, wrong XML) is refused with the file it is about.

The command acts for the operator, on the database as "parley user" does:
it reads and writes every party's sealed profile. The web application's
download gives a delegate its own party's profile only.

--db and --key-file also come from $PARLEY_DB and $PARLEY_KEY_FILE or the
config file (--config). The database must exist.

Examples:
  parley scenario export --layout negmas -o energy.zip 1
  parley scenario import --title "Laptop (ANAC 2011)" laptop.zip
  parley scenario put 1 energy.zip`,
		Run: runScenario,
	})
}

func runScenario(ctx context.Context, env *Env, args []string) error {
	ctx = asSystem(ctx)
	c := commands["scenario"]
	if c.SubcommandHelp(env, args) {
		return errHelp
	}
	if len(args) == 0 {
		return usagef("missing subcommand (export, import or put)")
	}
	sub, args := args[0], args[1:]
	fs := c.FlagSet(env)
	dbf := defineDatabaseFlags(fs)
	layout := fs.String("layout", genius.LayoutGenius, "export: the zip's `layout`, genius (files at the root) or negmas (one folder)")
	out := fs.String("o", "", "export: write the zip to `file` (default: standard output)")
	title := fs.String("title", "", "import: the new track's `title` (default: the domain's name)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	want := map[string]int{"export": 1, "import": 1, "put": 2}
	n, ok := want[sub]
	if !ok {
		return usagef("unknown subcommand %q (want export, import or put)", sub)
	}
	if fs.NArg() != n {
		return usagef("scenario %s takes %d argument(s), not %d", sub, n, fs.NArg())
	}
	if *layout != genius.LayoutGenius && *layout != genius.LayoutNegMAS {
		return usagef("unknown --layout %q (genius or negmas)", *layout)
	}
	var trackID int64
	if sub != "import" {
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil || id <= 0 {
			return usagef("TRACK-ID must be a track's number, not %q", fs.Arg(0))
		}
		trackID = id
	}
	var zipped []byte
	if sub != "export" {
		var err error
		if zipped, err = analysiscmd.ReadZipFile(fs.Arg(fs.NArg() - 1)); err != nil {
			return err
		}
	}
	if err := dbf.apply(fs, env); err != nil {
		return err
	}
	store, err := openKeyedStore(ctx, env, dbf.db, dbf.keyFile)
	if err != nil {
		return err
	}
	defer store.Close()
	a := &action.Actions{Store: store}
	switch sub {
	case "export":
		z, err := a.ExportScenarioZip(ctx, trackID, *layout)
		if err != nil {
			return err
		}
		if *out == "" {
			_, err = env.Stdout.Write(z.Data)
			return err
		}
		if err := os.WriteFile(*out, z.Data, 0o600); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "Wrote %s: the domain and %d profile(s) (%v); red lines and core demands are not in GENIUS files.\n", *out, len(z.Parties), z.Parties)
		return nil
	case "import":
		res, err := a.ImportScenarioZip(ctx, zipped, *title)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Created track %d: %s\n", res.Track.ID, res.Track.Title)
		for _, p := range res.Parties {
			fmt.Fprintf(env.Stdout, "  %s → party %d%s\n", p.Profile, p.PartyID, map[bool]string{true: " (new)"}[p.Created])
		}
		return nil
	default:
		stored, err := a.PutScenarioZip(ctx, trackID, zipped)
		if err != nil {
			return err
		}
		for _, p := range stored {
			fmt.Fprintf(env.Stdout, "Stored %s as party %d's profile version %d\n", p.Profile, p.PartyID, p.Version)
		}
		return nil
	}
}
