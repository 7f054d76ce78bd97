// Package web serves Parley over HTTP: the JSON API under /api/v1, its
// OpenAPI 3.1 document at /api/openapi.json, GET /healthz, and the
// mediator's desk — server-rendered pages for browsers (pages.go,
// pages_routes.go; templates and assets embedded from ui/).
//
// # Structure
//
// One route table (routes.go) lists every route with its method, path
// pattern, access policy, summary and the types of its request and response
// bodies. The mux is built from that table alone, by Server.mux, which wraps
// every route in the guard that consults the Authenticator; the OpenAPI
// document is generated from the same table (openapi.go). One middleware
// chain (middleware.go) wraps the whole mux: request id, request log, panic
// recovery, security headers and the body limit.
//
// # Errors
//
// Handlers return errors; writeError (problem.go) alone turns them into
// RFC 9457 problem documents and maps parley's error codes to statuses.
// Only *parley.Error messages reach a client; anything else is a bare
// "internal error" with the request id, and its detail goes to the log.
// A browser's page request (Accept: text/html) gets the same message as an
// HTML page instead, or a redirect to the sign-in page (pageFailure).
//
// # Limits
//
// Body size, header size and the server's timeouts are named constants in
// limits.go.
package web

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/parley-talks/parley"
)

// Config is what a Server needs.
type Config struct {
	Store parley.Store
	// Logger receives the request log and error details; nil discards them.
	Logger *slog.Logger
	// Authenticator guards every route: *Auth (NewAuth) in production. It
	// is required: New refuses a nil one.
	Authenticator Authenticator
}

// Server is the HTTP face of a parley.Store. It is an http.Handler.
type Server struct {
	store   parley.Store
	auth    Authenticator
	log     *slog.Logger
	routes  []route
	openapi []byte
	handler http.Handler
}

// New builds the server's routes, OpenAPI document and middleware.
func New(cfg Config) (*Server, error) {
	s := &Server{store: cfg.Store, auth: cfg.Authenticator, log: cfg.Logger}
	if s.store == nil {
		return nil, fmt.Errorf("web: no store")
	}
	if s.auth == nil {
		return nil, fmt.Errorf("web: no authenticator")
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.routes = s.routeTable()
	mux, err := s.mux()
	if err != nil {
		return nil, err
	}
	if s.openapi, err = openAPIDocument(s.routes); err != nil {
		return nil, fmt.Errorf("web: build OpenAPI document: %w", err)
	}
	s.handler = s.chain(mux)
	return s, nil
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes describes every route the server answers, in table order.
func (s *Server) Routes() []RouteInfo {
	infos := make([]RouteInfo, len(s.routes))
	for i, rt := range s.routes {
		infos[i] = rt.info()
	}
	return infos
}

// HTTPServer returns an http.Server for s with the timeouts and header limit
// of limits.go, logging its own errors to the server's logger.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           s,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// chain wraps h in the middleware that every request passes through.
func (s *Server) chain(h http.Handler) http.Handler {
	h = withFormCSRF(h) // pages.go: a form's CSRF token, for the guard
	h = withBodyLimit(s.bodyLimit())(h)
	h = withSecurityHeaders(h)
	h = withRecovery(s.log)(h)
	h = withRequestLog(s.log)(h)
	h = withRequestID(h)
	return h
}

// mux builds the router from the route table. It is the only place that
// registers handlers, and it registers each route through guard, so no
// route can skip authentication. Requests that match no route get a problem
// document too (404, or 405 with Allow).
func (s *Server) mux() (http.Handler, error) {
	mux := http.NewServeMux()
	seen := map[string]bool{}
	for _, rt := range s.routes {
		key := rt.method + " " + rt.pattern
		switch {
		case !rt.policy.Valid():
			return nil, fmt.Errorf("web: route %s has no valid policy (%q)", key, rt.policy)
		case rt.handle == nil:
			return nil, fmt.Errorf("web: route %s has no handler", key)
		case seen[key]:
			return nil, fmt.Errorf("web: route %s is listed twice", key)
		}
		seen[key] = true
		mux.Handle(key, s.guard(rt))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		s.noRoute(mux, w, r)
	}), nil
}

// guard runs the Authenticator for rt, then checks rt's policy against the
// caller (authorize, authz.go), then runs rt's handler, and writes any
// error as a problem document.
func (s *Server) guard(rt route) http.Handler {
	info := rt.info()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, err := s.auth.Authenticate(r, info)
		if err == nil {
			if ctx != nil {
				r = r.WithContext(ctx)
			}
			err = s.authorize(r, rt)
		}
		if err == nil {
			err = rt.handle(w, r)
		}
		if err != nil {
			s.fail(w, r, err)
		}
	})
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if _, started := err.(errResponseStarted); started {
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "response cut short",
			slog.String("request_id", requestIDFrom(r.Context())), slog.String("error", err.Error()))
		return
	}
	if s.pageFailure(w, r, err) { // pages.go: HTML for a browser's page
		return
	}
	writeError(w, r, s.log, err)
}

// noRoute answers a request that matches no route: 405 with the mux's Allow
// header if the path exists with other methods, else 404.
func (s *Server) noRoute(mux *http.ServeMux, w http.ResponseWriter, r *http.Request) {
	probe := &headerProbe{header: http.Header{}}
	h, _ := mux.Handler(r)
	h.ServeHTTP(probe, r)
	if probe.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", probe.header.Get("Allow"))
		s.fail(w, r, &httpError{status: http.StatusMethodNotAllowed, code: "method_not_allowed",
			msg: fmt.Sprintf("%s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, probe.header.Get("Allow"))})
		return
	}
	s.fail(w, r, parley.Errorf(parley.ENOTFOUND, "", "no route for %s %s", r.Method, r.URL.Path))
}

// headerProbe captures what the mux's own 404/405 handler would send.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header         { return p.header }
func (p *headerProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *headerProbe) WriteHeader(status int)      { p.status = status }
