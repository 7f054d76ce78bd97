package sqlstore

import (
	"context"
	"crypto/sha256"
	"strconv"
	"time"

	"github.com/parley-talks/parley"
)

// Sessions and API tokens are stored by the SHA-256 of their secret; a
// lookup is one read of the unique index on secret_hash.

// scanSession reads a row of tSessions.
func scanSession(row rowScanner) (*parley.Session, error) {
	var s parley.Session
	var created, seen, idle, expires int64
	if err := row.Scan(&s.ID, &s.SecretHash, &s.UserID, &created, &seen, &idle, &expires); err != nil {
		return nil, err
	}
	s.CreatedAt, s.LastSeenAt = fromMicro(created), fromMicro(seen)
	s.IdleExpiresAt, s.ExpiresAt = fromMicro(idle), fromMicro(expires)
	return &s, nil
}

func checkSecretHash(h []byte) error {
	if len(h) != sha256.Size {
		return parley.Errorf(parley.EINVALID, "secret_hash", "a secret hash is %d bytes of SHA-256", sha256.Size)
	}
	return nil
}

// CreateSession stores sess, setting its ID.
func (s *Store) CreateSession(ctx context.Context, sess *parley.Session) (err error) {
	defer s.mapErr(&err, "create session")
	if err := requireSelfOrAdmin(ctx, "sessions", sess.UserID); err != nil {
		return err
	}
	if err := checkSecretHash(sess.SecretHash); err != nil {
		return err
	}
	if sess.UserID <= 0 {
		return parley.Errorf(parley.EINVALID, "user_id", "user_id is required")
	}
	for _, t := range []*time.Time{&sess.CreatedAt, &sess.LastSeenAt, &sess.IdleExpiresAt, &sess.ExpiresAt} {
		*t = normalTime(*t)
	}
	return s.writeKeepsCaches(parley.NewContextWithActor(ctx, sess.UserID), func(ctx context.Context, tx *Tx) error {
		if err := requireRef(ctx, tx, "users", "user_id", "user", sess.UserID); err != nil {
			return err
		}
		r, err := tx.insert(ctx, tSessions, `secret_hash, user_id, created_at, last_seen_at, idle_expires_at, expires_at`,
			sess.SecretHash, sess.UserID, micro(sess.CreatedAt), micro(sess.LastSeenAt), micro(sess.IdleExpiresAt), micro(sess.ExpiresAt))
		if err != nil && tx.d.IsUnique(err) {
			return parley.Errorf(parley.ECONFLICT, "secret_hash", "another session has this secret")
		}
		if err != nil {
			return err
		}
		sess.ID = r.id()
		return appendAudit(ctx, tx, sessionAudit("session.create", sess.ID))
	})
}

// FindSessionByHash returns the session or ENOTFOUND; it does not check
// expiry.
func (s *Store) FindSessionByHash(ctx context.Context, hash []byte) (_ *parley.Session, err error) {
	defer s.mapErr(&err, "find session")
	if err := requireSystem(ctx); err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	sess, err := scanSession(tx.scanner(tSessions, tx.QueryRowContext(ctx, `SELECT `+tSessions.sel+` FROM sessions WHERE secret_hash = $1`, hash)))
	if isNoRows(err) {
		return nil, parley.Errorf(parley.ENOTFOUND, "", "no such session")
	}
	if err != nil {
		return nil, err
	}
	return sess, commit(tx)
}

// TouchSession records a use and moves the idle expiry, never past the
// absolute one.
func (s *Store) TouchSession(ctx context.Context, id int64, seen, idleExpires time.Time) (err error) {
	defer s.mapErr(&err, "touch session")
	if err := requireSystem(ctx); err != nil {
		return err
	}
	// Only columns left out of the row's MAC change: nothing to record.
	return s.writeKeepsCaches(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1,
			idle_expires_at = CASE WHEN $2 < expires_at THEN $2 ELSE expires_at END WHERE id = $3`,
			micro(seen), micro(idleExpires), id)
		return affectedOne(res, err, "session", id)
	})
}

// DeleteSession ends a session; ENOTFOUND.
func (s *Store) DeleteSession(ctx context.Context, id int64) (err error) {
	defer s.mapErr(&err, "delete session")
	if err := requireSystem(ctx); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		n, err := tx.delete(ctx, tSessions, `id = $1`, id)
		if err != nil {
			return err
		}
		if n == 0 {
			return notFound("session", id)
		}
		return appendAudit(ctx, tx, sessionAudit("session.delete", id))
	})
}

// DeleteSessionsOfUser ends every session of the user.
func (s *Store) DeleteSessionsOfUser(ctx context.Context, userID int64) (n int, err error) {
	defer s.mapErr(&err, "delete sessions")
	if err := requireSelfOrAdmin(ctx, "sessions", userID); err != nil {
		return 0, err
	}
	err = s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if n, err = tx.delete(ctx, tSessions, `user_id = $1`, userID); err != nil || n == 0 {
			return err
		}
		return appendAudit(ctx, tx, auditRecord{action: "session.delete", object: "user/" + strconv.FormatInt(userID, 10)})
	})
	return n, err
}

// sessionAudit is the ledger's record of a session begun or ended: an
// entry of no track, which administrators see.
func sessionAudit(action string, id int64) auditRecord {
	return auditRecord{action: action, object: "session/" + strconv.FormatInt(id, 10)}
}

// affectedOne turns an UPDATE or DELETE by id that hit no row into ENOTFOUND.
func affectedOne(res interface{ RowsAffected() (int64, error) }, err error, noun string, id int64) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound(noun, id)
	}
	return nil
}
