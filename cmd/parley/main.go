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
	// Environ lists the environment as "KEY=value" strings, so that a
	// misspelt PARLEY_ variable can be refused (settings.go); nil lists
	// nothing.
	Environ func() []string
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

// flagSet returns a flag set for c whose -h prints c's usage and flags to
// env.Stdout. The flag package reports nothing else itself: parseFlags
// returns its mistakes and Run reports them on stderr.
func (c *command) flagSet(env *Env) *flag.FlagSet {
	fs := flag.NewFlagSet("parley "+c.name, flag.ContinueOnError)
	mistakes := &strings.Builder{}
	fs.SetOutput(mistakes)
	// The flag package calls Usage for -h, and after writing the mistake
	// to the output for anything else: only the first is help.
	fs.Usage = func() {
		if mistakes.Len() == 0 {
			c.writeUsage(env.Stdout, fs)
		}
		mistakes.Reset()
	}
	return fs
}

// writeUsage writes c's usage and the flags of fs (nil: none) to w.
func (c *command) writeUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, strings.TrimSpace(c.usage))
	if fs == nil {
		return
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "\nFlags:\n")
	out := fs.Output()
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(out)
}

// synopsis is the first paragraph of c's usage: what Run prints under a
// mistake in the command line.
func (c *command) synopsis() string {
	u := strings.TrimSpace(c.usage)
	if i := strings.Index(u, "\n\n"); i >= 0 {
		u = u[:i]
	}
	return u
}

// parseFlags parses args with fs, flags and arguments in any order: parsing
// goes on past an argument, and "--" ends the flags. fs.Args() is then the
// arguments in order. It returns errHelp when -h or --help was given (the
// usage has been printed) and a usageError for anything else wrong.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return errHelp
			}
			return &usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	// Parsing "--" alone sets fs.Args() to the arguments and no flag.
	if err := fs.Parse(append([]string{"--"}, positional...)); err != nil {
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
	c.writeUsage(env.Stdout, nil)
	return true
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
// process exit status: 0 for success (and for help asked for), 1 for a
// failure, 2 for a mistake in the command line, whose message and usage go
// to stderr.
func Run(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 {
		printMainUsage(env.Stderr)
		return 2
	}
	switch args[0] {
	case "-h", "--help":
		printMainUsage(env.Stdout)
		return 0
	case "help":
		return runHelp(env, args[1:])
	case "--version":
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
		fmt.Fprintf(env.Stderr, "parley %s: %s\n\n%s\n\nRun \"parley help %s\" for the flags and examples.\n", c.name, ue.msg, c.synopsis(), c.name)
		return 2
	default:
		fmt.Fprintf(env.Stderr, "parley %s: %s\n", c.name, message(err))
		return 1
	}
}

// runHelp is "parley help [COMMAND]".
func runHelp(env *Env, args []string) int {
	switch {
	case len(args) == 0:
		printMainUsage(env.Stdout)
		return 0
	case len(args) > 1:
		fmt.Fprintf(env.Stderr, "parley help: want one command, not %d\n", len(args))
		return 2
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "parley help: unknown command %q\n\n", args[0])
		printMainUsage(env.Stderr)
		return 2
	}
	// The command's own -h lists its flags too.
	return Run(context.Background(), env, []string{c.name, "-h"})
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
