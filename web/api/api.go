// Package api serves Parley's JSON API under /api/v1, GET /healthz and the
// API's OpenAPI document at /api/openapi.json.
//
// # Structure
//
// Routes (routes.go) is the API's one route table: every route with its
// method, path pattern, access policy (package route), summary and the Go
// types of its request and response bodies, from which package openapi
// generates the document. A handler is a thin adapter: it reads the path,
// decodes the JSON body strictly (decode) into the use case's input type
// of package action, runs the use case with the request's context (which
// carries the caller) and writes the answer. Reads go to the store, which
// applies the audience check to every record.
//
// # Errors
//
// Handlers return errors; package problem turns them into RFC 9457 problem
// documents.
package api

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/authn"
	"github.com/parley-talks/parley/web/problem"
	"github.com/parley-talks/parley/web/route"
)

// API is the JSON API over a store.
type API struct {
	store   parley.Store
	actions *action.Actions
	auth    *authn.Auth // nil: the server's Authenticator keeps no accounts (tests of the HTTP layer)
	log     *slog.Logger
	openapi []byte
}

// New returns the API over store. auth may be nil (an Authenticator that
// keeps no accounts): the session and token routes then answer 503.
func New(store parley.Store, actions *action.Actions, auth *authn.Auth, log *slog.Logger) *API {
	return &API{store: store, actions: actions, auth: auth, log: log}
}

// SetOpenAPI sets the document GET /api/openapi.json serves.
func (a *API) SetOpenAPI(doc []byte) { a.openapi = doc }

// List is the envelope of every list response: one page of items, the
// number of items that match in all, and the page that was served.
type List[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

func newList[T any](items []T, total int, p parley.Page) List[T] {
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items, Total: total, Offset: p.Offset, Limit: p.Limit}
}

// pageOf serves one page of a list that the store returns whole (a track's
// themes, members, transitions, timeline), so that every list of the API
// pages the same way.
func pageOf[T any](all []T, p parley.Page) List[T] {
	lo := min(p.Offset, len(all))
	hi := min(lo+p.Limit, len(all))
	return newList(all[lo:hi], len(all), p)
}

// writeJSON writes v with the status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if _, err = w.Write(append(b, '\n')); err != nil {
		return problem.ResponseStarted{Err: err}
	}
	return nil
}

// writeCreated answers a POST that made the resource at path/id.
func writeCreated(w http.ResponseWriter, path string, id int64, v any) error {
	w.Header().Set("Location", fmt.Sprintf("%s/%d", path, id))
	return writeJSON(w, http.StatusCreated, v)
}

// writeListed answers a POST that added v to the list at the request's
// path, which is where it is read back (Location).
func writeListed(w http.ResponseWriter, r *http.Request, v any) error {
	w.Header().Set("Location", r.URL.Path)
	return writeJSON(w, http.StatusCreated, v)
}

// The shapes most routes share: get one by the {id} in the path, change
// one with a JSON body, list one page.

// getOne answers the record find returns for the {id} in the path.
func getOne[T any](find func(context.Context, int64) (T, error)) route.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := route.PathID(r, "id")
		if err != nil {
			return err
		}
		v, err := find(r.Context(), id)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, v)
	}
}

// change decodes a body of type In, runs do with the {id} in the path and
// answers its result with status.
func change[In, Out any](status int, do func(context.Context, int64, In) (Out, error)) route.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := route.PathID(r, "id")
		if err != nil {
			return err
		}
		var in In
		if err := decode(r, &in); err != nil {
			return err
		}
		if v, ok := any(&in).(interface{ Validate() error }); ok {
			if err := v.Validate(); err != nil {
				return err
			}
		}
		out, err := do(r.Context(), id, in)
		if err != nil {
			return err
		}
		return writeJSON(w, status, out)
	}
}

// create decodes a body of type In, runs do with the {id} in the path and
// answers 201 with the record, at path/<its id> (Location).
func create[In any, Out interface{ *T }, T any](path string, idOf func(Out) int64, do func(context.Context, int64, In) (Out, error)) route.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := route.PathID(r, "id")
		if err != nil {
			return err
		}
		var in In
		if err := decode(r, &in); err != nil {
			return err
		}
		out, err := do(r.Context(), id, in)
		if err != nil {
			return err
		}
		return writeCreated(w, path, idOf(out), out)
	}
}

// listPage answers one page of a list the store pages.
func listPage[T any](filter func(r *http.Request, p parley.Page) ([]T, int, error)) route.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		page, err := route.QueryPage(r)
		if err != nil {
			return err
		}
		items, total, err := filter(r, page)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, newList(items, total, page))
	}
}

// listOf answers a page of a list that belongs to the record in the path
// and that the store returns whole.
func listOf[T any](find func(context.Context, int64) ([]T, error)) route.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := route.PathID(r, "id")
		if err != nil {
			return err
		}
		page, err := route.QueryPage(r)
		if err != nil {
			return err
		}
		all, err := find(r.Context(), id)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, pageOf(all, page))
	}
}

// done runs do with the {id} in the path and answers 204.
func done(do func(context.Context, int64) error) route.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := route.PathID(r, "id")
		if err != nil {
			return err
		}
		if err := do(r.Context(), id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}
