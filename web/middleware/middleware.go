// Package middleware holds what wraps every request of the server, in the
// order a request meets it (see web.Server): the client's address through
// trusted proxies (package proxy), request id, request log, panic recovery,
// security headers, body limit, the form's CSRF token (package authn),
// route metrics; then the mux, and for a route the guard (package route)
// and the handler.
package middleware

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/parley-talks/parley/metrics"
	"github.com/parley-talks/parley/web/limits"
	"github.com/parley-talks/parley/web/problem"
)

type requestIDKey struct{}

// RequestID returns the request's id, or "" outside a request.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func newRequestID() string {
	b := make([]byte, limits.RequestIDBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// RequestIDs gives every request a fresh random id, in its context and
// in the X-Request-Id response header. A client's own X-Request-Id is not
// trusted: it would let a client forge log lines' ids.
func RequestIDs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := newRequestID()
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// recorder remembers the status and size of a response for the request log
// and for panic recovery, which may only answer if nothing was sent yet.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	n, err := rec.ResponseWriter.Write(b)
	rec.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

// serveRecorded serves r with next through a recorder (which Recovery
// looks for) and returns the status, size and duration of the answer.
func serveRecorded(next http.Handler, w http.ResponseWriter, r *http.Request) (status int, bytes int64, took time.Duration) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w}
	next.ServeHTTP(rec, r)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.status, rec.bytes, time.Since(start)
}

// RequestLog logs one line per request: method, path, status, duration,
// response size and request id. Never the query, headers or bodies, which
// may carry credentials or confidential content.
func RequestLog(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			status, bytes, took := serveRecorded(next, w, r)
			log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("method", r.Method),
				slog.String("path", problem.LogPath(r)),
				slog.Int("status", status),
				slog.Duration("duration", took),
				slog.Int64("bytes", bytes),
				slog.String("request_id", RequestID(r.Context())))
		})
	}
}

// Recovery turns a panic in a handler into a 500 problem carrying the
// request id, and logs the panic value and stack (never the request body).
// http.ErrAbortHandler keeps its meaning: abort the response silently.
func Recovery(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
					slog.String("request_id", RequestID(r.Context())),
					slog.String("method", r.Method),
					slog.String("path", problem.LogPath(r)),
					slog.String("panic", fmt.Sprint(v)),
					slog.String("stack", string(debug.Stack())))
				if rec, ok := w.(*recorder); ok && rec.status != 0 {
					panic(http.ErrAbortHandler) // the status is out; cut the connection
				}
				p := problem.For(fmt.Errorf("panic: %v", v))
				p.Instance = RequestID(r.Context())
				problem.WriteProblem(w, p)
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// Security headers of every response. A page replaces the
// Content-Security-Policy with its own (package desk).
const (
	// ContentSecurityPolicy lets an API response load nothing and be framed
	// by no page.
	ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'"
	// StrictTransportSecurity keeps browsers on HTTPS for two years once
	// they have reached the server over HTTPS (browsers ignore it on a
	// plain-HTTP answer, RFC 6797 §8.1).
	StrictTransportSecurity = "max-age=63072000; includeSubDomains"
)

// SecurityHeaders sets the security headers of every response. HSTS goes
// on every TLS response, and on every response when the public origin is
// HTTPS (publicHTTPS): behind a proxy that terminates TLS the server sees
// plain HTTP, but the browser reached it over HTTPS.
func SecurityHeaders(publicHTTPS bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", ContentSecurityPolicy)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("Cross-Origin-Resource-Policy", "same-origin")
			if r.TLS != nil || publicHTTPS {
				h.Set("Strict-Transport-Security", StrictTransportSecurity)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// RouteMetrics counts each request and its duration in m under the
// pattern of the route that served it ("GET /api/v1/tracks/{id}"), never
// its path: ids and names stay out of the metrics. It must wrap the
// ServeMux directly, which records the pattern on the request it is given.
func RouteMetrics(m *metrics.Metrics) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if m == nil {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			status, _, took := serveRecorded(next, w, r)
			m.ObserveRequest(r.Pattern, status, took)
		})
	}
}

// BodyLimit caps every request body at limit(r); reading past it fails
// with *http.MaxBytesError, which package problem turns into 413.
func BodyLimit(limit func(*http.Request) int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			max := limit(r)
			if r.ContentLength > max {
				problem.WriteProblem(w, problem.Problem{
					Type: problem.Type("too_large"), Title: http.StatusText(http.StatusRequestEntityTooLarge),
					Status: http.StatusRequestEntityTooLarge, Detail: problem.BodyTooLarge(max),
					Instance: RequestID(r.Context()),
				})
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, max)
			next.ServeHTTP(w, r)
		})
	}
}
