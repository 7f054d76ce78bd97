package negotiation_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/parley-talks/parley/internal/fixture"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/negotiation/genius"
)

// loadANAC reads every scenario folder under dir into a compiled problem.
func loadANAC(t testing.TB, dir string) map[string]*negotiation.Problem {
	t.Helper()
	type files struct {
		domain   string
		profiles []string
	}
	byDir := map[string]*files{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".xml" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f := byDir[filepath.Dir(path)]
		if f == nil {
			f = &files{}
			byDir[filepath.Dir(path)] = f
		}
		if bytes.Contains(data, []byte("<negotiation_template")) {
			f.domain = path
		} else {
			f.profiles = append(f.profiles, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*negotiation.Problem{}
	for d, f := range byDir {
		data, err := os.ReadFile(f.domain)
		if err != nil {
			t.Fatal(err)
		}
		dom, err := genius.ParseDomain(bytes.NewReader(data), f.domain)
		if err != nil {
			t.Fatal(err)
		}
		var ps []*genius.Profile
		for _, pf := range f.profiles {
			data, err := os.ReadFile(pf)
			if err != nil {
				t.Fatal(err)
			}
			p, err := genius.ParseProfile(bytes.NewReader(data), pf, dom)
			if err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
		}
		prob, err := genius.Scenario(dom, ps).Compile()
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(d)] = prob
	}
	if len(out) == 0 {
		t.Skipf("no scenarios under %s", dir)
	}
	return out
}

// TestANACMatchesBruteForce: on every ANAC scenario the merge gives the
// brute-force frontier (same vectors, valid witnesses), the bargaining
// points reach the brute-force optima, and the zone count is exact; then
// again with each party's reservation raised to 0.6 so that the points and
// the zone are not trivial.
func TestANACMatchesBruteForce(t *testing.T) {
	for name, p := range loadANAC(t, fixture.GeniusDir(t)) {
		t.Run(name, func(t *testing.T) {
			ref, err := p.Reference()
			if err != nil {
				t.Fatal(err)
			}
			negotiation.CheckFrontier(t, p, ref)
			for _, r := range []float64{0, 0.6} {
				for k := range p.Parties {
					p.Parties[k].Reservation = r
				}
				negotiation.CheckBargains(t, p, ref)
			}
		})
	}
}
