package desk

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/export"
	"github.com/parley-talks/parley/web/problem"
	"github.com/parley-talks/parley/web/route"
)

// The pages' language: the reader's choice (the language switch, kept in
// a cookie), else the browser's Accept-Language, else English (a page's
// ?lang= wins over all, as for the downloads it links). Every page
// says its language and direction (<html lang dir>), writes its words,
// numbers and dates through the language's printer (package i18n), and
// offers the switch.

// langCookieAge is how long the browser keeps the choice.
const langCookieAge = 365 * 24 * time.Hour

// languageKey is the context key of the request's language.
type languageKey struct{}

// languageOf is the language of r's pages: as withLanguage found it, or
// for a request that passed no route of the desk (an error page of the
// guard's) export.Language without the account's choice.
func languageOf(r *http.Request) i18n.Lang {
	if l, ok := r.Context().Value(languageKey{}).(i18n.Lang); ok {
		return l
	}
	return export.Language(r, nil)
}

// withLanguage finds the request's language once (export.Language: ?lang=,
// the account's choice, the cookie, Accept-Language) for h and the pages
// it renders.
func (d *Desk) withLanguage(h route.Handler) route.Handler {
	ls, _ := d.store.(parley.LanguageService)
	return func(w http.ResponseWriter, r *http.Request) error {
		l := export.Language(r, ls)
		return h(w, r.WithContext(context.WithValue(r.Context(), languageKey{}, l)))
	}
}

// languageForm is the language switch: the language chosen and the page
// to go back to.
type languageForm struct {
	Lang string `json:"lang"`
	Next string `json:"next,omitempty"`
}

// chooseLanguage keeps the reader's choice in a cookie and sends the
// browser back to the page it was on. It needs no session (the sign-in
// page has the switch too), so it is refused from another site the way a
// sign-in is.
func (d *Desk) chooseLanguage(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if !d.sameOrigin(r) {
		return parley.Errorf(parley.EFORBIDDEN, "", "a change of language from another site is refused")
	}
	var in languageForm
	if err := d.forms.Decode(r.PostForm, &in); err != nil {
		return err
	}
	l, ok := i18n.Parse(in.Lang)
	if !ok {
		return parley.Errorf(parley.EINVALID, "lang", "choose a language from the list")
	}
	http.SetCookie(w, &http.Cookie{
		Name: export.LangCookie, Value: string(l), Path: "/", MaxAge: int(langCookieAge / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || (d.auth != nil && d.auth.SecureCookies()),
	})
	http.Redirect(w, r, localPath(in.Next), http.StatusSeeOther)
	return nil
}

// chooseAccountLanguage keeps a signed-in reader's choice with the account
// (when the store keeps languages), and in the cookie for the pages seen
// signed out, and sends the browser back.
func (d *Desk) chooseAccountLanguage(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	var in languageForm
	if err := d.forms.Decode(r.PostForm, &in); err != nil {
		return err
	}
	l, ok := i18n.Parse(in.Lang)
	if !ok {
		return parley.Errorf(parley.EINVALID, "lang", "choose a language from the list")
	}
	if ls, keeps := d.store.(parley.LanguageService); keeps {
		if err := ls.SetUserLanguage(r.Context(), parley.CallerFromContext(r.Context()).User.ID, string(l)); err != nil {
			return err
		}
	}
	d.setLanguageCookie(w, r, l)
	http.Redirect(w, r, localPath(in.Next), http.StatusSeeOther)
	return nil
}

// setLanguageCookie keeps the choice in the browser.
func (d *Desk) setLanguageCookie(w http.ResponseWriter, r *http.Request, l i18n.Lang) {
	http.SetCookie(w, &http.Cookie{
		Name: export.LangCookie, Value: string(l), Path: "/", MaxAge: int(langCookieAge / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || (d.auth != nil && d.auth.SecureCookies()),
	})
}

// crossOrigin checks a form without a session when the server keeps no
// accounts (the Authenticator's check otherwise).
var crossOrigin = http.NewCrossOriginProtection()

// sameOrigin reports whether a form that needs no session comes from this
// site and origin, as the sign-in's does.
func (d *Desk) sameOrigin(r *http.Request) bool {
	if d.auth != nil {
		return d.auth.SameOrigin(r)
	}
	return crossOrigin.Check(r) == nil
}

// language is an entry of the language switch.
type language struct {
	Lang    i18n.Lang
	Name    string // in the language itself
	Current bool
}

// Languages are the entries of the page's language switch.
func (b *pageBase) Languages() []language {
	out := make([]language, len(i18n.Supported))
	for i, l := range i18n.Supported {
		out[i] = language{Lang: l, Name: l.Name(), Current: l == b.Lang}
	}
	return out
}

// Dir is the direction of the page's language ("ltr", "rtl").
func (b *pageBase) Dir() string { return b.Lang.Dir() }

// errorWords are the words an error's message may carry as a value that
// the reader's language translates: the records a "not found" names.
var errorWords = i18n.Words("record", "track", "theme", "meeting", "event", "venue", "party", "user", "member",
	"profile", "proposal", "ballot", "text", "version", "exchange", "prisoner", "match", "child case", "agreement",
	"commitment", "report", "note", "token", "session")

// httpTitles are the titles of the error pages, by HTTP status text.
var httpTitles = i18n.Words("http status", "Bad Request", "Unauthorized", "Forbidden", "Not Found", "Method Not Allowed",
	"Conflict", "Request Entity Too Large", "Unsupported Media Type", "Too Many Requests", "Internal Server Error",
	"Service Unavailable")

// errorText is err's message for a page in p's language: a domain error's
// format translated and filled with its values (a record's name among them
// translated), an error of the HTTP layer translated as a whole; anything
// else — whose detail never reaches a reader — "internal error".
func errorText(p *i18n.Printer, err error) string {
	var pe *parley.Error
	if errors.As(err, &pe) && problem.StatusOf(pe.Code) < 500 {
		format, args := pe.MessageFormat()
		if format == "" {
			return p.T(pe.Message)
		}
		out := make([]any, len(args))
		for i, a := range args {
			if s, ok := a.(string); ok {
				a = p.Word("record", s)
			}
			out[i] = a
		}
		return p.Sprintf(format, out...)
	}
	prob := problem.For(err)
	if prob.Status >= 500 && prob.Status != http.StatusServiceUnavailable {
		return p.T("internal error")
	}
	return p.T(prob.Detail)
}
