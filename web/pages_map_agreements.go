package web

import (
	"context"
	"slices"
	"time"

	"github.com/parley-talks/parley"
)

// The map's block of implementation: every agreement the caller sees whose
// expiry falls within its notice days, and every agreement with an early
// warning — active ones first and prominently, and the history of a deal
// that collapsed ("warned from … before it collapsed"), each with links to
// the reports that triggered it. Nothing here opens sealed evidence: the
// warning needs only the reports' map fields (date and finding), which
// reportFindings reads.

// reportFindings reads an agreement's reports without their evidence: the
// map fields only, every report with EvidenceSealed. The SQL stores
// implement it (internal/sqlstore/report_findings.go).
type reportFindings interface {
	FindReportFindings(ctx context.Context, agreementID int64) ([]*parley.Report, error)
}

// mapAgreement is an agreement on the map's block.
type mapAgreement struct {
	A        *parley.Agreement
	Track    *parley.Track
	Deadline bool // the expiry is within the notice days
	Days     int  // days to the expiry; negative once it passed
	Warning  *parley.Warning
	Final    bool // the agreement ended: its warning is history
}

// Overdue is the number of days the expiry lies in the past.
func (m mapAgreement) Overdue() int { return -m.Days }

// implementationBlock is the map's block: deadlines and warnings.
type implementationBlock struct {
	Deadlines []mapAgreement // soonest first
	Warnings  []mapAgreement // active first, then history
}

// implementationOnMap computes the map's block over the given tracks.
func (s *Server) implementationOnMap(ctx context.Context, tracks []*parley.Track, now time.Time) (*implementationBlock, error) {
	byID := map[int64]*parley.Track{}
	for _, t := range tracks {
		byID[t.ID] = t
	}
	list, err := s.store.FindAgreements(ctx, 0)
	if err != nil {
		return nil, err
	}
	out := &implementationBlock{}
	for _, a := range list {
		t := byID[a.TrackID]
		if t == nil {
			continue
		}
		m := mapAgreement{A: a, Track: t, Final: a.Status.Final()}
		m.Days, m.Deadline = a.Deadline(now)
		if m.Warning, err = s.warningOfMap(ctx, a, now); err != nil {
			return nil, err
		}
		if m.Deadline {
			out.Deadlines = append(out.Deadlines, m)
		}
		if m.Warning != nil && (m.Warning.Active || m.Final) {
			out.Warnings = append(out.Warnings, m)
		}
	}
	slices.SortStableFunc(out.Deadlines, func(x, y mapAgreement) int { return x.Days - y.Days })
	slices.SortStableFunc(out.Warnings, func(x, y mapAgreement) int {
		switch {
		case x.Warning.Active == y.Warning.Active:
			return 0
		case x.Warning.Active:
			return -1
		}
		return 1
	})
	if len(out.Deadlines) == 0 && len(out.Warnings) == 0 {
		return nil, nil
	}
	return out, nil
}

// warningOfMap is an agreement's early warning from the map fields of its
// reports; nil when the store cannot read them without the evidence.
func (s *Server) warningOfMap(ctx context.Context, a *parley.Agreement, now time.Time) (*parley.Warning, error) {
	rf, ok := s.store.(reportFindings)
	if !ok {
		return nil, nil
	}
	cs, err := s.store.FindCommitments(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	rs, err := rf.FindReportFindings(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	return parley.EarlyWarning(a, cs, rs, now), nil
}
