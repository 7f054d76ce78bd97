package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
)

func TestRecordPages(t *testing.T) { testRecordPages(t, newDesk(t)) }

// testRecordPages: a proposal's improvements (and one put as a proposal
// in one step), a party's concession ledger, meeting notes with their
// audiences and the audit trail with its proofs — each shown to those who
// may read it and to nobody else.
func testRecordPages(t *testing.T, d *testDesk) {
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	ukraine, russia := d.party["Ukraine"], d.party["Russia"]
	med := d.signIn(t, "mediator@demo.parley")
	ua := d.signIn(t, "ua@demo.parley")
	ru := d.signIn(t, "ru@demo.parley")
	proposals := fmt.Sprintf("/tracks/%d/proposals", energy.ID)
	themes, err := d.store.FindThemes(sysCtx, energy.ID)
	if err != nil {
		t.Fatal(err)
	}

	// Improvements: the mediators put the worst package for Ukraine; the
	// page lists packages above it, and one goes in as a proposal.
	full := url.Values{"audience": {"plenary"}, "rationale": {"A package to improve on"}}
	for _, th := range themes {
		full.Add("package", choiceValue(th.Name, th.Options[0].Label))
	}
	if status, body := med.post(proposals, full); status != http.StatusOK || !strings.Contains(body, "The proposal was put.") {
		t.Fatalf("put a full package: %d", status)
	}
	ps, err := d.store.FindProposals(sysCtx, energy.ID)
	if err != nil || len(ps) == 0 {
		t.Fatalf("proposals: %v", err)
	}
	base := ps[len(ps)-1]
	improvements := fmt.Sprintf("/proposals/%d/improvements", base.ID)
	status, body := med.get(improvements)
	if status != http.StatusOK || !strings.Contains(body, `id="improvement-1"`) || !strings.Contains(body, "Put it as the mediators") {
		t.Fatalf("improvements page: %d\n%s", status, body)
	}
	if _, page := med.get(proposals); !strings.Contains(page, `href="`+improvements+`"`) {
		t.Errorf("the proposals page does not link the improvements of proposal %d", base.ID)
	}
	form := regexp.MustCompile(`(?s)<section class="proposal" id="improvement-1".*?</form>`).FindString(body)
	put := url.Values{"audience": {"plenary"}}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="(package|rationale)" value="([^"]*)">`).FindAllStringSubmatch(form, -1) {
		put.Add(m[1], html.UnescapeString(m[2]))
	}
	if len(put["package"]) != len(themes) {
		t.Fatalf("the improvement's form carries %d choices for %d themes", len(put["package"]), len(themes))
	}
	if status, body := med.post(proposals, put); status != http.StatusOK || !strings.Contains(body, "The proposal was put.") || !strings.Contains(body, fmt.Sprintf("An improvement of proposal %d", base.ID)) {
		t.Errorf("put the improvement: %d", status)
	}
	// Only the mediators: a delegate who reads the proposal gets 404.
	if status, body := ua.get(improvements); status != http.StatusNotFound || strings.Contains(body, "improvement-1") {
		t.Errorf("a delegate's improvements page: %d", status)
	}

	// Concessions: Ukraine moves on the first theme between two proposals.
	first := themes[0]
	for _, o := range first.Options[:2] {
		f := url.Values{"audience": {"plenary"}, "package": {choiceValue(first.Name, o.Label)}, "rationale": {"UA step"}}
		if status, _ := ua.post(proposals, f); status != http.StatusOK {
			t.Fatalf("Ukraine puts a proposal: %d", status)
		}
	}
	ledger := fmt.Sprintf("/tracks/%d/concessions/%d", energy.ID, ukraine)
	status, body = ua.get(ledger)
	text := html.UnescapeString(body)
	if status != http.StatusOK || !strings.Contains(text, "Concessions of Ukraine") || !strings.Contains(text, first.Options[1].Label) || strings.Contains(body, "No concessions yet") {
		t.Errorf("Ukraine's concession ledger: %d", status)
	}
	if status, _ := med.get(ledger); status != http.StatusOK {
		t.Errorf("the mediator's view of Ukraine's ledger: %d", status)
	}
	if status, body := ru.get(ledger); status != http.StatusNotFound || strings.Contains(body, first.Options[1].Label+"</td>") {
		t.Errorf("Russia reads Ukraine's ledger: %d", status)
	}

	// Notes: a caucus note for Ukraine, minutes for everyone.
	meetings, _, err := d.store.FindMeetings(sysCtx, parley.MeetingFilter{TrackID: energy.ID, Page: parley.Page{Limit: 10}})
	if err != nil || len(meetings) == 0 {
		t.Fatalf("meetings of the energy track: %v", err)
	}
	meeting := meetings[0]
	notes := fmt.Sprintf("/tracks/%d/notes", energy.ID)
	const caucus, minutes = "UA-CAUCUS-NOTE-5d1e", "Plenary minutes of the Doha round"
	add := fmt.Sprintf("/meetings/%d/notes", meeting.ID)
	if status, body := med.post(add, url.Values{"kind": {"caucus"}, "audience": {fmt.Sprintf("party:%d", ukraine)}, "text": {caucus}}); status != http.StatusOK ||
		!strings.Contains(body, "The note was added.") || !strings.Contains(body, caucus) {
		t.Fatalf("add a caucus note: %d", status)
	}
	if status, _ := med.post(add, url.Values{"kind": {"minutes"}, "audience": {"plenary"}, "text": {minutes}}); status != http.StatusOK {
		t.Fatalf("add minutes: %d", status)
	}
	// A refused note keeps what was typed, beside the form.
	status, body = med.post(add, url.Values{"kind": {"caucus"}, "audience": {"mediators"}, "text": {""}})
	if status != http.StatusBadRequest || !strings.Contains(body, fmt.Sprintf(`id="note-%d-form"`, meeting.ID)) || !strings.Contains(body, "field-error") {
		t.Errorf("an empty note: %d", status)
	}
	if _, body := ua.get(notes); !strings.Contains(body, caucus) || !strings.Contains(body, minutes) || !strings.Contains(body, "Demo Mediator") {
		t.Errorf("Ukraine's notes page lacks its caucus note, the minutes or the author's name\n%s", body)
	}
	if status, body := ru.get(notes); status != http.StatusOK || strings.Contains(body, caucus) || !strings.Contains(body, minutes) {
		t.Errorf("Russia's notes page: %d, shows Ukraine's caucus note or lacks the minutes", status)
	}
	if status, _ := ua.post(add, url.Values{"kind": {"minutes"}, "audience": {"plenary"}, "text": {"x"}}); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Errorf("a delegate adds a note: %d", status)
	}

	// The audit trail: Ukraine sees its own sealed entries and never
	// Russia's; each entry's proof verifies.
	all, _, err := d.store.FindAuditEntries(sysCtx, energy.ID, parley.Page{Limit: parley.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var own, others int64 = -1, -1
	for _, e := range all {
		switch e.Audience {
		case parley.PartyAudience(ukraine):
			own = e.Index
		case parley.PartyAudience(russia):
			others = e.Index
		}
	}
	if own < 0 || others < 0 {
		t.Fatalf("the trail holds no sealed entries of both parties")
	}
	trail := func(b *browser) string {
		t.Helper()
		var out strings.Builder
		for offset := 0; ; {
			status, body := b.get(fmt.Sprintf("/tracks/%d/audit?offset=%d", energy.ID, offset))
			if status != http.StatusOK {
				t.Fatalf("audit trail: %d", status)
			}
			out.WriteString(body)
			m := regexp.MustCompile(`audit\?offset=(\d+)">Older entries`).FindStringSubmatch(body)
			if m == nil {
				return out.String()
			}
			fmt.Sscan(m[1], &offset)
		}
	}
	link := func(i int64) string { return fmt.Sprintf(`href="/audit/entries/%d"`, i) }
	uaTrail := trail(ua)
	if !strings.Contains(uaTrail, link(own)) || strings.Contains(uaTrail, link(others)) || !strings.Contains(uaTrail, "saved a profile") {
		t.Errorf("Ukraine's trail: own entry %d shown %v, Russia's %d shown %v", own, strings.Contains(uaTrail, link(own)), others, strings.Contains(uaTrail, link(others)))
	}
	if medTrail := trail(med); !strings.Contains(medTrail, link(own)) || !strings.Contains(medTrail, link(others)) || !strings.Contains(medTrail, "Demo Mediator") {
		t.Errorf("the mediator's trail lacks a party's entry or the mediator's name")
	}
	status, body = ua.get(fmt.Sprintf("/audit/entries/%d", own))
	if status != http.StatusOK || !strings.Contains(body, `id="verified"`) || !strings.Contains(body, "Leaf hash") {
		t.Errorf("Ukraine's own entry %d: %d, or its proof does not verify", own, status)
	}
	if status, _ := ua.get(fmt.Sprintf("/audit/entries/%d", others)); status != http.StatusNotFound {
		t.Errorf("Ukraine reads Russia's entry %d: %d", others, status)
	}
	// Nothing sealed reaches a trail or a proof page.
	for _, secret := range append(d.secrets(uaMarker), d.secrets(ruMarker)...) {
		if strings.Contains(uaTrail, secret) {
			t.Errorf("the trail shows a sealed value %q", secret)
		}
	}
}
