package api

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/calendar"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/spreadsheet"
	"github.com/parley-talks/parley/web/export"
	"github.com/parley-talks/parley/web/route"
)

// The downloads (package export): a text's version and a track's
// briefing pack as documents, an exchange's tables as CSV or .xlsx, a
// meeting as iCalendar. Each reads through the store as its caller, as
// the page that links it does, and is written in the language the
// request asks for (export.Language).

// Query parameters of the downloads.
var (
	langParam  = route.Param{Name: "lang", Description: "the file's language (else the pages' choice, Accept-Language, English)", Schema: export.LangParam}
	tableParam = route.Param{Name: "table", Description: "for CSV, the one table: list-<party id>, matches or reconciliation (those the caller reads); for .xlsx, one table instead of all",
		Schema: map[string]any{"type": "string", "pattern": "^(list-[1-9][0-9]*|matches|reconciliation)$"}}
	sheetParam      = route.Param{Name: "sheet", Description: "a workbook's sheet to read (when it has several with data)", Schema: map[string]any{"type": "string"}}
	rejectionsParam = route.Param{Name: "rejections", Description: "answer a list refused for its rows with the file of every rejection (csv or xlsx) instead of a problem document",
		Schema: export.FormatParam(export.CSV, export.XLSX)}
	tableFormats = []export.Format{export.XLSX, export.CSV}
)

// exportVersion answers a text's version as a document in format f.
func (a *API) exportVersion(f export.Format) route.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := route.PathID(r, "id")
		if err != nil {
			return err
		}
		l := export.Language(r)
		d, err := export.VersionDocument(r.Context(), a.store, i18n.New(l), id)
		if err != nil {
			return err
		}
		return export.Send(w, d.Title, f, l, func(out io.Writer) error { return export.WriteDocument(out, f, d) })
	}
}

// exportBriefing answers a track's briefing pack for its caller.
func (a *API) exportBriefing(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	f, err := export.ChooseFormat(r, "format", export.DocumentFormats...)
	if err != nil {
		return err
	}
	l := export.Language(r)
	d, err := export.BriefingDocument(r.Context(), a.store, a.actions, i18n.New(l), id)
	if err != nil {
		return err
	}
	return export.Send(w, d.Title, f, l, func(out io.Writer) error { return export.WriteDocument(out, f, d) })
}

// exportExchange answers an exchange's tables the caller reads: all of
// them, or the one named, as .xlsx; one as CSV.
func (a *API) exportExchange(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	f, err := export.ChooseFormat(r, "format", tableFormats...)
	if err != nil {
		return err
	}
	table := r.URL.Query().Get("table")
	if f == export.CSV && table == "" {
		return parley.Errorf(parley.EINVALID, "table", "a CSV file holds one table: name it with the table parameter (list-<party id>, matches or reconciliation)")
	}
	ctx := r.Context()
	v, err := a.actions.ReadExchange(ctx, id)
	if err != nil {
		return err
	}
	names, err := a.actions.PartyNames(ctx)
	if err != nil {
		return err
	}
	l := export.Language(r)
	keys, tables := export.ExchangeTables(i18n.New(l), v, names)
	if len(tables) == 0 {
		return parley.Errorf(parley.ENOTFOUND, "", "exchange %d has no lists you read", id)
	}
	if table != "" {
		i := slices.Index(keys, table)
		if i < 0 {
			// A table the caller does not read is as one that does not exist.
			return parley.Errorf(parley.ENOTFOUND, "table", "exchange %d has no table %q you read", id, table)
		}
		tables = tables[i : i+1]
	}
	name := v.Exchange.Title
	if table != "" {
		name += " — " + tables[0].Name
	}
	return export.Send(w, name, f, l, func(out io.Writer) error {
		if f == export.CSV {
			return spreadsheet.WriteCSV(out, tables[0], spreadsheet.CSVOptions{BOM: true})
		}
		return spreadsheet.WriteXLSX(out, tables...)
	})
}

// exportMeeting answers a meeting as an iCalendar event. The route's
// policy has found the meeting on a track the caller sees (else 404).
func (a *API) exportMeeting(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	m, err := a.store.FindMeetingByID(ctx, id)
	if err != nil {
		return err
	}
	t, err := a.store.FindTrackByID(ctx, m.TrackID)
	if err != nil {
		return err
	}
	l := export.Language(r)
	p := i18n.New(l)
	ev := calendar.Event{UID: calendar.UID("meeting", m.ID, hostName(r)), Start: m.StartsAt, Summary: m.Title,
		Description: p.T("{format} meeting of the track {track}", "format", p.Word(i18n.MeetingFormat, string(m.Format)), "track", t.Title),
		URL:         fmt.Sprintf("%s/tracks/%d", origin(r), t.ID), Updated: m.UpdatedAt, Categories: []string{t.Title}}
	if m.EndsAt != nil {
		ev.End = *m.EndsAt
	}
	if m.VenueID != nil {
		v, err := a.store.FindVenueByID(ctx, *m.VenueID)
		if err != nil {
			return err
		}
		ev.Location = v.Name
	}
	if m.Outcome != "" {
		ev.Description += "\n" + m.Outcome
	}
	c := calendar.Calendar{ProdID: "-//Parley//Parley//" + strings.ToUpper(string(l)), Name: m.Title, Events: []calendar.Event{ev}}
	return export.Send(w, m.Title, export.ICS, l, func(out io.Writer) error { return calendar.Write(out, c) })
}

// hostName is the server's name as the request reached it, for the UIDs
// of calendar events.
func hostName(r *http.Request) string {
	h := r.Host
	if i := strings.LastIndexByte(h, ':'); i > 0 && !strings.HasSuffix(h, "]") {
		h = h[:i]
	}
	if h == "" {
		return "parley.invalid"
	}
	return h
}

// origin is the server's origin as the request reached it.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
