package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/parley-talks/parley"
)

// TestBrowserExchange: in real Chromium, Ukraine's delegate's page of an
// exchange holds none of Russia's persons (unique markers) until the
// mediator confirms and shares one match; then exactly that one; the
// verifier verifies; the map shows the tallies; pages fit 360 px.
func TestBrowserExchange(t *testing.T) {
	browserBinary(t)
	d := newDesk(t)
	ctx := sysCtx
	tr := d.tracks["Prisoner exchanges"]
	ua, ru := d.party["Ukraine"], d.party["Russia"]
	e := &parley.Exchange{TrackID: tr.ID, Title: "Browser exchange", Terms: parley.TermsAllForAll, SideA: ua, SideB: ru}
	if err := d.store.CreateExchange(ctx, e); err != nil {
		t.Fatal(err)
	}
	uaList := []*parley.Prisoner{
		{Name: "Олег МАРКЕРUAONE", Born: "1990-03-04", Status: parley.PrisonerMilitary, Captured: "2022-05-20"},
		{Name: "Іван MARKERUATWO", Born: "1979-01-02", Status: parley.PrisonerCivilian, Captured: "2023-01-01"},
	}
	ruList := []*parley.Prisoner{
		{Name: "Oleg MARKERRUONE", Born: "1990-03-04", Status: parley.PrisonerMilitary, Captured: "2022-05-20"},
		{Name: "Дмитрий MARKERRUTWO", Born: "1995-07-07", Status: parley.PrisonerMilitary, Captured: "2024-02-02"},
		{Name: "Павел MARKERRUTHREE", Born: "1996-08-08", Status: parley.PrisonerMilitary, Captured: "2024-02-02"},
	}
	if err := d.store.AddPrisoners(ctx, e.ID, ua, uaList); err != nil {
		t.Fatal(err)
	}
	if err := d.store.AddPrisoners(ctx, e.ID, ru, ruList); err != nil {
		t.Fatal(err)
	}
	page := d.http.URL + fmt.Sprintf("/exchanges/%d", e.ID)
	htmlOf := func(b context.Context, url string) string {
		t.Helper()
		if err := chromedp.Do(b, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
			t.Fatal(err)
		}
		html, err := chromedp.Run(b, chromedp.OuterHTML(chromedp.CSS("html")))
		if err != nil {
			t.Fatal(err)
		}
		return html
	}
	uaB, uaProblems := d.browserSignIn(t, "ua@demo.parley")
	ruB, ruProblems := d.browserSignIn(t, "ru@demo.parley")
	if html := htmlOf(ruB, page); !strings.Contains(html, "MARKERRUTWO") || strings.Contains(html, "MARKERUA") || strings.Contains(html, "МАРКЕРUA") {
		t.Errorf("Russia's delegate sees its list, or Ukraine's persons, wrongly before the share")
	}
	html := htmlOf(uaB, page)
	if !strings.Contains(html, "MARKERUATWO") || strings.Contains(html, "MARKERRU") {
		t.Fatalf("before the share, Ukraine's delegate's page shows Russia's persons or not its own")
	}

	med, medProblems := d.browserSignIn(t, "mediator@demo.parley")
	confirm := fmt.Sprintf(`#confirm-%d-%d`, uaList[0].ID, ruList[0].ID)
	if err := chromedp.Do(med, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(confirm)), chromedp.Click(chromedp.CSS(confirm)), chromedp.WaitNotPresent(chromedp.CSS(confirm))); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	ms, err := d.store.FindMatches(ctx, e.ID)
	if err != nil || len(ms) != 1 {
		t.Fatalf("matches %v, %v", ms, err)
	}
	share := fmt.Sprintf(`#share-%d`, ms[0].ID)
	if err := chromedp.Do(med, chromedp.WaitVisible(chromedp.CSS(share)), chromedp.Click(chromedp.CSS(share)), chromedp.WaitNotPresent(chromedp.CSS(share))); err != nil {
		t.Fatalf("share: %v", err)
	}
	html = htmlOf(uaB, page)
	if !strings.Contains(html, "MARKERRUONE") || strings.Contains(html, "MARKERRUTWO") || strings.Contains(html, "MARKERRUTHREE") {
		t.Errorf("after the share, Ukraine's delegate does not see exactly the shared person")
	}

	v, vProblems := d.browserSignIn(t, d.verifier(t, tr.ID))
	verify := fmt.Sprintf(`#verify-%d`, ms[0].ID)
	if err := chromedp.Do(v, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(verify)), chromedp.Click(chromedp.CSS(verify)), chromedp.WaitNotPresent(chromedp.CSS(verify))); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if got, _ := d.store.FindMatches(ctx, e.ID); got[0].VerifiedAt == nil {
		t.Error("the verifier's button did not verify")
	}
	if err := d.store.RecordHandover(ctx, e.ID, []int64{uaList[0].ID, ruList[0].ID}); err != nil {
		t.Fatal(err)
	}
	mapHTML := htmlOf(med, d.http.URL+"/map")
	if !strings.Contains(mapHTML, "persons handed over: 2 (of 6 matched)") || !strings.Contains(mapHTML, "returned: 1") || strings.Contains(mapHTML, "MARKER") {
		t.Errorf("the map's tallies are missing or show names")
	}
	narrow(t, med, d.http.URL, []string{"/map", fmt.Sprintf("/exchanges/%d", e.ID), fmt.Sprintf("/tracks/%d/children", d.tracks["Return of deported children"].ID)}, t.TempDir())
	time.Sleep(100 * time.Millisecond) // let the last console messages arrive
	for name, p := range map[string]*pageProblems{"Ukraine": uaProblems, "Russia": ruProblems, "mediator": medProblems, "verifier": vProblems} {
		for _, problem := range p.take() {
			t.Errorf("%s's browser: %s", name, problem)
		}
	}
}
