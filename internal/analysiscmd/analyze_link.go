package analysiscmd

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/parley-talks/parley/internal/cli"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/negotiation/linked"
)

// linkFlags are analyze's flags for linked tracks.
type linkFlags struct {
	link    string
	unlink  []string
	weights []weightFlag
}

type weightFlag struct {
	party, track string
	w            float64
}

func (lf *linkFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&lf.link, "link", "", "analyse the linked tracks of this link file")
	fs.Func("unlink", "with --link: leave this track out (a what-if; repeatable)", func(s string) error {
		lf.unlink = append(lf.unlink, s)
		return nil
	})
	fs.Func("weight", "with --link: set PARTY:TRACK=W, a party's weight of a track (a what-if; repeatable)", func(s string) error {
		colon, eq := strings.Index(s, ":"), strings.LastIndex(s, "=")
		if colon <= 0 || eq < colon+2 {
			return fmt.Errorf("want PARTY:TRACK=W, got %q", s)
		}
		w, err := strconv.ParseFloat(s[eq+1:], 64)
		if err != nil {
			return fmt.Errorf("the weight in %q is not a number", s)
		}
		lf.weights = append(lf.weights, weightFlag{s[:colon], s[colon+1 : eq], w})
		return nil
	})
}

func (lf *linkFlags) used() bool { return len(lf.unlink) > 0 || len(lf.weights) > 0 }

// runAnalyzeLink is `parley analyze --link`.
func runAnalyzeLink(ctx context.Context, env *cli.Env, lf *linkFlags, args []string, format string, budget time.Duration) error {
	if lf.link == "" {
		return cli.Usagef("--unlink and --weight need --link LINK.json")
	}
	if len(args) > 0 {
		return cli.Usagef("--link takes no scenario files: the link file names them")
	}
	l, j, err := linked.LoadLink(lf.link)
	if err != nil {
		return err
	}
	for _, w := range lf.weights {
		if j, err = j.WithWeight(w.party, w.track, w.w); err != nil {
			return fmt.Errorf("--weight: %w", err)
		}
	}
	for _, t := range lf.unlink {
		if j, err = j.Unlink(t); err != nil {
			return fmt.Errorf("--unlink: %w", err)
		}
	}
	r, err := j.Analyze(ctx, linked.Options{Budget: budget, Zone: true, Blockers: true})
	if err != nil {
		return err
	}
	if format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return writeLinkReport(env.Stdout, l.Name, r)
}

func writeLinkReport(out io.Writer, name string, r *linked.Report) error {
	w := &errWriter{w: out}
	f3 := func(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }
	themes := map[string][]string{}
	for _, t := range r.Tracks {
		themes[t.Name] = t.Themes
	}
	pkg := func(tp linked.TrackPoint) string { return packageIn(themes[tp.Track], tp.Package) }
	pkgs := func(jp *linked.JointPoint) string {
		var parts []string
		for _, tp := range jp.Tracks {
			parts = append(parts, tp.Track+": "+pkg(tp))
		}
		return strings.Join(parts, "; ")
	}
	if name != "" {
		w.printf("Link: %s\n", name)
	}
	var tracks []string
	for _, t := range r.Tracks {
		tracks = append(tracks, t.Name)
	}
	w.printf("Tracks:   %s\n", strings.Join(tracks, ", "))
	w.printf("Packages: %s jointly\n", r.Packages)
	w.printf("Parties:  %s\n", strings.Join(r.Parties, ", "))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Weights\t%s\n", strings.Join(tracks, "\t"))
	for p, party := range r.Parties {
		var ws []string
		for _, x := range r.Weights[p] {
			ws = append(ws, f3(x))
		}
		fmt.Fprintf(tw, "  %s\t%s\n", party, strings.Join(ws, "\t"))
	}
	tw.Flush()
	w.printf("Joint disagreement point: %s\n", vector(r.Disagreement))
	for _, n := range r.Notes {
		w.printf("Note: %s\n", n)
	}

	w.printf("\nEach track alone:\n")
	for _, t := range r.Tracks {
		if t.Nash == nil {
			w.printf("  %s: no agreement (no package every party of the track accepts)\n", t.Name)
			continue
		}
		w.printf("  %s: Nash %s  %s\n", t.Name, vector(t.Nash.Utility), pkg(*t.Nash))
	}

	w.printf("\nJoint frontier: %d points\n", len(r.Frontier))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  #\t%s\tpackages\n", strings.Join(r.Parties, "\t"))
	for i, jp := range r.Frontier[:min(len(r.Frontier), maxTextFrontier)] {
		var us []string
		for _, x := range jp.Utility {
			us = append(us, f3(x))
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\n", i+1, strings.Join(us, "\t"), pkgs(&jp))
	}
	tw.Flush()
	if len(r.Frontier) > maxTextFrontier {
		w.printf("  … %d more points (see --format json)\n", len(r.Frontier)-maxTextFrontier)
	}

	w.printf("\nJoint bargaining points (above the joint disagreement point):\n")
	for _, b := range []struct {
		name string
		pt   *linked.JointPoint
	}{{"Nash", r.Nash}, {"Kalai–Smorodinsky", r.KalaiSmorodinsky}} {
		if b.pt == nil {
			w.printf("  %-18s none: no joint package is accepted by every party\n", b.name)
			continue
		}
		w.printf("  %-18s %s  %s\n", b.name, vector(b.pt.Utility), pkgs(b.pt))
	}
	z := r.Zone
	w.printf("\nJoint zone: ")
	switch {
	case !z.Agreement:
		w.printf("empty\n")
	case z.Count != nil:
		w.printf("%s joint packages (exact), %d of them on the frontier\n", *z.Count, z.Points)
	case z.Counted:
		w.printf("between %s and %s joint packages (exact bounds), %d on the frontier\n", z.Lower, z.Upper, z.Points)
	default:
		w.printf("%d frontier points in it\n", z.Points)
	}
	if len(r.Opens) > 0 {
		w.printf("Linking opens: %s (no zone alone)\n", strings.Join(r.Opens, ", "))
	}
	if len(r.Closes) > 0 {
		w.printf("Linking closes: %s (a zone alone, no joint deal)\n", strings.Join(r.Closes, ", "))
	}

	w.printf("\nValue of linkage (joint Nash against settling each track alone):\n")
	for _, l := range r.Linkage {
		w.printf("  %s: %s linked, %s alone, %+.3f\n", l.Party, f3(l.Joint), f3(l.Alone), l.Gain)
	}
	if len(r.Shares) > 0 {
		w.printf("\nPer track (own utility, alone → linked):\n")
		for _, s := range r.Shares {
			verb := "gets"
			if s.Change < 0 {
				verb = "gives"
			}
			w.printf("  %s on %s: %s → %s (%s %.3f)\n", s.Party, s.Track, f3(s.Alone), f3(s.Joint), verb, abs(s.Change))
		}
	}
	if len(r.Themes) > 0 {
		w.printf("\nConcessions at the joint Nash point (joint utility given up against each party's best option):\n")
		for _, th := range r.Themes {
			var gives []string
			for p, x := range th.Concession {
				if x > 0 {
					gives = append(gives, fmt.Sprintf("%s %.3f", r.Parties[p], x))
				}
			}
			if len(gives) == 0 {
				gives = []string{"nobody"}
			}
			w.printf("  %s: %s = %s — %s\n", th.Track, th.Theme, th.Option, strings.Join(gives, ", "))
		}
	}
	if len(r.Trades) > 0 {
		w.printf("\nTrades (logrolling at the joint Nash point):\n")
		for _, t := range r.Trades {
			kind := ""
			if t.CrossTrack {
				kind = " (across tracks)"
			}
			w.printf("  %s gives on %s to %s, for %s%s\n", t.Party, strings.Join(t.Gives, ", "), t.Other, strings.Join(t.For, ", "), kind)
		}
	}
	w.printf("\nBlocking red lines (dropping one alone):\n")
	if len(r.Blockers) == 0 {
		w.printf("  none\n")
	}
	for i, b := range r.Blockers {
		effect := "raises the joint Nash product"
		if b.Opens {
			effect = "opens the joint zone"
		}
		w.printf("  %d. %s on %s: %s — %s; Nash %s\n", i+1, b.Party, b.Track, b.Rule, effect, vector(b.Nash))
	}
	return w.err
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// packageIn writes a package's options in the order of themes.
func packageIn(themes []string, m negotiation.Package) string {
	parts := make([]string, len(themes))
	for i, th := range themes {
		parts[i] = th + " = " + m[th]
	}
	return strings.Join(parts, ", ")
}
