package desk

import (
	"fmt"
	"net/http"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/export"
)

// The reader's calendar feeds: a secret URL per feed for a calendar
// program to subscribe to (the meetings of every track the reader sees),
// shown once when it is made, and revoked here.

type calendarPage struct {
	pageBase
	Feeds []*parley.CalendarFeed
	New   string // the URL of the feed just made, shown this once
}

func (d *Desk) showCalendar(w http.ResponseWriter, r *http.Request) error {
	return d.renderCalendar(w, r, "")
}

func (d *Desk) renderCalendar(w http.ResponseWriter, r *http.Request, made string) error {
	feeds, err := d.actions.Feeds(r.Context())
	if err != nil {
		return err
	}
	data := &calendarPage{pageBase: newBase(r, i18n.M("Calendar")), Feeds: feeds, New: made}
	return d.render(w, "calendar", data)
}

// createFeed makes a feed and shows its URL on the page it answers with:
// the URL holds the secret, so it is never in a redirect's location.
func (d *Desk) createFeed(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	nf, err := d.actions.CreateFeed(r.Context())
	if err != nil {
		return err
	}
	return d.renderCalendar(w, r, export.SiteOf(r, d.actions.PublicOrigin).Origin+nf.Path)
}

func (d *Desk) revokeFeed(r *http.Request, id int64, _ *buttonForm) (string, error) {
	if _, err := d.actions.RevokeFeed(r.Context(), id); err != nil {
		return "", err
	}
	return seeOther("/account/calendar", "revoked", fmt.Sprintf("feed-%d", id)), nil
}
