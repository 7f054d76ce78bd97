// Package authn establishes who is calling: sessions (a browser's cookie
// or a script's bearer token), API tokens, CSRF protection of cookie
// requests and page forms, the sign-in throttle, and the cache of callers.
// Auth is the server's route.Authenticator.
package authn

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/metrics"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/limits"
	"github.com/parley-talks/parley/web/route"
)

// # Signing in
//
// A client signs in with POST /api/v1/sessions and an email and password,
// and gets a session: a 256-bit random secret (password.NewToken) that the
// server stores only as its SHA-256, with an idle expiry
// (limits.SessionIdleTimeout, moved forward by use) and an absolute one
// (limits.SessionMaxAge). An API client sends the secret as
// "Authorization: Bearer <secret>"; a browser gets it in an HttpOnly,
// SameSite=Strict cookie (Secure over TLS). Every sign-in makes a new
// session with a new secret, and ends the session of the cookie the
// request came with, so a secret planted before sign-in (session fixation)
// is worth nothing after it. API tokens (POST /api/v1/tokens, `parley token
// create`) are bearer secrets of the same form that do not expire until
// revoked.
//
// # CSRF
//
// A request authenticated by the cookie that may change something (any
// method but GET, HEAD and OPTIONS) must carry the session's CSRF token in
// the X-CSRF-Token header (pages: the csrf_token form field, which LiftFormCSRF lifts into the
// header before the guard runs). The token is HMAC-SHA256 keyed with the
// session's secret, so it needs no storage, differs per session, and cannot
// be computed by a page that cannot read the HttpOnly cookie. In addition
// the request must pass the standard library's http.CrossOriginProtection:
// a browser's Sec-Fetch-Site must be same-origin (or none), or else its
// Origin must name the host the request reached or the public origin
// (Config.PublicURL), which a reverse proxy that rewrites Host needs.
// Bearer requests need neither: a browser never adds an Authorization
// header on its own.
//
// # Every request
//
// Authenticate costs one indexed read of the session (or token) by the
// hash of its secret, one of the user and one of the user's grants; no
// argon2id. What they found is cached (cache.go) until a write of this
// process that may change it — so a disabled account, a revoked token or a
// withdrawn grant takes effect with the next request — and for at most
// limits.AuthCacheTTL, the staleness of such a change made by another process.

const (
	// SessionCookieName is the cookie that carries a browser's session.
	SessionCookieName = "parley_session"
	// CSRFHeader carries the CSRF token of a cookie-signed request.
	CSRFHeader = "X-CSRF-Token"
	// CSRFFormField carries the CSRF token of a page's form.
	CSRFFormField = "csrf_token"

	// csrfLabel is the message the CSRF token is the HMAC of.
	csrfLabel = "parley csrf token v1"
	// dummyPassword is verified against the dummy hash when no account
	// matches, so that an unknown email costs what a wrong password does.
	dummyPassword = "parley dummy password for unknown accounts"
)

// Refusals of Authenticate. One message for every bad credential, so that
// the answer does not say whether a session expired, a token was revoked or
// an account was disabled.
var (
	errBadCredential = parley.Errorf(parley.EUNAUTHORIZED, "", "the session or token is not valid (signed out, expired or revoked); sign in again")
	errBadAuthHeader = parley.Errorf(parley.EUNAUTHORIZED, "", "the Authorization header must be \"Bearer <token>\"")
)

// Config is what an Auth needs.
type Config struct {
	Store parley.Store
	// Now is the clock of sessions and throttling; nil means time.Now.
	// Tests move it to expire sessions and sign-in delays.
	Now func() time.Time
	// PasswordParams are the argon2id parameters of the passwords the API
	// sets, of rehashing at sign-in, and of the dummy hash that unknown
	// accounts are verified against. Zero means password.DefaultParams.
	PasswordParams password.Params
	// SecureCookies marks the session cookie Secure on plain-HTTP
	// requests too: set it behind a proxy that terminates TLS. Over TLS
	// the cookie is always Secure, and so it is when PublicURL is HTTPS.
	SecureCookies bool
	// PublicURL is the origin browsers use (scheme, host and port), when
	// it differs from the Host the server sees (behind a proxy that
	// rewrites it): cookie-signed writes and sign-ins from it pass the
	// cross-origin check. nil: only the request's own origin does.
	PublicURL *url.URL
	// Logger receives sign-in events (user ids, never secrets); nil
	// discards them.
	Logger *slog.Logger
	// Metrics counts refused sign-ins by reason; nil counts nothing.
	Metrics *metrics.Metrics
}

// Auth is Parley's route.Authenticator: sessions, API tokens and the
// sign-in throttle. Pass it as web.Config.Authenticator; the server's
// session and token routes use it.
type Auth struct {
	store         parley.Store
	now           func() time.Time
	params        password.Params
	secureCookies bool
	crossOrigin   *http.CrossOriginProtection
	log           *slog.Logger
	metrics       *metrics.Metrics
	throttle      *loginThrottle
	pending       *pendingSignIns
	cache         *authCache // nil: every request reads the store

	dummyOnce sync.Once
	dummy     string
}

var _ route.Authenticator = (*Auth)(nil)

// New returns an Auth over cfg.Store.
func New(cfg Config) (*Auth, error) {
	if cfg.Store == nil {
		return nil, errors.New("authn: no store")
	}
	a := &Auth{store: cfg.Store, now: cfg.Now, params: cfg.PasswordParams, secureCookies: cfg.SecureCookies,
		log: cfg.Logger, metrics: cfg.Metrics, throttle: newLoginThrottle(), pending: newPendingSignIns(), cache: newAuthCache(cfg.Store)}
	if a.now == nil {
		a.now = time.Now
	}
	a.crossOrigin = http.NewCrossOriginProtection()
	if u := cfg.PublicURL; u != nil {
		if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("authn: the public URL %q is not an http(s) origin", u)
		}
		if err := a.crossOrigin.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("authn: the public URL: %w", err)
		}
		a.secureCookies = a.secureCookies || u.Scheme == "https"
	}
	if a.params == (password.Params{}) {
		a.params = password.DefaultParams
	}
	if err := a.params.Validate(); err != nil {
		return nil, fmt.Errorf("authn: password parameters: %w", err)
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	return a, nil
}

// credentialKind says how a request proved who it is.
type credentialKind int

const (
	bySessionBearer credentialKind = iota + 1
	bySessionCookie
	byToken
)

// credential is how the request was signed: kept in the context for
// sign-out and the token routes. It never leaves the server.
type credential struct {
	kind      credentialKind
	sessionID int64
	tokenID   int64
}

type credentialKey struct{}

func credentialFrom(ctx context.Context) credential {
	c, _ := ctx.Value(credentialKey{}).(credential)
	return c
}

// ByCookie reports whether the request was signed with the browser's
// session cookie.
func ByCookie(r *http.Request) bool { return credentialFrom(r.Context()).kind == bySessionCookie }

// PageCSRF returns the CSRF token a page's forms carry: the session's, for
// a request signed with the session cookie; "" otherwise.
func PageCSRF(r *http.Request) string {
	if !ByCookie(r) {
		return ""
	}
	ck, err := r.Cookie(SessionCookieName)
	if err != nil {
		return ""
	}
	return csrfToken(ck.Value)
}

// Authenticate establishes the caller of every route but the public ones:
// the user of the session or token the request carries, with its grants.
func (a *Auth) Authenticate(r *http.Request, rt route.Info) (context.Context, error) {
	if rt.Policy == route.PolicyPublic {
		return r.Context(), nil
	}
	secret, fromCookie, err := secretOf(r)
	if err != nil {
		return nil, err
	}
	if !password.IsToken(secret) {
		return nil, errBadCredential
	}
	h := password.HashToken(secret)
	// The lookups are the authenticator's own: System makes them. The
	// caller found replaces it below.
	ctx := action.System(r.Context())
	now := a.now()
	var cred credential
	var caller *parley.Caller
	if e := a.cache.get(h, now); e != nil && !(fromCookie && e.token) {
		cred, caller = e.cred, e.caller()
		if !e.token {
			cred.kind = bySessionBearer
			if fromCookie {
				cred.kind = bySessionCookie
			}
		}
	} else {
		gen := a.cache.generation() // before the reads: see authCache
		var userID int64
		var until time.Time
		cred, userID, until, err = a.lookUp(ctx, h, secret, fromCookie, now)
		if err != nil {
			return nil, err
		}
		if caller, err = a.callerOf(ctx, userID); err != nil {
			return nil, err
		}
		if ttl := now.Add(limits.AuthCacheTTL); until.IsZero() || ttl.Before(until) {
			until = ttl
		}
		a.cache.put(h, newAuthEntry(gen, until, cred, caller))
	}
	if cred.kind == bySessionCookie && !safeMethod(r.Method) {
		if err := a.checkCSRF(r, secret, r.Header.Get(CSRFHeader)); err != nil {
			return nil, err
		}
	}
	ctx = context.WithValue(ctx, credentialKey{}, cred)
	return parley.NewContextWithCaller(ctx, caller), nil
}

// secretOf returns the secret of the request's Authorization header or,
// without one, of its session cookie.
func secretOf(r *http.Request) (secret string, fromCookie bool, err error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, rest, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return "", false, errBadAuthHeader
		}
		return strings.TrimSpace(rest), false, nil
	}
	if c, err := r.Cookie(SessionCookieName); err == nil && c.Value != "" {
		return c.Value, true, nil
	}
	return "", false, route.ErrSignInFirst
}

// lookUp finds the live session or token whose secret is secret and whose
// SHA-256 is h; cookies carry sessions only. until is the session's next
// expiry (zero for a token).
func (a *Auth) lookUp(ctx context.Context, h [32]byte, secret string, fromCookie bool, now time.Time) (_ credential, userID int64, until time.Time, _ error) {
	sess, err := a.store.FindSessionByHash(ctx, h[:])
	switch {
	case err == nil:
		if sess.Expired(now) {
			if err := a.store.DeleteSession(ctx, sess.ID); err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
				a.log.LogAttrs(ctx, slog.LevelWarn, "delete expired session", slog.String("error", err.Error()))
			}
			return credential{}, 0, time.Time{}, errBadCredential
		}
		if now.Sub(sess.LastSeenAt) >= limits.SessionTouchInterval {
			// A failed touch (a locked or read-only database) must not
			// fail a read; the session merely looks idle a little longer.
			if err := a.store.TouchSession(ctx, sess.ID, now, now.Add(limits.SessionIdleTimeout)); err != nil {
				a.log.LogAttrs(ctx, slog.LevelDebug, "touch session", slog.String("error", err.Error()))
			}
		}
		kind := bySessionBearer
		if fromCookie {
			kind = bySessionCookie
		}
		until := sess.ExpiresAt
		if sess.IdleExpiresAt.Before(until) {
			until = sess.IdleExpiresAt
		}
		return credential{kind: kind, sessionID: sess.ID}, sess.UserID, until, nil
	case parley.ErrorCode(err) != parley.ENOTFOUND:
		return credential{}, 0, time.Time{}, err
	case fromCookie:
		return credential{}, 0, time.Time{}, errBadCredential
	}
	tok, err := a.store.FindTokenByHash(ctx, h[:])
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return credential{}, 0, time.Time{}, errBadCredential
	}
	if err != nil {
		return credential{}, 0, time.Time{}, err
	}
	if tok.RevokedAt != nil || !password.TokenMatches(secret, tok.SecretHash) {
		return credential{}, 0, time.Time{}, errBadCredential
	}
	if tok.LastUsedAt == nil || now.Sub(*tok.LastUsedAt) >= limits.SessionTouchInterval {
		if err := a.store.TouchToken(ctx, tok.ID, now); err != nil {
			a.log.LogAttrs(ctx, slog.LevelDebug, "touch token", slog.String("error", err.Error()))
		}
	}
	return credential{kind: byToken, tokenID: tok.ID}, tok.UserID, time.Time{}, nil
}

// callerOf builds the caller: the user, refused if disabled, and its
// grants (action.CallerOf).
func (a *Auth) callerOf(ctx context.Context, userID int64) (*parley.Caller, error) {
	u, err := a.store.FindUserByID(ctx, userID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, errBadCredential
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, errBadCredential
	}
	return action.CallerOf(ctx, a.store, u)
}

func safeMethod(m string) bool { return m == "GET" || m == "HEAD" || m == "OPTIONS" }

// csrfToken is the CSRF token of the session whose secret is secret:
// base64url(HMAC-SHA256(secret, csrfLabel)).
func csrfToken(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(csrfLabel))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF refuses a cookie-signed request that changes something unless
// it passes the cross-origin check and carries the session's CSRF token
// (from the header, or for pages the form field).
func (a *Auth) checkCSRF(r *http.Request, secret, token string) error {
	if err := a.crossOrigin.Check(r); err != nil {
		return parley.Errorf(parley.EFORBIDDEN, "", "a request from another site or origin may not use the session cookie")
	}
	want := csrfToken(secret)
	if subtle.ConstantTimeCompare([]byte(token), []byte(want)) != 1 {
		return parley.Errorf(parley.EFORBIDDEN, "", "a request signed by the session cookie that changes something must carry the session's CSRF token in the %s header", CSRFHeader)
	}
	return nil
}

// dummyHash is a hash of the configured cost, computed once.
func (a *Auth) dummyHash() string {
	a.dummyOnce.Do(func() {
		h, err := password.Hash(dummyPassword, a.params)
		if err != nil {
			panic("authn: dummy password hash: " + err.Error()) // the parameters were validated in New
		}
		a.dummy = h
	})
	return a.dummy
}
