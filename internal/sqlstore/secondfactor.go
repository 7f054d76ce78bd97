package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/seal"
)

// Users' second factors (parley.SecondFactorService): the TOTP secret,
// wrapped by the master key for its user, and the SHA-256 of each
// recovery code.

// totpPurpose binds a wrapped TOTP secret to its user: a secret moved to
// another user's row does not unwrap.
func totpPurpose(userID int64) string { return "totp/" + strconv.FormatInt(userID, 10) }

// A TOTP secret (16 to seal.SecretSize−1 bytes; Parley makes 20) is
// wrapped as a store secret of seal.SecretSize bytes: its length in the
// first byte, the secret, then zeros.
const maxTOTPSecret = seal.SecretSize - 1

func wrapTOTP(master *seal.MasterKey, userID int64, secret []byte) []byte {
	block := make([]byte, seal.SecretSize)
	block[0] = byte(len(secret))
	copy(block[1:], secret)
	return master.WrapSecret(totpPurpose(userID), block)
}

func unwrapTOTP(master *seal.MasterKey, userID int64, wrapped []byte) ([]byte, error) {
	block, err := master.UnwrapSecret(totpPurpose(userID), wrapped)
	if err != nil {
		return nil, err
	}
	n := int(block[0])
	if n < 16 || n > maxTOTPSecret {
		return nil, fmt.Errorf("the TOTP secret's block gives a length of %d bytes", n)
	}
	return block[1 : 1+n], nil
}

func totpAudit(action string, userID int64) auditRecord {
	return auditRecord{action: action, object: "user/" + strconv.FormatInt(userID, 10)}
}

// requireSelfOrSystem refuses anyone but the user and System, as not found.
func requireSelfOrSystem(ctx context.Context, noun string, userID int64) error {
	if parley.CallerFromContext(ctx).IsSystem() || isSelf(ctx, userID) {
		return nil
	}
	return parley.Errorf(parley.ENOTFOUND, "", "%s of user %d not found", noun, userID)
}

// readTOTP reads the user's factor in tx, its secret unwrapped; sql.ErrNoRows
// if there is none.
func (s *Store) readTOTP(ctx context.Context, tx *Tx, userID int64, forUpdate bool) (*parley.TOTPFactor, error) {
	q := `SELECT ` + tTOTP.sel + ` FROM totp_factors WHERE user_id = $1`
	if forUpdate {
		q += tx.d.ForUpdate
	}
	var f parley.TOTPFactor
	var wrapped []byte
	var created int64
	var confirmed sql.NullInt64
	if err := tx.scanner(tTOTP, tx.QueryRowContext(ctx, q, userID)).Scan(&f.UserID, &wrapped, &f.LastStep, &created, &confirmed); err != nil {
		return nil, err
	}
	master, err := s.master()
	if err != nil {
		return nil, err
	}
	if f.Secret, err = unwrapTOTP(master, userID, wrapped); err != nil {
		return nil, fmt.Errorf("unwrap the TOTP secret of user %d: %w", userID, err)
	}
	f.CreatedAt = fromMicro(created)
	if confirmed.Valid {
		c := fromMicro(confirmed.Int64)
		f.ConfirmedAt = &c
	}
	return &f, nil
}

// StartTOTP begins the user's enrolment, replacing an unconfirmed one.
func (s *Store) StartTOTP(ctx context.Context, userID int64, secret []byte) (err error) {
	defer s.mapErr(&err, "start TOTP enrolment")
	if !isSelf(ctx, userID) {
		return parley.Errorf(parley.ENOTFOUND, "", "user %d not found", userID)
	}
	if len(secret) < 16 || len(secret) > maxTOTPSecret {
		return parley.Errorf(parley.EINVALID, "secret", "a TOTP secret has 16 to %d bytes", maxTOTPSecret)
	}
	master, err := s.master()
	if err != nil {
		return err
	}
	wrapped := wrapTOTP(master, userID, secret)
	return s.writeKeepsCaches(ctx, func(ctx context.Context, tx *Tx) error {
		f, err := s.readTOTP(ctx, tx, userID, true)
		switch {
		case isNoRows(err):
			_, err = tx.insert(ctx, tTOTP, `user_id, secret, last_step, created_at`, userID, wrapped, int64(-1), micro(tx.now))
		case err != nil:
			return err
		case f.Confirmed():
			return parley.Errorf(parley.ECONFLICT, "", "an authenticator app is already set up; remove it first")
		default:
			_, err = tx.update(ctx, tTOTP, []any{userID}, `secret = $1, last_step = $2, created_at = $3`, wrapped, int64(-1), micro(tx.now))
		}
		if err != nil {
			return err
		}
		return appendAudit(ctx, tx, totpAudit("totp.start", userID))
	})
}

// FindTOTP returns the user's factor, confirmed or not.
func (s *Store) FindTOTP(ctx context.Context, userID int64) (_ *parley.TOTPFactor, err error) {
	defer s.mapErr(&err, "find TOTP factor")
	if err := requireSelfOrSystem(ctx, "TOTP factor", userID); err != nil {
		return nil, err
	}
	return readTx(ctx, s, func(tx *Tx) (*parley.TOTPFactor, error) {
		f, err := s.readTOTP(ctx, tx, userID, false)
		if isNoRows(err) {
			return nil, parley.Errorf(parley.ENOTFOUND, "", "user %d has no authenticator app", userID)
		}
		return f, err
	})
}

// ConfirmTOTP puts the factor in force and replaces the recovery codes.
// It changes what authentication decides (a track that requires a second
// factor), so it moves the auth generation.
func (s *Store) ConfirmTOTP(ctx context.Context, userID int64, step int64, recoveryHashes [][]byte) (err error) {
	defer s.mapErr(&err, "confirm TOTP factor")
	if !isSelf(ctx, userID) {
		return parley.Errorf(parley.ENOTFOUND, "", "user %d not found", userID)
	}
	for _, h := range recoveryHashes {
		if err := checkSecretHash(h); err != nil {
			return err
		}
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		f, err := s.readTOTP(ctx, tx, userID, true)
		if isNoRows(err) {
			return parley.Errorf(parley.ENOTFOUND, "", "user %d has no authenticator app to confirm", userID)
		}
		if err != nil {
			return err
		}
		if f.Confirmed() {
			return parley.Errorf(parley.ECONFLICT, "", "the authenticator app is already confirmed")
		}
		if _, err := tx.update(ctx, tTOTP, []any{userID}, `last_step = $1, confirmed_at = $2`, step, micro(tx.now)); err != nil {
			return err
		}
		if err := replaceRecoveryCodes(ctx, tx, userID, recoveryHashes); err != nil {
			return err
		}
		return appendAudit(ctx, tx, totpAudit("totp.confirm", userID))
	})
}

// replaceRecoveryCodes deletes the user's recovery codes and stores new
// ones in tx.
func replaceRecoveryCodes(ctx context.Context, tx *Tx, userID int64, hashes [][]byte) error {
	if _, err := tx.delete(ctx, tRecoveryCodes, `user_id = $1`, userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := tx.insert(ctx, tRecoveryCodes, `user_id, code_hash, created_at`, userID, h, micro(tx.now)); err != nil {
			return err
		}
	}
	return nil
}

// UseTOTPStep records step as the last one used, refusing a step not after
// the last one.
func (s *Store) UseTOTPStep(ctx context.Context, userID int64, step int64) (err error) {
	defer s.mapErr(&err, "use TOTP code")
	if err := requireSystem(ctx); err != nil {
		return err
	}
	return s.writeKeepsCaches(ctx, func(ctx context.Context, tx *Tx) error {
		f, err := s.readTOTP(ctx, tx, userID, true)
		if isNoRows(err) {
			return parley.Errorf(parley.ENOTFOUND, "", "user %d has no authenticator app", userID)
		}
		if err != nil {
			return err
		}
		if step <= f.LastStep {
			return parley.Errorf(parley.EINVALID, "code", "this code was used already")
		}
		if _, err := tx.update(ctx, tTOTP, []any{userID}, `last_step = $1`, step); err != nil {
			return err
		}
		return appendAudit(ctx, tx, totpAudit("totp.use", userID))
	})
}

// UseRecoveryCode strikes out the user's unused code whose SHA-256 is hash.
func (s *Store) UseRecoveryCode(ctx context.Context, userID int64, hash []byte) (err error) {
	defer s.mapErr(&err, "use recovery code")
	if err := requireSystem(ctx); err != nil {
		return err
	}
	return s.writeKeepsCaches(ctx, func(ctx context.Context, tx *Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM recovery_codes WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL ORDER BY id`+tx.d.ForUpdate, userID, hash).Scan(&id)
		if isNoRows(err) {
			return parley.Errorf(parley.ENOTFOUND, "", "no such recovery code")
		}
		if err != nil {
			return err
		}
		if _, err := tx.update(ctx, tRecoveryCodes, []any{id}, `used_at = $1`, micro(tx.now)); err != nil {
			return err
		}
		return appendAudit(ctx, tx, totpAudit("recovery-code.use", userID))
	})
}

// RecoveryCodesLeft counts the user's unused recovery codes, each verified.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (_ int, err error) {
	defer s.mapErr(&err, "count recovery codes")
	if err := requireSelfOrSystem(ctx, "recovery codes", userID); err != nil {
		return 0, err
	}
	return readTx(ctx, s, func(tx *Tx) (int, error) {
		codes, err := queryAll(ctx, tx, tRecoveryCodes, scanRecoveryCode,
			`SELECT `+tRecoveryCodes.sel+` FROM recovery_codes WHERE user_id = $1 ORDER BY id`, userID)
		n := 0
		for _, used := range codes {
			if !used {
				n++
			}
		}
		return n, err
	})
}

// scanRecoveryCode reads a row of tRecoveryCodes and says whether it was
// used.
func scanRecoveryCode(row rowScanner) (bool, error) {
	var id, user, created int64
	var hash []byte
	var used sql.NullInt64
	err := row.Scan(&id, &user, &hash, &created, &used)
	return used.Valid, err
}

// DeleteTOTP removes the user's factor and recovery codes.
func (s *Store) DeleteTOTP(ctx context.Context, userID int64) (err error) {
	defer s.mapErr(&err, "remove TOTP factor")
	if err := requireSelfOrAdmin(ctx, "TOTP factor", userID); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		n, err := tx.delete(ctx, tTOTP, `user_id = $1`, userID)
		if err != nil {
			return err
		}
		if n == 0 {
			return parley.Errorf(parley.ENOTFOUND, "", "user %d has no authenticator app", userID)
		}
		if _, err := tx.delete(ctx, tRecoveryCodes, `user_id = $1`, userID); err != nil {
			return err
		}
		return appendAudit(ctx, tx, totpAudit("totp.delete", userID))
	})
}

// rewrapTOTP re-wraps every TOTP secret from old to new in tx (a master key
// rotation).
func rewrapTOTP(ctx context.Context, tx *Tx, old, new *seal.MasterKey) error {
	type row struct {
		user    int64
		wrapped []byte
	}
	var all []row
	rows, err := tx.QueryContext(ctx, `SELECT `+tTOTP.sel+` FROM totp_factors ORDER BY user_id`)
	if err != nil {
		return err
	}
	checked := tx.scanner(tTOTP, rows)
	for rows.Next() {
		var r row
		var step, created int64
		var confirmed sql.NullInt64
		if err := checked.Scan(&r.user, &r.wrapped, &step, &created, &confirmed); err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range all {
		w, err := seal.RewrapSecret(old, new, totpPurpose(r.user), r.wrapped)
		if err != nil {
			return fmt.Errorf("rewrap the TOTP secret of user %d: %w", r.user, err)
		}
		if _, err := tx.update(ctx, tTOTP, []any{r.user}, `secret = $1`, w); err != nil {
			return err
		}
	}
	return nil
}

// RequireSecondFactor makes a second factor required of the track's
// members, or no longer. It changes what authentication decides, so it
// moves the auth generation.
func (s *Store) RequireSecondFactor(ctx context.Context, trackID int64, required bool) (err error) {
	defer s.mapErr(&err, "require second factor")
	if !isAdmin(ctx) {
		return forbidden("only an administrator may require a second factor of a track's members")
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if ok, err := exists(ctx, tx, "tracks", trackID); err != nil || !ok {
			if err == nil {
				err = notFound("track", trackID)
			}
			return err
		}
		var was int64
		err := tx.QueryRowContext(ctx, `SELECT track_id FROM second_factor_tracks WHERE track_id = $1`, trackID).Scan(&was)
		switch {
		case err != nil && !isNoRows(err):
			return err
		case required == (err == nil):
			return nil // as it is
		case required:
			by, err := actor(ctx, tx)
			if err != nil {
				return err
			}
			if _, err := tx.insert(ctx, tSecondFactorTracks, `track_id, required_by, required_at`, trackID, nullInt64(by), micro(tx.now)); err != nil {
				return err
			}
		default:
			if _, err := tx.delete(ctx, tSecondFactorTracks, `track_id = $1`, trackID); err != nil {
				return err
			}
		}
		action := "track.second-factor.require"
		if !required {
			action = "track.second-factor.release"
		}
		return appendAudit(ctx, tx, auditRecord{action: action, object: trackObject(trackID), trackID: trackID, audience: parley.AudiencePlenary})
	})
}

// TracksRequiringSecondFactor lists the tracks that require a second
// factor, each row verified.
func (s *Store) TracksRequiringSecondFactor(ctx context.Context) (_ []int64, err error) {
	defer s.mapErr(&err, "find tracks requiring a second factor")
	if !isAdmin(ctx) {
		return nil, forbidden("only an administrator may list the tracks that require a second factor")
	}
	return readTx(ctx, s, func(tx *Tx) ([]int64, error) {
		return queryAll(ctx, tx, tSecondFactorTracks, func(row rowScanner) (int64, error) {
			var id, at int64
			var by sql.NullInt64
			err := row.Scan(&id, &by, &at)
			return id, err
		}, `SELECT `+tSecondFactorTracks.sel+` FROM second_factor_tracks ORDER BY track_id`)
	})
}
