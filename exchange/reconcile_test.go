package exchange

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReconcileNamesTheDifference(t *testing.T) {
	// Side A lists 5, side B lists 4; three are confirmed matches.
	r, err := Reconcile(5, 4, []Candidate{{I: 0, J: 2}, {I: 3, J: 0}, {I: 4, J: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]int{1, 2}, r.OnlyA); d != "" {
		t.Errorf("OnlyA (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]int{3}, r.OnlyB); d != "" {
		t.Errorf("OnlyB (-want +got):\n%s", d)
	}
	if r.Difference() != len(r.OnlyA)-len(r.OnlyB) {
		t.Errorf("difference %d is not explained by %v and %v", r.Difference(), r.OnlyA, r.OnlyB)
	}
}

func TestReconcileExhaustive(t *testing.T) {
	// Every list size up to 4 × 4 and every partial matching between them:
	// each person is in exactly one bucket and the buckets explain the counts.
	for na := 0; na <= 4; na++ {
		for nb := 0; nb <= 4; nb++ {
			var walk func(i int, used []bool, m []Candidate)
			walk = func(i int, used []bool, m []Candidate) {
				if i == na {
					r, err := Reconcile(na, nb, m)
					if err != nil {
						t.Fatal(err)
					}
					if len(r.Matched)+len(r.OnlyA) != na || len(r.Matched)+len(r.OnlyB) != nb ||
						r.Difference() != len(r.OnlyA)-len(r.OnlyB) {
						t.Fatalf("%d×%d %v: %+v", na, nb, m, r)
					}
					return
				}
				walk(i+1, used, m)
				for j := range nb {
					if !used[j] {
						used[j] = true
						walk(i+1, used, append(m, Candidate{I: i, J: j}))
						used[j] = false
					}
				}
			}
			walk(0, make([]bool, nb), nil)
		}
	}
}

func TestReconcileRefuses(t *testing.T) {
	for _, m := range [][]Candidate{
		{{I: 5, J: 0}},
		{{I: 0, J: -1}},
		{{I: 0, J: 0}, {I: 1, J: 0}},
		{{I: 0, J: 0}, {I: 0, J: 1}},
	} {
		if _, err := Reconcile(3, 3, m); err == nil {
			t.Errorf("Reconcile(3, 3, %v) = nil error", m)
		}
	}
}
