package storetest

import (
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
)

// RunProposals runs the suite of issue 4's store side: proposals and their
// responses under the audience check, utilities per party, and ballots
// whose answers stay secret, negotiating texts and their versions. open must return a store opened with a master
// key.
func RunProposals(t *testing.T, open Opener) {
	t.Run("Proposals", func(t *testing.T) { testProposals(t, open(t)) })
	t.Run("Ballots", func(t *testing.T) { testBallots(t, open(t)) })
	t.Run("Texts", func(t *testing.T) { testTexts(t, open(t)) })
}

// delegateRU adds a Russian delegate on track A to the fixture.
func delegateRU(t *testing.T, s parley.Store, f *Confidential) *parley.Caller {
	u := &parley.User{Email: "ru@test.parley", Name: "RU"}
	must2(t, s.CreateUser(ctx, u))
	ru := f.RU.ID
	g := &parley.Member{TrackID: f.A.ID, UserID: u.ID, Role: parley.MemberDelegate, PartyID: &ru}
	must2(t, s.CreateMember(ctx, g))
	return &parley.Caller{User: u, Grants: []*parley.Member{g}}
}

// ledgerSize is the number of audit entries, found through the trusted
// context.
func ledgerSize(t *testing.T, s parley.Store) int64 {
	t.Helper()
	n := int64(0)
	for {
		if _, err := s.ProveInclusion(ctx, n); err != nil {
			return n
		}
		n++
	}
}

func testProposals(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	ru := delegateRU(t, s, f)
	ua, rus := f.UA.ID, f.RU.ID
	// Sealed profiles: Ukraine wants "full", Russia "none".
	put := func(party int64, full float64) {
		must2(t, s.PutProfile(ctx, &parley.Profile{TrackID: f.A.ID, PartyID: party, Content: parley.ProfileContent{
			Weights: map[string]float64{"Ceasefire": 1}, Values: map[string]map[string]float64{"Ceasefire": {"none": 1 - full, "full": full}},
			RedLines: []parley.RedLine{}, CoreDemands: []parley.Choice{}}}))
	}
	put(ua, 0.8)
	put(rus, 0.3)
	full := []parley.Choice{{Theme: "Ceasefire", Option: "full"}}

	mediatorsOnly := &parley.Proposal{TrackID: f.A.ID, Audience: parley.AudienceMediators, Package: full, Rationale: "Test the water."}
	must2(t, s.CreateProposal(as(f.Mediator), mediatorsOnly))
	toUA := &parley.Proposal{TrackID: f.A.ID, Audience: parley.PartyAudience(ua), Package: full, Rationale: "For Kyiv's ears."}
	must2(t, s.CreateProposal(as(f.Mediator), toUA))
	plenary := &parley.Proposal{TrackID: f.A.ID, AuthorPartyID: &rus, Audience: parley.AudiencePlenary, Package: full, Rationale: "Our offer."}
	must2(t, s.CreateProposal(as(ru), plenary))
	if plenary.Status != parley.ProposalOpen || plenary.CreatedBy == nil || *plenary.CreatedBy != ru.User.ID || plenary.ID == 0 {
		t.Fatalf("created proposal = %+v", plenary)
	}

	// Who reads what: every read path agrees with CanRead.
	all := []*parley.Proposal{mediatorsOnly, toUA, plenary}
	callers := map[string]*parley.Caller{"mediator": f.Mediator, "delegate UA": f.DelegateUA, "delegate RU": ru,
		"observer": f.Observer, "admin": f.Admin, "outsider": f.Out, "mediator of B": f.MediatorB}
	for name, c := range callers {
		var want []int64
		for _, p := range all {
			got, err := s.FindProposalByID(as(c), p.ID)
			if c.CanRead(p.TrackID, p.Audience) {
				want = append(want, p.ID)
				if err != nil || got.Rationale != p.Rationale || !reflect.DeepEqual(got.Package, p.Package) {
					t.Errorf("%s reads proposal %s: %+v, %v", name, p.Audience, got, err)
				}
			} else {
				checkCode(t, name+" reads proposal "+string(p.Audience), err, parley.ENOTFOUND)
			}
		}
		list, err := s.FindProposals(as(c), f.A.ID)
		if !c.CanSeeTrack(f.A.ID) {
			checkCode(t, name+" lists proposals", err, parley.ENOTFOUND)
			continue
		}
		var ids []int64
		for _, p := range list {
			ids = append(ids, p.ID)
		}
		if err != nil || !reflect.DeepEqual(ids, want) {
			t.Errorf("%s lists %v (%v), want %v", name, ids, err, want)
		}
	}

	// Who writes what.
	bad := []struct {
		name string
		c    *parley.Caller
		p    *parley.Proposal
		want string
	}{
		{"UA delegate as the mediators", f.DelegateUA, &parley.Proposal{TrackID: f.A.ID, Audience: parley.AudiencePlenary, Package: full}, parley.EFORBIDDEN},
		{"UA delegate as Russia", f.DelegateUA, &parley.Proposal{TrackID: f.A.ID, AuthorPartyID: &rus, Audience: parley.AudiencePlenary, Package: full}, parley.EFORBIDDEN},
		{"observer", f.Observer, &parley.Proposal{TrackID: f.A.ID, AuthorPartyID: &ua, Audience: parley.AudiencePlenary, Package: full}, parley.EFORBIDDEN},
		{"outsider", f.Out, &parley.Proposal{TrackID: f.A.ID, Audience: parley.AudiencePlenary, Package: full}, parley.ENOTFOUND},
		{"party to the other party", f.DelegateUA, &parley.Proposal{TrackID: f.A.ID, AuthorPartyID: &ua, Audience: parley.PartyAudience(rus), Package: full}, parley.EINVALID},
		{"unknown theme", f.Mediator, &parley.Proposal{TrackID: f.A.ID, Audience: parley.AudiencePlenary, Package: []parley.Choice{{Theme: "Borders", Option: "full"}}}, parley.EINVALID},
		{"unknown option", f.Mediator, &parley.Proposal{TrackID: f.A.ID, Audience: parley.AudiencePlenary, Package: []parley.Choice{{Theme: "Ceasefire", Option: "partial"}}}, parley.EINVALID},
		{"theme twice", f.Mediator, &parley.Proposal{TrackID: f.A.ID, Audience: parley.AudiencePlenary, Package: []parley.Choice{full[0], full[0]}}, parley.EINVALID},
		{"empty package", f.Mediator, &parley.Proposal{TrackID: f.A.ID, Audience: parley.AudiencePlenary}, parley.EINVALID},
	}
	before, size := snapshotProposals(t, s, f.A.ID), ledgerSize(t, s)
	for _, b := range bad {
		err := s.CreateProposal(as(b.c), b.p)
		checkCode(t, b.name, err, b.want)
		if err != nil && strings.Contains(err.Error(), "partial") {
			t.Errorf("%s: the error quotes the package: %v", b.name, err)
		}
	}
	if after := snapshotProposals(t, s, f.A.ID); !reflect.DeepEqual(before, after) || ledgerSize(t, s) != size {
		t.Errorf("refused proposals changed the store")
	}

	// Utilities: each party sees its own, the mediators every party's.
	for name, tc := range map[string]struct {
		c    *parley.Caller
		want []parley.PartyUtility
	}{
		"mediator":    {f.Mediator, []parley.PartyUtility{{PartyID: ua, Utility: 0.8}, {PartyID: rus, Utility: 0.3}}},
		"delegate UA": {f.DelegateUA, []parley.PartyUtility{{PartyID: ua, Utility: 0.8}}},
		"delegate RU": {ru, []parley.PartyUtility{{PartyID: rus, Utility: 0.3}}},
		"observer":    {f.Observer, []parley.PartyUtility{}},
	} {
		got, err := s.ProposalUtilities(as(tc.c), plenary.ID)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: utilities %v (%v), want %v", name, got, err, tc.want)
		}
	}
	_, err := s.ProposalUtilities(as(ru), toUA.ID)
	checkCode(t, "RU utilities of a proposal to UA", err, parley.ENOTFOUND)

	// Responses, each with its own audience.
	accept := &parley.ProposalResponse{ProposalID: plenary.ID, PartyID: &ua, Kind: parley.ResponseAccept, Reasons: "Privately: yes.", Audience: parley.PartyAudience(ua)}
	must2(t, s.CreateResponse(as(f.DelegateUA), accept))
	counter := &parley.Proposal{TrackID: f.A.ID, AuthorPartyID: &ua, Audience: parley.AudiencePlenary, Package: []parley.Choice{{Theme: "Ceasefire", Option: "none"}}}
	must2(t, s.CreateProposal(as(f.DelegateUA), counter))
	ctr := &parley.ProposalResponse{ProposalID: plenary.ID, PartyID: &ua, Kind: parley.ResponseCounter, CounterID: &counter.ID, Reasons: "See ours.", Audience: parley.AudiencePlenary}
	must2(t, s.CreateResponse(as(f.DelegateUA), ctr))
	for name, tc := range map[string]struct {
		c    *parley.Caller
		want []int64
	}{
		"mediator": {f.Mediator, []int64{accept.ID, ctr.ID}}, "delegate UA": {f.DelegateUA, []int64{accept.ID, ctr.ID}},
		"delegate RU": {ru, []int64{ctr.ID}}, "observer": {f.Observer, []int64{ctr.ID}},
	} {
		rs, err := s.FindResponses(as(tc.c), plenary.ID)
		var ids []int64
		for _, r := range rs {
			ids = append(ids, r.ID)
		}
		if err != nil || !reflect.DeepEqual(ids, tc.want) {
			t.Errorf("%s: responses %v (%v), want %v", name, ids, err, tc.want)
		}
	}
	_, err = s.FindResponses(as(ru), toUA.ID)
	checkCode(t, "RU responses of a proposal to UA", err, parley.ENOTFOUND)
	err = s.CreateResponse(as(ru), &parley.ProposalResponse{ProposalID: toUA.ID, PartyID: &rus, Kind: parley.ResponseReject, Audience: parley.PartyAudience(rus)})
	checkCode(t, "RU responds to a proposal it cannot read", err, parley.ENOTFOUND)
	err = s.CreateResponse(as(ru), &parley.ProposalResponse{ProposalID: plenary.ID, PartyID: &rus, Kind: parley.ResponseCounter, CounterID: &toUA.ID, Audience: parley.AudiencePlenary})
	checkCode(t, "RU counters with a proposal it cannot read", err, parley.EINVALID)

	// Supersede and withdraw: nothing is deleted.
	next := &parley.Proposal{TrackID: f.A.ID, AuthorPartyID: &rus, Audience: parley.AudiencePlenary, Package: full, Rationale: "Revised.", Supersedes: &plenary.ID}
	checkCode(t, "UA supersedes Russia's proposal", s.CreateProposal(as(f.DelegateUA), &parley.Proposal{TrackID: f.A.ID, AuthorPartyID: &ua, Audience: parley.AudiencePlenary, Package: full, Supersedes: &plenary.ID}), parley.EINVALID)
	narrower := &parley.Proposal{TrackID: f.A.ID, AuthorPartyID: &rus, Audience: parley.PartyAudience(rus), Package: full, Supersedes: &plenary.ID}
	checkCode(t, "supersede with a narrower audience", s.CreateProposal(as(ru), narrower), parley.EINVALID)
	must2(t, s.CreateProposal(as(ru), next))
	old, err := s.FindProposalByID(as(f.Observer), plenary.ID)
	if err != nil || old.Status != parley.ProposalSuperseded || old.SupersededBy == nil || *old.SupersededBy != next.ID {
		t.Errorf("superseded proposal = %+v, %v", old, err)
	}
	checkCode(t, "respond to a superseded proposal", s.CreateResponse(as(f.DelegateUA), &parley.ProposalResponse{ProposalID: plenary.ID, PartyID: &ua, Kind: parley.ResponseAccept, Audience: parley.AudiencePlenary}), parley.ECONFLICT)
	_, err = s.WithdrawProposal(as(f.DelegateUA), next.ID)
	checkCode(t, "UA withdraws Russia's proposal", err, parley.EFORBIDDEN)
	w, err := s.WithdrawProposal(as(ru), next.ID)
	if err != nil || w.Status != parley.ProposalWithdrawn {
		t.Errorf("withdrawn = %+v, %v", w, err)
	}
	_, err = s.WithdrawProposal(as(ru), next.ID)
	checkCode(t, "withdraw twice", err, parley.ECONFLICT)
	if list, _ := s.FindProposals(ctx, f.A.ID); len(list) != 5 {
		t.Errorf("%d proposals after withdrawing, want 5 (nothing deleted)", len(list))
	}

	// Concessions: Russia moves to "none" (its own gain), then back to
	// "full", giving up 0.4 of its utility toward Ukraine.
	for _, option := range []string{"none", "full"} {
		must2(t, s.CreateProposal(as(ru), &parley.Proposal{TrackID: f.A.ID, AuthorPartyID: &rus, Audience: parley.AudiencePlenary,
			Package: []parley.Choice{{Theme: "Ceasefire", Option: option}}}))
	}
	for name, tc := range map[string]struct {
		c      *parley.Caller
		toward []int64
	}{"mediator": {f.Mediator, []int64{ua}}, "delegate RU": {ru, []int64{}}} {
		cs, err := s.FindConcessions(as(tc.c), f.A.ID, rus)
		if err != nil || len(cs) != 3 {
			t.Fatalf("%s: concessions %+v, %v", name, cs, err)
		}
		last := cs[2]
		if len(cs[0].Moves) != 0 || len(last.Moves) != 1 || last.Moves[0].From != "none" || last.Moves[0].To != "full" ||
			math.Abs(last.Change+0.4) > 1e-9 || !reflect.DeepEqual(last.Moves[0].Toward, tc.toward) {
			t.Errorf("%s: concessions %+v", name, cs)
		}
	}
	for name, c := range map[string]*parley.Caller{"delegate UA": f.DelegateUA, "observer": f.Observer, "admin": f.Admin, "outsider": f.Out} {
		_, err := s.FindConcessions(as(c), f.A.ID, rus)
		checkCode(t, name+" reads Russia's concessions", err, parley.ENOTFOUND)
	}
}

type proposalSnapshot struct {
	Proposals []*parley.Proposal
	Responses [][]*parley.ProposalResponse
}

func snapshotProposals(t *testing.T, s parley.Store, trackID int64) proposalSnapshot {
	t.Helper()
	ps, err := s.FindProposals(ctx, trackID)
	must2(t, err)
	snap := proposalSnapshot{Proposals: ps}
	for _, p := range ps {
		rs, err := s.FindResponses(ctx, p.ID)
		must2(t, err)
		snap.Responses = append(snap.Responses, rs)
	}
	return snap
}

func testBallots(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	ru := delegateRU(t, s, f)
	ua, rus := f.UA.ID, f.RU.ID
	full := []parley.Choice{{Theme: "Ceasefire", Option: "full"}}
	newBallot := func(deadline time.Duration) *parley.Ballot {
		b := &parley.Ballot{TrackID: f.A.ID, Package: full, PartyIDs: []int64{ua, rus}, Deadline: parley.Now().Add(deadline)}
		must2(t, s.CreateBallot(as(f.Mediator), b))
		return b
	}
	outcome := func(c *parley.Caller, id int64) parley.BallotOutcome {
		t.Helper()
		b, err := s.FindBallotByID(as(c), id)
		must2(t, err)
		list, err := s.FindBallots(as(c), f.A.ID)
		must2(t, err)
		for _, l := range list {
			if l.ID == id && l.Outcome != b.Outcome {
				t.Errorf("ballot %d: list says %q, by id %q", id, l.Outcome, b.Outcome)
			}
		}
		return b.Outcome
	}
	everyone := []*parley.Caller{f.Mediator, f.DelegateUA, ru}

	// Bad ballots are refused and change nothing.
	for name, tc := range map[string]struct {
		c    *parley.Caller
		b    parley.Ballot
		want string
	}{
		"by a delegate":  {f.DelegateUA, parley.Ballot{TrackID: f.A.ID, Package: full, PartyIDs: []int64{ua, rus}, Deadline: parley.Now().Add(time.Hour)}, parley.EFORBIDDEN},
		"unknown theme":  {f.Mediator, parley.Ballot{TrackID: f.A.ID, Package: []parley.Choice{{Theme: "Borders", Option: "full"}}, PartyIDs: []int64{ua, rus}, Deadline: parley.Now().Add(time.Hour)}, parley.EINVALID},
		"unknown option": {f.Mediator, parley.Ballot{TrackID: f.A.ID, Package: []parley.Choice{{Theme: "Ceasefire", Option: "half"}}, PartyIDs: []int64{ua, rus}, Deadline: parley.Now().Add(time.Hour)}, parley.EINVALID},
		"one party":      {f.Mediator, parley.Ballot{TrackID: f.A.ID, Package: full, PartyIDs: []int64{ua}, Deadline: parley.Now().Add(time.Hour)}, parley.EINVALID},
		"past deadline":  {f.Mediator, parley.Ballot{TrackID: f.A.ID, Package: full, PartyIDs: []int64{ua, rus}, Deadline: parley.Now().Add(-time.Hour)}, parley.EINVALID},
	} {
		checkCode(t, name, s.CreateBallot(as(tc.c), &tc.b), tc.want)
	}
	if bs, err := s.FindBallots(ctx, f.A.ID); err != nil || len(bs) != 0 {
		t.Fatalf("refused ballots left %d (%v)", len(bs), err)
	}

	// Both accept: pending until the second answer, then accepted by all.
	b := newBallot(time.Hour)
	for _, c := range append(everyone, f.Observer) {
		if c == f.Observer {
			_, err := s.FindBallotByID(as(c), b.ID)
			checkCode(t, "observer reads a ballot", err, parley.ENOTFOUND)
			continue
		}
		if got := outcome(c, b.ID); got != parley.BallotPending {
			t.Errorf("fresh ballot: %q", got)
		}
	}
	checkCode(t, "mediator answers for UA", s.AnswerBallot(as(f.Mediator), b.ID, ua, true), parley.EFORBIDDEN)
	checkCode(t, "UA answers for RU", s.AnswerBallot(as(f.DelegateUA), b.ID, rus, true), parley.EFORBIDDEN)
	checkCode(t, "observer answers", s.AnswerBallot(as(f.Observer), b.ID, ua, true), parley.ENOTFOUND)
	must2(t, s.AnswerBallot(as(f.DelegateUA), b.ID, ua, true))
	for _, c := range everyone {
		if got := outcome(c, b.ID); got != parley.BallotPending {
			t.Errorf("after one accept: %q", got)
		}
	}
	// Each delegate learns whether its own party answered, nobody else's.
	for name, tc := range map[string]struct {
		c    *parley.Caller
		want *bool
	}{"mediator": {f.Mediator, nil}, "delegate UA": {f.DelegateUA, ptrBool(true)}, "delegate RU": {ru, ptrBool(false)}} {
		got, err := s.FindBallotByID(as(tc.c), b.ID)
		if err != nil || !reflect.DeepEqual(got.YouAnswered, tc.want) {
			t.Errorf("%s: you_answered %v (%v), want %v", name, got.YouAnswered, err, tc.want)
		}
	}
	must2(t, s.AnswerBallot(as(ru), b.ID, rus, true))
	for _, c := range everyone {
		if got := outcome(c, b.ID); got != parley.BallotAccepted {
			t.Errorf("after two accepts: %q", got)
		}
	}

	// A rejection first: nothing shows until the other answers, and then
	// only "not accepted". The first answer errs the same way, and the
	// second's result is the same, whatever the other said.
	for _, first := range []bool{false, true} {
		b := newBallot(time.Hour)
		must2(t, s.AnswerBallot(as(ru), b.ID, rus, first))
		for _, c := range everyone {
			if got := outcome(c, b.ID); got != parley.BallotPending {
				t.Errorf("after RU answered %v: %q", first, got)
			}
		}
		// Answering twice is refused with the same error either way, and
		// changes nothing.
		size := ledgerSize(t, s)
		err := s.AnswerBallot(as(ru), b.ID, rus, !first)
		checkCode(t, "answer twice", err, parley.ECONFLICT)
		if want := "party " + itoa(rus) + " has already answered ballot " + itoa(b.ID); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("answer twice: %v", err)
		}
		if ledgerSize(t, s) != size || outcome(f.Mediator, b.ID) != parley.BallotPending {
			t.Errorf("a second answer changed the store")
		}
		must2(t, s.AnswerBallot(as(f.DelegateUA), b.ID, ua, true))
		want := parley.BallotNotAccepted
		if first {
			want = parley.BallotAccepted
		}
		for _, c := range everyone {
			if got := outcome(c, b.ID); got != want {
				t.Errorf("RU %v, UA accept: %q, want %q", first, got, want)
			}
		}
	}

	// The deadline: one answer in time, none after; then "not accepted".
	late := newBallot(300 * time.Millisecond)
	must2(t, s.AnswerBallot(as(f.DelegateUA), late.ID, ua, true))
	if got := outcome(f.Mediator, late.ID); got != parley.BallotPending {
		t.Errorf("before the deadline: %q", got)
	}
	time.Sleep(time.Until(late.Deadline) + 50*time.Millisecond)
	size := ledgerSize(t, s)
	checkCode(t, "answer after the deadline", s.AnswerBallot(as(ru), late.ID, rus, true), parley.ECONFLICT)
	if ledgerSize(t, s) != size {
		t.Errorf("a late answer changed the ledger")
	}
	for _, c := range everyone {
		if got := outcome(c, late.ID); got != parley.BallotNotAccepted {
			t.Errorf("after the deadline: %q", got)
		}
	}

	// The ledger names who answered, never what: an answer's entry is the
	// same action and object for an accept and a reject.
	for i := size - 1; i >= 0 && i > size-12; i-- {
		p, err := s.ProveInclusion(ctx, i)
		must2(t, err)
		for _, word := range []string{"accept", "reject"} {
			if strings.Contains(p.Entry.Action, word) || strings.Contains(p.Entry.Object, word) {
				t.Errorf("audit entry %d names an answer: %+v", i, p.Entry)
			}
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func ptrBool(b bool) *bool { return &b }
