package parley

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// complianceLoad is an agreement's record at scale: n reports spread over
// three years on 100 commitments of 5 parties, and a score per commitment
// and quarter.
func complianceLoad(n int) ([]*Commitment, []*Report, []*Score) {
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2022, 7, 22, 0, 0, 0, 0, time.UTC)
	cs := make([]*Commitment, 100)
	for i := range cs {
		cs[i] = &Commitment{ID: int64(i + 1), AgreementID: 1, Obligor: int64(1 + i%5), Recurrence: RecurDaily, CreatedAt: start}
	}
	rs := make([]*Report, n)
	for i := range rs {
		rs[i] = &Report{ID: int64(i + 1), CommitmentID: int64(1 + rng.IntN(len(cs))),
			Date: start.AddDate(0, 0, rng.IntN(3*365)).Format(time.DateOnly), Finding: Findings[rng.IntN(len(Findings))]}
	}
	var ss []*Score
	for q := range 12 {
		for _, c := range cs {
			ss = append(ss, &Score{ID: int64(len(ss) + 1), CommitmentID: c.ID, Period: fmt.Sprintf("%d-Q%d", 2022+q/4, 1+q%4), Value: rng.IntN(4)})
		}
	}
	return cs, rs, ss
}

func BenchmarkEarlyWarning(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		cs, rs, _ := complianceLoad(n)
		a := &Agreement{ID: 1, Status: AgreementInForce, Warning: DefaultWarningThresholds}
		today := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
		b.Run(fmt.Sprintf("reports=%d", n), func(b *testing.B) {
			for b.Loop() {
				EarlyWarning(a, cs, rs, today)
			}
		})
	}
}

func BenchmarkTrustRecord(b *testing.B) {
	cs, rs, _ := complianceLoad(100_000)
	for b.Loop() {
		BuildTrustRecord(3, cs, rs)
	}
}

func BenchmarkRollUp(b *testing.B) {
	cs, _, ss := complianceLoad(0)
	for b.Loop() {
		RollUp(cs, ss)
	}
}
