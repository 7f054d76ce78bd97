package cli

import (
	"context"
	"fmt"

	"github.com/parley-talks/parley/internal/buildinfo"
)

// VersionCommand is the version command of the binary program (parley,
// parley-analyze) whose version (set at build time) is *version.
func VersionCommand(program string, version *string) *Command {
	c := &Command{
		Name:    "version",
		Summary: "print the version of this binary",
		Usage: fmt.Sprintf(`Usage: %[1]s version

Prints the version of %[1]s, the VCS revision and commit time it was built
from ("modified" if the tree had uncommitted changes), and the Go toolchain
and platform. The release build (scripts/release) records all of them; a
build with -buildvcs=false says "revision unknown".

Example:
  %[1]s version`, program),
	}
	c.Run = func(ctx context.Context, env *Env, args []string) error {
		fs := c.FlagSet(env)
		if err := ParseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return Usagef("unexpected argument %q", fs.Arg(0))
		}
		fmt.Fprintf(env.Stdout, "%s %s\n", program, buildinfo.Read(*version))
		return nil
	}
	return c
}
