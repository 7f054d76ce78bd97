package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parley-talks/parley"
)

// The mediator's desk: server-rendered pages over the same store, the same
// route table and the same guard as the API. Pages are html/template
// templates and static assets embedded in the binary (ui/); they work
// without JavaScript, except the live what-if of the analysis page, which
// ui/static/desk.js drives (without it, the what-if form posts and the
// page comes back recomputed).
//
// # Pages and the guard
//
// Every page is a row of the route table (deskRoutes) with its policy, so
// the route-walk tests cover pages as they cover the API. A page answers a
// browser (Accept: text/html) with HTML: a refusal to sign in becomes a
// redirect to the sign-in page, and any other error an error page with the
// problem's message (pageFailure). Other clients get problem documents, as
// from the API.
//
// # Forms and CSRF
//
// Pages change things with POST forms that carry the session's CSRF token
// in the csrf_token field. withFormCSRF lifts that field into the
// X-CSRF-Token header before the guard runs, so the Authenticator checks a
// form exactly as it checks a script's request (origin, Sec-Fetch-Site and
// the token); a form without the token is refused. A multipart/form-data
// form (a file upload) must send the token as its first part — the
// hidden input comes first in the form — so that it is found within
// MaxFormTokenPeekBytes of the body, without reading the file.
//
// # Content Security Policy
//
// Pages are served with pageContentSecurityPolicy: scripts and styles from
// this origin only, no inline script or style, no frames.

//go:embed ui/templates/*.html
var templateFS embed.FS

//go:embed ui/static
var staticFS embed.FS

// pageContentSecurityPolicy is the CSP of every page.
const pageContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// pageTemplates holds one template set per page: the layout plus the page.
var pageTemplates = mustParsePages()

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
}

func mustParsePages() map[string]*template.Template {
	names, err := fs.Glob(templateFS, "ui/templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(n[len("ui/templates/"):], ".html")
		if base == "layout" {
			continue
		}
		t := template.Must(template.New(base).Funcs(templateFuncs).ParseFS(templateFS, "ui/templates/layout.html", n))
		out[base] = t
	}
	return out
}

// pageBase is what every page's layout needs.
type pageBase struct {
	Title  string
	User   *parley.User
	CSRF   string // the session's CSRF token for forms; "" without a session cookie
	Notice string // a message after a form, e.g. "Saved."
	Status int    // the HTTP status; 200 if zero
}

func (b *pageBase) base() *pageBase { return b }

type page interface{ base() *pageBase }

// newBase returns the layout data for r's caller.
func newBase(r *http.Request, title string) pageBase {
	b := pageBase{Title: title}
	b.User = parley.CallerFromContext(r.Context()).User
	if credentialFrom(r.Context()).kind == bySessionCookie {
		if ck, err := r.Cookie(SessionCookieName); err == nil {
			b.CSRF = csrfToken(ck.Value)
		}
	}
	switch r.URL.Query().Get("done") {
	case "saved":
		b.Notice = "Saved."
	case "transition":
		b.Notice = "The track's status was changed."
	case "meeting":
		b.Notice = "The meeting was added."
	case "event":
		b.Notice = "The event was added."
	case "proposal":
		b.Notice = "The proposal was put."
	case "response":
		b.Notice = "The answer was sent."
	case "withdrawn":
		b.Notice = "The proposal was withdrawn."
	case "ballot":
		b.Notice = "The ballot was put to the parties."
	case "text":
		b.Notice = "The text was started."
	case "version":
		b.Notice = "The version was added."
	case "frozen":
		b.Notice = "The version was frozen."
	case "agreement":
		b.Notice = "The agreement was entered."
	case "agreement-status":
		b.Notice = "The agreement's status was changed."
	case "renewed":
		b.Notice = "The agreement was renewed."
	case "commitment":
		b.Notice = "The commitment was added."
	case "report":
		b.Notice = "The report was added."
	case "score":
		b.Notice = "The score was added."
	}
	return b
}

// render writes the page (or, with name "page#block", one block of it).
func (s *Server) render(w http.ResponseWriter, name string, data page) error {
	block := "layout"
	if n, b, ok := strings.Cut(name, "#"); ok {
		name, block = n, b
	}
	t := pageTemplates[name]
	if t == nil {
		return fmt.Errorf("web: no page template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, data); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
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
		return errResponseStarted{err}
	}
	return nil
}

// isPage reports whether r asks for a page (not the API) from a browser.
func isPage(r *http.Request) bool {
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

// pageFailure answers a browser's failed page request with HTML: 401 is a
// redirect to the sign-in page, "/" a redirect to the map, anything else an
// error page with the message a problem document would carry (never an
// internal error's detail). It reports false for requests that are not
// for pages; the caller then writes a problem document.
func (s *Server) pageFailure(w http.ResponseWriter, r *http.Request, err error) bool {
	if !isPage(r) {
		return false
	}
	p := problemFor(err)
	switch {
	case p.Status == http.StatusUnauthorized && r.Method == "GET":
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return true
	case p.Status == http.StatusNotFound && r.URL.Path == "/" && r.Method == "GET":
		http.Redirect(w, r, "/map", http.StatusSeeOther)
		return true
	}
	if p.Status >= 500 {
		writeErrorLog(r, s, err)
	}
	data := &errorPage{pageBase: newBase(r, p.Title), Message: p.Detail, RequestID: requestIDFrom(r.Context())}
	data.Status = p.Status
	if err := s.render(w, "error", data); err != nil {
		writeError(w, r, s.log, err)
	}
	return true
}

// writeErrorLog logs a server error of a page as writeError does for the
// API: the detail goes to the log only.
func writeErrorLog(r *http.Request, s *Server, err error) {
	writeError(discardWriter{}, r, s.log, err)
}

// discardWriter swallows a response.
type discardWriter struct{}

func (discardWriter) Header() http.Header         { return http.Header{} }
func (discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (discardWriter) WriteHeader(int)             {}

// withFormCSRF lifts the csrf_token field of a page's form into the
// X-CSRF-Token header, where the Authenticator checks it. It reads the
// body of url-encoded POSTs to pages only, within the body limit.
func withFormCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" && !strings.HasPrefix(r.URL.Path, "/api/") && r.Header.Get(CSRFHeader) == "" {
			tok := ""
			switch mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt {
			case "application/x-www-form-urlencoded":
				if err := r.ParseForm(); err == nil {
					tok = r.PostForm.Get(CSRFFormField)
				}
			case "multipart/form-data":
				tok = multipartToken(r, params["boundary"])
			}
			if tok != "" {
				r.Header.Set(CSRFHeader, tok)
			}
		}
		next.ServeHTTP(w, r)
	})
}

// multipartToken returns the csrf_token of a multipart form if it is the
// form's first part, reading at most MaxFormTokenPeekBytes of the body
// (within the route's body limit, which applies first). The bytes read are
// put back in front of the rest of the body, so the handler reads the
// whole form as it came, as a stream.
func multipartToken(r *http.Request, boundary string) string {
	if boundary == "" {
		return ""
	}
	var peeked bytes.Buffer
	body := r.Body
	mr := multipart.NewReader(io.LimitReader(io.TeeReader(body, &peeked), MaxFormTokenPeekBytes), boundary)
	tok := ""
	if part, err := mr.NextPart(); err == nil && part.FormName() == CSRFFormField && part.FileName() == "" {
		b, err := io.ReadAll(io.LimitReader(part, maxCSRFTokenBytes+1))
		if err == nil && len(b) <= maxCSRFTokenBytes {
			tok = string(b)
		}
	}
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(&peeked, body), body}
	return tok
}

// parseForm reads a page's url-encoded form.
func parseForm(r *http.Request) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return &httpError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type",
			msg: "a page's form must be sent as application/x-www-form-urlencoded"}
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
func serveStatic(name, contentType string) handlerFunc {
	data, err := staticFS.ReadFile("ui/static/" + name)
	if err != nil {
		panic(err)
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		h := w.Header()
		h.Set("Content-Type", contentType)
		h.Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
		return nil
	}
}

// capture records what a handler writes, for pages that reuse an API
// handler (signing in and out) and pass on only its cookies.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newCapture() *capture                     { return &capture{header: http.Header{}} }
func (c *capture) Header() http.Header         { return c.header }
func (c *capture) Write(b []byte) (int, error) { return c.body.Write(b) }
func (c *capture) WriteHeader(status int)      { c.status = status }
func (c *capture) copyCookies(w http.ResponseWriter) {
	for _, v := range c.header.Values("Set-Cookie") {
		w.Header().Add("Set-Cookie", v)
	}
}

// withJSONBody returns a copy of r whose body is v as JSON.
func withJSONBody(r *http.Request, v any) (*http.Request, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(b))
	r2.ContentLength = int64(len(b))
	r2.Header = r.Header.Clone()
	r2.Header.Set("Content-Type", "application/json")
	return r2, nil
}
