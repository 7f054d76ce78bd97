package linked

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"

	"github.com/parley-talks/parley/negotiation"
)

// Track is one track of a joint analysis: a name unique among the tracks
// and its compiled scenario (themes, the parties' profiles and red lines).
// Parties are matched across tracks by their profile names.
type Track struct {
	Name    string
	Problem *negotiation.Problem
}

// Weights gives, per party name and then track name, how much the track
// matters to the party relative to its other tracks: ≥ 0 and finite, read
// as the decimal it prints as (0.6 is 3/5), normalised per party to sum 1.
// A missing entry is 0. A party on one track only may be left out: its
// weight there is 1.
type Weights map[string]map[string]float64

// Input is what a joint analysis reads: the linked tracks and the parties'
// cross-track weights.
type Input struct {
	Tracks  []Track
	Weights Weights
}

// Joint is a checked Input, ready to analyse. It is immutable; Unlink and
// WithWeight return new ones.
type Joint struct {
	in      Input
	parties []string     // by first appearance: track order, then profile order
	member  [][]int      // member[t][p]: index of party p in track t's Problem, −1 if not on it
	weight  [][]*big.Rat // weight[p][t] as given (0 when not on the track)
	share   [][]*big.Rat // weight[p][t] normalised: Σ_t share[p][t] = 1
}

// Limits of an Input.
const (
	MaxTracks  = 16 // linked tracks in one analysis
	MaxParties = 64 // parties over all tracks
)

// New checks in and returns the joint problem. Errors are prefixed
// "linked: ", name the track or party at fault and quote no weight.
func New(in Input) (*Joint, error) {
	if len(in.Tracks) == 0 {
		return nil, errors.New("linked: no tracks to analyse")
	}
	if len(in.Tracks) > MaxTracks {
		return nil, fmt.Errorf("linked: %d tracks, at most %d", len(in.Tracks), MaxTracks)
	}
	j := &Joint{in: Input{Tracks: slices.Clone(in.Tracks), Weights: Weights{}}}
	index := map[string]int{}   // party name → index
	trackOf := map[string]int{} // track name → index
	for t, tr := range in.Tracks {
		if tr.Name == "" {
			return nil, fmt.Errorf("linked: track %d has no name", t)
		}
		if _, dup := trackOf[tr.Name]; dup {
			return nil, fmt.Errorf("linked: track %q is linked to itself", tr.Name)
		}
		trackOf[tr.Name] = t
		if tr.Problem == nil || len(tr.Problem.Issues) == 0 || len(tr.Problem.Parties) == 0 {
			return nil, fmt.Errorf("linked: track %q has no themes or no parties", tr.Name)
		}
		for _, pa := range tr.Problem.Parties {
			if _, ok := index[pa.Name]; !ok {
				index[pa.Name] = len(j.parties)
				j.parties = append(j.parties, pa.Name)
			}
		}
	}
	if len(j.parties) < 2 {
		return nil, errors.New("linked: a joint analysis needs at least two parties")
	}
	if len(j.parties) > MaxParties {
		return nil, fmt.Errorf("linked: %d parties, at most %d", len(j.parties), MaxParties)
	}
	j.member = make([][]int, len(in.Tracks))
	for t, tr := range in.Tracks {
		j.member[t] = make([]int, len(j.parties))
		for p := range j.member[t] {
			j.member[t][p] = -1
		}
		for k, pa := range tr.Problem.Parties {
			j.member[t][index[pa.Name]] = k
		}
	}
	// Weights: names first (sorted, so that the first error is stable).
	for _, party := range sortedKeys(in.Weights) {
		p, ok := index[party]
		if !ok {
			return nil, fmt.Errorf("linked: weights: unknown party %q (on none of the tracks)", party)
		}
		for _, track := range sortedKeys(in.Weights[party]) {
			t, ok := trackOf[track]
			if !ok {
				return nil, fmt.Errorf("linked: weights of %q: unknown track %q", party, track)
			}
			w := in.Weights[party][track]
			if negotiation.Rat(w) == nil || w < 0 {
				return nil, fmt.Errorf("linked: weights of %q: the weight of track %q must be a finite number ≥ 0", party, track)
			}
			if j.member[t][p] < 0 && w != 0 {
				return nil, fmt.Errorf("linked: weights of %q: the party is not on track %q", party, track)
			}
		}
	}
	j.weight = make([][]*big.Rat, len(j.parties))
	j.share = make([][]*big.Rat, len(j.parties))
	for p, party := range j.parties {
		ws, given := in.Weights[party]
		var on []int
		for t := range in.Tracks {
			if j.member[t][p] >= 0 {
				on = append(on, t)
			}
		}
		sum := new(big.Rat)
		j.weight[p] = make([]*big.Rat, len(in.Tracks))
		for t, tr := range in.Tracks {
			j.weight[p][t] = new(big.Rat)
			if given {
				if w, ok := ws[tr.Name]; ok {
					j.weight[p][t] = negotiation.Rat(w)
				}
			} else if len(on) == 1 && on[0] == t {
				j.weight[p][t] = big.NewRat(1, 1)
			}
			sum.Add(sum, j.weight[p][t])
		}
		if !given && len(on) > 1 {
			return nil, fmt.Errorf("linked: no cross-track weights for %q, which is on %d of the tracks", party, len(on))
		}
		if sum.Sign() == 0 {
			return nil, fmt.Errorf("linked: weights of %q are all zero: at least one of its tracks must matter to it", party)
		}
		j.share[p] = make([]*big.Rat, len(in.Tracks))
		for t := range in.Tracks {
			j.share[p][t] = new(big.Rat).Quo(j.weight[p][t], sum)
		}
		m := map[string]float64{}
		for t, tr := range in.Tracks {
			if j.weight[p][t].Sign() > 0 {
				m[tr.Name], _ = j.weight[p][t].Float64()
			}
		}
		j.in.Weights[party] = m
	}
	return j, nil
}

// Parties returns the parties' names, in the order of utility vectors.
func (j *Joint) Parties() []string { return slices.Clone(j.parties) }

// Tracks returns the tracks' names.
func (j *Joint) Tracks() []string {
	out := make([]string, len(j.in.Tracks))
	for t, tr := range j.in.Tracks {
		out[t] = tr.Name
	}
	return out
}

// Share returns party p's normalised weight of track t, exactly.
func (j *Joint) Share(p, t int) *big.Rat { return new(big.Rat).Set(j.share[p][t]) }

// Size returns the number of joint packages, Π_t |track t's packages|.
func (j *Joint) Size() *big.Int {
	n := big.NewInt(1)
	for _, tr := range j.in.Tracks {
		n.Mul(n, tr.Problem.Size())
	}
	return n
}

// Unlink returns the joint problem without the named track (a what-if):
// each party's weights on the other tracks are kept and renormalised; a
// party on no remaining track leaves the analysis.
func (j *Joint) Unlink(track string) (*Joint, error) {
	t := slices.Index(j.Tracks(), track)
	if t < 0 {
		return nil, fmt.Errorf("linked: unlink: unknown track %q", track)
	}
	in := Input{Tracks: slices.Delete(slices.Clone(j.in.Tracks), t, t+1), Weights: Weights{}}
	for party, ws := range j.in.Weights {
		m := map[string]float64{}
		for name, w := range ws {
			if name != track {
				m[name] = w
			}
		}
		in.Weights[party] = m
	}
	// Drop the parties that are on no remaining track.
	on := map[string]bool{}
	for _, tr := range in.Tracks {
		for _, pa := range tr.Problem.Parties {
			on[pa.Name] = true
		}
	}
	for party := range in.Weights {
		if !on[party] {
			delete(in.Weights, party)
		}
	}
	return New(in)
}

// WithWeight returns the joint problem with party's weight of track set to
// w (a what-if); the checks of New apply.
func (j *Joint) WithWeight(party, track string, w float64) (*Joint, error) {
	in := Input{Tracks: j.in.Tracks, Weights: Weights{}}
	for name, ws := range j.in.Weights {
		m := map[string]float64{}
		for tn, x := range ws {
			m[tn] = x
		}
		in.Weights[name] = m
	}
	if in.Weights[party] == nil {
		in.Weights[party] = map[string]float64{}
	}
	in.Weights[party][track] = w
	return New(in)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
