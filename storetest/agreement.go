package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
)

// RunAgreements runs the suite of issue 5's implementation side:
// agreements and their lifecycle, renewals and adoption from an agreed
// text, commitments, monitoring reports with sealed evidence, scores and
// trust records. open must return a store opened with a master key.
func RunAgreements(t *testing.T, open Opener) {
	t.Run("AgreementLifecycle", func(t *testing.T) { testAgreementLifecycle(t, open(t)) })
	t.Run("AgreementRenewals", func(t *testing.T) { testAgreementRenewals(t, open(t)) })
	t.Run("AgreementAdoption", func(t *testing.T) { testAgreementAdoption(t, open(t)) })
	t.Run("AgreementReports", func(t *testing.T) { testAgreementReports(t, open(t)) })
	t.Run("AgreementScores", func(t *testing.T) { testAgreementScores(t, open(t)) })
	t.Run("AgreementConfidentiality", func(t *testing.T) { testAgreementConfidentiality(t, open(t)) })
}

// EvidenceMarker is a string put in the sealed evidence of monitoring
// reports by the suite; it must never appear in a database file.
const EvidenceMarker = "EVIDENCE-MARKER-Odesa-manifest-7731"

// newAgreement enters an agreement on track A as its mediator.
func newAgreement(t *testing.T, s parley.Store, f *Confidential, title string) *parley.Agreement {
	t.Helper()
	a := &parley.Agreement{TrackID: f.A.ID, Title: title, Signatories: []int64{f.UA.ID, f.RU.ID}, Effective: "2022-07-22", DurationDays: 120}
	must2(t, s.CreateAgreement(as(f.Mediator), a))
	return a
}

// AgreementState is everything the store lists of agreements: the snapshot
// that refused writes must leave unchanged.
type AgreementState struct {
	Agreements  []*parley.Agreement
	Commitments map[int64][]*parley.Commitment
	Reports     map[int64][]*parley.Report
	Scores      map[int64][]*parley.Score
	Ledger      int64
}

// SnapshotAgreements reads every agreement and its records as the system.
func SnapshotAgreements(t *testing.T, s parley.Store) AgreementState {
	t.Helper()
	st := AgreementState{Commitments: map[int64][]*parley.Commitment{}, Reports: map[int64][]*parley.Report{}, Scores: map[int64][]*parley.Score{}}
	var err error
	st.Agreements, err = s.FindAgreements(ctx, 0)
	must2(t, err)
	for _, a := range st.Agreements {
		st.Commitments[a.ID], err = s.FindCommitments(ctx, a.ID)
		must2(t, err)
		st.Reports[a.ID], err = s.FindReports(ctx, a.ID)
		must2(t, err)
		st.Scores[a.ID], err = s.FindScores(ctx, a.ID)
		must2(t, err)
	}
	st.Ledger = ledgerSize(t, s)
	return st
}

// refuseAgreement checks that do fails with code (and field) and changes
// nothing an agreement's reader could see, the ledger included.
func refuseAgreement(t *testing.T, s parley.Store, what, code, field string, do func() error) {
	t.Helper()
	before := SnapshotAgreements(t, s)
	err := do()
	checkCode(t, what, err, code)
	if field != "" && parley.ErrorField(err) != field {
		t.Errorf("%s: field %q (%v), want %q", what, parley.ErrorField(err), err, field)
	}
	diff(t, what+": state after refusal", before, SnapshotAgreements(t, s))
}

func testAgreementLifecycle(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	a := &parley.Agreement{TrackID: f.A.ID, Title: "Corridor", Signatories: []int64{f.UA.ID, f.RU.ID}, Effective: "2022-07-22", DurationDays: 120}
	checkCode(t, "a delegate enters an agreement", s.CreateAgreement(as(f.DelegateUA), a), parley.EFORBIDDEN)
	checkCode(t, "an outsider enters an agreement", s.CreateAgreement(as(f.Out), a), parley.ENOTFOUND)
	bad := *a
	bad.Signatories = []int64{f.UA.ID, 999}
	checkCode(t, "a signatory not of the track", s.CreateAgreement(as(f.Mediator), &bad), parley.EINVALID)
	bad = *a
	bad.Effective = "22 July"
	checkCode(t, "a bad date", s.CreateAgreement(as(f.Mediator), &bad), parley.EINVALID)
	must2(t, s.CreateAgreement(as(f.Mediator), a))
	if a.Status != parley.AgreementInForce || a.Expires != "2022-11-19" || a.NoticeDays != parley.DefaultNoticeDays || a.Warning != parley.DefaultWarningThresholds {
		t.Errorf("created agreement = %+v", a)
	}
	if len(a.History) != 1 || a.History[0].From != "" || a.History[0].To != parley.AgreementInForce || !a.History[0].At.Equal(time.Date(2022, 7, 22, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first history entry = %+v, want \"\" → in force at the effective date", a.History)
	}
	got, err := s.FindAgreementByID(as(f.Observer), a.ID)
	must2(t, err)
	diff(t, "agreement as read", a, got)

	// Every ordered pair of statuses: legal steps succeed on a fresh
	// agreement brought to the source status, illegal ones are refused
	// and change nothing.
	for _, from := range parley.AgreementStatuses {
		for _, to := range parley.AgreementStatuses {
			t.Run(string(from)+" to "+string(to), func(t *testing.T) {
				b := newAgreement(t, s, f, "Pair "+string(from)+" "+string(to))
				if from != parley.AgreementInForce {
					_, err := s.TransitionAgreement(as(f.Mediator), b.ID, parley.AgreementTransitionRequest{To: from, Reason: "setup"})
					must2(t, err)
				}
				req := parley.AgreementTransitionRequest{To: to, Reason: "step", EventID: &f.EventA.ID}
				if from.CheckTransition(to) != nil {
					refuseAgreement(t, s, "illegal step", parley.ECONFLICT, "to", func() error {
						_, err := s.TransitionAgreement(as(f.Mediator), b.ID, req)
						return err
					})
					return
				}
				got, err := s.TransitionAgreement(as(f.Mediator), b.ID, req)
				must2(t, err)
				last := got.History[len(got.History)-1]
				if got.Status != to || last.From != from || last.To != to || last.Reason != "step" || last.EventID == nil || *last.EventID != f.EventA.ID || last.ActorID == nil {
					t.Errorf("after the step: status %s, last entry %+v", got.Status, last)
				}
			})
		}
	}

	// The history is append-only and keeps its earlier entries as they were.
	before, err := s.FindAgreementByID(ctx, a.ID)
	must2(t, err)
	past := time.Date(2023, 7, 17, 12, 0, 0, 0, time.UTC)
	got, err = s.TransitionAgreement(as(f.Mediator), a.ID, parley.AgreementTransitionRequest{To: parley.AgreementSuspended, Reason: "the delegation stopped registering vessels", At: &past})
	must2(t, err)
	diff(t, "earlier history", before.History, got.History[:len(before.History)])
	if len(got.History) != len(before.History)+1 || !got.History[len(got.History)-1].At.Equal(past) {
		t.Errorf("history after the step: %+v", got.History)
	}
	early := time.Date(2023, 7, 1, 0, 0, 0, 0, time.UTC)
	future := time.Now().AddDate(1, 0, 0)
	for name, req := range map[string]parley.AgreementTransitionRequest{
		"a time before the last step": {To: parley.AgreementInForce, Reason: "x", At: &early},
		"a time in the future":        {To: parley.AgreementInForce, Reason: "x", At: &future},
		"an unknown event":            {To: parley.AgreementInForce, Reason: "x", EventID: ptr(int64(999))},
		"no reason":                   {To: parley.AgreementInForce},
		"an unknown status":           {To: "frozen", Reason: "x"},
	} {
		refuseAgreement(t, s, name, parley.EINVALID, "", func() error {
			_, err := s.TransitionAgreement(as(f.Mediator), a.ID, req)
			return err
		})
	}
	refuseAgreement(t, s, "a delegate moves it", parley.EFORBIDDEN, "", func() error {
		_, err := s.TransitionAgreement(as(f.DelegateUA), a.ID, parley.AgreementTransitionRequest{To: parley.AgreementInForce, Reason: "x"})
		return err
	})
	refuseAgreement(t, s, "the verifier moves it", parley.EFORBIDDEN, "", func() error {
		_, err := s.TransitionAgreement(as(f.Verifier), a.ID, parley.AgreementTransitionRequest{To: parley.AgreementInForce, Reason: "x"})
		return err
	})
	refuseAgreement(t, s, "an unknown agreement", parley.ENOTFOUND, "", func() error {
		_, err := s.TransitionAgreement(as(f.Mediator), 9999, parley.AgreementTransitionRequest{To: parley.AgreementInForce, Reason: "x"})
		return err
	})

	// Warning thresholds.
	w := parley.WarningThresholds{WindowDays: 60, Violations: 1, Unverifiable: 0, OverdueDays: 7}
	got, err = s.SetWarningThresholds(as(f.Mediator), a.ID, w)
	must2(t, err)
	if got.Warning != w {
		t.Errorf("warning = %+v, want %+v", got.Warning, w)
	}
	refuseAgreement(t, s, "a zero window", parley.EINVALID, "warning.window_days", func() error {
		_, err := s.SetWarningThresholds(as(f.Mediator), a.ID, parley.WarningThresholds{})
		return err
	})
	refuseAgreement(t, s, "a delegate sets thresholds", parley.EFORBIDDEN, "", func() error {
		_, err := s.SetWarningThresholds(as(f.DelegateUA), a.ID, w)
		return err
	})

	// Lists: per track, and across the tracks the caller sees.
	all, err := s.FindAgreements(as(f.Mediator), 0)
	must2(t, err)
	perTrack, err := s.FindAgreements(as(f.Mediator), f.A.ID)
	must2(t, err)
	if len(all) != 26 || len(perTrack) != 26 {
		t.Errorf("mediator lists %d agreements (%d on A), want 26", len(all), len(perTrack))
	}
	for i := 1; i < len(all); i++ {
		if all[i-1].ID >= all[i].ID {
			t.Errorf("agreements not oldest first: %d before %d", all[i-1].ID, all[i].ID)
		}
	}
}

func testAgreementRenewals(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	a := newAgreement(t, s, f, "Corridor")
	got, err := s.RenewAgreement(as(f.Mediator), a.ID, &parley.Renewal{Date: "2022-11-17", Expires: "2023-03-18", Note: "extended for 120 days"})
	must2(t, err)
	if got.Expires != "2023-03-18" || len(got.Renewals) != 1 || got.Renewals[0].Expires != "2023-03-18" || got.Renewals[0].ActorID == nil {
		t.Errorf("after renewal: expires %s, renewals %+v", got.Expires, got.Renewals)
	}
	for name, r := range map[string]parley.Renewal{
		"an earlier expiry":     {Date: "2023-03-18", Expires: "2023-03-01"},
		"the same expiry":       {Date: "2023-03-17", Expires: "2023-03-18"},
		"an expiry before date": {Date: "2023-05-01", Expires: "2023-04-30"},
		"a bad date":            {Date: "March", Expires: "2023-05-18"},
		"a bad expiry":          {Date: "2023-03-18", Expires: "May"},
		"a note with bad UTF-8": {Date: "2023-03-18", Expires: "2023-05-18", Note: badUTF8},
	} {
		refuseAgreement(t, s, name, parley.EINVALID, "", func() error {
			_, err := s.RenewAgreement(as(f.Mediator), a.ID, &r)
			return err
		})
	}
	refuseAgreement(t, s, "a delegate renews", parley.EFORBIDDEN, "", func() error {
		_, err := s.RenewAgreement(as(f.DelegateUA), a.ID, &parley.Renewal{Date: "2023-03-18", Expires: "2023-05-18"})
		return err
	})
	got, err = s.RenewAgreement(as(f.Mediator), a.ID, &parley.Renewal{Date: "2023-03-18", Expires: "2023-05-18"})
	must2(t, err)
	if got.Expires != "2023-05-18" || len(got.Renewals) != 2 {
		t.Errorf("after the second renewal: %+v", got)
	}
	// A suspended agreement is renewed; a final one is not.
	_, err = s.TransitionAgreement(as(f.Mediator), a.ID, parley.AgreementTransitionRequest{To: parley.AgreementSuspended, Reason: "x"})
	must2(t, err)
	_, err = s.RenewAgreement(as(f.Mediator), a.ID, &parley.Renewal{Date: "2023-05-17", Expires: "2023-07-17"})
	must2(t, err)
	_, err = s.TransitionAgreement(as(f.Mediator), a.ID, parley.AgreementTransitionRequest{To: parley.AgreementCollapsed, Reason: "a party withdrew"})
	must2(t, err)
	refuseAgreement(t, s, "renewing a collapsed agreement", parley.ECONFLICT, "", func() error {
		_, err := s.RenewAgreement(as(f.Mediator), a.ID, &parley.Renewal{Date: "2023-07-18", Expires: "2023-11-18"})
		return err
	})
	// An indefinite agreement has no expiry until it is renewed to one.
	b := &parley.Agreement{TrackID: f.A.ID, Title: "Indefinite", Signatories: []int64{f.UA.ID}, Effective: "2023-01-01"}
	must2(t, s.CreateAgreement(as(f.Mediator), b))
	if b.Expires != "" {
		t.Errorf("indefinite agreement expires %q", b.Expires)
	}
}

// agreedVersion creates a text on tr with one version of the clauses,
// frozen if freeze.
func agreedVersion(t *testing.T, s parley.Store, f *Confidential, trackID int64, audience parley.Audience, freeze bool, clauses ...parley.Clause) *parley.TextVersion {
	t.Helper()
	mediator := f.Mediator
	if trackID == f.B.ID {
		mediator = f.MediatorB
	}
	tx := &parley.NegotiatingText{TrackID: trackID, Title: "Initiative", Audience: audience}
	must2(t, s.CreateText(as(mediator), tx))
	v, err := s.CreateVersion(as(mediator), tx.ID, clauses)
	must2(t, err)
	if freeze {
		v, err = s.FreezeVersion(as(mediator), v.ID)
		must2(t, err)
	}
	return v
}

func testAgreementAdoption(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	agreed := []parley.Clause{{Text: "Safe passage for merchant vessels.", Status: parley.ClauseAgreed}, {Text: "Joint inspections.", Status: parley.ClauseAgreed}, {Text: "Dropped.", Status: parley.ClauseDropped}}
	good := agreedVersion(t, s, f, f.A.ID, parley.AudiencePlenary, true, agreed...)
	draft := agreedVersion(t, s, f, f.A.ID, parley.AudiencePlenary, false, agreed...)
	open := agreedVersion(t, s, f, f.A.ID, parley.AudiencePlenary, true, agreed[0], parley.Clause{Text: "Inspections.", Status: parley.ClauseAgreedAdReferendum})
	other := agreedVersion(t, s, f, f.B.ID, parley.AudiencePlenary, true, agreed...)
	hidden := agreedVersion(t, s, f, f.A.ID, parley.PartyAudience(f.RU.ID), true, agreed...)
	adopt := func(v *parley.TextVersion) *parley.Agreement {
		return &parley.Agreement{TrackID: f.A.ID, Title: "Adopted", TextVersionID: &v.ID, Signatories: []int64{f.UA.ID, f.RU.ID}, Effective: "2022-07-22", DurationDays: 120}
	}
	for name, v := range map[string]*parley.TextVersion{"a draft version": draft, "a version not agreed": open, "a version of another track": other} {
		refuseAgreement(t, s, name, parley.EINVALID, "text_version_id", func() error { return s.CreateAgreement(as(f.Mediator), adopt(v)) })
	}
	refuseAgreement(t, s, "an unknown version", parley.EINVALID, "text_version_id", func() error {
		a := adopt(good)
		a.TextVersionID = ptr(int64(9999))
		return s.CreateAgreement(as(f.Mediator), a)
	})
	// The mediator of track B cannot read track A's text: to it the
	// version does not exist.
	refuseAgreement(t, s, "a text of another track, as its mediator", parley.EINVALID, "text_version_id", func() error {
		a := adopt(good)
		a.TrackID, a.Signatories = f.B.ID, []int64{f.UA.ID}
		return s.CreateAgreement(as(f.MediatorB), a)
	})
	a := adopt(good)
	must2(t, s.CreateAgreement(as(f.Mediator), a))
	b := adopt(hidden)
	must2(t, s.CreateAgreement(as(f.Mediator), b))

	// Commitments: clause of the adopted version, parties of the track.
	c := &parley.Commitment{AgreementID: a.ID, Obligor: f.RU.ID, Verifier: f.UA.ID, Obligation: "Safe passage", Recurrence: parley.RecurDaily, Clause: 1}
	must2(t, s.CreateCommitment(as(f.Mediator), c))
	if c.ID == 0 || c.TrackID != f.A.ID {
		t.Errorf("commitment = %+v", c)
	}
	for name, bad := range map[string]parley.Commitment{
		"a clause past the version":   {AgreementID: a.ID, Obligor: f.RU.ID, Verifier: f.UA.ID, Obligation: "x", Due: "2023-01-01", Clause: 4},
		"an obligor not of the track": {AgreementID: a.ID, Obligor: 999, Verifier: f.UA.ID, Obligation: "x", Due: "2023-01-01"},
		"a verifier not of the track": {AgreementID: a.ID, Obligor: f.RU.ID, Verifier: 999, Obligation: "x", Due: "2023-01-01"},
		"no due date or recurrence":   {AgreementID: a.ID, Obligor: f.RU.ID, Verifier: f.UA.ID, Obligation: "x"},
		"its own verifier":            {AgreementID: a.ID, Obligor: f.RU.ID, Verifier: f.RU.ID, Obligation: "x", Due: "2023-01-01"},
	} {
		refuseAgreement(t, s, name, parley.EINVALID, "", func() error { return s.CreateCommitment(as(f.Mediator), &bad) })
	}
	direct := newAgreement(t, s, f, "Direct")
	refuseAgreement(t, s, "a clause of an agreement entered directly", parley.EINVALID, "clause", func() error {
		return s.CreateCommitment(as(f.Mediator), &parley.Commitment{AgreementID: direct.ID, Obligor: f.RU.ID, Verifier: f.UA.ID, Obligation: "x", Due: "2023-01-01", Clause: 1})
	})
	refuseAgreement(t, s, "a delegate adds a commitment", parley.EFORBIDDEN, "", func() error {
		return s.CreateCommitment(as(f.DelegateUA), &parley.Commitment{AgreementID: a.ID, Obligor: f.RU.ID, Verifier: f.UA.ID, Obligation: "x", Due: "2023-01-01"})
	})
	refuseAgreement(t, s, "a commitment of an unknown agreement", parley.ENOTFOUND, "", func() error {
		return s.CreateCommitment(as(f.Mediator), &parley.Commitment{AgreementID: 9999, Obligor: f.RU.ID, Verifier: f.UA.ID, Obligation: "x", Due: "2023-01-01"})
	})
	cs, err := s.FindCommitments(as(f.Observer), a.ID)
	must2(t, err)
	diff(t, "commitments", []*parley.Commitment{c}, cs)
}

func testAgreementReports(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	ru := delegateRU(t, s, f)
	a := newAgreement(t, s, f, "Corridor")
	other := newAgreement(t, s, f, "Other")
	c := &parley.Commitment{AgreementID: a.ID, Obligor: f.RU.ID, Verifier: f.UA.ID, Obligation: "Register vessels", Recurrence: parley.RecurDaily}
	must2(t, s.CreateCommitment(as(f.Mediator), c))
	oc := &parley.Commitment{AgreementID: other.ID, Obligor: f.UA.ID, Verifier: f.RU.ID, Obligation: "Other", Due: "2023-01-01"}
	must2(t, s.CreateCommitment(as(f.Mediator), oc))

	report := func(date string, finding parley.Finding, audience parley.Audience, evidence string) *parley.Report {
		return &parley.Report{AgreementID: a.ID, CommitmentID: c.ID, Date: date, Source: "coordination centre", Reliability: parley.ReliabilityConfirmed,
			Finding: finding, Audience: audience, Evidence: evidence}
	}
	rs := []*parley.Report{
		report("2023-02-01", parley.FindingComplied, parley.AudiencePlenary, "plenary notes "+EvidenceMarker),
		report("2023-01-15", parley.FindingPartly, parley.AudienceMediators, "mediators' notes "+EvidenceMarker),
		report("2023-03-01", parley.FindingViolated, parley.PartyAudience(f.RU.ID), "Russia's notes "+EvidenceMarker),
		report("2023-03-02", parley.FindingUnverifiable, parley.PartyAudience(f.UA.ID), "Ukraine's notes "+EvidenceMarker),
	}
	must2(t, s.CreateReport(as(f.Mediator), rs[0]))
	must2(t, s.CreateReport(as(f.Verifier), rs[1])) // the track's verifiers report too
	must2(t, s.CreateReport(as(f.Mediator), rs[2]))
	must2(t, s.CreateReport(as(f.Mediator), rs[3]))
	if rs[1].TrackID != f.A.ID || rs[1].CreatedBy == nil || *rs[1].CreatedBy != f.Verifier.User.ID {
		t.Errorf("report = %+v", rs[1])
	}

	// The report on a commitment of another agreement: refused, nothing stored.
	refuseAgreement(t, s, "a report on another agreement's commitment", parley.EINVALID, "commitment_id", func() error {
		r := report("2023-02-01", parley.FindingComplied, parley.AudiencePlenary, "x")
		r.CommitmentID = oc.ID
		return s.CreateReport(as(f.Mediator), r)
	})
	for name, r := range map[string]*parley.Report{
		"a future date":                     report("2999-01-01", parley.FindingComplied, parley.AudiencePlenary, ""),
		"an unknown finding":                report("2023-01-01", "kept", parley.AudiencePlenary, ""),
		"an unknown audience":               report("2023-01-01", parley.FindingComplied, "everyone", ""),
		"no source":                         {AgreementID: a.ID, CommitmentID: c.ID, Date: "2023-01-01", Reliability: parley.ReliabilityConfirmed, Finding: parley.FindingComplied, Audience: parley.AudiencePlenary},
		"an unknown commitment":             {AgreementID: a.ID, CommitmentID: 9999, Date: "2023-01-01", Source: "x", Reliability: parley.ReliabilityConfirmed, Finding: parley.FindingComplied, Audience: parley.AudiencePlenary},
		"a party audience not of the track": report("2023-01-01", parley.FindingComplied, parley.PartyAudience(999), ""),
	} {
		refuseAgreement(t, s, name, parley.EINVALID, "", func() error { return s.CreateReport(as(f.Mediator), r) })
	}
	refuseAgreement(t, s, "a delegate reports", parley.EFORBIDDEN, "", func() error {
		return s.CreateReport(as(f.DelegateUA), report("2023-01-01", parley.FindingComplied, parley.AudiencePlenary, ""))
	})
	refuseAgreement(t, s, "an observer reports", parley.EFORBIDDEN, "", func() error {
		return s.CreateReport(as(f.Observer), report("2023-01-01", parley.FindingComplied, parley.AudiencePlenary, ""))
	})

	// Evidence per the one audience check; everything else is map data.
	readers := map[string]*parley.Caller{"mediator": f.Mediator, "delegate UA": f.DelegateUA, "delegate RU": ru, "observer": f.Observer, "verifier": f.Verifier, "admin": f.Admin}
	for name, cl := range readers {
		got, err := s.FindReports(as(cl), a.ID)
		must2(t, err)
		if len(got) != 4 || got[0].ID != rs[1].ID || got[1].ID != rs[0].ID {
			t.Fatalf("%s lists %d reports, not oldest first by date", name, len(got))
		}
		for _, r := range got {
			var want *parley.Report
			for _, x := range rs {
				if x.ID == r.ID {
					want = x
				}
			}
			if r.Finding != want.Finding || r.Date != want.Date || r.Audience != want.Audience {
				t.Errorf("%s reads report %d as %+v", name, r.ID, r)
			}
			if cl.CanRead(f.A.ID, r.Audience) {
				if r.Evidence != want.Evidence || r.EvidenceSealed {
					t.Errorf("%s does not read the evidence of report %d (%s)", name, r.ID, r.Audience)
				}
			} else if r.Evidence != "" || !r.EvidenceSealed {
				t.Errorf("%s reads the evidence of report %d with audience %s", name, r.ID, r.Audience)
			}
		}
	}
	// Spelled out: a delegate of Ukraine reads plenary and its own party's
	// evidence, never Russia's nor the mediators'.
	got, err := s.FindReports(as(f.DelegateUA), a.ID)
	must2(t, err)
	for _, r := range got {
		switch r.Audience {
		case parley.AudiencePlenary, parley.PartyAudience(f.UA.ID):
			if r.Evidence == "" {
				t.Errorf("delegate UA does not read %s evidence", r.Audience)
			}
		default:
			if strings.Contains(r.Evidence, EvidenceMarker) {
				t.Errorf("delegate UA reads %s evidence", r.Audience)
			}
		}
	}

	// Trust record: Russia owes one commitment, reported on in Q1 2023 by
	// its worst finding; Ukraine's commitment was never reported on.
	tr, err := s.TrustRecord(as(f.Observer), f.RU.ID)
	must2(t, err)
	want := &parley.TrustRecord{PartyID: f.RU.ID, Commitments: 1, Agreements: 1,
		Periods: []parley.TrustPeriod{{Period: "2023-Q1", Broken: 1}}, Total: parley.TrustPeriod{Broken: 1}}
	diff(t, "Russia's trust record", want, tr)
	tr, err = s.TrustRecord(as(f.Observer), f.UA.ID)
	must2(t, err)
	diff(t, "Ukraine's trust record", &parley.TrustRecord{PartyID: f.UA.ID, Commitments: 1, Agreements: 1, Periods: []parley.TrustPeriod{}}, tr)
	_, err = s.TrustRecord(as(f.Observer), 9999)
	checkCode(t, "trust record of an unknown party", err, parley.ENOTFOUND)
	tr, err = s.TrustRecord(as(f.MediatorB), f.RU.ID)
	must2(t, err)
	diff(t, "Russia's trust record as track B sees it", &parley.TrustRecord{PartyID: f.RU.ID, Periods: []parley.TrustPeriod{}}, tr)

	// The early warning over these reports with a threshold of one
	// violation: the last window that holds the violation ends with the
	// report after it.
	ag, err := s.FindAgreementByID(ctx, a.ID)
	must2(t, err)
	cs, err := s.FindCommitments(ctx, a.ID)
	must2(t, err)
	ag.Warning = parley.WarningThresholds{WindowDays: 30, Violations: 1}
	w := parley.EarlyWarning(ag, cs, got, time.Date(2023, 3, 10, 0, 0, 0, 0, time.UTC))
	if w == nil || w.To != "2023-03-02" || len(w.Reports) != 1 || w.Reports[0] != rs[2].ID {
		t.Errorf("early warning = %+v", w)
	}
	// The store's own warning, for every reader, agrees with EarlyWarning
	// over the full reports: it needs no evidence to be the same.
	_, err = s.SetWarningThresholds(as(f.Mediator), a.ID, ag.Warning)
	must2(t, err)
	for name, cl := range readers {
		sw, err := s.AgreementWarning(as(cl), a.ID, time.Date(2023, 3, 10, 0, 0, 0, 0, time.UTC))
		must2(t, err)
		diff(t, name+"'s AgreementWarning", w, sw)
	}
}

func testAgreementScores(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	a := newAgreement(t, s, f, "Corridor")
	c1 := &parley.Commitment{AgreementID: a.ID, Obligor: f.RU.ID, Verifier: f.UA.ID, Obligation: "Register vessels", Recurrence: parley.RecurDaily}
	c2 := &parley.Commitment{AgreementID: a.ID, Obligor: f.UA.ID, Verifier: f.RU.ID, Obligation: "Demining", Due: "2023-01-01"}
	must2(t, s.CreateCommitment(as(f.Mediator), c1))
	must2(t, s.CreateCommitment(as(f.Mediator), c2))
	scores := []*parley.Score{
		{CommitmentID: c1.ID, Period: "2022-Q4", Value: 3},
		{CommitmentID: c2.ID, Period: "2022-Q4", Value: 1},
		{CommitmentID: c1.ID, Period: "2023-Q2", Value: 2},
		{CommitmentID: c1.ID, Period: "2023-Q2", Value: 0, Note: "registrations stopped"}, // supersedes the 2
	}
	for _, sc := range scores {
		must2(t, s.CreateScore(as(f.Mediator), sc))
		if sc.AgreementID != a.ID || sc.ID == 0 {
			t.Errorf("score = %+v", sc)
		}
	}
	other := newAgreement(t, s, f, "Other")
	for name, sc := range map[string]*parley.Score{
		"an unknown commitment":             {CommitmentID: 9999, Period: "2023", Value: 1},
		"a commitment of another agreement": {AgreementID: other.ID, CommitmentID: c1.ID, Period: "2023", Value: 1},
		"a bad period":                      {CommitmentID: c1.ID, Period: "2023-Q5", Value: 1},
		"a bad value":                       {CommitmentID: c1.ID, Period: "2023-Q3", Value: 4},
		"a month of a scored quarter":       {CommitmentID: c1.ID, Period: "2023-05", Value: 1},
		"the year of a scored quarter":      {CommitmentID: c1.ID, Period: "2023", Value: 1},
	} {
		refuseAgreement(t, s, name, parley.EINVALID, "", func() error { return s.CreateScore(as(f.Mediator), sc) })
	}
	refuseAgreement(t, s, "a delegate scores", parley.EFORBIDDEN, "", func() error {
		return s.CreateScore(as(f.DelegateUA), &parley.Score{CommitmentID: c1.ID, Period: "2023", Value: 1})
	})
	got, err := s.FindScores(as(f.Observer), a.ID)
	must2(t, err)
	diff(t, "scores, every one", scores, got)
	cs, err := s.FindCommitments(as(f.Observer), a.ID)
	must2(t, err)
	ru := parley.RollUp(cs, got)
	want := []parley.Implementation{
		{Period: "2022-Q4", Scored: 2, Commitments: 2, Percent: 100 * 4.0 / 6},
		{Period: "2023-Q2", Scored: 1, Commitments: 2, Percent: 0},
	}
	diff(t, "overall implementation, the latest score winning", want, ru.Overall)
	diff(t, "Russia's implementation", []parley.Implementation{{Period: "2022-Q4", Scored: 1, Commitments: 1, Percent: 100}, {Period: "2023-Q2", Scored: 1, Commitments: 1}}, ru.ByParty[f.RU.ID])
}

func testAgreementConfidentiality(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	a := newAgreement(t, s, f, "Corridor")
	c := &parley.Commitment{AgreementID: a.ID, Obligor: f.RU.ID, Verifier: f.UA.ID, Obligation: "Register vessels", Recurrence: parley.RecurDaily}
	must2(t, s.CreateCommitment(as(f.Mediator), c))
	r := &parley.Report{AgreementID: a.ID, CommitmentID: c.ID, Date: "2023-01-01", Source: "JCC", Reliability: parley.ReliabilityConfirmed,
		Finding: parley.FindingViolated, Audience: parley.AudiencePlenary, Evidence: EvidenceMarker}
	must2(t, s.CreateReport(as(f.Mediator), r))
	must2(t, s.CreateScore(as(f.Mediator), &parley.Score{CommitmentID: c.ID, Period: "2023", Value: 1}))

	// A delegate of track B only, and an outsider, see nothing of track A.
	u := &parley.User{Email: "delegate-b@test.parley", Name: "B"}
	must2(t, s.CreateUser(ctx, u))
	ua := f.UA.ID
	g := &parley.Member{TrackID: f.B.ID, UserID: u.ID, Role: parley.MemberDelegate, PartyID: &ua}
	must2(t, s.CreateMember(ctx, g))
	delegateB := &parley.Caller{User: u, Grants: []*parley.Member{g}}
	for name, cl := range map[string]*parley.Caller{"delegate of B": delegateB, "outsider": f.Out, "mediator of B": f.MediatorB} {
		_, err := s.FindAgreementByID(as(cl), a.ID)
		checkCode(t, name+" reads the agreement", err, parley.ENOTFOUND)
		_, err = s.FindAgreements(as(cl), f.A.ID)
		checkCode(t, name+" lists track A's agreements", err, parley.ENOTFOUND)
		list, err := s.FindAgreements(as(cl), 0)
		if err != nil || len(list) != 0 {
			t.Errorf("%s lists %d agreements (%v)", name, len(list), err)
		}
		_, err = s.FindCommitments(as(cl), a.ID)
		checkCode(t, name+" lists commitments", err, parley.ENOTFOUND)
		_, err = s.FindReports(as(cl), a.ID)
		checkCode(t, name+" lists reports", err, parley.ENOTFOUND)
		_, err = s.FindScores(as(cl), a.ID)
		checkCode(t, name+" lists scores", err, parley.ENOTFOUND)
		_, err = s.AgreementWarning(as(cl), a.ID, time.Now())
		checkCode(t, name+" reads the warning", err, parley.ENOTFOUND)
		refuseAgreement(t, s, name+" reports", parley.ENOTFOUND, "", func() error {
			return s.CreateReport(as(cl), &parley.Report{AgreementID: a.ID, CommitmentID: c.ID, Date: "2023-01-01", Source: "x",
				Reliability: parley.ReliabilityConfirmed, Finding: parley.FindingComplied, Audience: parley.AudiencePlenary})
		})
		refuseAgreement(t, s, name+" transitions", parley.ENOTFOUND, "", func() error {
			_, err := s.TransitionAgreement(as(cl), a.ID, parley.AgreementTransitionRequest{To: parley.AgreementSuspended, Reason: "x"})
			return err
		})
		tr, err := s.TrustRecord(as(cl), f.RU.ID)
		must2(t, err)
		if tr.Commitments != 0 || tr.Total != (parley.TrustPeriod{}) {
			t.Errorf("%s sees Russia's record on track A: %+v", name, tr)
		}
	}
	// Errors never carry the evidence.
	err := s.CreateReport(as(f.Mediator), &parley.Report{AgreementID: a.ID, CommitmentID: c.ID, Date: "2999-01-01", Source: "x",
		Reliability: parley.ReliabilityConfirmed, Finding: parley.FindingComplied, Audience: parley.AudiencePlenary, Evidence: EvidenceMarker})
	if err == nil || strings.Contains(err.Error(), EvidenceMarker) {
		t.Errorf("refused report: %v", err)
	}
}
