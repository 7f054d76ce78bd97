package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSearch: the search finds what the caller may read — a track's
// title, a text's clause, its own delegation's caucus note, the minutes —
// and never what it may not: the other delegation's caucus note, a
// profile's sealed note, a mediators-only proposal, a track it is no
// member of.
func TestSearch(t *testing.T) { testSearch(t, newDesk(t)) }

func testSearch(t *testing.T, d *testDesk) {
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	med := d.signIn(t, "mediator@demo.parley")
	ua := d.signIn(t, "ua@demo.parley")
	obs := d.signIn(t, "observer@demo.parley")
	const hidden = "MEDIATORS-ONLY-PROPOSAL-4b2c"
	if status, _ := med.post(fmt.Sprintf("/tracks/%d/proposals", energy.ID), url.Values{"audience": {"mediators"}, "rationale": {hidden},
		"package": {choiceValue(d.firstTheme(t, energy.ID).Name, d.firstTheme(t, energy.ID).Options[0].Label)}}); status != http.StatusOK {
		t.Fatalf("a mediators-only proposal: %d", status)
	}
	find := func(b *browser, q string) (int, string) {
		t.Helper()
		return b.get("/search?q=" + url.QueryEscape(q))
	}
	found := func(b *browser, q string) bool {
		t.Helper()
		status, body := find(b, q)
		if status != http.StatusOK {
			t.Fatalf("search %q: %d", q, status)
		}
		return strings.Contains(body, `id="search-results"`)
	}
	for _, tt := range []struct {
		who       string
		b         *browser
		q         string
		wantFound bool
	}{
		{"the mediator", med, "strike moratorium", true},
		{"the mediator", med, "Moscow asks that ports", true},                        // Russia's caucus note
		{"the mediator", med, hidden, true},                                          // the mediators' proposal
		{"Ukraine", ua, "Kyiv could accept", true},                                   // its own caucus note
		{"Ukraine", ua, "confirmed the scope", true},                                 // the minutes
		{"Ukraine", ua, "Neither side strikes", true},                                // a text's clause
		{"Ukraine", ua, "Moscow asks that ports", false},                             // Russia's caucus note
		{"Ukraine", ua, hidden, false},                                               // the mediators' proposal
		{"Ukraine", ua, ruMarker.note, false},                                        // Russia's sealed profile
		{"the observer", obs, "strike moratorium", false},                            // a track it is no member of
		{"the observer", obs, "Kyiv could accept", false},                            // a caucus note
		{"the observer", obs, d.tracks["Black Sea grain corridor"].Title[:9], false}, // not its track
	} {
		if got := found(tt.b, tt.q); got != tt.wantFound {
			t.Errorf("%s searches %q: found %v, want %v", tt.who, tt.q, got, tt.wantFound)
		}
	}
	// What a result shows is what the caller may read: Ukraine's results
	// for a word of every note never quote Russia's.
	if _, body := find(ua, "the"); strings.Contains(body, "Moscow asks") || strings.Contains(body, hidden) {
		t.Errorf("Ukraine's results quote what it may not read")
	}
	if status, body := find(ua, strings.Repeat("x", 201)); status != http.StatusBadRequest || !strings.Contains(body, "field-error") {
		t.Errorf("a search too long: %d", status)
	}
}
