package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/ledger"
	"golang.org/x/mod/sumdb/tlog"
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

// TestBrowserLedgerProofs holds the browser's own checks of the ledger
// (desk.js) against Go's: the RFC 6962 consistency proof of every pair of
// tree sizes 1 ≤ m < n ≤ 40 made by golang.org/x/mod/sumdb/tlog passes,
// and each with a hash of the proof, the old root or the new root changed,
// or with the sizes off by one, fails; a signed checkpoint of each of 40
// keys (about half hold a "+" in their base64) verifies, and fails with
// another size, another root or another key.
func TestBrowserLedgerProofs(t *testing.T) {
	browserBinary(t)
	d := newDesk(t)
	ctx, problems := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(d.http.URL+"/signin"), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}

	const maxSize = 40
	var stored []tlog.Hash
	hashes := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			out[i] = stored[x]
		}
		return out, nil
	})
	roots := make([]tlog.Hash, maxSize+1)
	for i := range int64(maxSize) {
		hs, err := tlog.StoredHashes(i, []byte(fmt.Sprintf("entry %d", i)), hashes)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, hs...)
		if roots[i+1], err = tlog.TreeHash(i+1, hashes); err != nil {
			t.Fatal(err)
		}
	}
	type proofCase struct {
		Name    string   `json:"name"`
		M       int64    `json:"m"`
		N       int64    `json:"n"`
		Proof   []string `json:"proof"`
		OldRoot string   `json:"oldRoot"`
		NewRoot string   `json:"newRoot"`
		Want    bool     `json:"want"`
	}
	b64 := func(h tlog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }
	flip := func(h tlog.Hash) tlog.Hash { h[7] ^= 0x20; return h }
	var cases []proofCase
	for n := int64(2); n <= maxSize; n++ {
		for m := int64(1); m < n; m++ {
			p, err := tlog.ProveTree(n, m, hashes)
			if err != nil {
				t.Fatal(err)
			}
			proof := make([]string, len(p))
			for i, h := range p {
				proof[i] = b64(h)
			}
			good := proofCase{Name: fmt.Sprintf("%d→%d", m, n), M: m, N: n, Proof: proof, OldRoot: b64(roots[m]), NewRoot: b64(roots[n]), Want: true}
			cases = append(cases, good)
			bad := good
			bad.Want = false
			for i := range p {
				c := bad
				c.Name = fmt.Sprintf("%d→%d, proof hash %d changed", m, n, i)
				c.Proof = slices.Clone(proof)
				c.Proof[i] = b64(flip(p[i]))
				cases = append(cases, c)
			}
			c := bad
			c.Name, c.OldRoot = fmt.Sprintf("%d→%d, old root changed", m, n), b64(flip(roots[m]))
			cases = append(cases, c)
			c = bad
			c.Name, c.NewRoot = fmt.Sprintf("%d→%d, new root changed", m, n), b64(flip(roots[n]))
			cases = append(cases, c)
			if m+1 < n {
				c = bad
				c.Name, c.M = fmt.Sprintf("%d→%d, proof of %d→%d", m+1, n, m, n), m+1
				cases = append(cases, c)
			}
		}
	}
	js, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]bool](fmt.Sprintf(`(async () => {
		const L = window.ParleyLedger, out = [];
		for (const c of %s) {
			out.push(await L.consistent(c.proof.map(L.unb64), c.m, L.unb64(c.oldRoot), c.n, L.unb64(c.newRoot)));
		}
		return out;
	})()`, js), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(cases) {
		t.Fatalf("%d answers for %d proofs", len(got), len(cases))
	}
	failures := 0
	for i, c := range cases {
		if got[i] != c.Want && failures < 10 {
			failures++
			t.Errorf("consistency %s: the browser says %v, want %v", c.Name, got[i], c.Want)
		}
	}

	type noteCase struct {
		Name string `json:"name"`
		Note string `json:"note"`
		Key  string `json:"key"`
		Size int64  `json:"size"`
		Root string `json:"root"`
		Want bool   `json:"want"`
	}
	var notes []noteCase
	plus := 0
	var lastKey string
	for k := range 40 {
		skey, vkey, err := ledger.GenerateKey("parley-audit")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(vkey, "+") > 2 {
			plus++
		}
		signer, err := ledger.NewSigner(skey)
		if err != nil {
			t.Fatal(err)
		}
		size := int64(k + 1)
		signed, err := ledger.SignCheckpoint(signer, size, roots[size])
		if err != nil {
			t.Fatal(err)
		}
		good := noteCase{Name: fmt.Sprintf("key %d", k), Note: string(signed), Key: vkey, Size: size, Root: b64(roots[size]), Want: true}
		notes = append(notes, good)
		c := good
		c.Name, c.Want, c.Size = good.Name+", another size", false, size+1
		notes = append(notes, c)
		c = good
		c.Name, c.Want, c.Root = good.Name+", another root", false, b64(flip(roots[size]))
		notes = append(notes, c)
		if lastKey != "" {
			c = good
			c.Name, c.Want, c.Key = good.Name+", another key", false, lastKey
			notes = append(notes, c)
		}
		lastKey = vkey
	}
	if plus == 0 {
		t.Fatal("no key of 40 holds a \"+\" in its base64")
	}
	js, err = json.Marshal(notes)
	if err != nil {
		t.Fatal(err)
	}
	verified, err := chromedp.Run(ctx, chromedp.Evaluate[[]bool](fmt.Sprintf(`(async () => {
		const out = [];
		for (const c of %s) { out.push(await window.ParleyLedger.verifyNote(c.note, c.key, c.size, c.root)); }
		return out;
	})()`, js), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range notes {
		if i < len(verified) && verified[i] != c.Want {
			t.Errorf("checkpoint %s: the browser says %v, want %v", c.Name, verified[i], c.Want)
		}
	}
	if len(verified) != len(notes) {
		t.Fatalf("%d answers for %d checkpoints", len(verified), len(notes))
	}
	for _, p := range problems.take() {
		t.Error(p)
	}
}
