package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
)

// signInInput is the body of POST /api/v1/sessions. With cookie true the
// session goes into the HttpOnly session cookie and the answer carries only
// its CSRF token; otherwise the answer carries the bearer token.
type signInInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Cookie   bool   `json:"cookie,omitempty"`
}

// signInOutput answers a sign-in.
type signInOutput struct {
	Token     string       `json:"token,omitempty"`      // the bearer secret; shown once
	CSRFToken string       `json:"csrf_token,omitempty"` // with cookie: the X-CSRF-Token of the session
	ExpiresAt time.Time    `json:"expires_at"`           // the absolute expiry
	User      *parley.User `json:"user"`
}

// errSignInRefused is the one answer to a wrong password, an unknown email
// and a disabled account alike.
var errSignInRefused = parley.Errorf(parley.EUNAUTHORIZED, "", "the email or password is wrong")

// authn returns the server's *Auth, or an error if the server runs with
// another Authenticator, which keeps no accounts.
func (s *Server) authn() (*Auth, error) {
	a, ok := s.auth.(*Auth)
	if !ok {
		return nil, parley.Errorf(parley.EUNAVAILABLE, "", "this server runs without accounts")
	}
	return a, nil
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	a, err := s.authn()
	if err != nil {
		return err
	}
	var in signInInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	now := a.now()
	if tm := a.throttle.allowAttempt(clientAddress(r), now); tm != nil {
		return tm.answer(w)
	}
	account := parley.NormalizeEmail(in.Email)
	if tm := a.throttle.checkAccount(account, now); tm != nil {
		return tm.answer(w)
	}
	ctx := parley.NewContextWithCaller(r.Context(), parley.System) // the account is looked up by the system
	u, err := a.store.FindUserByEmail(ctx, account)
	if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
		return err
	}
	hash := a.dummyHash()
	if u != nil && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	verr := password.Verify(in.Password, hash)
	if u == nil || hash == a.dummy || verr != nil {
		a.throttle.fail(account, now)
		a.log.LogAttrs(ctx, slog.LevelInfo, "sign-in refused", slog.String("request_id", requestIDFrom(ctx)),
			slog.String("client", clientAddress(r)))
		return errSignInRefused
	}
	a.throttle.succeed(account)
	if u.Disabled {
		return errSignInRefused
	}
	if password.NeedsRehash(u.PasswordHash, a.params) {
		if h, err := password.Hash(in.Password, a.params); err == nil {
			if _, err := a.store.UpdateUser(ctx, u.ID, parley.UserUpdate{PasswordHash: &h}); err != nil {
				a.log.LogAttrs(ctx, slog.LevelWarn, "rehash password", slog.Int64("user_id", u.ID), slog.String("error", err.Error()))
			}
		}
	}
	// Session fixation: whatever session the request came with ends here.
	if c, err := r.Cookie(SessionCookieName); err == nil && password.IsToken(c.Value) {
		h := password.HashToken(c.Value)
		if old, err := a.store.FindSessionByHash(ctx, h[:]); err == nil {
			_ = a.store.DeleteSession(ctx, old.ID)
		}
	}
	secret, sess, err := a.startSession(ctx, u.ID, now)
	if err != nil {
		return err
	}
	a.log.LogAttrs(ctx, slog.LevelInfo, "signed in", slog.String("request_id", requestIDFrom(ctx)), slog.Int64("user_id", u.ID))
	out := signInOutput{ExpiresAt: sess.ExpiresAt, User: u}
	if in.Cookie {
		a.setSessionCookie(w, r, secret, sess.ExpiresAt)
		out.CSRFToken = csrfToken(secret)
	} else {
		out.Token = secret
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, out)
}

// startSession stores a new session of the user and returns its secret.
func (a *Auth) startSession(ctx context.Context, userID int64, now time.Time) (string, *parley.Session, error) {
	secret := password.NewToken()
	h := password.HashToken(secret)
	now = now.UTC().Truncate(time.Microsecond)
	sess := &parley.Session{SecretHash: h[:], UserID: userID, CreatedAt: now, LastSeenAt: now,
		IdleExpiresAt: now.Add(SessionIdleTimeout), ExpiresAt: now.Add(SessionMaxAge)}
	if err := a.store.CreateSession(ctx, sess); err != nil {
		return "", nil, err
	}
	return secret, sess, nil
}

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

// signOut ends the session the request is signed with.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	a, err := s.authn()
	if err != nil {
		return err
	}
	cred := credentialFrom(r.Context())
	if cred.kind != bySessionBearer && cred.kind != bySessionCookie {
		return parley.Errorf(parley.EINVALID, "", "this request is signed with an API token, not a session; revoke the token with DELETE /api/v1/tokens/{id}")
	}
	if err := a.store.DeleteSession(trusted(r), cred.sessionID); err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
		return err
	}
	if cred.kind == bySessionCookie {
		a.clearSessionCookie(w, r)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
