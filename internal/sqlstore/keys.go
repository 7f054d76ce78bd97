package sqlstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/ledger"
	"github.com/parley-talks/parley/seal"
	"golang.org/x/mod/sumdb/note"
)

// Names of the store_meta rows.
const (
	metaMasterKeyID    = "master_key_id"
	metaLedgerKey      = "ledger_key"
	metaLedgerSigner   = "ledger_signer"
	metaLedgerVerifier = "ledger_verifier"

	// ledgerKeyID is the "track id" the ledger's own data key is wrapped
	// under; no track has it, since track ids are decimal.
	ledgerKeyID = "ledger"
	// ledgerOrigin names the log in its checkpoints.
	ledgerOrigin = "parley-audit"
)

// ErrNoMasterKey is returned for sealed reads and writes of a store opened
// without a master key.
var ErrNoMasterKey = &parley.Error{Code: parley.EUNAVAILABLE,
	Message: "the store was opened without a master key, so sealed content can be neither read nor written; give the key file (--key-file) or set " + seal.EnvMasterKey}

// keyring holds the store's keys in memory.
//
// Unwrapped track keys are cached with the wrapped bytes they came from:
// every use reads the wrapped key row in its own transaction and reuses the
// cached key only if the bytes are the same. So a key created in a group
// commit that was rolled back, a shredded key or a key re-wrapped by a
// rotation is never used from the cache.
type keyring struct {
	mu       sync.Mutex
	master   *seal.MasterKey
	tracks   map[int64]cachedKey
	signer   note.Signer
	verifier note.Verifier
}

type cachedKey struct {
	wrapped []byte
	key     *seal.TrackKey
}

// OpenKeys gives the store its master key (nil for none) and checks it
// against the KeyID the database recorded: a different key is refused with
// an error naming both ids, before anything is written. A database that
// recorded no key yet records this one's KeyID and gets a checkpoint signer
// key (Ed25519), sealed under a data key wrapped by the master key, with its
// verifier key in the clear. Without a master key, unsealed writes still
// append audit entries; checkpoints are signed at the next open with the
// key.
func (s *Store) OpenKeys(ctx context.Context, master *seal.MasterKey) (err error) {
	defer s.mapErr(&err, "open keys")
	ctx = parley.NewContextWithCaller(ctx, parley.System) // the store's own bookkeeping
	recorded, err := s.MasterKeyID(ctx)
	if err != nil {
		return err
	}
	if master == nil {
		return nil
	}
	if recorded != "" {
		if err := master.CheckID(recorded); err != nil {
			return fmt.Errorf("refusing to open the store with this master key: %w", err)
		}
	}
	s.keys.mu.Lock()
	s.keys.master = master
	s.keys.tracks = map[int64]cachedKey{}
	s.keys.mu.Unlock()
	if recorded == "" {
		err = s.write(ctx, func(ctx context.Context, tx *Tx) error { return initKeys(ctx, tx, master) })
		if s.unavailable(err) {
			return nil // a read-only database: it holds nothing sealed, and nothing can be recorded
		}
		if err != nil {
			return err
		}
	}
	if err := s.loadSigner(ctx); err != nil {
		return err
	}
	// Sign the tail left by writes made without the key (or by a crash);
	// a read-only database keeps it unsigned.
	if err := s.writeCheckpoint(ctx); err != nil && !s.unavailable(err) {
		return err
	}
	return nil
}

// unavailable reports whether err means the database cannot be written now
// (read-only, locked).
func (s *Store) unavailable(err error) bool {
	return err != nil && s.d.Unavailable != nil && s.d.Unavailable(err) != ""
}

// MasterKeyID returns the KeyID of the master key the database recorded, or
// "" if it recorded none (no sealed data can exist then).
func (s *Store) MasterKeyID(ctx context.Context) (_ seal.KeyID, err error) {
	defer s.mapErr(&err, "master key id")
	tx, err := s.beginRead(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	v, err := readMeta(ctx, tx, metaMasterKeyID)
	if err != nil {
		return "", err
	}
	return seal.KeyID(v), commit(tx)
}

func readMeta(ctx context.Context, tx *Tx, name string) ([]byte, error) {
	var v []byte
	err := tx.QueryRowContext(ctx, `SELECT value FROM store_meta WHERE name = $1`, name).Scan(&v)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return v, nil
}

func writeMeta(ctx context.Context, tx *Tx, name string, v []byte) error {
	res, err := tx.ExecContext(ctx, `UPDATE store_meta SET value = $1 WHERE name = $2`, v, name)
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO store_meta (name, value) VALUES ($1, $2)`, name, v); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

// initKeys records the master key's id and makes the ledger's signer key.
func initKeys(ctx context.Context, tx *Tx, master *seal.MasterKey) error {
	if v, err := readMeta(ctx, tx, metaMasterKeyID); err != nil || v != nil {
		return err // a concurrent open recorded it first: checked at the next open
	}
	signerKey, verifierKey, err := ledger.GenerateKey(ledgerOrigin)
	if err != nil {
		return err
	}
	k, wrapped := master.NewTrackKey(ledgerKeyID)
	sealed := k.SealField("store_meta", metaLedgerSigner, "value", []byte(signerKey))
	for _, kv := range []struct {
		name string
		v    []byte
	}{
		{metaMasterKeyID, []byte(master.ID())},
		{metaLedgerKey, wrapped},
		{metaLedgerSigner, sealed},
		{metaLedgerVerifier, []byte(verifierKey)},
	} {
		if err := writeMeta(ctx, tx, kv.name, kv.v); err != nil {
			return err
		}
	}
	return appendAudit(ctx, tx, auditRecord{action: "keys.init", object: "store", stored: []any{[]byte(master.ID()), wrapped, sealed, verifierKey}})
}

// loadSigner unwraps the checkpoint signer key.
func (s *Store) loadSigner(ctx context.Context) error {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	wrapped, err := readMeta(ctx, tx, metaLedgerKey)
	if err != nil {
		return err
	}
	sealed, err := readMeta(ctx, tx, metaLedgerSigner)
	if err != nil {
		return err
	}
	verifierKey, err := readMeta(ctx, tx, metaLedgerVerifier)
	if err != nil {
		return err
	}
	if wrapped == nil || sealed == nil || verifierKey == nil {
		return errors.New("the database records a master key but not the ledger's keys")
	}
	k, err := s.keys.master.Unwrap(ledgerKeyID, wrapped)
	if err != nil {
		return fmt.Errorf("unwrap the ledger key (store_meta %s): %w", metaLedgerKey, err)
	}
	signerKey, err := k.OpenField("store_meta", metaLedgerSigner, "value", sealed)
	if err != nil {
		return fmt.Errorf("open the checkpoint signer key (store_meta %s): %w", metaLedgerSigner, err)
	}
	signer, err := ledger.NewSigner(string(signerKey))
	if err != nil {
		return err
	}
	verifier, err := ledger.NewVerifier(string(verifierKey))
	if err != nil {
		return err
	}
	s.keys.mu.Lock()
	s.keys.signer, s.keys.verifier = signer, verifier
	s.keys.mu.Unlock()
	return commit(tx)
}

// master returns the master key or ErrNoMasterKey.
func (s *Store) master() (*seal.MasterKey, error) {
	s.keys.mu.Lock()
	defer s.keys.mu.Unlock()
	if s.keys.master == nil {
		return nil, ErrNoMasterKey
	}
	return s.keys.master, nil
}

// ErrNoTrackKey is what sealed reads of a track that never had a key
// return: a track key row deleted behind the application's back.
func ErrNoTrackKey(trackID int64) error {
	return fmt.Errorf("track %d has no data key (table track_keys, record %d): %w", trackID, trackID, ledger.ErrVerify)
}

// shreddedError is what reads of a track's sealed records return once its
// key is gone.
func shreddedError(trackID int64) error {
	return parley.Errorf(parley.ENOTFOUND, "", "the sealed content of track %d was shredded (its data key was deleted)", trackID)
}

// trackKey returns the track's data key, read in tx. With create, a track
// without a key gets one (tracks created without a master key get theirs at
// their first sealed write); without, a missing key means the track was
// shredded.
func (s *Store) trackKey(ctx context.Context, tx *Tx, trackID int64, create bool) (*seal.TrackKey, error) {
	master, err := s.master()
	if err != nil {
		return nil, err
	}
	var wrapped []byte
	err = tx.QueryRowContext(ctx, `SELECT wrapped FROM track_keys WHERE track_id = $1`, trackID).Scan(&wrapped)
	switch {
	case isNoRows(err) && create:
		return s.newTrackKey(ctx, tx, trackID)
	case isNoRows(err):
		return nil, ErrNoTrackKey(trackID)
	case err != nil:
		return nil, fmt.Errorf("read the key of track %d: %w", trackID, err)
	case len(wrapped) == 0:
		return nil, shreddedError(trackID)
	}
	s.keys.mu.Lock()
	c, ok := s.keys.tracks[trackID]
	s.keys.mu.Unlock()
	if ok && bytes.Equal(c.wrapped, wrapped) {
		return c.key, nil
	}
	k, err := master.Unwrap(strconv.FormatInt(trackID, 10), wrapped)
	if err != nil {
		return nil, fmt.Errorf("unwrap the key of track %d (table track_keys, record %d, field wrapped): %w", trackID, trackID, err)
	}
	s.keys.mu.Lock()
	s.keys.tracks[trackID] = cachedKey{wrapped: wrapped, key: k}
	s.keys.mu.Unlock()
	return k, nil
}

// newTrackKey makes and stores the key of a track that has no key row. (A
// shredded track keeps a row with an empty key, so it never gets a new
// one: shredding is for good.)
func (s *Store) newTrackKey(ctx context.Context, tx *Tx, trackID int64) (*seal.TrackKey, error) {
	master, err := s.master()
	if err != nil {
		return nil, err
	}
	k, wrapped := master.NewTrackKey(strconv.FormatInt(trackID, 10))
	if _, err := tx.ExecContext(ctx, `INSERT INTO track_keys (track_id, wrapped, created_at) VALUES ($1, $2, $3)`, trackID, wrapped, micro(tx.now)); err != nil {
		return nil, fmt.Errorf("store the key of track %d: %w", trackID, err)
	}
	return k, nil
}

// ShredTrack deletes the track's data key (see parley.TrackService).
func (s *Store) ShredTrack(ctx context.Context, id int64) (err error) {
	defer s.mapErr(&err, "shred track")
	if err := requireSeeTrack(ctx, id); err != nil {
		return err
	}
	if err := requireAdmin(ctx); err != nil {
		return err
	}
	err = s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := findTrackByID(ctx, tx, id, true); err != nil {
			return err
		}
		// The row stays, emptied: it says the track was shredded.
		if _, err := tx.ExecContext(ctx, `DELETE FROM track_keys WHERE track_id = $1`, id); err != nil {
			return fmt.Errorf("delete the key of track %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO track_keys (track_id, wrapped, created_at) VALUES ($1, $2, $3)`, id, []byte{}, micro(tx.now)); err != nil {
			return fmt.Errorf("mark track %d shredded: %w", id, err)
		}
		return appendAudit(ctx, tx, auditRecord{action: "track.shred", object: trackObject(id), trackID: id, audience: parley.AudiencePlenary, stored: []any{id}})
	})
	if err != nil {
		return err
	}
	s.keys.mu.Lock()
	delete(s.keys.tracks, id)
	s.keys.mu.Unlock()
	if s.d.AfterShred != "" {
		if _, err := s.writer.ExecContext(ctx, s.d.AfterShred); err != nil {
			return fmt.Errorf("the key of track %d is deleted, but clearing its earlier copies failed: %w", id, err)
		}
	}
	return nil
}

// RotateMasterKey re-wraps every data key (each track's and the ledger's)
// from old to new in one transaction and records new's KeyID. Sealed data
// is not re-encrypted: it is under the data keys, which do not change. old
// must be the recorded key. The store must have been opened with old; it
// goes on with new.
func (s *Store) RotateMasterKey(ctx context.Context, old, new *seal.MasterKey) (err error) {
	defer s.mapErr(&err, "rotate master key")
	if err := requireSystem(ctx); err != nil {
		return err
	}
	if old == nil || new == nil {
		return errors.New("both the old and the new master key are required")
	}
	err = s.write(ctx, func(ctx context.Context, tx *Tx) error {
		recorded, err := readMeta(ctx, tx, metaMasterKeyID)
		if err != nil {
			return err
		}
		if err := old.CheckID(seal.KeyID(recorded)); err != nil {
			return err
		}
		type row struct {
			id      int64
			wrapped []byte
		}
		var keys []row
		rows, err := tx.QueryContext(ctx, `SELECT track_id, wrapped FROM track_keys ORDER BY track_id`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.wrapped); err != nil {
				rows.Close()
				return err
			}
			keys = append(keys, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		digests := []any{[]byte(new.ID())}
		for _, r := range keys {
			if len(r.wrapped) == 0 {
				continue // shredded
			}
			w, err := seal.Rewrap(old, new, strconv.FormatInt(r.id, 10), r.wrapped)
			if err != nil {
				return fmt.Errorf("rewrap the key of track %d: %w", r.id, err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE track_keys SET wrapped = $1 WHERE track_id = $2`, w, r.id); err != nil {
				return err
			}
			digests = append(digests, w)
		}
		lk, err := readMeta(ctx, tx, metaLedgerKey)
		if err != nil {
			return err
		}
		w, err := seal.Rewrap(old, new, ledgerKeyID, lk)
		if err != nil {
			return fmt.Errorf("rewrap the ledger key: %w", err)
		}
		if err := writeMeta(ctx, tx, metaLedgerKey, w); err != nil {
			return err
		}
		if err := writeMeta(ctx, tx, metaMasterKeyID, []byte(new.ID())); err != nil {
			return err
		}
		return appendAudit(ctx, tx, auditRecord{action: "keys.rotate", object: "store", stored: append(digests, w)})
	})
	if err != nil {
		return err
	}
	s.keys.mu.Lock()
	s.keys.master = new
	s.keys.tracks = map[int64]cachedKey{}
	s.keys.mu.Unlock()
	return nil
}
