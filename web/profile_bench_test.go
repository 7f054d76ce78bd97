package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/web/authn"
)

// BenchmarkProfileAPI serves what cmd/parleyload sends — GET and PUT of a
// sealed profile with a bearer token, as the demo's mediator — through the
// whole handler: request id, request log (a text handler, as `parley
// serve` has, writing to io.Discard), guard, store, encoding. It is the
// in-process half of the HTTP figures of issue 7 in BENCHMARKS.md; profile
// it with
//
//	go test ./web -run '^$' -bench ProfileAPI -cpuprofile /tmp/cpu.out
//
// The parallel variants run GOMAXPROCS×4 callers, so that writes share
// group commits as they do under parleyload.
func BenchmarkProfileAPI(b *testing.B) {
	ctx := sysCtx
	store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "parley.db"), sqlite.MasterKey(seal.GenerateMasterKey()))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	const pw = "bench password"
	if _, err := demo.Load(ctx, store, pw); err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	auth, err := authn.New(authn.Config{Store: store, PasswordParams: password.InsecureTestParams, Logger: log})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{Store: store, Authenticator: auth, Logger: log})
	if err != nil {
		b.Fatal(err)
	}
	body, _ := json.Marshal(authn.SignInInput{Email: "mediator@demo.parley", Password: pw})
	req := httptest.NewRequest("POST", "/api/v1/sessions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	var out authn.SignInOutput
	if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &out) != nil {
		b.Fatalf("sign in: %d", w.Code)
	}
	token := out.Token
	profiles, err := store.FindProfiles(ctx, 1)
	if err != nil || len(profiles) == 0 {
		b.Fatalf("the demo's track 1 has no profile (%v)", err)
	}
	p := profiles[0]
	path := fmt.Sprintf("/api/v1/tracks/%d/profiles/%d", p.TrackID, p.PartyID)
	content, _ := json.Marshal(p.Content)
	serve := func(b *testing.B, method string) {
		var r *http.Request
		if method == "PUT" {
			r = httptest.NewRequest(method, path, bytes.NewReader(content))
			r.Header.Set("Content-Type", "application/json")
		} else {
			r = httptest.NewRequest(method, path, nil)
		}
		r.Header.Set("Authorization", "Bearer "+token)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("%s %s: %d", method, path, w.Code)
		}
	}
	for _, method := range []string{"GET", "PUT"} {
		b.Run(method, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				serve(b, method)
			}
		})
		b.Run(method+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					serve(b, method)
				}
			})
		})
	}
}
