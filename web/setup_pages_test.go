package web

import (
	"fmt"
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
)

// testSetupPages walks setting up talks through the pages: an
// administrator invites a mediator; the mediator accepts the link, opens a
// track, adds its parties, venue and a theme, invites a delegate, moves
// the track's start back, enters its history up to its collapse and
// revives it; the delegate accepts. Refused forms keep what was typed,
// show the reason beside the field and change nothing.
func testSetupPages(t *testing.T, d *testDesk) {
	admin := d.signIn(t, d.admin(t))
	status, body := admin.get("/tracks/new")
	if status != http.StatusOK || !strings.Contains(body, `id="invite-mediator"`) {
		t.Fatalf("the new track page of an administrator: %d", status)
	}
	status, body = admin.post("/invitations", url.Values{"name": {"Mediator Two"}, "email": {"med2@desk.example.org"}, "role": {"mediator"}})
	link := invitationLink(t, status, body)

	med := d.anonymous(t)
	status, body = med.get(link)
	if status != http.StatusOK || !strings.Contains(body, "as a mediator") {
		t.Fatalf("the mediator's invitation page: %d\n%s", status, body)
	}
	status, body = med.post(link, url.Values{"name": {"Mediator Two"}, "password": {deskPassword}})
	if status != http.StatusOK || !strings.Contains(body, "Welcome to Parley") || !strings.Contains(body, "second factor") {
		t.Fatalf("accepting the mediator's invitation: %d\n%s", status, body)
	}
	med.csrf = csrfRE.FindStringSubmatch(body)[1]
	// A second use of the link (a double submit) changes nothing.
	again := d.anonymous(t)
	if status, body := again.post(link, url.Values{"password": {deskPassword}}); status != http.StatusNotFound || !strings.Contains(body, "not valid") {
		t.Errorf("the link used twice: %d", status)
	}

	// Opening a track: an empty title is refused beside the field, the
	// mandate typed is kept, and no track is made.
	before, _, err := d.store.FindTracks(sysCtx, parley.TrackFilter{})
	must(t, err)
	status, body = med.post("/tracks", url.Values{"title": {" "}, "mandate": {"Delimit the border."}})
	if status != http.StatusBadRequest || !strings.Contains(body, "Delimit the border.") || !fieldError(body, "t-title") {
		t.Errorf("an empty title: %d\n%s", status, body)
	}
	status, body = med.post("/tracks", url.Values{"title": {"Border delimitation"}, "mandate": {"Delimit the border."}})
	if status != http.StatusOK || !strings.Contains(body, "The track is open") {
		t.Fatalf("opening a track: %d\n%s", status, body)
	}
	after, _, err := d.store.FindTracks(sysCtx, parley.TrackFilter{})
	must(t, err)
	if len(after) != len(before)+1 {
		t.Fatalf("tracks: %d before, %d after", len(before), len(after))
	}
	tr := after[len(after)-1]
	setup := fmt.Sprintf("/tracks/%d/setup", tr.ID)
	for _, f := range []url.Values{
		{"name": {"Armenia"}, "kind": {"state"}, "role": {"principal"}},
		{"name": {"Azerbaijan"}, "kind": {"state"}, "role": {"principal"}},
		{"party_id": {fmt.Sprint(d.party["Qatar"])}, "role": {"host"}},
		{"name": {"OSCE"}, "kind": {"organisation"}, "role": {"observer"}},
	} {
		if status, body := med.post(setup[:len(setup)-len("/setup")]+"/parties", f); status != http.StatusOK {
			t.Fatalf("adding a party %v: %d\n%s", f, status, body)
		}
	}
	status, body = med.post(fmt.Sprintf("/tracks/%d/parties", tr.ID), url.Values{"role": {"guarantor"}})
	if status != http.StatusBadRequest || !fieldError(body, "p-party") || !strings.Contains(body, `value="guarantor" selected`) {
		t.Errorf("a party neither chosen nor named: %d\n%s", status, body)
	}
	if status, body := med.post(fmt.Sprintf("/tracks/%d/venues", tr.ID), url.Values{"name": {"Palais des Nations"}, "city": {"Geneva"}}); status != http.StatusOK || !strings.Contains(body, "Palais des Nations") {
		t.Fatalf("adding a venue: %d\n%s", status, body)
	}
	status, body = med.post(fmt.Sprintf("/tracks/%d/themes", tr.ID), url.Values{"name": {"Enclaves"}, "options": {"exchange"}})
	if status != http.StatusBadRequest || !fieldError(body, "th-options") || !strings.Contains(body, `value="Enclaves"`) {
		t.Errorf("a theme of one option: %d\n%s", status, body)
	}
	if status, body := med.post(fmt.Sprintf("/tracks/%d/themes", tr.ID), url.Values{"name": {"Enclaves"}, "options": {"exchange\nkeep\n"}}); status != http.StatusOK || !strings.Contains(body, "keep") {
		t.Fatalf("adding a theme: %d\n%s", status, body)
	}

	// A prisoner exchange between the principals: the same side twice is
	// refused beside the field.
	azerbaijan := partyNamed(t, d, "Azerbaijan")
	status, body = med.post(fmt.Sprintf("/tracks/%d/exchanges", tr.ID), url.Values{"title": {"First exchange"}, "terms": {"all for all"},
		"side_a": {fmt.Sprint(azerbaijan)}, "side_b": {fmt.Sprint(azerbaijan)}})
	if status != http.StatusBadRequest || !strings.Contains(body, `value="First exchange"`) || !strings.Contains(body, `class="error`) {
		t.Errorf("an exchange with itself: %d\n%s", status, body)
	}
	if status, body := med.post(fmt.Sprintf("/tracks/%d/exchanges", tr.ID), url.Values{"title": {"First exchange"}, "terms": {"all for all"},
		"side_a": {fmt.Sprint(partyNamed(t, d, "Armenia"))}, "side_b": {fmt.Sprint(azerbaijan)}}); status != http.StatusOK || !strings.Contains(body, "First exchange") {
		t.Errorf("starting an exchange: %d\n%s", status, body)
	}

	// Invitations: a delegate names its party; one more is revoked.
	armenia := partyNamed(t, d, "Armenia")
	status, body = med.post(fmt.Sprintf("/tracks/%d/invitations", tr.ID), url.Values{"name": {"Armen"}, "email": {"armen@desk.example.org"}, "role": {"delegate"}})
	if status != http.StatusBadRequest || !fieldError(body, "i-party") || !strings.Contains(body, `value="armen@desk.example.org"`) {
		t.Errorf("a delegate of no party: %d\n%s", status, body)
	}
	if roles := body[strings.Index(body, `id="i-role"`):]; strings.Contains(roles[:strings.Index(roles, "</select>")], `value="mediator"`) {
		t.Errorf("a mediator is offered to invite mediators")
	}
	status, body = med.post(fmt.Sprintf("/tracks/%d/invitations", tr.ID), url.Values{"name": {"Armen"}, "email": {"armen@desk.example.org"}, "role": {"delegate"}, "party_id": {fmt.Sprint(armenia)}})
	delegateLink := invitationLink(t, status, body)
	status, body = med.post(fmt.Sprintf("/tracks/%d/invitations", tr.ID), url.Values{"name": {"Olga"}, "email": {"olga@desk.example.org"}, "role": {"observer"}})
	invitationLink(t, status, body)
	invs, err := d.store.FindInvitations(sysCtx, &tr.ID)
	must(t, err)
	if status, _ := med.post(fmt.Sprintf("/invitations/%d/revoke", invs[0].ID), url.Values{}); status != http.StatusOK {
		t.Errorf("revoking an invitation: %d", status)
	}

	// History: the start moved back, then the status changes dated in
	// order, up to the collapse; the collapsed track offers no form that
	// would change it, and is revived.
	base := fmt.Sprintf("/tracks/%d", tr.ID)
	if status, body := med.post(base+"/start", url.Values{"at": {"2023-01-10T09:00"}}); status != http.StatusOK {
		t.Fatalf("moving the start: %d\n%s", status, body)
	}
	status, body = med.post(base+"/transition", url.Values{"to": {"active"}, "reason": {"Talks opened"}, "at": {"2022-12-01T09:00"}})
	if status != http.StatusBadRequest || !fieldError(body, "t-at") {
		t.Errorf("a status change before the start: %d\n%s", status, body)
	}
	for _, f := range []url.Values{
		{"to": {"active"}, "reason": {"Talks opened"}, "at": {"2023-02-01T09:00"}},
		{"to": {"collapsed"}, "reason": {"Talks broke down"}, "at": {"2023-09-19T09:00"}},
	} {
		if status, body := med.post(base+"/transition", f); status != http.StatusOK {
			t.Fatalf("transition %v: %d\n%s", f, status, body)
		}
	}
	_, body = med.get(base)
	if !strings.Contains(body, `id="collapsed-note"`) || strings.Contains(body, `id="add-meeting"`) || strings.Contains(body, `id="start-text"`) {
		t.Errorf("the collapsed track's page offers forms that would change it")
	}
	if status, body := med.post(base+"/revival", url.Values{"title": {"Border delimitation, second round"}, "reason": {"Both sides asked to resume"}}); status != http.StatusOK || !strings.Contains(body, "continues a collapsed track") {
		t.Fatalf("reviving: %d\n%s", status, body)
	}
	if _, body := med.get(base); !strings.Contains(body, `id="revived-as"`) {
		t.Errorf("the collapsed track does not link its successor")
	}

	// The delegate accepts and lands on the track.
	del := d.anonymous(t)
	status, body = del.get(delegateLink)
	if status != http.StatusOK || !strings.Contains(body, "Border delimitation") || !strings.Contains(body, "Armenia") {
		t.Fatalf("the delegate's invitation page: %d\n%s", status, body)
	}
	if status, body := del.post(delegateLink, url.Values{"name": {"Armen"}, "password": {"short"}}); status != http.StatusBadRequest || !strings.Contains(body, "password") {
		t.Errorf("a short password: %d\n%s", status, body)
	}
	if status, body := del.post(delegateLink, url.Values{"name": {"Armen"}, "password": {deskPassword}}); status != http.StatusOK || !strings.Contains(body, "Welcome to Parley") {
		t.Fatalf("the delegate accepts: %d\n%s", status, body)
	}
	if _, body := med.get(setup); !strings.Contains(body, "Armen — "+"delegate of Armenia") {
		t.Errorf("the setup page's members lack the delegate:\n%s", body)
	}
	if status, _ := del.get(setup); status != http.StatusForbidden {
		t.Errorf("a delegate's setup page: %d", status)
	}
}

var linkRE = regexp.MustCompile(`id="invitation-url">([^<]+)<`)

// invitationLink is the path of the one-time link a page shows.
func invitationLink(t *testing.T, status int, body string) string {
	t.Helper()
	m := linkRE.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("no invitation link: %d\n%s", status, body)
	}
	u, err := url.Parse(html.UnescapeString(m[1]))
	must(t, err)
	return u.Path
}

// fieldError reports whether the field with the id shows a refusal
// beside it.
func fieldError(body, id string) bool {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return false
	}
	rest := body[i:]
	end := strings.Index(rest, "<label")
	if end < 0 {
		end = len(rest)
	}
	return strings.Contains(rest[:end], "field-error")
}

func partyNamed(t *testing.T, d *testDesk, name string) int64 {
	t.Helper()
	ps, _, err := d.store.FindParties(sysCtx, parley.Page{Limit: parley.MaxLimit})
	must(t, err)
	for _, p := range ps {
		if p.Name == name {
			return p.ID
		}
	}
	t.Fatalf("no party %s", name)
	return 0
}

// anonymous is a browser that has not signed in.
func (d *testDesk) anonymous(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{d: d, t: t, client: &http.Client{Jar: jar}}
}
