package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
)

// TestTextPages checks the page of a negotiating text.
func TestTextPages(t *testing.T) { testTextPages(t, newDesk(t)) }

// testTextPages: a plenary text with a bracketed, frozen version 1 and an
// agreed version 2 shows its versions' counts, a version's brackets with
// sponsors, and the changes; a mediators-only text is no delegate's, and
// no text is an outsider's.
func testTextPages(t *testing.T, d *testDesk) {
	ctx := sysCtx
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	themes, err := d.store.FindThemes(ctx, energy.ID)
	if err != nil {
		t.Fatal(err)
	}
	th := themes[0]
	ua, ru := d.party["Ukraine"], d.party["Russia"]
	text := &parley.NegotiatingText{TrackID: energy.ID, Title: "Draft moratorium", Audience: parley.AudiencePlenary}
	hidden := &parley.NegotiatingText{TrackID: energy.ID, Title: "Mediators' fallback", Audience: parley.AudienceMediators}
	for _, x := range []*parley.NegotiatingText{text, hidden} {
		if err := d.store.CreateText(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	v1, err := d.store.CreateVersion(ctx, text.ID, []parley.Clause{
		{Text: "The parties halt strikes.", Status: parley.ClauseAgreed},
		{Alternatives: []parley.Alternative{
			{Text: "Alternative one.", Theme: th.Name, Option: th.Options[0].Label, Sponsors: []int64{ua}},
			{Text: "Alternative two.", Theme: th.Name, Option: th.Options[1].Label, Sponsors: []int64{ru}},
		}, Status: parley.ClauseBracketed},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.store.FreezeVersion(ctx, v1.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.store.CreateVersion(ctx, text.ID, []parley.Clause{
		{Text: "The parties halt strikes.", Status: parley.ClauseAgreed},
		{Text: "Alternative one.", Status: parley.ClauseAgreed},
	}); err != nil {
		t.Fatal(err)
	}
	uaB := d.signIn(t, "ua@demo.parley")
	obs := d.signIn(t, "observer@demo.parley")
	page := fmt.Sprintf("/texts/%d", text.ID)
	status, body := uaB.get(page)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", page, status, body)
	}
	for _, want := range []string{
		"<td>frozen</td><td>2</td><td>1</td><td>1</td><td>2</td><td>no</td>", // version 1
		"<td>draft</td><td>2</td><td>2</td><td>0</td><td>0</td><td>yes</td>", // version 2
		"Changes from version 1",
		"changed clause 2 → clause 2 · status: bracketed → agreed · brackets: 2 bracketed alternatives → no brackets",
		"<del>[Alternative one.] [Alternative two.]</del><ins>Alternative one.</ins>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("%s lacks %s", page, want)
		}
	}
	_, body = uaB.get(page + "?version=1")
	if !strings.Contains(body, `<span class="bracket">[Alternative one.]</span> <small>sponsors: Ukraine</small>`) ||
		!strings.Contains(body, "sponsors: Russia") || !strings.Contains(body, "<em>(bracketed)</em>") {
		t.Errorf("version 1 shows no brackets with sponsors:\n%s", body)
	}
	if status, _ := uaB.get(page + "?version=3"); status != http.StatusNotFound {
		t.Errorf("a version that does not exist: %d", status)
	}
	// The demo's observer is no member of this track.
	if status, _ := obs.get(page); status != http.StatusNotFound {
		t.Errorf("an outsider reads a plenary text: %d", status)
	}
	for _, b := range []*browser{uaB, d.signIn(t, "ru@demo.parley")} {
		if status, _ := b.get(fmt.Sprintf("/texts/%d", hidden.ID)); status != http.StatusNotFound {
			t.Errorf("a mediators' text: %d", status)
		}
		_, track := b.get(fmt.Sprintf("/tracks/%d", energy.ID))
		if !strings.Contains(track, `href="`+page+`"`) || strings.Contains(track, "Mediators&#39; fallback") {
			t.Errorf("the track's page lists the texts wrongly")
		}
	}
}
