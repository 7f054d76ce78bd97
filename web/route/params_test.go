package route

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/parley-talks/parley"
)

func TestQueryPage(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  parley.Page
		field string
	}{
		{"", parley.Page{Offset: 0, Limit: parley.DefaultLimit}, ""},
		{"offset=5&limit=1000", parley.Page{Offset: 5, Limit: 1000}, ""},
		{"limit=1001", parley.Page{}, "limit"},
		{"limit=", parley.Page{Limit: parley.DefaultLimit}, ""},
		{"offset=1e3", parley.Page{}, "offset"},
	} {
		r := httptest.NewRequest(http.MethodGet, "/?"+tc.query, nil)
		got, err := QueryPage(r)
		if parley.ErrorField(err) != tc.field || (err == nil && got != tc.want) {
			t.Errorf("%q: %+v, %v", tc.query, got, err)
		}
	}
}
