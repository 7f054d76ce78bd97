package desk

import (
	"regexp"
	"strings"
)

// diffPart is a run of words of a wording diff: kept, removed or added.
type diffPart struct {
	Kind string // "same", "removed", "added"
	Text string
}

// maxDiffWords bounds the words of either side that wordDiff aligns word
// by word; longer wordings are shown replaced as a whole.
const maxDiffWords = 2000

// diffWord is a word with the spaces that follow it.
var diffWord = regexp.MustCompile(`\s*\S+\s*`)

// wordDiff marks how wording b differs from wording a, word by word: the
// words of a longest common subsequence (compared without their spaces)
// are kept, the rest of a removed and of b added, removals before
// additions at each place. Cost O(m·n) time and space for m and n words
// (at most maxDiffWords each).
func wordDiff(a, b string) []diffPart {
	x, y := diffWord.FindAllString(a, -1), diffWord.FindAllString(b, -1)
	var out []diffPart
	add := func(kind, text string) {
		if n := len(out); n > 0 && out[n-1].Kind == kind {
			out[n-1].Text += text
			return
		}
		out = append(out, diffPart{Kind: kind, Text: text})
	}
	if len(x) > maxDiffWords || len(y) > maxDiffWords {
		if a != "" {
			add("removed", a)
		}
		if b != "" {
			add("added", b)
		}
		return out
	}
	same := func(i, j int) bool { return strings.TrimSpace(x[i]) == strings.TrimSpace(y[j]) }
	// lcs[i][j] is the LCS length of x[i:] and y[j:].
	lcs := make([][]int32, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if same(i, j) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && same(i, j):
			add("same", y[j])
			i, j = i+1, j+1
		case i < len(x) && (j == len(y) || lcs[i+1][j] >= lcs[i][j+1]):
			add("removed", x[i])
			i++
		default:
			add("added", y[j])
			j++
		}
	}
	return out
}
