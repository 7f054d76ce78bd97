// Command parley-analyze is parley's analysis alone: the analyze and
// simulate commands of parley (and version), built without the stores, the
// web application and their dependencies, so that a script that runs an
// analysis per scenario pays the start-up of a small Go program rather
// than that of the server's binary (see BENCHMARKS.md, "Start-up, whole
// process"). Its commands are the same code as parley's
// (internal/analysiscmd): "parley-analyze analyze X" is "parley analyze X".
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	_ "github.com/parley-talks/parley/internal/analysiscmd" // registers analyze and simulate
	"github.com/parley-talks/parley/internal/cli"
)

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "dev"

const mainUsage = `parley-analyze — Parley's negotiation analysis, without the server.

Usage:
  parley-analyze <command> [flags] [arguments]

Commands:
%s
Each command is the parley command of the same name: run
"parley-analyze help <command>" for its flags and examples.

Examples:
  parley-analyze analyze domain.xml a.xml b.xml
  parley-analyze simulate --strategies boulware,conceder scenario.zip
`

func init() { cli.Register(cli.VersionCommand("parley-analyze", &Version)) }

// Run runs the command line args (without the program name) and returns the
// process exit status, as parley's Run does.
func Run(ctx context.Context, env *cli.Env, args []string) int {
	return cli.Run(ctx, env, mainUsage, args)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Environ: os.Environ}
	os.Exit(Run(ctx, env, os.Args[1:]))
}
