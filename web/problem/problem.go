// Package problem turns errors into the answers a client sees: RFC 9457
// problem documents ("Problem Details for HTTP APIs"), served as
// application/problem+json.
//
// # What reaches a client
//
// Only a *parley.Error (with a code below EINTERNAL) and this package's own
// *HTTPError carry their message to the client; anything else is a bare
// "internal error" whose detail goes to the log only, beside the request
// id. Sealed values never appear in a *parley.Error's message, so nothing
// this package writes can carry one.
//
// # Status codes
//
// StatusOf maps the domain's error codes to HTTP statuses; it is the one
// place that does.
package problem

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/exchange"
	"github.com/parley-talks/parley/web/limits"
)

// Problem is an error response.
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
//   - Rejections is an extension member listing what was refused row by
//     row (a list's rows: row, field, reason — never a value), at most
//     limits.MaxRejectionsListed of them; Rejected counts them all.
type Problem struct {
	Type       string        `json:"type"`
	Title      string        `json:"title"`
	Status     int           `json:"status"`
	Detail     string        `json:"detail,omitempty"`
	Instance   string        `json:"instance,omitempty"`
	Field      string        `json:"field,omitempty"`
	Rejections []RejectedRow `json:"rejections,omitempty"`
	Rejected   int           `json:"rejected,omitempty"`
}

// RejectedRow is one refused row of a list: its row number as a
// spreadsheet shows it, the column and why.
type RejectedRow struct {
	Row    int    `json:"row"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// RowRefusal is an error that refuses input row by row (a list's rows):
// its problem lists them.
type RowRefusal interface {
	error
	Rejections() []exchange.Rejection
}

// ContentType is the media type of a problem document.
const ContentType = "application/problem+json"

// HTTPError is an error of the HTTP layer that has no domain code: a body
// too large, a wrong media type, a method the route does not allow. Its
// message reaches the client.
type HTTPError struct {
	Status  int
	Code    string // the problem type's code, e.g. unsupported_media_type
	Field   string
	Message string
}

func (e *HTTPError) Error() string { return e.Message }

// UnsupportedMediaType is the 415 answer to a body of the wrong type.
func UnsupportedMediaType(msg string) *HTTPError {
	return &HTTPError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: msg}
}

// StatusOf maps a parley error code to an HTTP status. EINVALID is 400 Bad
// Request whatever the cause (malformed JSON, a missing field, an unknown id
// in a link, a bad path or query parameter): one code, one status, and the
// problem's field says which input is wrong. We do not split off 422,
// because the same domain validation runs for syntactic and semantic
// mistakes alike and clients gain nothing from telling them apart.
func StatusOf(code string) int {
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

// For turns err into the problem document the client sees. Only
// *parley.Error and *HTTPError reach the client with their message;
// anything else is a bare "internal error".
func For(err error) Problem {
	var (
		he  *HTTPError
		pe  *parley.Error
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &he):
		return Problem{Type: Type(he.Code), Title: http.StatusText(he.Status), Status: he.Status, Detail: he.Message, Field: he.Field}
	case errors.As(err, &mbe):
		return Problem{Type: Type("too_large"), Title: http.StatusText(http.StatusRequestEntityTooLarge),
			Status: http.StatusRequestEntityTooLarge, Detail: BodyTooLarge(mbe.Limit)}
	case errors.As(err, &pe):
		st := StatusOf(pe.Code)
		if st == http.StatusInternalServerError {
			break
		}
		p := Problem{Type: Type(pe.Code), Title: http.StatusText(st), Status: st, Detail: pe.Message, Field: pe.Field}
		var rr RowRefusal
		if errors.As(err, &rr) {
			rows := rr.Rejections()
			p.Rejected = len(rows)
			for _, r := range rows[:min(len(rows), limits.MaxRejectionsListed)] {
				p.Rejections = append(p.Rejections, RejectedRow{Row: r.Row, Field: r.Field, Reason: r.Reason})
			}
		}
		return p
	case errors.Is(err, context.Canceled):
		// The client went away (or the server is shutting down) before the
		// answer: nothing failed, and nobody reads the answer.
		return Problem{Type: Type("canceled"), Title: "Client Closed Request", Status: StatusClientClosed,
			Detail: "the request was cancelled before it was answered"}
	case errors.Is(err, context.DeadlineExceeded):
		st := http.StatusServiceUnavailable
		return Problem{Type: Type(parley.EUNAVAILABLE), Title: http.StatusText(st), Status: st,
			Detail: "the store did not answer in time; try again"}
	}
	return Problem{Type: Type(parley.EINTERNAL), Title: http.StatusText(http.StatusInternalServerError),
		Status: http.StatusInternalServerError, Detail: "internal error"}
}

// StatusClientClosed is the status of a request whose client went away
// before the answer (nginx's 499): logged, never an internal error.
const StatusClientClosed = 499

// Type is the URN of a problem's kind.
func Type(code string) string { return "urn:parley:problem:" + code }

// BodyTooLarge is the message of a 413.
func BodyTooLarge(limit int64) string {
	return fmt.Sprintf("the request body is larger than the limit of %d bytes", limit)
}

// Log logs err as the answer to r: server errors with their full detail
// (which never reaches the client), client errors at debug level. Neither
// carries the request body. It returns the problem the client gets, with
// requestID as its instance.
func Log(r *http.Request, log *slog.Logger, requestID string, err error) Problem {
	p := For(err)
	p.Instance = requestID
	if p.Status == StatusClientClosed {
		log.LogAttrs(r.Context(), slog.LevelInfo, "request cancelled",
			slog.String("request_id", p.Instance),
			slog.String("method", r.Method),
			slog.String("path", LogPath(r)))
	} else if p.Status >= 500 {
		log.LogAttrs(r.Context(), slog.LevelError, "request failed",
			slog.String("request_id", p.Instance),
			slog.String("method", r.Method),
			slog.String("path", LogPath(r)),
			slog.Int("status", p.Status),
			slog.String("error", err.Error()))
	} else {
		log.LogAttrs(r.Context(), slog.LevelDebug, "request refused",
			slog.String("request_id", p.Instance),
			slog.Int("status", p.Status),
			slog.String("error", err.Error()))
	}
	return p
}

// secretPaths are the paths whose last segment is a credential: a
// calendar feed's secret URL, an invitation's one-time link.
var secretPaths = []string{"/api/v1/calendar/", "/invitations/"}

// LogPath is r's path as a log line may carry it: the secret segment of a
// secret URL replaced by "…".
func LogPath(r *http.Request) string {
	for _, p := range secretPaths {
		if strings.HasPrefix(r.URL.Path, p) {
			return p + "…"
		}
	}
	return r.URL.Path
}

// Write logs err (Log) and writes it as a problem document.
func Write(w http.ResponseWriter, r *http.Request, log *slog.Logger, requestID string, err error) {
	WriteProblem(w, Log(r, log, requestID, err))
}

// WriteProblem writes p.
func WriteProblem(w http.ResponseWriter, p Problem) {
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Cache-Control", "no-store")
	if p.Status == http.StatusUnauthorized && h.Get("WWW-Authenticate") == "" {
		h.Set("WWW-Authenticate", `Bearer realm="parley"`)
	}
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// ResponseStarted marks an error that happened after the status line was
// sent: it can only be logged, not answered.
type ResponseStarted struct{ Err error }

func (e ResponseStarted) Error() string { return "writing response: " + e.Err.Error() }
func (e ResponseStarted) Unwrap() error { return e.Err }
