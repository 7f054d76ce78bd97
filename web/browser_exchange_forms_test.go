package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/parley-talks/parley"
)

// browserSession is a Chromium signed in to the desk, with the problems
// (console errors, CSP violations) its pages raise.
type browserSession struct {
	t        *testing.T
	ctx      context.Context
	problems *pageProblems
	name     string
	refused  []string // URLs a form posts to that the test expects refused with 400
}

func (d *testDesk) chromium(t *testing.T, name, email string) *browserSession {
	t.Helper()
	bctx, problems := d.browserSignIn(t, email)
	return &browserSession{t: t, ctx: bctx, problems: problems, name: name}
}

// html navigates to url and returns the page's HTML.
func (b *browserSession) html(url string) string {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		b.t.Fatal(err)
	}
	html, err := chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	if err != nil {
		b.t.Fatal(err)
	}
	return html
}

// text returns the text of the first element sel matches, once visible.
func (b *browserSession) text(sel string) string {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("%s: %v", sel, err)
	}
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}

// upload chooses file in the page's upload form of a side and submits it.
func (b *browserSession) upload(page string, party int64, file string) {
	b.t.Helper()
	err := chromedp.Do(b.ctx, chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#csv-%d`, party))),
		chromedp.SetUploadFiles(chromedp.CSS(fmt.Sprintf(`#csv-%d`, party)), []string{file}),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#upload-%d-submit`, party))),
		chromedp.WaitReady(chromedp.CSS("footer")))
	if err != nil {
		b.t.Fatalf("upload: %v", err)
	}
}

// checkProblems fails the test for every problem the browser saw but the
// 400 of a refusal the test asked for: the page of a refused form comes
// with its status, which Chromium reports on the console.
func (b *browserSession) checkProblems() {
	time.Sleep(100 * time.Millisecond) // let the last console messages arrive
	for _, p := range b.problems.take() {
		expected := false
		for _, u := range b.refused {
			expected = expected || (strings.Contains(p, "status of 400 (Bad Request)") && strings.HasSuffix(p, "("+u+")"))
		}
		if !expected {
			b.t.Errorf("%s's browser: %s", b.name, p)
		}
	}
}

// csvFile writes a CSV list to a temporary file for an upload.
func csvFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBrowserExchangeForms: in real Chromium, each side's delegate uploads
// its list through the page's CSV form; a file with a bad row is refused
// on the page by row, column and reason, storing nothing; Ukraine's
// delegate reads none of Russia's persons until the mediator confirms and
// shares one match, then exactly that one; the mediator records the
// handover with the form, and the action.Reconciliation and the map's tally
// follow.
func TestBrowserExchangeForms(t *testing.T) {
	browserBinary(t)
	d := newDesk(t)
	ctx := sysCtx
	tr := d.tracks["Prisoner exchanges"]
	ua, ru := d.party["Ukraine"], d.party["Russia"]
	e := &parley.Exchange{TrackID: tr.ID, Title: "Uploaded exchange", Terms: parley.TermsAllForAll, SideA: ua, SideB: ru}
	if err := d.store.CreateExchange(ctx, e); err != nil {
		t.Fatal(err)
	}
	page := d.http.URL + fmt.Sprintf("/exchanges/%d", e.ID)
	listOf := func(party int64) []*parley.Prisoner {
		t.Helper()
		ps, err := d.store.FindPrisoners(ctx, e.ID, party)
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}
	uaB, ruB := d.chromium(t, "Ukraine", "ua@demo.parley"), d.chromium(t, "Russia", "ru@demo.parley")

	uaB.upload(page, ua, csvFile(t, "ua.csv", formCSVHeader+
		"Олег BRMARKUAONE,Oleh BRMARKUAONE,1990-03-04,military,,,,2022-05-20,\n"+
		"Іван BRMARKUATWO,,1979-01-02,civilian,,,,2023-01-01,\n"))
	if n := uaB.text(".notice"); !strings.Contains(n, "2 persons added") {
		t.Fatalf("Ukraine's upload: notice %q", n)
	}

	ruB.upload(page, ru, csvFile(t, "ru-bad.csv", formCSVHeader+
		"Oleg BRMARKRUONE,,1990-03-04,military,,,,2022-05-20,\n"+
		"Дмитрий BRMARKRUTWO,,1995-07-07,military,,,,2031-02-02,\n"))
	ruB.refused = append(ruB.refused, fmt.Sprintf("%s/lists/%d", page, ru))
	if got := ruB.text("#rejected"); !strings.Contains(got, "3") || !strings.Contains(got, "captured") || !strings.Contains(got, "in the future") || strings.Contains(got, "2031") {
		t.Errorf("the bad row's refusal on the page: %q", got)
	}
	if html, _ := chromedp.Run(ruB.ctx, chromedp.OuterHTML(chromedp.CSS("main"))); strings.Contains(html, "BRMARK") || strings.Contains(html, "2031-02-02") {
		t.Errorf("the refusal page shows a value of the file")
	}
	if n := len(listOf(ru)); n != 0 {
		t.Fatalf("a refused file stored %d persons", n)
	}
	ruB.upload(page, ru, csvFile(t, "ru.csv", formCSVHeader+
		"Oleg BRMARKRUONE,,1990-03-04,military,,,,2022-05-20,\n"+
		"Дмитрий BRMARKRUTWO,,1995-07-07,military,,,,2024-02-02,\n"+
		"Павел BRMARKRUTHREE,,1996-08-08,military,,,,2024-02-02,\n"))
	if n := ruB.text(".notice"); !strings.Contains(n, "3 persons added") {
		t.Fatalf("Russia's upload: notice %q", n)
	}
	uaList, ruList := listOf(ua), listOf(ru)
	if len(uaList) != 2 || len(ruList) != 3 {
		t.Fatalf("lists after the uploads: %d and %d persons", len(uaList), len(ruList))
	}

	html := uaB.html(page)
	if !strings.Contains(html, "BRMARKUATWO") || strings.Contains(html, "BRMARKRU") {
		t.Fatalf("before the share, Ukraine's delegate's page shows Russia's persons or not its own")
	}
	med := d.chromium(t, "mediator", "mediator@demo.parley")
	confirm := fmt.Sprintf(`#confirm-%d-%d`, uaList[0].ID, ruList[0].ID)
	if err := chromedp.Do(med.ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(confirm)), chromedp.Click(chromedp.CSS(confirm)), chromedp.WaitNotPresent(chromedp.CSS(confirm))); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	ms, err := d.store.FindMatches(ctx, e.ID)
	if err != nil || len(ms) != 1 {
		t.Fatalf("matches %v, %v", ms, err)
	}
	share := fmt.Sprintf(`#share-%d`, ms[0].ID)
	if err := chromedp.Do(med.ctx, chromedp.WaitVisible(chromedp.CSS(share)), chromedp.Click(chromedp.CSS(share)), chromedp.WaitNotPresent(chromedp.CSS(share))); err != nil {
		t.Fatalf("share: %v", err)
	}
	html = uaB.html(page)
	if !strings.Contains(html, "BRMARKRUONE") || strings.Contains(html, "BRMARKRUTWO") || strings.Contains(html, "BRMARKRUTHREE") {
		t.Errorf("after the share, Ukraine's delegate does not see exactly the shared person")
	}

	tally := fmt.Sprintf("#tally-exchanges-%d", tr.ID)
	med.html(d.http.URL + "/map")
	before := med.text(tally)
	med.html(page)
	if got := med.text("#reconciliation"); !strings.Contains(got, "side A 0, side B 0") {
		t.Errorf("the action.Reconciliation before the handover: %q", got)
	}
	err = chromedp.Do(med.ctx,
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#handover-%d`, uaList[0].ID))),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#handover-%d`, ruList[0].ID))),
		chromedp.Click(chromedp.CSS(`#handover-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)))
	if err != nil {
		t.Fatalf("handover: %v", err)
	}
	if got := med.text("#reconciliation"); !strings.Contains(got, "side A 1, side B 1") || !strings.Contains(got, "met") || strings.Contains(got, "not met") {
		t.Errorf("the action.Reconciliation after the handover: %q", got)
	}
	med.html(d.http.URL + "/map")
	after := med.text(tally)
	var handedBefore, handedAfter, matched int
	fmt.Sscanf(before, "persons handed over: %d (of %d matched)", &handedBefore, &matched)
	fmt.Sscanf(after, "persons handed over: %d", &handedAfter)
	if handedAfter != handedBefore+2 || strings.Contains(after, "BRMARK") {
		t.Errorf("the map's tally: %q before, %q after the handover", before, after)
	}
	for _, b := range []*browserSession{uaB, ruB, med} {
		b.checkProblems()
	}
}

// TestBrowserChildForms: in real Chromium, an observer of the track reads
// the counts per stage and no child's name; the mediator opens a case and
// advances it with the forms; the advance form offers the next stage
// alone, and a back-dated stage is refused beside it, changing nothing.
func TestBrowserChildForms(t *testing.T) {
	browserBinary(t)
	d := newDesk(t)
	ctx := sysCtx
	tr := d.tracks["Return of deported children"]
	page := d.http.URL + fmt.Sprintf("/tracks/%d/children", tr.ID)

	med := d.chromium(t, "mediator", "mediator@demo.parley")
	med.html(page)
	err := chromedp.Do(med.ctx,
		chromedp.SetValue(chromedp.CSS(`#c-name`), "Марія BRCHILDMARK"),
		chromedp.SetValue(chromedp.CSS(`#c-born`), "2013-06-01"),
		chromedp.SetValue(chromedp.CSS(`#c-from`), "Kherson"),
		chromedp.SetValue(chromedp.CSS(`#c-audience`), "mediators"),
		chromedp.SetValue(chromedp.CSS(`#c-date`), "2023-03-01"),
		chromedp.SetValue(chromedp.CSS(`#c-source`), "Ombudsman"),
		chromedp.Click(chromedp.CSS(`#open-case-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)))
	if err != nil {
		t.Fatalf("open a case: %v", err)
	}
	cases, err := d.store.FindChildCases(ctx, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	c := cases[len(cases)-1]
	if c.Child.Name != "Марія BRCHILDMARK" || c.Audience != parley.AudienceMediators || c.Stage != parley.ChildIdentified {
		t.Fatalf("the opened case: %s, %s", c.Audience, c.Stage)
	}
	form := fmt.Sprintf("#advance-%d", c.ID)
	if got := med.text(form + " h3"); !strings.Contains(got, "next stage, located") {
		t.Errorf("the advance form offers %q", got)
	}
	// The form offers the next stage alone: a hidden field, no choice.
	if n, err := chromedp.Run(med.ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll("%s select, %s input[name=stage]:not([type=hidden])").length`, form, form))); err != nil || n != 0 {
		t.Errorf("the advance form lets the stage be chosen: %d, %v", n, err)
	}
	advance := func(date string) {
		t.Helper()
		err := chromedp.Do(med.ctx,
			chromedp.SetValue(chromedp.CSS(fmt.Sprintf(`#a%d-date`, c.ID)), date),
			chromedp.SetValue(chromedp.CSS(fmt.Sprintf(`#a%d-source`, c.ID)), "ICRC"),
			chromedp.Click(chromedp.CSS(form+"-submit")),
			chromedp.WaitReady(chromedp.CSS("footer")))
		if err != nil {
			t.Fatalf("advance: %v", err)
		}
	}
	med.refused = append(med.refused, fmt.Sprintf("%s/children/%d/stages", d.http.URL, c.ID))
	advance("2023-02-01")
	if got := med.text(form + " #refusal"); !strings.Contains(got, "a stage cannot precede the previous one") {
		t.Errorf("the back-dated stage's refusal: %q", got)
	}
	if got, _ := d.store.FindChildCaseByID(ctx, c.ID); got.Stage != parley.ChildIdentified {
		t.Fatalf("a refused advance changed the case to %s", got.Stage)
	}
	advance("2023-04-01")
	if n := med.text(".notice"); !strings.Contains(n, "next stage is recorded") {
		t.Errorf("advance: notice %q", n)
	}
	if got, _ := d.store.FindChildCaseByID(ctx, c.ID); got.Stage != parley.ChildLocated {
		t.Errorf("the case after the advance: %s", got.Stage)
	}

	counts, err := d.store.ChildStageCounts(ctx, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	obs := d.chromium(t, "observer", d.member(t, tr.ID, parley.MemberObserver, "observer-children@desk.example.org"))
	html := obs.html(page)
	for _, st := range parley.ChildStages {
		if want := fmt.Sprintf("<dt>%s</dt><dd>%d</dd>", st, counts[st]); !strings.Contains(html, want) {
			t.Errorf("the observer's page lacks %s", want)
		}
	}
	for _, name := range []string{"BRCHILDMARK", "Марія", "Софія", "Maksym", "Олена", "open-case"} {
		if strings.Contains(html, name) {
			t.Errorf("the observer's page shows %q", name)
		}
	}
	narrow(t, med.ctx, d.http.URL, []string{fmt.Sprintf("/tracks/%d/children", tr.ID)}, t.TempDir())
	med.checkProblems()
	obs.checkProblems()
}
