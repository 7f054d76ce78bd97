package web

import (
	"encoding/json"
	"net/http"

	"github.com/parley-talks/parley"
)

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
	_, err = w.Write(append(b, '\n'))
	if err != nil {
		return errResponseStarted{err}
	}
	return nil
}

// errResponseStarted marks an error that happened after the status line was
// sent: it can only be logged, not answered.
type errResponseStarted struct{ err error }

func (e errResponseStarted) Error() string { return "writing response: " + e.err.Error() }
func (e errResponseStarted) Unwrap() error { return e.err }
