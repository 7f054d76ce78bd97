package web

import (
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/ledger"
	"github.com/parley-talks/parley/web/api"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// TestNotesAndAuditProofs exercises the notes and audit routes of the API:
// sealed notes by audience, and inclusion and consistency proofs that an
// independent implementation (transparency-dev/merkle) verifies.
func TestNotesAndAuditProofs(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			a := b.open(t)
			f := a.seed()
			notes := fmt.Sprintf("/api/v1/meetings/%d/notes", f.meeting.ID)
			var plenary, mediators parley.MeetingNote
			a.call("POST", notes, map[string]any{"kind": "minutes", "audience": "plenary", "text": "agreed to meet again"}, 201, &plenary)
			a.call("POST", notes, map[string]any{"kind": "caucus", "audience": "mediators", "text": "the mediators' own view"}, 201, &mediators)
			a.call("POST", notes, map[string]any{"kind": "caucus", "audience": "nobody", "text": "x"}, 400, nil)
			var list api.List[*parley.MeetingNote]
			a.call("GET", notes, nil, 200, &list)
			if list.Total != 2 || list.Items[1].Text != "the mediators' own view" {
				t.Fatalf("notes for a mediator: %+v", list)
			}
			// An observer of the track reads the plenary minutes only.
			obs := a.createTestUser("observer@example.org", "Observer", false)
			a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/members", f.track.ID), map[string]any{"user_id": obs.ID, "role": "observer"}, 201, nil)
			admin := a.token
			a.token = a.signIn("observer@example.org", testPassword)
			a.call("GET", notes, nil, 200, &list)
			if list.Total != 1 || list.Items[0].ID != plenary.ID {
				t.Errorf("notes for an observer: %+v", list)
			}
			a.call("GET", fmt.Sprintf("/api/v1/notes/%d", mediators.ID), nil, 404, nil)
			a.call("GET", fmt.Sprintf("/api/v1/notes/%d", plenary.ID), nil, 200, nil)
			a.call("POST", notes, map[string]any{"kind": "minutes", "audience": "plenary", "text": "x"}, 403, nil)
			a.token = admin

			// Proofs.
			var sizes []int64
			a.call("GET", "/api/v1/audit/checkpoints", nil, 200, &sizes)
			if len(sizes) == 0 {
				t.Fatal("no checkpoint")
			}
			var inc parley.InclusionProof
			a.call("GET", "/api/v1/audit/entries/1/proof", nil, 200, &inc)
			if err := proof.VerifyInclusion(rfc6962.DefaultHasher, 1, uint64(inc.TreeSize), unb64(t, inc.LeafHash), unb64s(t, inc.Proof), unb64(t, inc.Root)); err != nil {
				t.Errorf("inclusion proof: %v", err)
			}
			last := sizes[len(sizes)-1]
			var con parley.ConsistencyProof
			a.call("GET", fmt.Sprintf("/api/v1/audit/consistency?old=%d&new=%d", sizes[0], last), nil, 200, &con)
			if err := proof.VerifyConsistency(rfc6962.DefaultHasher, uint64(con.OldSize), uint64(con.NewSize), unb64s(t, con.Proof), unb64(t, con.OldRoot), unb64(t, con.NewRoot)); err != nil {
				t.Errorf("consistency proof: %v", err)
			}
			a.call("GET", "/api/v1/audit/entries/-1/proof", nil, 400, nil)
			a.call("GET", "/api/v1/audit/entries/999999/proof", nil, 404, nil)
			a.call("GET", "/api/v1/audit/consistency?new=1", nil, 400, nil)
			a.call("GET", "/api/v1/audit/consistency?old=1&new=x", nil, 400, nil)
			// Without new, the proof reaches the latest checkpoint.
			var latest parley.SignedCheckpoint
			a.call("GET", "/api/v1/audit/checkpoint", nil, 200, &latest)
			a.call("GET", "/api/v1/audit/consistency?old=1", nil, 200, &con)
			if con.NewSize != latest.Size || con.NewRoot != latest.Root || con.NewCheckpoint != latest.Note {
				t.Errorf("consistency to the latest: %+v, want the checkpoint %+v", con, latest)
			}
		})
	}
}

// TestLatestCheckpointExtends: the latest signed checkpoint, which any
// signed-in caller (a party's delegate too) may keep, is signed with the
// verifier key it names and covers the whole log; after further writes the
// consistency proof from the kept checkpoint to the new one verifies with
// an independent implementation against the kept root, and fails against
// any other root.
func TestLatestCheckpointExtends(t *testing.T) {
	for _, b := range testBackends {
		t.Run(b.name, func(t *testing.T) {
			a := b.open(t)
			f := a.seed()
			var kept parley.SignedCheckpoint
			a.call("GET", "/api/v1/audit/checkpoint", nil, 200, &kept)
			openSigned(t, kept)
			// A delegate of a party sees the same checkpoint.
			a.call("POST", fmt.Sprintf("/api/v1/tracks/%d/members", f.track.ID), map[string]any{"user_id": f.user2.ID, "role": "delegate", "party_id": f.ukraine.ID}, 201, nil)
			admin := a.token
			a.token = a.signIn("ua@example.org", testPassword)
			var seen parley.SignedCheckpoint
			a.call("GET", "/api/v1/audit/checkpoint", nil, 200, &seen)
			if seen.Size <= kept.Size || seen.VerifierKey != kept.VerifierKey {
				t.Fatalf("after a write: checkpoint of %d entries with key %q; want more than %d, key %q", seen.Size, seen.VerifierKey, kept.Size, kept.VerifierKey)
			}
			openSigned(t, seen)
			var con parley.ConsistencyProof
			a.call("GET", fmt.Sprintf("/api/v1/audit/consistency?old=%d&new=%d", kept.Size, seen.Size), nil, 200, &con)
			if con.OldRoot != kept.Root || con.NewRoot != seen.Root || con.NewCheckpoint != seen.Note {
				t.Fatalf("consistency proof of other trees: %+v", con)
			}
			hashes := unb64s(t, con.Proof)
			if err := proof.VerifyConsistency(rfc6962.DefaultHasher, uint64(kept.Size), uint64(seen.Size), hashes, unb64(t, kept.Root), unb64(t, seen.Root)); err != nil {
				t.Errorf("consistency with the kept checkpoint: %v", err)
			}
			otherRoot := unb64(t, kept.Root)
			otherRoot[0] ^= 1
			if err := proof.VerifyConsistency(rfc6962.DefaultHasher, uint64(kept.Size), uint64(seen.Size), hashes, otherRoot, unb64(t, seen.Root)); err == nil {
				t.Error("the proof verifies against another kept root")
			}
			a.token = ""
			a.call("GET", "/api/v1/audit/checkpoint", nil, 401, nil)
			a.token = admin
		})
	}
}

// openSigned checks a SignedCheckpoint's note against its verifier key,
// size and root.
func openSigned(t *testing.T, cp parley.SignedCheckpoint) {
	t.Helper()
	v, err := ledger.NewVerifier(cp.VerifierKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ledger.OpenCheckpoint([]byte(cp.Note), v)
	if err != nil {
		t.Fatalf("the checkpoint does not open with its verifier key: %v", err)
	}
	if c.Size != cp.Size || base64.StdEncoding.EncodeToString(c.Root[:]) != cp.Root {
		t.Fatalf("the note signs %d entries, root %x; the answer says %d, %s", c.Size, c.Root, cp.Size, cp.Root)
	}
}

func unb64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func unb64s(t *testing.T, ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = unb64(t, s)
	}
	return out
}
