package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/demo"
)

// testLinkPages walks the map's forms of links: the demo's mediator links
// two tracks as a sequence and finds the link listed, with its history;
// refused forms (a self-link, a track it does not see or does not mediate,
// no reason, a cycle of sequences, a duplicate, hostile values, a delegate
// posting the form) come back on the map with the message and what was
// typed, and store nothing; the link is dissolved with a reason, shows
// that step in its history, and cannot be made active again while that
// would close a cycle. Members who see one of the tracks only see neither
// the link nor its forms.
func testLinkPages(t *testing.T, d *testDesk) {
	med := d.signIn(t, demo.MediatorEmail)
	children, principles := d.tracks["Return of deported children"], d.tracks["Principles of peace"]
	crimea := d.tracks["Status of Crimea and a temporary lull"]
	energy, prisoners := d.tracks[energyTitle], d.tracks[prisonersTitle]
	demoLinks := allLinks(t, d)
	if len(demoLinks) != 1 {
		t.Fatalf("the demo's links: %d", len(demoLinks))
	}
	pkg := demoLinks[0]

	status, body := med.get("/map")
	if status != http.StatusOK || !strings.Contains(body, `id="link-tracks"`) {
		t.Fatalf("the mediator's map has no form to link tracks: %d", status)
	}
	row := linkRow(body, pkg.ID)
	for _, want := range []string{`id="link-form-` + fmt.Sprint(pkg.ID) + `"`, "History of the link", "the system", html.EscapeString(pkg.Reason)} {
		if !strings.Contains(row, want) {
			t.Errorf("the demo's link row lacks %q:\n%s", want, row)
		}
	}
	for _, k := range parley.LinkKinds {
		if !strings.Contains(body, fmt.Sprintf(`id="l-kind-%s"`, k)) {
			t.Errorf("the form offers no %s link", k)
		}
	}

	// Refusals: each comes back on the map, with the message and what was
	// typed, and changes nothing stored.
	outside := &parley.Track{Title: "Track the mediator does not see"}
	must(t, d.store.CreateTrack(sysCtx, outside))
	linkForm := func(a, b int64, kind, opensAt, reason string) url.Values {
		return url.Values{"track_a": {fmt.Sprint(a)}, "track_b": {fmt.Sprint(b)}, "kind": {kind}, "opens_at": {opensAt}, "reason": {reason}}
	}
	refused := func(who *browser, name string, form url.Values, wantStatus int, message, field string) string {
		t.Helper()
		before := allLinks(t, d)
		status, body := who.post("/links", form)
		if status != wantStatus || !strings.Contains(body, html.EscapeString(message)) {
			t.Errorf("%s: status %d, want %d with %q\n%s", name, status, wantStatus, message, body)
		}
		if field != "" && !fieldError(body, field) {
			t.Errorf("%s: no refusal beside #%s", name, field)
		}
		if r := form.Get("reason"); r != "" && strings.Contains(body, `id="link-tracks"`) && !strings.Contains(body, html.EscapeString(r)+"</textarea>") {
			t.Errorf("%s: the reason typed is not kept", name)
		}
		if diff := cmp.Diff(before, allLinks(t, d)); diff != "" {
			t.Errorf("%s changed the links (-before +after):\n%s", name, diff)
		}
		return body
	}
	body = refused(med, "a self-link", linkForm(children.ID, children.ID, "package", "", "One with itself"), http.StatusBadRequest, "a track cannot be linked to itself", "l-track-b")
	if !strings.Contains(body, fmt.Sprintf(`<option value="%d" selected>`, children.ID)) {
		t.Errorf("a self-link: the track chosen is not kept")
	}
	refused(med, "a track the mediator does not see", linkForm(children.ID, outside.ID, "package", "", "Unseen"), http.StatusBadRequest, fmt.Sprintf("track %d does not exist", outside.ID), "l-track-b")
	body = refused(med, "no reason", linkForm(children.ID, principles.ID, "condition", "", " "), http.StatusBadRequest, "a link needs a reason", "l-reason")
	if !strings.Contains(body, `id="l-kind-condition" required checked`) || !strings.Contains(body, fmt.Sprintf(`<option value="%d" selected>`, principles.ID)) {
		t.Errorf("no reason: the kind and tracks chosen are not kept")
	}
	refused(med, "no track", url.Values{"track_a": {""}, "track_b": {fmt.Sprint(principles.ID)}, "kind": {"package"}, "reason": {"No track"}}, http.StatusBadRequest, "", "l-track-a")
	refused(med, "a track that is no number", url.Values{"track_a": {"1; DROP TABLE links"}, "track_b": {fmt.Sprint(principles.ID)}, "kind": {"package"}, "reason": {"Hostile"}}, http.StatusBadRequest, "", "l-track-a")
	refused(med, "an unknown kind", linkForm(children.ID, principles.ID, "<script>alert(1)</script>", "", "Hostile kind"), http.StatusBadRequest, "unknown link kind", "")
	refused(med, "a sequence that opens at no status", linkForm(children.ID, principles.ID, "sequence", "", "When?"), http.StatusBadRequest, "a sequence link says at which status", "l-opens-at")
	refused(med, "a package that opens", linkForm(children.ID, principles.ID, "package", "active", "Opens?"), http.StatusBadRequest, "only a sequence link has opens_at", "l-opens-at")
	refused(med, "the demo's package again", linkForm(prisoners.ID, energy.ID, "package", "", "Twice"), http.StatusConflict, "already have an active package link", "")

	// A mediator of two tracks who observes a third: the form offers the
	// two only, and the third, sent anyway, is refused on the map.
	two := d.member(t, children.ID, parley.MemberMediator, "mediator-two@desk.example.org")
	u, err := d.store.FindUserByEmail(sysCtx, two)
	must(t, err)
	must(t, d.store.CreateMember(sysCtx, &parley.Member{TrackID: principles.ID, UserID: u.ID, Role: parley.MemberMediator}))
	must(t, d.store.CreateMember(sysCtx, &parley.Member{TrackID: energy.ID, UserID: u.ID, Role: parley.MemberObserver}))
	med2 := d.signIn(t, two)
	_, body = med2.get("/map")
	if form := formOf(body, "link-tracks"); !strings.Contains(form, fmt.Sprintf(`value="%d"`, principles.ID)) || strings.Contains(form, fmt.Sprintf(`value="%d"`, energy.ID)) {
		t.Errorf("the form of a mediator of two tracks offers other tracks:\n%s", form)
	}
	body = refused(med2, "a track the mediator observes", linkForm(children.ID, energy.ID, "condition", "", "Observed only"), http.StatusForbidden,
		fmt.Sprintf("only a mediator of both tracks %d and %d may link them", children.ID, energy.ID), "")
	if !strings.Contains(formOf(body, "link-tracks"), `id="refusal"`) || !strings.Contains(body, `id="link-new" open`) {
		t.Errorf("a track the mediator observes: the refusal is not in the form, open")
	}

	// A delegate has no form; posting one anyway is refused on its map.
	ua := d.signIn(t, "ua@demo.parley")
	_, body = ua.get("/map")
	if strings.Contains(body, `id="link-tracks"`) || strings.Contains(body, `id="link-form-`) {
		t.Errorf("a delegate is offered the forms of links")
	}
	if !strings.Contains(body, fmt.Sprintf(`id="link-row-%d"`, pkg.ID)) {
		t.Errorf("a delegate of both tracks does not see their link")
	}
	body = refused(ua, "a delegate", linkForm(energy.ID, prisoners.ID, "condition", "", "Delegate's wish"), http.StatusForbidden, "only a mediator of both tracks", "")
	if !strings.Contains(body, `id="refusal"`) {
		t.Errorf("a delegate's form: no refusal shown")
	}

	// The link made: the answer leads to its row on the map.
	before := allLinks(t, d)
	status, loc, _ := med.submit("/links", linkForm(children.ID, principles.ID, "sequence", "active", "Children's return first: it builds the trust principles need"))
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/map?done=linked#link-row-") {
		t.Fatalf("link two tracks: %d %q", status, loc)
	}
	after := allLinks(t, d)
	if len(after) != len(before)+1 {
		t.Fatalf("links: %d before, %d after", len(before), len(after))
	}
	seq := after[len(after)-1]
	if seq.TrackA != children.ID || seq.TrackB != principles.ID || seq.Kind != parley.LinkSequence || seq.OpensAt != parley.StatusActive || seq.Status != parley.LinkActive || !strings.HasSuffix(loc, fmt.Sprint(seq.ID)) {
		t.Errorf("the link made: %+v (answer %q)", seq, loc)
	}
	_, body = med.get(loc)
	row = linkRow(body, seq.ID)
	for _, want := range []string{"The tracks are linked.", `class="link link-sequence"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the map after linking lacks %q", want)
		}
	}
	for _, want := range []string{"Children&#39;s return first", "by Demo Mediator", "opens once the first is active", "Dissolve the link"} {
		if !strings.Contains(row, want) {
			t.Errorf("the new link's row lacks %q:\n%s", want, row)
		}
	}
	// A second sequence on from the principles to the Crimea lull; a third
	// back to the children's return would close a cycle.
	if status, _ := med.post("/links", linkForm(principles.ID, crimea.ID, "sequence", "active", "Principles before the lull")); status != http.StatusOK {
		t.Fatalf("a second sequence: %d", status)
	}
	refused(med, "a cycle of sequences", linkForm(crimea.ID, children.ID, "sequence", "paused", "The lull first"), http.StatusConflict, "closes a cycle of sequence links", "l-track-b")
	refused(med, "the same sequence reversed", linkForm(principles.ID, children.ID, "sequence", "active", "Principles first"), http.StatusConflict, "already have an active sequence link", "")

	// Dissolving: a reason is required; a delegate may not; then it is
	// dissolved, and the history says so.
	change := fmt.Sprintf("/links/%d/transitions", seq.ID)
	changeRefused := func(who *browser, name, path string, form url.Values, wantStatus int, message string) string {
		t.Helper()
		before := allLinks(t, d)
		status, body := who.post(path, form)
		if status != wantStatus || !strings.Contains(body, html.EscapeString(message)) {
			t.Errorf("%s: status %d, want %d with %q\n%s", name, status, wantStatus, message, body)
		}
		if diff := cmp.Diff(before, allLinks(t, d)); diff != "" {
			t.Errorf("%s changed the links (-before +after):\n%s", name, diff)
		}
		return body
	}
	body = changeRefused(med, "a dissolution without reason", change, url.Values{"to": {"dissolved"}, "reason": {""}}, http.StatusBadRequest, "a change of a link needs a reason")
	if !strings.Contains(formOf(body, fmt.Sprintf("link-form-%d", seq.ID)), "field-error") {
		t.Errorf("a dissolution without reason: the refusal is not beside the row's reason")
	}
	changeRefused(med, "an unknown status", change, url.Values{"to": {"gone"}, "reason": {"Gone"}}, http.StatusBadRequest, "unknown link status")
	changeRefused(med, "an active link made active", change, url.Values{"to": {"active"}, "reason": {"Again"}}, http.StatusConflict, "the link is active already")
	changeRefused(ua, "a delegate's dissolution", fmt.Sprintf("/links/%d/transitions", pkg.ID), url.Values{"to": {"dissolved"}, "reason": {"Delegate's wish"}}, http.StatusForbidden, "only a mediator of both tracks")
	changeRefused(med, "a link that does not exist", "/links/999999/transitions", url.Values{"to": {"dissolved"}, "reason": {"None"}}, http.StatusNotFound, "")

	status, loc, _ = med.submit(change, url.Values{"to": {"dissolved"}, "reason": {"The principles track stalled"}})
	if status != http.StatusSeeOther || loc != fmt.Sprintf("/map?done=link-status#link-row-%d", seq.ID) {
		t.Fatalf("dissolve: %d %q", status, loc)
	}
	got, err := d.store.FindLinkByID(sysCtx, seq.ID)
	must(t, err)
	if got.Status != parley.LinkDissolved || len(got.History) != 2 || got.History[1].Reason != "The principles track stalled" {
		t.Errorf("the dissolved link: %+v", got)
	}
	_, body = med.get(loc)
	row = linkRow(body, seq.ID)
	for _, want := range []string{"The link&#39;s status was changed.", "active → <strong>dissolved</strong> — The principles track stalled", "Make the link active again"} {
		if !strings.Contains(body, want) {
			t.Errorf("the map after dissolving lacks %q:\n%s", want, row)
		}
	}
	if strings.Contains(body, fmt.Sprintf(`id="link-%d"`, seq.ID)) {
		t.Errorf("the dissolved link is still drawn")
	}

	// The sequence that closed the cycle is allowed now; making the first
	// active again would close it, and is refused beside its row.
	if status, _ := med.post("/links", linkForm(crimea.ID, children.ID, "sequence", "paused", "The lull first after all")); status != http.StatusOK {
		t.Fatalf("the sequence back to the children's return: %d", status)
	}
	body = changeRefused(med, "a cycle made active again", change, url.Values{"to": {"active"}, "reason": {"Resume"}}, http.StatusConflict, "closes a cycle of sequence links")
	if form := formOf(body, fmt.Sprintf("link-form-%d", seq.ID)); !strings.Contains(form, `id="refusal"`) || !strings.Contains(form, `value="Resume"`) {
		t.Errorf("a cycle made active again: the refusal or the reason is not in the row's form:\n%s", form)
	}

	// An observer of the principles only sees neither link nor form.
	obs := d.signIn(t, "observer@demo.parley")
	_, body = obs.get("/map")
	if strings.Contains(body, "link-row-") || strings.Contains(body, `id="link-tracks"`) || strings.Contains(body, children.Title) {
		t.Errorf("an observer of one track sees the links of another")
	}
}

// TestLinkPages: the map's forms of links (testLinkPages), on a desk of
// their own.
func TestLinkPages(t *testing.T) { testLinkPages(t, newDesk(t)) }

// allLinks is every link in the store, with its history.
func allLinks(t *testing.T, d *testDesk) []*parley.Link {
	t.Helper()
	ls, err := d.store.FindLinks(sysCtx, 0)
	must(t, err)
	return ls
}

// linkRow is the map's row of the link.
func linkRow(body string, id int64) string {
	i := strings.Index(body, fmt.Sprintf(`id="link-row-%d"`, id))
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if end := strings.Index(rest, "\n</li>"); end >= 0 {
		rest = rest[:end]
	}
	return rest
}

// formOf is the form with the id.
func formOf(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if end := strings.Index(rest, "</form>"); end >= 0 {
		rest = rest[:end]
	}
	return rest
}
