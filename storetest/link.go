package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/parley-talks/parley"
)

// RunLinks checks links between tracks: who sets and sees them, their
// history, the refusals (a self-link, a sequence cycle, tracks the caller
// does not mediate) and what each kind does to its tracks.
func RunLinks(t *testing.T, open Opener) {
	t.Run("Links", func(t *testing.T) { testLinks(t, open(t)) })
	t.Run("LinkKinds", func(t *testing.T) { testLinkKinds(t, open(t)) })
	t.Run("Packages", func(t *testing.T) { testPackages(t, open(t)) })
	t.Run("JointTexts", func(t *testing.T) { testJointTexts(t, open(t)) })
	t.Run("BallotPackages", func(t *testing.T) { testBallotPackages(t, open(t)) })
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

// linkTamperExtras gives the tamper fixture rows in links, link_steps and
// package_parts: two tracks with a common principal and themes, linked as
// a package unless they are, a step of the link's history, and a
// cross-track package on them.
func linkTamperExtras(t *testing.T, s parley.Store) {
	t.Helper()
	tracks, _, err := s.FindTracks(ctx, parley.TrackFilter{})
	must(t, err)
	principals := func(tr *parley.Track) map[int64]bool {
		out := map[int64]bool{}
		for _, p := range tr.Parties {
			if p.Role == parley.RolePrincipal {
				out[p.PartyID] = true
			}
		}
		return out
	}
	for i, a := range tracks {
		for _, b := range tracks[i+1:] {
			var common []int64
			for p := range principals(a) {
				if principals(b)[p] {
					common = append(common, p)
				}
			}
			if len(common) == 0 || len(a.Themes) == 0 || len(b.Themes) == 0 {
				continue
			}
			l := &parley.Link{TrackA: a.ID, TrackB: b.ID, Kind: parley.LinkPackage, Reason: "tamper suite"}
			if err := s.CreateLink(ctx, l); parley.ErrorCode(err) != parley.ECONFLICT {
				must(t, err)
				_, err := s.TransitionLink(ctx, l.ID, parley.LinkTransitionRequest{To: parley.LinkDissolved, Reason: "tamper suite"})
				must(t, err)
				_, err = s.TransitionLink(ctx, l.ID, parley.LinkTransitionRequest{To: parley.LinkActive, Reason: "tamper suite"})
				must(t, err)
			}
			part := func(tr *parley.Track) parley.PackagePart {
				th := tr.Themes[0]
				return parley.PackagePart{TrackID: tr.ID, Package: []parley.Choice{{Theme: th.Name, Option: th.Options[0].Label}}, Rationale: "tamper suite"}
			}
			_, err := s.CreatePackage(ctx, parley.PackageInput{Parts: []parley.PackagePart{part(a), part(b)}, Audience: parley.AudiencePlenary, PartyIDs: common[:1]})
			must(t, err)
			var ids []int64
			for _, tr := range []*parley.Track{a, b} {
				x := &parley.NegotiatingText{TrackID: tr.ID, Title: "Tamper suite joint text", Audience: parley.AudiencePlenary}
				must(t, s.CreateText(ctx, x))
				ids = append(ids, x.ID)
			}
			_, err = s.JoinTexts(ctx, parley.JointTextInput{TextIDs: ids})
			must(t, err)
			if len(common) >= 2 {
				slices.Sort(common)
				choice := func(tr *parley.Track) parley.BallotPart {
					return parley.BallotPart{TrackID: tr.ID, Package: part(tr).Package}
				}
				_, err = s.CreateBallotPackage(ctx, parley.BallotPackageInput{Parts: []parley.BallotPart{choice(a), choice(b)}, PartyIDs: common[:2], Deadline: time.Now().Add(1000 * 24 * time.Hour)})
				must(t, err)
			}
			return
		}
	}
	t.Fatal("the tamper fixture has no two tracks with a common principal")
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
	readers["text_parts"] = func(s parley.Store, r map[string]any) error {
		_, err := s.FindJointText(ctx, rowInt(r, "text_id"))
		return err
	}
	readers["ballot_parts"] = func(s parley.Store, r map[string]any) error {
		_, err := s.FindBallotPackage(ctx, rowInt(r, "ballot_id"))
		return err
	}
	readers["package_parts"] = func(s parley.Store, r map[string]any) error {
		_, err := s.FindPackage(ctx, rowInt(r, "proposal_id"))
		return err
	}
}

func testPackages(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	both, c := linkFixture(t, s, f)
	must2(t, s.CreateLink(as(both), &parley.Link{TrackA: f.A.ID, TrackB: f.B.ID, Kind: parley.LinkPackage, Reason: "one package"}))
	must2(t, s.CreateLink(as(both), &parley.Link{TrackA: f.A.ID, TrackB: c.ID, Kind: parley.LinkCondition, Reason: "C holds A"}))
	part := func(track int64, option string) parley.PackagePart {
		return parley.PackagePart{TrackID: track, Package: []parley.Choice{{Theme: "Ceasefire", Option: option}}, Rationale: "a halt for an exchange"}
	}
	in := parley.PackageInput{Parts: []parley.PackagePart{part(f.A.ID, "full"), part(f.B.ID, "none")}, Audience: parley.AudiencePlenary, PartyIDs: []int64{f.UA.ID, f.RU.ID}}
	pkg, err := s.CreatePackage(as(both), in)
	must2(t, err)
	if len(pkg.Parts) != 2 || pkg.ID != pkg.Parts[0].ID || pkg.Parts[1].TrackID != f.B.ID || pkg.Parts[1].Package[0].Option != "none" {
		t.Fatalf("package %+v", pkg)
	}
	got, err := s.FindPackage(as(both), pkg.Parts[1].ID)
	must2(t, err)
	diff(t, "package", pkg, got)
	// A delegate on track A only reads A's part, and only the number of
	// the others; B's part is not found for it.
	mine, err := s.FindPackage(as(f.DelegateUA), pkg.Parts[0].ID)
	must2(t, err)
	if len(mine.Parts) != 1 || mine.Parts[0].TrackID != f.A.ID || mine.Hidden != 1 {
		t.Errorf("what a delegate of one track reads: %+v", mine)
	}
	if _, err := s.FindPackage(as(f.DelegateUA), pkg.Parts[1].ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("the other track's part: %v", err)
	}
	if _, err := s.FindPackage(as(f.Out), pkg.Parts[0].ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("an outsider: %v", err)
	}
	lone := &parley.Proposal{TrackID: f.A.ID, Audience: parley.AudiencePlenary, Package: []parley.Choice{{Theme: "Ceasefire", Option: "none"}}}
	must2(t, s.CreateProposal(as(both), lone))
	if _, err := s.FindPackage(as(both), lone.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("a proposal of no package: %v", err)
	}
	mediatorAObserverB := &parley.Caller{User: f.Mediator.User, Grants: append(append([]*parley.Member{}, f.Mediator.Grants...),
		&parley.Member{TrackID: f.B.ID, UserID: f.Mediator.User.ID, Role: parley.MemberObserver})}
	// C has the theme but not the parties; D is linked to nothing.
	must2(t, s.CreateTheme(ctx, &parley.Theme{TrackID: c.ID, Name: "Ceasefire", Options: []parley.Option{{Label: "none"}, {Label: "full"}}}))
	d := &parley.Track{Title: "Track D", Parties: []parley.TrackParty{{PartyID: f.UA.ID, Role: parley.RolePrincipal}},
		Themes: []*parley.Theme{{Name: "Ceasefire", Options: []parley.Option{{Label: "none"}, {Label: "full"}}}}}
	must2(t, s.CreateTrack(ctx, d))
	g := &parley.Member{TrackID: d.ID, UserID: both.User.ID, Role: parley.MemberMediator}
	must2(t, s.CreateMember(ctx, g))
	both.Grants = append(both.Grants, g)
	themed := func(track int64) parley.PackagePart {
		return parley.PackagePart{TrackID: track, Package: []parley.Choice{{Theme: "Ceasefire", Option: "full"}}}
	}
	checkRefusals(t, s, []refusal{
		{"one track only", parley.EINVALID, "parts", nil, func() error {
			_, err := s.CreatePackage(as(both), parley.PackageInput{Parts: in.Parts[:1], Audience: parley.AudiencePlenary, PartyIDs: in.PartyIDs})
			return err
		}},
		{"a party on one track only", parley.EINVALID, "party_ids", []string{"every one of its tracks"}, func() error {
			_, err := s.CreatePackage(as(both), parley.PackageInput{Parts: []parley.PackagePart{themed(f.A.ID), themed(c.ID)}, Audience: parley.AudiencePlenary, PartyIDs: []int64{f.UA.ID}})
			return err
		}},
		{"tracks not linked", parley.EINVALID, "parts.track_id", []string{"not linked"}, func() error {
			_, err := s.CreatePackage(as(both), parley.PackageInput{Parts: []parley.PackagePart{themed(f.B.ID), themed(d.ID)}, Audience: parley.AudiencePlenary, PartyIDs: []int64{f.UA.ID}})
			return err
		}},
		{"an option the track does not have", parley.EINVALID, "package", nil, func() error {
			_, err := s.CreatePackage(as(both), parley.PackageInput{Parts: []parley.PackagePart{part(f.A.ID, "full"), part(f.B.ID, "partial")}, Audience: parley.AudiencePlenary, PartyIDs: in.PartyIDs})
			return err
		}},
		{"a party's audience", parley.EINVALID, "audience", nil, func() error {
			_, err := s.CreatePackage(as(both), parley.PackageInput{Parts: in.Parts, Audience: parley.PartyAudience(f.UA.ID), PartyIDs: in.PartyIDs})
			return err
		}},
		{"a track the caller does not see", parley.EINVALID, "parts.track_id", nil, func() error {
			_, err := s.CreatePackage(as(f.Mediator), in)
			return err
		}},
		{"a track the caller does not mediate", parley.EFORBIDDEN, "", nil, func() error {
			_, err := s.CreatePackage(as(mediatorAObserverB), in)
			return err
		}},
		{"a delegate", parley.EINVALID, "parts.track_id", nil, func() error {
			_, err := s.CreatePackage(as(f.DelegateUA), in)
			return err
		}},
	})
}

func testJointTexts(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	both, c := linkFixture(t, s, f)
	must2(t, s.CreateLink(as(both), &parley.Link{TrackA: f.A.ID, TrackB: f.B.ID, Kind: parley.LinkPackage, Reason: "one package"}))
	text := func(track int64, clauses ...parley.Clause) (*parley.NegotiatingText, *parley.TextVersion) {
		tx := &parley.NegotiatingText{TrackID: track, Title: "Joint initiative", Audience: parley.AudiencePlenary}
		must2(t, s.CreateText(as(both), tx))
		v, err := s.CreateVersion(as(both), tx.ID, clauses)
		must2(t, err)
		return tx, v
	}
	tA, vA := text(f.A.ID, parley.Clause{Text: "A halt to strikes on energy infrastructure.", Status: parley.ClauseAgreed})
	tB, vB := text(f.B.ID, parley.Clause{Text: "An exchange of all for all.", Status: parley.ClauseOpen})
	tC, _ := text(c.ID, parley.Clause{Text: "Unlinked.", Status: parley.ClauseOpen})
	tA2, _ := text(f.A.ID)
	jt, err := s.JoinTexts(as(both), parley.JointTextInput{TextIDs: []int64{tA.ID, tB.ID}})
	must2(t, err)
	if jt.ID != tA.ID || len(jt.Parts) != 2 || jt.Hidden != 0 || jt.Agreed || jt.Parts[1].Latest == nil || jt.Parts[1].Latest.ID != vB.ID {
		t.Fatalf("joint text %+v", jt)
	}
	got, err := s.FindJointText(as(both), tB.ID)
	must2(t, err)
	diff(t, "joint text", jt, got)
	// A delegate on track A only reads A's clauses, the number of the
	// other parts and whether the whole is agreed; B's text is not found.
	mine, err := s.FindJointText(as(f.DelegateUA), tA.ID)
	must2(t, err)
	if len(mine.Parts) != 1 || mine.Parts[0].Text.TrackID != f.A.ID || mine.Hidden != 1 || mine.Agreed {
		t.Errorf("what a delegate of one track reads: %+v", mine)
	}
	if _, err := s.FindJointText(as(f.DelegateUA), tB.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("the other track's text: %v", err)
	}
	if _, err := s.FindJointText(as(both), tC.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("a text of no joint text: %v", err)
	}
	// Nothing is agreed until every part's latest version is frozen and
	// agreed.
	_, err = s.FreezeVersion(as(both), vA.ID)
	must2(t, err)
	_, err = s.FreezeVersion(as(both), vB.ID)
	must2(t, err)
	if jt, err := s.FindJointText(as(both), tA.ID); err != nil || jt.Agreed {
		t.Errorf("agreed with B's clause open: %+v %v", jt, err)
	}
	_, err = s.CreateVersion(as(both), tB.ID, []parley.Clause{{Text: "An exchange of all for all.", Status: parley.ClauseAgreed}})
	must2(t, err)
	if jt, err := s.FindJointText(as(both), tA.ID); err != nil || jt.Agreed {
		t.Errorf("agreed with B's latest version a draft: %+v %v", jt, err)
	}
	vs, err := s.FindVersions(as(both), tB.ID)
	must2(t, err)
	_, err = s.FreezeVersion(as(both), vs[len(vs)-1].ID)
	must2(t, err)
	if jt, err := s.FindJointText(as(f.DelegateUA), tA.ID); err != nil || !jt.Agreed {
		t.Errorf("every part agreed: %+v %v", jt, err)
	}
	mediatorAObserverB := &parley.Caller{User: f.Mediator.User, Grants: append(append([]*parley.Member{}, f.Mediator.Grants...),
		&parley.Member{TrackID: f.B.ID, UserID: f.Mediator.User.ID, Role: parley.MemberObserver})}
	tB2, _ := text(f.B.ID)
	checkRefusals(t, s, []refusal{
		{"one text", parley.EINVALID, "text_ids", nil, func() error {
			_, err := s.JoinTexts(as(both), parley.JointTextInput{TextIDs: []int64{tA2.ID}})
			return err
		}},
		{"two texts of one track", parley.EINVALID, "text_ids", []string{"one text per track"}, func() error {
			_, err := s.JoinTexts(as(both), parley.JointTextInput{TextIDs: []int64{tA2.ID, tA.ID}})
			return err
		}},
		{"tracks not linked", parley.EINVALID, "text_ids", []string{"not linked"}, func() error {
			_, err := s.JoinTexts(as(both), parley.JointTextInput{TextIDs: []int64{tA2.ID, tC.ID}})
			return err
		}},
		{"a text joined already", parley.ECONFLICT, "text_ids", nil, func() error {
			_, err := s.JoinTexts(as(both), parley.JointTextInput{TextIDs: []int64{tA2.ID, tB.ID}})
			return err
		}},
		{"a text the caller does not read", parley.EINVALID, "text_ids", nil, func() error {
			_, err := s.JoinTexts(as(f.Mediator), parley.JointTextInput{TextIDs: []int64{tA2.ID, tB2.ID}})
			return err
		}},
		{"a track the caller does not mediate", parley.EFORBIDDEN, "", nil, func() error {
			_, err := s.JoinTexts(as(mediatorAObserverB), parley.JointTextInput{TextIDs: []int64{tA2.ID, tB2.ID}})
			return err
		}},
	})
}

func testBallotPackages(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	both, c := linkFixture(t, s, f)
	must2(t, s.CreateLink(as(both), &parley.Link{TrackA: f.A.ID, TrackB: f.B.ID, Kind: parley.LinkPackage, Reason: "one package"}))
	must2(t, s.CreateLink(as(both), &parley.Link{TrackA: f.A.ID, TrackB: c.ID, Kind: parley.LinkCondition, Reason: "C holds A"}))
	part := func(track int64, option string) parley.BallotPart {
		return parley.BallotPart{TrackID: track, Package: []parley.Choice{{Theme: "Ceasefire", Option: option}}}
	}
	deadline := time.Now().Add(30 * 24 * time.Hour)
	in := parley.BallotPackageInput{Parts: []parley.BallotPart{part(f.A.ID, "full"), part(f.B.ID, "none")}, PartyIDs: []int64{f.UA.ID, f.RU.ID}, Deadline: deadline}
	bp, err := s.CreateBallotPackage(as(both), in)
	must2(t, err)
	if len(bp.Parts) != 2 || bp.ID != bp.Parts[0].ID || bp.Parts[1].TrackID != f.B.ID || bp.Parts[1].Package[0].Option != "none" ||
		bp.Parts[0].Outcome != parley.BallotPending {
		t.Fatalf("cross-track ballot %+v", bp)
	}
	got, err := s.FindBallotPackage(as(both), bp.Parts[1].ID)
	must2(t, err)
	if len(got.Parts) != 2 || got.Hidden != 0 || got.ID != bp.ID || got.Parts[1].Package[0].Option != "none" {
		t.Errorf("what the mediator of both reads: %+v", got)
	}
	// A delegate on track A only reads A's part, and only the number of
	// the others; B's part is not found for it.
	mine, err := s.FindBallotPackage(as(f.DelegateUA), bp.Parts[0].ID)
	must2(t, err)
	if len(mine.Parts) != 1 || mine.Parts[0].TrackID != f.A.ID || mine.Hidden != 1 {
		t.Errorf("what a delegate of one track reads: %+v", mine)
	}
	if _, err := s.FindBallotPackage(as(f.DelegateUA), bp.Parts[1].ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("the other track's part: %v", err)
	}
	if _, err := s.FindBallotPackage(as(f.Out), bp.Parts[0].ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("an outsider: %v", err)
	}
	lone := &parley.Ballot{TrackID: f.A.ID, Package: []parley.Choice{{Theme: "Ceasefire", Option: "none"}}, PartyIDs: []int64{f.UA.ID, f.RU.ID}, Deadline: deadline}
	must2(t, s.CreateBallot(as(both), lone))
	if _, err := s.FindBallotPackage(as(both), lone.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("a ballot of no cross-track ballot: %v", err)
	}
	mediatorAObserverB := &parley.Caller{User: f.Mediator.User, Grants: append(append([]*parley.Member{}, f.Mediator.Grants...),
		&parley.Member{TrackID: f.B.ID, UserID: f.Mediator.User.ID, Role: parley.MemberObserver})}
	// C has the theme but not the parties; D is linked to nothing.
	must2(t, s.CreateTheme(ctx, &parley.Theme{TrackID: c.ID, Name: "Ceasefire", Options: []parley.Option{{Label: "none"}, {Label: "full"}}}))
	d := &parley.Track{Title: "Track D", Parties: []parley.TrackParty{{PartyID: f.UA.ID, Role: parley.RolePrincipal}, {PartyID: f.RU.ID, Role: parley.RolePrincipal}},
		Themes: []*parley.Theme{{Name: "Ceasefire", Options: []parley.Option{{Label: "none"}, {Label: "full"}}}}}
	must2(t, s.CreateTrack(ctx, d))
	g := &parley.Member{TrackID: d.ID, UserID: both.User.ID, Role: parley.MemberMediator}
	must2(t, s.CreateMember(ctx, g))
	both.Grants = append(both.Grants, g)
	checkRefusals(t, s, []refusal{
		{"one track only", parley.EINVALID, "parts", nil, func() error {
			_, err := s.CreateBallotPackage(as(both), parley.BallotPackageInput{Parts: in.Parts[:1], PartyIDs: in.PartyIDs, Deadline: deadline})
			return err
		}},
		{"a party on one track only", parley.EINVALID, "party_ids", []string{"every one of its tracks"}, func() error {
			_, err := s.CreateBallotPackage(as(both), parley.BallotPackageInput{Parts: []parley.BallotPart{part(f.A.ID, "full"), part(c.ID, "full")}, PartyIDs: in.PartyIDs, Deadline: deadline})
			return err
		}},
		{"tracks not linked", parley.EINVALID, "parts.track_id", []string{"not linked"}, func() error {
			_, err := s.CreateBallotPackage(as(both), parley.BallotPackageInput{Parts: []parley.BallotPart{part(f.B.ID, "full"), part(d.ID, "full")}, PartyIDs: in.PartyIDs, Deadline: deadline})
			return err
		}},
		{"an option the track does not have", parley.EINVALID, "package", nil, func() error {
			_, err := s.CreateBallotPackage(as(both), parley.BallotPackageInput{Parts: []parley.BallotPart{part(f.A.ID, "full"), part(f.B.ID, "partial")}, PartyIDs: in.PartyIDs, Deadline: deadline})
			return err
		}},
		{"a deadline in the past", parley.EINVALID, "deadline", nil, func() error {
			_, err := s.CreateBallotPackage(as(both), parley.BallotPackageInput{Parts: in.Parts, PartyIDs: in.PartyIDs, Deadline: time.Now().Add(-time.Hour)})
			return err
		}},
		{"a track the caller does not see", parley.EINVALID, "parts.track_id", nil, func() error {
			_, err := s.CreateBallotPackage(as(f.Mediator), in)
			return err
		}},
		{"a track the caller does not mediate", parley.EFORBIDDEN, "", nil, func() error {
			_, err := s.CreateBallotPackage(as(mediatorAObserverB), in)
			return err
		}},
		{"a delegate", parley.EINVALID, "parts.track_id", nil, func() error {
			_, err := s.CreateBallotPackage(as(f.DelegateUA), in)
			return err
		}},
	})
}
