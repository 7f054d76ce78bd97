package parley

import (
	"math"
	"strings"
	"testing"
)

func TestProfileContentValidate(t *testing.T) {
	themes := []*Theme{{Name: "Duration", Options: []Option{{Label: "30 days"}, {Label: "90 days"}}}}
	const secret = "SECRET-NAME-7f3a"
	weighted := map[string]float64{"Duration": 1} // the link weight cases are otherwise valid
	tests := []struct {
		name  string
		c     ProfileContent
		field string // "" for valid
	}{
		{"valid", ProfileContent{Weights: map[string]float64{"Duration": 1}, Values: map[string]map[string]float64{"Duration": {"30 days": 0.2, "90 days": 1}}, Reservation: 0.4,
			RedLines: []RedLine{{Kind: "forbid", Issue: "Duration", Option: "30 days"}}, CoreDemands: []Choice{{"Duration", "90 days"}}}, ""},
		{"unknown theme weight", ProfileContent{Weights: map[string]float64{secret: 1}}, "weights"},
		{"negative weight", ProfileContent{Weights: map[string]float64{"Duration": -1}}, "weights"},
		{"unknown option value", ProfileContent{Values: map[string]map[string]float64{"Duration": {secret: 0.5}}}, "values"},
		{"value above 1", ProfileContent{Values: map[string]map[string]float64{"Duration": {"30 days": 1.5}}}, "values"},
		{"reservation above 1", ProfileContent{Reservation: 1.01}, "reservation"},
		{"red line unknown kind", ProfileContent{RedLines: []RedLine{{Kind: "veto"}}}, "red_lines"},
		{"red line unknown option", ProfileContent{RedLines: []RedLine{{Kind: "forbid", Issue: "Duration", Option: secret}}}, "red_lines"},
		{"rule with unknown then", ProfileContent{RedLines: []RedLine{{Kind: "rule", Issue: "Duration", Option: "30 days", Then: secret, In: []string{"x"}}}}, "red_lines"},
		{"min utility out of range", ProfileContent{RedLines: []RedLine{{Kind: "min_utility", Min: 2}}}, "red_lines"},
		{"all weights 0", ProfileContent{Weights: map[string]float64{"Duration": 0}}, "weights"},
		{"no weights", ProfileContent{Reservation: 0.2}, "weights"},
		{"core demand unknown", ProfileContent{CoreDemands: []Choice{{secret, "x"}}}, "core_demands"},
		{"link weight 0", ProfileContent{Weights: weighted, LinkWeight: ptrTo(0.0)}, ""},
		{"link weight at the limit", ProfileContent{Weights: weighted, LinkWeight: ptrTo(float64(MaxLinkWeight))}, ""},
		{"link weight above the limit", ProfileContent{Weights: weighted, LinkWeight: ptrTo(MaxLinkWeight + 0.5)}, "link_weight"},
		{"negative link weight", ProfileContent{Weights: weighted, LinkWeight: ptrTo(-0.1)}, "link_weight"},
		{"NaN link weight", ProfileContent{Weights: weighted, LinkWeight: ptrTo(math.NaN())}, "link_weight"},
		{"infinite link weight", ProfileContent{Weights: weighted, LinkWeight: ptrTo(math.Inf(1))}, "link_weight"},
	}
	for _, tt := range tests {
		err := tt.c.Validate(themes)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if ErrorCode(err) != EINVALID || ErrorField(err) != tt.field {
			t.Errorf("%s: err = %v, want EINVALID on %s", tt.name, err, tt.field)
		}
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the error quotes sealed input: %v", tt.name, err)
		}
	}
}

func TestProfileContentCrossed(t *testing.T) {
	c := ProfileContent{Weights: map[string]float64{"Duration": 1, "Scope": 1},
		Values: map[string]map[string]float64{"Duration": {"30 days": 0, "90 days": 1}, "Scope": {"Grid": 1, "Ports": 0}},
		RedLines: []RedLine{
			{Kind: "forbid", Issue: "Duration", Option: "30 days"},
			{Kind: "require", Issue: "Scope", Option: "Grid"},
			{Kind: "rule", Issue: "Duration", Option: "90 days", Then: "Scope", In: []string{"Grid"}},
			{Kind: "min_utility", Min: 0.6},
		}}
	tests := []struct {
		name  string
		pkg   []Choice
		kinds []string
	}{
		{"the best package", []Choice{{"Duration", "90 days"}, {"Scope", "Grid"}}, nil},
		{"the worst package", []Choice{{"Duration", "30 days"}, {"Scope", "Ports"}}, []string{"forbid", "require", "min_utility"}},
		{"a rule's consequence outside", []Choice{{"Duration", "90 days"}, {"Scope", "Ports"}}, []string{"require", "rule", "min_utility"}},
		{"open themes cross only the minimum", nil, []string{"min_utility"}},
		{"one theme settled, below the minimum", []Choice{{"Duration", "90 days"}}, []string{"min_utility"}},
	}
	for _, tt := range tests {
		var kinds []string
		for _, r := range c.Crossed(tt.pkg) {
			kinds = append(kinds, r.Kind)
		}
		if strings.Join(kinds, ",") != strings.Join(tt.kinds, ",") {
			t.Errorf("%s: crossed %v, want %v", tt.name, kinds, tt.kinds)
		}
	}
}
func ptrTo[T any](v T) *T { return &v }
