package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/parley-talks/parley"
)

// TestBrowserAgreement: in a real browser, the mediator enters an agreement
// on a track's page, adds a commitment and two violation reports within the
// warning window (evidence sealed to the mediators); the map then shows the
// early warning with links to both reports and the agreement's expiry
// within its notice days. A delegate's browser shows the map's flag but
// never the mediators' evidence, and the agreement's page says "sealed".
// The pages fit a 360 px screen.
func TestBrowserAgreement(t *testing.T) {
	browserBinary(t)
	d := newDesk(t)
	shots := os.Getenv("PARLEY_SCREENSHOTS")
	if shots == "" {
		shots = t.ArtifactDir()
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	// The demo packages the energy moratorium with the prisoner exchanges,
	// and a package refuses an agreement until both tracks have an agreed
	// text: this test enters one directly, so it dissolves the package first.
	links, err := d.store.FindLinks(sysCtx, energy.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		if _, err := d.store.TransitionLink(sysCtx, l.ID, parley.LinkTransitionRequest{To: parley.LinkDissolved, Reason: "the browser test enters an agreement on energy alone"}); err != nil {
			t.Fatal(err)
		}
	}
	const marker = "BROWSER-EVIDENCE-MEDIATORS-2c9d"
	med, medProblems := d.browserSignIn(t, "mediator@demo.parley")
	err = chromedp.Do(med,
		chromedp.Navigate(d.http.URL+fmt.Sprintf("/tracks/%d", energy.ID)),
		chromedp.WaitVisible(chromedp.CSS(`#enter-agreement`)),
		chromedp.SendKeys(chromedp.CSS(`#g-title`), "Energy strike moratorium, browser"),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#enter-agreement input[name=signatories][value="%d"]`, d.party["Ukraine"]))),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#enter-agreement input[name=signatories][value="%d"]`, d.party["Russia"]))),
		chromedp.SetValue(chromedp.CSS(`#g-duration`), "20"),
		chromedp.Click(chromedp.CSS(`#enter-agreement button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#add-commitment`)),
	)
	if err != nil {
		t.Fatalf("enter the agreement: %v", err)
	}
	loc, err := chromedp.Run(med, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`/agreements/(\d+)`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("after the form: %s", loc)
	}
	page := "/agreements/" + m[1]
	err = chromedp.Do(med,
		chromedp.SetValue(chromedp.CSS(`#c-obligor`), fmt.Sprint(d.party["Russia"])),
		chromedp.SetValue(chromedp.CSS(`#c-verifier`), fmt.Sprint(d.party["Qatar"])),
		chromedp.SendKeys(chromedp.CSS(`#c-obligation`), "No strikes on energy infrastructure"),
		chromedp.SetValue(chromedp.CSS(`#c-recurrence`), "weekly"),
		chromedp.Click(chromedp.CSS(`#add-commitment button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#add-report`)),
	)
	if err != nil {
		t.Fatalf("add the commitment: %v", err)
	}
	for i := range 2 {
		err = chromedp.Do(med,
			chromedp.SetValue(chromedp.CSS(`#r-finding`), "violated"),
			chromedp.SendKeys(chromedp.CSS(`#r-source`), "Qatari monitors"),
			chromedp.SendKeys(chromedp.CSS(`#r-evidence`), fmt.Sprintf("%s strike %d", marker, i+1)),
			chromedp.SetValue(chromedp.CSS(`#r-audience`), "mediators"),
			chromedp.Click(chromedp.CSS(`#add-report button[type=submit]`)),
		)
		if err != nil {
			t.Fatalf("add report %d: %v", i+1, err)
		}
		waitCount(t, med, `tr[id^="report-"]`, i+1)
	}
	html, err := chromedp.Run(med, chromedp.OuterHTML(chromedp.CSS("html")))
	if err != nil {
		t.Fatal(err)
	}
	reports := regexp.MustCompile(`<tr id="report-(\d+)" class="triggered">`).FindAllStringSubmatch(html, -1)
	if len(reports) != 2 || !strings.Contains(html, marker+" strike 2") {
		t.Fatalf("the agreement's page shows %d triggering reports", len(reports))
	}
	shot(t, med, filepath.Join(shots, "mediator_agreement.png"))
	checkMap := func(ctx context.Context, who string) string {
		if err := chromedp.Do(ctx, chromedp.Navigate(d.http.URL+"/map"), chromedp.WaitVisible(chromedp.CSS(`#implementation`))); err != nil {
			t.Fatalf("%s's map: %v", who, err)
		}
		block, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS(`#warning-`+m[1])))
		if err != nil {
			t.Fatalf("%s's map has no warning for the agreement: %v", who, err)
		}
		for _, r := range reports {
			if !strings.Contains(block, fmt.Sprintf(`href="%s#report-%s"`, page, r[1])) {
				t.Errorf("%s's map does not link to report %s:\n%s", who, r[1], block)
			}
		}
		deadline, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#deadline-`+m[1])))
		if err != nil || !strings.Contains(deadline, "expires in 20 days") {
			t.Errorf("%s's map shows no deadline: %q %v", who, deadline, err)
		}
		html, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html")))
		if err != nil {
			t.Fatal(err)
		}
		return html
	}
	if html := checkMap(med, "the mediator"); strings.Contains(html, marker) {
		t.Error("the map shows evidence")
	}
	shot(t, med, filepath.Join(shots, "mediator_map_warning.png"))
	narrow(t, med, d.http.URL, []string{"/map", page, fmt.Sprintf("/parties/%d/trust", d.party["Russia"])}, shots)

	ua, uaProblems := d.browserSignIn(t, "ua@demo.parley")
	if html := checkMap(ua, "Ukraine's delegate"); strings.Contains(html, marker) {
		t.Error("a delegate's map shows the mediators' evidence")
	}
	// The demo's grain corridor: its warning stays on the map as history.
	grain, err := d.store.FindAgreements(sysCtx, d.tracks["Black Sea grain corridor"].ID)
	if err != nil || len(grain) != 1 {
		t.Fatalf("the demo's grain agreements: %d, %v", len(grain), err)
	}
	history, err := chromedp.Run(ua, chromedp.Text(chromedp.CSS(fmt.Sprintf(`#warning-%d`, grain[0].ID))))
	if err != nil || !strings.Contains(history, "before it collapsed") || !strings.Contains(history, "violations within") {
		t.Errorf("Ukraine's map shows no history of the grain corridor's warning: %q %v", history, err)
	}
	shot(t, ua, filepath.Join(shots, "ua_map_warning.png"))
	if err := chromedp.Do(ua, chromedp.Navigate(d.http.URL+page), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	html, err = chromedp.Run(ua, chromedp.OuterHTML(chromedp.CSS("html")))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html, marker) || strings.Count(html, ">sealed<") != 2 || strings.Contains(html, `id="add-report"`) {
		t.Errorf("a delegate's agreement page shows the mediators' evidence, or no \"sealed\", or a form")
	}
	shot(t, ua, filepath.Join(shots, "ua_agreement.png"))
	time.Sleep(100 * time.Millisecond) // let the last console messages arrive
	for name, p := range map[string]*pageProblems{"the mediator": medProblems, "Ukraine": uaProblems} {
		for _, problem := range p.take() {
			t.Errorf("%s's browser: %s", name, problem)
		}
	}
}

// waitCount waits until the page holds n elements matching the selector:
// a form's answer has loaded.
func waitCount(t *testing.T, ctx context.Context, selector string, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, selector)))
		if err == nil && got == n {
			return
		}
	}
	t.Fatalf("the page never held %d of %s", n, selector)
}
