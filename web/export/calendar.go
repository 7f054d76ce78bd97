package export

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/calendar"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/action"
)

// Calendars: one meeting as an .ics file, or a user's feed. An event's
// times are in its venue's zone (UTC for a meeting without a venue or a
// venue without a zone), its UID names the meeting on this server, and it
// links the track's page.

// FeedRefresh is how often a calendar program should fetch a feed again.
const FeedRefresh = time.Hour

// Site is where the server is reached, for the UIDs and links of
// calendar events: its public URL when configured, else the request's.
type Site struct {
	Origin string // scheme://host[:port]
	Host   string // the host, for UIDs
}

// SiteOf is the site of r, or public when it is set (a URL's origin).
func SiteOf(r *http.Request, public string) Site {
	origin := public
	if origin == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		origin = scheme + "://" + r.Host
	}
	origin = strings.TrimRight(origin, "/")
	host := origin
	if _, rest, ok := strings.Cut(origin, "://"); ok {
		host = rest
	}
	if i := strings.LastIndexByte(host, ':'); i > 0 && !strings.HasSuffix(host, "]") {
		host = host[:i]
	}
	if host == "" {
		host = "parley.invalid"
	}
	return Site{Origin: origin, Host: host}
}

// MeetingEvent is a meeting as a calendar event, in p's language.
func MeetingEvent(p *i18n.Printer, s Site, m action.FeedMeeting) calendar.Event {
	ev := calendar.Event{UID: calendar.UID("meeting", m.Meeting.ID, s.Host), Start: m.Meeting.StartsAt, Summary: m.Meeting.Title,
		Description: p.T("{format} meeting of the track {track}", "format", p.Word(i18n.MeetingFormat, string(m.Meeting.Format)), "track", m.Track.Title),
		URL:         fmt.Sprintf("%s/tracks/%d", s.Origin, m.Track.ID), Updated: m.Meeting.UpdatedAt, Categories: []string{m.Track.Title},
		Zone: time.UTC}
	if m.Meeting.EndsAt != nil {
		ev.End = *m.Meeting.EndsAt
	}
	if v := m.Venue; v != nil {
		ev.Location = v.Name
		if v.City != "" && v.City != v.Name {
			ev.Location += ", " + v.City
		}
		ev.Zone = v.Location()
	}
	if m.Meeting.Outcome != "" {
		ev.Description += "\n" + m.Meeting.Outcome
	}
	return ev
}

// Calendar is a calendar of meetings named name, in language l.
func Calendar(l i18n.Lang, s Site, name string, feed bool, ms []action.FeedMeeting) calendar.Calendar {
	p := i18n.New(l)
	c := calendar.Calendar{ProdID: "-//Parley//Parley//" + strings.ToUpper(string(l)), Name: name}
	if feed {
		c.Refresh = FeedRefresh
	}
	for _, m := range ms {
		c.Events = append(c.Events, MeetingEvent(p, s, m))
	}
	return c
}

// FeedName is the name of a user's feed.
func FeedName(p *i18n.Printer, u *parley.User) string {
	return p.T("Parley: meetings of {name}", "name", u.Name)
}
