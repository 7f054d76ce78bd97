package demo

import (
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
)

func TestDefaultScenarioIsComplete(t *testing.T) {
	sc, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Tracks) < 6 {
		t.Errorf("demo has %d tracks, want at least 6", len(sc.Tracks))
	}
	wantParties := []string{"Ukraine", "Russia", "Qatar", "Saudi Arabia", "Türkiye", "China", "United Nations",
		"International Committee of the Red Cross", "United Arab Emirates", "Germany"}
	have := map[string]bool{}
	for _, p := range sc.Parties {
		have[p.Name] = true
		if err := p.Validate(); err != nil {
			t.Errorf("party %q: %v", p.Name, err)
		}
	}
	for _, n := range wantParties {
		if !have[n] {
			t.Errorf("demo lacks party %q", n)
		}
	}
	for _, ts := range sc.Tracks {
		if len(ts.Themes) == 0 {
			t.Errorf("track %q has no themes", ts.Key)
		}
		for _, th := range ts.Themes {
			if n := len(th.Options); n < 3 || n > 5 {
				t.Errorf("track %q theme %q has %d options, want 3–5", ts.Key, th.Name, n)
			}
		}
		if len(ts.Positions) != 2 {
			t.Errorf("track %q has %d positions, want Ukraine's and Russia's", ts.Key, len(ts.Positions))
		}
		// The first status is exploratory; every step must be legal.
		from := parley.StatusExploratory
		for _, h := range ts.History {
			if err := from.CheckTransition(h.To); err != nil {
				t.Errorf("track %q: %v", ts.Key, err)
			}
			from = h.To
		}
	}
	// Ukraine's core demands from the seed are all on the principles track.
	var principles *TrackSpec
	for i := range sc.Tracks {
		if sc.Tracks[i].Key == "principles" {
			principles = &sc.Tracks[i]
		}
	}
	if principles == nil {
		t.Fatal("no principles track")
	}
	var demands []string
	for _, p := range principles.Positions {
		if p.Party == "Ukraine" {
			for _, c := range p.CoreDemands {
				demands = append(demands, c.Option)
			}
		}
	}
	joined := strings.Join(demands, "|")
	for _, want := range []string{"Full withdrawal of Russian troops", "Reversal of all annexations", "Demilitarised, de-occupied", "Unhindered movement"} {
		if !strings.Contains(joined, want) {
			t.Errorf("Ukraine's core demands %q lack %q", joined, want)
		}
	}
}

func TestParseRejectsBrokenScenarios(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"malformed", `{"parties": [`, "parse scenario"},
		{"unknown field", `{"partys": []}`, `unknown field "partys"`},
		{"unknown party", `{"tracks": [{"key": "t", "parties": [{"party": "Atlantis", "role": "host"}]}]}`, `unknown party "Atlantis"`},
		{"unknown venue", `{"tracks": [{"key": "t", "venues": ["Nowhere"]}]}`, `unknown venue "Nowhere"`},
		{"unknown event", `{"tracks": [{"key": "t", "history": [{"to": "active", "event": "x"}]}]}`, `unknown event "x"`},
		{"event links unknown track", `{"events": [{"key": "e", "tracks": ["t"]}]}`, `unknown track "t"`},
		{"position of a non-principal", `{"parties": [{"name": "A"}], "tracks": [{"key": "t", "parties": [{"party": "A", "role": "host"}], "positions": [{"party": "A"}]}]}`, "not a principal"},
		{"account on unknown track", `{"accounts": [{"email": "a@b.c", "memberships": [{"track": "zz", "role": "mediator"}]}]}`, `unknown track "zz"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse: err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

// TestGrainCorridorWarnsBeforeCollapse computes the early warning of the
// grain corridor's agreement over its reports with the default thresholds:
// the deal that failed shows it before it collapses on 2023-07-17.
func TestGrainCorridorWarnsBeforeCollapse(t *testing.T) {
	sc, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var spec *AgreementSpec
	for _, ts := range sc.Tracks {
		if ts.Key == "grain" && len(ts.Agreements) > 0 {
			spec = &ts.Agreements[0]
		}
	}
	if spec == nil {
		t.Fatal("the grain track has no agreement")
	}
	if len(spec.Renewals) != 3 || len(spec.History) == 0 || spec.History[len(spec.History)-1].To != parley.AgreementCollapsed {
		t.Fatalf("grain agreement: %d renewals, history %+v", len(spec.Renewals), spec.History)
	}
	ids := map[string]int64{}
	var cs []*parley.Commitment
	for i, c := range spec.Commitments {
		ids[c.Key] = int64(i + 1)
		cs = append(cs, &parley.Commitment{ID: int64(i + 1), Recurrence: c.Recurrence, Due: c.Due})
	}
	var rs []*parley.Report
	for i, r := range spec.Reports {
		rs = append(rs, &parley.Report{ID: int64(i + 1), CommitmentID: ids[r.Commitment], Date: r.Date, Finding: r.Finding})
	}
	a := &parley.Agreement{ID: 1, Status: parley.AgreementInForce, Warning: parley.DefaultWarningThresholds}
	collapse := spec.History[len(spec.History)-1].At
	w := parley.EarlyWarning(a, cs, rs, collapse)
	if w == nil {
		t.Fatal("no early warning before the collapse")
	}
	if w.To >= "2023-07-17" || w.From == "" {
		t.Errorf("warning window %s – %s does not end before the collapse", w.From, w.To)
	}
	// It had already triggered in the spring, while registrations
	// stalled: over the reports known on 1 May 2023.
	var known []*parley.Report
	for _, r := range rs {
		if r.Date <= "2023-05-01" {
			known = append(known, r)
		}
	}
	spring := parley.EarlyWarning(a, cs, known, time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC))
	if spring == nil || spring.To > "2023-05-01" {
		t.Errorf("no warning by 1 May 2023: %+v", spring)
	}
}
