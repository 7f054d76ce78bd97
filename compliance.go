package parley

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// This file holds the pure computations of implementation: scores rolled up
// per agreement and per party, a party's trust record, and the early
// warning of a deal that starts to fail. They take records the caller may
// already see and read no sealed field.

// WarningThresholds say when an agreement's reports turn: within any
// WindowDays days, Violations violated findings, or Unverifiable findings
// that could not be verified (a stalled verification queue — the grain
// corridor's inspections stopped when a delegation stopped registering
// ships). A commitment whose due date (or recurrence period) passed
// OverdueDays ago without a report is overdue. A zero count disables its
// rule.
type WarningThresholds struct {
	WindowDays   int `json:"window_days"`
	Violations   int `json:"violations"`
	Unverifiable int `json:"unverifiable"`
	OverdueDays  int `json:"overdue_days"`
}

// DefaultWarningThresholds are the thresholds of a new agreement.
var DefaultWarningThresholds = WarningThresholds{WindowDays: 30, Violations: 2, Unverifiable: 3, OverdueDays: 14}

// Validate checks the ranges.
func (w WarningThresholds) Validate() error {
	if w.WindowDays < 1 || w.WindowDays > MaxWarningWindow {
		return Errorf(EINVALID, "warning.window_days", "warning.window_days must be between 1 and %d", MaxWarningWindow)
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"violations", w.Violations}, {"unverifiable", w.Unverifiable}, {"overdue_days", w.OverdueDays}} {
		if f.v < 0 || f.v > MaxWarningCount {
			return Errorf(EINVALID, "warning."+f.name, "warning.%s must be between 0 (off) and %d", f.name, MaxWarningCount)
		}
	}
	return nil
}

// Warning is an agreement's early warning: the last window in which its
// reports met a threshold, the reports that triggered it, and the
// commitments overdue today.
type Warning struct {
	AgreementID int64           `json:"agreement_id"`
	Reasons     []string        `json:"reasons"` // Why, in English
	Why         []WarningReason `json:"-"`
	From        string          `json:"from,omitempty"` // the triggering window, YYYY-MM-DD
	To          string          `json:"to,omitempty"`
	Reports     []int64         `json:"reports,omitempty"` // the reports that triggered it, by date
	Overdue     []int64         `json:"overdue,omitempty"` // commitments overdue today
	// Active is true when the window ends within WindowDays of today or
	// a commitment is overdue, and the agreement is not final; an
	// inactive warning is history (the deal that failed showed it first).
	Active bool `json:"active"`
}

// WarningReason is one reason of a warning: Count findings of its Kind
// (violated, unverifiable) within Days, or Count commitments overdue by
// more than Days.
type WarningReason struct {
	Kind  string // "violations", "unverifiable" or "overdue"
	Count int
	Days  int
}

// String is the reason in English.
func (r WarningReason) String() string {
	switch r.Kind {
	case "violations":
		return fmt.Sprintf("%d violations within %d days", r.Count, r.Days)
	case "unverifiable":
		return fmt.Sprintf("%d findings could not be verified within %d days: verification is stalled", r.Count, r.Days)
	}
	return fmt.Sprintf("%d commitments overdue by more than %d days without a report", r.Count, r.Days)
}

func (w *Warning) because(r WarningReason) {
	w.Why = append(w.Why, r)
	w.Reasons = append(w.Reasons, r.String())
}

// EarlyWarning evaluates an agreement's thresholds over its reports known
// as of today (those dated after it are left out), or returns nil when
// nothing ever triggered. It slides a window of
// WindowDays over the reports sorted by date (two pointers: O(n log n) for
// the sort, O(n) after) and keeps the last window that triggered; overdue
// commitments are checked only while the agreement is live.
func EarlyWarning(a *Agreement, cs []*Commitment, rs []*Report, today time.Time) *Warning {
	w := a.Warning
	type dated struct {
		day int   // since the epoch
		id  int64 // the report's, kept here so that the sort reads no pointer
		r   *Report
	}
	asOf := epochDay(dayOf(today).Format(time.DateOnly))
	byDate := make([]dated, 0, len(rs))
	for _, r := range rs {
		if d := epochDay(r.Date); d <= asOf { // a report dated after today is not known yet
			byDate = append(byDate, dated{d, r.ID, r})
		}
	}
	slices.SortFunc(byDate, func(x, y dated) int { return cmp.Or(cmp.Compare(x.day, y.day), cmp.Compare(x.id, y.id)) })
	sorted := make([]*Report, len(byDate))
	days := make([]int, len(byDate))
	for i, d := range byDate {
		sorted[i], days[i] = d.r, d.day
	}
	out := &Warning{AgreementID: a.ID}
	violated, unverifiable, lo := 0, 0, 0
	last, lastLo := -1, 0 // the last window that triggered
	var lastViolated, lastUnverifiable int
	for hi, r := range sorted {
		switch r.Finding {
		case FindingViolated:
			violated++
		case FindingUnverifiable:
			unverifiable++
		}
		for days[hi]-days[lo] >= w.WindowDays {
			switch sorted[lo].Finding {
			case FindingViolated:
				violated--
			case FindingUnverifiable:
				unverifiable--
			}
			lo++
		}
		if (w.Violations > 0 && violated >= w.Violations) || (w.Unverifiable > 0 && unverifiable >= w.Unverifiable) {
			last, lastLo, lastViolated, lastUnverifiable = hi, lo, violated, unverifiable
		}
	}
	if last >= 0 {
		if w.Violations > 0 && lastViolated >= w.Violations {
			out.because(WarningReason{"violations", lastViolated, w.WindowDays})
		}
		if w.Unverifiable > 0 && lastUnverifiable >= w.Unverifiable {
			out.because(WarningReason{"unverifiable", lastUnverifiable, w.WindowDays})
		}
		out.From, out.To = sorted[lastLo].Date, sorted[last].Date
		for _, r := range sorted[lastLo : last+1] {
			if (r.Finding == FindingViolated && w.Violations > 0) || (r.Finding == FindingUnverifiable && w.Unverifiable > 0) {
				out.Reports = append(out.Reports, r.ID)
			}
		}
		end, _ := time.Parse(time.DateOnly, out.To)
		out.Active = dayOf(today).Sub(end) < time.Duration(w.WindowDays)*24*time.Hour
	}
	if !a.Status.Final() && w.OverdueDays > 0 {
		out.Overdue = overdue(cs, sorted, today, w.OverdueDays)
		if len(out.Overdue) > 0 {
			out.because(WarningReason{"overdue", len(out.Overdue), w.OverdueDays})
			out.Active = true
		}
	}
	if a.Status.Final() {
		out.Active = false
	}
	if len(out.Reasons) == 0 {
		return nil
	}
	return out
}

// overdue lists the commitments whose due date, or whose last report plus
// one recurrence period, lies more than grace days before today without a
// report since.
func overdue(cs []*Commitment, sorted []*Report, today time.Time, grace int) []int64 {
	latest := map[int64]string{} // commitment → date of its latest report
	for _, r := range sorted {
		latest[r.CommitmentID] = r.Date
	}
	cut := dayOf(today).AddDate(0, 0, -grace)
	var ids []int64
	for _, c := range cs {
		last := latest[c.ID]
		var due time.Time
		switch {
		case c.Recurrence != RecurNone && last != "":
			d, _ := time.Parse(time.DateOnly, last)
			due = d.AddDate(0, 0, c.Recurrence.Days())
		case c.Due != "":
			if last >= c.Due {
				continue // reported on or after the due date
			}
			due, _ = time.Parse(time.DateOnly, c.Due)
		default: // recurring, never reported: due one period after it was made
			due = dayOf(c.CreatedAt).AddDate(0, 0, c.Recurrence.Days())
		}
		if due.Before(cut) {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// Implementation is how far commitments were implemented in one period:
// the sum of their latest scores for the period over the most they could
// score (3 each), as a percentage of the Scored commitments.
type Implementation struct {
	Period      string  `json:"period"`
	Scored      int     `json:"scored"`      // commitments with a score for the period
	Commitments int     `json:"commitments"` // commitments in all
	Percent     float64 `json:"percent"`     // 0–100, of the scored ones
}

// ImplementationRollup is an agreement's implementation per period, overall
// and per obligor party.
type ImplementationRollup struct {
	Overall []Implementation            `json:"overall"`
	ByParty map[int64][]Implementation  `json:"by_party"`
	Latest  map[int64]map[string]*Score `json:"-"` // commitment → period → the score in force
}

// RollUp computes an agreement's implementation from its commitments and
// every score it has (the latest per commitment and period wins). Periods
// appear in order; a party's list holds only the periods in which one of
// its commitments was scored. Cost: O(s log s) for s scores.
func RollUp(cs []*Commitment, scores []*Score) *ImplementationRollup {
	latest := map[int64]map[string]*Score{}
	for _, s := range scores {
		m := latest[s.CommitmentID]
		if m == nil {
			m = map[string]*Score{}
			latest[s.CommitmentID] = m
		}
		if old := m[s.Period]; old == nil || s.ID > old.ID {
			m[s.Period] = s
		}
	}
	periods := map[string]bool{}
	for _, m := range latest {
		for p := range m {
			periods[p] = true
		}
	}
	ordered := make([]string, 0, len(periods))
	for p := range periods {
		ordered = append(ordered, p)
	}
	slices.SortFunc(ordered, comparePeriods)

	out := &ImplementationRollup{Overall: []Implementation{}, ByParty: map[int64][]Implementation{}, Latest: latest}
	count := map[int64]int{}
	for _, c := range cs {
		count[c.Obligor]++
	}
	for _, p := range ordered {
		all := Implementation{Period: p, Commitments: len(cs)}
		var sumAll int
		party := map[int64]*Implementation{}
		sum := map[int64]int{}
		for _, c := range cs {
			s := latest[c.ID][p]
			if s == nil {
				continue
			}
			all.Scored++
			sumAll += s.Value
			im := party[c.Obligor]
			if im == nil {
				im = &Implementation{Period: p, Commitments: count[c.Obligor]}
				party[c.Obligor] = im
			}
			im.Scored++
			sum[c.Obligor] += s.Value
		}
		if all.Scored == 0 {
			continue
		}
		all.Percent = percent(sumAll, all.Scored)
		out.Overall = append(out.Overall, all)
		for id, im := range party {
			im.Percent = percent(sum[id], im.Scored)
			out.ByParty[id] = append(out.ByParty[id], *im)
		}
	}
	return out
}

func percent(sum, scored int) float64 { return 100 * float64(sum) / float64(3*scored) }

// comparePeriods orders periods by the month each starts in, the longer
// first: a year before its first quarter, a quarter before its first month.
func comparePeriods(a, b string) int {
	return cmp.Or(cmp.Compare(periodStart(a), periodStart(b)), cmp.Compare(periodRank(a), periodRank(b)))
}

func periodRank(p string) int {
	switch {
	case len(p) == 4:
		return 0
	case p[5] == 'Q':
		return 1
	}
	return 2
}

func periodStart(p string) string {
	switch {
	case len(p) == 4:
		return p + "-01"
	case len(p) == 7 && p[5] == 'Q':
		q, _ := strconv.Atoi(p[6:])
		return fmt.Sprintf("%s-%02d", p[:4], 3*q-2)
	}
	return p
}

// TrustPeriod is what a party did with its commitments in one quarter:
// each commitment reported on in the quarter counts once, by its worst
// verifiable finding (violated over partly over complied), or as
// unverifiable when nothing could be verified.
type TrustPeriod struct {
	Period       string `json:"period"` // "2023-Q2"
	Kept         int    `json:"kept"`
	Partly       int    `json:"partly"`
	Broken       int    `json:"broken"`
	Unverifiable int    `json:"unverifiable"`
}

// TrustRecord is a party's record of kept and broken commitments over
// time, across the agreements the caller sees.
type TrustRecord struct {
	PartyID     int64         `json:"party_id"`
	Commitments int           `json:"commitments"`
	Agreements  int           `json:"agreements"`
	Periods     []TrustPeriod `json:"periods"` // oldest first
	Total       TrustPeriod   `json:"total"`   // the sum of the periods; Period is ""
}

// BuildTrustRecord computes a party's trust record from its commitments
// (as obligor) and the reports on them. Reports on other commitments are
// ignored. Cost: O(r log r) for r reports.
func BuildTrustRecord(partyID int64, cs []*Commitment, rs []*Report) *TrustRecord {
	out := &TrustRecord{PartyID: partyID, Periods: []TrustPeriod{}}
	mine := map[int64]bool{}
	agreements := map[int64]bool{}
	for _, c := range cs {
		if c.Obligor == partyID {
			mine[c.ID] = true
			agreements[c.AgreementID] = true
		}
	}
	out.Commitments, out.Agreements = len(mine), len(agreements)
	type key struct {
		period     string
		commitment int64
	}
	worst := map[key]Finding{}
	for _, r := range rs {
		if !mine[r.CommitmentID] {
			continue
		}
		k := key{quarter(r.Date), r.CommitmentID}
		if old, ok := worst[k]; !ok || severity(r.Finding) > severity(old) {
			worst[k] = r.Finding
		}
	}
	byPeriod := map[string]*TrustPeriod{}
	for k, f := range worst {
		p := byPeriod[k.period]
		if p == nil {
			p = &TrustPeriod{Period: k.period}
			byPeriod[k.period] = p
		}
		for _, t := range []*TrustPeriod{p, &out.Total} {
			switch f {
			case FindingComplied:
				t.Kept++
			case FindingPartly:
				t.Partly++
			case FindingViolated:
				t.Broken++
			case FindingUnverifiable:
				t.Unverifiable++
			}
		}
	}
	for _, p := range byPeriod {
		out.Periods = append(out.Periods, *p)
	}
	slices.SortFunc(out.Periods, func(a, b TrustPeriod) int { return cmp.Compare(a.Period, b.Period) })
	return out
}

// severity orders findings: a verifiable one outranks unverifiable, and a
// worse one outranks a better one.
func severity(f Finding) int {
	switch f {
	case FindingComplied:
		return 1
	case FindingPartly:
		return 2
	case FindingViolated:
		return 3
	}
	return 0
}

// quarter is the quarter of a YYYY-MM-DD date: "2023-Q2".
func quarter(date string) string {
	if len(date) < 7 {
		return date
	}
	m, _ := strconv.Atoi(date[5:7])
	return fmt.Sprintf("%s-Q%d", date[:4], (m+2)/3)
}

// epochDay is the number of days from 1970-01-01 to a YYYY-MM-DD date,
// without time.Parse's generality: EarlyWarning converts every report's
// date. A malformed date (the store never holds one) counts as day 0.
func epochDay(date string) int {
	if len(date) != 10 {
		return 0
	}
	num := func(s string) int {
		n := 0
		for _, c := range []byte(s) {
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, d := num(date[:4]), num(date[5:7]), num(date[8:10])
	return int(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}
