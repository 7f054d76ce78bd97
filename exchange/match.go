package exchange

import (
	"cmp"
	"slices"
	"strings"
)

// Matching parameters, tuned on generated lists with known truth
// (see match_test.go): at these values precision is ≥ 0.99 and recall
// ≥ 0.97 with transliteration variants and up to two typing errors.
const (
	// Threshold is the lowest score a pair must reach to be proposed.
	Threshold = 0.80
	// DatePenalty is subtracted from the name similarity of two persons
	// whose dates of birth differ (a typo in the date, found by the
	// second blocking key).
	DatePenalty = 0.10
)

// Candidate is a proposed match of person A[I] with person B[J], for the
// mediator to confirm.
type Candidate struct {
	I, J  int
	Score float64 // in [Threshold, 1]
}

// Match proposes a one-to-one matching of lists a and b: pairs scoring at
// least [Threshold], taken by descending score (ties by I, then J, so the
// result is deterministic). Cost: O(n + Σ blocks |A_k|·|B_k|·L²) for names
// of length L.
func Match(a, b []Person) []Candidate {
	ka, kb := forms(a), forms(b)
	blocks := map[string][]int{}
	for j, p := range b {
		for _, bk := range blockKeys(p, kb[j].tokens) {
			blocks[bk] = append(blocks[bk], j)
		}
	}
	var cands []Candidate
	seen := map[[2]int]bool{}
	for i, p := range a {
		for _, bk := range blockKeys(p, ka[i].tokens) {
			for _, j := range blocks[bk] {
				if seen[[2]int{i, j}] {
					continue
				}
				seen[[2]int{i, j}] = true
				s := nameSimilarity(ka[i], kb[j])
				if !p.Born.Equal(b[j].Born) {
					s -= DatePenalty
				}
				if s >= Threshold {
					cands = append(cands, Candidate{I: i, J: j, Score: s})
				}
			}
		}
	}
	slices.SortFunc(cands, func(x, y Candidate) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.I, y.I), cmp.Compare(x.J, y.J))
	})
	usedA, usedB := map[int]bool{}, map[int]bool{}
	out := cands[:0]
	for _, c := range cands {
		if usedA[c.I] || usedB[c.J] {
			continue
		}
		usedA[c.I], usedB[c.J] = true, true
		out = append(out, c)
	}
	slices.SortFunc(out, func(x, y Candidate) int { return cmp.Compare(x.I, y.I) })
	return out
}

// form is a name prepared for comparison: its folded tokens, and the
// spellings to compare — the tokens joined in every rotation of the written
// order (given–patronymic–family against family–given–patronymic) and in
// sorted order — without spaces, so that a typo that moves or drops a
// space costs one edit.
type form struct {
	tokens    []string
	spellings []string
}

func forms(ps []Person) []form {
	fs := make([]form, len(ps))
	for i, p := range ps {
		t := tokens(p.name())
		f := form{tokens: t}
		for r := range t {
			f.spellings = append(f.spellings, strings.Join(t[r:], "")+strings.Join(t[:r], ""))
		}
		sorted := slices.Sorted(slices.Values(t))
		f.spellings = append(f.spellings, strings.Join(sorted, ""))
		fs[i] = f
	}
	return fs
}

// nameSimilarity is the best similarity of a's written spelling to any
// spelling of b.
func nameSimilarity(a, b form) float64 {
	if len(a.spellings) == 0 || len(b.spellings) == 0 {
		return 0
	}
	best := 0.0
	for _, s := range b.spellings {
		best = max(best, similarity(a.spellings[0], s))
	}
	return max(best, similarity(a.spellings[len(a.spellings)-1], b.spellings[len(b.spellings)-1]))
}

// blockKeys are the blocks a person falls in: the date of birth, and the
// month of birth with the sorted initials of the name (which catches a
// mistyped day).
func blockKeys(p Person, tokens []string) []string {
	initials := make([]byte, len(tokens))
	for i, t := range tokens {
		initials[i] = t[0]
	}
	slices.Sort(initials)
	return []string{"d" + p.Born.Format("2006-01-02"), "m" + p.Born.Format("2006-01") + string(initials)}
}

// similarity is 1 − d/max(|a|,|b|) for the Levenshtein distance d of the
// two spellings (bytes: spellings are ASCII).
func similarity(a, b string) float64 {
	n := max(len(a), len(b))
	if n == 0 {
		return 1
	}
	return 1 - float64(levenshtein(a, b))/float64(n)
}

// levenshtein is the edit distance of a and b, in O(|a|·|b|) time and
// O(|b|) memory (Wagner–Fischer).
func levenshtein(a, b string) int {
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		diag := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			next := min(row[j]+1, row[j-1]+1, diag+cost)
			diag, row[j] = row[j], next
		}
	}
	return row[len(b)]
}
