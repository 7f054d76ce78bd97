// Package calendar writes iCalendar (RFC 5545) files: one meeting as an
// .ics file, or a feed of many that a calendar program subscribes to. It
// does no I/O beyond the writer it is given.
//
// # Times
//
// An event's times are written in its zone — the venue's — as local times
// with a TZID parameter, and the calendar carries a VTIMEZONE for each zone
// it uses, so that a calendar program shows the meeting at the right hour
// even when the zone's rules change later or the reader is elsewhere. The
// VTIMEZONE is computed from Go's zone database (IANA): every offset
// change from the year before the first event to the year after the last
// is written as its own observance, with no recurrence rule to interpret.
// Events in UTC are written in UTC ("Z") with no VTIMEZONE.
//
// # Stability
//
// An event's UID names the meeting, not the export ([UID]), so importing
// a meeting twice updates it instead of duplicating it; DTSTAMP is the
// meeting's last change, not the time of export, so the same data always
// makes the same bytes.
//
// # Text
//
// Text values are escaped (backslash, semicolon, comma, line break: RFC
// 5545 §3.3.11), control characters that iCalendar cannot carry are
// dropped, and lines longer than 75 octets are folded without splitting a
// UTF-8 sequence (§3.1). Lines end in CRLF.
package calendar

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one meeting.
type Event struct {
	UID         string    // stable across exports: see [UID]
	Sequence    int       // revision number; a calendar program applies the highest
	Start       time.Time // required
	End         time.Time // zero: none given (the program shows a point in time)
	Zone        *time.Location
	Summary     string
	Location    string
	Description string
	URL         string
	Status      string    // StatusConfirmed, StatusTentative or StatusCancelled; "" for none
	Updated     time.Time // the last change: DTSTAMP and LAST-MODIFIED
	Categories  []string
}

// Event statuses (RFC 5545 §3.8.1.11).
const (
	StatusConfirmed = "CONFIRMED"
	StatusTentative = "TENTATIVE"
	StatusCancelled = "CANCELLED"
)

// Calendar is a set of events: one meeting's .ics, or a feed.
type Calendar struct {
	ProdID string // the product identifier; "" is "-//Parley//Parley//EN"
	Name   string // the calendar's name (RFC 7986 NAME and X-WR-CALNAME), for a feed
	// Refresh, when positive, is how often a subscribing program should
	// fetch the feed again (RFC 7986 REFRESH-INTERVAL).
	Refresh time.Duration
	Events  []Event
}

// UID is the stable identifier of a record in an iCalendar file:
// "<kind>-<id>@<domain>", domain naming the Parley deployment, so that the
// same meeting keeps its UID in every export and feed.
func UID(kind string, id int64, domain string) string {
	return fmt.Sprintf("%s-%d@%s", kind, id, domain)
}

// Write writes the calendar. It refuses an event without a UID or a start,
// or that ends before it starts.
func Write(w io.Writer, c Calendar) error {
	for i, e := range c.Events {
		switch {
		case e.UID == "":
			return fmt.Errorf("calendar: event %d has no UID", i)
		case e.Start.IsZero():
			return fmt.Errorf("calendar: event %d has no start", i)
		case !e.End.IsZero() && e.End.Before(e.Start):
			return fmt.Errorf("calendar: event %d ends before it starts", i)
		}
	}
	bw := bufio.NewWriter(w)
	l := lineWriter{w: bw}
	l.line("BEGIN:VCALENDAR")
	l.line("VERSION:2.0")
	prodID := c.ProdID
	if prodID == "" {
		prodID = "-//Parley//Parley//EN"
	}
	l.prop("PRODID", nil, escapeText(prodID))
	l.line("CALSCALE:GREGORIAN")
	if c.Name != "" {
		l.prop("NAME", nil, escapeText(c.Name))
		l.prop("X-WR-CALNAME", nil, escapeText(c.Name))
	}
	if c.Refresh > 0 {
		l.prop("REFRESH-INTERVAL", []string{"VALUE=DURATION"}, duration(c.Refresh))
	}
	for _, z := range zones(c.Events) {
		writeTimezone(&l, z.loc, z.from, z.to)
	}
	for _, e := range c.Events {
		writeEvent(&l, e)
	}
	l.line("END:VCALENDAR")
	if l.err != nil {
		return l.err
	}
	return bw.Flush()
}

func writeEvent(l *lineWriter, e Event) {
	l.line("BEGIN:VEVENT")
	l.prop("UID", nil, escapeText(e.UID))
	stamp := e.Updated
	if stamp.IsZero() {
		stamp = e.Start
	}
	l.prop("DTSTAMP", nil, utcTime(stamp))
	if !e.Updated.IsZero() {
		l.prop("LAST-MODIFIED", nil, utcTime(e.Updated))
	}
	l.timeProp("DTSTART", e.Start, e.Zone)
	if !e.End.IsZero() {
		l.timeProp("DTEND", e.End, e.Zone)
	}
	if e.Sequence > 0 {
		l.prop("SEQUENCE", nil, fmt.Sprint(e.Sequence))
	}
	if e.Summary != "" {
		l.prop("SUMMARY", nil, escapeText(e.Summary))
	}
	if e.Location != "" {
		l.prop("LOCATION", nil, escapeText(e.Location))
	}
	if e.Description != "" {
		l.prop("DESCRIPTION", nil, escapeText(e.Description))
	}
	if e.URL != "" {
		l.prop("URL", []string{"VALUE=URI"}, e.URL)
	}
	if e.Status != "" {
		l.prop("STATUS", nil, e.Status)
	}
	if len(e.Categories) > 0 {
		cats := make([]string, len(e.Categories))
		for i, c := range e.Categories {
			cats[i] = escapeText(c)
		}
		l.prop("CATEGORIES", nil, strings.Join(cats, ","))
	}
	l.line("END:VEVENT")
}

// utcTime is a DATE-TIME in UTC (§3.3.5, form 2).
func utcTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// duration is a DURATION value (§3.3.6) of whole seconds.
func duration(d time.Duration) string {
	s := int64(d / time.Second)
	var b strings.Builder
	b.WriteString("P")
	if days := s / 86400; days > 0 {
		fmt.Fprintf(&b, "%dD", days)
		s %= 86400
	}
	if s > 0 {
		b.WriteString("T")
		if h := s / 3600; h > 0 {
			fmt.Fprintf(&b, "%dH", h)
		}
		if m := s % 3600 / 60; m > 0 {
			fmt.Fprintf(&b, "%dM", m)
		}
		if sec := s % 60; sec > 0 {
			fmt.Fprintf(&b, "%dS", sec)
		}
	}
	if b.Len() == 1 {
		return "PT0S"
	}
	return b.String()
}

// escapeText escapes a TEXT value (§3.3.11): backslash, semicolon, comma
// and line breaks; other control characters (which TEXT cannot carry) and
// invalid UTF-8 are dropped.
func escapeText(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lineWriter writes content lines, folded at 75 octets (§3.1).
type lineWriter struct {
	w   *bufio.Writer
	err error
}

// maxLine is the longest a line may be, in octets, without its CRLF.
const maxLine = 75

func (l *lineWriter) line(s string) {
	if l.err != nil {
		return
	}
	limit := maxLine
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		l.w.WriteString(s[:cut])
		l.w.WriteString("\r\n ")
		s = s[cut:]
		limit = maxLine - 1 // the leading space of a continuation counts
	}
	l.w.WriteString(s)
	_, l.err = l.w.WriteString("\r\n")
}

func (l *lineWriter) prop(name string, params []string, value string) {
	if len(params) > 0 {
		name += ";" + strings.Join(params, ";")
	}
	l.line(name + ":" + value)
}

// timeProp writes a DATE-TIME in the zone given: local time with its TZID,
// or UTC.
func (l *lineWriter) timeProp(name string, t time.Time, zone *time.Location) {
	if zone == nil || zone == time.UTC {
		l.prop(name, nil, utcTime(t))
		return
	}
	l.prop(name, []string{"TZID=" + paramValue(zone.String())}, t.In(zone).Format("20060102T150405"))
}

// paramValue quotes a parameter value that holds a colon, semicolon or
// comma (§3.2); a double quote, which no value may hold, is dropped.
func paramValue(s string) string {
	s = strings.ReplaceAll(s, `"`, "")
	if strings.ContainsAny(s, ":;,") {
		return `"` + s + `"`
	}
	return s
}

// zoneSpan is a zone the events use and the span of their times in it.
type zoneSpan struct {
	loc      *time.Location
	from, to time.Time
}

// zones are the zones of the events other than UTC, by name, each with the
// span of the events' times.
func zones(events []Event) []zoneSpan {
	byName := map[string]*zoneSpan{}
	for _, e := range events {
		if e.Zone == nil || e.Zone == time.UTC {
			continue
		}
		end := e.End
		if end.IsZero() {
			end = e.Start
		}
		z, ok := byName[e.Zone.String()]
		if !ok {
			byName[e.Zone.String()] = &zoneSpan{e.Zone, e.Start, end}
			continue
		}
		if e.Start.Before(z.from) {
			z.from = e.Start
		}
		if end.After(z.to) {
			z.to = end
		}
	}
	out := make([]zoneSpan, 0, len(byName))
	for _, z := range byName {
		out = append(out, *z)
	}
	slices.SortFunc(out, func(a, b zoneSpan) int { return strings.Compare(a.loc.String(), b.loc.String()) })
	return out
}
