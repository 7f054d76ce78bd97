package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/ledger"
	"github.com/parley-talks/parley/seal"
	"golang.org/x/mod/sumdb/note"
)

// # Binding a database written before rows were authenticated
//
// A database from before authenticated rows (migration 0008) holds rows
// without MACs, a ledger whose entries record no rows, texts' titles and
// reports' sources in the clear, and its checkpoint signer in the legacy
// form. The first open with the master key brings it up to date, once, in
// one write:
//
//  1. it verifies the database as it stands, with what the old verify
//     checked: the ledger (its tree, and every checkpoint against the
//     verifier computed from the signer the master key unwraps, not the
//     one kept in the clear) and every sealed field. A database that does
//     not verify is refused, untouched: an edit the old checks could see
//     cannot be made to pass by binding the rows over it;
//  2. it keeps the checkpoint signer's seed as a secret wrapped for its
//     purpose (so checkpoints signed and exported before stay verifiable),
//     makes the row key, and deletes the legacy key rows;
//  3. it authenticates the track keys' rows, then seals texts' titles and
//     reports' sources under their tracks' keys (a shredded track's are
//     emptied: they can no longer be sealed);
//  4. it authenticates every other row of every table of the registry;
//     every row is recorded, in entries "store.bind" of at most bindBatch
//     rows, so that VerifyAudit finds every row in the ledger.
//
// What binding trusts: the rows as they are. A column the old checks did
// not cover — a member's role, a record's audience, a password hash — that
// was edited before the upgrade is bound as if the application had written
// it; from then on any edit is caught. Verify a backup taken before the
// upgrade with the old binary if in doubt.

// Names of the store_meta row that records the binding, and its value.
const (
	metaBound    = "rows_bound"
	boundVersion = "1"
)

// bindBatch bounds the rows one "store.bind" entry records.
const bindBatch = 1000

// errNeedsUpgrade refuses a read-only open of a database not bound yet.
var errNeedsUpgrade = errors.New("the database was written by an earlier Parley and must be upgraded once by opening it with its master key for writing (parley serve, or any command that writes); a read-only open cannot")

// bindIfNeeded binds the database's rows unless it has been done.
func (s *Store) bindIfNeeded(ctx context.Context) error {
	tx, err := s.beginRawRead(ctx)
	if err != nil {
		return err
	}
	bound, err := readMeta(ctx, tx, metaBound)
	tx.Rollback()
	if err != nil {
		return err
	}
	switch {
	case string(bound) == boundVersion:
		if tx.rowAuth() == nil {
			return fmt.Errorf("the database says its rows are bound but holds no row key (store_meta %s): %w", metaRowKey, ledger.ErrVerify)
		}
		return nil
	case bound != nil:
		return fmt.Errorf("the database's rows were bound by a newer Parley (version %q); upgrade parley", bound)
	case s.readOnly:
		return errNeedsUpgrade
	}
	master, err := s.master()
	if err != nil {
		return err
	}
	seed, err := s.legacySeed(ctx, master)
	if err != nil {
		return err
	}
	if err := s.verifyBeforeBind(ctx, seed); err != nil {
		return fmt.Errorf("refusing to upgrade the database, which does not verify as it stands (edited behind Parley's back?): %w", err)
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := s.bindSecrets(ctx, tx, master, seed); err != nil {
			return err
		}
		// The track keys first: sealing the plain columns reads them, as
		// every read does, verified.
		if err := bindTable(ctx, tx, tTrackKeys); err != nil {
			return err
		}
		if err := s.sealPlainColumns(ctx, tx); err != nil {
			return err
		}
		for _, t := range tables {
			if t == tTrackKeys {
				continue
			}
			if err := bindTable(ctx, tx, t); err != nil {
				return err
			}
		}
		return writeMeta(ctx, tx, metaBound, []byte(boundVersion))
	})
}

// legacySeed returns the seed of the checkpoint signer a database from
// before kept in the legacy form, or nil if it has none.
func (s *Store) legacySeed(ctx context.Context, master *seal.MasterKey) ([]byte, error) {
	tx, err := s.beginRawRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	wrapped, err := readMeta(ctx, tx, metaLegacyLedgerKey)
	if err != nil {
		return nil, err
	}
	sealed, err := readMeta(ctx, tx, metaLegacyLedgerSigner)
	if err != nil {
		return nil, err
	}
	if wrapped == nil && sealed == nil {
		return nil, nil
	}
	k, err := master.Unwrap(ledgerKeyID, wrapped)
	if err != nil {
		return nil, fmt.Errorf("unwrap the ledger key (store_meta %s): %w", metaLegacyLedgerKey, err)
	}
	signerKey, err := k.OpenField("store_meta", metaLegacyLedgerSigner, "value", sealed)
	if err != nil {
		return nil, fmt.Errorf("open the checkpoint signer key (store_meta %s): %w", metaLegacyLedgerSigner, err)
	}
	defer clear(signerKey)
	return ledger.SeedOfSignerKey(string(signerKey))
}

// verifyBeforeBind checks the database as the verify of its version did:
// the ledger, whose tail may be unsigned, with the verifier of the legacy
// signer (or of the store's own, for a database that kept none), and
// every sealed field.
func (s *Store) verifyBeforeBind(ctx context.Context, seed []byte) error {
	var v note.Verifier
	if seed != nil {
		_, verifier, _, err := ledger.NewKeyFromSeed(ledgerOrigin, seed)
		if err != nil {
			return err
		}
		v = verifier
	} else {
		s.keys.mu.Lock()
		v = s.keys.verifier
		s.keys.mu.Unlock()
	}
	tx, err := s.beginRawRead(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var rep AuditReport
	if _, err := s.verifyLedger(ctx, tx, v, nil, true, &rep); err != nil {
		return err
	}
	return s.verifySealed(ctx, tx, false, &rep)
}

// bindSecrets makes the store's secrets unless it has them already (a
// database that recorded its master key only now): the checkpoint signer
// keeps its legacy seed if there is one, the row key is new. It deletes
// the legacy key rows.
func (s *Store) bindSecrets(ctx context.Context, tx *Tx, master *seal.MasterKey, seed []byte) error {
	if tx.rowAuth() != nil {
		return nil // initKeys made them
	}
	_, rowKey := master.NewSecret(purposeRowKey)
	var wrappedSeed []byte
	if seed != nil {
		wrappedSeed = master.WrapSecret(purposeCheckpointKey, seed)
	} else {
		_, wrappedSeed = master.NewSecret(purposeCheckpointKey)
	}
	if err := writeMeta(ctx, tx, metaRowKey, rowKey); err != nil {
		return err
	}
	if err := writeMeta(ctx, tx, metaCheckpointKey, wrappedSeed); err != nil {
		return err
	}
	for _, name := range []string{metaLegacyLedgerKey, metaLegacyLedgerSigner, metaLegacyLedgerVerifier} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM store_meta WHERE name = $1`, name); err != nil {
			return fmt.Errorf("delete %s: %w", name, err)
		}
	}
	return s.useSecrets(master, rowKey, wrappedSeed)
}

// sealPlainColumns seals the titles of texts and the sources of reports
// that are still plain, and empties the plain columns.
func (s *Store) sealPlainColumns(ctx context.Context, tx *Tx) error {
	for _, c := range []struct{ table, plain, sealed, field string }{
		{"texts", "title", "sealed_title", "title"},
		{"reports", "source", "sealed_source", "source"},
	} {
		type row struct {
			id, track int64
			plain     string
		}
		var todo []row
		rows, err := tx.QueryContext(ctx, `SELECT id, track_id, `+c.plain+` FROM `+c.table+` WHERE `+c.sealed+` IS NULL ORDER BY id`)
		if err != nil {
			return fmt.Errorf("seal the %s of %s: %w", c.plain, c.table, err)
		}
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.track, &r.plain); err != nil {
				rows.Close()
				return err
			}
			todo = append(todo, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range todo {
			sealed := []byte{}
			k, err := s.trackKey(ctx, tx, r.track, false)
			switch {
			case parley.ErrorCode(err) == parley.ENOTFOUND:
				// Shredded: its plain value goes with the rest.
			case err != nil:
				return err
			default:
				sealed = k.SealField(c.table, strconv.FormatInt(r.id, 10), c.field, []byte(r.plain))
			}
			if _, err := tx.ExecContext(ctx, `UPDATE `+c.table+` SET `+c.plain+` = '', `+c.sealed+` = $1 WHERE id = $2`, sealed, r.id); err != nil {
				return fmt.Errorf("seal the %s of %s %d: %w", c.plain, c.table, r.id, err)
			}
		}
	}
	return nil
}

// bindTable authenticates every row of t, in key order, bindBatch rows at
// a time, and records them in "store.bind" entries.
func bindTable(ctx context.Context, tx *Tx, t *table) error {
	order := t.keyCols
	var after []any
	for {
		q := `SELECT ` + t.returned + ` FROM ` + t.name
		if after != nil {
			q += ` WHERE (` + order + `) > (` + placeholders(1, len(after)) + `)`
		}
		q += ` ORDER BY ` + order + ` LIMIT ` + strconv.Itoa(bindBatch)
		rows, err := tx.QueryContext(ctx, q, after...)
		if err != nil {
			return fmt.Errorf("bind %s: %w", t.name, err)
		}
		var batch [][]any
		for rows.Next() {
			vals := t.newHolders()
			if err := rows.Scan(vals...); err != nil {
				rows.Close()
				return fmt.Errorf("bind %s: %w", t.name, err)
			}
			batch = append(batch, vals)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("bind %s: %w", t.name, err)
		}
		for _, vals := range batch {
			if err := tx.setMAC(ctx, t, vals, "", nil); err != nil {
				return fmt.Errorf("bind %s %s: %w", t.name, t.record(vals), err)
			}
		}
		if len(batch) > 0 {
			if err := appendAudit(ctx, tx, auditRecord{action: "store.bind", object: "table/" + t.name}); err != nil {
				return err
			}
		}
		if len(batch) < bindBatch {
			return nil
		}
		after = t.keyArgs(batch[len(batch)-1])
	}
}
