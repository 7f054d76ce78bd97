// Package web serves Parley over HTTP. It wires the packages that each
// hold one concept of the web layer into one http.Handler:
//
//   - api: the JSON API under /api/v1, GET /healthz and the OpenAPI
//     document at /api/openapi.json, with its route table;
//   - desk: the mediator's desk, server-rendered pages for browsers, with
//     its route table, templates and assets;
//   - action: the use cases both call, one method per thing a person does;
//   - form: the pages' form decoder, driven by the inputs' json tags;
//   - openapi: the OpenAPI document, generated from the API's table;
//   - plot: the analysis's frontier plot as SVG;
//   - route: a route table's rows, policies, the guard and the mux;
//   - authn: sessions, API tokens, CSRF and the sign-in throttle;
//   - middleware: request id, request log, panic recovery, security
//     headers (HSTS behind an HTTPS public origin), body limit and the
//     metrics of each route;
//   - problem: errors as RFC 9457 problem documents;
//   - limits: every bound and timeout the HTTP layer enforces.
//
// New builds the server: the two route tables, the mux that registers
// every route through the one guard, the OpenAPI document and the
// middleware chain. Nothing is built at package initialisation; the
// desk's templates are parsed when a page is first rendered.
//
// # Adding a use case
//
//  1. In package action: the input type, with json tags (they name the
//     API's members and the form's fields alike), and one method of
//     Actions taking the context and the input (and the ids of the path).
//  2. Its API route: a row of api.Routes with its policy, Body and Resp
//     types; the handler is one of the shapes of api.go (create, change,
//     getOne, listOf…) over the method. The OpenAPI document follows.
//  3. Its form, if a page offers it: a row of desk.Routes whose handler is
//     submit(d, "form-name", d.renderPage, d.act), act adapting the
//     decoded input (the page's own ids, a redirect); the template names
//     the fields by their json names and shows a refusal with
//     {{with $.Refused "form-name"}}, {{$.Value …}}, {{$.Chose …}} and
//     the "field-error" template.
//  4. Its rows in the authorisation matrix (web/*_matrix_test.go), keyed
//     "METHOD pattern": a route without one fails TestAuthorizationMatrix.
package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/internal/proxy"
	"github.com/parley-talks/parley/metrics"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/api"
	"github.com/parley-talks/parley/web/authn"
	"github.com/parley-talks/parley/web/desk"
	"github.com/parley-talks/parley/web/limits"
	"github.com/parley-talks/parley/web/middleware"
	"github.com/parley-talks/parley/web/openapi"
	"github.com/parley-talks/parley/web/problem"
	"github.com/parley-talks/parley/web/route"
)

// Config is what a Server needs.
type Config struct {
	Store parley.Store
	// Logger receives the request log and error details; nil discards them.
	Logger *slog.Logger
	// Authenticator guards every route: *authn.Auth (authn.New) in
	// production. It is required: New refuses a nil one.
	Authenticator route.Authenticator
	// PublicURL is the origin browsers use, when it differs from what the
	// server sees (behind a reverse proxy); nil: the request's own. When
	// it is HTTPS, every response carries HSTS. Give authn.Config the
	// same, for the cross-origin check and Secure cookies.
	PublicURL *url.URL
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (package proxy); the zero value trusts none, and the
	// forwarding headers of anyone else are dropped.
	TrustedProxies proxy.Trusted
	// Metrics receives each request's route pattern, status and duration;
	// nil records nothing.
	Metrics *metrics.Metrics
	// AnalysisBudget bounds the time of every analysis the server runs
	// (action.Actions.AnalysisBudget): zero means
	// negotiation.DefaultBudget, negative means none.
	AnalysisBudget time.Duration
}

// Server is the HTTP face of a parley.Store. It is an http.Handler.
type Server struct {
	log       *slog.Logger
	apiRoutes []route.Route
	routes    []route.Route // the API's, then the pages'
	openapi   []byte
	handler   http.Handler
}

// New builds the server's routes, OpenAPI document and middleware.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("web: no store")
	}
	s := &Server{log: cfg.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	authenticator := cfg.Authenticator
	if authenticator == nil {
		return nil, fmt.Errorf("web: no authenticator")
	}
	auth, _ := authenticator.(*authn.Auth) // nil for another Authenticator: no accounts
	params := password.DefaultParams
	if auth != nil {
		params = auth.PasswordParams()
	}
	actions := action.New(cfg.Store, params)
	actions.AnalysisBudget = cfg.AnalysisBudget
	actions.Metrics = cfg.Metrics
	if u := cfg.PublicURL; u != nil {
		actions.PublicOrigin = u.Scheme + "://" + u.Host
	}
	jsonAPI := api.New(cfg.Store, actions, auth, s.log)
	pages := desk.New(cfg.Store, actions, auth, s.log)
	s.apiRoutes = jsonAPI.Routes()
	s.routes = append(append([]route.Route{}, s.apiRoutes...), pages.Routes()...)
	var err error
	if s.openapi, err = openapi.Document(s.apiRoutes); err != nil {
		return nil, fmt.Errorf("web: build OpenAPI document: %w", err)
	}
	jsonAPI.SetOpenAPI(s.openapi)
	fail := func(w http.ResponseWriter, r *http.Request, err error) {
		if _, started := err.(problem.ResponseStarted); started {
			s.log.LogAttrs(r.Context(), slog.LevelWarn, "response cut short",
				slog.String("request_id", middleware.RequestID(r.Context())), slog.String("error", err.Error()))
			return
		}
		if pages.Failure(w, r, err) {
			return
		}
		problem.Write(w, r, s.log, middleware.RequestID(r.Context()), err)
	}
	guard := &route.Guard{Store: cfg.Store, Auth: authenticator, Fail: fail}
	mux, err := route.Mux(s.routes, guard, func(mux *http.ServeMux, w http.ResponseWriter, r *http.Request) {
		noRoute(mux, w, r, fail)
	})
	if err != nil {
		return nil, err
	}
	var h http.Handler = mux
	h = middleware.RouteMetrics(cfg.Metrics)(h)
	h = authn.LiftFormCSRF(h)
	h = middleware.BodyLimit(route.BodyLimits(s.routes, limits.MaxRequestBodyBytes))(h)
	h = middleware.SecurityHeaders(cfg.PublicURL != nil && cfg.PublicURL.Scheme == "https")(h)
	h = middleware.Recovery(s.log)(h)
	h = middleware.RequestLog(s.log)(h)
	h = middleware.RequestIDs(h)
	h = cfg.TrustedProxies.Handler(h)
	s.handler = h
	return s, nil
}

// ServeHTTP serves the API and the pages.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes describes every route the server answers: the API's, then the
// pages'.
func (s *Server) Routes() []route.Info { return infos(s.routes) }

// APIRoutes describes the routes of the JSON API, which the OpenAPI
// document describes.
func (s *Server) APIRoutes() []route.Info { return infos(s.apiRoutes) }

// OpenAPI is the OpenAPI document of the API.
func (s *Server) OpenAPI() []byte { return s.openapi }

func infos(routes []route.Route) []route.Info {
	out := make([]route.Info, len(routes))
	for i, rt := range routes {
		out[i] = rt.Info()
	}
	return out
}

// HTTPServer returns an http.Server for s with the timeouts and header
// limit of package limits, logging its own errors to the server's logger.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           s,
		ReadHeaderTimeout: limits.ReadHeaderTimeout,
		ReadTimeout:       limits.ReadTimeout,
		WriteTimeout:      limits.WriteTimeout,
		IdleTimeout:       limits.IdleTimeout,
		MaxHeaderBytes:    limits.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// noRoute answers a request that matches no route: 405 with the mux's
// Allow header if the path exists with other methods, else 404.
func noRoute(mux *http.ServeMux, w http.ResponseWriter, r *http.Request, fail func(http.ResponseWriter, *http.Request, error)) {
	probe := &headerProbe{header: http.Header{}}
	h, _ := mux.Handler(r)
	h.ServeHTTP(probe, r)
	if probe.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", probe.header.Get("Allow"))
		fail(w, r, &problem.HTTPError{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
			Message: fmt.Sprintf("%s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, probe.header.Get("Allow"))})
		return
	}
	fail(w, r, parley.Errorf(parley.ENOTFOUND, "", "no route for %s %s", r.Method, r.URL.Path))
}

// headerProbe captures what the mux's own 404/405 handler would send.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header         { return p.header }
func (p *headerProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *headerProbe) WriteHeader(status int)      { p.status = status }
