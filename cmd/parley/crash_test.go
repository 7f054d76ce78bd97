package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/parley-talks/parley"
)

// Bounds of the crash test's burst: loopback only, a fixed number of
// writers and requests, and a deadline.
const (
	crashWriters     = 16
	crashMaxRequests = 3000
	crashKillAfter   = 200 // acknowledged writes before the kill
	crashDeadline    = 30 * time.Second
)

// TestCrashLosesNoAcknowledgedWrite builds parley, serves a fresh SQLite
// database from a child process, sends a burst of concurrent event
// creations, kills the child with SIGKILL in the middle of the burst, and
// checks that every event acknowledged with 201 is in the reopened database,
// field for field.
func TestCrashLosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs a child server")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "parley")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "crash.db")
	addTestAdmin(t, db)
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", db)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	url, err := readServingURL(stdout)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}

	type ack struct {
		sent parley.Event
		id   int64
	}
	var (
		mu     sync.Mutex
		acks   []ack
		sent   int
		failed int
		enough = make(chan struct{})
		once   sync.Once
	)
	client := bearerClient(&http.Client{Timeout: 10 * time.Second}, signInHTTP(t, url, testAdminEmail, testAdminPassword))
	deadline := time.Now().Add(crashDeadline)
	start := time.Date(2024, 8, 6, 0, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for w := range crashWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				mu.Lock()
				if sent >= crashMaxRequests {
					mu.Unlock()
					return
				}
				sent++
				mu.Unlock()
				e := parley.Event{
					OccurredAt:  start.Add(time.Duration(w*100000+i) * time.Second),
					Title:       fmt.Sprintf("event %d of writer %d", i, w),
					Description: strings.Repeat(fmt.Sprintf("writer %d, write %d. ", w, i), 20),
					Source:      "crash test",
					TrackIDs:    []int64{},
				}
				body, _ := json.Marshal(map[string]any{"occurred_at": e.OccurredAt, "title": e.Title, "description": e.Description, "source": e.Source})
				resp, err := client.Post(url+"/api/v1/events", "application/json", strings.NewReader(string(body)))
				if err != nil {
					mu.Lock()
					failed++
					mu.Unlock()
					return // the server is gone
				}
				var got parley.Event
				decErr := json.NewDecoder(resp.Body).Decode(&got)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated || decErr != nil {
					continue // not acknowledged
				}
				mu.Lock()
				acks = append(acks, ack{sent: e, id: got.ID})
				if len(acks) >= crashKillAfter {
					once.Do(func() { close(enough) })
				}
				mu.Unlock()
			}
		}()
	}
	select {
	case <-enough:
	case <-time.After(crashDeadline):
		t.Fatalf("only %d writes acknowledged before the deadline\n%s", len(acks), stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killed = true
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	if failed == 0 {
		t.Errorf("no request failed: the kill did not happen in the middle of the burst")
	}
	t.Logf("%d requests sent, %d acknowledged, %d cut off by the kill", sent, len(acks), failed)

	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	store, err := openDB(t, db), error(nil)
	if err != nil {
		t.Fatalf("reopen after the crash: %v", err)
	}
	defer store.Close()
	for _, a := range acks {
		got, err := store.FindEventByID(ctx, a.id)
		if err != nil {
			t.Errorf("acknowledged event %d (%q) is lost: %v", a.id, a.sent.Title, err)
			continue
		}
		if !got.OccurredAt.Equal(a.sent.OccurredAt) || got.Title != a.sent.Title || got.Description != a.sent.Description ||
			got.Source != a.sent.Source || len(got.TrackIDs) != 0 {
			t.Errorf("acknowledged event %d is not intact: sent %+v, found %+v", a.id, a.sent, got)
		}
	}
	if _, n, err := store.FindEvents(ctx, parley.EventFilter{}); err != nil || n < len(acks) {
		t.Errorf("%d events in the database, %d acknowledged (%v)", n, len(acks), err)
	}
}

// readServingURL reads the child's stdout until it prints its URL, then
// keeps draining it in the background.
func readServingURL(stdout interface{ Read([]byte) (int, error) }) (string, error) {
	sc := bufio.NewScanner(stdout)
	found := make(chan string, 1)
	go func() {
		for sc.Scan() {
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		close(found)
	}()
	select {
	case url, ok := <-found:
		if !ok {
			return "", fmt.Errorf("the child exited without serving")
		}
		return url, nil
	case <-time.After(30 * time.Second):
		return "", fmt.Errorf("the child printed no URL in 30 s")
	}
}
