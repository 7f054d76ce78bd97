package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/parley-talks/parley"
)

// The shapes most routes share: get one by the {id} in the path, change
// one with a JSON PATCH body of the domain's Update type, list one page.

func getOne[T any](w http.ResponseWriter, r *http.Request, find func(context.Context, int64) (T, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := find(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func patchOne[U, T any](w http.ResponseWriter, r *http.Request, update func(context.Context, int64, U) (T, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var upd U
	if err := decodeBody(r, &upd); err != nil {
		return err
	}
	if v, ok := any(&upd).(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return err
		}
	}
	v, err := update(r.Context(), id, upd)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func listPage[T any](w http.ResponseWriter, r *http.Request, find func(context.Context, parley.Page) ([]T, int, error)) error {
	page, err := queryPage(r)
	if err != nil {
		return err
	}
	items, total, err := find(r.Context(), page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, total, page))
}

// listOfTrack serves a page of a list that belongs to the track in the path
// and that the store returns whole.
func listOfTrack[T any](w http.ResponseWriter, r *http.Request, find func(context.Context, int64) ([]T, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	page, err := queryPage(r)
	if err != nil {
		return err
	}
	all, err := find(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageOf(all, page))
}

// writeCreated answers a POST that made the resource at path/id.
func writeCreated(w http.ResponseWriter, path string, id int64, v any) error {
	w.Header().Set("Location", fmt.Sprintf("%s/%d", path, id))
	return writeJSON(w, http.StatusCreated, v)
}

// trackInPath turns the store's "track_id names no track" (EINVALID, as for
// a link in a body) into 404 when the track is the resource in the path.
func trackInPath(err error, id int64) error {
	if parley.ErrorCode(err) == parley.EINVALID && parley.ErrorField(err) == "track_id" {
		return parley.Errorf(parley.ENOTFOUND, "", "track %d does not exist", id)
	}
	return err
}
