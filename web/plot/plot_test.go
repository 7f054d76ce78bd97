package plot

import (
	"strings"
	"testing"

	"github.com/parley-talks/parley/negotiation"
)

type analysis struct {
	Problem *negotiation.Problem
	Report  *negotiation.Report
}

func analysisOfScenario(t *testing.T, sc *negotiation.Scenario) *analysis {
	t.Helper()
	p, err := sc.Compile()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := p.Analyze(negotiation.AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return &analysis{Problem: p, Report: rep}
}

// TestPlotView: two parties give one plot of every package; three give
// the three pairwise plots of a sample when the space is larger than
// MaxCloud, and the page says that it is a sample.
func TestPlotView(t *testing.T) {
	for _, tc := range []struct {
		parties, issues, options int
		plots, drawn             int
		sampled                  bool
	}{
		{2, 3, 4, 1, 64, false},
		{2, 4, 10, 1, MaxCloud, true},
		{3, 4, 10, 3, MaxCloud, true},
		{4, 2, 5, 6, 25, false},
	} {
		a := analysisOfScenario(t, negotiation.Generate(7, tc.parties, tc.issues, tc.options))
		v := New(a.Problem, a.Report)
		if len(v.Plots) != tc.plots || v.Drawn != tc.drawn || v.Sampled != tc.sampled {
			t.Errorf("%d parties, %d×%d: %d plots of %d packages (sampled %v), want %d of %d (%v)",
				tc.parties, tc.issues, tc.options, len(v.Plots), v.Drawn, v.Sampled, tc.plots, tc.drawn, tc.sampled)
		}
		for _, p := range v.Plots {
			if got := strings.Count(p.Cloud, "M") + strings.Count(p.Crossed, "M"); got != v.Drawn {
				t.Errorf("%s × %s: %d dots, want %d", p.XParty, p.YParty, got, v.Drawn)
			}
			if len(p.Dots) != len(a.Report.Frontier) || len(p.Marks) != 4 {
				t.Errorf("%s × %s: %d frontier dots of %d, %d marks", p.XParty, p.YParty, len(p.Dots), len(a.Report.Frontier), len(p.Marks))
			}
		}
	}
}

// TestPlotMarksFollowTheReport: the disagreement point and the marks sit
// where the utilities say.
func TestPlotMarksFollowTheReport(t *testing.T) {
	sc := negotiation.Generate(3, 2, 3, 3)
	sc.Profiles[0].Reservation = 0.25
	sc.Profiles[1].Reservation = 0.5
	a := analysisOfScenario(t, sc)
	p := New(a.Problem, a.Report).Plots[0]
	if p.D.X != fmtCoord(coord(0.25, false)) || p.D.Y != fmtCoord(coord(0.5, true)) {
		t.Errorf("d at %s,%s", p.D.X, p.D.Y)
	}
	if a.Report.Nash != nil {
		n := p.Marks[0]
		if n.Name != "Nash" || n.X != fmtCoord(coord(a.Report.Nash.Utility[0], false)) || n.Y != fmtCoord(coord(a.Report.Nash.Utility[1], true)) {
			t.Errorf("Nash mark %+v, utility %v", n, a.Report.Nash.Utility)
		}
	}
}
