package linked

import (
	"context"
	"fmt"
	"math/big"
	"slices"

	"github.com/parley-talks/parley/negotiation"
)

// countZone counts the joint zone with negotiation.Problem.CountZone over
// the union problem (see union) and fills z's count fields.
func (e *engine) countZone(ctx context.Context, opt Options, z *Zone) error {
	z.Counted = true
	if e.f == nil {
		c := "0"
		z.Count, z.Lower, z.Upper, z.Method = &c, c, c, "no joint package crosses no red line"
		return nil
	}
	u := e.uni
	if u == nil || e.j.hasMinUtility() {
		var err error
		if u, _, err = e.union(); err != nil {
			return err
		}
	}
	zc, err := u.CountZoneContext(ctx, opt.Budget, opt.ZoneOptions)
	if err != nil {
		return fmt.Errorf("linked: joint zone: %w", err)
	}
	z.Lower, z.Upper, z.Method = zc.Lower.String(), zc.Upper.String(), zc.Method
	if zc.Exact {
		c := zc.Count.String()
		z.Count = &c
	}
	return nil
}

// union returns the joint problem over the union of the tracks' themes
// (named "track: theme"), for counting: party p's utility is the raw joint
// utility Σ_t (w_{p,t}/K_p)·u_{p,t} with reservation d_p, and carries the
// forbid, require and rule red lines of all its tracks. A minimum-utility
// red line speaks of one track's utility u_{p,t}, not of U_p: it becomes
// an extra party whose utility is u_{p,t} (over track t's themes) and
// whose reservation is the highest such minimum of p on t, so that "every
// party accepts" means exactly "in the joint zone". A last one-option
// slack issue carries each utility's missing weight (value 0), so that
// negotiation.NewAdditive's normalisation is the identity.
//
// It also returns the index of each track's first theme, and of the slack
// issue last. Without minimum-utility red lines its frontier is the joint
// frontier in raw units (the same claim as the merge of the tracks'
// frontiers: the union's merge, theme by theme, is that merge with each
// track's frontier built on the way).
func (e *engine) union() (*negotiation.Problem, []int, error) {
	j := e.j
	u := &negotiation.Problem{Name: "joint"}
	off := make([]int, len(j.in.Tracks)+1)
	for t, tr := range j.in.Tracks {
		off[t] = len(u.Issues)
		for _, is := range tr.Problem.Issues {
			u.Issues = append(u.Issues, negotiation.Issue{Name: tr.Name + ": " + is.Name, Options: slices.Clone(is.Options)})
		}
	}
	slack := len(u.Issues)
	off[len(j.in.Tracks)] = slack
	u.Issues = append(u.Issues, negotiation.Issue{Name: "slack", Options: []string{"-"}})
	// utility returns the additive utility Σ_t c[t]·u_{k_t,t} over the
	// union's issues, where k[t] is the party's index on track t (−1: none).
	utility := func(c []*big.Rat, k []int) (*negotiation.Additive, error) {
		weights := make([]*big.Rat, len(u.Issues))
		values := make([][]*big.Rat, len(u.Issues))
		rest := big.NewRat(1, 1)
		for t, tr := range j.in.Tracks {
			for i, is := range tr.Problem.Issues {
				g := off[t] + i
				weights[g] = new(big.Rat)
				values[g] = make([]*big.Rat, len(is.Options))
				top := new(big.Rat)
				if k[t] >= 0 && c[t].Sign() > 0 {
					a := tr.Problem.Parties[k[t]].Utility
					for x := range is.Options {
						values[g][x] = a.Term(i, x)
						if values[g][x].Cmp(top) > 0 {
							top = values[g][x]
						}
					}
				}
				for x := range values[g] {
					if top.Sign() == 0 {
						values[g][x] = new(big.Rat)
					} else {
						values[g][x] = new(big.Rat).Quo(values[g][x], top)
					}
				}
				weights[g].Mul(c[t], top)
				rest.Sub(rest, weights[g])
			}
		}
		if rest.Sign() < 0 {
			return nil, fmt.Errorf("linked: joint zone: a utility exceeds 1")
		}
		weights[slack] = rest
		values[slack] = []*big.Rat{new(big.Rat)}
		return negotiation.NewAdditive(weights, values)
	}
	T := len(j.in.Tracks)
	for p, name := range j.parties {
		k := make([]int, T)
		var lines []negotiation.Constraint
		for t, tr := range j.in.Tracks {
			k[t] = j.member[t][p]
			if k[t] < 0 {
				continue
			}
			for _, c := range tr.Problem.Parties[k[t]].RedLines {
				switch c.Kind {
				case negotiation.MinUtility:
					continue
				case negotiation.Rule:
					c.Then += off[t]
				}
				c.Issue += off[t]
				lines = append(lines, c)
			}
		}
		a, err := utility(e.raw[p], k)
		if err != nil {
			return nil, nil, err
		}
		u.Parties = append(u.Parties, negotiation.Party{Name: name, Utility: a, Reservation: e.d[p], RedLines: lines})
	}
	one := big.NewRat(1, 1)
	for t, tr := range j.in.Tracks {
		for k, pa := range tr.Problem.Parties {
			floor, has := 0.0, false
			for _, c := range pa.RedLines {
				if c.Kind == negotiation.MinUtility {
					floor, has = max(floor, c.Min), true
				}
			}
			if !has {
				continue
			}
			c := make([]*big.Rat, T)
			ks := make([]int, T)
			for s := range T {
				c[s], ks[s] = new(big.Rat), -1
			}
			c[t], ks[t] = one, k
			a, err := utility(c, ks)
			if err != nil {
				return nil, nil, err
			}
			u.Parties = append(u.Parties, negotiation.Party{Name: pa.Name + " on " + tr.Name, Utility: a, Reservation: floor})
		}
	}
	return u, off, nil
}
