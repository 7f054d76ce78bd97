package analysiscmd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/parley-talks/parley/internal/cli"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/negotiation/genius"
)

func init() {
	cli.Register(&cli.Command{
		Name:    "analyze",
		Summary: "find the frontier, the fair points, the zone of agreement and its blockers",
		Usage: `Usage:
  parley analyze [--format text|json] [--step 0.1] [--budget 10s] DOMAIN.xml PROFILE.xml...
  parley analyze [--format text|json] [--step 0.1] [--budget 10s] SCENARIO.json
  parley analyze [--format text|json] [--step 0.1] [--budget 10s] SCENARIO.zip
  parley analyze [--format text|json] [--budget 10s] [--unlink TRACK]
                 [--weight PARTY:TRACK=W]... --link LINK.json

Analyses a negotiation given as GENIUS/ANAC XML (one domain file and one
utility profile per party, or a zip of them as "parley scenario export"
writes) or as one Parley scenario JSON file: the exact
Pareto frontier of the packages that cross no red line, the Nash,
Kalai–Smorodinsky, utilitarian and maximin points above the parties'
reservation values, the zone of agreement (exact where the method reaches,
else labelled bounds and a sampled estimate) and the single relaxations —
one red line dropped, one reservation lowered by --step — ranked by the
packages they open.

Utilities are exact (the numbers as written, divided exactly) and
undiscounted. --format json prints one object, the shape the web API serves.

--budget bounds the time: past it the analysis finishes with what it has
proved — an ε-frontier, exact bounds on the zone and a sampled estimate —
and says so ("complete": false and its notes). 0 means no limit.

--link analyses linked tracks as one negotiation: LINK.json names each
track's scenario file (relative to it) and gives each party's cross-track
weights (see README, "Linked tracks"). It prints the joint frontier, the
joint Nash and Kalai–Smorodinsky points, the joint zone, each track settled
alone, the value of linkage per party, who concedes on which theme for
which, and the red lines that block the joint deal. --unlink and --weight
are what-ifs: drop a track, or set a party's weight of a track.

Examples:
  parley analyze laptop_domain.xml laptop_buyer.xml laptop_seller.xml
  parley analyze --format json talks.json | jq .agreement_zone
  parley analyze --link energy-for-prisoners.json --weight 'Ukraine:Energy moratorium=0.5'`,
		Run: runAnalyze,
	})
}

func runAnalyze(ctx context.Context, env *cli.Env, args []string) error {
	c := cli.Commands["analyze"]
	fs := c.FlagSet(env)
	format := fs.String("format", "text", "output format: text or json")
	step := fs.Float64("step", 0.1, "how far the blockers lower a reservation value, in (0,1]")
	budget := fs.Duration("budget", 10*time.Second, "time budget; past it the answer is bounds and labelled estimates (0: no limit)")
	var lf linkFlags
	lf.register(fs)
	if err := cli.ParseFlags(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return cli.Usagef("unknown --format %q (text or json)", *format)
	}
	if !(*step > 0 && *step <= 1) {
		return cli.Usagef("--step must be in (0,1]")
	}
	if *budget < 0 {
		return cli.Usagef("--budget must not be negative")
	}
	if lf.link != "" || lf.used() {
		return runAnalyzeLink(ctx, env, &lf, fs.Args(), *format, *budget)
	}
	s, p, err := loadProblem(fs.Args())
	if err != nil {
		return err
	}
	r, err := p.AnalyzeContext(ctx, negotiation.AnalyzeOptions{Step: *step, Budget: *budget, LazyFrontier: true})
	if err != nil {
		return err
	}
	if *format == "json" {
		return r.WriteJSON(env.Stdout)
	}
	return writeReport(env.Stdout, s.Name, p, r)
}

// loadProblem reads and compiles the scenario named by a command's
// arguments: a GENIUS domain and its profiles, or one scenario JSON file.
func loadProblem(files []string) (*negotiation.Scenario, *negotiation.Problem, error) {
	var s *negotiation.Scenario
	var err error
	switch {
	case len(files) == 0:
		return nil, nil, cli.Usagef("give a GENIUS domain and its profiles, or one scenario JSON file")
	case len(files) == 1 && strings.EqualFold(filepath.Ext(files[0]), ".zip"):
		s, err = LoadScenarioZip(files[0])
	case len(files) == 1:
		s, err = loadScenarioJSON(files[0])
	default:
		s, err = genius.LoadFiles(files[0], files[1:]...)
	}
	if err != nil {
		return nil, nil, err
	}
	p, err := s.Compile()
	if err != nil {
		return nil, nil, err
	}
	return s, p, nil
}

// LoadScenarioZip reads a zip of GENIUS files (genius.ReadZip).
func LoadScenarioZip(path string) (*negotiation.Scenario, error) {
	data, err := ReadZipFile(path)
	if err != nil {
		return nil, err
	}
	d, ps, err := genius.ReadZip(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return genius.Scenario(d, ps), nil
}

func loadScenarioJSON(path string) (*negotiation.Scenario, error) {
	if strings.EqualFold(filepath.Ext(path), ".xml") {
		return nil, cli.Usagef("%s: a GENIUS domain needs its profile files after it", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := negotiation.DecodeScenario(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// maxTextFrontier bounds the frontier rows of the text report.
const maxTextFrontier = 30

func writeReport(out io.Writer, name string, p *negotiation.Problem, r *negotiation.Report) error {
	w := &errWriter{w: out}
	pkg := func(m negotiation.Package) string { return packageText(p, m) }
	vec := func(u []float64) string {
		if u == nil {
			return "none"
		}
		return vector(u)
	}
	if name != "" {
		w.printf("Scenario: %s\n", name)
	}
	w.printf("Packages: %s (%d issues)\n", r.Outcomes, len(p.Issues))
	w.printf("Parties:  %s\n", strings.Join(r.Parties, ", "))
	w.printf("Reservation values: %s\n\n", vec(r.Reservation))
	if !r.Complete {
		w.printf("Incomplete: the time budget ran out.\n")
	}
	for _, n := range r.Notes {
		w.printf("Note: %s\n", n)
	}
	if r.FrontierEpsilon != nil {
		w.printf("The frontier below is an ε-frontier, ε = %s: every package is within ε of a listed point.\n", vec(r.FrontierEpsilon))
	}
	if !r.Complete || len(r.Notes) > 0 {
		w.printf("\n")
	}

	w.printf("Pareto frontier: %d points (packages crossing no red line; reservations not applied)\n", r.FrontierLen())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  #\t%s\tpackage\n", strings.Join(r.Parties, "\t"))
	for i := range min(r.FrontierLen(), maxTextFrontier) {
		e := r.FrontierEntry(i)
		us := make([]string, len(e.Utility))
		for k, x := range e.Utility {
			us[k] = strconv.FormatFloat(x, 'f', 3, 64)
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\n", i+1, strings.Join(us, "\t"), pkg(e.Outcome))
	}
	tw.Flush()
	if r.FrontierLen() > maxTextFrontier {
		w.printf("  … %d more points (see --format json)\n", r.FrontierLen()-maxTextFrontier)
	}

	w.printf("\nBargaining points (above the reservation values):\n")
	for _, b := range []struct {
		name string
		pt   *negotiation.Point
	}{{"Nash", r.Nash}, {"Kalai–Smorodinsky", r.KalaiSmorodinsky}, {"Utilitarian", r.Utilitarian}, {"Maximin", r.Maximin}} {
		if b.pt == nil {
			w.printf("  %-18s none: no package is accepted by every party\n", b.name)
			continue
		}
		w.printf("  %-18s %s  %s", b.name, vec(b.pt.Utility), pkg(b.pt.Outcomes[0]))
		if len(b.pt.Outcomes) > 1 {
			w.printf("  (+%d tied packages)", len(b.pt.Outcomes)-1)
		}
		w.printf("\n")
	}

	z := r.AgreementZone
	w.printf("\nZone of agreement: ")
	if z.Exact {
		w.printf("%s packages (exact)\n", *z.Count)
	} else {
		w.printf("between %s and %s packages (exact bounds); sampled estimate about %s from %d samples — an estimate, not a count\n",
			z.Lower, z.Upper, z.Estimate.Value, z.Estimate.Samples)
	}
	for _, e := range z.Examples {
		w.printf("  e.g. %s\n", pkg(e))
	}

	w.printf("\nBlockers (single relaxations, most opening first):\n")
	if len(r.Blockers) == 0 {
		w.printf("  none: no red lines and no positive reservation values\n")
	}
	for i, b := range r.Blockers {
		exact := "exact"
		if !b.Exact {
			exact = "estimate"
		}
		w.printf("  %d. %s: %s — opens %s package(s) (%s); zone %s; Nash %s\n", i+1, b.Party, b.Rule, b.Opens, exact, b.Zone, vec(b.Nash))
	}
	return w.err
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

// ReadZipFile reads a zip named on the command line, refusing one larger
// than a scenario zip may be.
func ReadZipFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	const max = 64 << 20
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if len(data) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes: not a scenario zip", path, max)
	}
	return data, nil
}
