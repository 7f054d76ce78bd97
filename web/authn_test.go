package web

import (
	cryptotls "crypto/tls"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley/web/authn"
	"github.com/parley-talks/parley/web/limits"
	"github.com/parley-talks/parley/web/middleware"
)

// signInAs posts a sign-in from the client address addr and returns the
// response.
func (a *testAPI) signInFrom(addr, email, pw string) *httptest.ResponseRecorder {
	a.t.Helper()
	req := httptest.NewRequest("POST", "/api/v1/sessions", strings.NewReader(fmt.Sprintf(`{"email":%q,"password":%q}`, email, pw)))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = addr
	w := httptest.NewRecorder()
	a.srv.ServeHTTP(w, req)
	a.checkDocumented(req, w)
	return w
}

// TestSignInDelays: failures to one account from one address cost nothing
// up to limits.SignInFreeFailures, then each further attempt from that
// address waits a delay that doubles up to limits.SignInMaxDelay, the
// right password included; the same account from another address is not
// delayed at all (no one can lock a delegate out), and a success resets.
func TestSignInDelays(t *testing.T) {
	a := newTestAPI(t)
	a.createTestUser("ua@example.org", "Delegate", false)
	const guesser = "198.51.100.7:1234"
	for range limits.SignInFreeFailures {
		checkProblem(t, a.signInFrom(guesser, "ua@example.org", "wrong password"), http.StatusUnauthorized, "")
	}
	// Each failure past the free ones doubles the wait.
	want := limits.SignInFirstDelay
	for i := 0; i < 12; i++ {
		a.clock.Advance(want) // the wait after the previous failure
		checkProblem(t, a.signInFrom(guesser, "ua@example.org", "wrong password"), http.StatusUnauthorized, "")
		next := min(2*want, limits.SignInMaxDelay)
		if i == 0 {
			next = want
		}
		w := a.signInFrom(guesser, "ua@example.org", testPassword)
		p := checkProblem(t, w, http.StatusTooManyRequests, "")
		retry, err := strconv.Atoi(w.Header().Get("Retry-After"))
		if err != nil || time.Duration(retry)*time.Second < next || time.Duration(retry-1)*time.Second >= next ||
			!regexp.MustCompile(`^too many failed sign-ins to this account from your address; try again in \d+ s$`).MatchString(p.Detail) {
			t.Fatalf("after %d failures: Retry-After %q (want %v), detail %q", limits.SignInFreeFailures+i+1, w.Header().Get("Retry-After"), next, p.Detail)
		}
		want = next
		// The address's bucket refills meanwhile.
		a.clock.Advance(limits.AddressLoginInterval)
	}
	if want != limits.SignInMaxDelay {
		t.Errorf("the delay stops growing at %v, want %v", want, limits.SignInMaxDelay)
	}
	// The delegate, from its own address, signs in at once.
	if w := a.signInFrom("203.0.113.9:1", "ua@example.org", testPassword); w.Code != http.StatusCreated {
		t.Fatalf("the delegate from another address: %d %s", w.Code, w.Body)
	}
	// Once the wait is over, the right password works from the guesser's
	// address too, and resets its count.
	a.clock.Advance(limits.SignInMaxDelay)
	if w := a.signInFrom(guesser, "ua@example.org", testPassword); w.Code != http.StatusCreated {
		t.Fatalf("after the wait: %d %s", w.Code, w.Body)
	}
	checkProblem(t, a.signInFrom(guesser, "ua@example.org", "wrong password"), http.StatusUnauthorized, "")
	checkProblem(t, a.signInFrom(guesser, "ua@example.org", "wrong password"), http.StatusUnauthorized, "")
	// An unknown account is delayed the same way: a delay reveals nothing.
	for range limits.SignInFreeFailures + 1 {
		a.signInFrom("192.0.2.77:1", "nobody@example.org", "wrong password")
	}
	checkProblem(t, a.signInFrom("192.0.2.77:1", "nobody@example.org", "x"), http.StatusTooManyRequests, "")
	checkProblem(t, a.signInFrom("192.0.2.78:1", "nobody@example.org", "x"), http.StatusUnauthorized, "")
}

// TestAddressThrottle: one address gets limits.AddressLoginBurst attempts, then one
// per limits.AddressLoginInterval.
func TestAddressThrottle(t *testing.T) {
	a := newTestAPI(t)
	for i := range limits.AddressLoginBurst {
		checkProblem(t, a.signInFrom("[2001:db8::1]:1", fmt.Sprintf("u%d@example.org", i), "wrong password"), http.StatusUnauthorized, "")
	}
	// The same /64 is the same address.
	w := a.signInFrom("[2001:db8::2]:1", "admin@example.org", testPassword)
	p := checkProblem(t, w, http.StatusTooManyRequests, "")
	if !strings.HasPrefix(p.Detail, "too many sign-in attempts from your address; try again in ") || w.Header().Get("Retry-After") == "" {
		t.Errorf("detail %q, Retry-After %q", p.Detail, w.Header().Get("Retry-After"))
	}
	a.clock.Advance(limits.AddressLoginInterval)
	if w := a.signInFrom("[2001:db8::2]:1", "admin@example.org", testPassword); w.Code != http.StatusCreated {
		t.Errorf("after a refill: %d %s", w.Code, w.Body)
	}
}

// TestSignIn covers the sign-in rules one by one.
func TestSignIn(t *testing.T) {
	a := newTestAPI(t)
	a.createTestUser("ua@example.org", "Delegate", false)

	// A wrong password and an unknown account get the same answer.
	wrong := checkProblem(t, a.signInFrom("192.0.2.1:1", "ua@example.org", "wrong password"), 401, "")
	unknown := checkProblem(t, a.signInFrom("192.0.2.1:1", "nobody@example.org", "wrong password"), 401, "")
	if wrong.Detail != unknown.Detail || wrong.Type != unknown.Type {
		t.Errorf("wrong password %+v, unknown account %+v", wrong, unknown)
	}

	// Without credentials, or with a made-up token: 401.
	saved := a.token
	a.token = ""
	checkProblem(t, a.do("GET", "/api/v1/users/me", nil), 401, "")
	a.token = "parley_" + strings.Repeat("A", 43)
	checkProblem(t, a.do("GET", "/api/v1/users/me", nil), 401, "")
	a.token = saved

	// Logout invalidates.
	tok := a.signIn("ua@example.org", testPassword)
	a.token = tok
	a.call("GET", "/api/v1/users/me", nil, 200, nil)
	a.call("DELETE", "/api/v1/sessions/current", nil, 204, nil)
	checkProblem(t, a.do("GET", "/api/v1/users/me", nil), 401, "")

	// Idle expiry; use moves it.
	a.token = a.signIn("ua@example.org", testPassword)
	a.clock.Advance(limits.SessionIdleTimeout - time.Minute)
	a.call("GET", "/api/v1/users/me", nil, 200, nil)
	a.clock.Advance(limits.SessionIdleTimeout - time.Minute)
	a.call("GET", "/api/v1/users/me", nil, 200, nil)
	a.clock.Advance(limits.SessionIdleTimeout)
	checkProblem(t, a.do("GET", "/api/v1/users/me", nil), 401, "")

	// Absolute expiry, however busy.
	a.token = a.signIn("ua@example.org", testPassword)
	const step = 10 * time.Minute
	for elapsed := step; elapsed < limits.SessionMaxAge; elapsed += step {
		a.clock.Advance(step)
		a.call("GET", "/api/v1/users/me", nil, 200, nil)
	}
	a.clock.Advance(step) // limits.SessionMaxAge after sign-in; idle for only one step
	checkProblem(t, a.do("GET", "/api/v1/users/me", nil), 401, "")

	// A revoked API token is refused.
	saved = a.signIn("admin@example.org", testPassword) // the first session has expired meanwhile
	a.token = saved
	var created authn.TokenCreated
	a.call("POST", "/api/v1/tokens", map[string]any{"name": "ci"}, 201, &created)
	testSecrets.Store(created.Token, true)
	a.token = created.Token
	a.call("GET", "/api/v1/users/me", nil, 200, nil)
	a.token = saved
	a.call("DELETE", fmt.Sprintf("/api/v1/tokens/%d", created.ID), nil, 204, nil)
	a.token = created.Token
	checkProblem(t, a.do("GET", "/api/v1/users/me", nil), 401, "")

	// A disabled user cannot sign in, and its sessions stop working.
	a.token = a.signIn("ua@example.org", testPassword)
	ua := a.token
	a.token = saved
	var me struct{ ID int64 }
	a.token = ua
	a.call("GET", "/api/v1/users/me", nil, 200, &me)
	var uaToken authn.TokenCreated
	a.call("POST", "/api/v1/tokens", map[string]any{"name": "script"}, 201, &uaToken)
	testSecrets.Store(uaToken.Token, true)
	a.token = saved
	a.call("PATCH", fmt.Sprintf("/api/v1/users/%d", me.ID), map[string]any{"disabled": true}, 200, nil)
	a.token = ua
	checkProblem(t, a.do("GET", "/api/v1/users/me", nil), 401, "")
	checkProblem(t, a.signInFrom("192.0.2.2:1", "ua@example.org", testPassword), 401, "")
	a.token = uaToken.Token // not deleted with the sessions, but refused: the account is disabled
	checkProblem(t, a.do("GET", "/api/v1/users/me", nil), 401, "")
	a.token = saved
}

// TestCookieSession: the cookie's attributes, a new session on every
// sign-in (fixation), and CSRF on cookie-signed writes.
func TestCookieSession(t *testing.T) {
	a := newTestAPI(t)
	signIn := func(old *http.Cookie, tls bool) (*http.Cookie, string) {
		req := httptest.NewRequest("POST", "/api/v1/sessions", strings.NewReader(`{"email":"admin@example.org","password":"`+testPassword+`","cookie":true}`))
		req.Header.Set("Content-Type", "application/json")
		if old != nil {
			req.AddCookie(old)
		}
		if tls {
			req.TLS = &cryptotls.ConnectionState{}
		}
		w := httptest.NewRecorder()
		a.srv.ServeHTTP(w, req)
		if w.Code != 201 {
			t.Fatalf("cookie sign-in: %d %s", w.Code, w.Body)
		}
		if strings.Contains(w.Body.String(), `"token"`) {
			t.Errorf("a cookie sign-in answered the secret: %s", w.Body)
		}
		cs := w.Result().Cookies()
		if len(cs) != 1 || cs[0].Name != authn.SessionCookieName {
			t.Fatalf("cookies %v", cs)
		}
		c := cs[0]
		if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Secure != tls {
			t.Errorf("cookie %+v: want HttpOnly, SameSite=Strict, Path=/, Secure=%v", c, tls)
		}
		testSecrets.Store(c.Value, true)
		var out authn.SignInOutput
		mustJSON(t, w, &out)
		testSecrets.Store(out.CSRFToken, true)
		return c, out.CSRFToken
	}
	send := func(method, path string, c *http.Cookie, csrf string, header map[string]string) int {
		body := ""
		if method == "POST" {
			body = `{"name":"Germany","kind":"state"}`
		}
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.AddCookie(c)
		if csrf != "" {
			req.Header.Set(authn.CSRFHeader, csrf)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		a.srv.ServeHTTP(w, req)
		return w.Code
	}
	c1, csrf1 := signIn(nil, false)
	if got := send("GET", "/api/v1/users/me", c1, "", nil); got != 200 {
		t.Errorf("GET with the cookie: %d", got)
	}
	if got := send("POST", "/api/v1/parties", c1, "", nil); got != 403 {
		t.Errorf("POST without the CSRF token: %d, want 403", got)
	}
	if got := send("POST", "/api/v1/parties", c1, "wrong", nil); got != 403 {
		t.Errorf("POST with a wrong CSRF token: %d, want 403", got)
	}
	if got := send("POST", "/api/v1/parties", c1, csrf1, map[string]string{"Sec-Fetch-Site": "cross-site"}); got != 403 {
		t.Errorf("cross-site POST: %d, want 403", got)
	}
	if got := send("POST", "/api/v1/parties", c1, csrf1, map[string]string{"Origin": "https://evil.example"}); got != 403 {
		t.Errorf("POST from another origin: %d, want 403", got)
	}
	if got := send("POST", "/api/v1/parties", c1, csrf1, map[string]string{"Sec-Fetch-Site": "same-origin"}); got != 201 {
		t.Errorf("POST with the CSRF token: %d, want 201", got)
	}
	// Signing in again with the old cookie: a new session, the old one ends.
	c2, csrf2 := signIn(c1, true)
	if c2.Value == c1.Value || csrf2 == csrf1 {
		t.Errorf("a sign-in kept the session")
	}
	if got := send("GET", "/api/v1/users/me", c1, "", nil); got != 401 {
		t.Errorf("the old session after a new sign-in: %d, want 401", got)
	}
	// Sign out with the cookie (a write: CSRF token needed).
	if got := send("DELETE", "/api/v1/sessions/current", c2, "", nil); got != 403 {
		t.Errorf("sign-out without the CSRF token: %d, want 403", got)
	}
	if got := send("DELETE", "/api/v1/sessions/current", c2, csrf2, nil); got != 204 {
		t.Errorf("sign-out: %d", got)
	}
	if got := send("GET", "/api/v1/users/me", c2, "", nil); got != 401 {
		t.Errorf("after sign-out: %d, want 401", got)
	}
}

func mustJSON(t *testing.T, w *httptest.ResponseRecorder, out any) {
	t.Helper()
	if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
		t.Fatalf("%v: %s", err, w.Body)
	}
}

// TestHSTSOverTLS: Strict-Transport-Security on responses over TLS only.
func TestHSTSOverTLS(t *testing.T) {
	s, err := New(Config{Store: nilStore{}, Authenticator: systemAuth{}})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/api/openapi.json", nil)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if got := w.Header().Get("Strict-Transport-Security"); got != "" {
		t.Errorf("plain HTTP: Strict-Transport-Security %q", got)
	}
	req.TLS = &cryptotls.ConnectionState{}
	w = httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if got := w.Header().Get("Strict-Transport-Security"); got != middleware.StrictTransportSecurity {
		t.Errorf("TLS: Strict-Transport-Security %q", got)
	}
}
