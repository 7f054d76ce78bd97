package negotiation_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley/internal/fixture"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/negotiation/genius"
)

// refusals are the reasons a file of the collection may be refused for,
// each with the number of files refused for it: every other file must be
// read. A change in these counts is a change in what Parley reads.
var refusals = []struct {
	reason string
	files  int
}{
	{"non-linear utility spaces (hyperRectangle constraints) are not supported", 36}, // ANAC 2014
	{"not a GENIUS domain or profile", 18},                                           // pareto.xml: comma-separated text
	{"a GENIUS tournament set-up, not a domain or profile", 3},
	{`item "0" listed twice`, 1}, // AMPOvsCity: two evaluations for one value
}

// maxCompared bounds the spaces the exact reference enumerates here.
const maxCompared = 200_000

// TestGeniusCollection reads every XML file of the GENIUS/ANAC collection
// (and of ../shared/domains/genius): each is read, or refused with an error
// naming the file and one of the known reasons. Every folder whose domain
// and at least two profiles read is analysed (up to its first four
// profiles) under a budget, and, where the space has at most maxCompared
// packages, its frontier, zone and bargaining points (at reservation 0 and
// 0.6) and its blockers (at 0.6) are compared with the exact reference.
func TestGeniusCollection(t *testing.T) {
	if testing.Short() {
		t.Skip("reads ~740 files and enumerates ~150 scenarios; run without -short")
	}
	refused := map[string]int{}
	var read, compared, analysed int
	for _, root := range []string{fixture.GeniusDir(t), fixture.GeniusCollectionDir(t)} {
		byDir := map[string][]string{}
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && filepath.Ext(path) == ".xml" {
				byDir[filepath.Dir(path)] = append(byDir[filepath.Dir(path)], path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for dir, files := range byDir {
			slices.Sort(files)
			refuse := func(path string, err error) {
				t.Helper()
				var ge *genius.Error
				if !errors.As(err, &ge) || ge.File != path {
					t.Errorf("%s: error %v does not name the file", path, err)
					return
				}
				for _, r := range refusals {
					if strings.Contains(err.Error(), r.reason) {
						refused[r.reason]++
						return
					}
				}
				t.Errorf("%s: refused for an unexpected reason: %v", path, err)
			}
			var dom *genius.Domain
			var profiles []string
			for _, path := range files {
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Contains(data, []byte("<negotiation_template")) {
					profiles = append(profiles, path)
					continue
				}
				if dom != nil {
					t.Fatalf("%s: two domain files", dir)
				}
				if dom, err = genius.ParseDomain(bytes.NewReader(data), path); err != nil {
					refuse(path, err)
				} else {
					read++
				}
			}
			if dom == nil {
				t.Errorf("%s: no domain read", dir)
				continue
			}
			var ps []*genius.Profile
			for _, path := range profiles {
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				p, err := genius.ParseProfile(bytes.NewReader(data), path, dom)
				if err != nil {
					refuse(path, err)
					continue
				}
				read++
				ps = append(ps, p)
			}
			if len(ps) < 2 {
				continue
			}
			ps = ps[:min(len(ps), 4)]
			name, _ := filepath.Rel(root, dir)
			t.Run(name, func(t *testing.T) {
				p, err := genius.Scenario(dom, ps).Compile()
				if err != nil {
					t.Fatal(err)
				}
				analysed++
				r, err := p.AnalyzeContext(context.Background(), negotiation.AnalyzeOptions{Budget: 5 * time.Second})
				if err != nil || len(r.Frontier) == 0 {
					t.Fatalf("analysis: %v (%d frontier points)", err, len(r.Frontier))
				}
				if p.Size().Cmp(negotiation.BigInt(maxCompared)) > 0 {
					return
				}
				compared++
				ref, err := p.Reference()
				if err != nil {
					t.Fatal(err)
				}
				negotiation.CheckFrontier(t, p, ref)
				for _, res := range []float64{0, 0.6} {
					for k := range p.Parties {
						p.Parties[k].Reservation = res
					}
					negotiation.CheckBargains(t, p, ref)
				}
				// Blockers at 0.6: lowering one party's reservation to 0.5
				// opens what the reference counts.
				base, err := p.CountZone(negotiation.ZoneOptions{})
				if err != nil {
					t.Fatal(err)
				}
				rel, err := p.Blockers(base, 0.1, 5, negotiation.ZoneOptions{})
				if err != nil || len(rel) != len(p.Parties) {
					t.Fatalf("%d relaxations (%v), want one per party", len(rel), err)
				}
				for _, x := range rel {
					d := p.Reservations()
					d[x.Party] = 0.5
					zone, _, _, _, _ := ref.At(d)
					if !x.Zone.Exact || x.Zone.Count.Int64() != zone {
						t.Fatalf("lowering party %d to 0.5: zone %v, reference %d", x.Party, x.Zone.Count, zone)
					}
				}
			})
		}
	}
	for _, r := range refusals {
		if refused[r.reason] != r.files {
			t.Errorf("%d files refused for %q, want %d", refused[r.reason], r.reason, r.files)
		}
	}
	t.Logf("%d files read, %d scenarios analysed, %d compared with the exact reference", read, analysed, compared)
}
