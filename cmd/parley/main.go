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
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/parley-talks/parley"
)

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "dev"

// Env is what a subcommand may touch of the outside world. Tests build one
// with buffers so that they run commands in process.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// command is one subcommand of parley.
type command struct {
	name    string
	summary string // one line, for the command list
	usage   string // synopsis, description and examples, printed by -h
	run     func(ctx context.Context, env *Env, args []string) error
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("parley: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// usageError is a mistake in the command line; it exits with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// flagSet returns a flag set for c whose -h prints c's usage and whose
// errors go to env.Stderr.
func (c *command) flagSet(env *Env) *flag.FlagSet {
	fs := flag.NewFlagSet("parley "+c.name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "%s\n\nFlags:\n", strings.TrimSpace(c.usage))
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args with fs. It returns errHelp when -h was given (the
// usage has been printed) and a usageError for anything else wrong.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return &usageError{err.Error()}
	}
	return nil
}

var errHelp = errors.New("help requested")

// subcommandHelp handles "parley keys -h", help asked for before a
// subcommand is named: it prints c's usage and reports true.
func (c *command) subcommandHelp(env *Env, args []string) bool {
	if len(args) == 0 || (args[0] != "-h" && args[0] != "--help" && args[0] != "help") {
		return false
	}
	c.flagSet(env).Usage()
	return true
}

const mainUsage = `Parley — a confidential workspace for second-track negotiations.

Usage:
  parley <command> [flags] [arguments]

Commands:
%s
Run "parley <command> -h" for a command's flags and examples.

Examples:
  parley serve --demo          # serve the demo scenario on http://127.0.0.1:8080
  parley analyze domain.xml a.xml b.xml
`

func printMainUsage(w io.Writer) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, mainUsage, b.String())
}

// Run runs the command line args (without the program name) and returns the
// process exit status.
func Run(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printMainUsage(env.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "--version" {
		args[0] = "version"
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "parley: unknown command %q\n\n", args[0])
		printMainUsage(env.Stderr)
		return 2
	}
	err := c.run(ctx, env, args[1:])
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "parley %s: %s\nRun \"parley %s -h\" for usage.\n", c.name, ue.msg, c.name)
		return 2
	default:
		fmt.Fprintf(env.Stderr, "parley %s: %v\n", c.name, err)
		return 1
	}
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
	env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	os.Exit(Run(ctx, env, os.Args[1:]))
}
