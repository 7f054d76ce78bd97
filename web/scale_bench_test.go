package web

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/postgres"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/web/authn"
)

// BenchmarkScale reads a database that holds the scale data set (parley
// demo --scale 1: 100 tracks of 1,000 meetings and 500 profile versions
// each) at one connection, through the server's handler and through the
// store (see BENCHMARKS.md, "Years of talks"):
//
//	parley demo --db /tmp/scale.db --scale 1
//	PARLEY_BENCH_SCALE_DB=/tmp/scale.db PARLEY_BENCH_SCALE_KEY=/tmp/parley.key \
//	    go test ./web -run '^$' -bench Scale -benchtime 200x
//
// PARLEY_BENCH_SCALE_DB may be a postgres:// URL. The benchmark adds two
// accounts to the database the first time (an administrator for the map,
// a mediator of the first scale track for its profiles).
func BenchmarkScale(b *testing.B) {
	db, keyFile := os.Getenv("PARLEY_BENCH_SCALE_DB"), os.Getenv("PARLEY_BENCH_SCALE_KEY")
	if db == "" || keyFile == "" {
		b.Skip("set PARLEY_BENCH_SCALE_DB and PARLEY_BENCH_SCALE_KEY to a database loaded by parley demo --scale and its key file")
	}
	text, err := os.ReadFile(keyFile)
	if err != nil {
		b.Fatal(err)
	}
	key, err := seal.ParseMasterKey(text)
	if err != nil {
		b.Fatal(err)
	}
	var store parley.Store
	if strings.HasPrefix(db, "postgres://") {
		store, err = postgres.Open(sysCtx, db, postgres.MasterKey(key), postgres.MaxConns(4))
	} else {
		store, err = sqlite.Open(sysCtx, db, sqlite.MasterKey(key))
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	summaries, err := store.TrackSummaries(sysCtx, 0)
	if err != nil {
		b.Fatal(err)
	}
	var track *parley.TrackSummary
	for _, s := range summaries {
		if s.Track.Title == "Scale track 1" {
			track = s
		}
	}
	if track == nil {
		b.Fatal("no scale track 1: load the database with parley demo --scale")
	}
	var party int64
	for _, p := range track.Track.Parties {
		if p.Role == parley.RolePrincipal {
			party = p.PartyID
			break
		}
	}
	admin := scaleBenchUser(b, store, "scale-admin@bench.parley", true, 0)
	mediator := scaleBenchUser(b, store, "scale-mediator@bench.parley", false, track.Track.ID)
	auth, err := authn.New(authn.Config{Store: store, PasswordParams: password.InsecureTestParams})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{Store: store, Authenticator: auth, Logger: deskLogger})
	if err != nil {
		b.Fatal(err)
	}
	adminToken, mediatorToken := benchToken(b, srv, admin), benchToken(b, srv, mediator)
	// A cursor half way down the track's timeline.
	page := parley.TimelinePage{Limit: parley.MaxLimit, Newest: true}
	tl, err := store.Timeline(sysCtx, track.Track.ID, page)
	if err != nil {
		b.Fatal(err)
	}
	deep := tl.Next
	b.Logf("%d tracks on the map; scale track 1: %d meetings, %d events", len(summaries), track.Meetings, track.Events)

	get := func(token, path string) func(b *testing.B) {
		return func(b *testing.B) {
			for b.Loop() {
				benchServe(b, srv, token, "GET", path, "", "", 200)
			}
		}
	}
	b.Run("map", get(adminToken, "/map"))
	b.Run("track page", get(adminToken, fmt.Sprintf("/tracks/%d", track.Track.ID)))
	b.Run("timeline page", get(adminToken, fmt.Sprintf("/api/v1/tracks/%d/timeline?order=newest&cursor=%s", track.Track.ID, url.QueryEscape(deep))))
	b.Run("profile read", get(mediatorToken, fmt.Sprintf("/api/v1/tracks/%d/profiles/%d", track.Track.ID, party)))
	b.Run("store/summaries", func(b *testing.B) {
		for b.Loop() {
			if _, err := store.TrackSummaries(sysCtx, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("store/timeline page", func(b *testing.B) {
		for b.Loop() {
			if _, err := store.Timeline(sysCtx, track.Track.ID, parley.TimelinePage{Cursor: deep, Newest: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
	asMediator := scaleBenchCaller(b, store, mediator)
	b.Run("store/profile", func(b *testing.B) {
		for b.Loop() {
			if _, err := store.FindProfile(asMediator, track.Track.ID, party); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// scaleBenchUser returns the email of the bench account, made with
// deskPassword (and as a mediator of the track, if not 0) if it is not
// there yet.
func scaleBenchUser(b *testing.B, store parley.Store, email string, admin bool, track int64) string {
	b.Helper()
	if _, err := store.FindUserByEmail(sysCtx, email); err == nil {
		return email
	}
	h, err := password.Hash(deskPassword, password.InsecureTestParams)
	if err != nil {
		b.Fatal(err)
	}
	u := &parley.User{Email: email, Name: "Benchmark", Admin: admin, PasswordHash: h}
	if err := store.CreateUser(sysCtx, u); err != nil {
		b.Fatal(err)
	}
	if track != 0 {
		if err := store.CreateMember(sysCtx, &parley.Member{TrackID: track, UserID: u.ID, Role: parley.MemberMediator}); err != nil {
			b.Fatal(err)
		}
	}
	return email
}

// scaleBenchCaller is the context of the account as the server builds it.
func scaleBenchCaller(b *testing.B, store parley.Store, email string) context.Context {
	b.Helper()
	u, err := store.FindUserByEmail(sysCtx, email)
	if err != nil {
		b.Fatal(err)
	}
	ms, err := store.FindMembershipsOfUser(sysCtx, u.ID)
	if err != nil {
		b.Fatal(err)
	}
	return parley.NewContextWithCaller(context.Background(), &parley.Caller{User: u, Grants: ms})
}
