package web

import (
	"context"
	"net/http"
)

// Policy says who may call a route. Every route in the route table has one,
// and the one guard (see Server.guard) consults the Authenticator with it
// before the route's handler runs; there is no other way onto the mux.
type Policy string

const (
	// PolicyPublic routes answer anyone: GET /healthz and the OpenAPI
	// document (and, with the confidentiality work, signing in).
	PolicyPublic Policy = "public"
	// PolicyMember routes need a signed-in user. Which records of a track
	// the user may read is decided below the web layer, per record, by the
	// audience check; the route policy only establishes who is calling.
	PolicyMember Policy = "member"
)

// Valid reports whether p is a known policy.
func (p Policy) Valid() bool { return p == PolicyPublic || p == PolicyMember }

// RouteInfo describes a route of the API: what the Authenticator and the
// tests that walk the route table see of it.
type RouteInfo struct {
	Method  string // GET, POST, PATCH, DELETE
	Pattern string // the ServeMux path pattern, e.g. /api/v1/tracks/{id}
	Policy  Policy
	Summary string
}

// Authenticator establishes who is calling and whether they may call the
// route at all. The server calls Authenticate exactly once per request to a
// route, before the route's handler and after the request id, panic
// recovery, security headers and body limit are in place.
//
// Authenticate returns the context the handler runs with, typically carrying
// the caller's identity (parley.NewContextWithActor and whatever the
// confidentiality work adds), or an error: a *parley.Error with code
// EUNAUTHORIZED (no or bad credentials; 401), EFORBIDDEN (403) or
// ETOOMANYREQUEST (429); any other error is a 500. An implementation must
// not read the request body.
type Authenticator interface {
	Authenticate(r *http.Request, route RouteInfo) (context.Context, error)
}

// AllowAll is the Authenticator of the foundation: it lets every request
// through with no actor. The confidentiality work replaces it with one that
// requires a session or bearer token on PolicyMember routes.
type AllowAll struct{}

// Authenticate returns r's context unchanged.
func (AllowAll) Authenticate(r *http.Request, _ RouteInfo) (context.Context, error) {
	return r.Context(), nil
}
