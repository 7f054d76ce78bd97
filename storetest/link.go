package storetest

import (
	"testing"

	"github.com/parley-talks/parley"
)

// RunLinks checks links between tracks: who sets and sees them, their
// history, the refusals (a self-link, a sequence cycle, tracks the caller
// does not mediate) and what each kind does to its tracks.
func RunLinks(t *testing.T, open Opener) {
	t.Run("Links", func(t *testing.T) { testLinks(t, open(t)) })
	t.Run("LinkKinds", func(t *testing.T) { testLinkKinds(t, open(t)) })
}

// linkFixture adds a mediator of both tracks of f and a third track C
// that it mediates too.
func linkFixture(t *testing.T, s parley.Store, f *Confidential) (both *parley.Caller, c *parley.Track) {
	t.Helper()
	c = newTrack(t, s, "Track C", parley.StatusExploratory)
	u := &parley.User{Email: "both@test.parley", Name: "Both"}
	must2(t, s.CreateUser(ctx, u))
	both = &parley.Caller{User: u}
	for _, tr := range []int64{f.A.ID, f.B.ID, c.ID} {
		g := &parley.Member{TrackID: tr, UserID: u.ID, Role: parley.MemberMediator}
		must2(t, s.CreateMember(ctx, g))
		both.Grants = append(both.Grants, g)
	}
	return both, c
}

func testLinks(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	both, c := linkFixture(t, s, f)
	l := &parley.Link{TrackA: f.A.ID, TrackB: f.B.ID, Kind: parley.LinkPackage, Reason: "a halt to strikes for an exchange"}
	must2(t, s.CreateLink(as(both), l))
	if l.ID <= 0 || l.Status != parley.LinkActive || len(l.History) != 1 || l.History[0].To != parley.LinkActive ||
		l.History[0].ActorID == nil || *l.History[0].ActorID != both.User.ID {
		t.Fatalf("created link %+v", l)
	}
	got, err := s.FindLinkByID(as(both), l.ID)
	must2(t, err)
	diff(t, "link", l, got)

	// Who sees it: callers who see both tracks.
	for _, tc := range []struct {
		name string
		c    *parley.Caller
		sees bool
	}{
		{"admin", f.Admin, true}, {"mediator of A only", f.Mediator, false}, {"delegate on A only", f.DelegateUA, false},
		{"mediator of B only", f.MediatorB, false}, {"outsider", f.Out, false}, {"nobody", &parley.Caller{}, false},
	} {
		_, err := s.FindLinkByID(as(tc.c), l.ID)
		if tc.sees != (err == nil) || (!tc.sees && parley.ErrorCode(err) != parley.ENOTFOUND) {
			t.Errorf("%s: find link: %v, sees %v", tc.name, err, tc.sees)
		}
		if tc.c.User == nil {
			continue
		}
		ls, err := s.FindLinks(as(tc.c), 0)
		must2(t, err)
		if (len(ls) == 1) != tc.sees {
			t.Errorf("%s lists %d links", tc.name, len(ls))
		}
	}
	if ls, err := s.FindLinks(as(f.Mediator), f.A.ID); err != nil || len(ls) != 0 {
		t.Errorf("mediator of A only lists A's links: %v %v", ls, err)
	}
	if _, err := s.FindLinks(as(f.Mediator), f.B.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("mediator of A only lists B's links: %v", err)
	}

	// Its history: dissolved and made active again, each with a reason.
	dissolved, err := s.TransitionLink(as(both), l.ID, parley.LinkTransitionRequest{To: parley.LinkDissolved, Reason: "talks decoupled", EventID: &f.EventA.ID})
	must2(t, err)
	if dissolved.Status != parley.LinkDissolved || len(dissolved.History) != 2 || dissolved.History[1].From != parley.LinkActive ||
		dissolved.History[1].EventID == nil || *dissolved.History[1].EventID != f.EventA.ID {
		t.Errorf("dissolved link %+v", dissolved)
	}
	again, err := s.TransitionLink(as(both), l.ID, parley.LinkTransitionRequest{To: parley.LinkActive, Reason: "relinked"})
	must2(t, err)
	if len(again.History) != 3 || again.Status != parley.LinkActive {
		t.Errorf("relinked %+v", again)
	}
	seq := &parley.Link{TrackA: f.A.ID, TrackB: f.B.ID, Kind: parley.LinkSequence, OpensAt: parley.StatusActive, Reason: "B after A"}
	must2(t, s.CreateLink(as(both), seq))
	seq2 := &parley.Link{TrackA: f.B.ID, TrackB: c.ID, Kind: parley.LinkSequence, OpensAt: parley.StatusActive, Reason: "C after B"}
	must2(t, s.CreateLink(as(both), seq2))

	checkRefusals(t, s, []refusal{
		{"self-link", parley.EINVALID, "track_b", []string{"itself"}, func() error {
			return s.CreateLink(as(both), &parley.Link{TrackA: f.A.ID, TrackB: f.A.ID, Kind: parley.LinkPackage, Reason: "r"})
		}},
		{"sequence cycle", parley.ECONFLICT, "track_b", []string{"cycle"}, func() error {
			return s.CreateLink(as(both), &parley.Link{TrackA: c.ID, TrackB: f.A.ID, Kind: parley.LinkSequence, OpensAt: parley.StatusActive, Reason: "r"})
		}},
		{"mediator of one track only", parley.EFORBIDDEN, "", []string{"mediator of both"}, func() error {
			u := &parley.User{ID: f.Mediator.User.ID, Email: f.Mediator.User.Email, Name: "M"}
			c := &parley.Caller{User: u, Grants: append(append([]*parley.Member{}, f.Mediator.Grants...), &parley.Member{TrackID: f.B.ID, UserID: u.ID, Role: parley.MemberObserver})}
			return s.CreateLink(as(c), &parley.Link{TrackA: f.A.ID, TrackB: f.B.ID, Kind: parley.LinkCondition, Reason: "r"})
		}},
		{"a track the caller does not see", parley.EINVALID, "track_b", nil, func() error {
			return s.CreateLink(as(f.Mediator), &parley.Link{TrackA: f.A.ID, TrackB: f.B.ID, Kind: parley.LinkCondition, Reason: "r"})
		}},
		{"no such track", parley.EINVALID, "track_b", nil, func() error {
			return s.CreateLink(as(both), &parley.Link{TrackA: f.A.ID, TrackB: 9999, Kind: parley.LinkCondition, Reason: "r"})
		}},
		{"a second package link", parley.ECONFLICT, "kind", nil, func() error {
			return s.CreateLink(as(both), &parley.Link{TrackA: f.B.ID, TrackB: f.A.ID, Kind: parley.LinkPackage, Reason: "r"})
		}},
		{"unknown kind", parley.EINVALID, "kind", nil, func() error {
			return s.CreateLink(as(both), &parley.Link{TrackA: f.A.ID, TrackB: c.ID, Kind: "treaty", Reason: "r"})
		}},
		{"sequence without a status", parley.EINVALID, "opens_at", nil, func() error {
			return s.CreateLink(as(both), &parley.Link{TrackA: f.A.ID, TrackB: c.ID, Kind: parley.LinkSequence, Reason: "r"})
		}},
		{"no reason", parley.EINVALID, "reason", nil, func() error {
			return s.CreateLink(as(both), &parley.Link{TrackA: f.A.ID, TrackB: c.ID, Kind: parley.LinkCondition})
		}},
		{"nobody", parley.EUNAUTHORIZED, "", nil, func() error {
			return s.CreateLink(as(&parley.Caller{}), &parley.Link{TrackA: f.A.ID, TrackB: c.ID, Kind: parley.LinkCondition, Reason: "r"})
		}},
		{"dissolving by a mediator of one track", parley.ENOTFOUND, "", nil, func() error {
			_, err := s.TransitionLink(as(f.Mediator), l.ID, parley.LinkTransitionRequest{To: parley.LinkDissolved, Reason: "r"})
			return err
		}},
		{"active twice", parley.ECONFLICT, "to", nil, func() error {
			_, err := s.TransitionLink(as(both), l.ID, parley.LinkTransitionRequest{To: parley.LinkActive, Reason: "r"})
			return err
		}},
	})
	// A dissolved sequence link closes no cycle, and one made active again
	// is checked as a new one.
	_, err = s.TransitionLink(as(both), seq.ID, parley.LinkTransitionRequest{To: parley.LinkDissolved, Reason: "r"})
	must2(t, err)
	back := &parley.Link{TrackA: c.ID, TrackB: f.A.ID, Kind: parley.LinkSequence, OpensAt: parley.StatusActive, Reason: "A after C"}
	must2(t, s.CreateLink(as(both), back))
	_, err = s.TransitionLink(as(both), seq.ID, parley.LinkTransitionRequest{To: parley.LinkActive, Reason: "r"})
	checkErr(t, err, parley.ECONFLICT, "track_b")
	ls, err := s.FindLinks(as(both), f.B.ID)
	must2(t, err)
	if len(ls) != 3 {
		t.Errorf("B's links: %d, want 3", len(ls))
	}
}

func testLinkKinds(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	both, c := linkFixture(t, s, f)

	// sequence: B opens only once A has been active.
	must2(t, s.CreateLink(as(both), &parley.Link{TrackA: f.A.ID, TrackB: f.B.ID, Kind: parley.LinkSequence, OpensAt: parley.StatusActive, Reason: "B after A"}))
	open := parley.TransitionRequest{To: parley.StatusActive, Reason: "opened"}
	checkRefusals(t, s, []refusal{{"B before A", parley.ECONFLICT, "status", []string{"sequence link"}, func() error {
		_, err := s.TransitionTrack(as(both), f.B.ID, open)
		return err
	}}})
	_, err := s.TransitionTrack(as(both), f.A.ID, open)
	must2(t, err)
	_, err = s.TransitionTrack(as(both), f.B.ID, open)
	must2(t, err)

	// condition: A is suspended when C collapses, citing the link and the
	// event, which then shows on A's timeline too.
	cond := &parley.Link{TrackA: f.A.ID, TrackB: c.ID, Kind: parley.LinkCondition, Reason: "A holds only while C does"}
	must2(t, s.CreateLink(as(both), cond))
	_, err = s.TransitionTrack(as(both), c.ID, open)
	must2(t, err)
	ev := &parley.Event{Title: "Offensive", OccurredAt: day, TrackIDs: []int64{c.ID}}
	must2(t, s.CreateEvent(ctx, ev))
	_, err = s.TransitionTrack(as(both), c.ID, parley.TransitionRequest{To: parley.StatusCollapsed, Reason: "walked out", EventID: &ev.ID})
	must2(t, err)
	a, err := s.FindTrackByID(ctx, f.A.ID)
	must2(t, err)
	if a.Status != parley.StatusSuspended {
		t.Fatalf("A is %s after C collapsed, want suspended", a.Status)
	}
	trs, err := s.FindTransitions(ctx, f.A.ID)
	must2(t, err)
	last := trs[len(trs)-1]
	if last.EventID == nil || *last.EventID != ev.ID || last.ActorID == nil || *last.ActorID != both.User.ID {
		t.Errorf("A's suspension %+v", last)
	}
	timeline, err := s.Timeline(ctx, f.A.ID, parley.TimelinePage{Newest: true})
	must2(t, err)
	shows := false
	for _, e := range timeline.Entries {
		shows = shows || (e.Event != nil && e.Event.ID == ev.ID)
	}
	if !shows {
		t.Error("the collapse's event does not show on the suspended track's timeline")
	}

	// package: nothing is agreed on A until B has an agreed text.
	must2(t, s.CreateLink(as(both), &parley.Link{TrackA: f.A.ID, TrackB: f.B.ID, Kind: parley.LinkPackage, Reason: "one package"}))
	agreed := []parley.Clause{{Text: "All for all.", Status: parley.ClauseAgreed}}
	vA := agreedVersion(t, s, f, f.A.ID, parley.AudiencePlenary, true, agreed...)
	adopt := func() error {
		return s.CreateAgreement(as(both), &parley.Agreement{TrackID: f.A.ID, Title: "Moratorium", TextVersionID: &vA.ID,
			Signatories: []int64{f.UA.ID, f.RU.ID}, Effective: "2024-01-01"})
	}
	checkRefusals(t, s, []refusal{{"A before B is agreed", parley.ECONFLICT, "track_id", []string{"nothing is agreed until everything is agreed"}, adopt}})
	agreedVersion(t, s, f, f.B.ID, parley.AudiencePlenary, true, parley.Clause{Text: "Open.", Status: parley.ClauseOpen})
	checkRefusals(t, s, []refusal{{"B's text not agreed", parley.ECONFLICT, "track_id", nil, adopt}})
	agreedVersion(t, s, f, f.B.ID, parley.AudiencePlenary, true, agreed...)
	must2(t, adopt())
}

// linkTamperExtras links two tracks of the tamper fixture and dissolves
// the link, so that links and link_steps hold rows, unless the fixture has
// a link already.
func linkTamperExtras(t *testing.T, s parley.Store) {
	t.Helper()
	ls, err := s.FindLinks(ctx, 0)
	must(t, err)
	if len(ls) > 0 {
		return
	}
	tracks, _, err := s.FindTracks(ctx, parley.TrackFilter{})
	must(t, err)
	if len(tracks) < 2 {
		t.Fatal("the tamper fixture has fewer than two tracks")
	}
	l := &parley.Link{TrackA: tracks[0].ID, TrackB: tracks[1].ID, Kind: parley.LinkPackage, Reason: "tamper suite"}
	must(t, s.CreateLink(ctx, l))
	_, err = s.TransitionLink(ctx, l.ID, parley.LinkTransitionRequest{To: parley.LinkDissolved, Reason: "tamper suite"})
	must(t, err)
}

func init() {
	// The tamper suite's readers of links and their steps, as System.
	readers["links"] = func(s parley.Store, r map[string]any) error {
		_, err := s.FindLinkByID(ctx, rowInt(r, "id"))
		return err
	}
	readers["link_steps"] = func(s parley.Store, r map[string]any) error {
		_, err := s.FindLinkByID(ctx, rowInt(r, "link_id"))
		return err
	}
}
