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
		for _, bk := range blockKeys(p, kb[j]) {
			blocks[bk] = append(blocks[bk], j)
		}
	}
	var cands []Candidate
	seen := map[[2]int]bool{}
	for i, p := range a {
		for _, bk := range blockKeys(p, ka[i]) {
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

// form is a person's names prepared for comparison: a spelling set for
// each name the side wrote (the original script and the transliteration,
// when both are given: a name in a script without written vowels, such as
// Arabic, is compared best through its transliteration).
type form []spellings

// spellings are one name's folded tokens joined in every rotation of the
// written order (given–patronymic–family against family–given–patronymic)
// and, last, in sorted order — without spaces, so that a typo that moves
// or drops a space costs one edit — and the sorted initials of its tokens.
type spellings struct {
	rotations []spelling
	initials  string
}

// spelling is a spelling as letters, and as bytes when it is ASCII (most
// are: Cyrillic folds to ASCII), where the edit distance is cheaper.
type spelling struct {
	runes []rune
	ascii []byte // nil unless every letter is ASCII
}

func newSpelling(s string) spelling {
	sp := spelling{runes: []rune(s)}
	if isASCII(s) {
		sp.ascii = []byte(s)
	}
	return sp
}

func forms(ps []Person) []form {
	fs := make([]form, len(ps))
	for i, p := range ps {
		for _, name := range []string{p.Name, p.Transliteration} {
			t := tokens(name)
			if len(t) == 0 {
				continue
			}
			var sp spellings
			for r := range t {
				sp.rotations = append(sp.rotations, newSpelling(strings.Join(t[r:], "")+strings.Join(t[:r], "")))
			}
			sorted := slices.Sorted(slices.Values(t))
			sp.rotations = append(sp.rotations, newSpelling(strings.Join(sorted, "")))
			initials := make([]rune, len(t))
			for k, tok := range t {
				initials[k] = []rune(tok)[0]
			}
			slices.Sort(initials)
			sp.initials = string(initials)
			fs[i] = append(fs[i], sp)
		}
	}
	return fs
}

// nameSimilarity is the best similarity of any name of a to any name of b.
func nameSimilarity(a, b form) float64 {
	best := 0.0
	for _, x := range a {
		for _, y := range b {
			best = max(best, spellingSimilarity(x, y))
		}
	}
	return best
}

// spellingSimilarity is the best similarity of x's written spelling to any
// spelling of y, or of the two sorted spellings.
func spellingSimilarity(x, y spellings) float64 {
	best := 0.0
	for _, s := range y.rotations {
		best = max(best, similarity(x.rotations[0], s))
	}
	return max(best, similarity(x.rotations[len(x.rotations)-1], y.rotations[len(y.rotations)-1]))
}

// blockKeys are the blocks a person falls in: the date of birth, and the
// month of birth with the sorted initials of each of its names (which
// catches a mistyped day).
func blockKeys(p Person, f form) []string {
	keys := []string{"d" + p.Born.Format("2006-01-02")}
	month := "m" + p.Born.Format("2006-01")
	for _, sp := range f {
		if k := month + sp.initials; !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// similarity is 1 − d/max(|a|,|b|) for the Levenshtein distance d of the
// two spellings, in letters.
func similarity(a, b spelling) float64 {
	n := max(len(a.runes), len(b.runes))
	if n == 0 {
		return 1
	}
	var d int
	if a.ascii != nil && b.ascii != nil {
		d = levenshtein(a.ascii, b.ascii)
	} else {
		d = levenshtein(a.runes, b.runes)
	}
	return 1 - float64(d)/float64(n)
}

// levenshtein is the edit distance of a and b, in O(|a|·|b|) time and
// O(|b|) memory (Wagner–Fischer).
func levenshtein[T byte | rune](a, b []T) int {
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
