package linked

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/parley-talks/parley/negotiation"
)

// decimal returns a random decimal in [0,1] with one or two digits.
func decimal(rng *rand.Rand) float64 {
	if rng.IntN(2) == 0 {
		return float64(rng.IntN(11)) / 10
	}
	return float64(rng.IntN(101)) / 100
}

// randomTrack returns a small random track over the given parties: 1–3
// themes of 2–3 options, decimal weights and values, decimal reservations,
// and now and then a red line of each kind.
func randomTrack(rng *rand.Rand, name string, parties []string) *negotiation.Problem {
	s := &negotiation.Scenario{Name: name}
	for i := range 1 + rng.IntN(3) {
		is := negotiation.IssueSpec{Name: fmt.Sprintf("%s-theme%d", name, i)}
		for x := range 2 + rng.IntN(2) {
			is.Options = append(is.Options, fmt.Sprintf("o%d", x))
		}
		s.Issues = append(s.Issues, is)
	}
	for _, party := range parties {
		ps := negotiation.ProfileSpec{Name: party, Weights: map[string]float64{}, Values: map[string]map[string]float64{},
			Reservation: float64(rng.IntN(7)) / 10}
		positive := false
		for _, is := range s.Issues {
			w := float64(rng.IntN(11)) / 10
			positive = positive || w > 0
			ps.Weights[is.Name] = w
			ps.Values[is.Name] = map[string]float64{}
			for _, o := range is.Options {
				ps.Values[is.Name][o] = decimal(rng)
			}
		}
		if !positive {
			ps.Weights[s.Issues[0].Name] = 0.5
		}
		pick := func() (string, string) {
			is := s.Issues[rng.IntN(len(s.Issues))]
			return is.Name, is.Options[rng.IntN(len(is.Options))]
		}
		switch rng.IntN(8) {
		case 0:
			i, o := pick()
			ps.RedLines = append(ps.RedLines, negotiation.RedLine{Kind: negotiation.KindForbid, Issue: i, Option: o})
		case 1:
			i, o := pick()
			ps.RedLines = append(ps.RedLines, negotiation.RedLine{Kind: negotiation.KindRequire, Issue: i, Option: o})
		case 2:
			if len(s.Issues) > 1 {
				ps.RedLines = append(ps.RedLines, negotiation.RedLine{Kind: negotiation.KindRule,
					Issue: s.Issues[0].Name, Option: s.Issues[0].Options[0],
					Then: s.Issues[1].Name, In: []string{s.Issues[1].Options[rng.IntN(len(s.Issues[1].Options))]}})
			}
		case 3:
			ps.RedLines = append(ps.RedLines, negotiation.RedLine{Kind: negotiation.KindMinUtility, Min: float64(rng.IntN(6)) / 10})
		}
		s.Profiles = append(s.Profiles, ps)
	}
	p, err := s.Compile()
	if err != nil {
		panic(err)
	}
	return p
}

// randomJoint returns a random linked scenario: 2–3 tracks, 2–3 parties
// (with three, some tracks may have two of them), decimal cross-track
// weights, now and then a zero.
func randomJoint(rng *rand.Rand) *Joint {
	all := []string{"A", "B", "C"}[:2+rng.IntN(2)]
	in := Input{Weights: Weights{}}
	on := map[string][]string{}
	for t := range 2 + rng.IntN(2) {
		parties := all
		if len(all) == 3 && rng.IntN(3) == 0 {
			drop := rng.IntN(3)
			parties = append(append([]string{}, all[:drop]...), all[drop+1:]...)
		}
		name := fmt.Sprintf("T%d", t)
		in.Tracks = append(in.Tracks, Track{Name: name, Problem: randomTrack(rng, name, parties)})
		for _, p := range parties {
			on[p] = append(on[p], name)
		}
	}
	for p, tracks := range on {
		in.Weights[p] = map[string]float64{}
		for _, t := range tracks {
			in.Weights[p][t] = float64(rng.IntN(11)) / 10
		}
		in.Weights[p][tracks[rng.IntN(len(tracks))]] += 0.25 // never all zero
	}
	j, err := New(in)
	if err != nil {
		panic(err)
	}
	return j
}

func ratsEqual(a []*big.Rat, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, ok := new(big.Rat).SetString(b[i])
		if !ok || x.Cmp(a[i]) != 0 {
			return false
		}
	}
	return true
}

func ratsString(a []*big.Rat) []string {
	var out []string
	for _, x := range a {
		out = append(out, x.RatString())
	}
	return out
}

// TestAgainstReference compares the merge with brute-force enumeration on
// many small random linked scenarios: the joint frontier (every vector,
// exactly), the Nash and Kalai–Smorodinsky points, the zone (whether it is
// empty and its exact count) and the value of linkage.
func TestAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2026))
	cases := 400
	if testing.Short() {
		cases = 60
	}
	opened := 0
	for c := range cases {
		j := randomJoint(rng)
		ref, err := j.Reference()
		if err != nil {
			t.Fatal(err)
		}
		trackMerge := c%2 == 1 // both ways of merging, on alternate cases
		r, err := j.Analyze(context.Background(), Options{Zone: true, trackMerge: trackMerge})
		if err != nil {
			t.Fatalf("case %d: %v", c, err)
		}
		if len(r.Frontier) != len(ref.Frontier) {
			t.Fatalf("case %d: frontier has %d points, reference %d", c, len(r.Frontier), len(ref.Frontier))
		}
		for i, x := range ref.Frontier {
			if !ratsEqual(x, r.Frontier[i].Exact) {
				t.Fatalf("case %d: frontier point %d is %v, reference %v", c, i, r.Frontier[i].Exact, ratsString(x))
			}
		}
		if (ref.Zone > 0) != r.Zone.Agreement {
			t.Fatalf("case %d: zone agreement %v, reference zone %d", c, r.Zone.Agreement, ref.Zone)
		}
		if r.Zone.Count == nil || *r.Zone.Count != fmt.Sprint(ref.Zone) {
			t.Fatalf("case %d: zone count %v, reference %d", c, r.Zone.Count, ref.Zone)
		}
		if ref.Nash == nil {
			if r.Nash != nil || r.KalaiSmorodinsky != nil {
				t.Fatalf("case %d: bargaining points without a zone", c)
			}
		} else {
			if r.Nash == nil || !ratsEqual(ref.Nash, r.Nash.Exact) {
				t.Fatalf("case %d: Nash %v, reference %v", c, r.Nash, ratsString(ref.Nash))
			}
			if r.KalaiSmorodinsky == nil || !ratsEqual(ref.KalaiSmorodinsky, r.KalaiSmorodinsky.Exact) {
				t.Fatalf("case %d: Kalai–Smorodinsky %v, reference %v", c, r.KalaiSmorodinsky, ratsString(ref.KalaiSmorodinsky))
			}
			checkWitness(t, c, j, r.Nash)
		}
		for p, l := range r.Linkage {
			joint := ref.Disagreement[p]
			if ref.Nash != nil {
				joint = ref.Nash[p]
			}
			gain := new(big.Rat).Sub(joint, ref.Alone[p])
			if l.AloneExact != ref.Alone[p].RatString() || l.GainExact != gain.RatString() {
				t.Fatalf("case %d: linkage of %s: alone %s gain %s, reference %s and %s", c, l.Party, l.AloneExact, l.GainExact, ref.Alone[p].RatString(), gain.RatString())
			}
		}
		checkShares(t, c, j, r)
		if len(r.Opens) > 0 {
			opened++
		}
	}
	if opened == 0 {
		t.Errorf("no case where linking opens a track without a zone: the generator misses the point")
	}
}

// checkWitness re-evaluates the packages of a joint point with the tracks'
// own utilities: they must cross no red line and give the point's utility.
func checkWitness(t *testing.T, c int, j *Joint, jp *JointPoint) {
	t.Helper()
	u := make([]*big.Rat, len(j.parties))
	for p := range u {
		u[p] = new(big.Rat)
	}
	for tr, tp := range jp.Tracks {
		pr := j.in.Tracks[tr].Problem
		o := make(negotiation.Outcome, len(pr.Issues))
		for i, is := range pr.Issues {
			o[i] = -1
			for x, name := range is.Options {
				if name == tp.Package[is.Name] {
					o[i] = x
				}
			}
		}
		if !pr.Feasible(o) {
			t.Fatalf("case %d: the package on track %s crosses a red line", c, tp.Track)
		}
		for p := range u {
			if k := j.member[tr][p]; k >= 0 {
				u[p].Add(u[p], new(big.Rat).Mul(j.share[p][tr], pr.Parties[k].Utility.ExactUtility(o)))
			}
		}
	}
	if !ratsEqual(u, jp.Exact) {
		t.Fatalf("case %d: the packages give %v, the point says %v", c, ratsString(u), jp.Exact)
	}
}

// opposedTrack is a two-party track of 3 themes × 5 options whose themes
// are zero-sum (B's values are 1 − A's), so that every option is
// undominated and the track's frontier is long: the joint merge then
// merges more runs than negotiation's heap threshold.
func opposedTrack(rng *rand.Rand, name string) *negotiation.Problem {
	s := &negotiation.Scenario{Name: name}
	a := negotiation.ProfileSpec{Name: "A", Weights: map[string]float64{}, Values: map[string]map[string]float64{}, Reservation: float64(rng.IntN(6)) / 10}
	b := negotiation.ProfileSpec{Name: "B", Weights: map[string]float64{}, Values: map[string]map[string]float64{}, Reservation: float64(rng.IntN(6)) / 10}
	for i := range 3 {
		is := negotiation.IssueSpec{Name: fmt.Sprintf("%s-theme%d", name, i)}
		a.Weights[is.Name], b.Weights[is.Name] = float64(1+rng.IntN(10))/10, float64(1+rng.IntN(10))/10
		a.Values[is.Name], b.Values[is.Name] = map[string]float64{}, map[string]float64{}
		for x := range 5 {
			o := fmt.Sprintf("o%d", x)
			is.Options = append(is.Options, o)
			v := float64(rng.IntN(101)) / 100
			a.Values[is.Name][o], b.Values[is.Name][o] = v, float64(100-int(v*100+0.5))/100
		}
		s.Issues = append(s.Issues, is)
	}
	s.Profiles = []negotiation.ProfileSpec{a, b}
	p, err := s.Compile()
	if err != nil {
		panic(err)
	}
	return p
}

// TestAgainstReferenceLongFrontiers: two zero-sum tracks of 125 packages
// (15,625 jointly) against the reference, frontier and points exactly.
func TestAgainstReferenceLongFrontiers(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 125))
	longest := 0
	for c := range 8 {
		in := Input{Weights: Weights{"A": {}, "B": {}}}
		for _, name := range []string{"T0", "T1"} {
			in.Tracks = append(in.Tracks, Track{Name: name, Problem: opposedTrack(rng, name)})
			in.Weights["A"][name] = float64(1+rng.IntN(10)) / 10
			in.Weights["B"][name] = float64(1+rng.IntN(10)) / 10
		}
		j, err := New(in)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := j.Reference()
		if err != nil {
			t.Fatal(err)
		}
		r, err := j.Analyze(context.Background(), Options{trackMerge: c%2 == 0})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Frontier) != len(ref.Frontier) {
			t.Fatalf("case %d: frontier has %d points, reference %d", c, len(r.Frontier), len(ref.Frontier))
		}
		for i, x := range ref.Frontier {
			if !ratsEqual(x, r.Frontier[i].Exact) {
				t.Fatalf("case %d: frontier point %d differs", c, i)
			}
		}
		if (ref.Nash == nil) != (r.Nash == nil) || (ref.Nash != nil && (!ratsEqual(ref.Nash, r.Nash.Exact) || !ratsEqual(ref.KalaiSmorodinsky, r.KalaiSmorodinsky.Exact))) {
			t.Fatalf("case %d: bargaining points differ", c)
		}
		e, err := newEngine(context.Background(), j, 0, nil, true)
		if err != nil {
			t.Fatal(err)
		}
		longest = max(longest, e.tracks[0].Len(), e.tracks[1].Len())
	}
	if longest <= 16 {
		t.Errorf("the longest track frontier has %d points: the heap merge is not exercised", longest)
	}
}

// TestBlockersAgainstReference: the blockers are exactly the red lines
// whose dropping, by brute force, opens the joint zone or raises the joint
// Nash product, each with the reference's Nash point after.
func TestBlockersAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 7))
	seen := 0
	for c := range 150 {
		j := randomJoint(rng)
		base, err := j.Reference()
		if err != nil {
			t.Fatal(err)
		}
		r, err := j.Analyze(context.Background(), Options{Blockers: true, trackMerge: c%2 == 1})
		if err != nil {
			t.Fatal(err)
		}
		product := func(ref *Reference) *big.Rat {
			p := big.NewRat(1, 1)
			for k, u := range ref.Nash {
				p.Mul(p, new(big.Rat).Sub(u, ref.Disagreement[k]))
			}
			return p
		}
		var want []string
		nash := map[string][]*big.Rat{}
		for ti, tr := range j.in.Tracks {
			for k, pa := range tr.Problem.Parties {
				for l, line := range pa.RedLines {
					q := *tr.Problem
					q.Parties = append([]negotiation.Party(nil), tr.Problem.Parties...)
					q.Parties[k].RedLines = append(append([]negotiation.Constraint(nil), pa.RedLines[:l]...), pa.RedLines[l+1:]...)
					jq := *j
					jq.in.Tracks = append([]Track(nil), j.in.Tracks...)
					jq.in.Tracks[ti].Problem = &q
					after, err := jq.Reference()
					if err != nil {
						t.Fatal(err)
					}
					if after.Nash == nil || (base.Nash != nil && product(after).Cmp(product(base)) <= 0) {
						continue
					}
					key := pa.Name + "|" + tr.Name + "|drop red line: " + tr.Problem.Describe(line)
					want = append(want, key)
					nash[key] = after.Nash
				}
			}
		}
		var got []string
		for _, b := range r.Blockers {
			key := b.Party + "|" + b.Track + "|" + b.Rule
			got = append(got, key)
			exact := nash[key]
			if exact == nil {
				continue
			}
			for k, u := range exact {
				if f, _ := u.Float64(); f != b.Nash[k] {
					t.Fatalf("case %d: blocker %s: Nash %v, reference %v", c, key, b.Nash, ratsString(exact))
				}
			}
			if b.Opens != (base.Nash == nil) {
				t.Fatalf("case %d: blocker %s: opens %v with base zone %d", c, key, b.Opens, base.Zone)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("case %d: blockers %v, reference %v", c, got, want)
		}
		seen += len(got)
	}
	if seen < 10 {
		t.Errorf("only %d blockers over all cases: the generator misses the point", seen)
	}
}

// checkShares: the per-track shares add up to the value of linkage
// (Σ_t ŵ_{p,t}·share = linkage, alone and joint), concessions are never
// negative, and a trade's themes are conceded by one side only.
func checkShares(t *testing.T, c int, j *Joint, r *Report) {
	t.Helper()
	if r.Nash == nil {
		if len(r.Shares) != 0 || len(r.Trades) != 0 {
			t.Fatalf("case %d: shares or trades without a joint Nash point", c)
		}
		return
	}
	for p, l := range r.Linkage {
		var alone, joint float64
		for _, s := range r.Shares {
			if s.Party != l.Party {
				continue
			}
			w := r.Weights[p][slices.Index(j.Tracks(), s.Track)]
			alone += w * s.Alone
			joint += w * s.Joint
		}
		if math.Abs(alone-l.Alone) > 1e-9 || math.Abs(joint-l.Joint) > 1e-9 {
			t.Fatalf("case %d: %s's shares add up to %v alone and %v joint, linkage says %v and %v", c, l.Party, alone, joint, l.Alone, l.Joint)
		}
	}
	for _, th := range r.Themes {
		for _, x := range th.Concession {
			if x < 0 {
				t.Fatalf("case %d: negative concession on %s", c, th.Theme)
			}
		}
	}
	for _, tr := range r.Trades {
		if len(tr.Gives) == 0 || len(tr.For) == 0 {
			t.Fatalf("case %d: a one-sided trade %+v", c, tr)
		}
	}
}
