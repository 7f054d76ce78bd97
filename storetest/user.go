package storetest

import (
	"testing"

	"github.com/parley-talks/parley"
)

func testUsers(t *testing.T, s parley.Store) {
	u := &parley.User{Email: "  Mediator@Demo.Parley ", Name: "Mediator", Admin: true, PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA"}
	must(t, s.CreateUser(ctx, u))
	if u.Email != "mediator@demo.parley" {
		t.Errorf("email stored as %q, want it normalised", u.Email)
	}
	got, err := s.FindUserByID(ctx, u.ID)
	must(t, err)
	diff(t, "found user", u, got)
	got, err = s.FindUserByEmail(ctx, "MEDIATOR@demo.parley")
	must(t, err)
	diff(t, "user found by email", u, got)

	ua := &parley.User{Email: "ua@demo.parley", Name: "Ukraine's delegate"}
	must(t, s.CreateUser(ctx, ua))
	list, total, err := s.FindUsers(ctx, parley.Page{})
	must(t, err)
	diff(t, "users", []*parley.User{u, ua}, list)
	if total != 2 {
		t.Errorf("total = %d, want 2", total)
	}

	up, err := s.UpdateUser(ctx, ua.ID, parley.UserUpdate{Disabled: ptr(true), PasswordHash: ptr("$argon2id$new")})
	must(t, err)
	if !up.Disabled || up.Admin || up.PasswordHash != "$argon2id$new" || up.Name != ua.Name || up.Email != ua.Email {
		t.Errorf("after update: %+v", up)
	}
	up, err = s.UpdateUser(ctx, ua.ID, parley.UserUpdate{Name: ptr("Delegate of Ukraine"), Admin: ptr(true), Disabled: ptr(false)})
	must(t, err)
	got, err = s.FindUserByID(ctx, ua.ID)
	must(t, err)
	diff(t, "updated user", up, got)
	if !got.Admin || got.Disabled || got.Name != "Delegate of Ukraine" || got.PasswordHash != "$argon2id$new" {
		t.Errorf("after second update: %+v", got)
	}
}

func testUserErrors(t *testing.T, s parley.Store) {
	w := NewWorld(t, s)
	create := func(u parley.User) func() error { return func() error { return s.CreateUser(ctx, &u) } }
	update := func(id int64, upd parley.UserUpdate) func() error {
		return func() error { _, err := s.UpdateUser(ctx, id, upd); return err }
	}
	checkRefusals(t, s, []refusal{
		{"duplicate", parley.ECONFLICT, "email", nil, create(parley.User{Email: "mediator@demo.parley", Name: "X"})},
		{"duplicate after normalising", parley.ECONFLICT, "email", nil, create(parley.User{Email: "Mediator@DEMO.parley", Name: "X"})},
		{"missing email", parley.EINVALID, "email", nil, create(parley.User{Name: "X"})},
		{"not an address", parley.EINVALID, "email", nil, create(parley.User{Email: "mediator", Name: "X"})},
		{"address with a name", parley.EINVALID, "email", nil, create(parley.User{Email: "M <m@x.org>", Name: "X"})},
		{"missing name", parley.EINVALID, "name", nil, create(parley.User{Email: "x@x.org"})},
		{"overlong name", parley.EINVALID, "name", nil, create(parley.User{Email: "x@x.org", Name: longName})},
		{"bad UTF-8 name", parley.EINVALID, "name", nil, create(parley.User{Email: "x@x.org", Name: badUTF8})},
		{"update unknown", parley.ENOTFOUND, "", nil, update(999, parley.UserUpdate{Name: ptr("X")})},
		{"update blank name", parley.EINVALID, "name", nil, update(w.Mediator.ID, parley.UserUpdate{Name: ptr(" ")})},
	})
	_, err := s.FindUserByID(ctx, 999)
	checkErr(t, err, parley.ENOTFOUND, "")
	_, err = s.FindUserByEmail(ctx, "nobody@demo.parley")
	checkErr(t, err, parley.ENOTFOUND, "")
}
