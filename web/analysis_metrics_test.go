package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley/internal/buildinfo"
	"github.com/parley-talks/parley/metrics"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/web/authn"
)

// TestAnalysisMetrics: every analysis the server runs is timed in
// parley_analysis_duration_seconds by kind and result, and the labels name
// no track. (The results past a budget and of an abandoned analysis:
// TestObserveAnalysis in package action; a tiny track's analysis may end
// before its first budget check, so a tight budget proves nothing here.)
func TestAnalysisMetrics(t *testing.T) {
	d := newDesk(t)
	m := metrics.New(buildinfo.Info{Version: "test"}, nil, nil)
	auth, err := authn.New(authn.Config{Store: d.store, Now: d.clock.Now, PasswordParams: password.InsecureTestParams, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	serve := func(budget time.Duration) http.Handler {
		srv, err := New(Config{Store: d.store, Authenticator: auth, Logger: deskLogger, Metrics: m, AnalysisBudget: budget})
		if err != nil {
			t.Fatal(err)
		}
		return srv
	}
	exact := serve(time.Minute)
	w := httptest.NewRecorder()
	exact.ServeHTTP(w, jsonRequest(context.Background(), "POST", "/api/v1/sessions", `{"email":"mediator@demo.parley","password":"`+deskPassword+`"}`, ""))
	var out authn.SignInOutput
	mustJSON(t, w, &out)
	energy := d.tracks["Energy-infrastructure strike moratorium"]
	analysis := fmt.Sprintf("/api/v1/tracks/%d/analysis", energy.ID)
	simulation := fmt.Sprintf("/api/v1/tracks/%d/simulation", energy.ID)
	sim := fmt.Sprintf(`{"strategies":[{"party_id":%d,"strategy":"conceder"},{"party_id":%d,"strategy":"linear"}],"steps":50}`, d.party["Ukraine"], d.party["Russia"])
	run := func(h http.Handler, ctx context.Context, path, body string) int {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, jsonRequest(ctx, "POST", path, body, out.Token))
		return w.Code
	}
	if code := run(exact, context.Background(), analysis, `{}`); code != http.StatusOK {
		t.Fatalf("analysis: %d", code)
	}
	if code := run(exact, context.Background(), simulation, sim); code != http.StatusOK {
		t.Fatalf("simulation: %d", code)
	}

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	scrape := string(body)
	for _, want := range []string{
		`parley_analysis_duration_seconds_count{kind="report",result="exact"} 1`,
		`parley_analysis_duration_seconds_count{kind="simulation",result="exact"} 1`,
	} {
		if !strings.Contains(scrape, want) {
			t.Errorf("metrics lack %s; they have:\n%s", want, grepLines(scrape, "parley_analysis_duration_seconds_count"))
		}
	}
	for _, line := range strings.Split(scrape, "\n") {
		if strings.HasPrefix(line, "parley_analysis") && (strings.Contains(line, "track") || strings.Contains(line, energy.Title)) {
			t.Errorf("the metrics name the track: %s", line)
		}
	}
}

// jsonRequest is a JSON request under ctx, with a bearer token if any.
func jsonRequest(ctx context.Context, method, path, body, token string) *http.Request {
	req := httptest.NewRequestWithContext(ctx, method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// grepLines returns the lines of text that begin with prefix.
func grepLines(text, prefix string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, prefix) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
