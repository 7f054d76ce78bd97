package linked_test

import (
	"context"
	"fmt"

	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/negotiation/linked"
)

// Two tracks without a zone of their own: the energy moratorium matters
// most to R, the prisoner exchange to U. Linked, R gets its way on energy
// and U on prisoners, and both do better than with no agreement.
func ExampleJoint_Analyze() {
	track := func(name, issue string, options []string, u, r map[string]float64, ru, rr float64) linked.Track {
		s := &negotiation.Scenario{Name: name,
			Issues: []negotiation.IssueSpec{{Name: issue, Options: options}},
			Profiles: []negotiation.ProfileSpec{
				{Name: "U", Weights: map[string]float64{issue: 1}, Values: map[string]map[string]float64{issue: u}, Reservation: ru},
				{Name: "R", Weights: map[string]float64{issue: 1}, Values: map[string]map[string]float64{issue: r}, Reservation: rr},
			}}
		p, err := s.Compile()
		if err != nil {
			panic(err)
		}
		return linked.Track{Name: name, Problem: p}
	}
	j, err := linked.New(linked.Input{
		Tracks: []linked.Track{
			track("Energy", "Strikes", []string{"continue", "halt"}, map[string]float64{"halt": 1}, map[string]float64{"continue": 1, "halt": 0.3}, 0.6, 0.5),
			track("Prisoners", "Exchange", []string{"none", "all for all"}, map[string]float64{"all for all": 1, "none": 0.4}, map[string]float64{"none": 1, "all for all": 0.3}, 0.5, 0.5),
		},
		Weights: linked.Weights{"U": {"Energy": 0.3, "Prisoners": 0.7}, "R": {"Energy": 0.8, "Prisoners": 0.2}},
	})
	if err != nil {
		panic(err)
	}
	r, err := j.Analyze(context.Background(), linked.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println("opens:", r.Opens)
	for _, tp := range r.Nash.Tracks {
		fmt.Println(tp.Track+":", tp.Package)
	}
	for _, l := range r.Linkage {
		fmt.Printf("%s: %s linked, %s alone\n", l.Party, l.JointExact, l.AloneExact)
	}
	for _, tr := range r.Trades {
		fmt.Printf("%s gives on %v for %v\n", tr.Party, tr.Gives, tr.For)
	}
	// Output:
	// opens: [Energy Prisoners]
	// Energy: map[Strikes:continue]
	// Prisoners: map[Exchange:all for all]
	// U: 7/10 linked, 53/100 alone
	// R: 43/50 linked, 1/2 alone
	// U gives on [Energy: Strikes] for [Prisoners: Exchange]
}
