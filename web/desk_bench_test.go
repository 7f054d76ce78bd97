package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/authn"
)

// Benchmarks of the desk, on the demo (see BENCHMARKS.md, "Desk"):
//
//	go test ./web -run '^$' -bench 'Desk' -benchtime 2s
//
// Each page is served whole — guard, store reads, analysis where there is
// one, template — through the server's handler, as the demo's mediator (a
// bearer token, so that no argon2id runs per request).

// benchToken signs in as email through the API and returns the bearer token.
func benchToken(b *testing.B, srv *Server, email string) string {
	b.Helper()
	body, _ := json.Marshal(authn.SignInInput{Email: email, Password: deskPassword})
	req := httptest.NewRequest("POST", "/api/v1/sessions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	var out authn.SignInOutput
	if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &out) != nil {
		b.Fatalf("sign in %s: %d %s", email, w.Code, w.Body)
	}
	return out.Token
}

func benchServe(b *testing.B, srv *Server, token, method, path, ctype, body string, want int) {
	b.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	if w.Code != want {
		b.Fatalf("%s %s: %d, want %d: %.300s", method, path, w.Code, want, w.Body)
	}
}

func BenchmarkDeskPages(b *testing.B) {
	d := newDesk(b)
	token := benchToken(b, d.srv, "mediator@demo.parley")
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	principles := d.tracks["Principles of peace"]
	grain := d.tracks["Black Sea grain corridor"]
	prisoners := d.tracks["Prisoner exchanges"]
	children := d.tracks["Return of deported children"]
	ua := d.party["Ukraine"]
	ctx := sysCtx
	agreements, err := d.store.FindAgreements(ctx, grain.ID)
	if err != nil || len(agreements) == 0 {
		b.Fatalf("the demo's grain agreement: %v", err)
	}
	exchanges, err := d.store.FindExchanges(ctx, prisoners.ID)
	if err != nil || len(exchanges) == 0 {
		b.Fatalf("the demo's exchange: %v", err)
	}
	form := reservationForm(ua, "0.3").Encode()
	for _, p := range []struct{ name, method, path, body string }{
		{"signin", "GET", "/signin", ""},
		{"map", "GET", "/map", ""},
		{"track", "GET", fmt.Sprintf("/tracks/%d", energy.ID), ""},
		{"profiles", "GET", fmt.Sprintf("/tracks/%d/profiles", energy.ID), ""},
		{"profile", "GET", fmt.Sprintf("/tracks/%d/profiles/%d", energy.ID, ua), ""},
		{"analysis", "GET", fmt.Sprintf("/tracks/%d/analysis", energy.ID), ""},
		{"analysis-principles", "GET", fmt.Sprintf("/tracks/%d/analysis", principles.ID), ""},
		{"whatif-fragment", "POST", fmt.Sprintf("/tracks/%d/analysis/plot", energy.ID), form},
		{"agreement", "GET", fmt.Sprintf("/agreements/%d", agreements[0].ID), ""},
		{"trust", "GET", fmt.Sprintf("/parties/%d/trust", d.party["Russia"]), ""},
		{"exchange", "GET", fmt.Sprintf("/exchanges/%d", exchanges[0].ID), ""},
		{"children", "GET", fmt.Sprintf("/tracks/%d/children", children.ID), ""},
	} {
		b.Run(p.name, func(b *testing.B) {
			ctype := ""
			if p.body != "" {
				ctype = "application/x-www-form-urlencoded"
			}
			for b.Loop() {
				benchServe(b, d.srv, token, p.method, p.path, ctype, p.body, http.StatusOK)
			}
		})
	}
}

// BenchmarkDeskWhatIf1e6 is the what-if API on a generated track of
// 10⁶ packages: 2 parties, 6 themes × 10 options, weights and values
// U(0,1), reservations moved to 0.6 and 0.5 by the what-if.
func BenchmarkDeskWhatIf1e6(b *testing.B) {
	d := newDesk(b)
	token := benchToken(b, d.srv, "mediator@demo.parley")
	id, parties := generatedTrack(b, d, 6, 10)
	body := fmt.Sprintf(`{"reservations":[{"party_id":%d,"reservation":0.6},{"party_id":%d,"reservation":0.5}]}`, parties[0], parties[1])
	path := fmt.Sprintf("/api/v1/tracks/%d/analysis", id)
	b.Run("api", func(b *testing.B) {
		for b.Loop() {
			benchServe(b, d.srv, token, "POST", path, "application/json", body, http.StatusOK)
		}
	})
	form := url.Values{"reservations[0].party_id": {fmt.Sprint(parties[0])}, "reservations[0].reservation": {"0.6"},
		"reservations[1].party_id": {fmt.Sprint(parties[1])}, "reservations[1].reservation": {"0.5"}}.Encode()
	b.Run("fragment", func(b *testing.B) {
		for b.Loop() {
			benchServe(b, d.srv, token, "POST", fmt.Sprintf("/tracks/%d/analysis/plot", id), "application/x-www-form-urlencoded", form, http.StatusOK)
		}
	})
}

// generatedTrack stores a generated 2-party scenario as a track that the
// demo mediator mediates, and returns its id and parties.
func generatedTrack(b *testing.B, d *testDesk, issues, options int) (int64, []int64) {
	b.Helper()
	ctx := sysCtx
	sc := negotiation.Generate(1, 2, issues, options)
	var ids []int64
	tr := &parley.Track{Title: sc.Name}
	for _, p := range sc.Profiles {
		party := &parley.Party{Name: "Generated " + p.Name, Kind: parley.PartyDelegation}
		mustB(b, d.store.CreateParty(ctx, party))
		ids = append(ids, party.ID)
		tr.Parties = append(tr.Parties, parley.TrackParty{PartyID: party.ID, Role: parley.RolePrincipal})
	}
	mustB(b, d.store.CreateTrack(ctx, tr))
	for i, is := range sc.Issues {
		mustB(b, d.store.CreateTheme(ctx, &parley.Theme{TrackID: tr.ID, Name: is.Name, Position: i, Options: action.OptionsOf(is.Options)}))
	}
	for i := range sc.Profiles {
		mustB(b, d.store.(parley.ProfileService).PutProfile(ctx, &parley.Profile{TrackID: tr.ID, PartyID: ids[i], Content: action.ProfileContentOf(&sc.Profiles[i])}))
	}
	med, err := d.store.FindUserByEmail(ctx, "mediator@demo.parley")
	mustB(b, err)
	mustB(b, d.store.CreateMember(ctx, &parley.Member{TrackID: tr.ID, UserID: med.ID, Role: parley.MemberMediator}))
	return tr.ID, ids
}

func mustB(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkDeskMapAgreements is the map with the demo and 20 more
// agreements on the grain track, each with 3 commitments and 500 reports
// over two years (10,000 reports): the map computes every agreement's early
// warning from the reports' map fields, one read transaction per agreement.
func BenchmarkDeskMapAgreements(b *testing.B) {
	d := newDesk(b)
	ctx := sysCtx
	grain := d.tracks["Black Sea grain corridor"]
	ua, ru, un := d.party["Ukraine"], d.party["Russia"], d.party["United Nations"]
	findings := parley.Findings
	start := parley.Now().AddDate(-2, 0, 0)
	for i := range 20 {
		a := &parley.Agreement{TrackID: grain.ID, Title: fmt.Sprintf("Arrangement %d", i+1), Signatories: []int64{ua, ru},
			Effective: start.Format("2006-01-02"), DurationDays: 900}
		if err := a.Validate(); err != nil {
			b.Fatal(err)
		}
		if err := d.store.CreateAgreement(ctx, a); err != nil {
			b.Fatal(err)
		}
		var cs []*parley.Commitment
		for j := range 3 {
			c := &parley.Commitment{AgreementID: a.ID, Obligor: []int64{ua, ru}[j%2], Verifier: un, Obligation: "Report weekly", Recurrence: parley.RecurWeekly}
			if err := d.store.CreateCommitment(ctx, c); err != nil {
				b.Fatal(err)
			}
			cs = append(cs, c)
		}
		for k := range 500 {
			r := &parley.Report{AgreementID: a.ID, CommitmentID: cs[k%3].ID, Date: start.AddDate(0, 0, (k*7919)%700).Format("2006-01-02"),
				Source: "monitors", Reliability: parley.ReliabilityProbable, Finding: findings[(k*31+i)%len(findings)], Audience: parley.AudienceMediators}
			if err := d.store.CreateReport(ctx, r); err != nil {
				b.Fatal(err)
			}
		}
	}
	token := benchToken(b, d.srv, "mediator@demo.parley")
	for b.Loop() {
		benchServe(b, d.srv, token, "GET", "/map", "", "", http.StatusOK)
	}
}
