package sqlstore

import (
	"context"
	"database/sql"
	"strconv"

	"github.com/parley-talks/parley"
)

// Invitations are one-time links kept by the SHA-256 of their secret, as
// sessions are; the store never sees the secret.

// scanInvitation reads a row of tInvitations.
func scanInvitation(row rowScanner) (*parley.Invitation, error) {
	var inv parley.Invitation
	var track, party, by, accepted, user sql.NullInt64
	var created, expires int64
	if err := row.Scan(&inv.ID, &inv.SecretHash, &inv.Email, &inv.Name, &track, &inv.Role, &party, &by, &created, &expires, &accepted, &user); err != nil {
		return nil, err
	}
	inv.TrackID, inv.PartyID, inv.CreatedBy, inv.UserID = nullableID(track), nullableID(party), nullableID(by), nullableID(user)
	inv.CreatedAt, inv.ExpiresAt = fromMicro(created), fromMicro(expires)
	if accepted.Valid {
		at := fromMicro(accepted.Int64)
		inv.AcceptedAt = &at
	}
	return &inv, nil
}

// invitationAudit is the ledger's record of a change of an invitation:
// plenary of its track (who was invited is map data), or of no track.
func invitationAudit(action string, inv *parley.Invitation) auditRecord {
	r := auditRecord{action: action, object: "invitation/" + strconv.FormatInt(inv.ID, 10)}
	if inv.TrackID != nil {
		r.trackID, r.audience = *inv.TrackID, parley.AudiencePlenary
	}
	return r
}

// requireGrant applies Caller.CanGrant to a role on a track (nil: a
// mediator of no track, which administrators alone make): ENOTFOUND for a
// track the caller may not see, EFORBIDDEN otherwise.
func requireGrant(ctx context.Context, trackID *int64, role parley.MemberRole) error {
	c := parley.CallerFromContext(ctx)
	if trackID == nil {
		if !c.IsAdmin() {
			return forbidden("only administrators may make mediators")
		}
		return nil
	}
	if !c.CanSeeTrack(*trackID) {
		return notFound("track", *trackID)
	}
	if !c.CanGrant(*trackID, role) {
		if role == parley.MemberMediator && c.IsMediator(*trackID) {
			return forbidden("only administrators may make mediators")
		}
		return forbidden("only the track's mediators may grant roles on track %d", *trackID)
	}
	return nil
}

// CreateInvitation stores inv, setting its ID, CreatedAt and, if zero,
// ExpiresAt.
func (s *Store) CreateInvitation(ctx context.Context, inv *parley.Invitation) (err error) {
	defer s.mapErr(&err, "create invitation")
	if err := inv.Validate(); err != nil {
		return err
	}
	if err := checkSecretHash(inv.SecretHash); err != nil {
		return err
	}
	if err := requireGrant(ctx, inv.TrackID, inv.Role); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if inv.TrackID != nil {
			if err := requireRef(ctx, tx, "tracks", "track_id", "track", *inv.TrackID); err != nil {
				return err
			}
		}
		if inv.PartyID != nil {
			if err := requireRef(ctx, tx, "parties", "party_id", "party", *inv.PartyID); err != nil {
				return err
			}
		}
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		inv.CreatedBy, inv.CreatedAt, inv.AcceptedAt, inv.UserID = by, tx.now, nil, nil
		if inv.ExpiresAt.IsZero() {
			inv.ExpiresAt = tx.now.Add(parley.InvitationTTL)
		}
		inv.ExpiresAt = normalTime(inv.ExpiresAt)
		if !inv.ExpiresAt.After(tx.now) {
			return parley.Errorf(parley.EINVALID, "expires_at", "an invitation must expire in the future")
		}
		r, err := tx.insert(ctx, tInvitations, `secret_hash, email, name, track_id, role, party_id, created_by, created_at, expires_at`,
			inv.SecretHash, inv.Email, inv.Name, nullInt64(inv.TrackID), inv.Role, nullInt64(inv.PartyID), nullInt64(by), micro(inv.CreatedAt), micro(inv.ExpiresAt))
		if err != nil && tx.d.IsUnique(err) {
			return parley.Errorf(parley.ECONFLICT, "secret_hash", "another invitation has this secret")
		}
		if err != nil {
			return err
		}
		inv.ID = r.id()
		return appendAudit(ctx, tx, invitationAudit("invitation.create", inv))
	})
}

// FindInvitations lists a track's invitations (nil: of no track), newest
// first.
func (s *Store) FindInvitations(ctx context.Context, trackID *int64) (_ []*parley.Invitation, err error) {
	defer s.mapErr(&err, "find invitations")
	if err := requireGrant(ctx, trackID, parley.MemberObserver); err != nil {
		return nil, err
	}
	return readTx(ctx, s, func(tx *Tx) ([]*parley.Invitation, error) {
		if trackID == nil {
			return queryAll(ctx, tx, tInvitations, scanInvitation, `SELECT `+tInvitations.sel+` FROM invitations WHERE track_id IS NULL ORDER BY id DESC`)
		}
		if err := requireTrack(ctx, tx, *trackID); err != nil {
			return nil, err
		}
		return queryAll(ctx, tx, tInvitations, scanInvitation, `SELECT `+tInvitations.sel+` FROM invitations WHERE track_id = $1 ORDER BY id DESC`, *trackID)
	})
}

// FindInvitationByHash returns the invitation or ENOTFOUND; System only.
func (s *Store) FindInvitationByHash(ctx context.Context, hash []byte) (_ *parley.Invitation, err error) {
	defer s.mapErr(&err, "find invitation")
	if err := requireSystem(ctx); err != nil {
		return nil, err
	}
	return readTx(ctx, s, func(tx *Tx) (*parley.Invitation, error) {
		return findInvitationByHash(ctx, tx, hash, false)
	})
}

func findInvitationByHash(ctx context.Context, tx *Tx, hash []byte, forUpdate bool) (*parley.Invitation, error) {
	q := `SELECT ` + tInvitations.sel + ` FROM invitations WHERE secret_hash = $1`
	if forUpdate {
		q += tx.d.ForUpdate
	}
	inv, err := scanInvitation(tx.scanner(tInvitations, tx.QueryRowContext(ctx, q, hash)))
	if isNoRows(err) {
		return nil, parley.Errorf(parley.ENOTFOUND, "", "no such invitation")
	}
	return inv, err
}

// AcceptInvitation uses the invitation once: the account (created, or
// the existing one with its address), the grant and the mark, in one
// write.
func (s *Store) AcceptInvitation(ctx context.Context, hash []byte, u *parley.User) (_ *parley.Invitation, err error) {
	defer s.mapErr(&err, "accept invitation")
	if err := requireSystem(ctx); err != nil {
		return nil, err
	}
	var inv *parley.Invitation
	err = s.write(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		if inv, err = findInvitationByHash(ctx, tx, hash, true); err != nil {
			return err
		}
		if inv.AcceptedAt != nil {
			return parley.Errorf(parley.ECONFLICT, "", "this invitation has been used; sign in instead")
		}
		if !inv.Pending(tx.now) {
			return parley.Errorf(parley.EINVALID, "", "this invitation has expired; ask for a new one")
		}
		if u.ID == 0 {
			u.Email = inv.Email
			if u.Name == "" {
				u.Name = inv.Name
			}
			if err := u.Validate(); err != nil {
				return err
			}
			if err := createUser(ctx, tx, u); err != nil {
				return err
			}
			if err := appendAudit(ctx, tx, userAudit("user.create", u)); err != nil {
				return err
			}
		} else {
			existing, err := findUserByID(ctx, tx, u.ID, true)
			if err != nil {
				return err
			}
			if existing.Email != inv.Email {
				return parley.Errorf(parley.EINVALID, "email", "the invitation is for another address")
			}
			*u = *existing
		}
		ctx = parley.NewContextWithActor(ctx, u.ID)
		if inv.TrackID == nil {
			if err := setMediator(ctx, tx, u.ID, true); err != nil {
				return err
			}
			u.Mediator = true
		} else {
			m := &parley.Member{TrackID: *inv.TrackID, UserID: u.ID, Role: inv.Role, PartyID: inv.PartyID}
			if err := createMember(ctx, tx, m); err != nil {
				return err
			}
			if err := appendAudit(ctx, tx, memberAudit("member.create", m)); err != nil {
				return err
			}
		}
		at := tx.now
		if _, err := tx.update(ctx, tInvitations, []any{inv.ID}, `accepted_at = $1, user_id = $2`, micro(at), u.ID); err != nil {
			return err
		}
		inv.AcceptedAt, inv.UserID = &at, &u.ID
		return appendAudit(ctx, tx, invitationAudit("invitation.accept", inv))
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// RevokeInvitation makes a pending invitation expire now.
func (s *Store) RevokeInvitation(ctx context.Context, id int64) (err error) {
	defer s.mapErr(&err, "revoke invitation")
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		inv, err := findByID(ctx, tx, tInvitations, scanInvitation, "invitation",
			`SELECT `+tInvitations.sel+` FROM invitations WHERE id = $1`+tx.d.ForUpdate, id)
		if err != nil {
			return err
		}
		if err := requireGrant(ctx, inv.TrackID, inv.Role); err != nil {
			if inv.TrackID == nil && !isAdmin(ctx) || inv.TrackID != nil && !canSeeTrack(ctx, *inv.TrackID) {
				return notFound("invitation", id)
			}
			return err
		}
		if !inv.Pending(tx.now) {
			return parley.Errorf(parley.ECONFLICT, "", "invitation %d is no longer pending", id)
		}
		if _, err := tx.update(ctx, tInvitations, []any{id}, `expires_at = $1`, micro(tx.now)); err != nil {
			return err
		}
		return appendAudit(ctx, tx, invitationAudit("invitation.revoke", inv))
	})
}
