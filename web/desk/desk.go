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
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parley-talks/parley"
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

// templates holds one template set per page, the layout plus the page,
// parsed on first use so that a program that never serves a page never
// pays for them.
var templates = sync.OnceValues(func() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "ui/templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(n[len("ui/templates/"):], ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New(base).Funcs(templateFuncs).ParseFS(templateFS, "ui/templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("desk: parse %s: %w", n, err)
		}
		out[base] = t
	}
	return out, nil
})

var templateFuncs = template.FuncMap{
	"date": func(t time.Time) string { return t.UTC().Format("2 Jan 2006") },
	"datetime": func(t time.Time) string {
		return t.UTC().Format("2 Jan 2006, 15:04 UTC")
	},
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
	Title   string
	User    *parley.User
	CSRF    string // the session's CSRF token for forms; "" without a session cookie
	Notice  string // a message after a form, e.g. "Saved."
	Status  int    // the HTTP status; 200 if zero
	Refusal *Refusal

	// RefusalOnTop shows the refusal at the top of the page: its form is
	// not on the page as rendered (a ballot already answered, a version
	// frozen meanwhile, a status that became final).
	RefusalOnTop bool
	refusalShown bool // a form of the page showed the refusal
}

func (b *pageBase) base() *pageBase { return b }

type page interface{ base() *pageBase }

// notices are the messages a page shows after a form, by its ?done=.
var notices = map[string]string{
	"saved":            "Saved.",
	"transition":       "The track's status was changed.",
	"meeting":          "The meeting was added.",
	"event":            "The event was added.",
	"proposal":         "The proposal was put.",
	"response":         "The answer was sent.",
	"withdrawn":        "The proposal was withdrawn.",
	"ballot":           "The ballot was put to the parties.",
	"answer":           "Your answer is recorded.",
	"text":             "The text was started.",
	"version":          "The version was added.",
	"frozen":           "The version was frozen.",
	"agreement":        "The agreement was entered.",
	"agreement-status": "The agreement's status was changed.",
	"renewed":          "The agreement was renewed.",
	"commitment":       "The commitment was added.",
	"report":           "The report was added.",
	"score":            "The score was added.",
	"confirmed":        "The match is confirmed.",
	"shared":           "The match is shared with both sides.",
	"verified":         "The match is verified.",
	"handover":         "The handover is recorded.",
	"imported":         "The list was imported.",
	"opened":           "The case is opened.",
	"advanced":         "The case's next stage is recorded.",
}

// newBase returns the layout data for r's caller.
func newBase(r *http.Request, title string) pageBase {
	return pageBase{Title: title, CSRF: authn.PageCSRF(r), Notice: notices[r.URL.Query().Get("done")],
		User: parley.CallerFromContext(r.Context()).User}
}

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
	t := ts[name]
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
	}
	data := &errorPage{pageBase: newBase(r, p.Title), Message: p.Detail, RequestID: id}
	data.Status = p.Status
	if err := d.render(w, "error", data); err != nil {
		problem.Write(w, r, d.log, id, err)
	}
	return true
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
