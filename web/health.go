package web

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/parley-talks/parley"
)

// health is the body of GET /healthz.
type health struct {
	Status string `json:"status"` // "ok"
}

// health answers 200 if the store answers a query within HealthTimeout, and
// 503 otherwise.
func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(parley.NewContextWithCaller(r.Context(), parley.System), HealthTimeout)
	defer cancel()
	if _, err := s.store.Empty(ctx); err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelError, "health check failed",
			slog.String("request_id", requestIDFrom(r.Context())), slog.String("error", err.Error()))
		return parley.Errorf(parley.EUNAVAILABLE, "", "the store does not answer")
	}
	return writeJSON(w, http.StatusOK, health{Status: "ok"})
}
