package desk

import (
	"math"
	"regexp"
	"strconv"
	"testing"
)

// TestBadgeContrast: the status badges write white text (.85rem, bold:
// not large text) on the status colours, which must reach WCAG 2.2 AA's
// 4.5:1 (relative luminance, WCAG 2.2 §1.4.3).
func TestBadgeContrast(t *testing.T) {
	css, err := staticFS.ReadFile("ui/static/desk.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"exploratory", "active", "paused", "suspended", "collapsed", "concluded", "muted", "accent", "bad"} {
		m := regexp.MustCompile(`--` + name + `: #([0-9a-fA-F]{6});`).FindSubmatch(css)
		if m == nil {
			t.Errorf("--%s is not a #rrggbb colour in desk.css", name)
			continue
		}
		if r := contrast(string(m[1]), "ffffff"); r < 4.5 {
			t.Errorf("white on --%s (#%s): contrast %.2f:1, want ≥ 4.5:1", name, m[1], r)
		}
	}
}

// contrast is (L1 + 0.05) / (L2 + 0.05) of two sRGB colours, L1 the lighter.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// luminance is an sRGB colour's relative luminance (WCAG 2.2).
func luminance(hex string) float64 {
	var c [3]float64
	for i := range c {
		v, _ := strconv.ParseUint(hex[2*i:2*i+2], 16, 8)
		x := float64(v) / 255
		if x <= 0.04045 {
			c[i] = x / 12.92
		} else {
			c[i] = math.Pow((x+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}
