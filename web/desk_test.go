package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/negotiation/sim"
	"github.com/parley-talks/parley/web/authn"
)

// deskAccounts are the demo accounts and what each may read.
var deskAccounts = []struct {
	email    string
	mediator bool
	reads    []marker // profiles whose markers it must see somewhere
	never    []marker // profiles whose markers must appear on none of its pages
}{
	{"mediator@demo.parley", true, []marker{uaMarker, ruMarker}, nil},
	{"ua@demo.parley", false, []marker{uaMarker}, []marker{ruMarker}},
	{"ru@demo.parley", false, []marker{ruMarker}, []marker{uaMarker}},
	{"observer@demo.parley", false, nil, []marker{uaMarker, ruMarker}},
}

var hrefRE = regexp.MustCompile(`href="(/[^"]*)"`)

// crawl visits every page linked from the map, breadth first, and returns
// the pages by path.
func crawl(b *browser) map[string]string {
	pages := map[string]string{}
	queue := []string{"/map"}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if _, seen := pages[p]; seen || strings.HasPrefix(p, "/static/") {
			continue
		}
		status, body := b.get(p)
		if status != http.StatusOK {
			b.t.Errorf("GET %s: status %d", p, status)
		}
		pages[p] = body
		for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
			queue = append(queue, strings.ReplaceAll(m[1], "&amp;", "&"))
		}
	}
	return pages
}

// TestDeskConfidentiality signs in as every demo account, visits every page
// it can reach, and checks that no page shows a sealed value of a profile
// the account may not read, while the pages do show those it may.
func TestDeskConfidentiality(t *testing.T) {
	d := newDesk(t)
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	ua, ru := d.party["Ukraine"], d.party["Russia"]
	for _, acc := range deskAccounts {
		t.Run(acc.email, func(t *testing.T) {
			b := d.signIn(t, acc.email)
			pages := crawl(b)
			if len(pages) < 2 {
				t.Fatalf("only %d pages reachable", len(pages))
			}
			all := strings.Join(func() []string {
				var out []string
				for _, p := range pages {
					out = append(out, p)
				}
				return out
			}(), "\n")
			for _, m := range acc.never {
				for _, s := range d.secrets(m) {
					for path, body := range pages {
						if strings.Contains(body, s) {
							t.Errorf("%s shows %s's sealed %q on %s", acc.email, m.party, s, path)
						}
					}
				}
			}
			for _, m := range acc.reads {
				for _, s := range d.secrets(m) {
					if !strings.Contains(all, s) {
						t.Errorf("%s never sees %s's %q, which it may read", acc.email, m.party, s)
					}
				}
			}
			analysis := fmt.Sprintf("/tracks/%d/analysis", energy.ID)
			_, reached := pages[analysis]
			if reached != acc.mediator {
				t.Errorf("analysis page reached: %v, want %v", reached, acc.mediator)
			}
			if !acc.mediator {
				// Direct access: 404, as for a track that does not exist.
				for _, path := range []string{analysis, fmt.Sprintf("/tracks/%d/profiles/%d", energy.ID, ua), fmt.Sprintf("/tracks/%d/profiles/%d", energy.ID, ru)} {
					if acc.email == "ua@demo.parley" && strings.HasSuffix(path, fmt.Sprintf("/%d", ua)) && strings.Contains(path, "profiles") {
						continue
					}
					if acc.email == "ru@demo.parley" && strings.HasSuffix(path, fmt.Sprintf("/%d", ru)) && strings.Contains(path, "profiles") {
						continue
					}
					if status, body := b.get(path); status != http.StatusNotFound {
						t.Errorf("GET %s: status %d, want 404", path, status)
					} else if strings.Contains(body, uaMarker.note) || strings.Contains(body, ruMarker.note) {
						t.Errorf("GET %s: the refusal shows a sealed note", path)
					}
				}
				for _, req := range []struct{ method, path, body string }{
					{"GET", fmt.Sprintf("/api/v1/tracks/%d/analysis", energy.ID), ""},
					{"POST", fmt.Sprintf("/api/v1/tracks/%d/analysis", energy.ID), `{}`},
					{"GET", fmt.Sprintf("/api/v1/tracks/%d/export?format=parley", energy.ID), ""},
				} {
					if status, _ := b.api(req.method, req.path, req.body); status != http.StatusNotFound {
						t.Errorf("%s %s: status %d, want 404", req.method, req.path, status)
					}
				}
				if status, _ := b.post(analysis+"/plot", url.Values{}); status != http.StatusNotFound {
					t.Errorf("POST %s/plot: status %d, want 404", analysis, status)
				}
			}
		})
	}
}

// TestDeskAnalysisAPI: the analysis of a track is the analyze JSON of its
// sealed profiles, and the what-if changes it without saving anything.
func TestDeskAnalysisAPI(t *testing.T) {
	d := newDesk(t)
	b := d.signIn(t, "mediator@demo.parley")
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	path := fmt.Sprintf("/api/v1/tracks/%d/analysis", energy.ID)
	get := func() negotiation.Report {
		t.Helper()
		status, body := b.api("GET", path, "")
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, status, body)
		}
		var rep negotiation.Report
		if err := json.Unmarshal([]byte(body), &rep); err != nil {
			t.Fatal(err)
		}
		return rep
	}
	base := get()
	if got := strings.Join(base.Parties, ","); got != "Ukraine,Russia" {
		t.Errorf("parties %s", got)
	}
	if base.Outcomes != "192" || len(base.Frontier) == 0 || base.Reservation[0] != uaMarker.reservation {
		t.Errorf("report: outcomes %s, %d frontier points, reservation %v", base.Outcomes, len(base.Frontier), base.Reservation)
	}
	ua := d.party["Ukraine"]
	status, body := b.api("POST", path, fmt.Sprintf(`{"reservations":[{"party_id":%d,"reservation":0.99}]}`, ua))
	if status != http.StatusOK {
		t.Fatalf("what-if: %d %s", status, body)
	}
	var what negotiation.Report
	if err := json.Unmarshal([]byte(body), &what); err != nil {
		t.Fatal(err)
	}
	if what.Reservation[0] != 0.99 || what.Nash != nil || *what.AgreementZone.Count != "0" {
		t.Errorf("what-if with an unreachable reservation: d %v, nash %v, zone %v", what.Reservation, what.Nash, what.AgreementZone.Count)
	}
	// The answer, nulls included, is what the OpenAPI document says.
	doc := loadOpenAPI(t, d.srv)
	schema := doc.Paths.Value("/api/v1/tracks/{id}/analysis").Post.Responses.Status(200).Value.Content.Get("application/json").Schema.Value
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	if err := schema.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
		t.Errorf("the what-if's answer does not match the OpenAPI document: %v", err)
	}
	if again := get(); again.Reservation[0] != uaMarker.reservation {
		t.Errorf("the what-if was saved: reservation %v", again.Reservation)
	}
	status, body = b.api("POST", path, fmt.Sprintf(`{"drop_red_lines":[{"party_id":%d,"index":99}]}`, ua))
	if status != http.StatusBadRequest || strings.Contains(body, fmt.Sprint(uaMarker.reservation)) {
		t.Errorf("a bad red line index: %d %s", status, body)
	}
}

// TestDeskWhatIfPage: the live what-if's fragment and the no-script form
// both recompute the plot.
func TestDeskWhatIfPage(t *testing.T) {
	d := newDesk(t)
	b := d.signIn(t, "mediator@demo.parley")
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	ua := d.party["Ukraine"]
	page := fmt.Sprintf("/tracks/%d/analysis", energy.ID)
	status, full := b.get(page)
	if status != http.StatusOK || !strings.Contains(full, `id="whatif"`) || !strings.Contains(full, "<svg") {
		t.Fatalf("analysis page: %d", status)
	}
	status, before := b.post(page+"/plot", reservationForm(ua, fmt.Sprint(uaMarker.reservation)))
	if status != http.StatusOK || strings.Contains(before, "<html") || !strings.Contains(before, `class="frontier"`) {
		t.Fatalf("fragment: %d\n%s", status, before)
	}
	status, after := b.post(page+"/plot", reservationForm(ua, "0.8"))
	if status != http.StatusOK || after == before || !strings.Contains(after, "What-if") {
		t.Errorf("the fragment did not change with the reservation (status %d)", status)
	}
	status, posted := b.post(page, reservationForm(ua, "0.8"))
	if status != http.StatusOK || !strings.Contains(posted, `value="0.8"`) {
		t.Errorf("the no-script what-if: status %d", status)
	}
	// Without the CSRF token, the form is refused.
	if status, _ := b.post(page+"/plot", url.Values{authn.CSRFFormField: {"forged"}}); status != http.StatusForbidden {
		t.Errorf("a forged CSRF token: status %d, want 403", status)
	}
}

// TestDeskForms: a mediator changes a track through the page's forms; a
// delegate edits its own profile and may not edit the other party's.
func TestDeskForms(t *testing.T) {
	d := newDesk(t)
	med := d.signIn(t, "mediator@demo.parley")
	grain := d.tracks["Black Sea grain corridor"]
	tp := fmt.Sprintf("/tracks/%d", grain.ID)
	status, body := med.post(tp+"/events", url.Values{"title": {"Desk test event"}, "occurred_at": {"2024-01-02T10:00"}, "source": {"test"}})
	if status != http.StatusOK || !strings.Contains(body, "Desk test event") || !strings.Contains(body, "The event was added.") {
		t.Errorf("add event: %d", status)
	}
	status, body = med.post(tp+"/meetings", url.Values{"title": {"Desk test meeting"}, "format": {"caucus"}, "starts_at": {"2030-01-02T10:00"}})
	if status != http.StatusOK || !strings.Contains(body, "Desk test meeting") {
		t.Errorf("add meeting: %d", status)
	}
	// A refused form comes back with its message, on the track's page.
	status, body = med.post(tp+"/transition", url.Values{"to": {"active"}, "reason": {""}})
	if (status != http.StatusBadRequest && status != http.StatusConflict) || !strings.Contains(body, `class="error"`) || !strings.Contains(body, "Mediator's actions") {
		t.Errorf("a transition without reason: status %d", status)
	}

	ua := d.signIn(t, "ua@demo.parley")
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	own := fmt.Sprintf("/tracks/%d/profiles/%d", energy.ID, d.party["Ukraine"])
	status, body = ua.get(own)
	if status != http.StatusOK || !strings.Contains(body, uaMarker.note) {
		t.Fatalf("own profile: %d", status)
	}
	th := d.firstTheme(t, energy.ID)
	demand, _ := json.Marshal(parley.Choice{Theme: th.Name, Option: th.Options[1].Label})
	form := url.Values{"reservation": {"0.25"}, "notes": {"UA-EDITED-NOTE"}, "weights[" + th.Name + "]": {"1"},
		"values[" + th.Name + "][" + th.Options[0].Label + "]": {"0.5"}, "core_demands": {string(demand)}}
	status, body = ua.post(own, form)
	if status != http.StatusOK || !strings.Contains(body, "UA-EDITED-NOTE") || !strings.Contains(body, "Saved.") {
		t.Errorf("save own profile: %d", status)
	}
	other := fmt.Sprintf("/tracks/%d/profiles/%d", energy.ID, d.party["Russia"])
	if status, _ := ua.post(other, url.Values{"reservation": {"0.1"}}); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Errorf("edit the other party's profile: status %d", status)
	}
	if status, _ := ua.post(tp+"/events", url.Values{"title": {"x"}, "occurred_at": {"2024-01-02T10:00"}}); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Errorf("a delegate adds an event: status %d", status)
	}
}

// TestDeskSignIn: wrong passwords re-show the form, sign-out ends the
// session, and pages redirect a browser that is not signed in.
func TestDeskSignIn(t *testing.T) {
	d := newDesk(t)
	b := &browser{d: d, t: t, client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	req, _ := http.NewRequest("GET", d.http.URL+"/map", nil)
	req.Header.Set("Accept", "text/html")
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin?next=%2Fmap" {
		t.Errorf("not signed in: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	req, _ = http.NewRequest("GET", d.http.URL+"/", nil)
	req.Header.Set("Accept", "text/html")
	if resp, err = b.client.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/map" {
		t.Errorf("GET / from a browser: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	status, body := b.post("/signin", url.Values{"email": {"ua@demo.parley"}, "password": {"wrong"}})
	if status != http.StatusUnauthorized || !strings.Contains(body, "the email or password is wrong") {
		t.Errorf("wrong password: %d", status)
	}
	s := d.signIn(t, "ua@demo.parley")
	if status, _ := s.post("/signout", url.Values{}); status != http.StatusOK {
		t.Errorf("sign out: %d", status)
	}
	if status, body := s.get("/map"); status != http.StatusOK || !strings.Contains(body, `action="/signin"`) {
		t.Errorf("after signing out the map should lead to the sign-in page: %d", status)
	}
}

// testSimulationAPI: a mediator simulates concessions on a track's sealed
// profiles and gets the trace (every offer, the agreement, its round and
// distances) in the shape the OpenAPI document gives; bad input is
// refused naming the field; a delegate finds nothing.
func testSimulationAPI(t *testing.T, d *testDesk, med, delegate *browser) {
	t.Helper()
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	ua, ru := d.party["Ukraine"], d.party["Russia"]
	path := fmt.Sprintf("/api/v1/tracks/%d/simulation", energy.ID)
	body := fmt.Sprintf(`{"strategies":[{"party_id":%d,"strategy":"conceder"},{"party_id":%d,"strategy":"linear"}],"steps":200}`, ua, ru)
	status, out := med.api("POST", path, body)
	if status != http.StatusOK {
		t.Fatalf("POST %s: %d %s", path, status, out)
	}
	var tr sim.Trace
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&tr); err != nil {
		t.Fatal(err)
	}
	if strings.Join(tr.Parties, ",") != "Ukraine,Russia" || len(tr.Offers) == 0 || tr.Offers[0].Party != "Ukraine" || tr.Protocol != "saop" {
		t.Fatalf("trace: parties %v, %d offers, protocol %s", tr.Parties, len(tr.Offers), tr.Protocol)
	}
	if tr.Agreement != nil && (tr.Agreement.Round > 200 || tr.DistanceToFrontier == nil || len(tr.Agreement.Outcome) == 0) {
		t.Fatalf("agreement %+v, distance %v", tr.Agreement, tr.DistanceToFrontier)
	}
	// The same seed, the same trace.
	if _, again := med.api("POST", path, body); again != out {
		t.Error("the same simulation gave another trace")
	}
	doc := loadOpenAPI(t, d.srv)
	schema := doc.Paths.Value("/api/v1/tracks/{id}/simulation").Post.Responses.Status(200).Value.Content.Get("application/json").Schema.Value
	var v any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if err := schema.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
		t.Errorf("the trace does not match the OpenAPI document: %v", err)
	}
	for _, c := range []struct{ body, want string }{
		{fmt.Sprintf(`{"strategies":[{"party_id":%d,"strategy":"stubborn"},{"party_id":%d,"strategy":"linear"}]}`, ua, ru), `unknown strategy \"stubborn\"`},
		{fmt.Sprintf(`{"strategies":[{"party_id":%d,"strategy":"linear"},{"party_id":%d,"strategy":"linear"}],"steps":1000000000}`, ua, ru), "1000000000 rounds"},
		{fmt.Sprintf(`{"strategies":[{"party_id":%d,"strategy":"linear"},{"party_id":999999,"strategy":"linear"}]}`, ua), "party 999999 has no profile"},
		{fmt.Sprintf(`{"strategies":[{"party_id":%d,"strategy":"linear"}]}`, ua), "no strategy for Russia"},
		{fmt.Sprintf(`{"strategies":[{"party_id":%d,"strategy":"linear"},{"party_id":%d,"strategy":"linear"}],"protocol":"auction"}`, ua, ru), `unknown protocol \"auction\"`},
	} {
		status, out := med.api("POST", path, c.body)
		if status != http.StatusBadRequest || !strings.Contains(out, c.want) {
			t.Errorf("%s: %d %s, want 400 naming %q", c.body, status, out, c.want)
		}
	}
	if status, _ := delegate.api("POST", path, body); status != http.StatusNotFound {
		t.Errorf("a delegate simulates: %d, want 404", status)
	}
}

// TestDeskSimulationPage: the analysis page's simulation form picks a
// strategy per party; the answer draws the offers on the frontier plot,
// one colour per party, and tabulates where they meet, beside every party
// conceding alike; a bad strategy is refused in words; a delegate finds
// nothing.
func TestDeskSimulationPage(t *testing.T) {
	d := newDesk(t)
	med := d.signIn(t, "mediator@demo.parley")
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	ua, ru := d.party["Ukraine"], d.party["Russia"]
	page := fmt.Sprintf("/tracks/%d/analysis", energy.ID)
	status, body := med.get(page)
	if status != http.StatusOK || !strings.Contains(body, `id="simulate"`) || strings.Contains(body, `id="simulation"`) {
		t.Fatalf("GET %s: %d; the form without results expected", page, status)
	}
	q := url.Values{
		"strategies[0].party_id": {fmt.Sprint(ua)}, "strategies[0].strategy": {"conceder"},
		"strategies[1].party_id": {fmt.Sprint(ru)}, "strategies[1].strategy": {"tit-for-tat"},
		"steps": {"300"}, "protocol": {"saop"},
	}
	status, body = med.get(page + "?" + q.Encode())
	if status != http.StatusOK {
		t.Fatalf("simulation: %d\n%s", status, body)
	}
	for _, want := range []string{`id="simulation"`, `class="trace trace-0"`, `class="trace trace-1"`, `<option value="conceder" selected>`, `<option value="tit-for-tat" selected>`, "Within 300 rounds"} {
		if !strings.Contains(body, want) {
			t.Errorf("the simulation's answer lacks %q", want)
		}
	}
	// The chosen row and the four alike rows.
	table := body[strings.Index(body, `id="simulation"`):]
	table = table[:strings.Index(table, "</table>")]
	if rows := strings.Count(table, "<tr"); rows != 1+5 {
		t.Errorf("%d rows in the simulation table (header included), want 6", rows)
	}
	q.Set("strategies[1].strategy", "stubborn")
	status, body = med.get(page + "?" + q.Encode())
	if status != http.StatusBadRequest || !strings.Contains(body, `id="sim-problem"`) || !strings.Contains(body, "stubborn") || !strings.Contains(body, `id="zone-h"`) {
		t.Errorf("a bad strategy: %d, want 400 naming it above the rest of the analysis", status)
	}
	q.Set("strategies[1].strategy", "linear")
	q.Set("protocol", "single-text")
	if status, body = med.get(page + "?" + q.Encode()); status != http.StatusOK || !strings.Contains(body, `class="trace trace-mediator"`) {
		t.Errorf("the single text: %d, mediator's trace drawn: %v", status, strings.Contains(body, "trace-mediator"))
	}
	del := d.signIn(t, "ua@demo.parley")
	if status, _ := del.get(page + "?" + q.Encode()); status != http.StatusNotFound {
		t.Errorf("a delegate simulates: %d, want 404", status)
	}
}
