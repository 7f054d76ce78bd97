package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/parley-talks/parley"
)

// scanUser reads a row of tUsers.
func scanUser(row rowScanner) (*parley.User, error) {
	var u parley.User
	var created, updated int64
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Admin, &u.Disabled, &u.PasswordHash, &created, &updated); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = fromMicro(created), fromMicro(updated)
	return &u, nil
}

// FindUserByID returns the user or ENOTFOUND.
func (s *Store) FindUserByID(ctx context.Context, id int64) (_ *parley.User, err error) {
	defer s.mapErr(&err, "find user")
	return readTx(ctx, s, func(tx *Tx) (*parley.User, error) {
		if !isAdmin(ctx) && !isSelf(ctx, id) {
			return nil, notFound("user", id)
		}
		u, err := findUserByID(ctx, tx, id, false)
		if err != nil {
			return nil, err
		}
		return u, mediatorFlags(ctx, tx, u)
	})
}

// FindUserByEmail looks the address up after parley.NormalizeEmail; ENOTFOUND.
func (s *Store) FindUserByEmail(ctx context.Context, email string) (_ *parley.User, err error) {
	defer s.mapErr(&err, "find user")
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, err := scanUser(tx.scanner(tUsers, tx.QueryRowContext(ctx, `SELECT `+tUsers.sel+` FROM users WHERE email = $1`, parley.NormalizeEmail(email))))
	if isNoRows(err) {
		return nil, parley.Errorf(parley.ENOTFOUND, "email", "no user has this email address")
	}
	if err != nil {
		return nil, err
	}
	if !isAdmin(ctx) && !isSelf(ctx, u.ID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "email", "no user has this email address")
	}
	if err := mediatorFlags(ctx, tx, u); err != nil {
		return nil, err
	}
	return u, commit(tx)
}

// FindUsers returns users ordered by ID and the total count.
func (s *Store) FindUsers(ctx context.Context, page parley.Page) (_ []*parley.User, total int, err error) {
	defer s.mapErr(&err, "find users")
	where, args := "", []any{}
	if !isAdmin(ctx) { // a user sees itself only
		self := int64(0)
		if c := parley.CallerFromContext(ctx); c.User != nil && c.IsUser(c.User.ID) {
			self = c.User.ID
		}
		where, args = ` WHERE id = $1`, append(args, self)
	}
	users, total, err := readPage(ctx, s, tUsers, scanUser, where, page, args...)
	if err != nil || len(users) == 0 {
		return users, total, err
	}
	_, err = readTx(ctx, s, func(tx *Tx) (struct{}, error) { return struct{}{}, mediatorFlags(ctx, tx, users...) })
	return users, total, err
}

// mediatorFlags fills User.Mediator of users read in tx from
// mediator_accounts, a table of its own (migration 0011) so that the rows
// of users keep their MACs.
func mediatorFlags(ctx context.Context, tx *Tx, users ...*parley.User) error {
	for _, u := range users {
		var id, created int64
		var by sql.NullInt64
		err := tx.scanner(tMediators, tx.QueryRowContext(ctx, `SELECT `+tMediators.sel+` FROM mediator_accounts WHERE user_id = $1`, u.ID)).
			Scan(&id, &by, &created)
		switch {
		case isNoRows(err):
			u.Mediator = false
		case err != nil:
			return fmt.Errorf("user %d's mediator account: %w", u.ID, err)
		default:
			u.Mediator = true
		}
	}
	return nil
}

// setMediator makes the user a mediator, or no longer one, in tx.
func setMediator(ctx context.Context, tx *Tx, userID int64, on bool) error {
	var exists int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM mediator_accounts WHERE user_id = $1`, userID).Scan(&exists)
	switch {
	case isNoRows(err) && on:
		by, err := actor(ctx, tx)
		if err != nil {
			return err
		}
		_, err = tx.insert(ctx, tMediators, `user_id, created_by, created_at`, userID, nullInt64(by), micro(tx.now))
		return err
	case isNoRows(err):
		return nil
	case err != nil:
		return err
	case !on:
		_, err = tx.delete(ctx, tMediators, `user_id = $1`, userID)
		return err
	}
	return nil
}

// CreateUser stores u with its email normalised; ECONFLICT if it is taken.
func (s *Store) CreateUser(ctx context.Context, u *parley.User) (err error) {
	defer s.mapErr(&err, "create user")
	u.Email = parley.NormalizeEmail(u.Email)
	if err := u.Validate(); err != nil {
		return err
	}
	if err := requireAdmin(ctx); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := createUser(ctx, tx, u); err != nil {
			return err
		}
		return appendAudit(ctx, tx, userAudit("user.create", u))
	})
}

// UpdateUser applies upd; ENOTFOUND.
func (s *Store) UpdateUser(ctx context.Context, id int64, upd parley.UserUpdate) (_ *parley.User, err error) {
	defer s.mapErr(&err, "update user")
	var u *parley.User
	// Administrators change any account; a user may change its own name and
	// password, not its admin or disabled flags.
	if !isAdmin(ctx) && (!isSelf(ctx, id) || upd.Admin != nil || upd.Disabled != nil || upd.Mediator != nil) {
		if !isSelf(ctx, id) {
			return nil, notFound("user", id)
		}
		return nil, forbidden("only administrators may change these fields")
	}
	err = s.write(ctx, func(ctx context.Context, tx *Tx) (err error) {
		if u, err = updateUser(ctx, tx, id, upd); err != nil {
			return err
		}
		return appendAudit(ctx, tx, userAudit("user.update", u))
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func findUserByID(ctx context.Context, tx *Tx, id int64, forUpdate bool) (*parley.User, error) {
	q := `SELECT ` + tUsers.sel + ` FROM users WHERE id = $1`
	if forUpdate {
		q += tx.d.ForUpdate
	}
	return findByID(ctx, tx, tUsers, scanUser, "user", q, id)
}

func createUser(ctx context.Context, tx *Tx, u *parley.User) error {
	u.CreatedAt, u.UpdatedAt = tx.now, tx.now
	r, err := tx.insert(ctx, tUsers, `email, name, admin, disabled, password_hash, created_at, updated_at`,
		u.Email, u.Name, u.Admin, u.Disabled, u.PasswordHash, micro(u.CreatedAt), micro(u.UpdatedAt))
	if err != nil && tx.d.IsUnique(err) {
		return parley.Errorf(parley.ECONFLICT, "email", "a user with email %q already exists", u.Email)
	}
	u.ID = r.id()
	if err != nil || !u.Mediator {
		return err
	}
	return setMediator(ctx, tx, u.ID, true)
}

func updateUser(ctx context.Context, tx *Tx, id int64, upd parley.UserUpdate) (*parley.User, error) {
	u, err := findUserByID(ctx, tx, id, true)
	if err != nil {
		return nil, err
	}
	if upd.Name != nil {
		u.Name = *upd.Name
	}
	if upd.Admin != nil {
		u.Admin = *upd.Admin
	}
	if upd.Disabled != nil {
		u.Disabled = *upd.Disabled
	}
	if upd.PasswordHash != nil {
		u.PasswordHash = *upd.PasswordHash
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	u.UpdatedAt = tx.now
	_, err = tx.update(ctx, tUsers, []any{id}, `name = $1, admin = $2, disabled = $3, password_hash = $4, updated_at = $5`,
		u.Name, u.Admin, u.Disabled, u.PasswordHash, micro(u.UpdatedAt))
	if err != nil {
		return nil, err
	}
	if upd.Mediator != nil {
		if err := setMediator(ctx, tx, id, *upd.Mediator); err != nil {
			return nil, err
		}
	}
	return u, mediatorFlags(ctx, tx, u)
}

// userAudit is the ledger's record of a change of an account; the row's
// change is recorded as its MAC, which reveals nothing of the password
// hash.
func userAudit(action string, u *parley.User) auditRecord {
	return auditRecord{action: action, object: "user/" + strconv.FormatInt(u.ID, 10)}
}
