package problem

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCancelledIsNoFailure: a request whose client went away while it
// waited (for the writer, for an analysis) is answered 499 and logged as
// cancelled at info level, not as a failed request with an internal error.
func TestCancelledIsNoFailure(t *testing.T) {
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r := httptest.NewRequest("POST", "/api/v1/tracks/1/profiles", nil)
	err := fmt.Errorf("put profile: wait for the writer: %w", context.Canceled)
	p := Log(r, log, "req-1", err)
	if p.Status != StatusClientClosed || p.Type != Type("canceled") {
		t.Errorf("problem %+v, want 499 canceled", p)
	}
	if out := logged.String(); !strings.Contains(out, "level=INFO") || !strings.Contains(out, "request cancelled") || strings.Contains(out, "request failed") {
		t.Errorf("logged %q", out)
	}

	logged.Reset()
	p = Log(r, log, "req-2", errors.New("disk I/O error"))
	if p.Status != 500 || p.Detail != "internal error" || !strings.Contains(logged.String(), "level=ERROR") {
		t.Errorf("an internal error: %+v, logged %q", p, logged.String())
	}
}
