package sqlstore

import "context"

// CheckWritable proves that a write reaches the database now: it commits a
// write that changes no value (the audit ledger's bookkeeping row set to
// itself), through the same path and group commit as every write, so a
// read-only file, a lock held too long, a full disk or a lost connection
// fails it as it would fail a real write. Nothing is recorded in the
// ledger and no cache is invalidated.
func (s *Store) CheckWritable(ctx context.Context) (err error) {
	defer s.mapErr(&err, "check writable")
	return s.writeKeepsCaches(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE audit_log SET size = size WHERE id = 1`)
		return err
	})
}
