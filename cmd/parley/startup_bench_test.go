package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/negotiation/genius"
)

// BenchmarkStartup runs `parley analyze --format json` on two parties over
// 10^6 packages (Generate(1, 2, 6, 10) written as GENIUS XML) and `parley
// simulate` for 1,000 rounds over 10^4 packages with no agreement zone as
// whole processes, side by side with a hello-world Go binary and `parley
// version`, and the same three commands of parley-analyze (the analysis
// alone, small-*) and its analysis of 10^2 packages (the size of an ANAC
// scenario), interleaved in one loop so that the machine's load hits
// all alike. It reports each one's mean wall and CPU time in ms and their
// ratios to hello world. The binaries are built by the benchmark (go
// build, default flags).
func BenchmarkStartup(b *testing.B) {
	dir := b.TempDir()
	hello := filepath.Join(dir, "hello")
	src := filepath.Join(dir, "hello.go")
	if err := os.WriteFile(src, []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	parley := filepath.Join(dir, "parley")
	small := filepath.Join(dir, "parley-analyze")
	for _, c := range [][]string{{"build", "-o", hello, src}, {"build", "-o", parley, "."}, {"build", "-o", small, "../parley-analyze"}} {
		if out, err := exec.Command("go", c...).CombinedOutput(); err != nil {
			b.Fatalf("go %v: %v\n%s", c, err, out)
		}
	}
	// writeGenius writes s as GENIUS files under dir/name and returns
	// their paths, the domain first.
	writeGenius := func(name string, s *negotiation.Scenario) []string {
		d, ps, err := genius.FromScenario(s)
		if err != nil {
			b.Fatal(err)
		}
		paths := []string{filepath.Join(dir, name+"-domain.xml")}
		write := func(path string, w func(f *os.File) error) {
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			if err := w(f); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
		write(paths[0], func(f *os.File) error { return genius.WriteDomain(f, d) })
		for _, p := range ps {
			path := filepath.Join(dir, name+"-"+p.Name+".xml")
			write(path, func(f *os.File) error { return genius.WriteProfile(f, d, p) })
			paths = append(paths, path)
		}
		return paths
	}
	args := append([]string{"analyze", "--format", "json"}, writeGenius("a", negotiation.Generate(1, 2, 6, 10))...)
	// A scenario of the size of the ANAC ones: 2 parties, 10^2 packages.
	smallArgs := append([]string{"analyze", "--format", "json"}, writeGenius("l", negotiation.Generate(1, 2, 2, 10))...)
	// 1,000 rounds between two Boulware parties over 10^4 packages, no
	// package acceptable to both.
	noZone := negotiation.Generate(1, 2, 4, 10)
	for k := range noZone.Profiles {
		noZone.Profiles[k].Reservation = 0.97
	}
	simArgs := append([]string{"simulate", "--format", "json", "--steps", "1000", "--strategies", "boulware,boulware"}, writeGenius("s", noZone)...)
	// run runs the command and adds its wall time and its CPU time (user
	// and system, which the machine's other load inflates far less) to t.
	type times struct{ wall, cpu time.Duration }
	run := func(t *times, name string, arg ...string) {
		cmd := exec.Command(name, arg...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("%s %v: %v\n%s", name, arg, err, out.Bytes())
		}
		t.wall += time.Since(start)
		t.cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	var th, tv, ta, ts, tsv, tsa, tss, tsl times
	for b.Loop() {
		run(&th, hello)
		run(&tv, parley, "version")
		run(&ta, parley, args...)
		run(&ts, parley, simArgs...)
		run(&tsv, small, "version")
		run(&tsa, small, args...)
		run(&tss, small, simArgs...)
		run(&tsl, small, smallArgs...)
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
	for _, m := range []struct {
		name string
		t    times
	}{{"hello", th}, {"version", tv}, {"analyze", ta}, {"simulate", ts}, {"small-version", tsv}, {"small-analyze", tsa}, {"small-simulate", tss}, {"small-analyze-1e2", tsl}} {
		b.ReportMetric(ms(m.t.wall), m.name+"-ms")
		b.ReportMetric(ms(m.t.cpu), m.name+"-cpu-ms")
		if m.name != "hello" {
			b.ReportMetric(float64(m.t.wall)/float64(th.wall), m.name+"/hello")
			b.ReportMetric(float64(m.t.cpu)/float64(th.cpu), m.name+"/hello-cpu")
		}
	}
}
