// Command parley is the one Parley binary: it serves the web application and
// the API, loads the demo scenario, runs the analysis from the command line and
// administers accounts, keys and the audit log.
//
// Each subcommand lives in its own file and registers itself in init with
// register; main only dispatches. Every subcommand answers -h and --help with
// its usage and examples.
package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/parley-talks/parley"
	_ "github.com/parley-talks/parley/internal/analysiscmd" // registers analyze and simulate
	"github.com/parley-talks/parley/internal/cli"
)

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "dev"

// The command line's framework (package cli), under the names the
// commands' files use.
type (
	// Env is what a subcommand may touch of the outside world. Tests build
	// one with buffers so that they run commands in process.
	Env     = cli.Env
	command = cli.Command
)

var (
	commands   = cli.Commands
	register   = cli.Register
	usagef     = cli.Usagef
	parseFlags = cli.ParseFlags
	errHelp    = cli.ErrHelp
)

func init() {
	register(cli.VersionCommand("parley", &Version))
	cli.Message = message
}

const mainUsage = `Parley — a confidential workspace for second-track negotiations.

Usage:
  parley <command> [flags] [arguments]

Commands:
%s
Run "parley help <command>" (or "parley <command> -h") for a command's
flags and examples.

Examples:
  parley serve --demo          # serve the demo scenario on http://127.0.0.1:8080
  parley analyze domain.xml a.xml b.xml
`

// Run runs the command line args (without the program name) and returns the
// process exit status: 0 for success (and for help asked for), 1 for a
// failure, 2 for a mistake in the command line, whose message and usage go
// to stderr.
func Run(ctx context.Context, env *Env, args []string) int {
	return cli.Run(ctx, env, mainUsage, args)
}

// message is err's text for a person: the message of a *parley.Error
// without its code ("no user has the email x", not "parley not_found: no
// user has the email x").
func message(err error) string {
	s := err.Error()
	var pe *parley.Error
	if errors.As(err, &pe) {
		plain := pe.Message
		if pe.Field != "" {
			plain = pe.Field + ": " + pe.Message
		}
		s = strings.Replace(s, pe.Error(), plain, 1)
	}
	return s
}

// asSystem returns ctx with parley.System as its caller. The commands that
// administer a store (user, token, keys, audit, shred, the demo loader of
// serve) act for its operator; the server's requests never get it.
func asSystem(ctx context.Context) context.Context {
	return parley.NewContextWithCaller(ctx, parley.System)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Environ: os.Environ}
	os.Exit(Run(ctx, env, os.Args[1:]))
}
