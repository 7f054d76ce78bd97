package linked

import (
	"context"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/parley-talks/parley/negotiation"
)

// energyScenario and prisonersScenario are the demo's shape: an energy
// moratorium and a prisoner exchange, each without a zone on its own.
func energyScenario() *negotiation.Scenario {
	return &negotiation.Scenario{Name: "Energy",
		Issues: []negotiation.IssueSpec{{Name: "Strikes on energy", Options: []string{"continue", "halt"}}},
		Profiles: []negotiation.ProfileSpec{
			{Name: "U", Weights: map[string]float64{"Strikes on energy": 1}, Values: map[string]map[string]float64{"Strikes on energy": {"halt": 1}}, Reservation: 0.6},
			{Name: "R", Weights: map[string]float64{"Strikes on energy": 1}, Values: map[string]map[string]float64{"Strikes on energy": {"continue": 1, "halt": 0.3}}, Reservation: 0.5},
		}}
}

func prisonersScenario() *negotiation.Scenario {
	return &negotiation.Scenario{Name: "Prisoners",
		Issues: []negotiation.IssueSpec{{Name: "Exchange", Options: []string{"none", "all for all"}}},
		Profiles: []negotiation.ProfileSpec{
			{Name: "U", Weights: map[string]float64{"Exchange": 1}, Values: map[string]map[string]float64{"Exchange": {"all for all": 1, "none": 0.4}}, Reservation: 0.5},
			{Name: "R", Weights: map[string]float64{"Exchange": 1}, Values: map[string]map[string]float64{"Exchange": {"none": 1, "all for all": 0.3}}, Reservation: 0.5},
		}}
}

// twoTracks links them with weights under which the joint deal has a zone.
func twoTracks(t *testing.T) Input {
	t.Helper()
	var in Input
	for _, s := range []*negotiation.Scenario{energyScenario(), prisonersScenario()} {
		p, err := s.Compile()
		if err != nil {
			t.Fatal(err)
		}
		in.Tracks = append(in.Tracks, Track{Name: s.Name, Problem: p})
	}
	in.Weights = Weights{"U": {"Energy": 0.3, "Prisoners": 0.7}, "R": {"Energy": 0.8, "Prisoners": 0.2}}
	return in
}

func TestLinkingOpensAZone(t *testing.T) {
	j, err := New(twoTracks(t))
	if err != nil {
		t.Fatal(err)
	}
	r, err := j.Analyze(context.Background(), Options{Zone: true, Blockers: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range r.Tracks {
		if tr.Zone {
			t.Errorf("track %s has a zone alone; the scenario wants none", tr.Name)
		}
	}
	if !r.Zone.Agreement || r.Nash == nil || len(r.Opens) != 2 {
		t.Fatalf("linking should open a zone on both tracks: agreement %v, opens %v", r.Zone.Agreement, r.Opens)
	}
	// Joint Nash: strikes continue (R's priority) and all for all (U's).
	got := r.Nash.Tracks[0].Package["Strikes on energy"] + " / " + r.Nash.Tracks[1].Package["Exchange"]
	if got != "continue / all for all" {
		t.Errorf("joint Nash package %q, want continue / all for all", got)
	}
	// U: 0.3·0 + 0.7·1 = 0.7 against 0.3·0.6 + 0.7·0.5 = 0.53.
	if l := r.Linkage[0]; l.Party != "U" || l.JointExact != "7/10" || l.AloneExact != "53/100" || l.GainExact != "17/100" {
		t.Errorf("linkage of U: %+v", l)
	}
	if len(r.Trades) != 1 || !r.Trades[0].CrossTrack || r.Trades[0].Gives[0] != "Energy: Strikes on energy" || r.Trades[0].For[0] != "Prisoners: Exchange" {
		t.Errorf("trades: %+v", r.Trades)
	}
	if r.Zone.Count == nil || *r.Zone.Count != "1" {
		t.Errorf("zone count %v, want 1", r.Zone.Count)
	}
	// What-if: unlink the prisoners — the energy track alone has no zone.
	u, err := j.Unlink("Prisoners")
	if err != nil {
		t.Fatal(err)
	}
	ru, err := u.Analyze(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ru.Zone.Agreement || ru.Nash != nil {
		t.Errorf("energy alone should have no zone")
	}
	// What-if: U cares as much about energy as about prisoners — no zone.
	w, err := j.WithWeight("U", "Energy", 0.7)
	if err != nil {
		t.Fatal(err)
	}
	rw, err := w.Analyze(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rw.Zone.Agreement {
		t.Errorf("with U's weights 0.7/0.7 the joint zone should be empty: %+v", rw.Linkage)
	}
	if rw.Weights[0][0] != 0.5 {
		t.Errorf("normalised weight %v, want 0.5", rw.Weights[0][0])
	}
}

func TestNewRefuses(t *testing.T) {
	base := func(t *testing.T) Input { return twoTracks(t) }
	cases := []struct {
		name string
		edit func(in *Input)
		want string
	}{
		{"self link", func(in *Input) { in.Tracks[1].Name = in.Tracks[0].Name }, `track "Energy" is linked to itself`},
		{"no tracks", func(in *Input) { in.Tracks = nil }, "no tracks"},
		{"negative", func(in *Input) { in.Weights["U"]["Energy"] = -0.1 }, `weights of "U": the weight of track "Energy" must be a finite number ≥ 0`},
		{"all zero", func(in *Input) { in.Weights["R"] = map[string]float64{"Energy": 0, "Prisoners": 0} }, `weights of "R" are all zero`},
		{"unknown party", func(in *Input) { in.Weights["X"] = map[string]float64{"Energy": 1} }, `unknown party "X"`},
		{"unknown track", func(in *Input) { in.Weights["U"]["Grain"] = 1 }, `unknown track "Grain"`},
		{"missing weights", func(in *Input) { delete(in.Weights, "U") }, `no cross-track weights for "U"`},
		{"no name", func(in *Input) { in.Tracks[0].Name = "" }, "track 0 has no name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := base(t)
			c.edit(&in)
			_, err := New(in)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "linked: ") {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
	// NaN, and a weight on a track the party is not on.
	in := base(t)
	in.Weights["U"]["Energy"] = nanWeight()
	if _, err := New(in); err == nil {
		t.Error("NaN weight accepted")
	}
	in = base(t)
	in.Tracks[1].Problem.Parties = in.Tracks[1].Problem.Parties[:1] // R leaves Prisoners
	if _, err := New(in); err == nil || !strings.Contains(err.Error(), `the party is not on track "Prisoners"`) {
		t.Errorf("weight off the party's tracks: %v", err)
	}
	in.Weights["R"] = nil // R is on Energy only: weight 1 there by default
	delete(in.Weights, "R")
	j, err := New(in)
	if err != nil {
		t.Fatal(err)
	}
	if j.Share(1, 0).Cmp(big.NewRat(1, 1)) != 0 {
		t.Errorf("a party on one track weighs it 1, got %v", j.Share(1, 0))
	}
}

func nanWeight() float64 {
	zero := 0.0
	return zero / zero
}

func TestAnalyzeCancelled(t *testing.T) {
	j, err := New(twoTracks(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := j.Analyze(ctx, Options{Zone: true, Blockers: true}); err == nil || !strings.Contains(err.Error(), context.Canceled.Error()) {
		t.Errorf("a cancelled analysis returned %v", err)
	}
}

// TestLinkingClosesAZone: a prisoner exchange that settles alone, linked
// to an energy track that does not, with both parties caring mostly
// about energy: nothing settles jointly, and the report says linking
// closes the prisoners' zone.
func TestLinkingClosesAZone(t *testing.T) {
	in := twoTracks(t)
	pr := *in.Tracks[1].Problem
	pr.Parties = slices.Clone(pr.Parties)
	pr.Parties[1].Reservation = 0.3 // R accepts all for all alone
	in.Tracks[1].Problem = &pr
	in.Weights = Weights{"U": {"Energy": 0.9, "Prisoners": 0.1}, "R": {"Energy": 0.9, "Prisoners": 0.1}}
	j, err := New(in)
	if err != nil {
		t.Fatal(err)
	}
	r, err := j.Analyze(context.Background(), Options{Zone: true})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Tracks[1].Zone || r.Zone.Agreement || r.Nash != nil {
		t.Fatalf("prisoners zone alone %v, joint agreement %v", r.Tracks[1].Zone, r.Zone.Agreement)
	}
	if len(r.Closes) != 1 || r.Closes[0] != "Prisoners" || len(r.Opens) != 0 {
		t.Errorf("closes %v, opens %v", r.Closes, r.Opens)
	}
	// U alone: 0.9·0.6 + 0.1·1 = 0.64; linked, no agreement: 0.9·0.6 + 0.1·0.5 = 0.59.
	if l := r.Linkage[0]; l.AloneExact != "16/25" || l.JointExact != "59/100" || l.Gain >= 0 {
		t.Errorf("linkage of U: %+v", l)
	}
}
