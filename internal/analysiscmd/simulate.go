package analysiscmd

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/parley-talks/parley/internal/cli"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/negotiation/sim"
)

func init() {
	cli.Register(&cli.Command{
		Name:    "simulate",
		Summary: "simulate how the parties might concede, round by round, and where they would meet",
		Usage: `Usage:
  parley simulate [--format text|json] [--steps 1000] --strategies S1,S2[,…] [--protocol saop|single-text] [--seed 0] DOMAIN.xml PROFILE.xml...
  parley simulate [flags] --strategies S1,S2[,…] SCENARIO.json

Runs a negotiation between the profiles, one strategy per party in the
order of the profiles, for at most --steps rounds: the stacked alternating
offers protocol (saop: each party in turn accepts the standing offer or
makes its own; all others accepting it is an agreement), or the mediator's
single negotiating text (single-text: the mediator proposes, each party
accepts or rejects, the mediator moves toward the parties that rejected).
Every offer is a package of the exact Pareto frontier; each strategy sees
only its own party's utilities.

Strategies: boulware (concedes late), linear, conceder (concedes early),
time:E (the time-based family with exponent E in (0,100]), tit-for-tat
(concedes as much as the others last conceded to it).

Prints every offer with each party's utility, the agreement (or none), its
round and its distance to the frontier and to the Nash point. Runs are
reproducible: --seed picks among near-equal offers.

Examples:
  parley simulate --strategies boulware,conceder laptop_domain.xml buyer.xml seller.xml
  parley simulate --format json --steps 200 --strategies linear,tit-for-tat talks.json`,
		Run: runSimulate,
	})
}

func runSimulate(ctx context.Context, env *cli.Env, args []string) error {
	c := cli.Commands["simulate"]
	fs := c.FlagSet(env)
	format := fs.String("format", "text", "output format: text or json")
	steps := fs.Int("steps", 1000, "deadline in rounds, 1 to "+strconv.Itoa(sim.MaxRounds))
	strategies := fs.String("strategies", "", "one strategy per party, comma-separated (boulware, linear, conceder, time:E, tit-for-tat)")
	protocol := fs.String("protocol", sim.SAOP, "saop or single-text")
	seed := fs.Uint64("seed", 0, "seed of the choice among near-equal offers")
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return cli.Usagef("unknown --format %q (text or json)", *format)
	}
	if *strategies == "" {
		return cli.Usagef("--strategies: name one strategy per party, e.g. --strategies boulware,linear")
	}
	if *steps < 1 || *steps > sim.MaxRounds {
		return cli.Usagef("--steps %d: must be between 1 and %d", *steps, sim.MaxRounds)
	}
	s, p, err := loadProblem(fs.Args())
	if err != nil {
		return err
	}
	cfg := sim.Config{Rounds: *steps, Strategies: strings.Split(*strategies, ","), Protocol: *protocol, Seed: *seed}
	res, err := sim.Run(ctx, p, cfg)
	if err != nil {
		return err
	}
	rep := res.Trace(p, cfg)
	if *format == "json" {
		return rep.WriteJSON(env.Stdout, p)
	}
	return writeSimulation(env.Stdout, s.Name, p, rep)
}

// maxTextOffers bounds the offers the text report lists.
const maxTextOffers = 40

func writeSimulation(out io.Writer, name string, p *negotiation.Problem, r *sim.Trace) error {
	w := &errWriter{w: out}
	if name != "" {
		w.printf("Scenario: %s\n", name)
	}
	w.printf("Protocol: %s; strategies: ", r.Protocol)
	for k, s := range r.Strategies {
		if k > 0 {
			w.printf(", ")
		}
		w.printf("%s %s", r.Parties[k], s)
	}
	w.printf("\nRounds run: %d\n\n", r.Rounds)
	w.printf("Offers (utility for %s):\n", strings.Join(r.Parties, ", "))
	for j, o := range r.Offers {
		if j == maxTextOffers/2 && len(r.Offers) > maxTextOffers {
			w.printf("  … %d more offers (see --format json)\n", len(r.Offers)-maxTextOffers)
		}
		if j >= maxTextOffers/2 && j < len(r.Offers)-maxTextOffers/2 {
			continue
		}
		w.printf("  round %d, %s: %s  %s\n", o.Round, o.Party, vector(o.Utility), packageText(p, o.Outcome))
	}
	w.printf("\n")
	if r.Agreement == nil {
		w.printf("No agreement within %d rounds.\n", r.Rounds)
		return w.err
	}
	w.printf("Agreement in round %d: %s  %s\n", r.Agreement.Round, vector(r.Agreement.Utility), packageText(p, r.Agreement.Outcome))
	w.printf("Distance to the frontier: %.4f\n", *r.DistanceToFrontier)
	if r.DistanceToNash != nil {
		w.printf("Distance to the Nash point: %.4f\n", *r.DistanceToNash)
	} else {
		w.printf("Distance to the Nash point: none (no package is accepted by every party)\n")
	}
	return w.err
}

// vector formats a utility vector to three decimals.
func vector(u []float64) string {
	parts := make([]string, len(u))
	for i, x := range u {
		parts[i] = strconv.FormatFloat(x, 'f', 3, 64)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// packageText writes a package as "issue = option; …" in issue order.
func packageText(p *negotiation.Problem, m negotiation.Package) string {
	parts := make([]string, len(p.Issues))
	for i, is := range p.Issues {
		parts[i] = is.Name + " = " + m[is.Name]
	}
	return strings.Join(parts, "; ")
}
