package web

import (
	"net/http"
	"net/url"

	"github.com/parley-talks/parley"
)

// Signing in and out from a browser. The forms reuse the API's own
// handlers (signIn with cookie: true, signOut), so throttling, password
// checks, session fixation and cookies are the same code for both.

// signInForm is the sign-in page's form.
type signInForm struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Next     string `json:"next,omitempty"` // where to go after signing in
}

// csrfForm is a form that carries only the CSRF token.
type csrfForm struct {
	CSRFToken string `json:"csrf_token"`
}

type signInPage struct {
	pageBase
	Email   string
	Next    string
	Message string
}

func (s *Server) pageSignIn(w http.ResponseWriter, r *http.Request) error {
	data := &signInPage{pageBase: newBase(r, "Sign in"), Next: localPath(r.URL.Query().Get("next"))}
	return s.render(w, "signin", data)
}

func (s *Server) pageSignInPost(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	// Login CSRF: only this site's own form may sign a browser in.
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return parley.Errorf(parley.EFORBIDDEN, "", "a sign-in from another site is refused")
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		if u, err := url.Parse(origin); err != nil || u.Host != r.Host {
			return parley.Errorf(parley.EFORBIDDEN, "", "a sign-in from another origin is refused")
		}
	}
	in := signInInput{Email: r.PostForm.Get("email"), Password: r.PostForm.Get("password"), Cookie: true}
	next := localPath(r.PostForm.Get("next"))
	r2, err := withJSONBody(r, in)
	if err != nil {
		return err
	}
	rec := newCapture()
	if err := s.signIn(rec, r2); err != nil {
		p := problemFor(err)
		if p.Status >= 500 {
			return err
		}
		if ra := rec.header.Get("Retry-After"); ra != "" {
			w.Header().Set("Retry-After", ra)
		}
		data := &signInPage{pageBase: newBase(r, "Sign in"), Email: in.Email, Next: next, Message: p.Detail}
		data.Status = p.Status
		return s.render(w, "signin", data)
	}
	rec.copyCookies(w)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) pageSignOut(w http.ResponseWriter, r *http.Request) error {
	if credentialFrom(r.Context()).kind != bySessionCookie {
		return parley.Errorf(parley.EINVALID, "", "this page signs out a browser's session cookie; a script signs out with DELETE /api/v1/sessions/current")
	}
	rec := newCapture()
	if err := s.signOut(rec, r); err != nil {
		return err
	}
	rec.copyCookies(w)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}
