package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/parley-talks/parley"
)

// scanMember reads a row of tMembers.
func scanMember(row rowScanner) (*parley.Member, error) {
	var m parley.Member
	var party sql.NullInt64
	var created int64
	if err := row.Scan(&m.ID, &m.TrackID, &m.UserID, &m.Role, &party, &created); err != nil {
		return nil, err
	}
	if party.Valid {
		m.PartyID = &party.Int64
	}
	m.CreatedAt = fromMicro(created)
	return &m, nil
}

// FindMemberByID returns the grant or ENOTFOUND.
func (s *Store) FindMemberByID(ctx context.Context, id int64) (_ *parley.Member, err error) {
	defer s.mapErr(&err, "find member")
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	m, err := findMemberByID(ctx, tx, id, false)
	if err != nil {
		return nil, err
	}
	if !canSeeTrack(ctx, m.TrackID) && !isSelf(ctx, m.UserID) {
		return nil, notFound("member", id)
	}
	return m, commit(tx)
}

// FindMembers lists a track's members ordered by ID; ENOTFOUND if the track
// does not exist.
func (s *Store) FindMembers(ctx context.Context, trackID int64) (_ []*parley.Member, err error) {
	defer s.mapErr(&err, "find members")
	return readTrack(ctx, s, trackID, func(tx *Tx) ([]*parley.Member, error) {
		return queryAll(ctx, tx, tMembers, scanMember, `SELECT `+tMembers.sel+` FROM members WHERE track_id = $1 ORDER BY id`, trackID)
	})
}

// FindMembershipsOfUser lists the user's grants on every track, ordered by ID;
// an empty list for a user without grants or an unknown user.
func (s *Store) FindMembershipsOfUser(ctx context.Context, userID int64) (_ []*parley.Member, err error) {
	defer s.mapErr(&err, "find memberships")
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	members, err := queryAll(ctx, tx, tMembers, scanMember, `SELECT `+tMembers.sel+` FROM members WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, err
	}
	if !isSelf(ctx, userID) {
		visible := members[:0]
		for _, m := range members {
			if canSeeTrack(ctx, m.TrackID) {
				visible = append(visible, m)
			}
		}
		members = visible
	}
	return members, commit(tx)
}

// CreateMember grants m; ECONFLICT if the user already holds a grant on the
// track; EINVALID if the track, user or party does not exist.
func (s *Store) CreateMember(ctx context.Context, m *parley.Member) (err error) {
	defer s.mapErr(&err, "create member")
	if err := m.Validate(); err != nil {
		return err
	}
	if err := requireGrant(ctx, &m.TrackID, m.Role); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := createMember(ctx, tx, m); err != nil {
			return err
		}
		return appendAudit(ctx, tx, memberAudit("member.create", m))
	})
}

// UpdateMember changes a grant's role or party; ENOTFOUND, EINVALID.
func (s *Store) UpdateMember(ctx context.Context, id int64, upd parley.MemberUpdate) (_ *parley.Member, err error) {
	defer s.mapErr(&err, "update member")
	var m *parley.Member
	err = s.write(ctx, func(ctx context.Context, tx *Tx) (err error) {
		old, err := findMemberByID(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := requireGrantOf(ctx, old); err != nil {
			return err
		}
		if upd.Role != nil {
			if err := requireGrant(ctx, &old.TrackID, *upd.Role); err != nil {
				return err
			}
		}
		if m, err = updateMember(ctx, tx, id, upd); err != nil {
			return err
		}
		return appendAudit(ctx, tx, memberAudit("member.update", m))
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// DeleteMember revokes a grant; ENOTFOUND.
func (s *Store) DeleteMember(ctx context.Context, id int64) (err error) {
	defer s.mapErr(&err, "delete member")
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		m, err := findMemberByID(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := requireGrantOf(ctx, m); err != nil {
			return err
		}
		if err := deleteMember(ctx, tx, id); err != nil {
			return err
		}
		return appendAudit(ctx, tx, memberAudit("member.delete", m))
	})
}

// requireGrantOf applies Caller.CanGrant to an existing grant: ENOTFOUND
// ("member <id>") for one on a track the caller may not see.
func requireGrantOf(ctx context.Context, m *parley.Member) error {
	if !canSeeTrack(ctx, m.TrackID) {
		return notFound("member", m.ID)
	}
	return requireGrant(ctx, &m.TrackID, m.Role)
}

// memberAudit is the ledger's record of a change of a grant.
func memberAudit(action string, m *parley.Member) auditRecord {
	return auditRecord{action: action, object: "member/" + strconv.FormatInt(m.ID, 10), trackID: m.TrackID, audience: parley.AudiencePlenary}
}

func deleteMember(ctx context.Context, tx *Tx, id int64) error {
	n, err := tx.delete(ctx, tMembers, `id = $1`, id)
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound("member", id)
	}
	return nil
}

func findMemberByID(ctx context.Context, tx *Tx, id int64, forUpdate bool) (*parley.Member, error) {
	q := `SELECT ` + tMembers.sel + ` FROM members WHERE id = $1`
	if forUpdate {
		q += tx.d.ForUpdate
	}
	m, err := scanMember(tx.scanner(tMembers, tx.QueryRowContext(ctx, q, id)))
	if isNoRows(err) {
		return nil, notFound("member", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find member %d: %w", id, err)
	}
	return m, nil
}

func createMember(ctx context.Context, tx *Tx, m *parley.Member) error {
	if err := requireRef(ctx, tx, "tracks", "track_id", "track", m.TrackID); err != nil {
		return err
	}
	if err := requireRef(ctx, tx, "users", "user_id", "user", m.UserID); err != nil {
		return err
	}
	if m.PartyID != nil {
		if err := requireRef(ctx, tx, "parties", "party_id", "party", *m.PartyID); err != nil {
			return err
		}
	}
	m.CreatedAt = tx.now
	r, err := tx.insert(ctx, tMembers, `track_id, user_id, role, party_id, created_at`,
		m.TrackID, m.UserID, m.Role, nullInt64(m.PartyID), micro(m.CreatedAt))
	if err != nil && tx.d.IsUnique(err) {
		return parley.Errorf(parley.ECONFLICT, "user_id", "user %d already holds a grant on track %d", m.UserID, m.TrackID)
	}
	m.ID = r.id()
	return err
}

func updateMember(ctx context.Context, tx *Tx, id int64, upd parley.MemberUpdate) (*parley.Member, error) {
	m, err := findMemberByID(ctx, tx, id, true)
	if err != nil {
		return nil, err
	}
	if upd.Role != nil {
		m.Role = *upd.Role
	}
	if upd.PartyID != nil {
		m.PartyID = *upd.PartyID
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if m.PartyID != nil {
		if err := requireRef(ctx, tx, "parties", "party_id", "party", *m.PartyID); err != nil {
			return nil, err
		}
	}
	_, err = tx.update(ctx, tMembers, []any{id}, `role = $1, party_id = $2`, m.Role, nullInt64(m.PartyID))
	return m, err
}
