package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
)

// TestExchangePages checks the exchange's page and forms on the demo.
func TestExchangePages(t *testing.T) { testExchangePages(t, newDesk(t)) }

// deskVerifier makes an account that verifies for the neutral body on the
// track, with the desk's password.
func (d *testDesk) verifier(t testing.TB, track int64) string {
	t.Helper()
	ctx := sysCtx
	h, err := password.Hash(deskPassword, password.InsecureTestParams)
	if err != nil {
		t.Fatal(err)
	}
	u := &parley.User{Email: "verifier@desk.example.org", Name: "ICRC verifier", PasswordHash: h}
	if err := d.store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := d.store.CreateMember(ctx, &parley.Member{TrackID: track, UserID: u.ID, Role: parley.MemberVerifier}); err != nil {
		t.Fatal(err)
	}
	return u.Email
}

// testExchangePages: on the demo's spring exchange, Russia's delegate
// reads its own list and only the shared person of Ukraine's; the mediator
// confirms and shares a match, and the other side's delegate then reads
// that person too; the verifier verifies; the children's page shows
// counts to everyone and names to the cases' audiences.
func testExchangePages(t *testing.T, d *testDesk) {
	ctx := sysCtx
	tr := d.tracks["Prisoner exchanges"]
	es, err := d.store.FindExchanges(ctx, tr.ID)
	if err != nil || len(es) != 1 {
		t.Fatalf("demo exchanges: %v, %v", es, err)
	}
	e := es[0]
	ua, err := d.store.FindPrisoners(ctx, e.ID, e.SideA)
	if err != nil {
		t.Fatal(err)
	}
	ru, err := d.store.FindPrisoners(ctx, e.ID, e.SideB)
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/exchanges/%d", e.ID)
	med, ruB, uaB := d.signIn(t, "mediator@demo.parley"), d.signIn(t, "ru@demo.parley"), d.signIn(t, "ua@demo.parley")
	if status, body := med.get(fmt.Sprintf("/tracks/%d", tr.ID)); status != http.StatusOK || !strings.Contains(body, page) {
		t.Errorf("the track's page does not link the exchange: %d", status)
	}
	status, body := ruB.get(page)
	if status != http.StatusOK || !strings.Contains(body, ru[3].Name) || !strings.Contains(body, ua[0].Name) {
		t.Fatalf("Russia's delegate: %d, want its list and the shared person", status)
	}
	for _, p := range ua[1:] {
		if strings.Contains(body, p.Name) {
			t.Errorf("Russia's delegate reads %d of Ukraine's list before its match is shared", p.ID)
		}
	}
	// The mediator confirms the last pair and shares it.
	if status, body := med.post(page+"/matches", url.Values{"prisoner_a": {fmt.Sprint(ua[3].ID)}, "prisoner_b": {fmt.Sprint(ru[3].ID)}}); status != http.StatusOK || !strings.Contains(body, "The match is confirmed.") {
		t.Fatalf("confirm: %d", status)
	}
	ms, err := d.store.FindMatches(ctx, e.ID)
	if err != nil || len(ms) != 3 {
		t.Fatalf("matches: %v, %v", ms, err)
	}
	if status, _ := ruB.post(fmt.Sprintf("/matches/%d/share", ms[2].ID), url.Values{"shared": {"true"}}); status != http.StatusForbidden {
		t.Errorf("a delegate shares: %d", status)
	}
	if status, body := med.post(fmt.Sprintf("/matches/%d/share", ms[2].ID), url.Values{"shared": {"true"}}); status != http.StatusOK || !strings.Contains(body, "shared with both sides") {
		t.Fatalf("share: %d", status)
	}
	_, body = ruB.get(page)
	if !strings.Contains(body, ua[3].Name) || strings.Contains(body, ua[1].Name) || strings.Contains(body, ua[2].Name) {
		t.Errorf("after the share Russia's delegate reads the wrong persons of Ukraine's list")
	}
	if _, body := uaB.get(page); !strings.Contains(body, ru[3].Name) || strings.Contains(body, ru[1].Name) || strings.Contains(body, ru[2].Name) {
		t.Errorf("after the share Ukraine's delegate reads the wrong persons of Russia's list")
	}
	v := d.signIn(t, d.verifier(t, tr.ID))
	if status, body := v.post(fmt.Sprintf("/matches/%d/verify", ms[2].ID), url.Values{"verified": {"true"}}); status != http.StatusOK || !strings.Contains(body, "The match is verified.") {
		t.Errorf("verify: %d", status)
	}

	// The exchange hands the shared pair over; a later exchange lists the
	// same Ukrainian again, spelled in Cyrillic: the mediator's page of the
	// later exchange names the earlier handover, a delegate's does not.
	if err := d.store.RecordHandover(ctx, e.ID, []int64{ua[3].ID, ru[3].ID}); err != nil {
		t.Fatal(err)
	}
	later := &parley.Exchange{TrackID: tr.ID, Title: "Later exchange", Terms: parley.TermsAllForAll, SideA: e.SideA, SideB: e.SideB}
	if err := d.store.CreateExchange(ctx, later); err != nil {
		t.Fatal(err)
	}
	again := *ua[3]
	again.ID, again.Name, again.Transliteration = 0, "Дмитро Демонстраційний", ""
	if ua[3].Name != "Dmytro Demonstratsiinyi" {
		t.Fatalf("the demo's fourth Ukrainian is not the one this test spells again")
	}
	if err := d.store.AddPrisoners(ctx, later.ID, later.SideA, []*parley.Prisoner{&again}); err != nil {
		t.Fatal(err)
	}
	laterPage := fmt.Sprintf("/exchanges/%d", later.ID)
	_, body = med.get(laterPage)
	if !strings.Contains(body, `id="named"`) || !strings.Contains(body, fmt.Sprintf("handed over earlier as person %d", ua[3].ID)) {
		t.Errorf("the mediator's page of a later exchange does not name the person handed over before")
	}
	if _, body := uaB.get(laterPage); strings.Contains(body, `id="named"`) {
		t.Errorf("a delegate's page lists persons handed over before")
	}

	children := fmt.Sprintf("/tracks/%d/children", d.tracks["Return of deported children"].ID)
	status, body = med.get(children)
	if status != http.StatusOK || !strings.Contains(body, "Софія Прикладна") || !strings.Contains(body, "<dt>returned</dt><dd>1</dd>") {
		t.Errorf("the mediator's children's page: %d", status)
	}
	if _, body := ruB.get(children); strings.Contains(body, "Софія") || strings.Contains(body, "Олена") || strings.Contains(body, "Maksym") {
		t.Errorf("Russia's delegate reads a child's name")
	}
}
