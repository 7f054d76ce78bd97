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
