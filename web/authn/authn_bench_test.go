package authn

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/route"
)

// BenchmarkAuthenticate measures what signing a request costs: the lookup
// of the session by the hash of its secret, of the user and of its grants —
// no argon2id. (A session is touched at most once per limits.SessionTouchInterval,
// so the loop measures reads.) Bearer session and API token alike, each
// from the caller cache (cache.go: what every request but the first in
// limits.AuthCacheTTL pays) and uncached (the store's three reads: what the first
// request after any write that may change a caller pays).
// testPassword is the password of the benchmark's account.
const testPassword = "correct horse battery staple"

func BenchmarkAuthenticate(b *testing.B) {
	ctx := action.System(context.Background())
	store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "parley.db"), sqlite.MasterKey(seal.GenerateMasterKey()))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	h, _ := password.Hash(testPassword, password.InsecureTestParams)
	u := &parley.User{Email: "mediator@example.org", Name: "Mediator", PasswordHash: h}
	if err := store.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	for i := range 3 {
		tr := &parley.Track{Title: "Track " + string(rune('A'+i)), Parties: []parley.TrackParty{}, VenueIDs: []int64{}}
		if err := store.CreateTrack(ctx, tr); err != nil {
			b.Fatal(err)
		}
		if err := store.CreateMember(ctx, &parley.Member{TrackID: tr.ID, UserID: u.ID, Role: parley.MemberMediator}); err != nil {
			b.Fatal(err)
		}
	}
	auth, err := New(Config{Store: store, PasswordParams: password.InsecureTestParams})
	if err != nil {
		b.Fatal(err)
	}
	session, _, err := auth.startSession(ctx, u.ID, auth.now())
	if err != nil {
		b.Fatal(err)
	}
	token := password.NewToken()
	th := password.HashToken(token)
	if err := store.CreateToken(ctx, &parley.APIToken{SecretHash: th[:], UserID: u.ID, Name: "bench"}); err != nil {
		b.Fatal(err)
	}
	info := route.Info{Method: "GET", Pattern: "/api/v1/users/me", Policy: route.PolicySignedIn}
	cache := auth.cache
	for _, bc := range []struct {
		name, secret string
		cached       bool
	}{{"session/cached", session, true}, {"token/cached", token, true}, {"session/uncached", session, false}, {"token/uncached", token, false}} {
		b.Run(bc.name, func(b *testing.B) {
			auth.cache = nil
			if bc.cached {
				auth.cache = cache
			}
			req := httptest.NewRequest("GET", "/api/v1/users/me", nil)
			req.Header.Set("Authorization", "Bearer "+bc.secret)
			b.ReportAllocs()
			for b.Loop() {
				ctx, err := auth.Authenticate(req, info)
				if err != nil || parley.CallerFromContext(ctx) == nil {
					b.Fatal(err)
				}
			}
		})
	}
}
