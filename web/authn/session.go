package authn

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/metrics"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/limits"
	"github.com/parley-talks/parley/web/middleware"
)

// SignInInput is the body of POST /api/v1/sessions. With cookie true the
// session goes into the HttpOnly session cookie and the answer carries only
// its CSRF token; otherwise the answer carries the bearer token.
type SignInInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Cookie   bool   `json:"cookie,omitempty"`
	// Code or RecoveryCode is the second factor of an account that has
	// one (secondfactor.go).
	Code         string `json:"code,omitempty"`
	RecoveryCode string `json:"recovery_code,omitempty"`
	// Pending asks, for an account with a second factor and no code
	// given, for a pending sign-in (the sign-in page's first step).
	Pending bool `json:"-"`
}

// SignInOutput answers a sign-in.
type SignInOutput struct {
	Token     string       `json:"token,omitempty"`      // the bearer secret; shown once
	CSRFToken string       `json:"csrf_token,omitempty"` // with cookie: the X-CSRF-Token of the session
	ExpiresAt time.Time    `json:"expires_at"`           // the absolute expiry
	User      *parley.User `json:"user"`
}

// errSignInRefused is the one answer to a wrong password, an unknown email
// and a disabled account alike.
var errSignInRefused = parley.Errorf(parley.EUNAUTHORIZED, "", "the email or password is wrong")

// SignIn is the use case of signing in, for the API and the sign-in page
// alike: it checks the throttle, the password and the second factor
// (secondfactor.go), ends the session the
// request came with (session fixation), starts a new one and, with
// in.Cookie, sends it as the session cookie on w. A throttled attempt
// sets Retry-After on w.
func (a *Auth) SignIn(w http.ResponseWriter, r *http.Request, in SignInInput) (*SignInOutput, error) {
	now := a.now()
	client := clientAddress(r)
	if tm := a.throttle.allowAttempt(client, now); tm != nil {
		a.metrics.SignInFailed(metrics.SignInThrottled)
		return nil, tm.answer(w)
	}
	account := parley.NormalizeEmail(in.Email)
	if tm := a.throttle.checkPair(account, client, now); tm != nil {
		a.metrics.SignInFailed(metrics.SignInThrottled)
		return nil, tm.answer(w)
	}
	ctx := action.System(r.Context()) // the account is looked up by the system
	u, err := a.store.FindUserByEmail(ctx, account)
	if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
		return nil, err
	}
	hash := a.dummyHash()
	if u != nil && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	verr := password.Verify(in.Password, hash)
	if u == nil || hash == a.dummy || verr != nil {
		a.throttle.fail(account, client, now)
		a.metrics.SignInFailed(metrics.SignInBadCredentials)
		a.log.LogAttrs(ctx, slog.LevelInfo, "sign-in refused", slog.String("request_id", middleware.RequestID(ctx)),
			slog.String("client", client))
		return nil, errSignInRefused
	}
	if u.Disabled {
		a.throttle.succeed(account, client)
		a.metrics.SignInFailed(metrics.SignInBadCredentials)
		return nil, errSignInRefused
	}
	if password.NeedsRehash(u.PasswordHash, a.params) {
		if h, err := password.Hash(in.Password, a.params); err == nil {
			if _, err := a.store.UpdateUser(ctx, u.ID, parley.UserUpdate{PasswordHash: &h}); err != nil {
				a.log.LogAttrs(ctx, slog.LevelWarn, "rehash password", slog.Int64("user_id", u.ID), slog.String("error", err.Error()))
			}
		}
	}
	has, err := a.HasSecondFactor(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	second := SecondFactorInput{Code: in.Code, RecoveryCode: in.RecoveryCode}
	switch {
	case !has:
	case !second.empty():
		if err := a.checkSecondFactor(ctx, u.ID, second, now); err != nil {
			if err == errCodeRefused {
				a.throttle.fail(account, client, now)
				a.metrics.SignInFailed(metrics.SignInSecondFactor)
			}
			return nil, err
		}
	case in.Pending:
		a.setPendingCookie(w, r, a.pending.start(u.ID, account, now))
		return nil, ErrSecondFactorPending
	default:
		a.metrics.SignInFailed(metrics.SignInSecondFactor)
		return nil, ErrSecondFactorRequired
	}
	a.throttle.succeed(account, client)
	return a.finishSignIn(w, r, u, in.Cookie, now)
}

// finishSignIn ends the session the request came with (session
// fixation), starts a new one and answers with it: with cookie, as the
// session cookie on w.
func (a *Auth) finishSignIn(w http.ResponseWriter, r *http.Request, u *parley.User, cookie bool, now time.Time) (*SignInOutput, error) {
	ctx := action.System(r.Context())
	if c, err := r.Cookie(SessionCookieName); err == nil && password.IsToken(c.Value) {
		h := password.HashToken(c.Value)
		if old, err := a.store.FindSessionByHash(ctx, h[:]); err == nil {
			_ = a.store.DeleteSession(ctx, old.ID)
		}
	}
	secret, sess, err := a.startSession(ctx, u.ID, now)
	if err != nil {
		return nil, err
	}
	a.log.LogAttrs(ctx, slog.LevelInfo, "signed in", slog.String("request_id", middleware.RequestID(ctx)), slog.Int64("user_id", u.ID))
	out := &SignInOutput{ExpiresAt: sess.ExpiresAt, User: u}
	if cookie {
		a.setSessionCookie(w, r, secret, sess.ExpiresAt)
		out.CSRFToken = csrfToken(secret)
	} else {
		out.Token = secret
	}
	return out, nil
}

// CheckSignInOrigin refuses a page's sign-in form posted from another site
// or origin (login CSRF): only this site's own form may sign a browser in.
// It is the cross-origin check of cookie-signed writes (checkCSRF).
func (a *Auth) CheckSignInOrigin(r *http.Request) error {
	if !a.SameOrigin(r) {
		return parley.Errorf(parley.EFORBIDDEN, "", "a sign-in from another site or origin is refused")
	}
	return nil
}

// SameOrigin reports whether a form that needs no session comes from this
// site and origin: the cross-origin check of cookie-signed writes
// (checkCSRF), for the sign-in and the pages' language switch.
func (a *Auth) SameOrigin(r *http.Request) bool { return a.crossOrigin.Check(r) == nil }

// startSession stores a new session of the user and returns its secret.
func (a *Auth) startSession(ctx context.Context, userID int64, now time.Time) (string, *parley.Session, error) {
	secret := password.NewToken()
	h := password.HashToken(secret)
	now = now.UTC().Truncate(time.Microsecond)
	sess := &parley.Session{SecretHash: h[:], UserID: userID, CreatedAt: now, LastSeenAt: now,
		IdleExpiresAt: now.Add(limits.SessionIdleTimeout), ExpiresAt: now.Add(limits.SessionMaxAge)}
	if err := a.store.CreateSession(ctx, sess); err != nil {
		return "", nil, err
	}
	return secret, sess, nil
}

// SecureCookies reports whether cookies are marked Secure on plain HTTP
// too (behind a proxy that ends TLS).
func (a *Auth) SecureCookies() bool { return a.secureCookies }

// setSessionCookie sends the session cookie: HttpOnly (no script reads
// it), SameSite=Strict (no other site's request carries it), Secure over
// TLS or when configured, for the whole site, until the session's absolute
// expiry.
func (a *Auth) setSessionCookie(w http.ResponseWriter, r *http.Request, secret string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookieName, Value: secret, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil || a.secureCookies,
	})
}

// clearSessionCookie tells the browser to forget the session cookie.
func (a *Auth) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil || a.secureCookies,
	})
}

// SignOut ends the session the request is signed with, and for the
// session cookie tells the browser to forget it.
func (a *Auth) SignOut(w http.ResponseWriter, r *http.Request) error {
	cred := credentialFrom(r.Context())
	if cred.kind != bySessionBearer && cred.kind != bySessionCookie {
		return parley.Errorf(parley.EINVALID, "", "this request is signed with an API token, not a session; revoke the token with DELETE /api/v1/tokens/{id}")
	}
	if err := a.store.DeleteSession(action.System(r.Context()), cred.sessionID); err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
		return err
	}
	if cred.kind == bySessionCookie {
		a.clearSessionCookie(w, r)
	}
	return nil
}

// PasswordParams are the argon2id parameters of the passwords the server
// sets.
func (a *Auth) PasswordParams() password.Params { return a.params }

// Now is the clock of sessions, throttling and second factors' codes.
func (a *Auth) Now() time.Time { return a.now() }
