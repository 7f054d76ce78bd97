package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/parley-talks/parley"
)

// testConcurrency races writers against each other: of several identical
// transitions exactly one succeeds and the others are refused as conflicts;
// of several parties with one name exactly one is stored; writes of distinct
// records all succeed.
func testConcurrency(t *testing.T, s parley.Store) {
	const n = 8
	tr := newTrack(t, s, "Contested track", parley.StatusActive)
	run := func(f func(i int) error) (ok int, codes map[string]int) {
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = f(i)
			}()
		}
		wg.Wait()
		codes = map[string]int{}
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				codes[parley.ErrorCode(err)]++
			}
		}
		return ok, codes
	}

	ok, codes := run(func(int) error {
		_, err := s.TransitionTrack(ctx, tr.ID, parley.TransitionRequest{To: parley.StatusPaused, Reason: "race"})
		return err
	})
	if ok != 1 || codes[parley.ECONFLICT] != n-1 {
		t.Errorf("racing transitions: %d succeeded, errors %v; want 1 and %d conflicts", ok, codes, n-1)
	}
	history, err := s.FindTransitions(ctx, tr.ID)
	must(t, err)
	if len(history) != 2 || history[1].From != parley.StatusActive || history[1].To != parley.StatusPaused {
		t.Errorf("history after racing transitions: %d entries", len(history))
	}

	ok, codes = run(func(int) error { return s.CreateParty(ctx, &parley.Party{Name: "Vatican", Kind: parley.PartyState}) })
	if ok != 1 || codes[parley.ECONFLICT] != n-1 {
		t.Errorf("racing creates of one name: %d succeeded, errors %v; want 1 and %d conflicts", ok, codes, n-1)
	}

	ok, codes = run(func(i int) error {
		return s.CreateMeeting(ctx, &parley.Meeting{TrackID: tr.ID, Title: fmt.Sprint("Meeting ", i), Format: parley.FormatCaucus, StartsAt: day})
	})
	if ok != n {
		t.Errorf("concurrent distinct meetings: %d succeeded, errors %v", ok, codes)
	}
	_, total, err := s.FindMeetings(ctx, parley.MeetingFilter{TrackID: tr.ID})
	must(t, err)
	if total != n {
		t.Errorf("%d meetings stored, want %d", total, n)
	}
}
