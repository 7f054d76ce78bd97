package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/authn"
)

// TestDeskScenarios: a track's scenario exported in Parley's format and
// imported again is the same analysis; the GENIUS export imports as JSON
// and as multipart; and every route of the desk answers a caller who may
// use it.
func TestDeskScenarios(t *testing.T) {
	d := newDesk(t)
	med := d.signIn(t, "mediator@demo.parley")
	adm := d.signIn(t, d.admin(t))
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	analysisOf := func(b *browser, id int64) negotiation.Report {
		t.Helper()
		status, body := b.api("GET", fmt.Sprintf("/api/v1/tracks/%d/analysis", id), "")
		if status != http.StatusOK {
			t.Fatalf("analysis of track %d: %d %s", id, status, body)
		}
		var rep negotiation.Report
		if err := json.Unmarshal([]byte(body), &rep); err != nil {
			t.Fatal(err)
		}
		return rep
	}
	export := func(format string) action.ScenarioFiles {
		t.Helper()
		status, body := med.api("GET", fmt.Sprintf("/api/v1/tracks/%d/export?format=%s", energy.ID, format), "")
		if status != http.StatusOK {
			t.Fatalf("export %s: %d %s", format, status, body)
		}
		var out action.ScenarioFiles
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	imported := func(status int, body string) action.ImportResult {
		t.Helper()
		if status != http.StatusCreated {
			t.Fatalf("import: %d %s", status, body)
		}
		var res action.ImportResult
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Parties {
			if p.Created || p.PartyID != d.party[p.Profile] {
				t.Errorf("profile %s mapped to party %d (created %v), want the existing party %d", p.Profile, p.PartyID, p.Created, d.party[p.Profile])
			}
		}
		return res
	}

	// Parley's format: the same analysis after the round trip.
	pf := export("parley")
	if pf.Scenario == nil || len(pf.Scenario.Profiles) != 2 {
		t.Fatalf("parley export: %+v", pf)
	}
	pf.Title = "Energy, imported"
	body, _ := json.Marshal(pf)
	res := imported(adm.api("POST", "/api/v1/tracks/import", string(body)))
	want := analysisOf(med, energy.ID)
	got := analysisOf(adm, res.Track.ID)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the imported track's analysis differs (-exported +imported):\n%s", diff)
	}

	// GENIUS XML in JSON, then as multipart files.
	gf := export("genius")
	if !strings.Contains(gf.Domain, "<negotiation_template") || len(gf.Profiles) != 2 || gf.Profiles[0].Name != "Ukraine" {
		t.Fatalf("genius export: %+v", gf)
	}
	// GENIUS has no red lines: the export says which it left out, in the
	// answer and in the file.
	for _, p := range gf.Profiles {
		if len(p.Omitted) == 0 || !strings.Contains(p.Omitted[0], "red line") || !strings.Contains(p.XML, "<!-- Parley: ") {
			t.Errorf("GENIUS export of %s: omitted %q; the file says so: %v", p.Name, p.Omitted, strings.Contains(p.XML, "<!-- Parley: "))
		}
	}
	gf.Title = "Energy from GENIUS"
	body, _ = json.Marshal(gf)
	res = imported(adm.api("POST", "/api/v1/tracks/import", string(body)))
	if rep := analysisOf(adm, res.Track.ID); rep.Outcomes != want.Outcomes || strings.Join(rep.Parties, ",") != "Ukraine,Russia" || len(rep.Frontier) == 0 {
		t.Errorf("GENIUS import: %s packages, parties %v", rep.Outcomes, rep.Parties)
	}
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	_ = mw.WriteField("title", "Energy, multipart")
	fw, _ := mw.CreateFormFile("domain", "energy.xml")
	fw.Write([]byte(gf.Domain))
	for _, p := range gf.Profiles {
		fw, _ := mw.CreateFormFile("profile", p.Name+".xml")
		fw.Write([]byte(p.XML))
	}
	mw.Close()
	req, _ := http.NewRequest("POST", d.http.URL+"/api/v1/tracks/import", &mp)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set(authn.CSRFHeader, adm.csrf)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := adm.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("multipart import: %d", resp.StatusCode)
	}
	// A broken file is refused with the file, the element and the problem.
	status, msg := adm.api("POST", "/api/v1/tracks/import", `{"domain":"<utility_space><objective><issue name=\"x\""}`)
	if status != http.StatusBadRequest || !strings.Contains(msg, "genius: domain") {
		t.Errorf("broken GENIUS XML: %d %s", status, msg)
	}
	// A delegate may not import, nor export.
	ua := d.signIn(t, "ua@demo.parley")
	if status, _ := ua.api("POST", "/api/v1/tracks/import", string(body)); status != http.StatusForbidden {
		t.Errorf("a delegate imports: %d", status)
	}
	if status, _ := ua.api("GET", fmt.Sprintf("/api/v1/tracks/%d/export?format=genius", energy.ID), ""); status != http.StatusNotFound {
		t.Errorf("a delegate exports: %d", status)
	}
	if status, _ := med.api("GET", fmt.Sprintf("/api/v1/tracks/%d/export?format=yaml", energy.ID), ""); status != http.StatusBadRequest {
		t.Errorf("an unknown format: %d", status)
	}

	// The rest of the desk's routes, by the mediator.
	crawl(med)
	ukraine := d.party["Ukraine"]
	page := fmt.Sprintf("/tracks/%d", energy.ID)
	for _, f := range []struct {
		path string
		form url.Values
	}{
		{page + "/analysis", reservationForm(ukraine, "0.3")},
		{page + "/analysis/plot", url.Values{"drop_red_lines": {fmt.Sprintf("%d_0", ukraine)}}},
		{page + "/transition", url.Values{"to": {"active"}, "reason": {"Talks resume"}}},
		{page + "/meetings", url.Values{"title": {"Resumed talks"}, "format": {"plenary"}, "starts_at": {"2031-05-01T09:00"}}},
		{page + "/events", url.Values{"title": {"Resumption announced"}, "occurred_at": {"2025-01-01T09:00"}}},
		{fmt.Sprintf("%s/profiles/%d", page, ukraine), url.Values{"reservation": {"0.2"}, "weights[" + d.firstTheme(t, energy.ID).Name + "]": {"1"}}},
	} {
		if status, body := med.post(f.path, f.form); status != http.StatusOK {
			t.Errorf("POST %s: %d\n%s", f.path, status, body)
		}
	}
	if status, _ := med.api("POST", fmt.Sprintf("/api/v1/tracks/%d/analysis", energy.ID), `{}`); status != http.StatusOK {
		t.Errorf("what-if API: %d", status)
	}
	testSimulationAPI(t, d, med, ua)
	for _, p := range []string{"/static/desk.css", "/static/desk.js", "/static/favicon.svg"} {
		if status, _ := med.get(p); status != http.StatusOK {
			t.Errorf("GET %s: %d", p, status)
		}
	}
	// The language switch, there and back (desk_lang_test.go tests the
	// pages in each language).
	for _, l := range []string{"uk", "en"} {
		if status, body := med.post("/language", url.Values{"lang": {l}, "next": {"/map"}}); status != http.StatusOK || !strings.Contains(body, `<html lang="`+l+`"`) {
			t.Errorf("switch to %s: %d", l, status)
		}
	}
	testBallotPages(t, d)
	testTextPages(t, d)
	testProposalPages(t, d)
	testProposalForms(t, d)
	testTextForms(t, d)
	// The exchange's pages sign in four more accounts: on a desk of their
	// own, below the address's sign-in throttle, counted as this desk's.
	ex := newDesk(t)
	testExchangePages(t, ex)
	testExchangeForms(t, ex)
	testExchangeExports(t, ex)
	testAccountLanguage(t, ex)
	testSecondFactorPages(t, ex)
	sf := newDesk(t) // a desk of its own: its administrator and a track that requires a second factor
	testSecondFactorRequired(t, sf)
	for _, o := range []*testDesk{ex, sf} {
		for k := range o.hits {
			d.hits[k] = true
		}
	}
	zd := newDesk(t)
	testScenarioZips(t, zd)
	for k := range zd.hits {
		d.hits[k] = true
	}
	testAgreementPages(t, d)
	testExports(t, d)
	setup := newDesk(t) // setup_pages_test.go, on a desk of its own
	testSetupPages(t, setup)
	for k := range setup.hits {
		d.hits[k] = true
	}
	// The record pages sign in three accounts: on a desk of their own.
	rec := newDesk(t)
	testRecordPages(t, rec)
	for k := range rec.hits {
		d.hits[k] = true
	}
	sd := newDesk(t) // the search signs in three more: a desk of its own
	testSearch(t, sd)
	for k := range sd.hits {
		d.hits[k] = true
	}
	testJointPages(t, d) // links_test.go
	ld := newDesk(t)     // the map's forms of links (pages_links_test.go), on a desk of their own
	testLinkPages(t, ld)
	for k := range ld.hits {
		d.hits[k] = true
	}
	if status, _ := med.post("/signout", url.Values{}); status != http.StatusOK {
		t.Errorf("sign out: %d", status)
	}
	for _, rt := range d.srv.Routes() {
		if deskRoute(rt) && !d.hits[rt.Method+" "+rt.Pattern] {
			t.Errorf("no test calls %s %s with success", rt.Method, rt.Pattern)
		}
	}
}
