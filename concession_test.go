package parley_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parley-talks/parley"
)

func TestConcessions(t *testing.T) {
	ua, ru := int64(1), int64(2)
	// Ukraine: weights 3 (Ceasefire) and 1 (Prisoners), so utilities are
	// quarters; Russia prefers the other end of each theme.
	own := &parley.ProfileContent{Weights: map[string]float64{"Ceasefire": 3, "Prisoners": 1},
		Values: map[string]map[string]float64{"Ceasefire": {"full": 1, "partial": 0.5, "none": 0}, "Prisoners": {"all for all": 1, "none": 0}}}
	russia := &parley.Profile{PartyID: ru, Content: parley.ProfileContent{Weights: map[string]float64{"Ceasefire": 1, "Prisoners": 1},
		Values: map[string]map[string]float64{"Ceasefire": {"full": 0, "partial": 0.5, "none": 1}, "Prisoners": {"all for all": 0, "none": 1}}}}
	ukraine := &parley.Profile{PartyID: ua, Content: *own}
	pkg := func(cs ...string) []parley.Choice {
		var out []parley.Choice
		for i := 0; i < len(cs); i += 2 {
			out = append(out, parley.Choice{Theme: cs[i], Option: cs[i+1]})
		}
		return out
	}
	proposals := []*parley.Proposal{
		{ID: 10, AuthorPartyID: &ua, Package: pkg("Ceasefire", "full", "Prisoners", "none")},
		{ID: 11, AuthorPartyID: &ru, Package: pkg("Ceasefire", "none")}, // another author: skipped
		{ID: 12, Package: pkg("Ceasefire", "partial")},                  // the mediators': skipped
		// Gave up half the ceasefire in return for all prisoners.
		{ID: 13, AuthorPartyID: &ua, Package: pkg("Ceasefire", "partial", "Prisoners", "all for all")},
		// Left prisoners open: gave up what it had won there.
		{ID: 14, AuthorPartyID: &ua, Package: pkg("Ceasefire", "partial")},
	}
	got := parley.Concessions(ua, proposals, own, []*parley.Profile{ukraine, russia})
	want := []parley.Concession{
		{PartyID: ua, FromProposalID: 10, ToProposalID: 13, Change: -0.125, Moves: []parley.ThemeMove{
			{Theme: "Ceasefire", From: "full", To: "partial", Change: -0.375, Toward: []int64{ru}},
			{Theme: "Prisoners", From: "none", To: "all for all", Change: 0.25, Toward: []int64{}},
		}},
		{PartyID: ua, FromProposalID: 13, ToProposalID: 14, Change: -0.25, Moves: []parley.ThemeMove{
			{Theme: "Prisoners", From: "all for all", To: "", Change: -0.25, Toward: []int64{}},
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("concessions (-want +got):\n%s", diff)
	}
	// A delegate's view: no other party's profile, so Toward stays empty.
	for _, c := range parley.Concessions(ua, proposals, own, []*parley.Profile{ukraine}) {
		for _, m := range c.Moves {
			if len(m.Toward) != 0 {
				t.Errorf("toward %v without the others' profiles", m.Toward)
			}
		}
	}
	if got := parley.Concessions(ru, proposals, &russia.Content, nil); len(got) != 0 {
		t.Errorf("one proposal makes no concession: %+v", got)
	}
}
