package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/web/limits"
)

// TestTwoServersOnePostgres runs two servers on one PostgreSQL schema, as
// behind a load balancer, each with its own store, caches and commit
// loop: a session made on one is served by the other, writes through both
// at once land in one ledger that verifies, and a sign-out or a revoked
// token on one is refused by the other within limits.AuthCacheTTL.
func TestTwoServersOnePostgres(t *testing.T) {
	dsn := postgresSchemaDSN(t)
	key := map[string]string{seal.EnvMasterKey: strings.TrimSpace(string(seal.GenerateMasterKey().Encode()))}
	a, urlA := startServe(t, key, "--addr", "127.0.0.1:0", "--db", dsn, "--demo", "--demo-password", testAdminPassword)
	b, urlB := startServe(t, key, "--addr", "127.0.0.1:0", "--db", dsn)

	// A session of A is one of B.
	token := signInHTTP(t, urlA, "mediator@demo.parley", testAdminPassword)
	onA, onB := bearerClient(http.DefaultClient, token), bearerClient(http.DefaultClient, token)
	var tracks struct {
		Items []struct{ ID int64 } `json:"items"`
	}
	getJSON(t, onB, urlB+"/api/v1/tracks", http.StatusOK, &tracks)
	if len(tracks.Items) == 0 {
		t.Fatal("B lists no track to the session made on A")
	}
	track := tracks.Items[0].ID

	// Writes through both servers at once: each answered, none lost.
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		c, url := onA, urlA
		if w%2 == 1 {
			c, url = onB, urlB
		}
		wg.Go(func() {
			for i := range each {
				body := fmt.Sprintf(`{"track_id":%d,"title":"Round %d-%d","format":"caucus","starts_at":"2030-01-%02dT10:00:00Z"}`, track, w, i, i+1)
				resp, err := c.Post(url+"/api/v1/meetings", "application/json", strings.NewReader(body))
				if err != nil {
					errs <- err
					continue
				}
				msg, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					errs <- fmt.Errorf("POST %s/api/v1/meetings: %d %s", url, resp.StatusCode, msg)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var meetings struct{ Total int }
	getJSON(t, onA, fmt.Sprintf("%s/api/v1/meetings?track_id=%d", urlA, track), http.StatusOK, &meetings)
	var before struct{ Total int }
	getJSON(t, onB, fmt.Sprintf("%s/api/v1/meetings?track_id=%d&limit=1", urlB, track), http.StatusOK, &before)
	if meetings.Total != before.Total || meetings.Total < writers*each {
		t.Errorf("A counts %d meetings, B %d; want the same, at least %d", meetings.Total, before.Total, writers*each)
	}

	// A token made on A and revoked on B; a sign-out on B.
	var made struct {
		ID    int64  `json:"id"`
		Token string `json:"token"`
	}
	postJSON(t, onA, urlA+"/api/v1/tokens", `{"name":"two servers"}`, http.StatusCreated, &made)
	byToken := bearerClient(http.DefaultClient, made.Token)
	getJSON(t, byToken, urlA+"/api/v1/tracks", http.StatusOK, nil)
	getJSON(t, byToken, urlB+"/api/v1/tracks", http.StatusOK, nil)
	del(t, onB, fmt.Sprintf("%s/api/v1/tokens/%d", urlB, made.ID), http.StatusNoContent)
	refusedWithin(t, byToken, urlA+"/api/v1/tracks", limits.AuthCacheTTL)
	del(t, onB, urlB+"/api/v1/sessions/current", http.StatusNoContent)
	refusedWithin(t, onA, urlA+"/api/v1/tracks", limits.AuthCacheTTL)

	if code := a.stop(t); code != 0 {
		t.Fatalf("server A: exit %d:\n%s", code, a.stderr)
	}
	if code := b.stop(t); code != 0 {
		t.Fatalf("server B: exit %d:\n%s", code, b.stderr)
	}
	env := &Env{Stdin: strings.NewReader(""), Stdout: &strings.Builder{}, Stderr: &strings.Builder{}, Getenv: func(k string) string { return key[k] }}
	if code := Run(t.Context(), env, []string{"audit", "verify", "--db", dsn}); code != 0 || !strings.Contains(env.Stdout.(*strings.Builder).String(), "ok: ") {
		t.Fatalf("audit verify after two servers: exit %d %s %s", code, env.Stdout, env.Stderr)
	}
}

// refusedWithin polls url until it answers 401, failing t if that takes
// longer than ttl and a margin.
func refusedWithin(t *testing.T, c *http.Client, url string, ttl time.Duration) {
	t.Helper()
	deadline := time.Now().Add(ttl + 500*time.Millisecond)
	for {
		resp, err := c.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusUnauthorized {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: still %d after %v", url, resp.StatusCode, ttl)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func getJSON(t *testing.T, c *http.Client, url string, status int, out any) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	decodeAnswer(t, "GET "+url, resp, status, out)
}

func postJSON(t *testing.T, c *http.Client, url, body string, status int, out any) {
	t.Helper()
	resp, err := c.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	decodeAnswer(t, "POST "+url, resp, status, out)
}

func del(t *testing.T, c *http.Client, url string, status int) {
	t.Helper()
	req, err := http.NewRequest("DELETE", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	decodeAnswer(t, "DELETE "+url, resp, status, nil)
}

func decodeAnswer(t *testing.T, what string, resp *http.Response, status int, out any) {
	t.Helper()
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("%s: %d, want %d: %.300s", what, resp.StatusCode, status, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
}
