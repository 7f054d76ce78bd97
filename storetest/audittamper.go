package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/internal/sqlstore"
	"github.com/parley-talks/parley/ledger"
)

// auditVerifier is a store that verifies its audit ledger.
type auditVerifier interface {
	VerifyAudit(ctx context.Context, opts sqlstore.VerifyOptions) (sqlstore.AuditReport, error)
}

// RunVisibilityTampering builds the confidential fixture in s, then n times
// edits the track_id or the audience of a random audit entry directly in
// the database, behind the application's back, through raw (a handle on
// s's tables: one connection, with PostgreSQL's search_path set). Each edit
// changes who may see the entry; VerifyAudit must fail with
// ledger.ErrVerify and name the entry, and no caller may get the entry's
// inclusion proof. Each edit is undone before the next, and the log
// verifies again at the end.
func RunVisibilityTampering(t *testing.T, s parley.Store, raw *sql.DB, n int) {
	v, ok := s.(auditVerifier)
	if !ok {
		t.Fatalf("%T has no VerifyAudit", s)
	}
	f := NewConfidential(t, s)
	if _, err := v.VerifyAudit(ctx, sqlstore.VerifyOptions{}); err != nil {
		t.Fatalf("VerifyAudit before any edit: %v", err)
	}
	var size int64
	if err := raw.QueryRowContext(ctx, `SELECT size FROM audit_log WHERE id = 1`).Scan(&size); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, 13))
	counts := map[string]int{}
	for i := range n {
		idx := rng.Int64N(size)
		var track sql.NullInt64
		var audience string
		if err := raw.QueryRowContext(ctx, `SELECT track_id, audience FROM audit_entries WHERE idx = $1`, idx).Scan(&track, &audience); err != nil {
			t.Fatal(err)
		}
		newTrack, newAudience := track, audience
		var kind string
		if i%2 == 0 {
			switch {
			case !track.Valid:
				kind, newTrack = "track added", sql.NullInt64{Int64: f.A.ID, Valid: true}
			case rng.IntN(2) == 0:
				kind, newTrack = "track removed", sql.NullInt64{}
			default:
				kind = "track moved"
				newTrack.Int64 = f.A.ID + f.B.ID - track.Int64 // A↔B
				if track.Int64 != f.A.ID && track.Int64 != f.B.ID {
					newTrack.Int64 = f.A.ID
				}
			}
		} else {
			kind, newAudience = "audience widened", string(parley.AudiencePlenary)
			if audience == string(parley.AudiencePlenary) {
				kind, newAudience = "audience narrowed", string(parley.AudienceMediators)
			}
		}
		counts[kind]++
		set := func(tr sql.NullInt64, a string) {
			t.Helper()
			res, err := raw.ExecContext(ctx, `UPDATE audit_entries SET track_id = $1, audience = $2 WHERE idx = $3`, tr, a, idx)
			if err != nil {
				t.Fatalf("edit %d (%s): %v", i, kind, err)
			}
			if k, _ := res.RowsAffected(); k != 1 {
				t.Fatalf("edit %d (%s) changed %d rows", i, kind, k)
			}
		}
		set(newTrack, newAudience)
		_, err := v.VerifyAudit(ctx, sqlstore.VerifyOptions{})
		if !errors.Is(err, ledger.ErrVerify) {
			t.Fatalf("edit %d (%s of entry %d) not detected: %v", i, kind, idx, err)
		}
		if want := fmt.Sprintf("audit entry %d ", idx); !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), string(sqlstore.ProblemVisibility)) {
			t.Fatalf("edit %d (%s): report %q does not name %q and the visibility", i, kind, err, want)
		}
		if i < 2 {
			t.Logf("edit %d (%s): %v", i, kind, err)
		}
		// Nobody gets the entry through the API while its row is edited,
		// not even those the edit would let see it.
		for _, c := range []*parley.Caller{f.Admin, f.Mediator, f.DelegateUA, f.Observer, f.Verifier, f.MediatorB} {
			if p, err := s.ProveInclusion(as(c), idx); err == nil {
				t.Fatalf("edit %d (%s of entry %d): ProveInclusion as %s returns entry %+v", i, kind, idx, c.User.Email, p.Entry)
			}
			for _, tr := range []int64{f.A.ID, f.B.ID} {
				es, _, err := s.FindAuditEntries(as(c), tr, parley.Page{Limit: parley.MaxLimit})
				for _, e := range es {
					if err == nil && e.Index == idx {
						t.Fatalf("edit %d (%s of entry %d): FindAuditEntries of track %d as %s lists the entry", i, kind, idx, tr, c.User.Email)
					}
				}
			}
		}
		set(track, audience)
	}
	rep, err := v.VerifyAudit(ctx, sqlstore.VerifyOptions{})
	if err != nil {
		t.Fatalf("VerifyAudit after the edits were undone: %v", err)
	}
	if rep.Legacy != 0 {
		t.Errorf("VerifyAudit counts %d legacy entries in a log written by this version", rep.Legacy)
	}
	t.Logf("%d entries; edits: %v", size, counts)
}
