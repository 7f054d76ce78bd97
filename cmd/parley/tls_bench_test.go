package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/web"
	"github.com/parley-talks/parley/web/authn"
)

// BenchmarkMapReads measures authenticated map reads (GET
// /api/v1/parties/1 with a bearer session, as BENCHMARKS.md's HTTP table)
// over plain HTTP and over TLS, side by side in one run: each client
// keeps its connections alive (HTTP/1.1, TLS 1.3), as browsers and
// parleyload do, so TLS costs its record encryption, not a handshake per
// request.
func BenchmarkMapReads(b *testing.B) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "parley.db"), sqlite.MasterKey(seal.GenerateMasterKey()))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	const pw = "benchmark password"
	if _, err := demo.Load(asSystem(ctx), store, pw); err != nil {
		b.Fatal(err)
	}
	auth, err := authn.New(authn.Config{Store: store})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := web.New(web.Config{Store: store, Authenticator: auth})
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"http", "https"} {
		b.Run(mode, func(b *testing.B) {
			ts := httptest.NewUnstartedServer(srv)
			ts.Config = srv.HTTPServer()
			if mode == "https" {
				ts.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
				ts.StartTLS()
			} else {
				ts.Start()
			}
			defer ts.Close()
			client := ts.Client()
			tr := client.Transport.(*http.Transport)
			tr.MaxIdleConnsPerHost = 64
			token := benchSignIn(b, client, ts.URL, pw)
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest("GET", ts.URL+"/api/v1/parties/1", nil)
					req.Header.Set("Authorization", "Bearer "+token)
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("GET /api/v1/parties/1: %s", resp.Status)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
		})
	}
}

func benchSignIn(b *testing.B, c *http.Client, url, pw string) string {
	b.Helper()
	resp, err := c.Post(url+"/api/v1/sessions", "application/json",
		strings.NewReader(`{"email":"mediator@demo.parley","password":"`+pw+`"}`))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		b.Fatalf("sign in: %s %v", resp.Status, err)
	}
	return out.Token
}
