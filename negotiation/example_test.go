package negotiation_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/parley-talks/parley/negotiation"
)

// A scenario as a delegation's sealed profiles would store it, analysed in
// one call; the Report marshals to the JSON of `parley analyze --format
// json`.
func ExampleAnalyze() {
	const doc = `{
	  "name": "corridor",
	  "issues": [
	    {"name": "Ports", "options": ["closed", "one", "all"]},
	    {"name": "Inspections", "options": ["none", "joint", "UN"]}
	  ],
	  "profiles": [
	    {"name": "North", "weights": {"Ports": 2, "Inspections": 1},
	     "values": {"Ports": {"all": 1, "one": 0.6}, "Inspections": {"UN": 1, "joint": 0.5}},
	     "reservation": 0.4},
	    {"name": "South", "weights": {"Ports": 1, "Inspections": 1},
	     "values": {"Ports": {"closed": 1, "one": 0.7}, "Inspections": {"none": 1, "joint": 0.8}},
	     "reservation": 0.5,
	     "red_lines": [{"kind": "forbid", "issue": "Inspections", "option": "UN"}]}
	  ]
	}`
	s, err := negotiation.DecodeScenario(strings.NewReader(doc))
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := negotiation.Analyze(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("packages:", r.Outcomes, "frontier:", len(r.Frontier))
	fmt.Println("nash:", r.Nash.Outcomes[0]["Ports"], "/", r.Nash.Outcomes[0]["Inspections"])
	fmt.Println("zone:", *r.AgreementZone.Count, "exact:", r.AgreementZone.Exact)
	fmt.Println("top blocker:", r.Blockers[0].Party, r.Blockers[0].Rule, "opens", r.Blockers[0].Opens)
	js, _ := json.Marshal(r.AgreementZone.Examples[0])
	fmt.Println("example:", string(js))
	// North values one/none at exactly 2/3·0.6 = 0.4 (float64 sums would
	// give 0.39999999999999997): it meets North's 0.4 reservation.

	// Output:
	// packages: 9 frontier: 6
	// nash: one / joint
	// zone: 3 exact: true
	// top blocker: South lower reservation from 0.5 to 0.4 opens 1
	// example: {"Inspections":"joint","Ports":"one"}
}
