package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/web/authn"
	"github.com/parley-talks/parley/web/limits"
)

// The caller cache (authn/cache.go) must never let a change of this process
// wait: after a grant is withdrawn, a user disabled, a session ended or a
// token revoked, the very next request is decided on the new state — each
// case below is first warmed into the cache.

// cached reports whether the caller cache holds the secret's entry for the
// store's current generation.
func (a *testAPI) cached(secret string) bool {
	a.t.Helper()
	cached, enabled := a.auth.Cached(secret)
	if !enabled {
		a.t.Fatal("the test store reports no auth generation: nothing is cached")
	}
	return cached
}

func TestCallerCacheFollowsWrites(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			a := b.open(t)
			f := a.seed()
			admin := a.token
			mediator := a.signIn("mediator@example.org", testPassword)
			track := fmt.Sprintf("/api/v1/tracks/%d", f.track.ID)

			// A withdrawn grant: the next read of the track is 404.
			a.token = mediator
			a.call("GET", track, nil, 200, nil)
			a.call("GET", track, nil, 200, nil)
			if !a.cached(mediator) {
				t.Fatal("the mediator's caller is not cached after two requests")
			}
			a.token = admin
			a.call("DELETE", fmt.Sprintf("/api/v1/members/%d", f.member.ID), nil, 204, nil)
			a.token = mediator
			checkProblem(t, a.do("GET", track, nil), 404, "")

			// A new grant: the next read is 200 again.
			a.token = admin
			var m parley.Member
			a.call("POST", track+"/members", map[string]any{"user_id": f.user.ID, "role": "observer"}, 201, &m)
			a.token = mediator
			a.call("GET", track, nil, 200, nil)

			// A disabled account: the next request is 401.
			a.call("GET", "/api/v1/users/me", nil, 200, nil)
			if !a.cached(mediator) {
				t.Fatal("the mediator's caller is not cached")
			}
			a.token = admin
			a.call("PATCH", fmt.Sprintf("/api/v1/users/%d", f.user.ID), map[string]any{"disabled": true}, 200, nil)
			a.token = mediator
			checkProblem(t, a.do("GET", "/api/v1/users/me", nil), 401, "")

			// Sign-out: the next request with the session is 401.
			delegate := a.signIn("ua@example.org", testPassword)
			a.token = delegate
			a.call("GET", "/api/v1/users/me", nil, 200, nil)
			a.call("GET", "/api/v1/users/me", nil, 200, nil)
			if !a.cached(delegate) {
				t.Fatal("the delegate's caller is not cached")
			}
			a.call("DELETE", "/api/v1/sessions/current", nil, 204, nil)
			checkProblem(t, a.do("GET", "/api/v1/users/me", nil), 401, "")

			// A revoked API token: the next request is 401.
			a.token = a.signIn("ua@example.org", testPassword)
			session := a.token
			var created authn.TokenCreated
			a.call("POST", "/api/v1/tokens", map[string]any{"name": "ci"}, 201, &created)
			testSecrets.Store(created.Token, true)
			a.token = created.Token
			a.call("GET", "/api/v1/users/me", nil, 200, nil)
			a.call("GET", "/api/v1/users/me", nil, 200, nil)
			if !a.cached(created.Token) {
				t.Fatal("the token's caller is not cached")
			}
			// A cookie never carries a token, cached or not.
			req := httptest.NewRequest("GET", "/api/v1/users/me", nil)
			req.AddCookie(&http.Cookie{Name: authn.SessionCookieName, Value: created.Token})
			w := httptest.NewRecorder()
			a.srv.ServeHTTP(w, req)
			checkProblem(t, w, 401, "")
			a.token = session
			a.call("DELETE", fmt.Sprintf("/api/v1/tokens/%d", created.ID), nil, 204, nil)
			a.token = created.Token
			checkProblem(t, a.do("GET", "/api/v1/users/me", nil), 401, "")
		})
	}
}

// A change made by another process (here a second handle on the same
// SQLite file, as `parley user disable` is) does not move this process's
// generation: it takes effect within limits.AuthCacheTTL.
func TestCallerCacheBoundsOtherProcesses(t *testing.T) {
	a := newTestAPI(t)
	f := a.seed()
	mediator := a.signIn("mediator@example.org", testPassword)
	a.token = mediator
	a.call("GET", "/api/v1/users/me", nil, 200, nil)
	if !a.cached(mediator) {
		t.Fatal("the mediator's caller is not cached")
	}
	other, err := sqlite.Open(sysCtx, a.path, sqlite.BusyTimeout(testBusyTimeout), sqlite.MasterKey(testMasterKey))
	if err != nil {
		t.Fatal(err)
	}
	disabled := true
	if _, err := other.UpdateUser(sysCtx, f.user.ID, parley.UserUpdate{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	a.clock.Advance(limits.AuthCacheTTL)
	checkProblem(t, a.do("GET", "/api/v1/users/me", nil), 401, "")
}
