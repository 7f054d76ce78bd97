package desk

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/authn"
	"github.com/parley-talks/parley/web/problem"
)

// Signing in and out from a browser: the same use cases as the API's
// (authn.Auth.SignIn with the session cookie, SignOut), so throttling,
// password checks, session fixation and cookies are the same code for
// both.

type signInPage struct {
	pageBase
	Email   string
	Next    string
	Message string
}

// signInForm is the sign-in page's form: the API's body and where to go
// after signing in.
type signInForm struct {
	authn.SignInInput
	Next string `json:"next,omitempty"`
}

func (d *Desk) showSignIn(w http.ResponseWriter, r *http.Request) error {
	data := &signInPage{pageBase: newBase(r, i18n.M("Sign in")), Next: localPath(r.URL.Query().Get("next"))}
	return d.render(w, "signin", data)
}

func (d *Desk) signIn(w http.ResponseWriter, r *http.Request) error {
	if d.auth == nil {
		return parley.Errorf(parley.EUNAVAILABLE, "", "this server runs without accounts")
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if err := d.auth.CheckSignInOrigin(r); err != nil {
		return err
	}
	var in signInForm
	if err := d.forms.Decode(r.PostForm, &in); err != nil {
		return err
	}
	in.Cookie, in.Pending = true, true
	next := localPath(in.Next)
	if _, err := d.auth.SignIn(w, r, in.SignInInput); err != nil {
		if errors.Is(err, authn.ErrSecondFactorPending) {
			http.Redirect(w, r, "/signin/code?next="+url.QueryEscape(next), http.StatusSeeOther)
			return nil
		}
		p := problem.For(err)
		if p.Status >= 500 {
			return err
		}
		data := &signInPage{pageBase: newBase(r, i18n.M("Sign in")), Email: in.Email, Next: next}
		data.Message = errorText(data.p, err)
		data.Status = p.Status
		return d.render(w, "signin", data)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (d *Desk) signOut(w http.ResponseWriter, r *http.Request) error {
	if !authn.ByCookie(r) {
		return parley.Errorf(parley.EINVALID, "", "this page signs out a browser's session cookie; a script signs out with DELETE /api/v1/sessions/current")
	}
	if d.auth == nil {
		return parley.Errorf(parley.EUNAVAILABLE, "", "this server runs without accounts")
	}
	if err := d.auth.SignOut(w, r); err != nil {
		return err
	}
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}
