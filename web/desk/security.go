package desk

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/authn"
	"github.com/parley-talks/parley/web/export"
	"github.com/parley-talks/parley/web/problem"
)

// The caller's second factor (the account's security page) and the
// sign-in's second step, the code form of a pending sign-in (package
// authn).

type securityPage struct {
	pageBase
	Factor    *action.SecondFactorStatus
	Enrolment *action.TOTPEnrolment
	QRCode    template.HTML // the enrolment's QR code, an SVG this package made
	Recovery  []string      // the recovery codes just made, shown this once
	Message   string        // a refused code
}

func (d *Desk) showSecurity(w http.ResponseWriter, r *http.Request) error {
	return d.renderSecurity(w, r, &securityPage{})
}

// renderSecurity fills data with the caller's second factor and renders
// the page.
func (d *Desk) renderSecurity(w http.ResponseWriter, r *http.Request, data *securityPage) error {
	st, err := d.actions.SecondFactor(r.Context())
	if err != nil {
		return err
	}
	data.pageBase = newBaseKeeping(r, i18n.M("Account security"), data.pageBase)
	data.Factor = st
	return d.render(w, "security", data)
}

// newBaseKeeping is newBase with the status a handler set.
func newBaseKeeping(r *http.Request, title i18n.Message, old pageBase) pageBase {
	b := newBase(r, title)
	b.Status = old.Status
	return b
}

// refusedCode renders the page again with the refusal of a code.
func (d *Desk) refusedCode(w http.ResponseWriter, r *http.Request, data *securityPage, err error) error {
	p := problem.For(err)
	if p.Status >= 500 {
		return err
	}
	data.Message = errorText(i18n.New(languageOf(r)), err)
	data.Status = p.Status
	return d.renderSecurity(w, r, data)
}

// startTOTP makes a new secret and shows it on the page it answers with
// (never in a redirect), with the form that confirms it.
func (d *Desk) startTOTP(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	site := export.SiteOf(r, d.actions.PublicOrigin)
	issuer := "Parley"
	if u, err := url.Parse(site.Origin); err == nil && u.Host != "" {
		issuer += " (" + u.Host + ")"
	}
	e, err := d.actions.StartTOTP(r.Context(), issuer)
	if err != nil {
		return d.refusedCode(w, r, &securityPage{}, err)
	}
	return d.renderSecurity(w, r, &securityPage{Enrolment: e, QRCode: template.HTML(e.QRCode)})
}

// confirmTOTP puts the app in force with a code from it and shows the
// recovery codes, this once.
func (d *Desk) confirmTOTP(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	var in action.CodeInput
	if err := d.forms.Decode(r.PostForm, &in); err != nil {
		return d.refusedCode(w, r, &securityPage{}, err)
	}
	codes, err := d.actions.ConfirmTOTP(r.Context(), in, d.now())
	if err != nil {
		return d.refusedCode(w, r, &securityPage{}, err)
	}
	return d.renderSecurity(w, r, &securityPage{Recovery: codes})
}

// removeTOTP removes the app, given a current code from it.
func (d *Desk) removeTOTP(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	var in action.CodeInput
	if err := d.forms.Decode(r.PostForm, &in); err != nil {
		return d.refusedCode(w, r, &securityPage{}, err)
	}
	if err := d.actions.RemoveTOTP(r.Context(), in, d.now()); err != nil {
		return d.refusedCode(w, r, &securityPage{}, err)
	}
	http.Redirect(w, r, "/account/security?done=totp-removed", http.StatusSeeOther)
	return nil
}

type signInCodePage struct {
	pageBase
	Next    string
	Message string
}

// signInCodeForm is the code form of a pending sign-in.
type signInCodeForm struct {
	authn.SecondFactorInput
	Next string `json:"next,omitempty"`
}

func (d *Desk) showSignInCode(w http.ResponseWriter, r *http.Request) error {
	next := localPath(r.URL.Query().Get("next"))
	if d.auth == nil || !d.auth.PendingSignIn(r) {
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(next), http.StatusSeeOther)
		return nil
	}
	return d.render(w, "signincode", &signInCodePage{pageBase: newBase(r, i18n.M("Sign in")), Next: next})
}

func (d *Desk) signInCode(w http.ResponseWriter, r *http.Request) error {
	if d.auth == nil {
		return parley.Errorf(parley.EUNAVAILABLE, "", "this server runs without accounts")
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if err := d.auth.CheckSignInOrigin(r); err != nil {
		return err
	}
	var in signInCodeForm
	if err := d.forms.Decode(r.PostForm, &in); err != nil {
		return err
	}
	next := localPath(in.Next)
	if _, err := d.auth.CompleteSignIn(w, r, in.SecondFactorInput); err != nil {
		if errors.Is(err, authn.ErrNoPendingSignIn) {
			data := &signInPage{pageBase: newBase(r, i18n.M("Sign in")), Next: next}
			data.Message = errorText(data.p, err)
			data.Status = http.StatusUnauthorized
			return d.render(w, "signin", data)
		}
		p := problem.For(err)
		if p.Status >= 500 {
			return err
		}
		data := &signInCodePage{pageBase: newBase(r, i18n.M("Sign in")), Next: next}
		data.Message = errorText(data.p, err)
		data.Status = p.Status
		return d.render(w, "signincode", data)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// now is the sign-in's clock, which codes are checked against.
func (d *Desk) now() time.Time {
	if d.auth == nil {
		return time.Now()
	}
	return d.auth.Now()
}
