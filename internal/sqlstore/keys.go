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
	metaMasterKeyID = "master_key_id"
	// metaRowKey and metaCheckpointKey hold the store's secrets, wrapped
	// by the master key for their purpose (seal.MasterKey.WrapSecret):
	// the key of the rows' MACs and the seed of the checkpoint signer.
	metaRowKey        = "secret:" + purposeRowKey
	metaCheckpointKey = "secret:" + purposeCheckpointKey

	purposeRowKey        = "row-mac"
	purposeCheckpointKey = "checkpoint-signer"

	// The checkpoint signer as stores before the rows were authenticated
	// kept it: a data key wrapped under the "track id" ledgerKeyID, the
	// signer key sealed under it, and the verifier key in the clear (never
	// trusted: it is computed from the signer). bind.go moves the signer's
	// seed to metaCheckpointKey and deletes them.
	metaLegacyLedgerKey      = "ledger_key"
	metaLegacyLedgerSigner   = "ledger_signer"
	metaLegacyLedgerVerifier = "ledger_verifier"
	ledgerKeyID              = "ledger"

	// ledgerOrigin names the log in its checkpoints.
	ledgerOrigin = "parley-audit"
)

// ErrNoMasterKey is returned for reads and writes of a store opened without
// a master key: every row is authenticated under a key the master key
// wraps.
var ErrNoMasterKey = &parley.Error{Code: parley.EUNAVAILABLE,
	Message: "the store was opened without a master key, so its records can be neither read nor written; give the key file (--key-file) or set " + seal.EnvMasterKey}

// keyring holds the store's keys in memory.
//
// Unwrapped track keys are cached with the wrapped bytes they came from:
// every use reads the wrapped key row in its own transaction and reuses the
// cached key only if the bytes are the same. So a key created in a group
// commit that was rolled back, a shredded key or a key re-wrapped by a
// rotation is never used from the cache.
type keyring struct {
	mu     sync.Mutex
	master *seal.MasterKey
	tracks map[int64]cachedKey
	// rows authenticates rows (rowauth.go); signer and verifier sign and
	// check checkpoints, verifierKey is the verifier in text form, to
	// publish. All four come from the secrets the master key unwraps: none
	// is ever read from the database in the clear.
	rows        *rowAuth
	signer      note.Signer
	verifier    note.Verifier
	verifierKey string
}

type cachedKey struct {
	wrapped []byte
	key     *seal.TrackKey
}

// OpenKeys gives the store its master key (nil for none) and checks it
// against the KeyID the database recorded: a different key is refused with
// an error naming both ids, before anything is written. It unwraps the
// store's secrets — the row key and the checkpoint signer's seed — or, for
// a database that recorded no key yet, records this one's KeyID and makes
// them. A database written before rows were authenticated is brought up to
// date once (bind.go). With readOnly nothing is written: a database that
// would need either is refused. Without a master key the store can report
// its KeyID (MasterKeyID) and nothing else.
func (s *Store) OpenKeys(ctx context.Context, master *seal.MasterKey, readOnly bool) (err error) {
	defer s.mapErr(&err, "open keys")
	ctx = parley.NewContextWithCaller(ctx, parley.System) // the store's own bookkeeping
	s.readOnly = readOnly
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
		if readOnly {
			return errors.New("the database records no master key: it was never opened with one, and a read-only open cannot record it")
		}
		if err := s.write(ctx, func(ctx context.Context, tx *Tx) error { return initKeys(ctx, tx, master) }); err != nil {
			return err
		}
	}
	if err := s.loadSecrets(ctx, master); err != nil {
		return err
	}
	return s.bindIfNeeded(ctx)
}

// MasterKeyID returns the KeyID of the master key the database recorded, or
// "" if it recorded none (no sealed data can exist then).
func (s *Store) MasterKeyID(ctx context.Context) (_ seal.KeyID, err error) {
	defer s.mapErr(&err, "master key id")
	tx, err := s.beginRawRead(ctx)
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

// VerifierKey returns the checkpoint verifier key in note's text form, to
// publish: it is computed from the signer the master key unwraps. "" for a
// store opened without a master key.
func (s *Store) VerifierKey() string {
	s.keys.mu.Lock()
	defer s.keys.mu.Unlock()
	return s.keys.verifierKey
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

// initKeys records the master key's id and makes the store's secrets.
func initKeys(ctx context.Context, tx *Tx, master *seal.MasterKey) error {
	if v, err := readMeta(ctx, tx, metaMasterKeyID); err != nil || v != nil {
		return err // a concurrent open recorded it first: checked at the next open
	}
	_, rowKey := master.NewSecret(purposeRowKey)
	_, seed := master.NewSecret(purposeCheckpointKey)
	for _, kv := range []struct {
		name string
		v    []byte
	}{
		{metaMasterKeyID, []byte(master.ID())},
		{metaRowKey, rowKey},
		{metaCheckpointKey, seed},
	} {
		if err := writeMeta(ctx, tx, kv.name, kv.v); err != nil {
			return err
		}
	}
	return nil
}

// loadSecrets unwraps the row key and the checkpoint signer's seed, and
// computes the verifier from the signer. A database from before the rows
// were authenticated has neither yet: bindIfNeeded makes them.
func (s *Store) loadSecrets(ctx context.Context, master *seal.MasterKey) error {
	tx, err := s.beginRawRead(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rowKey, err := readMeta(ctx, tx, metaRowKey)
	if err != nil {
		return err
	}
	seed, err := readMeta(ctx, tx, metaCheckpointKey)
	if err != nil {
		return err
	}
	if rowKey == nil && seed == nil {
		return commit(tx) // not bound yet
	}
	if rowKey == nil || seed == nil {
		return fmt.Errorf("the database holds one of its secrets but not the other (store_meta %s, %s): %w", metaRowKey, metaCheckpointKey, ledger.ErrVerify)
	}
	if err := s.useSecrets(master, rowKey, seed); err != nil {
		return err
	}
	return commit(tx)
}

// useSecrets unwraps the wrapped row key and checkpoint seed into the
// keyring.
func (s *Store) useSecrets(master *seal.MasterKey, wrappedRowKey, wrappedSeed []byte) error {
	rowKey, err := master.UnwrapSecret(purposeRowKey, wrappedRowKey)
	if err != nil {
		return fmt.Errorf("unwrap the row key (store_meta %s): %w", metaRowKey, err)
	}
	defer clear(rowKey)
	seed, err := master.UnwrapSecret(purposeCheckpointKey, wrappedSeed)
	if err != nil {
		return fmt.Errorf("unwrap the checkpoint signer (store_meta %s): %w", metaCheckpointKey, err)
	}
	defer clear(seed)
	signer, verifier, verifierKey, err := ledger.NewKeyFromSeed(ledgerOrigin, seed)
	if err != nil {
		return err
	}
	s.keys.mu.Lock()
	s.keys.rows = newRowAuth(rowKey)
	s.keys.signer, s.keys.verifier, s.keys.verifierKey = signer, verifier, verifierKey
	s.keys.mu.Unlock()
	return nil
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

// trackKey returns the track's data key, read in tx (its row verified).
// With create, a track without a key gets one; without, a missing key is
// ErrNoTrackKey and an emptied one means the track was shredded.
func (s *Store) trackKey(ctx context.Context, tx *Tx, trackID int64, create bool) (*seal.TrackKey, error) {
	master, err := s.master()
	if err != nil {
		return nil, err
	}
	var id, created int64
	var wrapped []byte
	err = tx.scanner(tTrackKeys, tx.QueryRowContext(ctx, `SELECT `+tTrackKeys.sel+` FROM track_keys WHERE track_id = $1`, trackID)).Scan(&id, &wrapped, &created)
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
	if _, err := tx.insert(ctx, tTrackKeys, `track_id, wrapped, created_at`, trackID, wrapped, micro(tx.now)); err != nil {
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
		// The row is deleted, so that no copy of the wrapped key stays in
		// its place, and written anew, emptied: it says the track was
		// shredded.
		if _, err := tx.delete(ctx, tTrackKeys, `track_id = $1`, id); err != nil {
			return fmt.Errorf("delete the key of track %d: %w", id, err)
		}
		if _, err := tx.insert(ctx, tTrackKeys, `track_id, wrapped, created_at`, id, []byte{}, micro(tx.now)); err != nil {
			return fmt.Errorf("mark track %d shredded: %w", id, err)
		}
		return appendAudit(ctx, tx, auditRecord{action: "track.shred", object: trackObject(id), trackID: id, audience: parley.AudiencePlenary})
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

// RotateMasterKey re-wraps every data key (each track's) and the store's
// secrets (the row key, the checkpoint signer) from old to new in one
// transaction and records new's KeyID. Nothing else changes: sealed data
// stays under the data keys, rows keep their MACs, and checkpoints signed
// before, exported ones included, stay verifiable with the same verifier
// key. old must be the recorded key and the one the store was opened
// with; the store goes on with new. Copies of the database made before
// (backups) stay readable with old only: destroy it to make them useless.
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
			id, created int64
			wrapped     []byte
		}
		var keys []row
		rows, err := tx.QueryContext(ctx, `SELECT `+tTrackKeys.sel+` FROM track_keys ORDER BY track_id`)
		if err != nil {
			return err
		}
		checked := tx.scanner(tTrackKeys, rows)
		for rows.Next() {
			var r row
			if err := checked.Scan(&r.id, &r.wrapped, &r.created); err != nil {
				rows.Close()
				return err
			}
			keys = append(keys, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range keys {
			if len(r.wrapped) == 0 {
				continue // shredded
			}
			w, err := seal.Rewrap(old, new, strconv.FormatInt(r.id, 10), r.wrapped)
			if err != nil {
				return fmt.Errorf("rewrap the key of track %d: %w", r.id, err)
			}
			if _, err := tx.update(ctx, tTrackKeys, []any{r.id}, `wrapped = $1`, w); err != nil {
				return err
			}
		}
		if err := rewrapTOTP(ctx, tx, old, new); err != nil {
			return err
		}
		for _, sec := range []struct{ name, purpose string }{{metaRowKey, purposeRowKey}, {metaCheckpointKey, purposeCheckpointKey}} {
			wrapped, err := readMeta(ctx, tx, sec.name)
			if err != nil {
				return err
			}
			w, err := seal.RewrapSecret(old, new, sec.purpose, wrapped)
			if err != nil {
				return fmt.Errorf("rewrap the %s secret: %w", sec.purpose, err)
			}
			if err := writeMeta(ctx, tx, sec.name, w); err != nil {
				return err
			}
		}
		if err := writeMeta(ctx, tx, metaMasterKeyID, []byte(new.ID())); err != nil {
			return err
		}
		return appendAudit(ctx, tx, auditRecord{action: "keys.rotate", object: "store"})
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
