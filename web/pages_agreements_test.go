package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
)

// TestAgreementPages checks the pages of implementation for every role.
func TestAgreementPages(t *testing.T) { testAgreementPages(t, newDesk(t)) }

// Evidence markers: distinctive strings sealed to one audience each, that
// must appear on the pages of that audience's readers and nowhere else.
const (
	evidenceMediators = "EVID-MEDIATORS-5b2e"
	evidenceUkraine   = "EVID-UKRAINE-91c4"
	evidenceRussia    = "EVID-RUSSIA-0d7a"
	evidencePlenary   = "EVID-PLENARY-6f38"
)

// agreementFixture is an agreement on the demo's Principles track (where
// the observer sits): a commitment of Germany (which owes nothing in the
// demo) verified by Saudi Arabia,
// two violations within the warning window (evidence sealed to the
// mediators and to Ukraine) and two reports of compliance (to Russia and
// to everyone); it expires in 10 days, within its 30 days' notice.
type agreementFixture struct {
	track    *parley.Track
	a        *parley.Agreement
	c        *parley.Commitment
	reports  map[string]*parley.Report // by evidence marker
	violated []int64
}

func newAgreementFixture(t *testing.T, d *testDesk) *agreementFixture {
	t.Helper()
	ctx := sysCtx
	as := d.store
	tr := d.tracks["Principles of peace"]
	ua, ru, sa, de := d.party["Ukraine"], d.party["Russia"], d.party["Saudi Arabia"], d.party["Germany"]
	today := parley.Now()
	day := func(n int) string { return today.AddDate(0, 0, n).Format("2006-01-02") }
	f := &agreementFixture{track: tr, reports: map[string]*parley.Report{}}
	f.a = &parley.Agreement{TrackID: tr.ID, Title: "Zaporizhzhia plant safety zone", Signatories: []int64{ua, ru},
		Effective: day(-20), DurationDays: 30, RenewalTerms: "extended for 60 days unless a party objects"}
	must(t, f.a.Validate())
	must(t, as.CreateAgreement(ctx, f.a))
	f.c = &parley.Commitment{AgreementID: f.a.ID, Obligor: de, Obligation: "Fund the monitors' presence at the safety zone", Recurrence: parley.RecurWeekly, Verifier: sa}
	must(t, as.CreateCommitment(ctx, f.c))
	// One date for all four, so that they fall in one quarter whatever
	// today is.
	for _, r := range []struct {
		marker   string
		finding  parley.Finding
		audience parley.Audience
	}{
		{evidenceMediators, parley.FindingViolated, parley.AudienceMediators},
		{evidenceUkraine, parley.FindingViolated, parley.PartyAudience(ua)},
		{evidenceRussia, parley.FindingComplied, parley.PartyAudience(ru)},
		{evidencePlenary, parley.FindingComplied, parley.AudiencePlenary},
	} {
		rep := &parley.Report{AgreementID: f.a.ID, CommitmentID: f.c.ID, Date: day(-5), Source: "IAEA team on site",
			Reliability: parley.ReliabilityConfirmed, Finding: r.finding, Audience: r.audience, Evidence: r.marker}
		must(t, as.CreateReport(ctx, rep))
		f.reports[r.marker] = rep
		if r.finding == parley.FindingViolated {
			f.violated = append(f.violated, rep.ID)
		}
	}
	// The warning the map and the track page show: the two violations,
	// computed from the reports' map fields.
	w, err := d.store.AgreementWarning(ctx, f.a.ID, parley.Now())
	must(t, err)
	if w == nil || !w.Active || !slices.Equal(w.Reports, f.violated) {
		t.Fatalf("AgreementWarning = %+v, want active on reports %v", w, f.violated)
	}
	return f
}

// plainUser makes an account with no grant on any track.
func (d *testDesk) plainUser(t *testing.T) string {
	t.Helper()
	h, err := password.Hash(deskPassword, password.InsecureTestParams)
	if err != nil {
		t.Fatal(err)
	}
	u := &parley.User{Email: "nobody@desk.example.org", Name: "No grants", PasswordHash: h}
	must(t, d.store.CreateUser(sysCtx, u))
	return u.Email
}

// formErrorRE finds the error shown inside a form: the form's id and the
// message.
var formErrorRE = regexp.MustCompile(`(?s)<form [^>]*id="([^"]+)"[^>]*>\s*<h3>[^<]*</h3>\s*<p class="error" role="alert"[^>]*>([^<]*)</p>`)

func testAgreementPages(t *testing.T, d *testDesk) {
	f := newAgreementFixture(t, d)
	// Sign-ins are throttled per address: a minute refills the burst.
	d.clock.Advance(time.Minute)
	browsers := map[string]*browser{}
	for _, email := range []string{"mediator@demo.parley", "ua@demo.parley", "ru@demo.parley", "observer@demo.parley"} {
		browsers[email] = d.signIn(t, email)
	}
	page := fmt.Sprintf("/agreements/%d", f.a.ID)
	all := []string{evidenceMediators, evidenceUkraine, evidenceRussia, evidencePlenary}
	forms := []string{`id="add-report"`, `id="add-commitment"`, `id="agr-transition"`, `id="agr-renew"`, `id="agr-warning"`, `id="add-score"`}
	for _, tc := range []struct {
		email string
		sees  []string // evidence it reads
		forms bool
	}{
		{"mediator@demo.parley", all, true},
		{"ua@demo.parley", []string{evidenceUkraine, evidencePlenary}, false},
		{"ru@demo.parley", []string{evidenceRussia, evidencePlenary}, false},
		{"observer@demo.parley", []string{evidencePlenary}, false},
	} {
		t.Run(tc.email, func(t *testing.T) {
			b := browsers[tc.email]
			outer := b.t
			b.t = t
			defer func() { b.t = outer }()
			status, body := b.get(page)
			if status != http.StatusOK {
				t.Fatalf("GET %s: %d\n%s", page, status, body)
			}
			for _, m := range all {
				if want := contains(tc.sees, m); strings.Contains(body, m) != want {
					t.Errorf("evidence %s shown: %v, want %v", m, !want, want)
				}
			}
			if sealed := len(all) - len(tc.sees); sealed > 0 && strings.Count(body, `<em class="sub">sealed</em>`) != sealed {
				t.Errorf("want %d reports marked sealed, got %d", sealed, strings.Count(body, `<em class="sub">sealed</em>`))
			}
			for _, fm := range forms {
				if strings.Contains(body, fm) != tc.forms {
					t.Errorf("form %s shown: %v, want %v", fm, !tc.forms, tc.forms)
				}
			}
			for _, want := range []string{"Early warning", "2 violations within 30 days", "Fund the monitors&#39; presence at the safety zone",
				"extended for 60 days unless a party objects", fmt.Sprintf(`href="/parties/%d/trust"`, d.party["Russia"])} {
				if !strings.Contains(body, want) {
					t.Errorf("%s lacks %q", page, want)
				}
			}
			for _, id := range f.violated {
				if !strings.Contains(body, fmt.Sprintf(`<tr id="report-%d" class="triggered">`, id)) {
					t.Errorf("report %d is not marked as triggering the warning", id)
				}
			}
			// The map: the warning with links to both violations, and the
			// deadline; no evidence at all.
			_, m := b.get("/map")
			for _, want := range []string{fmt.Sprintf(`id="warning-%d"`, f.a.ID), "expires in 10 days", fmt.Sprintf(`id="deadline-%d"`, f.a.ID)} {
				if !strings.Contains(m, want) {
					t.Errorf("the map lacks %q", want)
				}
			}
			for _, id := range f.violated {
				if !strings.Contains(m, fmt.Sprintf(`href="%s#report-%d"`, page, id)) {
					t.Errorf("the map does not link to report %d", id)
				}
			}
			for _, s := range all {
				if strings.Contains(m, s) {
					t.Errorf("the map shows evidence %s", s)
				}
			}
			// The track's page lists the agreement with its flag; only the
			// mediators get the form that enters one.
			_, tp := b.get(fmt.Sprintf("/tracks/%d", f.track.ID))
			if !strings.Contains(tp, `href="`+page+`"`) || !strings.Contains(tp, "early warning") {
				t.Errorf("the track's page does not list the agreement with its warning")
			}
			if strings.Contains(tp, `id="enter-agreement"`) != tc.forms {
				t.Errorf("the form to enter an agreement shown: %v, want %v", !tc.forms, tc.forms)
			}
			// The trust record of Germany: one commitment, broken (its
			// worst finding) in the quarter of the violations.
			status, tr := b.get(fmt.Sprintf("/parties/%d/trust", d.party["Germany"]))
			if status != http.StatusOK || !strings.Contains(tr, "1 commitments owed in 1 agreements") ||
				!strings.Contains(tr, `<tfoot><tr><th scope="row">All</th><td>0</td><td>0</td><td>1</td><td>0</td>`) {
				t.Errorf("Germany's trust record: %d\n%s", status, tr)
			}
			for _, s := range all {
				if strings.Contains(tr, s) {
					t.Errorf("the trust record shows evidence %s", s)
				}
			}
		})
	}
	// The demo's grain corridor collapsed after its warning: the map keeps
	// the warning as history, with links to the reports that triggered it,
	// which the agreement's page marks.
	ua := browsers["ua@demo.parley"]
	testGrainWarning(t, d, ua)
	// Delegates' writes are refused by the store, whatever the page shows.
	if status, body := ua.post(page+"/reports", url.Values{"commitment_id": {strconv.FormatInt(f.c.ID, 10)}, "date": {f.reports[evidencePlenary].Date},
		"source": {"delegation"}, "reliability": {"probable"}, "finding": {"violated"}, "audience": {"plenary"}}); status != http.StatusForbidden {
		t.Errorf("a delegate's report: %d\n%s", status, body)
	}
	// No grant on the track: not found, on every page of the agreement.
	nobody := d.signIn(t, d.plainUser(t))
	if status, _ := nobody.get(page); status != http.StatusNotFound {
		t.Errorf("an outsider's agreement page: %d", status)
	}
	if _, m := nobody.get("/map"); strings.Contains(m, f.a.Title) {
		t.Errorf("an outsider's map shows the agreement")
	}
	if _, tr := nobody.get(fmt.Sprintf("/parties/%d/trust", d.party["Germany"])); !strings.Contains(tr, "0 commitments owed in 0 agreements") {
		t.Errorf("an outsider's trust record counts what it may not see")
	}
	testAgreementForms(t, f, browsers["mediator@demo.parley"], ua)
	testVerifierReport(t, d, f)
	testAdoptedAgreement(t, f, browsers["mediator@demo.parley"], ua)
}

// testVerifierReport: a verifier of the track gets the report form and
// nothing else, and its report is recorded.
func testVerifierReport(t *testing.T, d *testDesk, f *agreementFixture) {
	ctx := sysCtx
	h, err := password.Hash(deskPassword, password.InsecureTestParams)
	must(t, err)
	u := &parley.User{Email: "verifier@desk.example.org", Name: "Neutral verifier", PasswordHash: h}
	must(t, d.store.CreateUser(ctx, u))
	must(t, d.store.CreateMember(ctx, &parley.Member{TrackID: f.track.ID, UserID: u.ID, Role: parley.MemberVerifier}))
	v := d.signIn(t, u.Email)
	page := fmt.Sprintf("/agreements/%d", f.a.ID)
	_, body := v.get(page)
	if !strings.Contains(body, `id="add-report"`) || strings.Contains(body, `id="add-commitment"`) || strings.Contains(body, `id="agr-transition"`) {
		t.Errorf("a verifier's forms are wrong")
	}
	if strings.Contains(body, evidenceMediators) || !strings.Contains(body, evidencePlenary) {
		t.Errorf("a verifier reads what it may not, or not the plenary evidence")
	}
	status, body := v.post(page+"/reports", url.Values{"commitment_id": {strconv.FormatInt(f.c.ID, 10)}, "date": {parley.Now().Format("2006-01-02")},
		"source": {"verifier on site"}, "reliability": {"confirmed"}, "finding": {"complied"}, "audience": {"plenary"}, "evidence": {"VERIFIER-EVIDENCE-1e0b"}})
	if status != http.StatusOK || !strings.Contains(body, "The report was added.") || !strings.Contains(body, "VERIFIER-EVIDENCE-1e0b") {
		t.Errorf("a verifier's report: %d", status)
	}
}

// testAdoptedAgreement: the track's page offers a frozen, agreed version
// (and not a draft); the agreement adopted from it links its commitments
// to clauses, whose text only the text's readers see.
func testAdoptedAgreement(t *testing.T, f *agreementFixture, med, ua *browser) {
	ctx := sysCtx
	d := med.d
	text := &parley.NegotiatingText{TrackID: f.track.ID, Title: "Mediators' safety-zone text", Audience: parley.AudienceMediators}
	must(t, d.store.CreateText(ctx, text))
	const clause = "The parties keep heavy weapons out of the zone."
	v, err := d.store.CreateVersion(ctx, text.ID, []parley.Clause{{Text: clause, Status: parley.ClauseAgreed}})
	must(t, err)
	_, err = d.store.FreezeVersion(ctx, v.ID)
	must(t, err)
	draft, err := d.store.CreateVersion(ctx, text.ID, []parley.Clause{{Text: "Draft.", Status: parley.ClauseAgreed}})
	must(t, err)
	_, tp := med.get(fmt.Sprintf("/tracks/%d", f.track.ID))
	if !strings.Contains(tp, fmt.Sprintf(`<option value="%d">Mediators&#39; safety-zone text, version 1</option>`, v.ID)) ||
		strings.Contains(tp, "safety-zone text, version 2") {
		t.Errorf("the adoption select does not offer exactly the frozen agreed version")
	}
	status, body := med.post(fmt.Sprintf("/tracks/%d/agreements", f.track.ID), url.Values{"title": {"Adopted safety zone"},
		"text_version_id": {strconv.FormatInt(v.ID, 10)}, "signatories": {strconv.FormatInt(d.party["Ukraine"], 10)}, "effective": {parley.Now().Format("2006-01-02")}})
	if status != http.StatusOK || !strings.Contains(body, "adopted from an agreed text version") {
		t.Fatalf("adopt an agreement: %d\n%s", status, body)
	}
	page := regexp.MustCompile(`action="(/agreements/\d+)/commitments"`).FindStringSubmatch(body)[1]
	status, body = med.post(page+"/commitments", url.Values{"obligor": {strconv.FormatInt(d.party["Russia"], 10)}, "verifier": {strconv.FormatInt(d.party["Saudi Arabia"], 10)},
		"obligation": {"Withdraw heavy weapons"}, "due": {parley.Now().Format("2006-01-02")}, "clause": {"1"}})
	if status != http.StatusOK || !strings.Contains(body, "<q>"+clause+"</q>") {
		t.Errorf("the mediator does not see the linked clause: %d", status)
	}
	_, body = ua.get(page)
	if strings.Contains(body, clause) || !strings.Contains(body, "the text is not shown to you") {
		t.Errorf("a delegate sees the clause of a mediators' text")
	}
	// A draft is refused by the store, and the track's page says why.
	status, body = med.post(fmt.Sprintf("/tracks/%d/agreements", f.track.ID), url.Values{"title": {"From a draft"},
		"text_version_id": {strconv.FormatInt(draft.ID, 10)}, "signatories": {strconv.FormatInt(d.party["Ukraine"], 10)}, "effective": {parley.Now().Format("2006-01-02")}})
	if status != http.StatusBadRequest || !strings.Contains(body, `class="error"`) {
		t.Errorf("adopt a draft: %d", status)
	}
}

// testGrainWarning checks the demo's collapsed grain agreement on the map
// and on its page.
func testGrainWarning(t *testing.T, d *testDesk, b *browser) {
	grain, err := d.store.FindAgreements(sysCtx, d.tracks["Black Sea grain corridor"].ID)
	must(t, err)
	if len(grain) != 1 || grain[0].Status != parley.AgreementCollapsed {
		t.Fatalf("the demo's grain agreements: %d", len(grain))
	}
	page := fmt.Sprintf("/agreements/%d", grain[0].ID)
	_, m := b.get("/map")
	i := strings.Index(m, fmt.Sprintf(`id="warning-%d"`, grain[0].ID))
	if i < 0 {
		t.Fatal("the map shows no warning for the collapsed grain agreement")
	}
	// The map's item of the grain agreement: up to the next item or the
	// end of the block.
	item := m[i:]
	if j := strings.Index(item[1:], `<li class="map-`); j >= 0 {
		item = item[:j+1]
	} else if j := strings.Index(item, "</section>"); j >= 0 {
		item = item[:j]
	}
	if !strings.Contains(item, "before it collapsed") {
		t.Errorf("the grain agreement's warning is not told as history:\n%s", item)
	}
	links := regexp.MustCompile(`href="`+regexp.QuoteMeta(page)+`#report-(\d+)"`).FindAllStringSubmatch(item, -1)
	if len(links) < 2 {
		t.Fatalf("the map links to %d of the grain agreement's reports", len(links))
	}
	_, body := b.get(page)
	for _, l := range links {
		if !strings.Contains(body, fmt.Sprintf(`<tr id="report-%s" class="triggered">`, l[1])) {
			t.Errorf("report %s is not marked on the grain agreement's page", l[1])
		}
	}
	if !strings.Contains(body, "Early warning (history)") || strings.Contains(body, `id="add-report"`) {
		t.Errorf("the grain agreement's page: no history of its warning, or a form for a delegate")
	}
	// The track's timeline tells the agreement's steps: in force, collapsed.
	_, track := b.get(fmt.Sprintf("/tracks/%d", d.tracks["Black Sea grain corridor"].ID))
	if n := strings.Count(track, `<li class="tl tl-agreement">`); n != len(grain[0].History) ||
		!strings.Contains(track, fmt.Sprintf(`<a href="%s">`, page)) || !strings.Contains(track, "in force → <span class=\"status\">collapsed</span>") {
		t.Errorf("the grain track's timeline shows %d of the agreement's %d steps, or not its collapse", n, len(grain[0].History))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// testAgreementForms: the mediator enters an agreement on the track's page,
// adds a commitment, a report, a score, thresholds, a renewal and a
// transition; a stale report form on another agreement's commitment shows
// the store's message next to the form.
func testAgreementForms(t *testing.T, f *agreementFixture, med, ua *browser) {
	d := med.d
	today := parley.Now().Format("2006-01-02")
	uaID, ruID, sa := d.party["Ukraine"], d.party["Russia"], d.party["Saudi Arabia"]
	status, body := med.post(fmt.Sprintf("/tracks/%d/agreements", f.track.ID), url.Values{"title": {"Prisoner-of-war lists"},
		"signatories": {strconv.FormatInt(uaID, 10), strconv.FormatInt(ruID, 10)}, "effective": {today}, "duration_days": {"120"}})
	if status != http.StatusOK || !strings.Contains(body, "The agreement was entered.") {
		t.Fatalf("enter an agreement: %d\n%s", status, body)
	}
	m := regexp.MustCompile(`action="/agreements/(\d+)/commitments"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the new agreement's page has no commitment form")
	}
	page := "/agreements/" + m[1]
	status, body = med.post(page+"/commitments", url.Values{"obligor": {strconv.FormatInt(uaID, 10)}, "verifier": {strconv.FormatInt(sa, 10)},
		"obligation": {"Hand over the lists"}, "due": {today}})
	if status != http.StatusOK || !strings.Contains(body, "The commitment was added.") {
		t.Fatalf("add a commitment: %d\n%s", status, body)
	}
	cm := regexp.MustCompile(`id="commitment-(\d+)"`).FindStringSubmatch(body)
	if cm == nil {
		t.Fatal("no commitment listed")
	}
	const marker = "EVID-FORM-MEDIATORS-44a1"
	report := url.Values{"commitment_id": {cm[1]}, "date": {today}, "source": {"ICRC"}, "reliability": {"confirmed"},
		"finding": {"complied"}, "audience": {"mediators"}, "evidence": {marker}}
	status, body = med.post(page+"/reports", report)
	if status != http.StatusOK || !strings.Contains(body, "The report was added.") || !strings.Contains(body, marker) {
		t.Fatalf("add a report: %d\n%s", status, body)
	}
	if _, b := ua.get(page); strings.Contains(b, marker) || !strings.Contains(b, "sealed") {
		t.Errorf("a delegate reads the mediators' evidence entered by the form")
	}
	// A stale form: the commitment of another agreement.
	report.Set("commitment_id", strconv.FormatInt(f.c.ID, 10))
	status, body = med.post(page+"/reports", report)
	em := formErrorRE.FindStringSubmatch(body)
	if status != http.StatusBadRequest || em == nil || em[1] != "add-report" || !strings.Contains(em[2], "commitment") {
		t.Errorf("a report on another agreement's commitment: %d, error %q", status, em)
	}
	for _, step := range []struct {
		path string
		form url.Values
		want string
	}{
		{"/scores", url.Values{"commitment_id": {cm[1]}, "period": {today[:4]}, "value": {"2"}}, "The score was added."},
		{"/warning", url.Values{"window_days": {"60"}, "violations": {"3"}, "unverifiable": {"0"}, "overdue_days": {"7"}}, "Saved."},
		{"/renewals", url.Values{"date": {today}, "expires": {parley.Now().AddDate(0, 0, 200).Format("2006-01-02")}, "note": {"extended"}}, "The agreement was renewed."},
		{"/transition", url.Values{"to": {"suspended"}, "reason": {"lists withheld"}}, "The agreement&#39;s status was changed."},
	} {
		status, body := med.post(page+step.path, step.form)
		if status != http.StatusOK || !strings.Contains(body, step.want) {
			t.Errorf("POST %s: %d\n%s", step.path, status, body)
		}
	}
	_, body = med.get(page)
	for _, want := range []string{"67% <small>(1 of 1 scored)</small>", "within 60 days: 3 violations", "extended to", "lists withheld", "by Demo Mediator"} {
		if !strings.Contains(body, want) {
			t.Errorf("%s lacks %q", page, want)
		}
	}
	// A refused transition (suspended cannot become suspended) shows the
	// store's message next to its form.
	status, body = med.post(page+"/transition", url.Values{"to": {"suspended"}, "reason": {"again"}})
	if em := formErrorRE.FindStringSubmatch(body); status != http.StatusConflict || em == nil || em[1] != "agr-transition" {
		t.Errorf("a refused transition: %d, %q", status, em)
	}
}
