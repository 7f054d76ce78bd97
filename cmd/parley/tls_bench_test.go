package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
	"github.com/parley-talks/parley/web"
	"github.com/parley-talks/parley/web/authn"
)

// BenchmarkMapReads measures authenticated map reads (GET
// /api/v1/parties/1 with a bearer session, as BENCHMARKS.md's HTTP table)
// over plain HTTP and over TLS side by side: every iteration reads once
// from each server, alternately, so that both see the same machine at the
// same moment, and the benchmark reports each one's time per read and the
// overhead of TLS. Clients keep their connections alive (HTTP/1.1, TLS
// 1.3), as browsers and parleyload do, so TLS costs record encryption, not
// a handshake per request. Client and server share the machine, so the
// client's own encryption is counted too: the overhead measured is an
// upper bound of the server's.
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
	type side struct {
		url, token string
		client     *http.Client
		nanos      atomic.Int64
	}
	var sides [2]*side
	for i, mode := range []string{"http", "https"} {
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
		client.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
		sides[i] = &side{url: ts.URL + "/api/v1/parties/1", token: benchSignIn(b, client, ts.URL, pw), client: client}
	}
	read := func(s *side) error {
		start := time.Now()
		req, _ := http.NewRequest("GET", s.url, nil)
		req.Header.Set("Authorization", "Bearer "+s.token)
		resp, err := s.client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return errors.New(resp.Status)
		}
		s.nanos.Add(int64(time.Since(start)))
		return nil
	}
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			// Alternate which goes first, so neither always finds the
			// caches warm.
			for _, s := range []*side{sides[i%2], sides[1-i%2]} {
				if err := read(s); err != nil {
					b.Error(err)
					return
				}
			}
		}
	})
	b.StopTimer()
	plain, secure := float64(sides[0].nanos.Load())/float64(b.N), float64(sides[1].nanos.Load())/float64(b.N)
	b.ReportMetric(plain, "http-ns/read")
	b.ReportMetric(secure, "https-ns/read")
	b.ReportMetric(100*(secure-plain)/plain, "tls-overhead-%")
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
