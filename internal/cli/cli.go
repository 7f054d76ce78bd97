// Package cli is the command line of Parley's binaries: subcommands that
// register themselves, flags and arguments in any order, -h and --help on
// every command, and exit statuses (0 done or help, 1 failed, 2 a mistake in
// the command line). The parley binary registers every command; the small
// parley-analyze binary only the analysis's, so that it links neither the
// stores nor the web application and starts as fast as a Go program can.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

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
type Command struct {
	Name    string
	Summary string // one line, for the command list
	Usage   string // synopsis, description and examples, printed by -h
	Run     func(ctx context.Context, env *Env, args []string) error
}

// Commands are the registered commands by name.
var Commands = map[string]*Command{}

// Register adds c to Commands; a name registered twice panics.
func Register(c *Command) {
	if _, dup := Commands[c.Name]; dup {
		panic("parley: command registered twice: " + c.Name)
	}
	Commands[c.Name] = c
}

// UsageError is a mistake in the command line; it exits with status 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef is a UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{fmt.Sprintf(format, args...)}
}

// FlagSet returns a flag set for c whose -h prints c's usage and flags to
// env.Stdout. The flag package reports nothing else itself: parseFlags
// returns its mistakes and Run reports them on stderr.
func (c *Command) FlagSet(env *Env) *flag.FlagSet {
	fs := flag.NewFlagSet("parley "+c.Name, flag.ContinueOnError)
	mistakes := &strings.Builder{}
	fs.SetOutput(mistakes)
	// The flag package calls Usage for -h, and after writing the mistake
	// to the output for anything else: only the first is help.
	fs.Usage = func() {
		if mistakes.Len() == 0 {
			c.WriteUsage(env.Stdout, fs)
		}
		mistakes.Reset()
	}
	return fs
}

// WriteUsage writes c's usage and the flags of fs (nil: none) to w.
func (c *Command) WriteUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, strings.TrimSpace(c.Usage))
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
func (c *Command) synopsis() string {
	u := strings.TrimSpace(c.Usage)
	if i := strings.Index(u, "\n\n"); i >= 0 {
		u = u[:i]
	}
	return u
}

// ParseFlags parses args with fs, flags and arguments in any order: parsing
// goes on past an argument, and "--" ends the flags. fs.Args() is then the
// arguments in order. It returns ErrHelp when -h or --help was given (the
// usage has been printed) and a UsageError for anything else wrong.
func ParseFlags(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return ErrHelp
			}
			return &UsageError{err.Error()}
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
		return &UsageError{err.Error()}
	}
	return nil
}

// ErrHelp reports that help was asked for and printed.
var ErrHelp = errors.New("help requested")

// SubcommandHelp handles "parley keys -h", help asked for before a
// subcommand is named: it prints c's usage and reports true.
func (c *Command) SubcommandHelp(env *Env, args []string) bool {
	if len(args) == 0 || (args[0] != "-h" && args[0] != "--help" && args[0] != "help") {
		return false
	}
	c.WriteUsage(env.Stdout, nil)
	return true
}

// printMainUsage writes mainUsage, a format whose %s is the list of
// commands, to w.
func printMainUsage(w io.Writer, mainUsage string) {
	names := make([]string, 0, len(Commands))
	for n := range Commands {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "  %-10s %s\n", n, Commands[n].Summary)
	}
	fmt.Fprintf(w, mainUsage, b.String())
}

// Run runs the command line args (without the program name) with the
// registered commands and returns the process exit status: 0 for success
// (and for help asked for), 1 for a failure, 2 for a mistake in the
// command line, whose message and usage go to stderr. mainUsage is the
// program's usage, a format whose %s is the list of commands.
func Run(ctx context.Context, env *Env, mainUsage string, args []string) int {
	if len(args) == 0 {
		printMainUsage(env.Stderr, mainUsage)
		return 2
	}
	switch args[0] {
	case "-h", "--help":
		printMainUsage(env.Stdout, mainUsage)
		return 0
	case "help":
		return runHelp(env, mainUsage, args[1:])
	case "--version":
		args[0] = "version"
	}
	c, ok := Commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "parley: unknown command %q\n\n", args[0])
		printMainUsage(env.Stderr, mainUsage)
		return 2
	}
	err := c.Run(ctx, env, args[1:])
	var ue *UsageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "parley %s: %s\n\n%s\n\nRun \"parley help %s\" for the flags and examples.\n", c.Name, ue.Msg, c.synopsis(), c.Name)
		return 2
	default:
		fmt.Fprintf(env.Stderr, "parley %s: %s\n", c.Name, Message(err))
		return 1
	}
}

// runHelp is "parley help [COMMAND]".
func runHelp(env *Env, mainUsage string, args []string) int {
	switch {
	case len(args) == 0:
		printMainUsage(env.Stdout, mainUsage)
		return 0
	case len(args) > 1:
		fmt.Fprintf(env.Stderr, "parley help: want one command, not %d\n", len(args))
		return 2
	}
	c, ok := Commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "parley help: unknown command %q\n\n", args[0])
		printMainUsage(env.Stderr, mainUsage)
		return 2
	}
	// The command's own -h lists its flags too.
	return Run(context.Background(), env, mainUsage, []string{c.Name, "-h"})
}

// Message is an error's text for a person, as a failed command reports
// it; a binary whose errors carry codes for programs sets it (parley: a
// *parley.Error's message without its code).
var Message = func(err error) string { return err.Error() }
