package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/parley-talks/parley/internal/sqlstore"
)

func init() {
	register(&command{
		name:    "audit",
		summary: "verify the audit ledger and the sealed data",
		usage: `Usage: parley audit verify [--db D] [--key-file F]

Recomputes the audit ledger's Merkle tree from the stored entries, checks
every signed checkpoint's signature and root, and opens every sealed field
with its record's associated data. It checks that each entry's track and
audience, which decide who may see it, are those recorded in the entry.
It names the first bad entry (index and object) or sealed record and exits
1 if anything does not verify.

Entries written before entries recorded their track and audience (version
1) still verify, but who may see them cannot be checked: the summary counts
them as legacy entries. That is not a failure.

The master key comes from --key-file, else $PARLEY_MASTER_KEY, else
parley.key beside a SQLite database.

Example:
  parley audit verify --db parley.db --key-file parley.key`,
		run: runAudit,
	})
}

func runAudit(ctx context.Context, env *Env, args []string) error {
	ctx = asSystem(ctx)
	if commands["audit"].subcommandHelp(env, args) {
		return errHelp
	}
	if len(args) == 0 || args[0] != "verify" {
		return usagef("want verify")
	}
	fs := commands["audit"].flagSet(env)
	db := fs.String("db", defaultDB, "SQLite database `file`, or a postgres:// URL")
	keyFile := fs.String("key-file", "", "master key `file` (default: $PARLEY_MASTER_KEY, else parley.key beside the database)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
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
	v, ok := store.(interface {
		VerifyAudit(ctx context.Context) (sqlstore.AuditReport, error)
	})
	if !ok {
		return errors.New("this store has no audit ledger")
	}
	rep, err := v.VerifyAudit(ctx)
	if err != nil {
		return fmt.Errorf("does not verify: %w", err)
	}
	fmt.Fprintf(env.Stdout, "ok: %d entries, root %s, %d signed checkpoints, %d sealed fields open",
		rep.Size, base64.StdEncoding.EncodeToString(rep.Root[:]), rep.Checkpoints, rep.Sealed)
	if rep.Shredded > 0 {
		fmt.Fprintf(env.Stdout, " (%d of shredded tracks skipped)", rep.Shredded)
	}
	if rep.Legacy > 0 {
		fmt.Fprintf(env.Stdout, "; %d legacy entries, written before entries recorded who may see them: their track and audience cannot be checked", rep.Legacy)
	}
	fmt.Fprintln(env.Stdout)
	return nil
}
