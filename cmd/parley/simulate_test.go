package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parley-talks/parley/internal/fixture"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/negotiation/sim"
)

func TestSimulateGeniusJSON(t *testing.T) {
	d := filepath.Join(fixture.GeniusDir(t), "y2011", "Laptop")
	code, out, errOut := runCLI(t, "simulate", "--format", "json", "--steps", "50", "--strategies", "boulware,conceder",
		filepath.Join(d, "laptop_domain.xml"), filepath.Join(d, "laptop_buyer_utility.xml"), filepath.Join(d, "laptop_seller_utility.xml"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	checkKeys(t, out, "agreement", "distance_to_frontier", "distance_to_nash", "offers", "parties", "protocol", "rounds", "strategies")
	var r sim.Trace
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatal(err)
	}
	if r.Agreement == nil || r.Agreement.Round > 50 || r.Agreement.Outcome["Laptop"] == "" || len(r.Agreement.Utility) != 2 {
		t.Fatalf("agreement %+v", r.Agreement)
	}
	if r.Offers[0].Party != "laptop_buyer_utility" || r.Offers[0].Round != 1 || r.DistanceToFrontier == nil || *r.DistanceToFrontier != 0 {
		t.Fatalf("first offer %+v, distance %v", r.Offers[0], r.DistanceToFrontier)
	}
}

func TestSimulateText(t *testing.T) {
	path := writeScenario(t, &talks)
	code, out, errOut := runCLI(t, "simulate", "--strategies", "linear,linear", "--protocol", "single-text", "--steps", "30", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Protocol: single-text; strategies: North linear, South linear", "round 1, mediator:"} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestSimulateBadInput(t *testing.T) {
	path := writeScenario(t, &talks)
	empty := talks
	empty.Issues = append(slices.Clone(talks.Issues), negotiation.IssueSpec{Name: "Empty"})
	emptyPath := writeScenario(t, &empty)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--strategies", "linear,stubborn", path}, 1, `unknown strategy "stubborn"`},
		{[]string{"--strategies", "linear,linear", "--steps", "0", path}, 2, "--steps 0"},
		{[]string{"--strategies", "linear,linear", "--steps", "1000000000", path}, 2, "--steps 1000000000"},
		{[]string{"--strategies", "linear", path}, 1, "1 strategies for 2 parties"},
		{[]string{path}, 2, "--strategies"},
		{[]string{"--strategies", "linear,linear", "--protocol", "auction", path}, 1, `unknown protocol "auction"`},
		{[]string{"--strategies", "linear,linear", emptyPath}, 1, `"Empty"`},
	} {
		code, _, errOut := runCLI(t, append([]string{"simulate"}, c.args...)...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q; want exit %d naming %q", c.args, code, errOut, c.code, c.want)
		}
	}
}
