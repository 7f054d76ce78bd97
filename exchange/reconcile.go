package exchange

import (
	"errors"
	"fmt"
)

// Reconciliation explains the two sides' counts of one exchange. Every person
// of either list is in exactly one of Matched, OnlyA or OnlyB, so
//
//	len(A) − len(B) = len(OnlyA) − len(OnlyB)
//
// and OnlyA and OnlyB name exactly the persons that explain the difference.
type Reconciliation struct {
	CountA, CountB int
	Matched        []Candidate // confirmed by the mediator
	OnlyA          []int       // indexes into A that no person of B answers
	OnlyB          []int       // indexes into B that no person of A answers
}

// Difference is CountA − CountB.
func (r Reconciliation) Difference() int { return r.CountA - r.CountB }

// Reconcile builds the reconciliation of lists of sizes na and nb from the
// matches the mediator confirmed. It refuses a confirmed match that is out
// of range or uses a person twice.
func Reconcile(na, nb int, confirmed []Candidate) (Reconciliation, error) {
	r := Reconciliation{CountA: na, CountB: nb}
	inA, inB := make([]bool, na), make([]bool, nb)
	for _, c := range confirmed {
		if c.I < 0 || c.I >= na || c.J < 0 || c.J >= nb {
			return Reconciliation{}, errors.New("exchange: confirmed match out of range")
		}
		if inA[c.I] || inB[c.J] {
			return Reconciliation{}, fmt.Errorf("exchange: person matched twice (A%d, B%d)", c.I+1, c.J+1)
		}
		inA[c.I], inB[c.J] = true, true
		r.Matched = append(r.Matched, c)
	}
	for i, ok := range inA {
		if !ok {
			r.OnlyA = append(r.OnlyA, i)
		}
	}
	for j, ok := range inB {
		if !ok {
			r.OnlyB = append(r.OnlyB, j)
		}
	}
	return r, nil
}

// Handover explains the two sides' counts of persons handed over, as each
// side's list records them, against the other side's list. A person handed
// over is answered when the confirmed match pairs it with a person of the
// other list who was handed over too; every other person handed over —
// unmatched, or matched with one who was not handed over — is unanswered,
// so
//
//	HandedA − HandedB = len(UnansweredA) − len(UnansweredB)
//
// and the unanswered persons are exactly those that explain the difference.
type Handover struct {
	HandedA, HandedB int
	UnansweredA      []int       // indexes into A handed over without a handed-over counterpart in B
	UnansweredB      []int       // indexes into B handed over without a handed-over counterpart in A
	Pending          []Candidate // confirmed matches of which a person is not handed over yet
}

// Handover builds the handover's reconciliation from which persons of each
// list were handed over (handedA[i] for A[i]); the slices must have the
// reconciliation's list sizes. Cost: O(len(A) + len(B)).
func (r Reconciliation) Handover(handedA, handedB []bool) (Handover, error) {
	if len(handedA) != r.CountA || len(handedB) != r.CountB {
		return Handover{}, errors.New("exchange: handover lists differ in size from the reconciliation's")
	}
	var h Handover
	answered := make([]bool, r.CountA)
	answeredB := make([]bool, r.CountB)
	for _, c := range r.Matched {
		if handedA[c.I] && handedB[c.J] {
			answered[c.I], answeredB[c.J] = true, true
		} else {
			h.Pending = append(h.Pending, c)
		}
	}
	for i, ok := range handedA {
		if ok {
			h.HandedA++
			if !answered[i] {
				h.UnansweredA = append(h.UnansweredA, i)
			}
		}
	}
	for j, ok := range handedB {
		if ok {
			h.HandedB++
			if !answeredB[j] {
				h.UnansweredB = append(h.UnansweredB, j)
			}
		}
	}
	return h, nil
}

// Difference is HandedA − HandedB.
func (h Handover) Difference() int { return h.HandedA - h.HandedB }

// MeetsNForN reports whether exactly n persons were handed over each way.
func (h Handover) MeetsNForN(n int) bool { return h.HandedA == n && h.HandedB == n }

// MeetsAllForAll reports whether every person of every confirmed match was
// handed over, and nobody else was (the handover is answered both ways).
func (h Handover) MeetsAllForAll() bool {
	return len(h.Pending) == 0 && len(h.UnansweredA) == 0 && len(h.UnansweredB) == 0
}
