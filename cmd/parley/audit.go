package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/internal/sqlstore"
)

func init() {
	register(&command{
		Name:    "audit",
		Summary: "verify the store against its ledger; export its signed checkpoint",
		Usage: `Usage:
  parley audit verify [--db D] [--key-file F] [--config FILE] [--since FILE]...
  parley audit checkpoint [--db D] [--key-file F] [--config FILE] [--out FILE]

verify checks the whole store behind the application's back, reading it
only: it opens the database read-only (a SQLite file is never created and
stays byte for byte as it was; PostgreSQL runs in read-only transactions),
migrates nothing, writes nothing and never signs. It

  - recomputes the audit ledger's Merkle tree from the stored entries and
    checks every signed checkpoint's signature and root, with the verifier
    computed from the checkpoint key the master key unwraps; the latest
    checkpoint must sign the whole log (an unsigned tail fails);
  - checks each entry's track and audience (who may see it) and the rows
    it records against the entry itself;
  - checks every row of the store against its MAC and against what the
    ledger last recorded for it: a row edited, rolled back to an earlier
    state, deleted, restored after its deletion, or never recorded is
    named;
  - opens every sealed field with its record's associated data.

A database copied back from an older state, whole and consistent, passes
these checks: only a checkpoint kept outside the database can tell. With
--since, verify proves (RFC 6962 consistency) that each kept checkpoint is
a prefix of the log, and fails if the database was rolled back behind it
or rewritten. Keep the checkpoints that "parley audit checkpoint" exports
off the host.

checkpoint writes the latest signed checkpoint of the whole log (a signed
note in the C2SP tlog-checkpoint format) to FILE, which must not exist (or
to standard output), and prints the verifier key it is signed with:
publish the key, keep the checkpoints. A rotation of the master key leaves
both unchanged.

Entries written before entries were salted and recorded their rows
(versions 1 and 2) verify; the summary counts them. That is not a failure.

The master key comes from --key-file, else $PARLEY_MASTER_KEY, else
parley.key beside a SQLite database; it is never created here. --db and
--key-file may come from serve's config file (--config).

Examples:
  parley audit verify --db parley.db --key-file parley.key
  parley audit checkpoint --db parley.db --out /media/usb/parley-2026-12-01.checkpoint
  parley audit verify --db parley.db --since /media/usb/parley-2026-12-01.checkpoint`,
		Run: runAudit,
	})
}

func runAudit(ctx context.Context, env *Env, args []string) error {
	ctx = asSystem(ctx)
	c := commands["audit"]
	if c.SubcommandHelp(env, args) {
		return errHelp
	}
	if len(args) == 0 || (args[0] != "verify" && args[0] != "checkpoint") {
		return usagef("want verify or checkpoint")
	}
	fs := c.FlagSet(env)
	dbf := defineDatabaseFlags(fs)
	var since []string
	out := ""
	if args[0] == "verify" {
		fs.Func("since", "a checkpoint `file` kept outside the database (parley audit checkpoint); may be repeated", func(v string) error {
			since = append(since, v)
			return nil
		})
	} else {
		fs.StringVar(&out, "out", "", "`file` to write the checkpoint to, which must not exist (default: standard output)")
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if err := dbf.apply(fs, env); err != nil {
		return err
	}
	key, err := findExistingMasterKey(ctx, env.Getenv, dbf.db, dbf.keyFile)
	if err != nil {
		return err
	}
	var kept [][]byte
	for _, f := range since {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("read the kept checkpoint: %w", err)
		}
		kept = append(kept, b)
	}
	store, err := openStore(ctx, dbf.db, key, storeReadOnly)
	if err != nil {
		return err
	}
	defer store.Close()
	if args[0] == "checkpoint" {
		return exportCheckpoint(ctx, env, store, out)
	}
	v, ok := store.(interface {
		VerifyAudit(ctx context.Context, opts sqlstore.VerifyOptions) (sqlstore.AuditReport, error)
	})
	if !ok {
		return errors.New("this store has no audit ledger")
	}
	rep, err := v.VerifyAudit(ctx, sqlstore.VerifyOptions{Since: kept})
	if err != nil {
		return fmt.Errorf("does not verify: %w", err)
	}
	fmt.Fprintf(env.Stdout, "ok: %d entries, root %s, the whole log signed; %d signed checkpoints; %d rows in %d tables as the ledger last recorded them; %d sealed fields open",
		rep.Size, base64.StdEncoding.EncodeToString(rep.Root[:]), rep.Checkpoints, rep.Rows, rep.Tables, rep.Sealed)
	if rep.Shredded > 0 {
		fmt.Fprintf(env.Stdout, " (%d of shredded tracks skipped)", rep.Shredded)
	}
	for i, c := range rep.Since {
		fmt.Fprintf(env.Stdout, "; consistent with the kept checkpoint of %d entries (%s)", c.Size, since[i])
	}
	if rep.Legacy > 0 {
		fmt.Fprintf(env.Stdout, "; %d legacy entries, written before entries were salted and recorded their rows", rep.Legacy)
		if rep.NoVisibility > 0 {
			fmt.Fprintf(env.Stdout, " (%d of them before they recorded who may see them)", rep.NoVisibility)
		}
	}
	fmt.Fprintln(env.Stdout)
	return nil
}

// exportCheckpoint writes the store's latest signed checkpoint to out (a
// new file) or standard output, and tells its verifier key.
func exportCheckpoint(ctx context.Context, env *Env, store parley.Store, out string) error {
	cp, err := store.LatestCheckpoint(ctx)
	if err != nil {
		return err
	}
	if out == "" {
		fmt.Fprint(env.Stdout, cp.Note)
		fmt.Fprintf(env.Stderr, "The checkpoint of %d entries is signed with the verifier key %s\n", cp.Size, cp.VerifierKey)
		return nil
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s exists; refusing to overwrite a kept checkpoint", out)
	}
	if err != nil {
		return fmt.Errorf("write the checkpoint: %w", err)
	}
	if _, err := f.WriteString(cp.Note); err != nil {
		f.Close()
		os.Remove(out)
		return fmt.Errorf("write the checkpoint: %w", err)
	}
	if err := errors.Join(f.Sync(), f.Close()); err != nil {
		os.Remove(out)
		return fmt.Errorf("write the checkpoint: %w", err)
	}
	fmt.Fprintf(env.Stdout, "Wrote the checkpoint of %d entries (root %s) to %s.\nIts verifier key: %s\nKeep the file off this host; check the database against it with: parley audit verify --since %s\n",
		cp.Size, cp.Root, out, cp.VerifierKey, strings.ReplaceAll(out, " ", `\ `))
	return nil
}
