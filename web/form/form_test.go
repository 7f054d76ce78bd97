package form

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parley-talks/parley"
)

type choice struct {
	Theme  string `json:"theme"`
	Option string `json:"option"`
}

// pick has no parser: a slice of picks comes as indexed fields.
type pick struct {
	Theme  string `json:"theme"`
	Option string `json:"option"`
}

type child struct {
	Name string `json:"name"`
	Born string `json:"born"`
}

type input struct {
	Title     string                        `json:"title"`
	Count     int                           `json:"count,omitempty"`
	Need      int                           `json:"need"`
	Weight    float64                       `json:"weight,omitempty"`
	VenueID   *int64                        `json:"venue_id,omitempty"`
	PartyIDs  []int64                       `json:"party_ids"`
	StartsAt  time.Time                     `json:"starts_at"`
	EndsAt    *time.Time                    `json:"ends_at,omitempty"`
	Shared    bool                          `json:"shared,omitempty"`
	Package   []pick                        `json:"package"`
	Demands   []choice                      `json:"demands,omitempty"`
	Weights   map[string]float64            `json:"weights"`
	Values    map[string]map[string]float64 `json:"values"`
	Child     child                         `json:"child"`
	Audience  parley.Audience               `json:"audience"`
	Ignored   string                        `json:"-"`
	unexposed string                        //lint:ignore U1000 a field no form may set
}

func decoder() *Decoder {
	d := &Decoder{Ignore: []string{"csrf_token"}}
	Parse(d, func(s string) (choice, error) {
		var c choice
		if err := json.Unmarshal([]byte(s), &c); err != nil {
			return c, parley.Errorf(parley.EINVALID, "", "choose an option from the list")
		}
		return c, nil
	})
	return d
}

func TestDecode(t *testing.T) {
	venue := int64(7)
	end := time.Date(2024, 3, 2, 17, 0, 0, 0, time.UTC)
	form := url.Values{
		"csrf_token": {"x"},
		"title":      {" Talks "},
		"need":       {"3"},
		"weight":     {""},
		"venue_id":   {"7"},
		"party_ids":  {"1", "", "2"},
		"starts_at":  {"2024-03-01T09:30"},
		"ends_at":    {"2024-03-02T17:00:00Z"},
		"shared":     {"on"},
		// Elements by index, sparse and out of order: 10 after 2.
		"package[10].theme":  {"B"},
		"package[10].option": {"b1"},
		"package[2].theme":   {"A"},
		"package[2].option":  {""},
		"demands":            {`{"theme":"A","option":"a2"}`, ""},
		"weights[A]":         {"0.5"},
		"weights[B: x]":      {"1"},
		"values[A][a 1]":     {"0.25"},
		"values[A][a2]":      {"1"},
		"child.name":         {"Софія"},
		"child.born":         {"2015-04-01"},
		"audience":           {"party:3"},
	}
	var got input
	if err := decoder().Decode(form, &got); err != nil {
		t.Fatal(err)
	}
	want := input{Title: " Talks ", Need: 3, VenueID: &venue, PartyIDs: []int64{1, 2},
		StartsAt: time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC), EndsAt: &end, Shared: true,
		Package: []pick{{"A", ""}, {"B", "b1"}}, Demands: []choice{{"A", "a2"}},
		Weights: map[string]float64{"A": 0.5, "B: x": 1}, Values: map[string]map[string]float64{"A": {"a 1": 0.25, "a2": 1}},
		Child: child{Name: "Софія", Born: "2015-04-01"}, Audience: "party:3"}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(input{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestDecodeRefusals: every refusal is EINVALID on the form field, in
// words, without the value.
func TestDecodeRefusals(t *testing.T) {
	for _, tc := range []struct {
		form  url.Values
		field string
		words string
	}{
		{url.Values{"nonesuch": {"1"}}, "nonesuch", "no field"},
		{url.Values{"Ignored": {"1"}}, "Ignored", "no field"},
		{url.Values{"unexposed": {"1"}}, "unexposed", "no field"},
		{url.Values{"need": {""}}, "need", "whole number"},
		{url.Values{"need": {"SECRET-1.5"}}, "need", "whole number"},
		{url.Values{"count": {"x"}}, "count", "whole number"},
		{url.Values{"weight": {"NaN"}}, "weight", "a number"},
		{url.Values{"weight": {"1e999"}}, "weight", "a number"},
		{url.Values{"venue_id": {"SECRET-seven"}}, "venue_id", "choose one"},
		{url.Values{"party_ids": {"1", "SECRET-two"}}, "party_ids", "choose one"},
		{url.Values{"starts_at": {"SECRET-tomorrow"}}, "starts_at", "date and time"},
		{url.Values{"shared": {"SECRET-yes"}}, "shared", "tick the box"},
		{url.Values{"demands": {"SECRET-{"}}, "demands", "choose an option"},
		{url.Values{"package[x].theme": {"A"}}, "package[x].theme", "no field"},
		{url.Values{"package[01].theme": {"A"}}, "package[01].theme", "no field"},
		{url.Values{"package[-1].theme": {"A"}}, "package[-1].theme", "no field"},
		{url.Values{"package[10001].theme": {"A"}}, "package[10001].theme", "no field"},
		{url.Values{"package[1]": {"A"}}, "package[1]", "no field"},
		{url.Values{"package": {"A"}}, "package", "no field"},
		{url.Values{"package[1].theme.x": {"A"}}, "package[1].theme.x", "no field"},
		{url.Values{"child": {"A"}}, "child", "no field"},
		{url.Values{"child.name": {"A"}, "child[0]": {"B"}}, "child[0]", "no field"},
		{url.Values{"title[0]": {"A"}}, "title[0]", "no field"},
		{url.Values{"weights[A]": {"x"}}, "weights[A]", "a number"},
		{url.Values{"weights.A": {"1"}}, "weights.A", "no field"},
		{url.Values{"values[A]": {"1"}}, "values[A]", "no field"},
		{url.Values{"[0]": {"1"}}, "[0]", "no field"},
		{url.Values{"title.": {"1"}}, "title.", "no field"},
		{url.Values{"package[1": {"1"}}, "package[1", "no field"},
	} {
		var got input
		err := decoder().Decode(tc.form, &got)
		if parley.ErrorCode(err) != parley.EINVALID || parley.ErrorField(err) != tc.field || !strings.Contains(parley.ErrorMessage(err), tc.words) {
			t.Errorf("%v: %v (field %q), want EINVALID on %q saying %q", tc.form, err, parley.ErrorField(err), tc.field, tc.words)
		}
		if strings.Contains(parley.ErrorMessage(err), "SECRET") {
			t.Errorf("%v: the message quotes the value: %v", tc.form, err)
		}
	}
}

// FuzzDecode: any form decodes or is refused as EINVALID; it never panics,
// and what decodes decodes the same twice.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"title=a&need=1", "package[3].theme=A&package[1].option=b", "values[A][b]=1&weights[A]=2",
		"demands=%7B%7D", "child.name=x", "starts_at=2024-01-01", "a[", "[]=1", "package[99999999999999999999].theme=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		form, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		var a, b input
		errA := decoder().Decode(form, &a)
		errB := decoder().Decode(form, &b)
		if errA != nil {
			if parley.ErrorCode(errA) != parley.EINVALID {
				t.Fatalf("%q: %v", raw, errA)
			}
			return
		}
		if errB != nil || !cmp.Equal(a, b, cmp.AllowUnexported(input{})) {
			t.Fatalf("%q decodes differently twice", raw)
		}
	})
}
