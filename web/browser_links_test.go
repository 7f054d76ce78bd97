package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/demo"
)

// TestBrowserLinkedPackage: in real Chromium, the demo's mediator finds
// the link between the energy moratorium and the prisoner exchanges drawn
// on the map, follows it to the joint analysis, which shows that neither
// track has a zone alone and that linked they have one, with each party's
// gain; puts the joint Nash package to the parties through the page's
// form and finds it on the proposals page as a package across the linked
// tracks; back on the joint page, unlinking the prisoner exchanges in the
// what-if form closes the zone again. No page raises a console error.
func TestBrowserLinkedPackage(t *testing.T) {
	browserBinary(t)
	d := newLinkedDesk(t)
	b := d.chromium(t, "mediator", demo.MediatorEmail)
	energy, prisoners := d.tracks[energyTitle], d.tracks[prisonersTitle]

	page := b.html(d.http.URL + "/map")
	for _, want := range []string{`class="link link-package"`, "<line", fmt.Sprintf(`href="/tracks/%d/joint"`, energy.ID)} {
		if !strings.Contains(page, want) {
			t.Errorf("the map lacks %q", want)
		}
	}
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`a.joint-link[href="/tracks/%d/joint"]`, energy.ID))),
		chromedp.WaitVisible(chromedp.CSS(`#joint-opens`))); err != nil {
		t.Fatalf("follow the map to the joint analysis: %v", err)
	}
	opens := b.text(`#joint-opens`)
	if !strings.Contains(opens, energyTitle) || !strings.Contains(opens, prisonersTitle) {
		t.Errorf("opens: %q", opens)
	}
	for _, id := range []int64{energy.ID, prisoners.ID} {
		if alone := b.text(fmt.Sprintf(`#alone-%d`, id)); !strings.Contains(alone, "none alone") {
			t.Errorf("track %d alone: %q", id, alone)
		}
	}
	if together := b.text(`#joint-zone-answer`); !strings.HasPrefix(together, "yes") {
		t.Errorf("together: %q", together)
	}
	gains, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#linkage td.gain")).map(e => e.textContent)`))
	if err != nil || len(gains) != 2 {
		t.Fatalf("gains %v: %v", gains, err)
	}
	for _, g := range gains {
		if strings.HasPrefix(g, "-") || strings.Trim(g, "0.") == "" {
			t.Errorf("a party's gain: %q", g)
		}
	}
	if err := chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS(`#joint-nash-mark`))); err != nil {
		t.Errorf("the plot's Nash point: %v", err)
	}
	shot(t, b.ctx, t.ArtifactDir()+"/joint.png")

	// The joint Nash package, as the form offers it, put to the parties.
	if err := chromedp.Do(b.ctx, chromedp.SendKeys(chromedp.CSS(`#jp-0-rationale`), "A halt to strikes for an exchange.")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`#joint-package button[type=submit]`))); err != nil {
		t.Fatalf("put the package: %v", err)
	}
	note := b.text(`.package-note`)
	if !strings.Contains(note, "Part of a package across linked tracks") || !strings.Contains(note, "On "+prisonersTitle+":") {
		t.Errorf("the package note: %q", note)
	}
	loc, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.pathname + location.hash`))
	if err != nil || !strings.HasPrefix(loc, fmt.Sprintf("/tracks/%d/proposals#package-", energy.ID)) {
		t.Errorf("after the package form: %q %v", loc, err)
	}
	if notice := b.text(`main`); !strings.Contains(notice, "A halt to strikes for an exchange.") {
		t.Error("the proposals page lacks the package's rationale")
	}
	shot(t, b.ctx, t.ArtifactDir()+"/joint-package.png")
	b.html(d.http.URL + fmt.Sprintf("/tracks/%d/joint", energy.ID))

	// What-if: unlink the prisoner exchanges.
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#unlink_%d`, prisoners.ID)))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`#joint-whatif button[type=submit]`))); err != nil {
		t.Fatal(err)
	}
	if together := b.text(`#joint-zone-answer`); strings.HasPrefix(together, "yes") {
		t.Errorf("unlinked, together: %q", together)
	}
	if html, _ := chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS("html"))); strings.Contains(html, `id="joint-opens"`) {
		t.Error("unlinked, linking still opens a zone")
	}
	b.checkProblems()
}

// TestBrowserLinkForms: in real Chromium, the demo's mediator opens the
// map's form and links the children's return to itself, which the map
// refuses beside the form, keeping what was typed and storing nothing;
// with the principles of peace as track B it links them as a sequence,
// lands on the link's row and finds the link drawn and listed; it
// dissolves the link with a reason, and the row's history shows who did
// it, from what to what and why, while the drawing no longer shows it. No
// page raises a console error but the refusal's 400.
func TestBrowserLinkForms(t *testing.T) {
	browserBinary(t)
	d := newDesk(t)
	b := d.chromium(t, "mediator", demo.MediatorEmail)
	b.refused = append(b.refused, d.http.URL+"/links")
	children, principles := d.tracks["Return of deported children"], d.tracks["Principles of peace"]
	links := func() []*parley.Link {
		ls, err := d.store.FindLinks(sysCtx, 0)
		if err != nil {
			t.Fatal(err)
		}
		return ls
	}
	before := links()
	const reason = "Children's return first: it builds the trust the principles need"

	b.html(d.http.URL + "/map")
	err := chromedp.Do(b.ctx,
		chromedp.Click(chromedp.CSS(`#link-new summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#l-track-a`)),
		chromedp.SetValue(chromedp.CSS(`#l-track-a`), fmt.Sprint(children.ID)),
		chromedp.SetValue(chromedp.CSS(`#l-track-b`), fmt.Sprint(children.ID)),
		chromedp.Click(chromedp.CSS(`#l-kind-sequence`)),
		chromedp.SetValue(chromedp.CSS(`#l-opens-at`), "active"),
		chromedp.SendKeys(chromedp.CSS(`#l-reason`), reason),
		chromedp.Click(chromedp.CSS(`#link-tracks button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#link-tracks #refusal`)),
	)
	if err != nil {
		t.Fatalf("link a track to itself: %v", err)
	}
	if msg := b.text(`#link-tracks #refusal`); !strings.Contains(msg, "cannot be linked to itself") {
		t.Errorf("the refusal of a self-link: %q", msg)
	}
	kept, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[document.querySelector("#l-reason").value, document.querySelector("#l-opens-at").value, document.querySelector("input[name=kind]:checked").value]`))
	if err != nil || len(kept) != 3 || kept[0] != reason || kept[1] != "active" || kept[2] != "sequence" {
		t.Errorf("the refused form keeps %q (%v)", kept, err)
	}
	if n := len(links()); n != len(before) {
		t.Errorf("the refused self-link stored a link: %d links, %d before", n, len(before))
	}

	err = chromedp.Do(b.ctx,
		chromedp.SetValue(chromedp.CSS(`#l-track-b`), fmt.Sprint(principles.ID)),
		chromedp.Click(chromedp.CSS(`#link-tracks button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)),
	)
	if err != nil {
		t.Fatalf("link the tracks: %v", err)
	}
	after := links()
	if len(after) != len(before)+1 {
		t.Fatalf("links: %d before, %d after", len(before), len(after))
	}
	l := after[len(after)-1]
	if l.TrackA != children.ID || l.TrackB != principles.ID || l.Kind != parley.LinkSequence || l.OpensAt != parley.StatusActive || l.Reason != reason {
		t.Errorf("the link stored: %+v", l)
	}
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil || !strings.HasSuffix(loc, fmt.Sprintf("/map?done=linked#link-row-%d", l.ID)) {
		t.Errorf("after the form: %q (%v)", loc, err)
	}
	page, err := chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page, fmt.Sprintf(`<g class="link link-sequence" id="link-%d">`, l.ID)) {
		t.Errorf("the map does not draw the new link")
	}
	row := b.text(fmt.Sprintf(`#link-row-%d > p`, l.ID))
	for _, want := range []string{"sequence", children.Title, principles.Title, "opens once the first is active", "active"} {
		if !strings.Contains(row, want) {
			t.Errorf("the new link's row lacks %q: %q", want, row)
		}
	}
	shot(t, b.ctx, t.ArtifactDir()+"/linked.png")

	// Dissolve it with a reason; the history says who, when, what and why.
	err = chromedp.Do(b.ctx,
		chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`#link-reason-%d`, l.ID)), "The principles track stalled"),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#link-change-%d`, l.ID))),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#link-row-%d.link-row-dissolved`, l.ID))),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#link-history-%d summary`, l.ID))),
	)
	if err != nil {
		t.Fatalf("dissolve the link: %v", err)
	}
	history := b.text(fmt.Sprintf(`#link-history-%d ol`, l.ID))
	for _, want := range []string{"active → dissolved — The principles track stalled", "by Demo Mediator", reason} {
		if !strings.Contains(history, want) {
			t.Errorf("the link's history lacks %q: %q", want, history)
		}
	}
	if got := b.text(fmt.Sprintf(`#link-change-%d`, l.ID)); got != "Make the link active again" {
		t.Errorf("the dissolved link's button: %q", got)
	}
	page, err = chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(page, fmt.Sprintf(`id="link-%d"`, l.ID)) {
		t.Errorf("the map still draws the dissolved link")
	}
	if got, err := d.store.FindLinkByID(sysCtx, l.ID); err != nil || got.Status != parley.LinkDissolved {
		t.Errorf("the link stored after dissolving: %+v (%v)", got, err)
	}
	shot(t, b.ctx, t.ArtifactDir()+"/dissolved.png")
	b.checkProblems()
}
