package authn

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/metrics"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/totp"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/limits"
	"github.com/parley-talks/parley/web/middleware"
)

// # A second factor
//
// An account with a confirmed second factor (parley.SecondFactorService)
// signs in with its password and then a code: the six digits of its
// authenticator app (package totp; a code is accepted once) or one of its
// recovery codes (struck out when used). A script sends the code with the
// password (SignInInput.Code or RecoveryCode) and is refused without it;
// a page (SignInInput.Pending) gets a pending sign-in instead: a random
// secret in the PendingCookieName cookie, kept by this server for
// limits.PendingSignInTTL and limits.PendingSignInAttempts codes. A
// pending sign-in is not a session: Authenticate never accepts it, and it
// serves for nothing but CompleteSignIn. Wrong codes count as failed
// sign-ins of the (account, address), whose count only a complete sign-in
// resets, so a guesser who has the password gains nothing by starting
// over. API tokens are a second secret of their own and ask for no code.

// PendingCookieName carries a browser's pending sign-in to the code form.
const PendingCookieName = "parley_signin"

// pendingPath is the path the pending cookie is sent to.
const pendingPath = "/signin"

var (
	// ErrSecondFactorRequired answers a script's sign-in without the code
	// of an account that has a second factor.
	ErrSecondFactorRequired = parley.Errorf(parley.EUNAUTHORIZED, "code", "this account has a second factor: send the code of its authenticator app (code) or a recovery code (recovery_code) with the password")
	// ErrSecondFactorPending answers a page's sign-in whose password was
	// right for an account with a second factor: the browser holds a
	// pending sign-in and is to be sent to the code form.
	ErrSecondFactorPending = errors.New("authn: a second factor is pending")
	// ErrNoPendingSignIn answers a code without a live pending sign-in
	// (expired, used up or never started): sign in again.
	ErrNoPendingSignIn = parley.Errorf(parley.EUNAUTHORIZED, "", "the sign-in has expired; sign in again with your password")

	errCodeRefused = parley.Errorf(parley.EUNAUTHORIZED, "code", "the code is wrong or was used already")
)

// SecondFactorInput is the body of the code form of a pending sign-in.
type SecondFactorInput struct {
	Code         string `json:"code,omitempty"`
	RecoveryCode string `json:"recovery_code,omitempty"`
}

func (in SecondFactorInput) empty() bool { return in.Code == "" && in.RecoveryCode == "" }

// pendingSignIns are the pending sign-ins of this server, by the SHA-256
// of their secret.
type pendingSignIns struct {
	mu   sync.Mutex
	byID map[[32]byte]*pendingSignIn
}

type pendingSignIn struct {
	userID   int64
	account  string // as the throttle keys it
	expires  time.Time
	attempts int
}

func newPendingSignIns() *pendingSignIns {
	return &pendingSignIns{byID: map[[32]byte]*pendingSignIn{}}
}

// start keeps a new pending sign-in and returns its secret.
func (p *pendingSignIns) start(userID int64, account string, now time.Time) string {
	secret := password.NewToken()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.byID) >= limits.MaxPendingSignIns {
		for k, e := range p.byID {
			if !now.Before(e.expires) || len(p.byID) >= limits.MaxPendingSignIns {
				delete(p.byID, k)
			}
		}
	}
	p.byID[password.HashToken(secret)] = &pendingSignIn{userID: userID, account: account, expires: now.Add(limits.PendingSignInTTL)}
	return secret
}

// attempt spends one attempt of the pending sign-in of secret and returns
// a copy of it, or nil if there is none alive.
func (p *pendingSignIns) attempt(secret string, now time.Time) *pendingSignIn {
	if !password.IsToken(secret) {
		return nil
	}
	h := password.HashToken(secret)
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.byID[h]
	if e == nil {
		return nil
	}
	if !now.Before(e.expires) || e.attempts >= limits.PendingSignInAttempts {
		delete(p.byID, h)
		return nil
	}
	e.attempts++
	c := *e
	return &c
}

// end forgets the pending sign-in of secret.
func (p *pendingSignIns) end(secret string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.byID, password.HashToken(secret))
}

// PendingSignIn reports whether the request carries a live pending sign-in, without
// spending an attempt.
func (a *Auth) PendingSignIn(r *http.Request) bool {
	c, err := r.Cookie(PendingCookieName)
	if err != nil || !password.IsToken(c.Value) {
		return false
	}
	a.pending.mu.Lock()
	defer a.pending.mu.Unlock()
	e := a.pending.byID[password.HashToken(c.Value)]
	return e != nil && a.now().Before(e.expires) && e.attempts < limits.PendingSignInAttempts
}

// secondFactors is the store's second factors, or nil if it keeps none.
func (a *Auth) secondFactors() parley.SecondFactorService {
	sf, _ := a.store.(parley.SecondFactorService)
	return sf
}

// HasSecondFactor reports whether the user has a confirmed second factor.
func (a *Auth) HasSecondFactor(ctx context.Context, userID int64) (bool, error) {
	return action.HasSecondFactor(action.System(ctx), a.store, userID)
}

// checkSecondFactor verifies a code of the user's second factor and
// records its use: a TOTP code's step, so that it is not accepted again,
// or a recovery code struck out.
func (a *Auth) checkSecondFactor(ctx context.Context, userID int64, in SecondFactorInput, now time.Time) error {
	ctx = action.System(ctx)
	sf := a.secondFactors()
	if in.RecoveryCode != "" {
		code := password.NormalizeRecoveryCode(in.RecoveryCode)
		if code == "" {
			return errCodeRefused
		}
		h := password.HashRecoveryCode(code)
		err := sf.UseRecoveryCode(ctx, userID, h[:])
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return errCodeRefused
		}
		return err
	}
	f, err := sf.FindTOTP(ctx, userID)
	if err != nil {
		return err
	}
	step, err := totp.Verify(f.Secret, in.Code, now, f.LastStep)
	if err != nil {
		return errCodeRefused
	}
	err = sf.UseTOTPStep(ctx, userID, step)
	if parley.ErrorCode(err) == parley.EINVALID { // used by a request that raced this one
		return errCodeRefused
	}
	return err
}

// CompleteSignIn is the second step of a page's sign-in: the code of the
// pending sign-in the request's cookie names. Right, it starts the session
// as SignIn does; wrong, it counts as a failed sign-in.
func (a *Auth) CompleteSignIn(w http.ResponseWriter, r *http.Request, in SecondFactorInput) (*SignInOutput, error) {
	now := a.now()
	client := clientAddress(r)
	c, err := r.Cookie(PendingCookieName)
	if err != nil {
		return nil, ErrNoPendingSignIn
	}
	if tm := a.throttle.allowAttempt(client, now); tm != nil {
		a.metrics.SignInFailed(metrics.SignInThrottled)
		return nil, tm.answer(w)
	}
	p := a.pending.attempt(c.Value, now)
	if p == nil {
		a.clearPendingCookie(w, r)
		return nil, ErrNoPendingSignIn
	}
	if tm := a.throttle.checkPair(p.account, client, now); tm != nil {
		a.metrics.SignInFailed(metrics.SignInThrottled)
		return nil, tm.answer(w)
	}
	ctx := action.System(r.Context())
	if err := a.checkSecondFactor(ctx, p.userID, in, now); err != nil {
		if err == errCodeRefused {
			a.throttle.fail(p.account, client, now)
			a.metrics.SignInFailed(metrics.SignInSecondFactor)
			a.log.LogAttrs(ctx, slog.LevelInfo, "second factor refused", slog.String("request_id", middleware.RequestID(ctx)),
				slog.String("client", client))
		}
		return nil, err
	}
	a.pending.end(c.Value)
	a.clearPendingCookie(w, r)
	a.throttle.succeed(p.account, client)
	u, err := a.store.FindUserByID(ctx, p.userID)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, errSignInRefused
	}
	return a.finishSignIn(w, r, u, true, now)
}

// setPendingCookie sends the pending sign-in's secret, for the code form
// only.
func (a *Auth) setPendingCookie(w http.ResponseWriter, r *http.Request, secret string) {
	http.SetCookie(w, &http.Cookie{
		Name: PendingCookieName, Value: secret, Path: pendingPath, MaxAge: int(limits.PendingSignInTTL / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil || a.secureCookies,
	})
}

func (a *Auth) clearPendingCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: PendingCookieName, Value: "", Path: pendingPath, MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil || a.secureCookies,
	})
}
