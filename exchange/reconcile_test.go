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

func TestHandoverNamesTheDifference(t *testing.T) {
	// A lists 4, B lists 3; matches A0–B0, A1–B2, A3–B1. A hands over
	// A0, A1, A2; B hands over B0 and B1: A2 is unmatched, B1's
	// counterpart A3 stayed, A1's counterpart B2 stayed.
	r, err := Reconcile(4, 3, []Candidate{{I: 0, J: 0}, {I: 1, J: 2}, {I: 3, J: 1}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := r.Handover([]bool{true, true, true, false}, []bool{true, true, false})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]int{1, 2}, h.UnansweredA); d != "" {
		t.Errorf("UnansweredA (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]int{1}, h.UnansweredB); d != "" {
		t.Errorf("UnansweredB (-want +got):\n%s", d)
	}
	if h.HandedA != 3 || h.HandedB != 2 || len(h.Pending) != 2 || h.MeetsAllForAll() || h.MeetsNForN(2) {
		t.Errorf("handover = %+v", h)
	}
	if _, err := r.Handover([]bool{true}, []bool{true, true, true}); err == nil {
		t.Error("Handover with lists of the wrong size = nil error")
	}
}

func TestHandoverExhaustive(t *testing.T) {
	// Every list size up to 3 × 3, every partial matching and every
	// handover: the unanswered persons explain the difference, and the
	// terms are met exactly when their definitions say.
	for na := 0; na <= 3; na++ {
		for nb := 0; nb <= 3; nb++ {
			var walk func(i int, used []bool, m []Candidate)
			walk = func(i int, used []bool, m []Candidate) {
				if i < na {
					walk(i+1, used, m)
					for j := range nb {
						if !used[j] {
							used[j] = true
							walk(i+1, used, append(m, Candidate{I: i, J: j}))
							used[j] = false
						}
					}
					return
				}
				r, err := Reconcile(na, nb, m)
				if err != nil {
					t.Fatal(err)
				}
				for mask := 0; mask < 1<<(na+nb); mask++ {
					ha, hb := make([]bool, na), make([]bool, nb)
					for k := range na + nb {
						if mask&(1<<k) != 0 {
							if k < na {
								ha[k] = true
							} else {
								hb[k-na] = true
							}
						}
					}
					h, err := r.Handover(ha, hb)
					if err != nil {
						t.Fatal(err)
					}
					if h.Difference() != len(h.UnansweredA)-len(h.UnansweredB) {
						t.Fatalf("%d×%d %v handed %v %v: %+v", na, nb, m, ha, hb, h)
					}
					all := true
					matchedA, matchedB := make([]bool, na), make([]bool, nb)
					for _, c := range m {
						matchedA[c.I], matchedB[c.J] = true, true
						all = all && ha[c.I] && hb[c.J]
					}
					for i := range na {
						all = all && ha[i] == matchedA[i]
					}
					for j := range nb {
						all = all && hb[j] == matchedB[j]
					}
					if h.MeetsAllForAll() != all {
						t.Fatalf("%d×%d %v handed %v %v: all for all met = %v, want %v", na, nb, m, ha, hb, h.MeetsAllForAll(), all)
					}
				}
			}
			walk(0, make([]bool, nb), nil)
		}
	}
}
