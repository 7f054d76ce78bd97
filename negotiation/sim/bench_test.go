package sim

import (
	"context"
	"fmt"
	"testing"

	"github.com/parley-talks/parley/negotiation"
)

// BenchmarkNoAgreement: 1,000 rounds of stacked alternating offers between
// two Boulware parties whose reservations leave no package both accept, on
// Generate's scenarios of 10^4, 10^6 and 10^18 packages; each run computes
// the frontier and records all 2,000 offers. See BENCHMARKS.md.
func BenchmarkNoAgreement(b *testing.B) {
	for _, issues := range []int{4, 6, 18} {
		p, err := negotiation.Generate(1, 2, issues, 10).Compile()
		if err != nil {
			b.Fatal(err)
		}
		for k := range p.Parties {
			p.Parties[k].Reservation = 0.97
		}
		z, err := p.CountZone(negotiation.ZoneOptions{})
		if err != nil || z.Upper.Sign() != 0 {
			b.Fatalf("the zone is not empty: %+v %v", z, err)
		}
		cfg := Config{Rounds: 1000, Strategies: []string{"boulware", "boulware"}}
		b.Run(fmt.Sprintf("size=1e%d", issues), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r, err := Run(context.Background(), p, cfg)
				if err != nil || r.Agreement != nil || len(r.Offers) != 2000 {
					b.Fatal(err, r.Agreement)
				}
			}
		})
	}
}
