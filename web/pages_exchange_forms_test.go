package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/web/authn"
	"github.com/parley-talks/parley/web/limits"
)

// TestExchangeForms checks the exchange page's upload and handover forms
// and the children's page's forms, their refusals included.
func TestExchangeForms(t *testing.T) { testExchangeForms(t, newDesk(t)) }

// member makes an account with the desk's password and a membership of
// the track.
func (d *testDesk) member(t testing.TB, track int64, role parley.MemberRole, email string) string {
	t.Helper()
	ctx := sysCtx
	h, err := password.Hash(deskPassword, password.InsecureTestParams)
	if err != nil {
		t.Fatal(err)
	}
	u := &parley.User{Email: email, Name: "Test " + string(role), PasswordHash: h}
	if err := d.store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := d.store.CreateMember(ctx, &parley.Member{TrackID: track, UserID: u.ID, Role: role}); err != nil {
		t.Fatal(err)
	}
	return u.Email
}

// upload sends a multipart form as the page's upload form does: the
// fields in order (csrf_token first, unless the test says otherwise),
// then the file as the part "file".
func (b *browser) upload(path string, fields [][2]string, file string) (int, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			b.t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", "list.csv")
	if err != nil {
		b.t.Fatal(err)
	}
	fw.Write([]byte(file))
	if err := mw.Close(); err != nil {
		b.t.Fatal(err)
	}
	req, err := http.NewRequest("POST", b.d.http.URL+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

const formCSVHeader = "name,transliteration,born,status,rank,service_number,capture_place,captured,next_of_kin\n"

func testExchangeForms(t *testing.T, d *testDesk) {
	ctx := sysCtx
	tr := d.tracks["Prisoner exchanges"]
	ua, ru := d.party["Ukraine"], d.party["Russia"]
	e := &parley.Exchange{TrackID: tr.ID, Title: "Forms exchange", Terms: parley.TermsNForN, N: 1, SideA: ua, SideB: ru}
	if err := d.store.CreateExchange(ctx, e); err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/exchanges/%d", e.ID)
	listOf := func(party int64) []*parley.Prisoner {
		t.Helper()
		ps, err := d.store.FindPrisoners(ctx, e.ID, party)
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}
	med, uaB, ruB := d.signIn(t, "mediator@demo.parley"), d.signIn(t, "ua@demo.parley"), d.signIn(t, "ru@demo.parley")
	token := func(b *browser) [][2]string { return [][2]string{{authn.CSRFFormField, b.csrf}} }

	// A delegate sees the upload form of its own side only, with the help.
	_, body := uaB.get(page)
	if !strings.Contains(body, fmt.Sprintf(`action="/exchanges/%d/lists/%d"`, e.ID, ua)) || strings.Contains(body, fmt.Sprintf(`action="/exchanges/%d/lists/%d"`, e.ID, ru)) ||
		!strings.Contains(body, "<code>service_number</code>") || strings.Contains(body, "handover-form") {
		t.Errorf("Ukraine's delegate's page: wrong upload forms, no CSV help, or the handover form")
	}

	uaCSV := formCSVHeader + "Олег FORMUAONE,Oleh FORMUAONE,1990-03-04,military,,,,2022-05-20,\n" +
		"Іван FORMUATWO,,1979-01-02,civilian,,,,2023-01-01,\n"
	ruPath, uaPath := fmt.Sprintf("%s/lists/%d", page, ru), fmt.Sprintf("%s/lists/%d", page, ua)
	if status, body := uaB.upload(uaPath, token(uaB), uaCSV); status != http.StatusOK || !strings.Contains(body, "2 persons added") {
		t.Fatalf("Ukraine's upload: %d", status)
	}
	if got := listOf(ua); len(got) != 2 || got[0].Name != "Олег FORMUAONE" {
		t.Fatalf("Ukraine's list after the upload: %d persons", len(got))
	}

	// Refusals store nothing: a bad row (listed by row, column and reason,
	// never the value), another side's list, a token not first or absent.
	bad := formCSVHeader + "Дмитрий FORMRUONE,,1995-07-07,military,,,,2024-02-02,\n" +
		"Павел FORMRUTWO,,1996-13-08,military,,,,2024-02-02,\n" +
		"Пётр FORMRUTHREE,,1997-01-01,sailor,,,,2024-02-02,\n"
	status, body := ruB.upload(ruPath, token(ruB), bad)
	if status != http.StatusBadRequest || !strings.Contains(body, "2 rows were rejected") ||
		!strings.Contains(body, "<tr><td>3</td><td>born</td><td>no such day</td></tr>") ||
		!strings.Contains(body, "<tr><td>4</td><td>status</td><td>must be military or civilian</td></tr>") {
		t.Errorf("a bad row: %d, want 400 with the rejected rows listed\n%s", status, body)
	}
	for _, v := range []string{"1996-13-08", "sailor", "FORMRUONE", "FORMRUTWO"} {
		if strings.Contains(body, v) {
			t.Errorf("the refusal shows a value of the file")
		}
	}
	dup := formCSVHeader + "Олег FORMUAONE,,1990-03-04,military,,,,2022-05-20,\n"
	if status, body := uaB.upload(uaPath, token(uaB), dup); status != http.StatusConflict || !strings.Contains(body, "<td>2</td><td>name</td>") {
		t.Errorf("a person already on the list: %d, want 409 naming row 2", status)
	}
	if status, _ := uaB.upload(ruPath, token(uaB), dup); status != http.StatusForbidden {
		t.Errorf("Ukraine's delegate uploads Russia's list: %d", status)
	}
	good := formCSVHeader + "Дмитрий FORMRUONE,,1995-07-07,military,,,,2024-02-02,\n"
	if status, _ := ruB.upload(ruPath, [][2]string{{"note", "first"}, {authn.CSRFFormField, ruB.csrf}}, good); status != http.StatusForbidden {
		t.Errorf("a token that is not the first part: %d, want 403", status)
	}
	if status, _ := ruB.upload(ruPath, nil, good); status != http.StatusForbidden {
		t.Errorf("an upload without the token: %d, want 403", status)
	}
	if status, body := ruB.upload(ruPath, token(ruB), ""); status != http.StatusBadRequest || !strings.Contains(body, "the file is empty") {
		t.Errorf("an empty file: %d", status)
	}
	if n := len(listOf(ru)); n != 0 || len(listOf(ua)) != 2 {
		t.Fatalf("refused uploads stored persons: Russia's list has %d", n)
	}
	if status, _ := ruB.upload(ruPath, token(ruB), good); status != http.StatusOK {
		t.Fatalf("Russia's upload: %d", status)
	}

	// The handover form: the mediator's alone; n for n and a person handed
	// over already are refused beside the form, nothing recorded.
	uaList, ruList := listOf(ua), listOf(ru)
	_, body = med.get(page)
	if !strings.Contains(body, fmt.Sprintf(`id="handover-%d"`, uaList[1].ID)) || !strings.Contains(body, fmt.Sprintf(`id="handover-%d"`, ruList[0].ID)) {
		t.Fatalf("the mediator's handover form lacks a person")
	}
	if status, _ := uaB.post(page+"/handovers", url.Values{"prisoner_ids": {fmt.Sprint(uaList[0].ID)}}); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Errorf("a delegate records a handover: %d", status)
	}
	two := url.Values{"prisoner_ids": {fmt.Sprint(uaList[0].ID), fmt.Sprint(uaList[1].ID)}}
	status, body = med.post(page+"/handovers", two)
	if status != http.StatusBadRequest || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, fmt.Sprintf(`id="handover-%d" name="prisoner_ids" value="%d" checked`, uaList[1].ID, uaList[1].ID)) {
		t.Errorf("a handover past n: %d, want 400 beside the form with the boxes kept\n%s", status, body)
	}
	if status, body := med.post(page+"/handovers", url.Values{}); status != http.StatusBadRequest || !strings.Contains(body, "check at least one person") {
		t.Errorf("an empty handover: %d", status)
	}
	for _, p := range append(listOf(ua), listOf(ru)...) {
		if p.HandedOverAt != nil {
			t.Fatalf("a refused handover recorded person %d", p.ID)
		}
	}
	one := url.Values{"prisoner_ids": {fmt.Sprint(uaList[0].ID)}}
	if status, body := med.post(page+"/handovers", one); status != http.StatusOK || !strings.Contains(body, "The handover is recorded.") || !strings.Contains(body, "side A 1, side B 0") {
		t.Errorf("the handover: %d", status)
	}
	if status, body := med.post(page+"/handovers", one); status != http.StatusConflict || !strings.Contains(body, `role="alert"`) {
		t.Errorf("a person handed over twice: %d, want 409", status)
	}
	if got := listOf(ua); got[0].HandedOverAt == nil || got[1].HandedOverAt != nil {
		t.Errorf("the handover recorded the wrong persons")
	}

	testChildForms(t, d, med)
}

// testChildForms: the mediator opens a case and advances it; a plenary
// audience, a skipped stage and a back-dated stage are refused beside the
// form and change nothing; an observer sees counts, no name, no form.
func testChildForms(t *testing.T, d *testDesk, med *browser) {
	ctx := sysCtx
	tr := d.tracks["Return of deported children"]
	page := fmt.Sprintf("/tracks/%d/children", tr.ID)
	before, err := d.store.ChildStageCounts(ctx, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	open := url.Values{"child.name": {"Марія FORMCHILD"}, "child.born": {"2013-06-01"}, "child.taken_from": {"Kherson"}, "child.guardian": {"Aunt"},
		"audience": {"plenary"}, "first.stage": {"identified"}, "first.date": {"2023-03-01"}, "first.source": {"Ombudsman"}}
	status, body := med.post(page, open)
	if status != http.StatusBadRequest || !strings.Contains(body, "never plenary") || !strings.Contains(body, `value="Марія FORMCHILD"`) {
		t.Errorf("a plenary case: %d, want 400 with the form kept", status)
	}
	open.Set("audience", "mediators")
	if status, body := med.post(page, open); status != http.StatusOK || !strings.Contains(body, "The case is opened.") || !strings.Contains(body, "Марія FORMCHILD") {
		t.Fatalf("open a case: %d", status)
	}
	cases, err := d.store.FindChildCases(ctx, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	c := cases[len(cases)-1]
	if c.Child.Name != "Марія FORMCHILD" || c.Stage != parley.ChildIdentified {
		t.Fatalf("the opened case: stage %s", c.Stage)
	}
	advance := fmt.Sprintf("/children/%d/stages", c.ID)
	if _, body := med.get(page); !strings.Contains(body, fmt.Sprintf(`action="%s"`, advance)) || !strings.Contains(body, `<input type="hidden" name="stage" value="located">`) {
		t.Errorf("the advance form does not offer the next stage alone")
	}
	for _, f := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"stage": {"located"}, "date": {"2023-02-01"}, "source": {"ICRC"}}, "a stage cannot precede the previous one"},
		{url.Values{"stage": {"verified"}, "date": {"2023-04-01"}, "source": {"ICRC"}}, "stages are not skipped"},
	} {
		if status, body := med.post(advance, f.form); status != http.StatusBadRequest || !strings.Contains(body, f.want) || !strings.Contains(body, `role="alert"`) {
			t.Errorf("advance %v: %d, want 400 %q", f.form, status, f.want)
		}
	}
	if got, _ := d.store.FindChildCaseByID(ctx, c.ID); got.Stage != parley.ChildIdentified || len(got.History) != 1 {
		t.Fatalf("a refused advance changed the case")
	}
	if status, body := med.post(advance, url.Values{"stage": {"located"}, "date": {"2023-04-01"}, "source": {"ICRC"}}); status != http.StatusOK || !strings.Contains(body, "next stage is recorded") {
		t.Errorf("advance: %d", status)
	}
	after, err := d.store.ChildStageCounts(ctx, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after[parley.ChildLocated] != before[parley.ChildLocated]+1 || after[parley.ChildIdentified] != before[parley.ChildIdentified] {
		t.Errorf("counts after open and advance: %v, before %v", after, before)
	}

	obs := d.signIn(t, d.member(t, tr.ID, parley.MemberObserver, "observer-children@desk.example.org"))
	status, body = obs.get(page)
	if status != http.StatusOK || !strings.Contains(body, fmt.Sprintf("<dt>located</dt><dd>%d</dd>", after[parley.ChildLocated])) {
		t.Errorf("the observer's children's page: %d, want the counts", status)
	}
	for _, name := range []string{"FORMCHILD", "Софія", "Maksym", "Олена", "open-case"} {
		if strings.Contains(body, name) {
			t.Errorf("the observer's page shows %q", name)
		}
	}
	if status, _ := obs.post(page, open); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Errorf("an observer opens a case: %d", status)
	}
	if status, _ := obs.post(advance, url.Values{"stage": {"verified"}, "date": {"2023-05-01"}, "source": {"ICRC"}}); status != http.StatusNotFound {
		t.Errorf("an observer advances a case: %d", status)
	}
	testVerifiedByVerifiers(t, d, med, page, advance, c.ID, tr.ID) // rules_pages_test.go
}

// TestUploadTooLarge: the upload form's body is bounded by limits.MaxCSVBodyBytes
// before the token is looked for.
func TestUploadTooLarge(t *testing.T) {
	d := newDesk(t)
	ua := d.signIn(t, "ua@demo.parley")
	tr := d.tracks["Prisoner exchanges"]
	es, err := d.store.FindExchanges(sysCtx, tr.ID)
	if err != nil || len(es) == 0 {
		t.Fatal(es, err)
	}
	big := formCSVHeader + strings.Repeat("x", limits.MaxCSVBodyBytes)
	if status, _ := ua.upload(fmt.Sprintf("/exchanges/%d/lists/%d", es[0].ID, d.party["Ukraine"]), [][2]string{{authn.CSRFFormField, ua.csrf}}, big); status != http.StatusRequestEntityTooLarge {
		t.Errorf("an upload past limits.MaxCSVBodyBytes: %d, want 413", status)
	}
}
