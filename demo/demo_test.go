package demo

import (
	"strings"
	"testing"

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
