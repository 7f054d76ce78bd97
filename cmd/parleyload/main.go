// Command parleyload puts a bounded load on a running `parley serve` over
// loopback, to measure the HTTP targets of issue 7: authenticated, sealed,
// audited writes (PUT of a profile: a new sealed version and an audit entry
// each) and authenticated reads (GET of the same profile, opened and
// audience-checked), from a process of its own.
//
// It refuses any address that is not loopback, stops after -n requests of
// each kind or -max-time, whichever comes first, and prints throughput and
// latency percentiles. -phase writes or -phase reads runs one phase only
// (a server profile of one kind of request).
//
// Example:
//
//	parley serve --demo --demo-password 'load test pw' --db /tmp/load.db --addr 127.0.0.1:18080 &
//	go run ./cmd/parleyload -url http://127.0.0.1:18080 -password 'load test pw'
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "parleyload:", err)
		os.Exit(1)
	}
}

func run() error {
	base := flag.String("url", "http://127.0.0.1:8080", "server `URL` (loopback only)")
	email := flag.String("email", "mediator@demo.parley", "account to sign in with (a mediator of the demo)")
	pw := flag.String("password", "", "its password")
	n := flag.Int("n", 50000, "requests of each kind (writes, then reads)")
	conc := flag.Int("c", 32, "concurrent connections")
	maxTime := flag.Duration("max-time", 30*time.Second, "stop each phase after this long")
	only := flag.String("phase", "both", "phases to run: writes, reads or both")
	flag.Parse()
	if *only != "both" && *only != "writes" && *only != "reads" {
		return fmt.Errorf("-phase %q: want writes, reads or both", *only)
	}
	u, err := url.Parse(*base)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("%s is not a loopback address; parleyload loads local servers only", u.Host)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *conc, MaxConnsPerHost: *conc}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	token, err := signIn(client, *base, *email, *pw)
	if err != nil {
		return err
	}
	track, party, content, err := firstProfile(client, *base, token)
	if err != nil {
		return err
	}
	path := fmt.Sprintf("%s/api/v1/tracks/%d/profiles/%d", *base, track, party)
	body, _ := json.Marshal(content)
	fmt.Printf("target: %s (track %d, party %d), %d connections, at most %d requests or %v per phase\n", *base, track, party, *conc, *n, *maxTime)
	write := func() (*http.Request, error) {
		r, err := http.NewRequest("PUT", path, bytes.NewReader(body))
		if err == nil {
			r.Header.Set("Content-Type", "application/json")
		}
		return r, err
	}
	read := func() (*http.Request, error) { return http.NewRequest("GET", path, nil) }
	for _, ph := range []struct {
		kind, name string
		req        func() (*http.Request, error)
	}{{"writes", "sealed, audited writes (PUT profile)", write}, {"reads", "reads (GET profile)", read}} {
		if *only != "both" && *only != ph.kind {
			continue
		}
		res := phase(client, token, *n, *conc, *maxTime, ph.req)
		res.print(ph.name)
	}
	return nil
}

func signIn(c *http.Client, base, email, pw string) (string, error) {
	b, _ := json.Marshal(map[string]string{"email": email, "password": pw})
	resp, err := c.Post(base+"/api/v1/sessions", "application/json", bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("sign in: status %d", resp.StatusCode)
	}
	return out.Token, nil
}

// firstProfile finds a profile the account may write.
func firstProfile(c *http.Client, base, token string) (track, party int64, content json.RawMessage, err error) {
	get := func(path string, v any) error {
		r, _ := http.NewRequest("GET", base+path, nil)
		r.Header.Set("Authorization", "Bearer "+token)
		resp, err := c.Do(r)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
		}
		return json.NewDecoder(resp.Body).Decode(v)
	}
	var tracks struct{ Items []struct{ ID int64 } }
	if err := get("/api/v1/tracks", &tracks); err != nil {
		return 0, 0, nil, err
	}
	for _, t := range tracks.Items {
		var ps struct {
			Items []struct {
				PartyID int64           `json:"party_id"`
				Content json.RawMessage `json:"content"`
			}
		}
		if err := get(fmt.Sprintf("/api/v1/tracks/%d/profiles", t.ID), &ps); err != nil {
			return 0, 0, nil, err
		}
		if len(ps.Items) > 0 {
			return t.ID, ps.Items[0].PartyID, ps.Items[0].Content, nil
		}
	}
	return 0, 0, nil, errors.New("the account reads no profile")
}

type result struct {
	ok, failed int64
	elapsed    time.Duration
	lat        []time.Duration
}

func phase(c *http.Client, token string, n, conc int, maxTime time.Duration, newReq func() (*http.Request, error)) result {
	ctx, cancel := context.WithTimeout(context.Background(), maxTime)
	defer cancel()
	var next, failed atomic.Int64
	lats := make([][]time.Duration, conc)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && next.Add(1) <= int64(n) {
				r, err := newReq()
				if err != nil {
					failed.Add(1)
					continue
				}
				r = r.WithContext(ctx)
				r.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				resp, err := c.Do(r)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					failed.Add(1)
					continue
				}
				lats[w] = append(lats[w], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	res := result{failed: failed.Load(), elapsed: time.Since(start)}
	for _, l := range lats {
		res.lat = append(res.lat, l...)
	}
	res.ok = int64(len(res.lat))
	slices.Sort(res.lat)
	return res
}

func (r result) print(name string) {
	pct := func(p float64) time.Duration {
		if len(r.lat) == 0 {
			return 0
		}
		return r.lat[min(len(r.lat)-1, int(p*float64(len(r.lat))))]
	}
	fmt.Printf("%s: %d ok, %d failed in %v: %.0f/s; latency p50 %v, p99 %v, max %v\n",
		name, r.ok, r.failed, r.elapsed.Round(time.Millisecond), float64(r.ok)/r.elapsed.Seconds(),
		pct(0.50).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), pct(1).Round(10*time.Microsecond))
}
