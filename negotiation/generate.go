package negotiation

import (
	"fmt"
	"math/rand/v2"
)

// Generate returns the benchmark scenario NegMAS was measured with: issues
// issues × options options each, per party weights drawn from U(0,1) and
// normalised to sum 1, option values from U(0,1), reservation 0, from a fixed
// seed. Issues are named "i0", "i1", …, options "v0", "v1", …, parties "p0",
// "p1", ….
func Generate(seed uint64, parties, issues, options int) *Scenario {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	s := &Scenario{Name: fmt.Sprintf("generated %d×%d, %d parties, seed %d", issues, options, parties, seed)}
	for i := range issues {
		is := IssueSpec{Name: fmt.Sprintf("i%d", i)}
		for x := range options {
			is.Options = append(is.Options, fmt.Sprintf("v%d", x))
		}
		s.Issues = append(s.Issues, is)
	}
	for p := range parties {
		ps := ProfileSpec{Name: fmt.Sprintf("p%d", p), Weights: map[string]float64{}, Values: map[string]map[string]float64{}}
		w := make([]float64, issues)
		sum := 0.0
		for i := range w {
			w[i] = rng.Float64()
			sum += w[i]
		}
		for i, is := range s.Issues {
			ps.Weights[is.Name] = w[i] / sum
			m := map[string]float64{}
			for _, o := range is.Options {
				m[o] = rng.Float64()
			}
			ps.Values[is.Name] = m
		}
		s.Profiles = append(s.Profiles, ps)
	}
	return s
}
