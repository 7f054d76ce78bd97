package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parley-talks/parley/internal/fixture"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/negotiation/genius"
)

func compile(t testing.TB, s *negotiation.Scenario) *negotiation.Problem {
	t.Helper()
	p, err := s.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBadInput(t *testing.T) {
	p := compile(t, negotiation.Generate(1, 2, 3, 4))
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Rounds: 10, Strategies: []string{"boulware", "stubborn"}}, `unknown strategy "stubborn"`},
		{Config{Rounds: 0, Strategies: []string{"boulware", "linear"}}, "deadline of 0 rounds"},
		{Config{Rounds: 1_000_000_000, Strategies: []string{"boulware", "linear"}}, "deadline of 1000000000 rounds"},
		{Config{Rounds: 10, Strategies: []string{"boulware"}}, "1 strategies for 2 parties"},
		{Config{Rounds: 10, Strategies: []string{"time:0", "linear"}}, `strategy "time:0"`},
		{Config{Rounds: 10, Strategies: []string{"linear", "linear"}, Protocol: "auction"}, `unknown protocol "auction"`},
	} {
		if _, err := Run(context.Background(), p, c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.cfg, err, c.want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, p, Config{Rounds: 10, Strategies: []string{"linear", "linear"}}); err == nil {
		t.Error("a cancelled context ran")
	}
}

// TestConcessions: two linear agents with no reservations meet before the
// deadline on the frontier; two Boulware agents whose reservations leave
// no package both accept never agree; runs are reproducible from the seed.
func TestConcessions(t *testing.T) {
	p := compile(t, negotiation.Generate(1, 2, 6, 10))
	cfg := Config{Rounds: 100, Strategies: []string{"linear", "linear"}, Seed: 7}
	r, err := Run(context.Background(), p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if r.Agreement == nil || r.Agreement.Round >= 100 || r.DistanceToFrontier != 0 || math.IsNaN(r.DistanceToNash) {
		t.Fatalf("agreement %+v, distances %v %v", r.Agreement, r.DistanceToFrontier, r.DistanceToNash)
	}
	if r.Offers[0].Party != 0 || r.Offers[1].Party != 1 || r.Offers[0].Round != 1 {
		t.Fatalf("first offers %+v", r.Offers[:2])
	}
	again, err := Run(context.Background(), p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, again, cmp.Comparer(func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) })); diff != "" {
		t.Fatalf("same seed, different runs:\n%s", diff)
	}
	for k := range p.Parties {
		p.Parties[k].Reservation = 0.95
	}
	r, err = Run(context.Background(), p, Config{Rounds: 1000, Strategies: []string{"boulware", "boulware"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Agreement != nil || r.Rounds != 1000 || len(r.Offers) != 2000 || !math.IsNaN(r.DistanceToNash) {
		t.Fatalf("agreement %+v after %d rounds and %d offers", r.Agreement, r.Rounds, len(r.Offers))
	}
}

// TestSingleText: the mediator's text reaches a package every party
// accepts, and each proposal is a frontier package.
func TestSingleText(t *testing.T) {
	p := compile(t, negotiation.Generate(2, 3, 6, 6))
	for k := range p.Parties {
		p.Parties[k].Reservation = 0.5
	}
	r, err := Run(context.Background(), p, Config{Rounds: 200, Strategies: []string{"boulware", "linear", "tit-for-tat"}, Protocol: SingleText})
	if err != nil {
		t.Fatal(err)
	}
	if r.Agreement == nil {
		t.Fatalf("no agreement in %d rounds", r.Rounds)
	}
	for _, o := range r.Offers {
		if o.Party != -1 {
			t.Fatalf("offer %+v not by the mediator", o)
		}
	}
	for k, u := range r.Agreement.Utility {
		if u < p.Parties[k].Reservation {
			t.Fatalf("agreement %v below party %d's reservation", r.Agreement.Utility, k)
		}
	}
}

// bruteCandidates is the frontier enumerated by the exact reference, with
// each point's utilities as the problem computes them.
type bruteCandidates struct {
	p   *negotiation.Problem
	pts []negotiation.ReferencePoint
}

func (b bruteCandidates) Len() int     { return len(b.pts) }
func (b bruteCandidates) Parties() int { return len(b.p.Parties) }
func (b bruteCandidates) Outcome(i int) negotiation.Outcome {
	return b.pts[i].Outcomes[0]
}
func (b bruteCandidates) Utility(i int) []float64 {
	var u []float64
	for _, pa := range b.p.Parties {
		u = append(u, pa.Utility.Utility(b.pts[i].Outcomes[0]))
	}
	return u
}

// TestANACReplay runs each strategy pair on an ANAC scenario and replays
// it over the frontier that brute-force enumeration finds: the same
// offers' utilities, the same agreement (a package of the same point) in
// the same round.
func TestANACReplay(t *testing.T) {
	dir := fixture.GeniusDir(t) + "/y2010/EnglandZimbabwe/"
	p := loadGenius(t, dir+"EnglandZimbabwe_domain.xml", dir+"England.xml", dir+"Zimbabwe.xml")
	ref, err := p.Reference()
	if err != nil {
		t.Fatal(err)
	}
	brute := bruteCandidates{p, ref.Frontier}
	for _, res := range []float64{0, 0.6} {
		for k := range p.Parties {
			p.Parties[k].Reservation = res
		}
		for _, pair := range [][]string{{"boulware", "linear"}, {"conceder", "tit-for-tat"}, {"time:0.5", "boulware"}, {"tit-for-tat", "linear"}} {
			for _, proto := range []string{SAOP, SingleText} {
				cfg := Config{Rounds: 300, Strategies: pair, Protocol: proto, Seed: 3}
				got, err := Run(context.Background(), p, cfg)
				if err != nil {
					t.Fatal(err)
				}
				want, err := RunOn(context.Background(), p, brute, cfg)
				if err != nil {
					t.Fatal(err)
				}
				name := strings.Join(pair, ",") + "/" + proto
				if len(got.Offers) != len(want.Offers) {
					t.Fatalf("%s: %d offers, replay %d", name, len(got.Offers), len(want.Offers))
				}
				for j := range got.Offers {
					if !slices.Equal(got.Offers[j].Utility, want.Offers[j].Utility) {
						t.Fatalf("%s: offer %d %v, replay %v", name, j, got.Offers[j].Utility, want.Offers[j].Utility)
					}
				}
				if (got.Agreement == nil) != (want.Agreement == nil) {
					t.Fatalf("%s: agreement %+v, replay %+v", name, got.Agreement, want.Agreement)
				}
				if got.Agreement != nil {
					if got.Agreement.Round != want.Agreement.Round || !slices.Equal(got.Agreement.Utility, want.Agreement.Utility) {
						t.Fatalf("%s: agreement %+v, replay %+v", name, got.Agreement, want.Agreement)
					}
					pt := slices.IndexFunc(ref.Frontier, func(rp negotiation.ReferencePoint) bool {
						return slices.ContainsFunc(rp.Outcomes, func(o negotiation.Outcome) bool { return slices.Equal(o, got.Agreement.Outcome) })
					})
					if pt < 0 {
						t.Fatalf("%s: agreed package %v is not on the brute-force frontier", name, got.Agreement.Outcome)
					}
				}
			}
		}
	}
}

// TestHugeSpace: 10^18 packages, offers from the frontier without
// enumeration.
func TestHugeSpace(t *testing.T) {
	p := compile(t, negotiation.Generate(1, 2, 18, 10))
	if p.Size().Cmp(new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)) != 0 {
		t.Fatal(p.Size())
	}
	r, err := Run(context.Background(), p, Config{Rounds: 1000, Strategies: []string{"boulware", "conceder"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Agreement == nil || len(r.Agreement.Outcome) != 18 {
		t.Fatalf("agreement %+v", r.Agreement)
	}
}

func loadGenius(t *testing.T, domain string, profiles ...string) *negotiation.Problem {
	t.Helper()
	s, err := genius.LoadFiles(domain, profiles...)
	if err != nil {
		t.Fatal(err)
	}
	return compile(t, s)
}

// TestWriteJSON: the hand-written JSON decodes to the same Report as
// encoding/json's, and is valid JSON.
func TestWriteJSON(t *testing.T) {
	p := compile(t, negotiation.Generate(1, 3, 4, 5))
	p.Issues[0].Name = `quote " and \ backslash`
	cfg := Config{Rounds: 30, Strategies: []string{"boulware", "linear", "tit-for-tat"}}
	for _, proto := range []string{SAOP, SingleText} {
		cfg.Protocol = proto
		res, err := Run(context.Background(), p, cfg)
		if err != nil {
			t.Fatal(err)
		}
		want := res.Trace(p, cfg)
		var b bytes.Buffer
		if err := want.WriteJSON(&b, p); err != nil {
			t.Fatal(err)
		}
		var got Trace
		dec := json.NewDecoder(&b)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("%v:\n%s", err, b.String())
		}
		if diff := cmp.Diff(want, &got); diff != "" {
			t.Fatalf("%s: decoded report differs (-want +got):\n%s", proto, diff)
		}
	}
	empty := &Trace{Protocol: SAOP, Offers: []TraceOffer{}}
	var b bytes.Buffer
	if err := empty.WriteJSON(&b, p); err != nil || !json.Valid(b.Bytes()) {
		t.Fatalf("%v: %s", err, b.String())
	}
}
