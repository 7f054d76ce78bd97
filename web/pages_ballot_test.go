package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/parley-talks/parley"
)

// TestBallotPages runs the secret-answer flow through the pages.
func TestBallotPages(t *testing.T) { testBallotPages(t, newDesk(t)) }

// newDeskBallot puts the first option of each of the energy track's themes
// to Ukraine and Russia, as the trusted system.
func newDeskBallot(t *testing.T, d *testDesk) *parley.Ballot {
	t.Helper()
	ctx := sysCtx
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	themes, err := d.store.FindThemes(ctx, energy.ID)
	if err != nil || len(themes) == 0 {
		t.Fatalf("themes: %v", err)
	}
	b := &parley.Ballot{TrackID: energy.ID, PartyIDs: []int64{d.party["Ukraine"], d.party["Russia"]}, Deadline: time.Now().Add(time.Hour)}
	for _, th := range themes {
		b.Package = append(b.Package, parley.Choice{Theme: th.Name, Option: th.Options[0].Label})
	}
	if err := d.store.CreateBallot(ctx, b); err != nil {
		t.Fatal(err)
	}
	return b
}

// csrfValue drops the CSRF token from a page, so that two pages may be
// compared byte for byte.
var csrfValue = regexp.MustCompile(`name="csrf_token" value="[^"]*"`)

// testBallotPages: Ukraine accepts and Russia rejects through the pages;
// until both have answered nobody's page shows anything but "pending", the
// two answers get the same redirect and the same page (but for the party's
// name), and then every page shows only "not accepted".
func testBallotPages(t *testing.T, d *testDesk) {
	b := newDeskBallot(t, d)
	page := fmt.Sprintf("/ballots/%d", b.ID)
	med := d.signIn(t, "mediator@demo.parley")
	ua := d.signIn(t, "ua@demo.parley")
	ru := d.signIn(t, "ru@demo.parley")
	obs := d.signIn(t, "observer@demo.parley")
	get := func(who *browser) string {
		t.Helper()
		status, body := who.get(page)
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", page, status, body)
		}
		return body
	}
	outcome := regexp.MustCompile(`<dd id="outcome">([^<]*)</dd>`)
	outcomeOf := func(who *browser) string {
		m := outcome.FindStringSubmatch(get(who))
		if m == nil {
			t.Fatalf("%s shows no outcome", page)
		}
		return m[1]
	}
	if status, _ := obs.get(page); status != http.StatusNotFound {
		t.Errorf("an observer reads the ballot: %d", status)
	}
	if body := get(med); strings.Contains(body, `id="accept"`) {
		t.Error("the mediator is offered the answer buttons")
	}
	if status, _ := med.post(page+"/answer", url.Values{"answer": {"accept"}}); status != http.StatusForbidden {
		t.Errorf("the mediator answers: %d", status)
	}
	if body := get(ua); !strings.Contains(body, `id="accept"`) || !strings.Contains(body, `id="reject"`) {
		t.Errorf("Ukraine's delegate is not offered the buttons:\n%s", body)
	}
	// The answers: the client follows the redirect to the ballot's page.
	_, afterAccept := ua.post(page+"/answer", url.Values{"answer": {"accept"}})
	for _, who := range []*browser{med, ua, ru} {
		if got := outcomeOf(who); got != string(parley.BallotPending) {
			t.Errorf("after one answer: %q", got)
		}
	}
	if body := get(ru); strings.Contains(body, `id="answered"`) || !strings.Contains(body, `id="reject"`) {
		t.Errorf("Russia's page tells of Ukraine's answer:\n%s", body)
	}
	_, afterReject := ru.post(page+"/answer", url.Values{"answer": {"reject"}})
	// Both answers led to the same page but for the outcome that the
	// second one completed and the party's name.
	who := regexp.MustCompile(`<span class="who">[^<]*</span>`)
	norm := func(s, party string) string {
		s = csrfValue.ReplaceAllString(s, "")
		s = who.ReplaceAllString(s, "")
		s = strings.ReplaceAll(s, "<p id=\"answered\">"+party, "<p id=\"answered\">PARTY")
		return outcome.ReplaceAllString(s, "")
	}
	if !strings.Contains(afterAccept, "Your answer is recorded.") || norm(afterAccept, "Ukraine") != norm(afterReject, "Russia") {
		t.Errorf("the pages after an accept and a reject differ:\n%s\n---\n%s", afterAccept, afterReject)
	}
	if status, body := ru.post(page+"/answer", url.Values{"answer": {"accept"}}); status != http.StatusConflict || !strings.Contains(body, "already answered") {
		t.Errorf("answering twice: %d", status)
	}
	for _, who := range []*browser{med, ua, ru} {
		body := get(who)
		if got := outcome.FindStringSubmatch(body)[1]; got != string(parley.BallotNotAccepted) {
			t.Errorf("after both answered: %q", got)
		}
		if strings.Contains(body, ">accept<") || strings.Contains(body, ">reject<") || strings.Contains(body, "accepted by") && !strings.Contains(body, `"accepted by all"`) {
			t.Errorf("a page names an answer:\n%s", body)
		}
	}
	// The track's page links the ballot for those who read it.
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	if _, body := ua.get(fmt.Sprintf("/tracks/%d", energy.ID)); !strings.Contains(body, `href="`+page+`"`) {
		t.Error("the track's page does not link the ballot")
	}
	if _, body := obs.get(fmt.Sprintf("/tracks/%d", energy.ID)); strings.Contains(body, `href="`+page+`"`) {
		t.Error("the observer's track page links the ballot")
	}
}

// TestBrowserBallot runs the secret-answer flow in a real browser: two
// delegates answer, neither sees the other's answer, and the mediator sees
// the outcome once both have.
func TestBrowserBallot(t *testing.T) {
	browserBinary(t)
	d := newDesk(t)
	b := newDeskBallot(t, d)
	page := d.http.URL + fmt.Sprintf("/ballots/%d", b.ID)
	outcomeIn := func(ctx context.Context) string {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#outcome`)))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	answer := func(ctx context.Context, button string) string {
		t.Helper()
		err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(button)),
			chromedp.Click(chromedp.CSS(button)), chromedp.WaitVisible(chromedp.CSS(`.notice`)))
		if err != nil {
			t.Fatal(err)
		}
		notice, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.notice`)))
		if err != nil {
			t.Fatal(err)
		}
		return notice
	}
	ua, uaProblems := d.browserSignIn(t, "ua@demo.parley")
	ru, ruProblems := d.browserSignIn(t, "ru@demo.parley")
	med, medProblems := d.browserSignIn(t, "mediator@demo.parley")

	if n := answer(ua, `#accept`); n != "Your answer is recorded." {
		t.Errorf("after accepting: %q", n)
	}
	for name, ctx := range map[string]context.Context{"mediator": med, "Ukraine": ua, "Russia": ru} {
		if got := outcomeIn(ctx); got != string(parley.BallotPending) {
			t.Errorf("%s sees %q after one answer", name, got)
		}
	}
	if err := chromedp.Do(ru, chromedp.Navigate(page), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	html, err := chromedp.Run(ru, chromedp.OuterHTML(chromedp.CSS(`main`)))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html, `id="answered"`) || !strings.Contains(html, `id="reject"`) {
		t.Errorf("Russia's page tells of Ukraine's answer:\n%s", html)
	}
	if n := answer(ru, `#reject`); n != "Your answer is recorded." {
		t.Errorf("after rejecting: %q", n)
	}
	for name, ctx := range map[string]context.Context{"mediator": med, "Ukraine": ua, "Russia": ru} {
		if got := outcomeIn(ctx); got != string(parley.BallotNotAccepted) {
			t.Errorf("%s sees %q after both answered", name, got)
		}
	}
	for name, p := range map[string]*pageProblems{"mediator": medProblems, "Ukraine": uaProblems, "Russia": ruProblems} {
		for _, problem := range p.take() {
			t.Errorf("%s's browser: %s", name, problem)
		}
	}
}
