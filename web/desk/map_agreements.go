package desk

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
// AgreementWarning reads.

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
func (d *Desk) implementationOnMap(ctx context.Context, tracks []*parley.Track, now time.Time) (*implementationBlock, error) {
	byID := map[int64]*parley.Track{}
	for _, t := range tracks {
		byID[t.ID] = t
	}
	list, err := d.store.FindAgreements(ctx, 0)
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
		if m.Warning, err = d.store.AgreementWarning(ctx, a.ID, now); err != nil {
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
