package desk

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestWordDiff(t *testing.T) {
	tests := []struct {
		a, b string
		want string // removed words in [-…-], added in {+…+}
	}{
		{"The parties halt strikes.", "The parties halt strikes.", "The parties halt strikes."},
		{"The parties halt strikes for 30 days.", "The parties halt strikes for 90 days.", "The parties halt strikes for [-30 -]{+90 +}days."},
		{"", "New clause.", "{+New clause.+}"},
		{"Old clause.", "", "[-Old clause.-]"},
		{"[For 30 days] [Indefinitely]", "Indefinitely", "[-[For 30 days] [Indefinitely]-]{+Indefinitely+}"},
		{"a b c", "a  c", "a  [-b -]c"}, // the kept words keep the new spaces
	}
	for _, tt := range tests {
		if got := render(wordDiff(tt.a, tt.b)); got != tt.want {
			t.Errorf("wordDiff(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestWordDiffSides: for random wordings from a small vocabulary, the kept
// and removed parts spell the old wording and the kept and added parts the
// new one (up to spaces), and the kept words are as many as an LCS has.
func TestWordDiffSides(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"the", "parties", "halt", "strikes", "for", "days", "30", "90"}
	wording := func() string {
		n := rng.IntN(12)
		out := make([]string, n)
		for i := range out {
			out[i] = words[rng.IntN(len(words))]
		}
		return strings.Join(out, " ")
	}
	for range 2000 {
		a, b := wording(), wording()
		var old, new []string
		for _, p := range wordDiff(a, b) {
			if p.Kind != "added" {
				old = append(old, strings.Fields(p.Text)...)
			}
			if p.Kind != "removed" {
				new = append(new, strings.Fields(p.Text)...)
			}
		}
		if strings.Join(old, " ") != a || strings.Join(new, " ") != b {
			t.Fatalf("wordDiff(%q, %q) spells %q and %q", a, b, old, new)
		}
	}
}

func render(ps []diffPart) string {
	var b strings.Builder
	for _, p := range ps {
		switch p.Kind {
		case "removed":
			b.WriteString("[-" + p.Text + "-]")
		case "added":
			b.WriteString("{+" + p.Text + "+}")
		default:
			b.WriteString(p.Text)
		}
	}
	return b.String()
}
