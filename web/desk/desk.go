// Package desk serves the mediator's desk: server-rendered pages for
// browsers over the same store, the same use cases (package action) and
// the same guard (package route) as the JSON API. Pages are html/template
// templates and static assets embedded in the binary (ui/); they work
// without JavaScript, except the live what-if of the analysis page, which
// ui/static/desk.js drives (without it, the what-if form posts and the
// page comes back recomputed).
//
// # Routes
//
// Routes (routes.go) is the pages' one route table: every page and form
// with its policy, so the route-walk tests cover pages as they cover the
// API. A page answers a browser (Accept: text/html) with HTML: a refusal
// to sign in becomes a redirect to the sign-in page, and any other error
// an error page with the problem's message (Failure). Other clients get
// problem documents, as from the API.
//
// # Forms
//
// A form decodes (package form) into the use case's own input type, by
// the same json tags the API's JSON body uses, and runs the use case
// (submit). A refused form comes back through one path (refusal.go): the
// page it is on is rendered again with what the person typed and the
// refusal beside the field it names, with the status of the refusal;
// nothing was stored. Forms carry the session's CSRF token (csrf_token),
// which authn.LiftFormCSRF hands to the guard.
//
// # What a page shows
//
// The store decides what the caller reads: every record a page shows
// comes from it, under the caller's context. Which controls a page offers
// (the mediators' forms, a delegate's answer buttons) comes from one
// helper, accessTo (access.go); the store checks every write again.
//
// # Languages
//
// Every page is written in the reader's language (lang.go): the choice
// made with the language switch on every page (a cookie), else the
// browser's Accept-Language, else English. The templates say nothing
// themselves: every word goes through the language's printer (package
// i18n: t, n, word, and number, date… for values), the page says its
// language and direction in <html lang dir>, and a refusal or an error
// page writes the domain's message in the reader's language (errorText).
// A form's values (an input's value) keep the form's own notation.
//
// # Content Security Policy
//
// Pages are served with pageContentSecurityPolicy: scripts and styles from
// this origin only, no inline script or style, no frames.
package desk

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/briefing"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/authn"
	"github.com/parley-talks/parley/web/form"
	"github.com/parley-talks/parley/web/middleware"
	"github.com/parley-talks/parley/web/problem"
	"github.com/parley-talks/parley/web/route"
)

//go:embed ui/templates/*.html
var templateFS embed.FS

//go:embed ui/static
var staticFS embed.FS

// pageContentSecurityPolicy is the CSP of every page.
const pageContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// Desk is the pages over one store.
type Desk struct {
	store   parley.Store
	actions *action.Actions
	auth    *authn.Auth // nil: the server's Authenticator keeps no accounts (tests of the HTTP layer)
	log     *slog.Logger
	forms   *form.Decoder
}

// New returns the desk over store. auth may be nil (an Authenticator that
// keeps no accounts): the sign-in page then answers 503.
func New(store parley.Store, actions *action.Actions, auth *authn.Auth, log *slog.Logger) *Desk {
	return &Desk{store: store, actions: actions, auth: auth, log: log, forms: newDecoder()}
}

// templates holds, for each language, one template set per page, the
// layout plus the page, with the language's printer in its functions
// (t, n, word, number, decimal, date, datetime, day). They are parsed on
// first use so that a program that never serves a page never pays for
// them.
var templates = sync.OnceValues(func() (map[i18n.Lang]map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "ui/templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[i18n.Lang]map[string]*template.Template{}
	for _, l := range i18n.Supported {
		funcs := pageFuncs(i18n.New(l))
		out[l] = map[string]*template.Template{}
		for _, n := range names {
			base := strings.TrimSuffix(n[len("ui/templates/"):], ".html")
			if base == "layout" {
				continue
			}
			t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "ui/templates/layout.html", n)
			if err != nil {
				return nil, fmt.Errorf("desk: parse %s: %w", n, err)
			}
			out[l][base] = t
		}
	}
	return out, nil
})

// pageFuncs are the templates' functions in p's language. Values a form
// sends back (an input's value) are written by num and fixed, in the
// form's own notation; what a page shows is written by number, decimal,
// date, datetime and day, in the reader's.
func pageFuncs(p *i18n.Printer) template.FuncMap {
	funcs := template.FuncMap{}
	for k, v := range p.FuncMap() {
		funcs[k] = v
	}
	for k, v := range templateFuncs {
		funcs[k] = v
	}
	// word is a value of the domain (a status, a role…) in words; its
	// context is one of i18n's (i18n.TrackStatus…).
	funcs["word"] = func(context string, v any) string { return p.Word(context, fmt.Sprint(v)) }
	funcs["date"] = func(t time.Time) string { return p.Date(t.UTC()) }
	// percent is a share (0–1) as a whole percentage.
	funcs["percent"] = func(x float64) string { return p.T("{n}%", "n", p.Decimal(x*100, 0)) }
	// count is a count kept as decimal text (it may pass int64), as the
	// language writes numbers when it fits an int64.
	funcs["count"] = func(s string) string {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return p.Number(n)
		}
		if x, err := strconv.ParseFloat(s, 64); err == nil {
			return p.Float(x)
		}
		return s
	}
	// reason is a status change's reason: the store's own words for a
	// record's first status (systemReasons) in the reader's language, the
	// reason a person wrote as it is.
	funcs["reason"] = func(s string) string { return p.Word("system reason", s) }
	// langname is a language's name in itself for Parley's languages, its
	// tag for any other.
	funcs["langname"] = i18n.LanguageName
	funcs["reasons"] = func(w *parley.Warning) []string { return briefing.WarningReasons(p, w) }
	funcs["datetime"] = func(t time.Time) string { return p.DateTime(t.UTC()) }
	// day is a calendar date kept as text (YYYY-MM-DD), in words; text
	// that is no such date is shown as it is.
	funcs["day"] = func(s string) string {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return s
		}
		return p.Date(d)
	}
	return funcs
}

var templateFuncs = template.FuncMap{
	"isodate": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"num": func(x float64) string {
		return strconv.FormatFloat(x, 'f', -1, 64)
	},
	"fixed": func(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) },
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"add": func(a, b int) int { return a + b },
	// join lists names: "Energy, Prisoners".
	"join": func(s []string) string { return strings.Join(s, ", ") },
	// deref is the id a pointer holds (print would write the pointer).
	"deref": func(p *int64) int64 { return *p },
	// agrclass is an agreement status as a CSS class: "in force" → "in-force".
	"agrclass": func(s parley.AgreementStatus) string { return strings.ReplaceAll(string(s), " ", "-") },
	"venue": func(names map[int64]string, id *int64) string {
		if id == nil {
			return ""
		}
		return names[*id]
	},
	// choice is a theme's option as a form value (see newDecoder).
	"choice": func(theme, option string) (string, error) {
		b, err := json.Marshal(parley.Choice{Theme: theme, Option: option})
		return string(b), err
	},
}

// pageBase is what every page's layout needs.
type pageBase struct {
	Lang    i18n.Lang
	Path    string // the page's path and query, where the language switch returns
	Title   string
	User    *parley.User
	CSRF    string // the session's CSRF token for forms; "" without a session cookie
	Notice  string // a message after a form, e.g. "Saved."
	Status  int    // the HTTP status; 200 if zero
	Refusal *Refusal
	// SecondFactorNeeded: a track the caller is a member of requires a
	// second factor, which the caller has not set up.
	SecondFactorNeeded bool

	// RefusalOnTop shows the refusal at the top of the page: its form is
	// not on the page as rendered (a ballot already answered, a version
	// frozen meanwhile, a status that became final).
	RefusalOnTop bool
	refusalShown bool // a form of the page showed the refusal

	p *i18n.Printer
}

func (b *pageBase) base() *pageBase { return b }

type page interface{ base() *pageBase }

// notices are the messages a page shows after a form, by its ?done=.
func notice(p *i18n.Printer, done string) string {
	switch done {
	case "":
		return ""
	case "saved":
		return p.T("Saved.")
	case "transition":
		return p.T("The track's status was changed.")
	case "meeting":
		return p.T("The meeting was added.")
	case "event":
		return p.T("The event was added.")
	case "proposal":
		return p.T("The proposal was put.")
	case "response":
		return p.T("The answer was sent.")
	case "withdrawn":
		return p.T("The proposal was withdrawn.")
	case "ballot":
		return p.T("The ballot was put to the parties.")
	case "answer":
		return p.T("Your answer is recorded.")
	case "text":
		return p.T("The text was started.")
	case "version":
		return p.T("The version was added.")
	case "frozen":
		return p.T("The version was frozen.")
	case "agreement":
		return p.T("The agreement was entered.")
	case "agreement-status":
		return p.T("The agreement's status was changed.")
	case "renewed":
		return p.T("The agreement was renewed.")
	case "commitment":
		return p.T("The commitment was added.")
	case "report":
		return p.T("The report was added.")
	case "score":
		return p.T("The score was added.")
	case "confirmed":
		return p.T("The match is confirmed.")
	case "shared":
		return p.T("The match is shared with both sides.")
	case "verified":
		return p.T("The match is verified.")
	case "handover":
		return p.T("The handover is recorded.")
	case "imported":
		return p.T("The list was imported.")
	case "scenario":
		return p.T("The profiles were stored from the uploaded files.")
	case "opened":
		return p.T("The case is opened.")
	case "advanced":
		return p.T("The case's next stage is recorded.")
	case "revoked":
		return p.T("The feed is revoked.")
	case "required":
		return p.T("A track you are a member of requires a second factor: set up an authenticator app to read it.")
	case "note":
		return p.T("The note was added.")
	case "totp-removed":
		return p.T("The authenticator app is removed.")
	case "welcome":
		return p.T("Welcome to Parley. Add a second factor now, so that a stolen password alone opens nothing; the map of your talks is one click away.")
	case "linked":
		return p.T("The tracks are linked.")
	case "link-status":
		return p.T("The link's status was changed.")
	case "track-opened":
		return p.T("The track is open. Add its parties, venues, themes and members.")
	}
	return ""
}

// newBase returns the layout data for r's caller, in r's language, with
// the page's title.
func newBase(r *http.Request, title i18n.Message) pageBase {
	l := languageOf(r)
	p := i18n.New(l)
	c := parley.CallerFromContext(r.Context())
	return pageBase{Lang: l, p: p, Path: pagePath(r), Title: p.Message(title), CSRF: authn.PageCSRF(r),
		Notice: notice(p, r.URL.Query().Get("done")), User: c.User, SecondFactorNeeded: c != nil && len(c.Withheld) > 0}
}

// pagePath is the page a request shows, where the language switch
// returns: the path asked for, or for a form shown again after a refusal
// (a POST) the page the form was sent from.
func pagePath(r *http.Request) string {
	if r.Method == "GET" || r.Method == "HEAD" {
		return r.URL.RequestURI()
	}
	if u, err := url.Parse(r.Referer()); err == nil && u.Host == r.Host {
		return localPath(u.RequestURI())
	}
	return "/map"
}

// T is the page's words in its language, for the page's Go code.
func (b *pageBase) T(key string, args ...any) string { return b.p.T(key, args...) }

// render writes the page (or, with name "page#block", one block of it).
func (d *Desk) render(w http.ResponseWriter, name string, data page) error {
	block := "layout"
	if n, b, ok := strings.Cut(name, "#"); ok {
		name, block = n, b
	}
	ts, err := templates()
	if err != nil {
		return err
	}
	t := ts[data.base().Lang][name]
	if t == nil {
		return fmt.Errorf("desk: no page template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, data); err != nil {
		return fmt.Errorf("desk: render %s: %w", name, err)
	}
	if b := data.base(); b.Refusal != nil && !b.refusalShown && block == "layout" {
		b.RefusalOnTop = true
		buf.Reset()
		if err := t.ExecuteTemplate(&buf, block, data); err != nil {
			return fmt.Errorf("desk: render %s: %w", name, err)
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", string(data.base().Lang))
	h.Add("Vary", "Accept-Language, Cookie")
	h.Set("Content-Security-Policy", pageContentSecurityPolicy)
	// Forms must send their Origin, which no-referrer turns into "null".
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	status := data.base().Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if _, err := w.Write(buf.Bytes()); err != nil {
		return problem.ResponseStarted{Err: err}
	}
	return nil
}

// IsPage reports whether r asks a page (not the API) for a browser.
func IsPage(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/healthz" || strings.HasPrefix(r.URL.Path, "/static/") {
		return false
	}
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// errorPage is the page of a refused or failed request.
type errorPage struct {
	pageBase
	Message   string
	RequestID string
}

// Failure answers a browser's failed page request with HTML: 401 is a
// redirect to the sign-in page, "/" a redirect to the map, anything else
// an error page with the message a problem document would carry (never an
// internal error's detail, which goes to the log). It reports false for
// requests that are not for pages; the caller then writes a problem
// document.
func (d *Desk) Failure(w http.ResponseWriter, r *http.Request, err error) bool {
	if !IsPage(r) {
		return false
	}
	id := middleware.RequestID(r.Context())
	p := problem.Log(r, d.log, id, err)
	switch {
	case p.Status == http.StatusUnauthorized && r.Method == "GET":
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return true
	case p.Status == http.StatusNotFound && r.URL.Path == "/" && r.Method == "GET":
		http.Redirect(w, r, "/map", http.StatusSeeOther)
		return true
	case p.Status == http.StatusNotFound && r.Method == "GET" && withheldTrack(r):
		http.Redirect(w, r, "/account/security?done=required", http.StatusSeeOther)
		return true
	}
	data := &errorPage{pageBase: newBase(r, i18n.M("http status::"+p.Title)), RequestID: id}
	data.Message = errorText(data.p, err)
	data.Status = p.Status
	if err := d.render(w, "error", data); err != nil {
		problem.Write(w, r, d.log, id, err)
	}
	return true
}

// withheldTrack reports whether r asks for a track page of a track on
// which the caller's grant is withheld until it sets up a second factor:
// such a member is sent to the security page, never shown the track.
func withheldTrack(r *http.Request) bool {
	if !strings.HasPrefix(r.URL.Path, "/tracks/") {
		return false
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return err == nil && slices.Contains(parley.CallerFromContext(r.Context()).Withheld, id)
}

// parseForm reads a page's url-encoded form.
func parseForm(r *http.Request) error {
	if mt := mediaType(r); mt != "application/x-www-form-urlencoded" {
		return problem.UnsupportedMediaType("a page's form must be sent as application/x-www-form-urlencoded")
	}
	return r.ParseForm()
}

// localPath returns next if it is a path on this site, else the map: a
// sign-in must not send the browser elsewhere.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/map"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/map"
	}
	return next
}

// serveStatic serves an embedded asset.
func serveStatic(name, contentType string) route.Handler {
	data, err := staticFS.ReadFile("ui/static/" + name)
	if err != nil {
		panic(err) // the asset is embedded: a missing one is a build error
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		h := w.Header()
		h.Set("Content-Type", contentType)
		h.Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
		return nil
	}
}
