package metrics

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley/internal/buildinfo"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: %d", rec.Code)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestMetrics(t *testing.T) {
	info := buildinfo.Info{Version: "v1.2.3", Revision: "abc", GoVersion: "go1.26.8", Platform: "linux/amd64"}
	calls := 0
	m := New(info, func(ctx context.Context) (StoreStats, error) {
		calls++
		if _, ok := ctx.Deadline(); !ok {
			t.Error("the store's sizes are read without a deadline")
		}
		return StoreStats{Rows: map[string]int64{"tracks": 6, "audit_entries": 120}, LedgerEntries: 120}, nil
	}, nil)
	m.ObserveRequest("GET /api/v1/tracks/{id}", 200, 3*time.Millisecond)
	m.ObserveRequest("GET /api/v1/tracks/{id}", 200, 4*time.Millisecond)
	m.ObserveRequest("", 404, time.Millisecond)
	m.SignInFailed(SignInBadCredentials)
	m.ObserveAnalysis(AnalysisReport, AnalysisEstimate, 2*time.Second)
	out := scrape(t, m)
	for _, want := range []string{
		`parley_build_info{goversion="go1.26.8",modified="false",platform="linux/amd64",revision="abc",version="v1.2.3"} 1`,
		`parley_http_requests_total{code="200",route="GET /api/v1/tracks/{id}"} 2`,
		`parley_http_requests_total{code="404",route="unmatched"} 1`,
		`parley_http_request_duration_seconds_count{route="GET /api/v1/tracks/{id}"} 2`,
		`parley_signin_failures_total{reason="bad_credentials"} 1`,
		`parley_analysis_duration_seconds_count{kind="report",result="estimate"} 1`,
		`parley_store_rows{table="tracks"} 6`,
		`parley_ledger_entries 120`,
		`parley_store_stats_up 1`,
		`go_goroutines `,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
	if calls != 1 {
		t.Errorf("the store's sizes were read %d times in one scrape", calls)
	}
}

func TestStoreStatsFailure(t *testing.T) {
	m := New(buildinfo.Info{}, func(context.Context) (StoreStats, error) { return StoreStats{}, errors.New("disk gone") }, nil)
	out := scrape(t, m)
	if !strings.Contains(out, "parley_store_stats_up 0") || strings.Contains(out, "parley_ledger_entries") {
		t.Errorf("a failed read of the sizes: %s", out)
	}
}

// A nil *Metrics is metrics turned off: recording does nothing.
func TestNilMetrics(t *testing.T) {
	var m *Metrics
	m.ObserveRequest("GET /", 200, time.Millisecond)
	m.SignInFailed(SignInThrottled)
	m.ObserveAnalysis(AnalysisReport, AnalysisExact, time.Millisecond)
}
