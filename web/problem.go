package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/parley-talks/parley"
)

// Problem is an error response, RFC 9457 ("Problem Details for HTTP APIs"),
// served as application/problem+json.
//
//   - Type is a URN naming the kind of problem, urn:parley:problem:<code>,
//     where code is the parley error code (invalid, not_found…) or one of the
//     HTTP layer's own (too_large, unsupported_media_type,
//     method_not_allowed).
//   - Instance is the request id, the same as the X-Request-Id response
//     header and the request_id of the server's log lines, so that an
//     operator can find the request a user reports.
//   - Field is an extension member naming the offending input: a body field
//     ("title", "parties.role"), a path parameter ("id") or a query
//     parameter ("limit").
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	Field    string `json:"field,omitempty"`
}

const problemContentType = "application/problem+json"

// httpError is an error of the HTTP layer that has no domain code: a body
// too large, a wrong media type, a method the route does not allow.
type httpError struct {
	status int
	code   string
	field  string
	msg    string
}

func (e *httpError) Error() string { return e.msg }

// statusOf maps a parley error code to an HTTP status. EINVALID is 400 Bad
// Request whatever the cause (malformed JSON, a missing field, an unknown id
// in a link, a bad path or query parameter): one code, one status, and the
// problem's field says which input is wrong. We do not split off 422,
// because the same domain validation runs for syntactic and semantic
// mistakes alike and clients gain nothing from telling them apart.
func statusOf(code string) int {
	switch code {
	case parley.EINVALID:
		return http.StatusBadRequest
	case parley.ENOTFOUND:
		return http.StatusNotFound
	case parley.ECONFLICT:
		return http.StatusConflict
	case parley.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case parley.EFORBIDDEN:
		return http.StatusForbidden
	case parley.ETOOMANYREQUEST:
		return http.StatusTooManyRequests
	case parley.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// problemFor turns err into the problem document the client sees. Only
// *parley.Error and the HTTP layer's own errors reach the client with their
// message; anything else is a bare "internal error".
func problemFor(err error) Problem {
	var (
		he  *httpError
		pe  *parley.Error
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &he):
		return Problem{Type: problemType(he.code), Title: http.StatusText(he.status), Status: he.status, Detail: he.msg, Field: he.field}
	case errors.As(err, &mbe):
		return Problem{Type: problemType("too_large"), Title: http.StatusText(http.StatusRequestEntityTooLarge),
			Status: http.StatusRequestEntityTooLarge, Detail: bodyTooLargeMessage(mbe.Limit)}
	case errors.As(err, &pe):
		st := statusOf(pe.Code)
		if st == http.StatusInternalServerError {
			break
		}
		return Problem{Type: problemType(pe.Code), Title: http.StatusText(st), Status: st, Detail: pe.Message, Field: pe.Field}
	case errors.Is(err, context.DeadlineExceeded):
		st := http.StatusServiceUnavailable
		return Problem{Type: problemType(parley.EUNAVAILABLE), Title: http.StatusText(st), Status: st,
			Detail: "the store did not answer in time; try again"}
	}
	return Problem{Type: problemType(parley.EINTERNAL), Title: http.StatusText(http.StatusInternalServerError),
		Status: http.StatusInternalServerError, Detail: "internal error"}
}

func problemType(code string) string { return "urn:parley:problem:" + code }

// writeError writes err as a problem document and logs it: server errors
// with their full detail (which never reaches the client), client errors
// at debug level. Neither carries the request body.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	p := problemFor(err)
	p.Instance = requestIDFrom(r.Context())
	if p.Status >= 500 {
		log.LogAttrs(r.Context(), slog.LevelError, "request failed",
			slog.String("request_id", p.Instance),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", p.Status),
			slog.String("error", err.Error()))
	} else {
		log.LogAttrs(r.Context(), slog.LevelDebug, "request refused",
			slog.String("request_id", p.Instance),
			slog.Int("status", p.Status),
			slog.String("error", err.Error()))
	}
	writeProblem(w, p)
}

func writeProblem(w http.ResponseWriter, p Problem) {
	h := w.Header()
	h.Set("Content-Type", problemContentType)
	h.Set("Cache-Control", "no-store")
	if p.Status == http.StatusUnauthorized && h.Get("WWW-Authenticate") == "" {
		h.Set("WWW-Authenticate", `Bearer realm="parley"`)
	}
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}
