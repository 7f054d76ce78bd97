package demo_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/demo"
	"github.com/parley-talks/parley/negotiation"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/seal"
	"github.com/parley-talks/parley/sqlite"
)

func openStore(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(parley.NewContextWithCaller(context.Background(), parley.System), filepath.Join(t.TempDir(), "parley.db"), sqlite.MasterKey(seal.GenerateMasterKey()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestLoadIntoSQLite(t *testing.T) {
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	db := openStore(t)
	const pw = "correct horse battery"
	sum, err := demo.Load(ctx, db, pw)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Tracks < 6 || sum.Parties != 10 || len(sum.Accounts) != 4 || sum.Agreements != 2 || sum.Exchanges != 1 || sum.ChildCases != 3 {
		t.Errorf("summary = %+v, want ≥6 tracks, 10 parties, 4 accounts, 2 agreements, 1 exchange, 3 children's cases", sum)
	}
	if ok, err := demo.IsLoaded(ctx, db); err != nil || !ok {
		t.Errorf("IsLoaded = %v, %v; want true", ok, err)
	}

	// Every account signs in with the demo password, and only with it.
	for _, email := range sum.Accounts {
		u, err := db.FindUserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		if err := password.Verify(pw, u.PasswordHash); err != nil {
			t.Errorf("%s: demo password does not verify: %v", email, err)
		}
		if err := password.Verify(pw+"x", u.PasswordHash); err == nil {
			t.Errorf("%s: a wrong password verifies", email)
		}
	}

	// The energy track was paused after the Kursk offensive, and its
	// timeline shows the transition citing that event.
	tracks, _, err := db.FindTracks(ctx, parley.TrackFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byTitle := map[string]*parley.Track{}
	for _, tr := range tracks {
		byTitle[tr.Title] = tr
	}
	energy := byTitle["Energy-infrastructure strike moratorium"]
	if energy == nil || energy.Status != parley.StatusPaused {
		t.Fatalf("energy track = %+v, want it paused", energy)
	}
	if g := byTitle["Black Sea grain corridor"]; g == nil || g.Status != parley.StatusCollapsed {
		t.Errorf("grain track = %+v, want it collapsed", g)
	}
	timeline, err := db.Timeline(ctx, energy.ID, parley.TimelinePage{Limit: parley.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var statuses []parley.Status
	var pausedBy *int64
	for _, e := range timeline.Entries {
		if e.Kind == parley.TimelineTransition {
			statuses = append(statuses, e.Transition.To)
			if e.Transition.To == parley.StatusPaused {
				pausedBy = e.Transition.EventID
			}
		}
	}
	if want := []parley.Status{parley.StatusExploratory, parley.StatusActive, parley.StatusPaused}; !equal(statuses, want) {
		t.Errorf("energy status history = %v, want %v", statuses, want)
	}
	if pausedBy == nil {
		t.Fatal("the pause cites no event")
	}
	ev, err := db.FindEventByID(ctx, *pausedBy)
	if err != nil || ev.Title != "Ukrainian counteroffensive in the Kursk region" {
		t.Errorf("the pause cites %+v, %v; want the Kursk offensive", ev, err)
	}

	// Memberships: the observer sits on the principles track only.
	obs, err := db.FindUserByEmail(ctx, "observer@demo.parley")
	if err != nil {
		t.Fatal(err)
	}
	grants, err := db.FindMembershipsOfUser(ctx, obs.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(grants) != 1 || grants[0].Role != parley.MemberObserver || grants[0].TrackID != byTitle["Principles of peace"].ID {
		t.Errorf("observer grants = %+v, want one observer grant on the principles track", grants)
	}
}

func TestLoadRefusesANonEmptyStore(t *testing.T) {
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	db := openStore(t)
	if err := db.CreateParty(ctx, &parley.Party{Name: "Atlantis", Kind: parley.PartyState}); err != nil {
		t.Fatal(err)
	}
	_, err := demo.Load(ctx, db, "a long enough password")
	if parley.ErrorCode(err) != parley.ECONFLICT {
		t.Fatalf("Load into a store with data: err = %v, want ECONFLICT", err)
	}
	parties, n, err := db.FindParties(ctx, parley.Page{})
	if err != nil || n != 1 || parties[0].Name != "Atlantis" {
		t.Errorf("after the refusal the store holds %d parties (%v); want only Atlantis", n, err)
	}
	if ok, _ := demo.IsLoaded(ctx, db); ok {
		t.Error("IsLoaded after a refused load")
	}
}

// The principals' positions are complete profiles: the analysis runs on
// every track.
func TestPositionsAnalyse(t *testing.T) {
	sc, err := demo.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, ts := range sc.Tracks {
		rep, err := negotiation.Analyze(ts.AnalysisScenario())
		if err != nil {
			t.Errorf("track %q: %v", ts.Key, err)
			continue
		}
		if len(rep.Frontier) == 0 {
			t.Errorf("track %q: empty frontier", ts.Key)
		}
		if !rep.AgreementZone.Exact {
			t.Errorf("track %q: zone count is not exact on a small track", ts.Key)
		}
	}
}

func equal(a, b []parley.Status) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestLoadGrainAgreement checks the grain corridor's agreement as loaded:
// three renewals, collapsed on 2023-07-17, and an early warning over its
// stored reports that ended before the collapse; the evidence is sealed
// to the mediators.
func TestLoadGrainAgreement(t *testing.T) {
	ctx := parley.NewContextWithCaller(context.Background(), parley.System)
	db := openStore(t)
	if _, err := demo.Load(ctx, db, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	as, err := db.FindAgreements(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var grain *parley.Agreement
	for _, a := range as {
		if len(a.Renewals) == 3 {
			grain = a
		}
	}
	if len(as) != 2 || grain == nil {
		t.Fatalf("%d agreements, grain %v", len(as), grain)
	}
	last := grain.History[len(grain.History)-1]
	if grain.Status != parley.AgreementCollapsed || grain.Expires != "2023-07-17" || last.At.Format(time.DateOnly) != "2023-07-17" || last.EventID == nil {
		t.Errorf("grain agreement = %s, expires %s, last step %+v", grain.Status, grain.Expires, last)
	}
	cs, err := db.FindCommitments(ctx, grain.ID)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := db.FindReports(ctx, grain.ID)
	if err != nil {
		t.Fatal(err)
	}
	w := parley.EarlyWarning(grain, cs, rs, last.At)
	if w == nil || w.To >= "2023-07-17" || w.Active {
		t.Errorf("warning = %+v; want one that ended before the collapse, history now", w)
	}
	sealed := 0
	for _, r := range rs {
		if r.Audience == parley.AudienceMediators && r.Evidence != "" {
			sealed++
		}
	}
	if sealed == 0 {
		t.Error("no evidence sealed to the mediators")
	}
}
