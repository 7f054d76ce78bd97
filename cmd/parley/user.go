package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
)

func init() {
	register(&command{
		Name:    "user",
		Summary: "add, list, disable accounts, set their passwords and reset their second factor",
		Usage: `Usage:
  parley user add [--db D] [--name N] [--admin] EMAIL   (password: typed, one line on stdin, or generated)
  parley user passwd [--db D] EMAIL                     (new password: typed, or one line on stdin)
  parley user disable [--db D] EMAIL
  parley user enable [--db D] EMAIL
  parley user reset-second-factor [--db D] EMAIL
  parley user list [--db D]

Accounts are global; what a user may see is granted per track by a
membership. An administrator (--admin) manages accounts and memberships but
reads no sealed content unless also a member of the track.

Passwords are never taken from the command line (which other users of the
machine can see): typed twice, without echo, when standard input is a
terminal; otherwise one line of standard input. "user add" with an empty
password (or nothing on stdin) generates one and prints it once.

"user reset-second-factor" removes the account's authenticator app and
recovery codes (a phone lost with its codes) and ends its sessions; the
user signs in with the password alone and sets up a new app on the
Account security page. Check who asks before you do it.

--db and --key-file also come from $PARLEY_DB and $PARLEY_KEY_FILE or the
config file (--config), as for parley serve. The database must exist.

Examples:
  parley user add --name "Ana Mediator" ana@example.org < /dev/null
  printf '%s\n' "$NEWPASS" | parley user passwd ana@example.org
  parley user disable ana@example.org
  parley user list --db postgres://parley@127.0.0.1:5432/parley`,
		Run: runUser,
	})
}

func runUser(ctx context.Context, env *Env, args []string) error {
	ctx = asSystem(ctx)
	c := commands["user"]
	if c.SubcommandHelp(env, args) {
		return errHelp
	}
	if len(args) == 0 {
		return usagef("missing subcommand (add, passwd, disable, enable, reset-second-factor or list)")
	}
	sub, args := args[0], args[1:]
	fs := c.FlagSet(env)
	dbf := defineDatabaseFlags(fs)
	name := fs.String("name", "", "the user's display `name` (add; default: the part of the email before @)")
	admin := fs.Bool("admin", false, "make the user an administrator (add)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	wantArgs := 1
	if sub == "list" {
		wantArgs = 0
	}
	switch sub {
	case "add", "passwd", "disable", "enable", "reset-second-factor", "list":
	default:
		return usagef("unknown subcommand %q (want add, passwd, disable, enable, reset-second-factor or list)", sub)
	}
	if fs.NArg() != wantArgs {
		if wantArgs == 0 {
			return usagef("user list takes no arguments")
		}
		return usagef("user %s needs exactly one EMAIL", sub)
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
	case "add":
		return userAdd(ctx, env, store, fs.Arg(0), *name, *admin)
	case "passwd":
		return userPasswd(ctx, env, store, fs.Arg(0))
	case "disable", "enable":
		return userSetDisabled(ctx, env, store, fs.Arg(0), sub == "disable")
	case "reset-second-factor":
		return userResetSecondFactor(ctx, env, store, fs.Arg(0))
	default:
		return userList(ctx, env, store)
	}
}

func userAdd(ctx context.Context, env *Env, store parley.Store, email, name string, admin bool) error {
	pw, err := readNewPassword(env, "Password for "+email+" (empty: generate one)")
	if err != nil {
		return err
	}
	generated := pw == ""
	if generated {
		if pw, err = randomPassword(); err != nil {
			return err
		}
	}
	if err := password.CheckLength(pw); err != nil {
		return fmt.Errorf("the password: %w", err)
	}
	hash, err := password.Hash(pw, password.DefaultParams)
	if err != nil {
		return err
	}
	email = parley.NormalizeEmail(email)
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	u := &parley.User{Email: email, Name: name, Admin: admin, PasswordHash: hash}
	if err := store.CreateUser(ctx, u); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Added user %d: %s (%s)%s\n", u.ID, u.Email, u.Name, map[bool]string{true: ", administrator"}[admin])
	if generated {
		fmt.Fprintf(env.Stdout, "Password (shown only now): %s\n", pw)
	}
	return nil
}

func userPasswd(ctx context.Context, env *Env, store parley.Store, email string) error {
	u, err := store.FindUserByEmail(ctx, email)
	if err != nil {
		return err
	}
	pw, err := readNewPassword(env, "New password for "+u.Email)
	if err != nil {
		return err
	}
	if pw == "" {
		return errors.New("no password given; nothing changed")
	}
	if err := password.CheckLength(pw); err != nil {
		return fmt.Errorf("the new password: %w; nothing changed", err)
	}
	hash, err := password.Hash(pw, password.DefaultParams)
	if err != nil {
		return err
	}
	if _, err := store.UpdateUser(ctx, u.ID, parley.UserUpdate{PasswordHash: &hash}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Set a new password for %s.\n", u.Email)
	return nil
}

func userSetDisabled(ctx context.Context, env *Env, store parley.Store, email string, disabled bool) error {
	u, err := store.FindUserByEmail(ctx, email)
	if err != nil {
		return err
	}
	if _, err := store.UpdateUser(ctx, u.ID, parley.UserUpdate{Disabled: &disabled}); err != nil {
		return err
	}
	if disabled {
		// The server refuses a disabled account's sessions anyway; ending
		// them here leaves nothing behind.
		if _, err := store.DeleteSessionsOfUser(ctx, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Disabled %s: it can no longer sign in.\n", u.Email)
	} else {
		fmt.Fprintf(env.Stdout, "Enabled %s.\n", u.Email)
	}
	return nil
}

func userResetSecondFactor(ctx context.Context, env *Env, store parley.Store, email string) error {
	sf, ok := store.(parley.SecondFactorService)
	if !ok {
		return errors.New("this store keeps no second factors")
	}
	u, err := store.FindUserByEmail(ctx, email)
	if err != nil {
		return err
	}
	if err := sf.DeleteTOTP(ctx, u.ID); err != nil {
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return fmt.Errorf("%s has no second factor; nothing changed", u.Email)
		}
		return err
	}
	if _, err := store.DeleteSessionsOfUser(ctx, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Removed the second factor of %s and ended its sessions; it signs in with the password alone until it sets up a new one.\n", u.Email)
	return nil
}

func userList(ctx context.Context, env *Env, store parley.Store) error {
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tADMIN\tDISABLED")
	for page := (parley.Page{Limit: parley.MaxLimit}); ; page.Offset += page.Limit {
		users, total, err := store.FindUsers(ctx, page)
		if err != nil {
			return err
		}
		for _, u := range users {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%v\t%v\n", u.ID, u.Email, u.Name, u.Admin, u.Disabled)
		}
		if page.Offset+len(users) >= total || len(users) == 0 {
			break
		}
	}
	return tw.Flush()
}
