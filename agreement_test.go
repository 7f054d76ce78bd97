package parley

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code + ":" + e.Field
	}
	if err != nil {
		return "other"
	}
	return ""
}

func TestAgreementLifecycleEveryPair(t *testing.T) {
	legal := map[[2]AgreementStatus]bool{
		{AgreementInForce, AgreementSuspended}:   true,
		{AgreementInForce, AgreementExpired}:     true,
		{AgreementInForce, AgreementCollapsed}:   true,
		{AgreementInForce, AgreementCompleted}:   true,
		{AgreementSuspended, AgreementInForce}:   true,
		{AgreementSuspended, AgreementExpired}:   true,
		{AgreementSuspended, AgreementCollapsed}: true,
		{AgreementSuspended, AgreementCompleted}: true,
	}
	for _, from := range AgreementStatuses {
		for _, to := range AgreementStatuses {
			err := from.CheckTransition(to)
			if legal[[2]AgreementStatus{from, to}] {
				if err != nil {
					t.Errorf("%s → %s: %v, want allowed", from, to, err)
				}
				continue
			}
			if code(err) != ECONFLICT+":to" {
				t.Errorf("%s → %s: %v, want ECONFLICT on to", from, to, err)
				continue
			}
			if msg := err.Error(); !strings.Contains(msg, string(from)) || !strings.Contains(msg, string(to)) {
				t.Errorf("%s → %s: message %q does not name both statuses", from, to, msg)
			}
		}
		if got := code(from.CheckTransition("renewed")); got != EINVALID+":to" {
			t.Errorf("%s → renewed: %s, want EINVALID", from, got)
		}
	}
}

func validAgreement() *Agreement {
	return &Agreement{TrackID: 1, Title: "Grain corridor", Signatories: []int64{1, 2, 3}, Effective: "2022-07-22", DurationDays: 120}
}

func TestAgreementValidate(t *testing.T) {
	a := validAgreement()
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	if a.NoticeDays != DefaultNoticeDays || a.Warning != DefaultWarningThresholds {
		t.Errorf("defaults not applied: notice %d, warning %+v", a.NoticeDays, a.Warning)
	}
	if got := a.InitialExpiry(); got != "2022-11-19" {
		t.Errorf("InitialExpiry = %s, want 2022-11-19", got)
	}
	for _, tc := range []struct {
		edit  func(*Agreement)
		field string
	}{
		{func(a *Agreement) { a.TrackID = 0 }, "track_id"},
		{func(a *Agreement) { a.Title = " " }, "title"},
		{func(a *Agreement) { a.Signatories = nil }, "signatories"},
		{func(a *Agreement) { a.Signatories = []int64{1, 1} }, "signatories"},
		{func(a *Agreement) { a.Effective = "22-07-2022" }, "effective"},
		{func(a *Agreement) { a.DurationDays = -1 }, "duration_days"},
		{func(a *Agreement) { a.DurationDays = MaxDurationDays + 1 }, "duration_days"},
		{func(a *Agreement) { a.NoticeDays = -3 }, "notice_days"},
		{func(a *Agreement) { a.NoticeDays = MaxNoticeDays + 1 }, "notice_days"},
		{func(a *Agreement) { a.Warning = WarningThresholds{WindowDays: 0, Violations: 2} }, "warning.window_days"},
		{func(a *Agreement) { a.Warning = WarningThresholds{WindowDays: 30, Violations: -1} }, "warning.violations"},
		{func(a *Agreement) { a.RenewalTerms = string([]byte{0xff}) }, "renewal_terms"},
	} {
		a := validAgreement()
		tc.edit(a)
		if got := code(a.Validate()); got != EINVALID+":"+tc.field {
			t.Errorf("%s: got %s", tc.field, got)
		}
	}
	indefinite := validAgreement()
	indefinite.DurationDays = 0
	if indefinite.InitialExpiry() != "" {
		t.Error("an indefinite agreement has an expiry")
	}
}

func TestAgreementDeadline(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d.Add(15 * time.Hour) }
	a := &Agreement{Status: AgreementInForce, Expires: "2023-07-17", NoticeDays: 30}
	for _, tc := range []struct {
		today string
		days  int
		ok    bool
	}{
		{"2023-06-16", 31, false},
		{"2023-06-17", 30, true},
		{"2023-07-17", 0, true},
		{"2023-07-20", -3, true},
	} {
		days, ok := a.Deadline(day(tc.today))
		if days != tc.days || ok != tc.ok {
			t.Errorf("%s: %d %v, want %d %v", tc.today, days, ok, tc.days, tc.ok)
		}
	}
	for _, b := range []*Agreement{
		{Status: AgreementCollapsed, Expires: "2023-07-17", NoticeDays: 30},
		{Status: AgreementInForce, NoticeDays: 30},
	} {
		if _, ok := b.Deadline(day("2023-07-17")); ok {
			t.Errorf("%s agreement expiring %q shows a deadline", b.Status, b.Expires)
		}
	}
}

func TestRenewalValidate(t *testing.T) {
	a := &Agreement{Status: AgreementInForce, Expires: "2022-11-19"}
	ok := Renewal{Date: "2022-11-17", Expires: "2023-03-18"}
	if err := ok.Validate(a); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		r     Renewal
		a     *Agreement
		field string
		code  string
	}{
		{Renewal{Date: "2022-11-17", Expires: "2022-11-19"}, a, "expires", EINVALID},
		{Renewal{Date: "2022-11-17", Expires: "2022-11-01"}, &Agreement{Status: AgreementInForce}, "expires", EINVALID},
		{Renewal{Date: "17.11.2022", Expires: "2023-03-18"}, a, "date", EINVALID},
		{Renewal{Date: "2022-11-17", Expires: "2023-03-18"}, &Agreement{Status: AgreementCollapsed}, "expires", ECONFLICT},
	} {
		if got := code(tc.r.Validate(tc.a)); got != tc.code+":"+tc.field {
			t.Errorf("%+v on %s: got %s, want %s:%s", tc.r, tc.a.Status, got, tc.code, tc.field)
		}
	}
}

func TestCommitmentAndReportValidate(t *testing.T) {
	c := Commitment{AgreementID: 1, Obligor: 2, Verifier: 9, Obligation: "Register vessels", Recurrence: RecurDaily}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		edit  func(*Commitment)
		field string
	}{
		{func(c *Commitment) { c.Obligor = 0 }, "obligor"},
		{func(c *Commitment) { c.Verifier = 2 }, "verifier"},
		{func(c *Commitment) { c.Obligation = "  " }, "obligation"},
		{func(c *Commitment) { c.Recurrence = "" }, "due"},
		{func(c *Commitment) { c.Recurrence = "hourly" }, "recurrence"},
		{func(c *Commitment) { c.Due = "soon" }, "due"},
		{func(c *Commitment) { c.Clause = -1 }, "clause"},
	} {
		c := c
		tc.edit(&c)
		if got := code(c.Validate()); got != EINVALID+":"+tc.field {
			t.Errorf("%s: got %s", tc.field, got)
		}
	}

	today := time.Date(2023, 7, 1, 12, 0, 0, 0, time.UTC)
	r := Report{AgreementID: 1, CommitmentID: 3, Date: "2023-07-01", Source: "JCC", Reliability: ReliabilityConfirmed, Finding: FindingViolated, Audience: AudienceMediators}
	if err := r.Validate(today); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		edit  func(*Report)
		field string
	}{
		{func(r *Report) { r.Date = "2023-07-02" }, "date"},
		{func(r *Report) { r.Date = "" }, "date"},
		{func(r *Report) { r.CommitmentID = 0 }, "commitment_id"},
		{func(r *Report) { r.Source = "" }, "source"},
		{func(r *Report) { r.Reliability = "certain" }, "reliability"},
		{func(r *Report) { r.Finding = "ok" }, "finding"},
		{func(r *Report) { r.Audience = "everyone" }, "audience"},
	} {
		r := r
		tc.edit(&r)
		if got := code(r.Validate(today)); got != EINVALID+":"+tc.field {
			t.Errorf("%s: got %s", tc.field, got)
		}
	}
}

func TestValidPeriodAndScore(t *testing.T) {
	for p, want := range map[string]bool{
		"2023": true, "2023-Q1": true, "2023-Q4": true, "2023-05": true, "2023-12": true,
		"2023-Q0": false, "2023-Q5": false, "2023-13": false, "2023-1": false, "23": false,
		"2023-05-01": false, "abcd": false, "2023Q1": false, "": false,
	} {
		if got := ValidPeriod(p); got != want {
			t.Errorf("ValidPeriod(%q) = %v", p, got)
		}
	}
	for v, ok := range map[int]bool{-1: false, 0: true, 3: true, 4: false} {
		s := Score{CommitmentID: 1, Period: "2023", Value: v}
		if err := s.Validate(); (err == nil) != ok {
			t.Errorf("score %d: %v", v, err)
		}
	}
}

func TestRollUp(t *testing.T) {
	cs := []*Commitment{
		{ID: 1, Obligor: 10}, {ID: 2, Obligor: 10}, {ID: 3, Obligor: 20},
	}
	scores := []*Score{
		{ID: 1, CommitmentID: 1, Period: "2023", Value: 1},
		{ID: 2, CommitmentID: 1, Period: "2023", Value: 3}, // supersedes 1
		{ID: 3, CommitmentID: 2, Period: "2023", Value: 0},
		{ID: 4, CommitmentID: 3, Period: "2023", Value: 2},
		{ID: 5, CommitmentID: 3, Period: "2022-Q4", Value: 3},
	}
	got := RollUp(cs, scores)
	want := []Implementation{
		{Period: "2022-Q4", Scored: 1, Commitments: 3, Percent: 100},
		{Period: "2023", Scored: 3, Commitments: 3, Percent: 100 * 5.0 / 9},
	}
	if d := cmp.Diff(want, got.Overall); d != "" {
		t.Errorf("overall (-want +got):\n%s", d)
	}
	wantParty := map[int64][]Implementation{
		10: {{Period: "2023", Scored: 2, Commitments: 2, Percent: 50}},
		20: {{Period: "2022-Q4", Scored: 1, Commitments: 1, Percent: 100}, {Period: "2023", Scored: 1, Commitments: 1, Percent: 100 * 2.0 / 3}},
	}
	if d := cmp.Diff(wantParty, got.ByParty); d != "" {
		t.Errorf("by party (-want +got):\n%s", d)
	}
	periods := []string{"2023-05", "2022", "2023-Q2", "2023", "2023-04", "2023-Q1"}
	slices.SortFunc(periods, comparePeriods)
	if d := cmp.Diff([]string{"2022", "2023", "2023-Q1", "2023-Q2", "2023-04", "2023-05"}, periods); d != "" {
		t.Errorf("period order (-want +got):\n%s", d)
	}
}

func TestBuildTrustRecord(t *testing.T) {
	cs := []*Commitment{
		{ID: 1, AgreementID: 1, Obligor: 10}, {ID: 2, AgreementID: 2, Obligor: 10}, {ID: 3, AgreementID: 1, Obligor: 20},
	}
	rs := []*Report{
		{CommitmentID: 1, Date: "2023-01-05", Finding: FindingComplied},
		{CommitmentID: 1, Date: "2023-02-05", Finding: FindingViolated}, // worst of Q1 for #1
		{CommitmentID: 2, Date: "2023-03-31", Finding: FindingUnverifiable},
		{CommitmentID: 2, Date: "2023-04-01", Finding: FindingUnverifiable},
		{CommitmentID: 2, Date: "2023-04-02", Finding: FindingPartly},   // verifiable beats unverifiable
		{CommitmentID: 3, Date: "2023-01-01", Finding: FindingViolated}, // another party's
	}
	got := BuildTrustRecord(10, cs, rs)
	want := &TrustRecord{
		PartyID: 10, Commitments: 2, Agreements: 2,
		Periods: []TrustPeriod{
			{Period: "2023-Q1", Broken: 1, Unverifiable: 1},
			{Period: "2023-Q2", Partly: 1},
		},
		Total: TrustPeriod{Broken: 1, Unverifiable: 1, Partly: 1},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("trust record (-want +got):\n%s", d)
	}
}

// bruteWarning is the reference for EarlyWarning's sliding window: for every
// report as the end of a window, count the findings in the window by
// scanning all reports.
func bruteWarning(w WarningThresholds, rs []*Report) (from, to string, ids []int64, ok bool) {
	sorted := slices.Clone(rs)
	slices.SortStableFunc(sorted, func(x, y *Report) int {
		if x.Date != y.Date {
			return strings.Compare(x.Date, y.Date)
		}
		return int(x.ID - y.ID)
	})
	for hi := range sorted {
		end, _ := time.Parse(time.DateOnly, sorted[hi].Date)
		var in []*Report
		for _, r := range sorted[:hi+1] {
			d, _ := time.Parse(time.DateOnly, r.Date)
			if end.Sub(d) < time.Duration(w.WindowDays)*24*time.Hour {
				in = append(in, r)
			}
		}
		v, u := 0, 0
		var trig []int64
		for _, r := range in {
			switch r.Finding {
			case FindingViolated:
				v++
				if w.Violations > 0 {
					trig = append(trig, r.ID)
				}
			case FindingUnverifiable:
				u++
				if w.Unverifiable > 0 {
					trig = append(trig, r.ID)
				}
			}
		}
		if (w.Violations > 0 && v >= w.Violations) || (w.Unverifiable > 0 && u >= w.Unverifiable) {
			from, to, ids, ok = in[0].Date, sorted[hi].Date, trig, true
		}
	}
	return
}

func TestEarlyWarningMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 7))
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for trial := range 2000 {
		w := WarningThresholds{WindowDays: 1 + rng.IntN(40), Violations: rng.IntN(4), Unverifiable: rng.IntN(4)}
		a := &Agreement{ID: 1, Status: AgreementCollapsed, Warning: w}
		var rs []*Report
		for i := range rng.IntN(25) {
			rs = append(rs, &Report{
				ID:      int64(i + 1),
				Date:    start.AddDate(0, 0, rng.IntN(120)).Format(time.DateOnly),
				Finding: Findings[rng.IntN(len(Findings))],
			})
		}
		from, to, ids, ok := bruteWarning(w, rs)
		got := EarlyWarning(a, nil, rs, start.AddDate(1, 0, 0))
		if !ok {
			if got != nil {
				t.Fatalf("trial %d: %+v, want no warning", trial, got)
			}
			continue
		}
		if got == nil {
			t.Fatalf("trial %d: no warning, want %s..%s %v", trial, from, to, ids)
		}
		if got.From != from || got.To != to || !slices.Equal(got.Reports, ids) || got.Active {
			t.Fatalf("trial %d (%+v): got %s..%s %v active %v, want %s..%s %v", trial, w, got.From, got.To, got.Reports, got.Active, from, to, ids)
		}
	}
}

func TestEarlyWarningActiveAndOverdue(t *testing.T) {
	today := time.Date(2023, 5, 20, 9, 0, 0, 0, time.UTC)
	a := &Agreement{ID: 7, Status: AgreementInForce, Warning: DefaultWarningThresholds}
	cs := []*Commitment{
		{ID: 1, Obligor: 2, Recurrence: RecurDaily},
		{ID: 2, Obligor: 2, Due: "2023-04-01"},
		{ID: 3, Obligor: 2, Due: "2023-05-15"}, // due, but within the grace period
	}
	rs := []*Report{
		{ID: 10, CommitmentID: 1, Date: "2023-05-01", Finding: FindingViolated},
		{ID: 11, CommitmentID: 1, Date: "2023-05-10", Finding: FindingComplied},
		{ID: 12, CommitmentID: 1, Date: "2023-05-19", Finding: FindingViolated},
	}
	got := EarlyWarning(a, cs, rs, today)
	if got == nil || !got.Active || !slices.Equal(got.Reports, []int64{10, 12}) || !slices.Equal(got.Overdue, []int64{2}) {
		t.Fatalf("got %+v, want active on reports 10 and 12 with commitment 2 overdue", got)
	}
	if !strings.Contains(fmt.Sprint(got.Reasons), "2 violations within 30 days") {
		t.Errorf("reasons %q do not say why", got.Reasons)
	}
	// The same reports long after: history, not active, and once the
	// agreement is final nothing is overdue.
	a.Status = AgreementCollapsed
	later := EarlyWarning(a, cs, rs, today.AddDate(0, 3, 0))
	if later == nil || later.Active || later.Overdue != nil {
		t.Fatalf("after the collapse: %+v, want an inactive warning without overdue commitments", later)
	}
	// Nothing triggers: no warning at all.
	if w := EarlyWarning(a, cs, rs[:2], today); w != nil {
		t.Errorf("one violation: %+v, want none", w)
	}
}

func TestEarlyWarningLeavesOutLaterReports(t *testing.T) {
	a := &Agreement{ID: 1, Status: AgreementInForce, Warning: WarningThresholds{WindowDays: 30, Violations: 2}}
	rs := []*Report{
		{ID: 1, Date: "2023-05-01", Finding: FindingViolated},
		{ID: 2, Date: "2023-05-03", Finding: FindingViolated},
	}
	if w := EarlyWarning(a, nil, rs, time.Date(2023, 5, 2, 23, 0, 0, 0, time.UTC)); w != nil {
		t.Errorf("as of 2 May, the report of 3 May counted: %+v", w)
	}
	if w := EarlyWarning(a, nil, rs, time.Date(2023, 5, 3, 0, 0, 0, 0, time.UTC)); w == nil || !w.Active {
		t.Errorf("as of 3 May: %+v, want an active warning", w)
	}
}

func TestPeriodsOverlap(t *testing.T) {
	periods := []string{"2023", "2023-Q1", "2023-Q2", "2023-Q4", "2023-01", "2023-03", "2023-04", "2023-12", "2024", "2024-Q1", "2024-01"}
	months := func(p string) map[string]bool {
		out := map[string]bool{}
		for m := 1; m <= 12; m++ {
			month := fmt.Sprintf("%s-%02d", p[:4], m)
			if p == p[:4] || p == month || len(p) == 7 && p[5] == 'Q' && int(p[6]-'0') == (m+2)/3 {
				out[month] = true
			}
		}
		return out
	}
	for _, a := range periods {
		for _, b := range periods {
			shared := false
			for m := range months(a) {
				shared = shared || months(b)[m]
			}
			if want := a != b && shared; PeriodsOverlap(a, b) != want {
				t.Errorf("PeriodsOverlap(%s, %s) = %v, want %v", a, b, !want, want)
			}
		}
	}
}
