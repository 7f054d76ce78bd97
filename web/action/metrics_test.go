package action

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley/internal/buildinfo"
	"github.com/parley-talks/parley/metrics"
)

// TestObserveAnalysis: how an analysis ended is its result label — an
// analysis whose client left (its context canceled) is "canceled".
func TestObserveAnalysis(t *testing.T) {
	m := metrics.New(buildinfo.Info{}, nil, nil)
	a := &Actions{Metrics: m}
	start := time.Now()
	a.observeAnalysis(metrics.AnalysisReport, start, true, nil)
	a.observeAnalysis(metrics.AnalysisReport, start, false, nil)
	a.observeAnalysis(metrics.AnalysisReport, start, false, fmt.Errorf("frontier: %w", context.Canceled))
	a.observeAnalysis(metrics.AnalysisImprovements, start, false, errors.New("broken"))
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{"exact", "estimate", "canceled"} {
		if line := `parley_analysis_duration_seconds_count{kind="report",result="` + want + `"} 1`; !strings.Contains(string(body), line) {
			t.Errorf("metrics lack %s", line)
		}
	}
	if line := `parley_analysis_duration_seconds_count{kind="improvements",result="failed"} 1`; !strings.Contains(string(body), line) {
		t.Errorf("metrics lack %s", line)
	}
	(&Actions{}).observeAnalysis(metrics.AnalysisReport, start, true, nil) // no metrics: nothing recorded, no panic
}
