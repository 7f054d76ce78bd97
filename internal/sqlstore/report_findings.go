package sqlstore

import (
	"context"

	"github.com/parley-talks/parley"
)

// FindReportFindings returns an agreement's reports like FindReports, but
// never reads their evidence: every report comes with EvidenceSealed. It
// serves the pages that need only the map fields (date, finding) — the
// map's early warnings — so that computing them opens nothing sealed.
func (s *Store) FindReportFindings(ctx context.Context, agreementID int64) (_ []*parley.Report, err error) {
	defer s.mapErr(&err, "find report findings")
	return readAgreementRecords(ctx, s, agreementID, func(tx *Tx, a *parley.Agreement) ([]*parley.Report, error) {
		return s.readReports(ctx, tx, false, `agreement_id = $1`, a.ID)
	})
}
