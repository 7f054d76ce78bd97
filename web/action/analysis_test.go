package action

import (
	"testing"

	"github.com/parley-talks/parley"
)

func TestGapOf(t *testing.T) {
	themes := []*parley.Theme{{ID: 1, Name: "Duration", Position: 0}, {ID: 2, Name: "Scope", Position: 1}}
	tests := []struct {
		name      string
		weights   map[string]float64
		leftOut   bool
		unweighed []string
		gap       bool
	}{
		{"complete", map[string]float64{"Duration": 1, "Scope": 0}, false, nil, false},
		{"every weight 0 (stored before the rule)", map[string]float64{"Duration": 0, "Scope": 0}, true, nil, true},
		{"no weights", nil, true, []string{"Duration", "Scope"}, true},
		{"a theme added since", map[string]float64{"Duration": 1}, false, []string{"Scope"}, true},
	}
	for _, tt := range tests {
		g := gapOf(&parley.ProfileContent{Weights: tt.weights}, themes)
		if (g != nil) != tt.gap {
			t.Errorf("%s: gap %v, want %v", tt.name, g, tt.gap)
			continue
		}
		if g == nil {
			continue
		}
		if g.LeftOut() != tt.leftOut || len(g.Unweighed) != len(tt.unweighed) {
			t.Errorf("%s: left out %v, unweighed %v; want %v, %v", tt.name, g.LeftOut(), g.Unweighed, tt.leftOut, tt.unweighed)
		}
	}
	if g := gapOf(&parley.ProfileContent{}, nil); g != nil {
		t.Errorf("a track without themes: gap %v", g)
	}
}
