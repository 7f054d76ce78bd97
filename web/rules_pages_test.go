package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
)

// testVerifiedByVerifiers: a located case awaits the verifiers; the
// mediator's page offers no form to verify it and the store refuses the
// mediator's step; the track's verifier reads the case, verifies it on its
// page, and the step names it.
func testVerifiedByVerifiers(t *testing.T, d *testDesk, med *browser, page, advance string, caseID, trackID int64) {
	t.Helper()
	if _, body := med.get(page); !strings.Contains(body, fmt.Sprintf(`id="awaits-%d"`, caseID)) || strings.Contains(body, fmt.Sprintf(`id="advance-%d"`, caseID)) {
		t.Errorf("the mediator's page offers to verify the located case")
	}
	if status, _ := med.post(advance, url.Values{"stage": {"verified"}, "date": {"2023-05-01"}, "source": {"ICRC"}}); status != http.StatusForbidden {
		t.Errorf("the mediator verifies a case: %d, want 403", status)
	}
	ver := d.signIn(t, d.member(t, trackID, parley.MemberVerifier, "verifier-children@desk.example.org"))
	status, body := ver.get(page)
	if status != http.StatusOK || !strings.Contains(body, "FORMCHILD") || !strings.Contains(body, `<input type="hidden" name="stage" value="verified">`) || strings.Contains(body, `id="open-case"`) {
		t.Fatalf("the verifier's children's page: %d\n%s", status, body)
	}
	if status, body := ver.post(advance, url.Values{"stage": {"verified"}, "date": {"2023-05-01"}, "source": {"ICRC"}}); status != http.StatusOK || !strings.Contains(body, "next stage is recorded") {
		t.Fatalf("the verifier verifies: %d\n%s", status, body)
	}
	got, err := d.store.FindChildCaseByID(sysCtx, caseID)
	must(t, err)
	if last := got.History[len(got.History)-1]; got.Stage != parley.ChildVerified || last.Verifier != "Test verifier" {
		t.Errorf("the verified step: %+v", last)
	}
	if status, _ := ver.post(advance, url.Values{"stage": {"return agreed"}, "date": {"2023-05-02"}, "source": {"ICRC"}}); status != http.StatusForbidden {
		t.Errorf("a verifier records a mediator's stage: %d, want 403", status)
	}
}

// TestCollapsedAgreementPage: a collapsed agreement's page offers no form
// that would change it, to its mediator either.
func TestCollapsedAgreementPage(t *testing.T) {
	d := newDesk(t)
	med := d.signIn(t, "mediator@demo.parley")
	tr := d.tracks["Black Sea grain corridor"]
	if tr == nil {
		t.Fatal("the demo has no grain track")
	}
	as, err := d.store.FindAgreements(sysCtx, tr.ID)
	must(t, err)
	var collapsed *parley.Agreement
	for _, a := range as {
		if a.Status == parley.AgreementCollapsed {
			collapsed = a
		}
	}
	if collapsed == nil {
		t.Fatal("the demo has no collapsed agreement")
	}
	status, body := med.get(fmt.Sprintf("/agreements/%d", collapsed.ID))
	if status != http.StatusOK || !strings.Contains(body, `id="agr-collapsed-note"`) {
		t.Fatalf("the collapsed agreement's page: %d", status)
	}
	for _, form := range []string{"add-report", "agr-transition", "agr-renew", "add-commitment", "add-score", "agr-warning"} {
		if strings.Contains(body, `id="`+form+`"`) {
			t.Errorf("the collapsed agreement offers the form %s", form)
		}
	}
	status, body = med.get(fmt.Sprintf("/tracks/%d", tr.ID))
	if status != http.StatusOK || !strings.Contains(body, `id="collapsed-note"`) || strings.Contains(body, `id="add-meeting"`) || strings.Contains(body, `id="add-event"`) {
		t.Errorf("the collapsed track's page offers forms that would change it: %d", status)
	}
}
