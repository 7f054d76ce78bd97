package storetest

import (
	"testing"

	"github.com/parley-talks/parley"
)

func testVenues(t *testing.T, s parley.Store) {
	v := &parley.Venue{Name: "Copenhagen", City: "Copenhagen", Country: "Denmark"}
	must(t, s.CreateVenue(ctx, v))
	got, err := s.FindVenueByID(ctx, v.ID)
	must(t, err)
	diff(t, "found venue", v, got)
	malta := &parley.Venue{Name: "Malta", City: "Valletta"} // country may be empty
	must(t, s.CreateVenue(ctx, malta))
	list, total, err := s.FindVenues(ctx, parley.Page{})
	must(t, err)
	diff(t, "venues", []*parley.Venue{v, malta}, list)
	if total != 2 {
		t.Errorf("total = %d, want 2", total)
	}
	up, err := s.UpdateVenue(ctx, malta.ID, parley.VenueUpdate{Country: ptr("Malta")})
	must(t, err)
	if up.Name != "Malta" || up.City != "Valletta" || up.Country != "Malta" {
		t.Errorf("after update: %+v", up)
	}
	up, err = s.UpdateVenue(ctx, malta.ID, parley.VenueUpdate{Name: ptr("Malta talks"), City: ptr("Mellieħa")})
	must(t, err)
	got, err = s.FindVenueByID(ctx, malta.ID)
	must(t, err)
	diff(t, "updated venue", up, got)
}

func testVenueErrors(t *testing.T, s parley.Store) {
	w := NewWorld(t, s)
	create := func(v parley.Venue) func() error { return func() error { return s.CreateVenue(ctx, &v) } }
	update := func(id int64, upd parley.VenueUpdate) func() error {
		return func() error { _, err := s.UpdateVenue(ctx, id, upd); return err }
	}
	checkRefusals(t, s, []refusal{
		{"duplicate", parley.ECONFLICT, "name", []string{"Jeddah"}, create(parley.Venue{Name: "Jeddah", City: "Jeddah"})},
		{"missing name", parley.EINVALID, "name", nil, create(parley.Venue{City: "Davos"})},
		{"missing city", parley.EINVALID, "city", nil, create(parley.Venue{Name: "Davos"})},
		{"overlong name", parley.EINVALID, "name", nil, create(parley.Venue{Name: longName, City: "Davos"})},
		{"overlong country", parley.EINVALID, "country", nil, create(parley.Venue{Name: "Davos", City: "Davos", Country: longName})},
		{"bad UTF-8 city", parley.EINVALID, "city", nil, create(parley.Venue{Name: "Davos", City: badUTF8})},
		{"update to taken name", parley.ECONFLICT, "name", nil, update(w.Doha.ID, parley.VenueUpdate{Name: ptr("Jeddah")})},
		{"update unknown", parley.ENOTFOUND, "", nil, update(999, parley.VenueUpdate{Name: ptr("Davos")})},
		{"update blank city", parley.EINVALID, "city", nil, update(w.Doha.ID, parley.VenueUpdate{City: ptr("")})},
	})
	_, err := s.FindVenueByID(ctx, 999)
	checkErr(t, err, parley.ENOTFOUND, "")
}
