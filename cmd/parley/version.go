package main

import (
	"context"
	"fmt"
	"runtime"
)

func init() {
	register(&command{
		name:    "version",
		summary: "print the version of this binary",
		usage: `Usage: parley version

Prints the version of parley and of the Go toolchain that built it.

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
	fmt.Fprintf(env.Stdout, "parley %s (%s)\n", Version, runtime.Version())
	return nil
}
