package route

import (
	"net/http"
	"strconv"

	"github.com/parley-talks/parley"
)

// PathID parses the path parameter name as a positive id.
func PathID(r *http.Request, name string) (int64, error) {
	s := r.PathValue(name)
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, parley.Errorf(parley.EINVALID, name, "path parameter %q must be a positive integer id, not %q", name, s)
	}
	return id, nil
}

// QueryID parses the optional query parameter name as a positive id; 0 if
// absent.
func QueryID(r *http.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, parley.Errorf(parley.EINVALID, name, "query parameter %q must be a positive integer id, not %q", name, s)
	}
	return id, nil
}

// QueryPage parses ?offset= and ?limit= and applies the domain's defaults
// and bounds.
func QueryPage(r *http.Request) (parley.Page, error) {
	var p parley.Page
	q := r.URL.Query()
	for _, f := range []struct {
		name string
		dst  *int
	}{{"offset", &p.Offset}, {"limit", &p.Limit}} {
		s := q.Get(f.name)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return p, parley.Errorf(parley.EINVALID, f.name, "query parameter %q must be an integer, not %q", f.name, s)
		}
		*f.dst = n
	}
	if p.Limit == 0 && q.Get("limit") != "" {
		return p, parley.Errorf(parley.EINVALID, "limit", "limit must be between 1 and %d", parley.MaxLimit)
	}
	return p.Normalize()
}

// QueryTimelinePage parses ?limit=, ?cursor= and ?order= (oldest, the
// default, or newest) of a timeline. The timeline pages by cursor: an
// ?offset= is refused.
func QueryTimelinePage(r *http.Request) (parley.TimelinePage, error) {
	q := r.URL.Query()
	var p parley.TimelinePage
	if q.Has("offset") {
		return p, parley.Errorf(parley.EINVALID, "offset", "the timeline pages by cursor, not offset: pass the next of the previous page as cursor")
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > parley.MaxLimit {
			return p, parley.Errorf(parley.EINVALID, "limit", "limit must be between 1 and %d", parley.MaxLimit)
		}
		p.Limit = n
	}
	p.Cursor = q.Get("cursor")
	switch o := q.Get("order"); o {
	case "", "oldest":
	case "newest":
		p.Newest = true
	default:
		return p, parley.Errorf(parley.EINVALID, "order", "order must be oldest or newest, not %q", o)
	}
	return p.Normalize()
}
