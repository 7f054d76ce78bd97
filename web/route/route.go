// Package route holds what every route of the server is made of: the row
// of a route table (Route) with its access policy, the one guard that
// authenticates and authorises every request before its handler runs, the
// mux built from a table, and the parsing of path and query parameters.
//
// # One table per surface
//
// The JSON API (package api) and the desk's pages (package desk) each list
// their routes in one table; package web builds one mux from both with
// Mux, which registers each row through Guard.Wrap, so that no route can
// skip authentication. The OpenAPI document (package openapi) is
// generated from the API's table.
//
// # Policies
//
// A Policy says who may call a route (policy.go); Guard.Authorize checks
// it against the caller the Authenticator established (authorize.go), with
// the root package's Caller methods. The store applies the same rules again
// to every record it returns: the route policy is the first check, never
// the only one.
package route

import (
	"fmt"
	"net/http"
	"reflect"
)

// Handler is a route's handler. It writes the response on success and
// returns the error otherwise; the guard writes errors.
type Handler func(w http.ResponseWriter, r *http.Request) error

// Route is one row of a route table.
type Route struct {
	Method  string
	Pattern string // ServeMux path pattern, e.g. /api/v1/tracks/{id}
	Policy  Policy
	Scope   Scope  // where a track policy finds its track
	ID      string // OpenAPI operationId, or the page's name
	Summary string
	Handle  Handler

	Query  []Param      // documented query parameters
	Body   reflect.Type // request body; nil if none
	Status int          // status on success
	Resp   reflect.Type // response body on success; nil if none
	Media  string       // the response's media type when it is not JSON (text/markdown…)
	CSV    bool         // the body may also be a CSV list (text/csv)
	// Multipart describes the parts of a multipart/form-data body the route
	// takes beside JSON (a struct; a file part's field is tagged with its
	// media type, `media:"application/xml"`); nil if none.
	Multipart reflect.Type

	MaxBody int64 // a larger bound than limits.MaxRequestBodyBytes for the route's bodies (CSV); 0 if none
}

// Key is the route's ServeMux pattern with its method.
func (rt Route) Key() string { return rt.Method + " " + rt.Pattern }

// Info is what the Authenticator sees of the route.
func (rt Route) Info() Info {
	return Info{Method: rt.Method, Pattern: rt.Pattern, Policy: rt.Policy, Summary: rt.Summary}
}

// Param documents a query parameter.
type Param struct {
	Name        string
	Description string
	Schema      map[string]any
}

// Mux builds a router from routes, wrapping each in g. It refuses a route
// without a valid policy or handler and one listed twice. Requests that
// match no route go to noRoute with the mux, which says whether the path
// exists with other methods.
func Mux(routes []Route, g *Guard, noRoute func(*http.ServeMux, http.ResponseWriter, *http.Request)) (http.Handler, error) {
	mux := http.NewServeMux()
	seen := map[string]bool{}
	for _, rt := range routes {
		key := rt.Key()
		switch {
		case !rt.Policy.Valid():
			return nil, fmt.Errorf("web: route %s has no valid policy (%q)", key, rt.Policy)
		case rt.Handle == nil:
			return nil, fmt.Errorf("web: route %s has no handler", key)
		case seen[key]:
			return nil, fmt.Errorf("web: route %s is listed twice", key)
		}
		seen[key] = true
		mux.Handle(key, g.Wrap(rt))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		noRoute(mux, w, r)
	}), nil
}

// BodyLimits returns the body limit of a request's route: the route's
// MaxBody if it has one, else def.
func BodyLimits(routes []Route, def int64) func(*http.Request) int64 {
	larger := http.NewServeMux()
	limits := map[string]int64{}
	for _, rt := range routes {
		if rt.MaxBody > 0 {
			larger.Handle(rt.Key(), http.NotFoundHandler())
			limits[rt.Key()] = rt.MaxBody
		}
	}
	return func(r *http.Request) int64 {
		if _, pattern := larger.Handler(r); limits[pattern] > 0 {
			return limits[pattern]
		}
		return def
	}
}
