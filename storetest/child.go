package storetest

import (
	"strings"
	"testing"

	"github.com/parley-talks/parley"
)

// testChildCases checks children's return cases: personal data sealed to
// the case's audience, stages in order with none skipped, and counts per
// stage for everyone who sees the track, without names.
func testChildCases(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	ua := f.UA.ID
	c := &parley.ChildCase{TrackID: f.A.ID, Audience: parley.PartyAudience(ua),
		Child: parley.ChildDetails{Name: "Марія Коваленко", Born: "2012-04-01", TakenFrom: "Kherson", Guardian: "Grandmother"}}
	first := parley.ChildStep{Stage: parley.ChildIdentified, Date: "2023-02-01", Source: "National Information Bureau"}
	checkCode(t, "a delegate opens a case", s.CreateChildCase(as(f.DelegateUA), c, first), parley.EFORBIDDEN)
	plenary := *c
	plenary.Audience = parley.AudiencePlenary
	checkCode(t, "a plenary case", s.CreateChildCase(as(f.Mediator), &plenary, first), parley.EINVALID)
	checkCode(t, "opened at a later stage", s.CreateChildCase(as(f.Mediator), c, parley.ChildStep{Stage: parley.ChildLocated, Date: "2023-02-01", Source: "x"}), parley.EINVALID)
	must2(t, s.CreateChildCase(as(f.Mediator), c, first))
	other := &parley.ChildCase{TrackID: f.A.ID, Audience: parley.AudienceMediators, Child: parley.ChildDetails{Name: "Іван Петренко", Born: "2015-01-01"}}
	must2(t, s.CreateChildCase(as(f.Mediator), other, first))

	for name, cl := range map[string]*parley.Caller{"mediator": f.Mediator, "delegate UA": f.DelegateUA, "observer": f.Observer, "verifier": f.Verifier, "admin": f.Admin, "outsider": f.Out} {
		got, err := s.FindChildCaseByID(as(cl), c.ID)
		if cl.CanRead(f.A.ID, c.Audience) {
			if err != nil || got.Child != c.Child || len(got.History) != 1 {
				t.Errorf("%s reads the case: %v, %+v", name, err, got)
			}
		} else {
			checkCode(t, name+" reads the case", err, parley.ENOTFOUND)
		}
		list, err := s.FindChildCases(as(cl), f.A.ID)
		for _, x := range list {
			if !cl.CanRead(f.A.ID, x.Audience) {
				t.Errorf("%s lists case %d of audience %s", name, x.ID, x.Audience)
			}
		}
		counts, cerr := s.ChildStageCounts(as(cl), f.A.ID)
		if cl.CanSeeTrack(f.A.ID) {
			if err != nil || cerr != nil || counts[parley.ChildIdentified] != 2 {
				t.Errorf("%s counts %v: %v %v", name, counts, err, cerr)
			}
		} else {
			checkCode(t, name+" counts", cerr, parley.ENOTFOUND)
		}
	}

	// Stages in order, never skipped, never before the last; refusals
	// change nothing.
	size := ledgerSize(t, s)
	for name, step := range map[string]parley.ChildStep{
		"a skipped stage":  {Stage: parley.ChildVerified, Date: "2023-03-01", Source: "ICRC"},
		"a date before":    {Stage: parley.ChildLocated, Date: "2023-01-01", Source: "ICRC"},
		"a future date":    {Stage: parley.ChildLocated, Date: "2999-01-01", Source: "ICRC"},
		"no source":        {Stage: parley.ChildLocated, Date: "2023-03-01"},
		"an unknown stage": {Stage: "adopted", Date: "2023-03-01", Source: "ICRC"},
	} {
		_, err := s.AdvanceChildCase(as(f.Mediator), c.ID, step)
		checkCode(t, name, err, parley.EINVALID)
		if err != nil && strings.Contains(err.Error(), "Коваленко") {
			t.Errorf("%s: the error names the child: %v", name, err)
		}
	}
	if n := ledgerSize(t, s); n != size {
		t.Errorf("refusals appended %d ledger entries", n-size)
	}
	_, err := s.AdvanceChildCase(as(f.DelegateUA), c.ID, parley.ChildStep{Stage: parley.ChildLocated, Date: "2023-03-01", Source: "x"})
	checkCode(t, "a delegate advances", err, parley.EFORBIDDEN)
	date := "2023-03-01"
	for _, st := range parley.ChildStages[1:] {
		by := f.Mediator
		if st == parley.ChildVerified {
			// Verified is the verifiers' act: the mediator may not record
			// it, the verifier (who now reads the located case) does.
			_, err := s.AdvanceChildCase(as(f.Mediator), c.ID, parley.ChildStep{Stage: st, Date: date, Source: "ICRC"})
			checkCode(t, "a mediator verifies", err, parley.EFORBIDDEN)
			if _, err := s.FindChildCaseByID(as(f.Verifier), c.ID); err != nil {
				t.Errorf("the verifier reads the located case it must verify: %v", err)
			}
			by = f.Verifier
		} else if st == parley.ChildReturnAgreed {
			_, err := s.AdvanceChildCase(as(f.Verifier), c.ID, parley.ChildStep{Stage: st, Date: date, Source: "ICRC"})
			checkCode(t, "a verifier records a mediator's stage", err, parley.EFORBIDDEN)
		}
		got, err := s.AdvanceChildCase(as(by), c.ID, parley.ChildStep{Stage: st, Date: date, Source: "ICRC", Verifier: "Qatar"})
		must2(t, err)
		if got.Stage != st || got.History[len(got.History)-1].Stage != st {
			t.Fatalf("after %s: %+v", st, got)
		}
	}
	_, err = s.AdvanceChildCase(as(f.Mediator), c.ID, parley.ChildStep{Stage: parley.ChildReunited, Date: date, Source: "x"})
	checkCode(t, "a closed case", err, parley.ECONFLICT)
	counts, err := s.ChildStageCounts(as(f.Observer), f.A.ID)
	must2(t, err)
	if counts[parley.ChildIdentified] != 1 || counts[parley.ChildReunited] != 1 || len(counts) != len(parley.ChildStages) {
		t.Errorf("counts = %v", counts)
	}
}
