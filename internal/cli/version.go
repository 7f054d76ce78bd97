package cli

import (
	"context"
	"fmt"

	"github.com/parley-talks/parley/internal/buildinfo"
)

// VersionCommand is the version command of a binary whose version (set at
// build time) is *version.
func VersionCommand(version *string) *Command {
	c := &Command{
		Name:    "version",
		Summary: "print the version of this binary",
		Usage: `Usage: parley version

Prints the version of parley, the VCS revision and commit time it was built
from ("modified" if the tree had uncommitted changes), and the Go toolchain
and platform. The release build (scripts/release) records all of them; a
build with -buildvcs=false says "revision unknown".

Example:
  parley version`,
	}
	c.Run = func(ctx context.Context, env *Env, args []string) error {
		fs := c.FlagSet(env)
		if err := ParseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return Usagef("unexpected argument %q", fs.Arg(0))
		}
		fmt.Fprintf(env.Stdout, "parley %s\n", buildinfo.Read(*version))
		return nil
	}
	return c
}
