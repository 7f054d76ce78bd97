package main

import (
	"context"
	"fmt"

	"github.com/parley-talks/parley/internal/buildinfo"
)

func init() {
	register(&command{
		name:    "version",
		summary: "print the version of this binary",
		usage: `Usage: parley version

Prints the version of parley, the VCS revision and commit time it was built
from ("modified" if the tree had uncommitted changes), and the Go toolchain
and platform. The release build (scripts/release) records all of them; a
build with -buildvcs=false says "revision unknown".

Example:
  parley version`,
		run: runVersion,
	})
}

func runVersion(ctx context.Context, env *Env, args []string) error {
	c := commands["version"]
	fs := c.flagSet(env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	fmt.Fprintf(env.Stdout, "parley %s\n", buildinfo.Read(Version))
	return nil
}
