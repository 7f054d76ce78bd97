package storetest

import (
	"context"
	"crypto/sha256"
	"testing"

	"github.com/parley-talks/parley"
)

// The formats' store parts: a venue's time zone, a user's language, and
// users' calendar feeds.

// callerCtx acts as the user (no grants).
func callerCtx(u *parley.User) context.Context { return as(&parley.Caller{User: u}) }

func testVenueTimeZones(t *testing.T, s parley.Store) {
	v := &parley.Venue{Name: "Istanbul talks", City: "Istanbul", TimeZone: "Europe/Istanbul"}
	must(t, s.CreateVenue(ctx, v))
	got, err := s.FindVenueByID(ctx, v.ID)
	must(t, err)
	diff(t, "venue with its zone", v, got)
	if loc := got.Location(); loc.String() != "Europe/Istanbul" {
		t.Errorf("location %v", loc)
	}
	plain := &parley.Venue{Name: "Geneva", City: "Geneva"}
	must(t, s.CreateVenue(ctx, plain))
	up, err := s.UpdateVenue(ctx, plain.ID, parley.VenueUpdate{TimeZone: ptr("Europe/Zurich")})
	must(t, err)
	list, _, err := s.FindVenues(ctx, parley.Page{})
	must(t, err)
	diff(t, "venues with their zones", []*parley.Venue{v, up}, list)
	up, err = s.UpdateVenue(ctx, v.ID, parley.VenueUpdate{TimeZone: ptr("")})
	must(t, err)
	got, err = s.FindVenueByID(ctx, v.ID)
	must(t, err)
	if got.TimeZone != "" || up.TimeZone != "" || got.Location().String() != "UTC" {
		t.Errorf("a cleared zone: %+v", got)
	}
	checkRefusals(t, s, []refusal{
		{"unknown zone", parley.EINVALID, "time_zone", []string{"Mars/Olympus"}, func() error {
			return s.CreateVenue(ctx, &parley.Venue{Name: "Mars", City: "Olympus", TimeZone: "Mars/Olympus"})
		}},
		{"the server's own zone", parley.EINVALID, "time_zone", nil, func() error {
			_, err := s.UpdateVenue(ctx, plain.ID, parley.VenueUpdate{TimeZone: ptr("Local")})
			return err
		}},
	})
}

func testUserLanguages(t *testing.T, s parley.Store) {
	ls, ok := s.(parley.LanguageService)
	if !ok {
		t.Skip("the store keeps no languages")
	}
	u := &parley.User{Email: "ua@demo.parley", Name: "Delegate"}
	must(t, s.CreateUser(ctx, u))
	other := &parley.User{Email: "ru@demo.parley", Name: "Other"}
	must(t, s.CreateUser(ctx, other))
	self := callerCtx(u)
	lang, err := ls.UserLanguage(self, u.ID)
	must(t, err)
	if lang != "" {
		t.Errorf("a new user's language: %q", lang)
	}
	for _, want := range []string{"uk", "ru", "ar", ""} {
		must(t, ls.SetUserLanguage(self, u.ID, want))
		got, err := ls.UserLanguage(self, u.ID)
		must(t, err)
		if got != want {
			t.Errorf("language %q, want %q", got, want)
		}
	}
	must(t, ls.SetUserLanguage(self, u.ID, "uk"))
	checkRefusals(t, s, []refusal{
		{"another user's", parley.ENOTFOUND, "", nil, func() error { return ls.SetUserLanguage(callerCtx(other), u.ID, "ru") }},
		{"not a tag", parley.EINVALID, "language", nil, func() error { return ls.SetUserLanguage(self, u.ID, "Українська") }},
		{"no such user", parley.EINVALID, "user_id", nil, func() error { return ls.SetUserLanguage(ctx, 9999, "uk") }},
	})
	if _, err := ls.UserLanguage(callerCtx(other), u.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("another user reads the language: %v", err)
	}
	if got, err := ls.UserLanguage(ctx, u.ID); err != nil || got != "uk" {
		t.Errorf("the system reads %q, %v", got, err)
	}
}

func testCalendarFeeds(t *testing.T, s parley.Store) {
	fs, ok := s.(parley.CalendarFeedService)
	if !ok {
		t.Skip("the store keeps no calendar feeds")
	}
	u := &parley.User{Email: "mediator@demo.parley", Name: "Mediator"}
	must(t, s.CreateUser(ctx, u))
	other := &parley.User{Email: "ua@demo.parley", Name: "Delegate"}
	must(t, s.CreateUser(ctx, other))
	self := callerCtx(u)
	feed := func(c context.Context, user int64, secret string) (*parley.CalendarFeed, error) {
		h := sha256.Sum256([]byte(secret))
		f := &parley.CalendarFeed{SecretHash: h[:], UserID: user}
		return f, fs.CreateCalendarFeed(c, f)
	}
	a, err := feed(self, u.ID, "feed a")
	must(t, err)
	if a.ID <= 0 || a.CreatedAt.IsZero() || a.RevokedAt != nil {
		t.Fatalf("CreateCalendarFeed: %+v", a)
	}
	b, err := feed(self, u.ID, "feed b")
	must(t, err)
	list, err := fs.FindCalendarFeeds(self, u.ID)
	must(t, err)
	diff(t, "feeds", []*parley.CalendarFeed{a, b}, list)
	got, err := fs.FindCalendarFeedByHash(ctx, a.SecretHash)
	must(t, err)
	diff(t, "feed by hash", a, got)
	if _, err := fs.FindCalendarFeedByHash(self, a.SecretHash); parley.ErrorCode(err) != parley.EFORBIDDEN {
		t.Errorf("a user looks a feed up by its hash: %v", err)
	}
	if _, err := fs.FindCalendarFeeds(callerCtx(other), u.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("another user lists the feeds: %v", err)
	}
	if _, err := fs.RevokeCalendarFeed(callerCtx(other), a.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("another user revokes a feed: %v", err)
	}
	r, err := fs.RevokeCalendarFeed(self, a.ID)
	must(t, err)
	if r.RevokedAt == nil {
		t.Fatalf("revoked: %+v", r)
	}
	again, err := fs.RevokeCalendarFeed(self, a.ID)
	must(t, err)
	if !again.RevokedAt.Equal(*r.RevokedAt) {
		t.Errorf("a second revocation moved the time")
	}
	got, err = fs.FindCalendarFeedByHash(ctx, a.SecretHash)
	must(t, err)
	if got.RevokedAt == nil {
		t.Errorf("the revoked feed found unrevoked")
	}
	checkRefusals(t, s, []refusal{
		{"the same secret", parley.ECONFLICT, "", nil, func() error { _, err := feed(self, u.ID, "feed b"); return err }},
		{"for another user", parley.ENOTFOUND, "", nil, func() error { _, err := feed(self, other.ID, "feed c"); return err }},
		{"a short hash", parley.EINVALID, "", nil, func() error {
			return fs.CreateCalendarFeed(self, &parley.CalendarFeed{SecretHash: []byte("short"), UserID: u.ID})
		}},
	})
	h := sha256.Sum256([]byte("no such feed"))
	if _, err := fs.FindCalendarFeedByHash(ctx, h[:]); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("an unknown secret: %v", err)
	}
}

// formatsTamperExtras gives the tamper suite's fixture a row of each
// table of formats.go's (the demo's venues have their time zones).
func formatsTamperExtras(t *testing.T, s parley.Store) {
	t.Helper()
	users, _, err := s.FindUsers(ctx, parley.Page{Limit: 2})
	must(t, err)
	if len(users) == 0 {
		t.Fatal("the tamper fixture has no user")
	}
	must(t, s.(parley.LanguageService).SetUserLanguage(ctx, users[0].ID, "uk"))
	h := sha256.Sum256([]byte("tamper suite feed"))
	must(t, s.(parley.CalendarFeedService).CreateCalendarFeed(ctx, &parley.CalendarFeed{SecretHash: h[:], UserID: users[0].ID}))
}

func init() {
	// The tamper suite's readers of formats.go's tables: the reads that
	// serve their rows, as System.
	readers["user_languages"] = func(s parley.Store, r map[string]any) error {
		_, err := s.(parley.LanguageService).UserLanguage(ctx, rowInt(r, "user_id"))
		return err
	}
	readers["venue_time_zones"] = func(s parley.Store, r map[string]any) error {
		_, err := s.FindVenueByID(ctx, rowInt(r, "venue_id"))
		return err
	}
	readers["calendar_feeds"] = func(s parley.Store, r map[string]any) error {
		h, _ := r["secret_hash"].([]byte)
		_, err := s.(parley.CalendarFeedService).FindCalendarFeedByHash(ctx, h)
		return err
	}
}
