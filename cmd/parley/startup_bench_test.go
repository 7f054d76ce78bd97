package main

import (
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
// version`,
// interleaved in one loop so that the machine's load hits all alike. It
// reports each one's mean in ms and the ratios to hello world. Both
// binaries are built by the benchmark (go build, default flags).
func BenchmarkStartup(b *testing.B) {
	dir := b.TempDir()
	hello := filepath.Join(dir, "hello")
	src := filepath.Join(dir, "hello.go")
	if err := os.WriteFile(src, []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	parley := filepath.Join(dir, "parley")
	for _, c := range [][]string{{"build", "-o", hello, src}, {"build", "-o", parley, "."}} {
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
	// 1,000 rounds between two Boulware parties over 10^4 packages, no
	// package acceptable to both.
	noZone := negotiation.Generate(1, 2, 4, 10)
	for k := range noZone.Profiles {
		noZone.Profiles[k].Reservation = 0.97
	}
	simArgs := append([]string{"simulate", "--format", "json", "--steps", "1000", "--strategies", "boulware,boulware"}, writeGenius("s", noZone)...)
	run := func(name string, arg ...string) time.Duration {
		start := time.Now()
		if out, err := exec.Command(name, arg...).CombinedOutput(); err != nil {
			b.Fatalf("%s %v: %v\n%s", name, arg, err, out)
		}
		return time.Since(start)
	}
	var th, tv, ta, ts time.Duration
	for b.Loop() {
		th += run(hello)
		tv += run(parley, "version")
		ta += run(parley, args...)
		ts += run(parley, simArgs...)
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
	b.ReportMetric(ms(th), "hello-ms")
	b.ReportMetric(ms(tv), "version-ms")
	b.ReportMetric(ms(ta), "analyze-ms")
	b.ReportMetric(ms(ts), "simulate-ms")
	b.ReportMetric(float64(ta)/float64(th), "analyze/hello")
	b.ReportMetric(float64(tv)/float64(th), "version/hello")
	b.ReportMetric(float64(ts)/float64(th), "simulate/hello")
}
