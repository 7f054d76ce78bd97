package sqlstore

import (
	"context"
	"time"

	"github.com/parley-talks/parley"
)

// AgreementWarning computes an agreement's early warning in one read
// transaction from its commitments and the map fields of its reports; it
// never reads their evidence, so computing warnings (for the map, for
// every agreement) opens nothing sealed.
func (s *Store) AgreementWarning(ctx context.Context, agreementID int64, today time.Time) (_ *parley.Warning, err error) {
	defer s.mapErr(&err, "agreement warning")
	return readAgreementRecords(ctx, s, agreementID, func(tx *Tx, a *parley.Agreement) (*parley.Warning, error) {
		cs, err := queryCommitments(ctx, tx, `agreement_id = $1`, a.ID)
		if err != nil {
			return nil, err
		}
		rs, err := s.readReports(ctx, tx, false, `agreement_id = $1`, a.ID)
		if err != nil {
			return nil, err
		}
		return parley.EarlyWarning(a, cs, rs, today), nil
	})
}
