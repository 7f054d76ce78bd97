package action

import (
	"context"
	"strings"

	"github.com/parley-talks/parley"
)

// Agreements and their implementation: a track's agreements, their status
// history and renewals, commitments, monitoring reports (the evidence
// sealed to the report's audience), implementation scores. The store
// applies the rules; nothing here logs or echoes a report's evidence.

// AgreementInput enters an agreement; with text_version_id it
// is adopted from that frozen, agreed version.
type AgreementInput struct {
	Title         string                    `json:"title"`
	TextVersionID *int64                    `json:"text_version_id,omitempty"`
	Signatories   []int64                   `json:"signatories"`
	Effective     string                    `json:"effective"`
	DurationDays  int                       `json:"duration_days,omitempty"`
	RenewalTerms  string                    `json:"renewal_terms,omitempty"`
	NoticeDays    int                       `json:"notice_days,omitempty"`
	Warning       *parley.WarningThresholds `json:"warning,omitempty"`
}

// RenewalInput renews an agreement to a later expiry.
type RenewalInput struct {
	Date    string `json:"date"`
	Expires string `json:"expires"`
	Note    string `json:"note,omitempty"`
}

// CommitmentInput adds a commitment to an agreement.
type CommitmentInput struct {
	Obligor    int64             `json:"obligor"`
	Obligation string            `json:"obligation"`
	Due        string            `json:"due,omitempty"`
	Recurrence parley.Recurrence `json:"recurrence,omitempty"`
	Verifier   int64             `json:"verifier"`
	Clause     int               `json:"clause,omitempty"`
}

// ReportInput records a monitoring report on one of an agreement's
// commitments.
type ReportInput struct {
	CommitmentID int64              `json:"commitment_id"`
	Date         string             `json:"date"`
	Source       string             `json:"source"`
	Reliability  parley.Reliability `json:"reliability"`
	Finding      parley.Finding     `json:"finding"`
	Audience     parley.Audience    `json:"audience"`
	Evidence     string             `json:"evidence,omitempty"`
}

// ScoreInput scores a commitment's implementation for a period.
type ScoreInput struct {
	CommitmentID int64  `json:"commitment_id"`
	Period       string `json:"period"`
	Value        int    `json:"value"`
	Note         string `json:"note,omitempty"`
}

// EnterAgreement enters an agreement on a track, in force (mediators).
func (a *Actions) EnterAgreement(ctx context.Context, trackID int64, in AgreementInput) (*parley.Agreement, error) {
	ag := &parley.Agreement{TrackID: trackID, Title: strings.TrimSpace(in.Title), TextVersionID: in.TextVersionID, Signatories: in.Signatories,
		Effective: in.Effective, DurationDays: in.DurationDays, RenewalTerms: in.RenewalTerms, NoticeDays: in.NoticeDays}
	if ag.Signatories == nil {
		ag.Signatories = []int64{}
	}
	if in.Warning != nil {
		ag.Warning = *in.Warning
		if err := ag.Warning.Validate(); err != nil {
			return nil, err
		}
	}
	return ag, a.Store.CreateAgreement(ctx, ag)
}

// TransitionAgreement moves an agreement to a new status with a reason
// (mediators).
func (a *Actions) TransitionAgreement(ctx context.Context, id int64, in parley.AgreementTransitionRequest) (*parley.Agreement, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return a.Store.TransitionAgreement(ctx, id, in)
}

// RenewAgreement renews a live agreement to a later expiry (mediators).
func (a *Actions) RenewAgreement(ctx context.Context, id int64, in RenewalInput) (*parley.Agreement, error) {
	return a.Store.RenewAgreement(ctx, id, &parley.Renewal{Date: in.Date, Expires: in.Expires, Note: in.Note})
}

// SetWarningThresholds sets the thresholds of an agreement's early
// warning (mediators).
func (a *Actions) SetWarningThresholds(ctx context.Context, id int64, in parley.WarningThresholds) (*parley.Agreement, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return a.Store.SetWarningThresholds(ctx, id, in)
}

// AddCommitment adds a commitment to an agreement (mediators).
func (a *Actions) AddCommitment(ctx context.Context, agreementID int64, in CommitmentInput) (*parley.Commitment, error) {
	c := &parley.Commitment{AgreementID: agreementID, Obligor: in.Obligor, Obligation: in.Obligation, Due: in.Due,
		Recurrence: in.Recurrence, Verifier: in.Verifier, Clause: in.Clause}
	return c, a.Store.CreateCommitment(ctx, c)
}

// AddReport records a monitoring report on one of an agreement's
// commitments, its evidence sealed to its audience (mediators, verifiers).
func (a *Actions) AddReport(ctx context.Context, agreementID int64, in ReportInput) (*parley.Report, error) {
	rep := &parley.Report{AgreementID: agreementID, CommitmentID: in.CommitmentID, Date: in.Date, Source: strings.TrimSpace(in.Source),
		Reliability: in.Reliability, Finding: in.Finding, Audience: in.Audience, Evidence: in.Evidence}
	return rep, a.Store.CreateReport(ctx, rep)
}

// AddScore scores a commitment's implementation for a period (mediators).
func (a *Actions) AddScore(ctx context.Context, agreementID int64, in ScoreInput) (*parley.Score, error) {
	sc := &parley.Score{AgreementID: agreementID, CommitmentID: in.CommitmentID, Period: strings.TrimSpace(in.Period), Value: in.Value, Note: in.Note}
	return sc, a.Store.CreateScore(ctx, sc)
}
