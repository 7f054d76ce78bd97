package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/action"
)

// TestProposalForms checks the proposals page's forms.
func TestProposalForms(t *testing.T) { testProposalForms(t, newDesk(t)) }

// TestTextForms checks the forms that start and write a negotiating text.
func TestTextForms(t *testing.T) { testTextForms(t, newDesk(t)) }

// proposalsByRationale returns the track's proposals by rationale (the
// store without a caller reads them all).
func proposalsByRationale(t *testing.T, d *testDesk, track int64) map[string]*parley.Proposal {
	t.Helper()
	ps, err := d.store.FindProposals(sysCtx, track)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*parley.Proposal{}
	for _, p := range ps {
		out[p.Rationale] = p
	}
	return out
}

// testProposalForms: a delegate puts a proposal for its party, which the
// other party's delegate never sees; a refused package stores nothing; a
// delegate answers the mediators' plenary proposal and withdraws its own;
// the mediator puts a ballot.
func testProposalForms(t *testing.T, d *testDesk) {
	ctx := sysCtx
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	themes, err := d.store.FindThemes(ctx, energy.ID)
	if err != nil {
		t.Fatal(err)
	}
	th := action.SortedThemes(themes)[0]
	ua, ru := d.party["Ukraine"], d.party["Russia"]
	page := fmt.Sprintf("/tracks/%d/proposals", energy.ID)
	uaB, ruB, med := d.signIn(t, "ua@demo.parley"), d.signIn(t, "ru@demo.parley"), d.signIn(t, "mediator@demo.parley")

	status, body := uaB.post(page, url.Values{"package": {choiceValue(th.Name, th.Options[0].Label)}, "audience": {fmt.Sprintf("party:%d", ua)}, "rationale": {"FORM-UA-OWN"}})
	if status != http.StatusOK || !strings.Contains(body, "FORM-UA-OWN") || !strings.Contains(body, "The proposal was put.") {
		t.Fatalf("a delegate puts a proposal: %d", status)
	}
	own := proposalsByRationale(t, d, energy.ID)["FORM-UA-OWN"]
	if own == nil || own.AuthorPartyID == nil || *own.AuthorPartyID != ua || len(own.Package) != 1 || own.Package[0] != (parley.Choice{Theme: th.Name, Option: th.Options[0].Label}) {
		t.Fatalf("stored proposal: %+v", own)
	}
	if _, body := ruB.get(page); strings.Contains(body, "FORM-UA-OWN") {
		t.Errorf("Russia's delegate sees Ukraine's proposal to the mediators")
	}

	// Refused forms come back with their message; nothing is stored.
	before := len(proposalsByRationale(t, d, energy.ID))
	for _, tc := range []struct {
		name string
		form url.Values
		want string
	}{
		{"no position at all", url.Values{"audience": {"plenary"}, "rationale": {"FORM-EMPTY"}}, "a package names an option"},
		{"an unknown option", url.Values{"package": {choiceValue(th.Name, "No such option")}, "audience": {"plenary"}, "rationale": {"FORM-UNKNOWN"}}, "an option that its theme does not have"},
		{"the other party's audience", url.Values{"package": {choiceValue(th.Name, th.Options[0].Label)}, "audience": {fmt.Sprintf("party:%d", ru)}, "rationale": {"FORM-OTHER"}}, "a party writes to the mediators"},
	} {
		status, body := uaB.post(page, tc.form)
		if status != http.StatusBadRequest || !strings.Contains(body, `class="error"`) || !strings.Contains(body, tc.want) {
			t.Errorf("%s: status %d", tc.name, status)
		}
	}
	if after := len(proposalsByRationale(t, d, energy.ID)); after != before {
		t.Errorf("refused forms stored %d proposals", after-before)
	}

	// The mediators' plenary proposal, answered by Ukraine for its ears.
	if status, _ := med.post(page, url.Values{"package": {choiceValue(th.Name, th.Options[1].Label)}, "audience": {"plenary"}, "rationale": {"FORM-MED-PLENARY"}}); status != http.StatusOK {
		t.Fatalf("the mediator puts a proposal: %d", status)
	}
	plenary := proposalsByRationale(t, d, energy.ID)["FORM-MED-PLENARY"]
	if plenary == nil || plenary.AuthorPartyID != nil {
		t.Fatalf("the mediators' proposal: %+v", plenary)
	}
	respond := fmt.Sprintf("/proposals/%d/responses", plenary.ID)
	status, body = uaB.post(respond, url.Values{"kind": {"reject"}, "reasons": {"FORM-UA-REASONS"}, "audience": {fmt.Sprintf("party:%d", ua)}})
	if status != http.StatusOK || !strings.Contains(body, "FORM-UA-REASONS") || !strings.Contains(body, "The answer was sent.") {
		t.Errorf("a delegate answers: %d", status)
	}
	if _, body := ruB.get(page); !strings.Contains(body, "FORM-MED-PLENARY") || strings.Contains(body, "FORM-UA-REASONS") {
		t.Errorf("Russia's page shows the plenary proposal and not Ukraine's reasons: wrong")
	}
	if status, body := uaB.post(respond, url.Values{"kind": {"counter"}, "audience": {"plenary"}}); status != http.StatusBadRequest || !strings.Contains(body, "a counter names its counter-proposal") {
		t.Errorf("a counter without its proposal: %d", status)
	}

	// Withdrawing: the author's delegates, not the other party's.
	withdraw := fmt.Sprintf("/proposals/%d/withdraw", own.ID)
	if status, _ := ruB.post(withdraw, url.Values{"status": {"withdrawn"}}); status != http.StatusNotFound && status != http.StatusForbidden {
		t.Errorf("Russia withdraws Ukraine's proposal: %d", status)
	}
	status, body = uaB.post(withdraw, url.Values{"status": {"withdrawn"}})
	if status != http.StatusOK || !strings.Contains(body, "The proposal was withdrawn.") {
		t.Errorf("withdraw: %d", status)
	}
	if p := proposalsByRationale(t, d, energy.ID)["FORM-UA-OWN"]; p.Status != parley.ProposalWithdrawn {
		t.Errorf("status %s after withdrawing", p.Status)
	}

	// The mediator's ballot; a ballot to one party is refused.
	ballots := func() int {
		bs, err := d.store.FindBallots(ctx, energy.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(bs)
	}
	n := ballots()
	deadline := time.Now().UTC().Add(48 * time.Hour).Format("2006-01-02T15:04")
	put := fmt.Sprintf("/tracks/%d/ballots", energy.ID)
	if status, body := med.post(put, url.Values{"package": {choiceValue(th.Name, th.Options[0].Label)}, "party_ids": {fmt.Sprint(ua)}, "deadline": {deadline}}); status != http.StatusBadRequest || !strings.Contains(body, "between 2 and") {
		t.Errorf("a ballot to one party: %d", status)
	}
	status, body = med.post(put, url.Values{"package": {choiceValue(th.Name, th.Options[0].Label)}, "party_ids": {fmt.Sprint(ua), fmt.Sprint(ru)}, "deadline": {deadline}})
	if status != http.StatusOK || !strings.Contains(body, "The ballot was put to the parties.") || !strings.Contains(body, "pending") {
		t.Errorf("put a ballot: %d", status)
	}
	if got := ballots(); got != n+1 {
		t.Errorf("%d ballots stored, want %d", got-n, 1)
	}
	if status, _ := uaB.post(put, url.Values{"package": {choiceValue(th.Name, th.Options[0].Label)}, "party_ids": {fmt.Sprint(ua), fmt.Sprint(ru)}, "deadline": {deadline}}); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Errorf("a delegate puts a ballot: %d", status)
	}
}

// testTextForms: the mediator starts a text, writes and freezes version 1
// with a bracket, writes version 2 and compares the two; bad clauses are
// refused with nothing stored, and a delegate writes nothing.
func testTextForms(t *testing.T, d *testDesk) {
	ctx := sysCtx
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	themes, err := d.store.FindThemes(ctx, energy.ID)
	if err != nil {
		t.Fatal(err)
	}
	th := action.SortedThemes(themes)[0]
	med, uaB := d.signIn(t, "mediator@demo.parley"), d.signIn(t, "ua@demo.parley")
	track := fmt.Sprintf("/tracks/%d", energy.ID)
	if status, _ := uaB.post(track+"/texts", url.Values{"title": {"FORM-UA-TEXT"}, "audience": {"plenary"}}); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Errorf("a delegate starts a text: %d", status)
	}
	if status, body := med.post(track+"/texts", url.Values{"title": {""}, "audience": {"plenary"}}); status != http.StatusBadRequest || !strings.Contains(body, `class="error"`) {
		t.Errorf("a text without a title: %d", status)
	}
	status, body := med.post(track+"/texts", url.Values{"title": {"FORM-TEXT"}, "audience": {"plenary"}})
	if status != http.StatusOK || !strings.Contains(body, "The text was started.") || !strings.Contains(body, "No version yet.") {
		t.Fatalf("start a text: %d", status)
	}
	texts, err := d.store.FindTexts(ctx, energy.ID)
	if err != nil {
		t.Fatal(err)
	}
	var text *parley.NegotiatingText
	for _, x := range texts {
		if x.Title == "FORM-TEXT" {
			text = x
		}
	}
	if text == nil {
		t.Fatal("the text was not stored")
	}
	page := fmt.Sprintf("/texts/%d", text.ID)
	write := page + "/versions"
	v1 := fmt.Sprintf("(agreed) The parties halt strikes.\n\n[For now {Ukraine; %s = %s} | For ever {Russia}]", th.Name, th.Options[0].Label)
	status, body = med.post(write, url.Values{"clauses": {v1}})
	if status != http.StatusOK || !strings.Contains(body, "The version was added.") ||
		!strings.Contains(body, `<span class="bracket">[For now]</span> <small>sponsors: Ukraine</small>`) || !strings.Contains(body, "Freeze version 1") {
		t.Fatalf("write version 1: %d\n%s", status, body)
	}
	versions := func() []*parley.TextVersion {
		vs, err := d.store.FindVersions(ctx, text.ID)
		if err != nil {
			t.Fatal(err)
		}
		return vs
	}
	vs := versions()
	if len(vs) != 1 || vs[0].Clauses[0].Status != parley.ClauseAgreed || vs[0].Clauses[1].Alternatives[0].Option != th.Options[0].Label {
		t.Fatalf("stored version 1: %+v", vs)
	}
	if got := action.FormatClauses(vs[0].Clauses, d.partyByID()); got != v1 {
		t.Errorf("the textarea's format does not round-trip:\n%s\nwant\n%s", got, v1)
	}
	// Broken bracket markup is refused with its line and column, and what
	// was typed comes back in the textarea.
	broken := "(agreed) The parties halt strikes.\n\n[For now {Ukraine} | For ever"
	status, body = med.post(write, url.Values{"clauses": {broken}})
	if status != http.StatusBadRequest || !strings.Contains(body, "line 3, column 1: the bracket opened here is not closed") || !strings.Contains(html.UnescapeString(body), broken) {
		t.Errorf("broken brackets: %d", status)
	}
	if status, body := med.post(write, url.Values{"clauses": {"[For now {" + th.Name + " = No such option} | For ever]"}}); status != http.StatusBadRequest ||
		!strings.Contains(body, "line 1, column 11: not an option of one of the track") {
		t.Errorf("an option the track does not have: %d", status)
	}
	for _, bad := range []string{"[One | Two {Nobody}]", "(bracketed) Plain.", "", "(agreed) [One | Two]"} {
		if status, body := med.post(write, url.Values{"clauses": {bad}}); status != http.StatusBadRequest || !strings.Contains(body, `class="error"`) {
			t.Errorf("clauses %q: %d", bad, status)
		}
	}
	if vs := versions(); len(vs) != 1 || action.FormatClauses(vs[0].Clauses, d.partyByID()) != v1 {
		t.Errorf("refused clauses changed the text")
	}
	freeze := fmt.Sprintf("/versions/%d/freeze", vs[0].ID)
	// Freezing is one-way: without the confirmation ticked, nothing changes.
	if status, body := med.post(freeze, url.Values{}); status != http.StatusBadRequest || !strings.Contains(body, `field-error`) || versions()[0].FrozenAt != nil {
		t.Errorf("freeze without the confirmation: %d", status)
	}
	if status, body := med.post(freeze, url.Values{"frozen": {"true"}}); status != http.StatusOK || !strings.Contains(body, "The version was frozen.") {
		t.Errorf("freeze: %d", status)
	}
	if status, body := med.post(freeze, url.Values{"frozen": {"true"}}); status != http.StatusConflict || !strings.Contains(body, `class="error"`) {
		t.Errorf("freeze twice: %d", status)
	}
	if status, _ := uaB.post(write, url.Values{"clauses": {"Plain."}}); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Errorf("a delegate writes a version: %d", status)
	}
	status, body = med.post(write, url.Values{"clauses": {"(agreed) The parties halt strikes.\n\n(agreed) For now."}})
	if status != http.StatusOK || !strings.Contains(body, "Version 2") {
		t.Errorf("write version 2: %d", status)
	}
	if vs := versions(); len(vs) != 2 || vs[0].FrozenAt == nil || !vs[1].Counts.AllAgree {
		t.Errorf("versions after version 2: %d", len(vs))
	}
	status, body = uaB.get(page + "?from=1&version=2")
	if status != http.StatusOK || !strings.Contains(body, "Changes from version 1") || !strings.Contains(body, `id="compare"`) || strings.Contains(body, `id="write-version"`) {
		t.Errorf("compare as a delegate: %d", status)
	}
	if status, _ := uaB.get(page + "?from=3"); status != http.StatusNotFound {
		t.Errorf("compare with a version that does not exist: %d", status)
	}
}

// partyByID returns the demo's party names by id.
func (d *testDesk) partyByID() map[int64]string {
	out := map[int64]string{}
	for name, id := range d.party {
		out[id] = name
	}
	return out
}
