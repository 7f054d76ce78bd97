package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/parley-talks/parley"
)

// TestBrowserKeepsCheckpoint: a delegate's browser keeps the ledger's
// latest signed checkpoint (localStorage) and replaces it only once it has
// checked, itself, the signature of the new one and the consistency proof
// from the kept one; a kept checkpoint the server's log does not extend —
// one of a longer log (the database rolled back behind it), one of another
// root (a rewritten history) or one signed with another key — shows the
// warning, on every page, and stays kept.
func TestBrowserKeepsCheckpoint(t *testing.T) {
	browserBinary(t)
	// Half of all verifier keys hold a "+" in their base64, which the watch
	// once took for a separator; the test uses such a key.
	d := newDesk(t)
	for tries := 1; !strings.Contains(d.verifierKey(t)[len("parley-audit+01234567+"):], "+"); tries++ {
		if tries == 20 {
			t.Fatal("20 stores in a row made a verifier key without a \"+\" in its base64")
		}
		d = newDesk(t)
	}
	ctx, problems := d.browserSignIn(t, "ua@demo.parley")
	first := keptCheckpoint(t, ctx, d, problems, 0)
	if warned(t, ctx) {
		t.Fatal("the ledger warning shows on a store that was not touched")
	}

	// The log grows; the browser proves the growth and keeps the new one.
	if err := d.store.CreateParty(sysCtx, &parley.Party{Name: "Norway", Kind: parley.PartyState}); err != nil {
		t.Fatal(err)
	}
	second := keptCheckpoint(t, ctx, d, problems, first.Size)
	if second.VerifierKey != first.VerifierKey || warned(t, ctx) {
		t.Fatalf("after the log grew from %d to %d entries: key %q (was %q), warned %v", first.Size, second.Size, second.VerifierKey, first.VerifierKey, warned(t, ctx))
	}

	latest, err := d.store.LatestCheckpoint(sysCtx)
	if err != nil {
		t.Fatal(err)
	}
	flipped := []byte(latest.Root) // another root, still base64
	flipped[0] = map[bool]byte{true: 'B', false: 'A'}[flipped[0] == 'A']
	notBase64 := "(" + latest.Root[1:]
	otherKey := strings.Replace(latest.VerifierKey, "+", "x+", 1)
	for _, c := range []struct {
		name string
		kept parley.SignedCheckpoint
	}{
		{"a checkpoint of more entries than the log holds (rolled back)", parley.SignedCheckpoint{Size: latest.Size + 5, Root: latest.Root, VerifierKey: latest.VerifierKey}},
		{"a checkpoint of another root at the same size (rewritten)", parley.SignedCheckpoint{Size: latest.Size, Root: string(flipped), VerifierKey: latest.VerifierKey}},
		{"a checkpoint of another root at an earlier size (rewritten)", parley.SignedCheckpoint{Size: first.Size, Root: string(flipped), VerifierKey: latest.VerifierKey}},
		{"a checkpoint signed with another key", parley.SignedCheckpoint{Size: first.Size, Root: first.Root, VerifierKey: otherKey}},
		{"a checkpoint whose root is not base64", parley.SignedCheckpoint{Size: first.Size, Root: notBase64, VerifierKey: latest.VerifierKey}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, _ := json.Marshal(c.kept)
			setKept := fmt.Sprintf(`localStorage.setItem("parley.ledger.checkpoint", %q)`, b)
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](setKept)); err != nil {
				t.Fatal(err)
			}
			for _, page := range []string{"/map", fmt.Sprintf("/tracks/%d", d.tracks["Energy-infrastructure strike moratorium"].ID)} {
				wait, cancel := context.WithTimeout(ctx, 60*time.Second)
				err := chromedp.Do(wait, chromedp.Navigate(d.http.URL+page), chromedp.WaitVisible(chromedp.CSS(`#ledger-warning`)))
				cancel()
				if err != nil {
					t.Fatalf("%s: the ledger warning does not show: %v", page, err)
				}
			}
			text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#ledger-warning`)))
			if err != nil || !strings.Contains(text, "rolled back") {
				t.Errorf("the warning says %q (%v)", text, err)
			}
			kept, err := chromedp.Run(ctx, chromedp.Evaluate[string](`localStorage.getItem("parley.ledger.checkpoint")`))
			if err != nil || kept != string(b) {
				t.Errorf("the kept checkpoint became %q, want it kept as %q", kept, b)
			}
		})
	}
	time.Sleep(100 * time.Millisecond)
	for _, p := range problems.take() {
		t.Error(p)
	}
}

// keptCheckpoint loads the map and waits until the browser keeps a
// checkpoint of more than after entries, which it returns.
func keptCheckpoint(t *testing.T, ctx context.Context, d *testDesk, problems *pageProblems, after int64) parley.SignedCheckpoint {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(d.http.URL+"/map"), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	// A loaded machine runs the check late, and a check whose request the
	// server did not answer keeps nothing (the next page checks again), so
	// the map is loaded again every few seconds until one is kept.
	deadline := time.Now().Add(60 * time.Second)
	reload := time.Now().Add(5 * time.Second)
	for {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`localStorage.getItem("parley.ledger.checkpoint") || ""`))
		if err != nil {
			t.Fatal(err)
		}
		var cp parley.SignedCheckpoint
		if s != "" {
			if err := json.Unmarshal([]byte(s), &cp); err != nil {
				t.Fatalf("the kept checkpoint %q: %v", s, err)
			}
		}
		if cp.Size > after {
			latest, err := d.store.LatestCheckpoint(sysCtx)
			if err != nil {
				t.Fatal(err)
			}
			if cp.Note == "" || cp.Size > latest.Size {
				t.Fatalf("the browser keeps %+v; the store's latest is of %d entries", cp, latest.Size)
			}
			return cp
		}
		if time.Now().After(deadline) {
			answer, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch("/api/v1/audit/checkpoint", {headers: {"Accept": "application/json"}}).then(r => r.status + " " + r.statusText, e => String(e))`, chromedp.EvalAwaitPromise))
			t.Fatalf("the browser keeps no checkpoint of more than %d entries (%q); the checkpoint's URL answers %q; the page reported %q", after, s, answer, problems.take())
		}
		if time.Now().After(reload) {
			if err := chromedp.Do(ctx, chromedp.Navigate(d.http.URL+"/map"), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
				t.Fatal(err)
			}
			reload = time.Now().Add(5 * time.Second)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// warned reports whether the page shows the ledger warning.
func warned(t *testing.T, ctx context.Context) bool {
	t.Helper()
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("ledger-warning").hidden`))
	if err != nil {
		t.Fatal(err)
	}
	return !hidden
}

// verifierKey returns the desk's ledger verifier key.
func (d *testDesk) verifierKey(t *testing.T) string {
	t.Helper()
	latest, err := d.store.LatestCheckpoint(sysCtx)
	if err != nil {
		t.Fatal(err)
	}
	return latest.VerifierKey
}
