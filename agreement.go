package parley

import (
	"context"
	"slices"
	"strings"
	"time"
)

// AgreementStatus is where an agreement stands.
type AgreementStatus string

const (
	AgreementInForce   AgreementStatus = "in force"
	AgreementSuspended AgreementStatus = "suspended"
	AgreementExpired   AgreementStatus = "expired"
	AgreementCollapsed AgreementStatus = "collapsed"
	AgreementCompleted AgreementStatus = "completed"
)

// AgreementStatuses lists every agreement status.
var AgreementStatuses = []AgreementStatus{AgreementInForce, AgreementSuspended, AgreementExpired, AgreementCollapsed, AgreementCompleted}

// agreementTransitions is the lifecycle of an agreement:
//
//	in force ⇄ suspended
//	in force, suspended → expired, collapsed, completed
//
// Expired, collapsed and completed are final: a lapsed deal that the
// parties revive is a new agreement. An agreement starts in force.
var agreementTransitions = map[AgreementStatus][]AgreementStatus{
	AgreementInForce:   {AgreementSuspended, AgreementExpired, AgreementCollapsed, AgreementCompleted},
	AgreementSuspended: {AgreementInForce, AgreementExpired, AgreementCollapsed, AgreementCompleted},
}

// CheckTransition returns nil if an agreement may move from s to to,
// EINVALID for an unknown status, and ECONFLICT naming both statuses
// otherwise — the same rules as a track's lifecycle.
func (s AgreementStatus) CheckTransition(to AgreementStatus) error {
	if !slices.Contains(AgreementStatuses, to) {
		return Errorf(EINVALID, "to", "unknown status %q (want in force, suspended, expired, collapsed or completed)", to)
	}
	allowed := agreementTransitions[s]
	if slices.Contains(allowed, to) {
		return nil
	}
	if len(allowed) == 0 {
		return Errorf(ECONFLICT, "to", "agreement is %s, which is final; it cannot become %s", s, to)
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return Errorf(ECONFLICT, "to", "agreement is %s and cannot become %s (from %s it may become %s)", s, to, s, strings.Join(names, ", "))
}

// Final reports whether no transition leaves s.
func (s AgreementStatus) Final() bool { return len(agreementTransitions[s]) == 0 }

// Limits of an agreement.
const (
	MaxSignatories    = 20
	MaxDurationDays   = 36_525 // a century
	MaxNoticeDays     = 365
	DefaultNoticeDays = 30 // how long before expiry the map shows the deadline
	MaxCommitments    = 1000
	MaxWarningWindow  = 3650
	MaxWarningCount   = 1000
	MaxPeriodLen      = 7 // bytes of a period: "2023", "2023-Q2", "2023-05"
)

// Agreement is what a track's parties signed: map data (read per
// CanSeeTrack, written by the mediators). It is adopted from a frozen
// version of an agreed negotiating text (TextVersionID), or entered directly
// (no version). Dates are YYYY-MM-DD.
type Agreement struct {
	ID            int64   `json:"id"`
	TrackID       int64   `json:"track_id"`
	Title         string  `json:"title"`
	TextVersionID *int64  `json:"text_version_id,omitempty"`
	Signatories   []int64 `json:"signatories"` // party ids
	Effective     string  `json:"effective"`
	// DurationDays is the initial term; 0 is indefinite (no expiry).
	DurationDays int `json:"duration_days"`
	// RenewalTerms say in words how the agreement is renewed ("extended
	// for 120 days unless a party objects").
	RenewalTerms string `json:"renewal_terms,omitempty"`
	// NoticeDays is how long before Expires the map shows the deadline.
	NoticeDays int                   `json:"notice_days"`
	Warning    WarningThresholds     `json:"warning"`
	Status     AgreementStatus       `json:"status"`
	Expires    string                `json:"expires,omitempty"` // set by the store: Effective + DurationDays, moved by renewals
	History    []AgreementTransition `json:"history"`           // set by the store, oldest first
	Renewals   []Renewal             `json:"renewals"`          // set by the store, oldest first
	CreatedAt  time.Time             `json:"created_at"`
}

// Validate checks the fields a caller sets on a new agreement. Zero
// NoticeDays and Warning take their defaults.
func (a *Agreement) Validate() error {
	if a.TrackID <= 0 {
		return Errorf(EINVALID, "track_id", "track_id must be a positive id")
	}
	if err := checkName("title", a.Title); err != nil {
		return err
	}
	if len(a.Signatories) == 0 {
		return Errorf(EINVALID, "signatories", "an agreement needs at least one signatory")
	}
	if len(a.Signatories) > MaxSignatories {
		return Errorf(EINVALID, "signatories", "at most %d signatories", MaxSignatories)
	}
	if err := checkIDs("signatories", a.Signatories); err != nil {
		return err
	}
	if _, err := parseDate("effective", a.Effective); err != nil {
		return err
	}
	if a.DurationDays < 0 || a.DurationDays > MaxDurationDays {
		return Errorf(EINVALID, "duration_days", "duration_days must be between 0 (indefinite) and %d", MaxDurationDays)
	}
	if err := checkText("renewal_terms", a.RenewalTerms); err != nil {
		return err
	}
	if a.NoticeDays == 0 {
		a.NoticeDays = DefaultNoticeDays
	}
	if a.NoticeDays < 0 || a.NoticeDays > MaxNoticeDays {
		return Errorf(EINVALID, "notice_days", "notice_days must be between 1 and %d", MaxNoticeDays)
	}
	if a.Warning == (WarningThresholds{}) {
		a.Warning = DefaultWarningThresholds
	}
	return a.Warning.Validate()
}

// InitialExpiry is Effective + DurationDays, or "" for an indefinite
// agreement. Effective must be valid.
func (a *Agreement) InitialExpiry() string {
	if a.DurationDays == 0 {
		return ""
	}
	d, _ := time.Parse(time.DateOnly, a.Effective)
	return d.AddDate(0, 0, a.DurationDays).Format(time.DateOnly)
}

// Deadline says whether the agreement's expiry falls within its notice
// period as of today: the number of days left (0 on the day itself) and
// true. An agreement that is final, indefinite or not yet near its expiry
// has no deadline to show. A date past expiry while still in force is
// shown with negative days, so the map flags the overdue decision.
func (a *Agreement) Deadline(today time.Time) (days int, ok bool) {
	if a.Expires == "" || a.Status.Final() {
		return 0, false
	}
	exp, err := time.Parse(time.DateOnly, a.Expires)
	if err != nil {
		return 0, false
	}
	t := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	days = int(exp.Sub(t).Hours() / 24)
	return days, days <= a.NoticeDays
}

// AgreementTransition is one step of an agreement's status history:
// append-only, like a track's.
type AgreementTransition struct {
	ID      int64           `json:"id"`
	From    AgreementStatus `json:"from"` // "" for the first status
	To      AgreementStatus `json:"to"`
	Reason  string          `json:"reason"`
	EventID *int64          `json:"event_id,omitempty"`
	ActorID *int64          `json:"actor_id,omitempty"`
	At      time.Time       `json:"at"`
}

// AgreementTransitionRequest asks to move an agreement to a new status.
type AgreementTransitionRequest struct {
	To      AgreementStatus `json:"to"`
	Reason  string          `json:"reason"`
	EventID *int64          `json:"event_id,omitempty"`
	// At is when it happened (entering a past agreement's history); now
	// if nil. Never before the last transition, never in the future.
	At *time.Time `json:"at,omitempty"`
}

// Validate checks the request's own fields; the store checks the
// transition against the current status.
func (r *AgreementTransitionRequest) Validate() error {
	if !slices.Contains(AgreementStatuses, r.To) {
		return Errorf(EINVALID, "to", "unknown status %q (want in force, suspended, expired, collapsed or completed)", r.To)
	}
	if r.EventID != nil && *r.EventID <= 0 {
		return Errorf(EINVALID, "event_id", "event_id must be a positive id")
	}
	return checkName("reason", r.Reason)
}

// Renewal extends an agreement in force or suspended to a new expiry date.
type Renewal struct {
	ID      int64     `json:"id"`
	Date    string    `json:"date"`    // when it was renewed
	Expires string    `json:"expires"` // the new expiry
	Note    string    `json:"note,omitempty"`
	ActorID *int64    `json:"actor_id,omitempty"`
	At      time.Time `json:"at"`
}

// Validate checks a renewal against the agreement it extends: only a live
// agreement is renewed, and only to a later expiry.
func (r *Renewal) Validate(a *Agreement) error {
	if a.Status.Final() {
		return Errorf(ECONFLICT, "expires", "agreement is %s; a final agreement is not renewed", a.Status)
	}
	if _, err := parseDate("date", r.Date); err != nil {
		return err
	}
	if _, err := parseDate("expires", r.Expires); err != nil {
		return err
	}
	if r.Expires <= r.Date || (a.Expires != "" && r.Expires <= a.Expires) {
		return Errorf(EINVALID, "expires", "a renewal moves the expiry later than both the renewal date and the current expiry")
	}
	return checkText("note", r.Note)
}

// Recurrence is how often a recurring commitment falls due.
type Recurrence string

const (
	RecurNone      Recurrence = ""
	RecurDaily     Recurrence = "daily"
	RecurWeekly    Recurrence = "weekly"
	RecurMonthly   Recurrence = "monthly"
	RecurQuarterly Recurrence = "quarterly"
)

// Days is the length of one recurrence period, 0 for none.
func (r Recurrence) Days() int {
	switch r {
	case RecurDaily:
		return 1
	case RecurWeekly:
		return 7
	case RecurMonthly:
		return 30
	case RecurQuarterly:
		return 91
	}
	return 0
}

// Commitment is one obligation of an agreement: map data.
type Commitment struct {
	ID          int64      `json:"id"`
	AgreementID int64      `json:"agreement_id"`
	TrackID     int64      `json:"track_id"`
	Obligor     int64      `json:"obligor"` // the party bound
	Obligation  string     `json:"obligation"`
	Due         string     `json:"due,omitempty"` // YYYY-MM-DD, or "" with a recurrence
	Recurrence  Recurrence `json:"recurrence,omitempty"`
	Verifier    int64      `json:"verifier"`         // a party or a neutral body (a party too)
	Clause      int        `json:"clause,omitempty"` // 1-based clause of the adopted version; 0 for none
	CreatedAt   time.Time  `json:"created_at"`
}

// Validate checks the fields a caller sets; the store checks that the
// obligor and verifier exist, that the clause exists in the adopted
// version, and that the agreement is on the track.
func (c *Commitment) Validate() error {
	if c.AgreementID <= 0 {
		return Errorf(EINVALID, "agreement_id", "agreement_id must be a positive id")
	}
	if c.Obligor <= 0 {
		return Errorf(EINVALID, "obligor", "obligor must be a party id")
	}
	if c.Verifier <= 0 {
		return Errorf(EINVALID, "verifier", "verifier must be a party id")
	}
	if c.Verifier == c.Obligor {
		return Errorf(EINVALID, "verifier", "a party does not verify its own commitment")
	}
	if err := checkText("obligation", c.Obligation); err != nil {
		return err
	}
	if strings.TrimSpace(c.Obligation) == "" {
		return Errorf(EINVALID, "obligation", "obligation is required")
	}
	switch c.Recurrence {
	case RecurNone:
		if c.Due == "" {
			return Errorf(EINVALID, "due", "a commitment has a due date or a recurrence")
		}
	case RecurDaily, RecurWeekly, RecurMonthly, RecurQuarterly:
	default:
		return Errorf(EINVALID, "recurrence", "unknown recurrence %q (want daily, weekly, monthly or quarterly)", c.Recurrence)
	}
	if c.Due != "" {
		if _, err := parseDate("due", c.Due); err != nil {
			return err
		}
	}
	if c.Clause < 0 || c.Clause > MaxClauses {
		return Errorf(EINVALID, "clause", "clause must be between 1 and %d, or 0 for none", MaxClauses)
	}
	return nil
}

// Finding is what a monitoring report found of a commitment.
type Finding string

const (
	FindingComplied     Finding = "complied"
	FindingPartly       Finding = "partly"
	FindingViolated     Finding = "violated"
	FindingUnverifiable Finding = "unverifiable"
)

// Findings lists every finding.
var Findings = []Finding{FindingComplied, FindingPartly, FindingViolated, FindingUnverifiable}

// Reliability is how far the source of a report is trusted.
type Reliability string

const (
	ReliabilityConfirmed Reliability = "confirmed" // by the verifier on the spot
	ReliabilityProbable  Reliability = "probable"
	ReliabilityDoubtful  Reliability = "doubtful"
)

// Reliabilities lists every reliability.
var Reliabilities = []Reliability{ReliabilityConfirmed, ReliabilityProbable, ReliabilityDoubtful}

// Report is a monitoring report on a commitment. Date, reliability and
// finding are map data (the plenary sees that a violation was found); the
// source and the evidence notes are sealed to the report's Audience and
// read per CanRead — Source and Evidence are empty and EvidenceSealed true
// for a caller outside it.
type Report struct {
	ID             int64       `json:"id"`
	CommitmentID   int64       `json:"commitment_id"`
	AgreementID    int64       `json:"agreement_id"`
	TrackID        int64       `json:"track_id"`
	Date           string      `json:"date"`
	Source         string      `json:"source"`
	Reliability    Reliability `json:"reliability"`
	Finding        Finding     `json:"finding"`
	Audience       Audience    `json:"audience"` // of the source and the evidence
	Evidence       string      `json:"evidence,omitempty"`
	EvidenceSealed bool        `json:"evidence_sealed,omitempty"`
	CreatedBy      *int64      `json:"created_by,omitempty"`
	CreatedAt      time.Time   `json:"created_at"`
}

// Validate checks the fields a caller sets as of today; the store checks
// that the commitment belongs to the agreement (a report on a commitment of
// another agreement is EINVALID naming commitment_id).
func (r *Report) Validate(today time.Time) error {
	if r.AgreementID <= 0 {
		return Errorf(EINVALID, "agreement_id", "agreement_id must be a positive id")
	}
	if r.CommitmentID <= 0 {
		return Errorf(EINVALID, "commitment_id", "commitment_id must be a positive id")
	}
	d, err := parseDate("date", r.Date)
	if err != nil {
		return err
	}
	if d.After(dayOf(today)) {
		return Errorf(EINVALID, "date", "date is in the future")
	}
	if err := checkName("source", r.Source); err != nil {
		return err
	}
	if !slices.Contains(Reliabilities, r.Reliability) {
		return Errorf(EINVALID, "reliability", "unknown reliability %q (want confirmed, probable or doubtful)", r.Reliability)
	}
	if !slices.Contains(Findings, r.Finding) {
		return Errorf(EINVALID, "finding", "unknown finding %q (want complied, partly, violated or unverifiable)", r.Finding)
	}
	if err := r.Audience.Validate("audience"); err != nil {
		return err
	}
	return checkText("evidence", r.Evidence)
}

// Score is a commitment's implementation score for a period, on the Peace
// Accords Matrix scale. Scores are append-only: a later score for the same
// period supersedes an earlier one, which stays in the history.
type Score struct {
	ID           int64     `json:"id"`
	CommitmentID int64     `json:"commitment_id"`
	AgreementID  int64     `json:"agreement_id"`
	Period       string    `json:"period"` // "2023", "2023-Q2" or "2023-05"
	Value        int       `json:"value"`  // 0 not initiated, 1 minimal, 2 intermediate, 3 full
	Note         string    `json:"note,omitempty"`
	CreatedBy    *int64    `json:"created_by,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

// ScoreNames are the words for the values 0–3.
var ScoreNames = [4]string{"not initiated", "minimal", "intermediate", "full"}

// Validate checks the fields a caller sets.
func (s *Score) Validate() error {
	if s.CommitmentID <= 0 {
		return Errorf(EINVALID, "commitment_id", "commitment_id must be a positive id")
	}
	if !ValidPeriod(s.Period) {
		return Errorf(EINVALID, "period", "period must be a year (2023), a quarter (2023-Q2) or a month (2023-05)")
	}
	if s.Value < 0 || s.Value > 3 {
		return Errorf(EINVALID, "value", "value must be 0 (not initiated), 1 (minimal), 2 (intermediate) or 3 (full)")
	}
	return checkText("note", s.Note)
}

// PeriodsOverlap reports whether two valid periods are different periods
// that share a month: a year and a quarter or month in it, a quarter and
// a month in it. One commitment is scored for periods that do not
// overlap, so that no month is counted twice.
func PeriodsOverlap(a, b string) bool {
	if a == b || a[:4] != b[:4] {
		return false
	}
	months := func(p string) (first, last int) {
		switch {
		case len(p) == 4:
			return 1, 12
		case p[5] == 'Q':
			q := int(p[6] - '0')
			return 3*q - 2, 3 * q
		}
		m := int(p[5]-'0')*10 + int(p[6]-'0')
		return m, m
	}
	af, al := months(a)
	bf, bl := months(b)
	return af <= bl && bf <= al
}

// ValidPeriod reports whether p is a year, a quarter or a month.
func ValidPeriod(p string) bool {
	if len(p) < 4 || len(p) > MaxPeriodLen {
		return false
	}
	if _, err := time.Parse("2006", p[:4]); err != nil {
		return false
	}
	switch rest := p[4:]; {
	case rest == "":
		return true
	case len(rest) == 3 && rest[:2] == "-Q":
		return rest[2] >= '1' && rest[2] <= '4'
	default:
		_, err := time.Parse("2006-01", p)
		return err == nil
	}
}

// AgreementService keeps agreements, their commitments, monitoring reports
// and implementation scores. Everything but a report's evidence is map
// data: read per CanSeeTrack, written by the track's mediators (reports
// also by its verifiers). Missing or invisible records are ENOTFOUND.
type AgreementService interface {
	// CreateAgreement enters an agreement, in force. With a TextVersionID
	// it is adopted from that version: EINVALID unless the version is of
	// a text on the same track that the caller reads, frozen, and agreed
	// under "nothing is agreed until everything is agreed"
	// (TextCounts.AllAgree). Signatories are parties of the track. The
	// first entry of its history ("" → in force) is dated at Effective
	// when that lies in the past, so that a past agreement's history can
	// be entered after it.
	CreateAgreement(ctx context.Context, a *Agreement) error
	FindAgreementByID(ctx context.Context, id int64) (*Agreement, error)
	// FindAgreements returns the agreements of the tracks the caller sees
	// (trackID 0: all of them), oldest first.
	FindAgreements(ctx context.Context, trackID int64) ([]*Agreement, error)
	TransitionAgreement(ctx context.Context, id int64, req AgreementTransitionRequest) (*Agreement, error)
	RenewAgreement(ctx context.Context, id int64, r *Renewal) (*Agreement, error)
	SetWarningThresholds(ctx context.Context, id int64, w WarningThresholds) (*Agreement, error)

	CreateCommitment(ctx context.Context, c *Commitment) error
	// FindCommitments returns an agreement's commitments, oldest first.
	FindCommitments(ctx context.Context, agreementID int64) ([]*Commitment, error)

	// CreateReport records a report; EINVALID naming commitment_id when
	// the commitment is not one of the report's agreement.
	CreateReport(ctx context.Context, r *Report) error
	// FindReports returns an agreement's reports, oldest first by date,
	// each with its evidence only if the caller may read it.
	FindReports(ctx context.Context, agreementID int64) ([]*Report, error)

	// CreateScore records a commitment's score for a period.
	CreateScore(ctx context.Context, s *Score) error
	// FindScores returns an agreement's scores, every one, oldest first.
	FindScores(ctx context.Context, agreementID int64) ([]*Score, error)

	// AgreementWarning returns the agreement's early warning as of today
	// (EarlyWarning), or nil when its thresholds were never met. It reads
	// no evidence.
	AgreementWarning(ctx context.Context, agreementID int64, today time.Time) (*Warning, error)

	// TrustRecord returns a party's record (BuildTrustRecord) over the
	// commitments it owes in every agreement of the tracks the caller
	// sees; ENOTFOUND for an unknown party.
	TrustRecord(ctx context.Context, partyID int64) (*TrustRecord, error)
}
