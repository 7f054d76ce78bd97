package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
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
