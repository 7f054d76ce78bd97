package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
)

func init() {
	register(&command{
		Name:    "token",
		Summary: "create, list and revoke API bearer tokens",
		Usage: `Usage:
  parley token create [--db D] --name N EMAIL   (prints the token once)
  parley token list [--db D] EMAIL
  parley token revoke [--db D] ID

An API token signs a script in as its user: send it as
"Authorization: Bearer <token>". It does not expire; revoke it when it is
no longer needed or may have leaked. Parley stores only its SHA-256, so the
token is printed once, when it is made, and never again.

Examples:
  parley token create --name "nightly export" ana@example.org
  parley token list ana@example.org
  parley token revoke 7`,
		Run: runToken,
	})
}

func runToken(ctx context.Context, env *Env, args []string) error {
	ctx = asSystem(ctx)
	c := commands["token"]
	if c.SubcommandHelp(env, args) {
		return errHelp
	}
	if len(args) == 0 {
		return usagef("missing subcommand (create, list or revoke)")
	}
	sub, args := args[0], args[1:]
	fs := c.FlagSet(env)
	dbf := defineDatabaseFlags(fs)
	name := fs.String("name", "", "what the token is for (create)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch sub {
	case "create", "list", "revoke":
	default:
		return usagef("unknown subcommand %q (want create, list or revoke)", sub)
	}
	if fs.NArg() != 1 {
		if sub == "revoke" {
			return usagef("token revoke needs exactly one token ID")
		}
		return usagef("token %s needs exactly one EMAIL", sub)
	}
	if sub == "create" && *name == "" {
		return usagef("token create needs --name")
	}
	var id int64
	if sub == "revoke" {
		n, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil || n <= 0 {
			return usagef("token revoke: %q is not a token ID", fs.Arg(0))
		}
		id = n
	}
	if err := dbf.apply(fs, env); err != nil {
		return err
	}
	store, err := openKeyedStore(ctx, env, dbf.db, dbf.keyFile)
	if err != nil {
		return err
	}
	defer store.Close()
	switch sub {
	case "create":
		return tokenCreate(ctx, env, store, fs.Arg(0), *name)
	case "list":
		return tokenList(ctx, env, store, fs.Arg(0))
	default:
		return tokenRevoke(ctx, env, store, id)
	}
}

func tokenCreate(ctx context.Context, env *Env, store parley.Store, email, name string) error {
	u, err := store.FindUserByEmail(ctx, email)
	if err != nil {
		return err
	}
	secret := password.NewToken()
	h := password.HashToken(secret)
	t := &parley.APIToken{SecretHash: h[:], UserID: u.ID, Name: name}
	if err := store.CreateToken(ctx, t); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Created token %d (%s) for %s.\nToken (shown only now): %s\n", t.ID, t.Name, u.Email, secret)
	return nil
}

func tokenList(ctx context.Context, env *Env, store parley.Store, email string) error {
	u, err := store.FindUserByEmail(ctx, email)
	if err != nil {
		return err
	}
	tokens, err := store.FindTokens(ctx, u.ID)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tCREATED\tLAST USED\tREVOKED")
	when := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.Format(time.RFC3339)
	}
	for _, t := range tokens {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.Format(time.RFC3339), when(t.LastUsedAt), when(t.RevokedAt))
	}
	return tw.Flush()
}

func tokenRevoke(ctx context.Context, env *Env, store parley.Store, id int64) error {
	t, err := store.RevokeToken(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Revoked token %d (%s).\n", t.ID, t.Name)
	return nil
}
