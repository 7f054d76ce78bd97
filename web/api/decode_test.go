package api

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/problem"
)

func decodeString(body string, dst any) error {
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	return decode(r, dst)
}

func TestDecodeNullClears(t *testing.T) {
	for _, tc := range []struct {
		body          string
		venueSet, nil bool
	}{
		{`{}`, false, false},
		{`{"venue_id":null}`, true, true},
		{`{"venue_id":4}`, true, false},
	} {
		var upd parley.MeetingUpdate
		if err := decodeString(tc.body, &upd); err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		if (upd.VenueID != nil) != tc.venueSet || (upd.VenueID != nil && (*upd.VenueID == nil) != tc.nil) {
			t.Errorf("%s: venue_id %v", tc.body, upd.VenueID)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		body, field, detail string
	}{
		{`{"title":"T","format":"plenary","starts_at":"2024-01-01T00:00:00Z","track_id":1,"attendees":[{"party_id":1,"nam":"x"}]}`, "attendees.nam", `unknown field "attendees.nam"`},
		{`{"title":"T","format":"plenary","starts_at":"2024-01-01T00:00:00Z","track_id":1.5}`, "track_id", "must be an integer, not a number"},
		{`{"title":"T","format":"plenary","starts_at":"2024-01-01T00:00:00Z","track_id":1,"ends_at":"soon"}`, "ends_at", "RFC 3339"},
		{`{"title":"T","format":"plenary","track_id":1}`, "starts_at", "required"},
		{`{"title":"T"}trailing`, "", "single JSON value"},
		{`"just a string"`, "", "must be a JSON object, not a string"},
	} {
		var in action.MeetingInput
		err := decodeString(tc.body, &in)
		if parley.ErrorCode(err) != parley.EINVALID || parley.ErrorField(err) != tc.field || !strings.Contains(parley.ErrorMessage(err), tc.detail) {
			t.Errorf("%s: %v; want field %q and %q", tc.body, err, tc.field, tc.detail)
		}
	}
}

// FuzzDecodeBody: any body either decodes or is refused with EINVALID; the
// decoder never panics and never fails otherwise.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{``, `{}`, `null`, `[]`, `{"title":"T","track_id":1}`, `{"attendees":[{"party_id":1}]}`,
		`{"venue_id":null,"ends_at":null}`, `{"starts_at":"2024-01-01T00:00:00Z"}`, `{"a":`, "{\"title\":\"\xff\"}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var in action.MeetingInput
		err := decodeString(body, &in)
		var he *problem.HTTPError
		if err != nil && parley.ErrorCode(err) != parley.EINVALID && !errors.As(err, &he) {
			t.Fatalf("%q: %v", body, err)
		}
		var upd parley.MeetingUpdate
		_ = decodeString(body, &upd)
	})
}
