package api

import (
	"io"
	"net/http"
	"slices"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/calendar"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/spreadsheet"
	"github.com/parley-talks/parley/web/action"
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
		l := export.Language(r, a.languages())
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
	l := export.Language(r, a.languages())
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
	l := export.Language(r, a.languages())
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
	fm := action.FeedMeeting{Meeting: m}
	if fm.Track, err = a.store.FindTrackByID(ctx, m.TrackID); err != nil {
		return err
	}
	if m.VenueID != nil {
		if fm.Venue, err = a.store.FindVenueByID(ctx, *m.VenueID); err != nil {
			return err
		}
	}
	l := export.Language(r, a.languages())
	c := export.Calendar(l, export.SiteOf(r, a.actions.PublicOrigin), m.Title, false, []action.FeedMeeting{fm})
	return export.Send(w, m.Title, export.ICS, l, func(out io.Writer) error { return calendar.Write(out, c) })
}

// feed answers a calendar feed: the meetings of every track the feed's
// user sees, read as that user. The secret in the path is the credential;
// a secret that is no feed's, or a revoked feed's, is not found.
func (a *API) feed(w http.ResponseWriter, r *http.Request) error {
	caller, err := a.actions.FeedCaller(r.Context(), r.PathValue("secret"))
	if err != nil {
		return err
	}
	ctx := parley.NewContextWithCaller(r.Context(), caller)
	ms, err := a.actions.FeedMeetings(ctx)
	if err != nil {
		return err
	}
	l := export.Language(r.WithContext(ctx), a.languages())
	c := export.Calendar(l, export.SiteOf(r, a.actions.PublicOrigin), export.FeedName(i18n.New(l), caller.User), true, ms)
	return export.Send(w, "parley", export.ICS, l, func(out io.Writer) error { return calendar.Write(out, c) })
}

// createFeed makes a calendar feed for the caller: its URL, with the
// secret, is in this answer only.
func (a *API) createFeed(w http.ResponseWriter, r *http.Request) error {
	nf, err := a.actions.CreateFeed(r.Context())
	if err != nil {
		return err
	}
	out := feedCreated{Feed: nf.Feed, URL: export.SiteOf(r, a.actions.PublicOrigin).Origin + nf.Path}
	w.Header().Set("Location", "/api/v1/calendar-feeds")
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, out)
}

// listFeeds answers a page of the caller's feeds.
func (a *API) listFeeds(w http.ResponseWriter, r *http.Request) error {
	page, err := route.QueryPage(r)
	if err != nil {
		return err
	}
	fs, err := a.actions.Feeds(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageOf(fs, page))
}

// revokeFeed revokes one of the caller's feeds and answers it.
func (a *API) revokeFeed(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	f, err := a.actions.RevokeFeed(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, f)
}

// feedInput is the body of a new feed: nothing to say yet ({}).
type feedInput struct{}

// feedCreated answers a new feed.
type feedCreated struct {
	Feed *parley.CalendarFeed `json:"feed"`
	URL  string               `json:"url"` // the feed's URL with its secret: shown once
}

// languages keeps the users' languages, if the store does.
func (a *API) languages() parley.LanguageService {
	ls, _ := a.store.(parley.LanguageService)
	return ls
}

// getLanguage answers the caller's choice of language.
func (a *API) getLanguage(w http.ResponseWriter, r *http.Request) error {
	l, err := a.actions.Language(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, action.LanguageInput{Language: l})
}

// setLanguage keeps the caller's choice of language: one Parley speaks,
// or "" to forget it.
func (a *API) setLanguage(w http.ResponseWriter, r *http.Request) error {
	var in action.LanguageInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Language != "" {
		l, ok := i18n.Parse(in.Language)
		if !ok || string(l) != in.Language {
			return parley.Errorf(parley.EINVALID, "language", "language must be one of en, uk, ru and ar, not %q", in.Language)
		}
	}
	if err := a.actions.SetLanguage(r.Context(), in.Language); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, in)
}
