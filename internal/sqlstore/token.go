package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/parley-talks/parley"
)

// scanToken reads a row of tTokens.
func scanToken(row rowScanner) (*parley.APIToken, error) {
	var t parley.APIToken
	var created int64
	var used, revoked sql.NullInt64
	if err := row.Scan(&t.ID, &t.SecretHash, &t.UserID, &t.Name, &created, &used, &revoked); err != nil {
		return nil, err
	}
	t.CreatedAt = fromMicro(created)
	if used.Valid {
		u := fromMicro(used.Int64)
		t.LastUsedAt = &u
	}
	if revoked.Valid {
		r := fromMicro(revoked.Int64)
		t.RevokedAt = &r
	}
	return &t, nil
}

// CreateToken stores t, setting its ID and CreatedAt.
func (s *Store) CreateToken(ctx context.Context, t *parley.APIToken) (err error) {
	defer s.mapErr(&err, "create token")
	if err := requireSelfOrAdmin(ctx, "tokens", t.UserID); err != nil {
		return err
	}
	if err := checkSecretHash(t.SecretHash); err != nil {
		return err
	}
	if err := t.Validate(); err != nil {
		return err
	}
	return s.writeKeepsCaches(ctx, func(ctx context.Context, tx *Tx) error {
		if err := requireRef(ctx, tx, "users", "user_id", "user", t.UserID); err != nil {
			return err
		}
		t.CreatedAt, t.LastUsedAt, t.RevokedAt = tx.now, nil, nil
		r, err := tx.insert(ctx, tTokens, `secret_hash, user_id, name, created_at`, t.SecretHash, t.UserID, t.Name, micro(t.CreatedAt))
		if err != nil && tx.d.IsUnique(err) {
			return parley.Errorf(parley.ECONFLICT, "secret_hash", "another token has this secret")
		}
		if err != nil {
			return err
		}
		t.ID = r.id()
		return appendAudit(ctx, tx, tokenAudit("token.create", t.ID))
	})
}

// FindTokens lists the user's tokens, revoked ones too, ordered by ID.
func (s *Store) FindTokens(ctx context.Context, userID int64) (_ []*parley.APIToken, err error) {
	defer s.mapErr(&err, "find tokens")
	if err := requireSelfOrAdmin(ctx, "tokens", userID); err != nil {
		return nil, err
	}
	return readTx(ctx, s, func(tx *Tx) ([]*parley.APIToken, error) {
		return queryAll(ctx, tx, tTokens, scanToken, `SELECT `+tTokens.sel+` FROM api_tokens WHERE user_id = $1 ORDER BY id`, userID)
	})
}

// FindTokenByID returns the token or ENOTFOUND.
func (s *Store) FindTokenByID(ctx context.Context, id int64) (_ *parley.APIToken, err error) {
	defer s.mapErr(&err, "find token")
	t, err := s.findToken(ctx, `id = $1`, id, notFound("token", id))
	if err != nil {
		return nil, err
	}
	if requireSelfOrAdmin(ctx, "tokens", t.UserID) != nil {
		return nil, notFound("token", id)
	}
	return t, nil
}

// FindTokenByHash returns the token (revoked or not) or ENOTFOUND.
func (s *Store) FindTokenByHash(ctx context.Context, hash []byte) (_ *parley.APIToken, err error) {
	defer s.mapErr(&err, "find token")
	if err := requireSystem(ctx); err != nil {
		return nil, err
	}
	return s.findToken(ctx, `secret_hash = $1`, hash, parley.Errorf(parley.ENOTFOUND, "", "no such token"))
}

func (s *Store) findToken(ctx context.Context, where string, arg any, missing error) (*parley.APIToken, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	t, err := scanToken(tx.scanner(tTokens, tx.QueryRowContext(ctx, `SELECT `+tTokens.sel+` FROM api_tokens WHERE `+where, arg)))
	if isNoRows(err) {
		return nil, missing
	}
	if err != nil {
		return nil, fmt.Errorf("find token: %w", err)
	}
	return t, commit(tx)
}

// TouchToken records a use of the token.
func (s *Store) TouchToken(ctx context.Context, id int64, used time.Time) (err error) {
	defer s.mapErr(&err, "touch token")
	if err := requireSystem(ctx); err != nil {
		return err
	}
	// Only a column left out of the row's MAC changes: nothing to record.
	return s.writeKeepsCaches(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, micro(used), id)
		return affectedOne(res, err, "token", id)
	})
}

// RevokeToken marks the token revoked; a revoked token keeps its first
// revocation time.
func (s *Store) RevokeToken(ctx context.Context, id int64) (_ *parley.APIToken, err error) {
	defer s.mapErr(&err, "revoke token")
	var t *parley.APIToken
	err = s.write(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		t, err = scanToken(tx.scanner(tTokens, tx.QueryRowContext(ctx, `SELECT `+tTokens.sel+` FROM api_tokens WHERE id = $1`+tx.d.ForUpdate, id)))
		if isNoRows(err) || (err == nil && requireSelfOrAdmin(ctx, "tokens", t.UserID) != nil) {
			return notFound("token", id)
		}
		if err != nil || t.RevokedAt != nil {
			return err // revoked already: it keeps its first revocation time
		}
		at := tx.now
		if _, err := tx.update(ctx, tTokens, []any{id}, `revoked_at = $1`, micro(at)); err != nil {
			return err
		}
		t.RevokedAt = &at
		return appendAudit(ctx, tx, tokenAudit("token.revoke", id))
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// tokenAudit is the ledger's record of a token made or revoked: an entry
// of no track, which administrators see.
func tokenAudit(action string, id int64) auditRecord {
	return auditRecord{action: action, object: "token/" + strconv.FormatInt(id, 10)}
}
