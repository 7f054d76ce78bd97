package linked

import (
	"cmp"
	"context"
	"fmt"
	"math/big"
	"slices"

	"github.com/parley-talks/parley/negotiation"
)

// Blocker is a red line that blocks the joint deal: dropping it alone
// opens the joint zone (when it is empty) or raises the joint Nash
// product Π_p (U_p − d_p) (when it is not).
type Blocker struct {
	Party string `json:"party"`
	Track string `json:"track"`
	// Rule says what is dropped, in the track's names, e.g. "drop red
	// line: forbid Energy = none".
	Rule string `json:"rule"`
	// Opens reports whether dropping it opens the joint zone.
	Opens bool `json:"opens"`
	// Nash is the joint Nash point's utility vector after dropping it.
	Nash []float64 `json:"nash"`
}

// blockers tries each red line of each party on each track: the track's
// frontier without it, the joint frontier and Nash point again. Cost one
// track frontier and one joint merge per red line.
func (e *engine) blockers(ctx context.Context, opt Options) ([]Blocker, error) {
	j := e.j
	baseProduct, baseOK, err := e.nashProduct()
	if err != nil {
		return nil, err
	}
	type ranked struct {
		b       Blocker
		product *big.Rat
		order   int
	}
	var out []ranked
	for t, tr := range j.in.Tracks {
		pr := tr.Problem
		for k, pa := range pr.Parties {
			for r, c := range pa.RedLines {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				q := *pr
				q.Parties = slices.Clone(pr.Parties)
				q.Parties[k].RedLines = slices.Delete(slices.Clone(pa.RedLines), r, r+1)
				f, err := q.FrontierContext(ctx, opt.Budget)
				if err != nil {
					return nil, fmt.Errorf("linked: blockers: track %q: %w", tr.Name, err)
				}
				jq := *j
				jq.in.Tracks = slices.Clone(j.in.Tracks)
				jq.in.Tracks[t].Problem = &q
				known := slices.Clone(e.tracks)
				known[t] = f
				eq, err := newEngine(ctx, &jq, opt.Budget, known, opt.trackMerge)
				if err != nil {
					return nil, err
				}
				product, ok, err := eq.nashProduct()
				if err != nil {
					return nil, err
				}
				if !ok || (baseOK && product.Cmp(baseProduct) <= 0) {
					continue
				}
				b := Blocker{Party: pa.Name, Track: tr.Name, Rule: "drop red line: " + pr.Describe(c), Opens: !baseOK}
				nash, _, _ := eq.nash()
				for _, u := range eq.joint(nash.Point) {
					x, _ := u.Float64()
					b.Nash = append(b.Nash, x)
				}
				out = append(out, ranked{b, product, len(out)})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b ranked) int {
		if a.b.Opens != b.b.Opens {
			if a.b.Opens {
				return -1
			}
			return 1
		}
		if c := b.product.Cmp(a.product); c != 0 {
			return c
		}
		return cmp.Compare(a.order, b.order)
	})
	bl := make([]Blocker, len(out))
	for i, x := range out {
		bl[i] = x.b
	}
	return bl, nil
}

// nash returns the joint Nash solution, nil when the joint zone is empty.
func (e *engine) nash() (*negotiation.Solution, bool, error) {
	if e.f == nil {
		return nil, false, nil
	}
	b, err := e.f.Bargains(e.d, 1)
	if err != nil {
		return nil, false, err
	}
	return b.Nash, b.Nash != nil, nil
}

// nashProduct returns Π_p (U_p − d_p) at the joint Nash point, exactly, and
// whether the joint zone is not empty.
func (e *engine) nashProduct() (*big.Rat, bool, error) {
	s, ok, err := e.nash()
	if err != nil || !ok {
		return nil, false, err
	}
	prod := big.NewRat(1, 1)
	for p, u := range e.joint(s.Point) {
		prod.Mul(prod, new(big.Rat).Sub(u, e.jointD(p)))
	}
	return prod, true, nil
}
