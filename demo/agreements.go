package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/parley-talks/parley"
)

// AgreementSpec is an agreement of a track with its history, named rather
// than numbered: signatories, obligors and verifiers are party names,
// reports and scores name their commitment by key.
type AgreementSpec struct {
	Title        string           `json:"title"`
	Signatories  []string         `json:"signatories"`
	Effective    string           `json:"effective"`
	DurationDays int              `json:"duration_days,omitempty"`
	RenewalTerms string           `json:"renewal_terms,omitempty"`
	Renewals     []parley.Renewal `json:"renewals,omitempty"`
	Commitments  []CommitmentSpec `json:"commitments"`
	Reports      []ReportSpec     `json:"reports,omitempty"`
	Scores       []ScoreSpec      `json:"scores,omitempty"`
	History      []AgreementStep  `json:"history,omitempty"` // after "in force" at Effective
}

// CommitmentSpec is one commitment; Key names it for reports and scores.
type CommitmentSpec struct {
	Key        string            `json:"key"`
	Obligor    string            `json:"obligor"`
	Verifier   string            `json:"verifier"`
	Obligation string            `json:"obligation"`
	Due        string            `json:"due,omitempty"`
	Recurrence parley.Recurrence `json:"recurrence,omitempty"`
}

// ReportSpec is a monitoring report; Evidence is sealed to Audience.
type ReportSpec struct {
	Commitment  string             `json:"commitment"`
	Date        string             `json:"date"`
	Source      string             `json:"source"`
	Reliability parley.Reliability `json:"reliability"`
	Finding     parley.Finding     `json:"finding"`
	Audience    parley.Audience    `json:"audience"`
	Evidence    string             `json:"evidence,omitempty"`
}

// ScoreSpec is a commitment's implementation score for a period.
type ScoreSpec struct {
	Commitment string `json:"commitment"`
	Period     string `json:"period"`
	Value      int    `json:"value"`
	Note       string `json:"note,omitempty"`
}

// AgreementStep is one step of an agreement's status history.
type AgreementStep struct {
	To     parley.AgreementStatus `json:"to"`
	At     time.Time              `json:"at"`
	Reason string                 `json:"reason"`
	Event  string                 `json:"event,omitempty"`
}

// loadAgreements stores every track's agreements with their renewals,
// commitments, reports, scores and history, in that order.
func (l *loader) loadAgreements(ctx context.Context) error {
	for _, ts := range l.sc.Tracks {
		for _, as := range ts.Agreements {
			if err := l.loadAgreement(ctx, l.tracks[ts.Key].ID, as); err != nil {
				return fmt.Errorf("track %q: agreement %q: %w", ts.Title, as.Title, err)
			}
			l.sum.Agreements++
		}
	}
	return nil
}

func (l *loader) loadAgreement(ctx context.Context, trackID int64, as AgreementSpec) error {
	a := &parley.Agreement{TrackID: trackID, Title: as.Title, Effective: as.Effective, DurationDays: as.DurationDays, RenewalTerms: as.RenewalTerms}
	for _, p := range as.Signatories {
		a.Signatories = append(a.Signatories, l.parties[p])
	}
	if err := l.store.CreateAgreement(ctx, a); err != nil {
		return err
	}
	for _, r := range as.Renewals {
		if _, err := l.store.RenewAgreement(ctx, a.ID, &r); err != nil {
			return fmt.Errorf("renewal of %s: %w", r.Date, err)
		}
	}
	commitments := map[string]int64{}
	for _, cs := range as.Commitments {
		c := &parley.Commitment{AgreementID: a.ID, Obligor: l.parties[cs.Obligor], Verifier: l.parties[cs.Verifier],
			Obligation: cs.Obligation, Due: cs.Due, Recurrence: cs.Recurrence}
		if err := l.store.CreateCommitment(ctx, c); err != nil {
			return fmt.Errorf("commitment %q: %w", cs.Key, err)
		}
		commitments[cs.Key] = c.ID
	}
	for _, rs := range as.Reports {
		r := &parley.Report{AgreementID: a.ID, CommitmentID: commitments[rs.Commitment], Date: rs.Date, Source: rs.Source,
			Reliability: rs.Reliability, Finding: rs.Finding, Audience: rs.Audience, Evidence: rs.Evidence}
		if err := l.store.CreateReport(ctx, r); err != nil {
			return fmt.Errorf("report on %q of %s: %w", rs.Commitment, rs.Date, err)
		}
	}
	for _, ss := range as.Scores {
		s := &parley.Score{AgreementID: a.ID, CommitmentID: commitments[ss.Commitment], Period: ss.Period, Value: ss.Value, Note: ss.Note}
		if err := l.store.CreateScore(ctx, s); err != nil {
			return fmt.Errorf("score of %q for %s: %w", ss.Commitment, ss.Period, err)
		}
	}
	for _, h := range as.History {
		at := h.At
		req := parley.AgreementTransitionRequest{To: h.To, Reason: h.Reason, At: &at}
		if h.Event != "" {
			id := l.events[h.Event]
			req.EventID = &id
		}
		if _, err := l.store.TransitionAgreement(ctx, a.ID, req); err != nil {
			return fmt.Errorf("transition to %s: %w", h.To, err)
		}
	}
	return nil
}
