// Package export writes the files a reader downloads — a side's list, the
// matches and the reconciliation of an exchange as CSV or .xlsx, a
// negotiating text and a track's briefing pack as PDF, Word, Markdown or
// HTML, a meeting as iCalendar — in the reader's language, and sends them.
//
// # What a file holds
//
// A file holds what its caller reads and nothing more: each is made from
// the same reads as the page that links it (package action: ReadExchange;
// package briefing: Gather), through the store, as the caller. A route
// that serves a file has its row in the authorisation matrix like any
// other, and the tests read the files back (spreadsheets, PDF text, DOCX
// XML) to check that a delegate's never holds another party's sealed
// data.
//
// # Language
//
// Language picks the file's language: the lang query parameter (the pages'
// links carry the page's), else the language the caller chose (kept with
// the account, or for a reader not signed in in the pages' cookie), else
// the request's Accept-Language, else English. Every file says its language:
// PDF and DOCX inside, HTML on <html lang>, and every answer in its
// Content-Language header; Markdown, CSV and iCalendar have no place for
// it but the header.
//
// # Sending
//
// Send builds the whole file before it writes a byte, so a failure is an
// error page or a problem document, never half a file; the file goes out
// as an attachment with its name (RFC 6266, UTF-8 names encoded), never
// cached (Cache-Control: no-store: it holds sealed data).
package export

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/problem"
)

// LangCookie is the cookie in which the pages keep the reader's choice of
// language.
const LangCookie = "parley_lang"

// Language is the language of r's answer: ?lang=, else the language its
// signed-in caller chose (kept with the account, when ls keeps languages;
// ls may be nil), else the LangCookie, else Accept-Language, else English.
// A choice that names no language of ours is passed over.
func Language(r *http.Request, ls parley.LanguageService) i18n.Lang {
	if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	if c := parley.CallerFromContext(r.Context()); ls != nil && c.User != nil {
		if tag, err := ls.UserLanguage(r.Context(), c.User.ID); err == nil {
			if l, ok := i18n.Parse(tag); ok {
				return l
			}
		}
	}
	if c, err := r.Cookie(LangCookie); err == nil {
		if l, ok := i18n.Parse(c.Value); ok {
			return l
		}
	}
	return i18n.Negotiate(r.Header.Get("Accept-Language"))
}

// Format is a kind of file.
type Format struct {
	Name  string // as the format parameter names it
	Media string // the media type
	Ext   string // the file name's extension, with its dot
}

// The formats.
var (
	CSV      = Format{"csv", "text/csv; charset=utf-8", ".csv"}
	XLSX     = Format{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"}
	PDF      = Format{"pdf", "application/pdf", ".pdf"}
	DOCX     = Format{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"}
	Markdown = Format{"md", "text/markdown; charset=utf-8", ".md"}
	HTML     = Format{"html", "text/html; charset=utf-8", ".html"}
	ICS      = Format{"ics", "text/calendar; charset=utf-8", ".ics"}
	ZIP      = Format{"zip", "application/zip", ".zip"}
)

// MediaType is the format's media type without its parameters.
func (f Format) MediaType() string {
	mt, _, _ := strings.Cut(f.Media, ";")
	return mt
}

// ChooseFormat is the format the request's query parameter param
// ("format") names among allowed; the first when it names none. A format
// not allowed is EINVALID.
func ChooseFormat(r *http.Request, param string, allowed ...Format) (Format, error) {
	name := r.URL.Query().Get(param)
	if name == "" {
		return allowed[0], nil
	}
	names := make([]string, len(allowed))
	for i, f := range allowed {
		if f.Name == name {
			return f, nil
		}
		names[i] = f.Name
	}
	return Format{}, parley.Errorf(parley.EINVALID, param, "query parameter %q must be one of %s, not %q", param, strings.Join(names, ", "), name)
}

// FormatParam documents a route's format parameter for the formats
// allowed, the first the default.
func FormatParam(allowed ...Format) map[string]any {
	names := make([]string, len(allowed))
	for i, f := range allowed {
		names[i] = f.Name
	}
	return map[string]any{"type": "string", "enum": names, "default": names[0]}
}

// Medias lists the formats' media types for a route's Media.
func Medias(fs ...Format) string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.MediaType()
	}
	return strings.Join(slices.Compact(out), ", ")
}

// LangParam documents the lang parameter.
var LangParam = map[string]any{"type": "string", "enum": []string{"en", "uk", "ru", "ar"}}

// Send writes the file write makes as an attachment named name (without
// its extension, which the format adds), in language l.
func Send(w http.ResponseWriter, name string, f Format, l i18n.Lang, write func(io.Writer) error) error {
	return send(w, http.StatusOK, name, f, l, write)
}

// SendRefusal writes a file that explains a refusal — a list's rejected
// rows — as Send does, with the status 400: nothing was done.
func SendRefusal(w http.ResponseWriter, name string, f Format, l i18n.Lang, write func(io.Writer) error) error {
	return send(w, http.StatusBadRequest, name, f, l, write)
}

func send(w http.ResponseWriter, status int, name string, f Format, l i18n.Lang, write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", f.Media)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": fileName(name) + f.Ext}))
	h.Set("Content-Language", string(l))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if _, err := w.Write(b.Bytes()); err != nil {
		return problem.ResponseStarted{Err: err}
	}
	return nil
}

// fileName makes a title a file's name: no path separators or control
// characters, spaces as they are, at most 100 letters.
func fileName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20, r == 0x7f, strings.ContainsRune(`/\:*?"<>|`, r):
			return '-'
		}
		return r
	}, strings.TrimSpace(s))
	if r := []rune(s); len(r) > 100 {
		s = string(r[:100])
	}
	if s == "" {
		s = "parley"
	}
	return s
}
