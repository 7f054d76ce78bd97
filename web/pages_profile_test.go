package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
)

// TestProfileEditor: the delegate's editor shows sliders with each
// weight's share and the total, its utility for sample packages and the
// versions with who saved them; "Preview" shows what was typed and saves
// nothing; a profile with every weight 0 is refused beside the weights
// with every edit kept; cautions name a red line against a valued option.
func TestProfileEditor(t *testing.T) {
	d := newDesk(t)
	ua := d.signIn(t, "ua@demo.parley")
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	ukraine := d.party["Ukraine"]
	own := fmt.Sprintf("/tracks/%d/profiles/%d", energy.ID, ukraine)
	ps := d.store.(parley.ProfileService)
	stored := func() *parley.Profile {
		t.Helper()
		p, err := ps.FindProfile(sysCtx, energy.ID, ukraine)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	before := stored()

	status, body := ua.get(own)
	for _, want := range []string{`type="range"`, `id="total"`, "Total of the weights:", "of the total", `id="samples"`,
		"The best package for you", "The worst package for you", `id="history"`, fmt.Sprintf("Version %d, saved by", before.Version),
		`name="intent" value="preview"`} {
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("the editor lacks %q (status %d)", want, status)
		}
	}

	themes, err := d.store.FindThemes(sysCtx, energy.ID)
	if err != nil {
		t.Fatal(err)
	}
	// form is the editor's form with every weight set to w and each
	// option's value set by value.
	form := func(w string, value func(theme, option int) string) url.Values {
		f := url.Values{"reservation": {"0.2"}, "notes": {"UA-TYPED-NOTE"}}
		for i, th := range themes {
			f.Set("weights["+th.Name+"]", w)
			for j, o := range th.Options {
				f.Set("values["+th.Name+"]["+o.Label+"]", value(i, j))
			}
		}
		return f
	}
	first := themes[0]
	forbid := fmt.Sprintf(`{"kind":"forbid","issue":%q,"option":%q}`, first.Name, first.Options[0].Label)

	// Preview: the typed values come back with their utility and a
	// caution; nothing is stored.
	preview := form("1", func(i, j int) string {
		if j == 0 {
			return "0.9" // the option the red line forbids
		}
		return "0.1"
	})
	preview.Add("red_lines", forbid)
	preview.Set("intent", "preview")
	status, body = ua.post(own, preview)
	if status != http.StatusOK || !strings.Contains(body, `id="draft"`) || !strings.Contains(body, "UA-TYPED-NOTE") {
		t.Fatalf("preview: status %d", status)
	}
	caution := fmt.Sprintf("Your red line rules out %s: %s, yet you value it at 0.90.", first.Name, first.Options[0].Label)
	if !strings.Contains(html.UnescapeString(body), caution) {
		t.Errorf("the preview lacks the caution %q", caution)
	}
	if share := fmt.Sprintf("%d%% of the total", 100/len(themes)); !strings.Contains(body, share) {
		t.Errorf("the preview's shares do not follow the typed weights")
	}
	if got := stored(); got.Version != before.Version {
		t.Errorf("a preview stored version %d", got.Version)
	}

	// Every weight 0: refused beside the weights, every edit kept.
	zero := form("0", func(int, int) string { return "0.35" })
	zero.Add("red_lines", forbid)
	zero.Add("red_lines", "0.0731")
	status, body = ua.post(own, zero)
	if status != http.StatusBadRequest {
		t.Fatalf("all-zero weights: status %d, want 400", status)
	}
	for _, want := range []string{`<span class="error field-error">at least one theme must weigh more than 0`, "UA-TYPED-NOTE",
		`value="0.35"`, `id="new_min_utility" name="red_lines" type="number" min="0" max="1" step="any" value="0.0731"`, " selected>" + html.EscapeString(first.Name+": "+first.Options[0].Label)} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused save lacks %q", want)
		}
	}
	if got := stored(); got.Version != before.Version {
		t.Errorf("a refused save stored version %d", got.Version)
	}

	// A save: the new version names its author.
	status, body = ua.post(own, form("1", func(_, j int) string { return fmt.Sprint(float64(j%2) * 0.5) }))
	if status != http.StatusOK || !strings.Contains(body, "Saved.") {
		t.Fatalf("save: status %d", status)
	}
	if !strings.Contains(body, fmt.Sprintf("Version %d, saved by Ukrainian delegate", before.Version+1)) {
		t.Errorf("the history does not name who saved the new version")
	}
}

// TestAnalysisProfileGaps: a principal without a usable profile is named
// on the analysis page with the reason, and the analysis is computed for
// the others.
func TestAnalysisProfileGaps(t *testing.T) {
	d := newDesk(t)
	med := d.signIn(t, "mediator@demo.parley")
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	page := fmt.Sprintf("/tracks/%d/analysis", energy.ID)

	status, body := med.get(page)
	if status != http.StatusOK || strings.Contains(body, "profile is incomplete") || !strings.Contains(body, `id="whatif"`) {
		t.Fatalf("the demo's analysis: status %d", status)
	}

	// A third principal without a profile.
	turkey := &parley.Party{Name: "Atlantis", Kind: parley.PartyState}
	if err := d.store.CreateParty(sysCtx, turkey); err != nil {
		t.Fatal(err)
	}
	parties := append(energy.Parties, parley.TrackParty{PartyID: turkey.ID, Role: parley.RolePrincipal})
	if _, err := d.store.UpdateTrack(sysCtx, energy.ID, parley.TrackUpdate{Parties: &parties}); err != nil {
		t.Fatal(err)
	}
	status, body = med.get(page)
	if status != http.StatusOK || !strings.Contains(html.UnescapeString(body), "Atlantis's profile is incomplete: no profile has been saved yet.") || !strings.Contains(body, `id="whatif"`) {
		t.Errorf("a principal without a profile: status %d, or the analysis is gone", status)
	}

	// A new theme the profiles do not weigh: Ukraine weighs it, Russia does
	// not, and the analysis counts Russia's weight as 0.
	th := &parley.Theme{TrackID: energy.ID, Name: "Humanitarian corridors", Position: 99, Options: []parley.Option{{Label: "None"}, {Label: "Daily"}}}
	if err := d.store.CreateTheme(sysCtx, th); err != nil {
		t.Fatal(err)
	}
	ps := d.store.(parley.ProfileService)
	p, err := ps.FindProfile(sysCtx, energy.ID, d.party["Ukraine"])
	if err != nil {
		t.Fatal(err)
	}
	p.Content.Weights[th.Name] = 0.1
	if err := ps.PutProfile(sysCtx, &parley.Profile{TrackID: energy.ID, PartyID: p.PartyID, Content: p.Content}); err != nil {
		t.Fatal(err)
	}
	status, body = med.get(page)
	text := html.UnescapeString(body)
	if status != http.StatusOK || !strings.Contains(text, "Russia's profile is incomplete: no weight is given to Humanitarian corridors; the analysis counts it as 0.") ||
		strings.Contains(text, "Ukraine's profile is incomplete") || !strings.Contains(body, `id="whatif"`) {
		t.Errorf("a profile without the new theme's weight: status %d", status)
	}
	// The delegates never see the analysis, so neither the gaps.
	ua := d.signIn(t, "ua@demo.parley")
	if status, body := ua.get(page); status != http.StatusNotFound || strings.Contains(body, "incomplete") {
		t.Errorf("a delegate's analysis page: status %d", status)
	}
}
