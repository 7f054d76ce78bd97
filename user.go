package parley

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// User is a person who signs in. Users are global; their rights are per track
// (see Member). An administrator manages accounts and memberships but reads no
// sealed content unless also a member of the track.
type User struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Admin bool   `json:"admin"`
	// Mediator: an administrator made the user a mediator, who may open
	// tracks (and mediates each one it opens).
	Mediator     bool      `json:"mediator"`
	Disabled     bool      `json:"disabled"`
	PasswordHash string    `json:"-"` // argon2id, PHC string; never serialised
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// NormalizeEmail lower-cases and trims an address so that lookups match.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks the fields a caller sets.
func (u *User) Validate() error {
	if err := checkEmail(u.Email); err != nil {
		return err
	}
	return checkName("name", u.Name)
}

func checkEmail(s string) error {
	if err := checkName("email", s); err != nil {
		return err
	}
	if len(s) > MaxEmailLen {
		return Errorf(EINVALID, "email", "email is longer than %d bytes", MaxEmailLen)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return Errorf(EINVALID, "email", "email %q is not a plain address like name@example.org", s)
	}
	return nil
}

// UserUpdate is a partial change of a user.
type UserUpdate struct {
	Name         *string `json:"name,omitempty"`
	Admin        *bool   `json:"admin,omitempty"`
	Mediator     *bool   `json:"mediator,omitempty"`
	Disabled     *bool   `json:"disabled,omitempty"`
	PasswordHash *string `json:"-"`
}

// UserService keeps accounts.
type UserService interface {
	FindUserByID(ctx context.Context, id int64) (*User, error)
	// FindUserByEmail looks the address up after NormalizeEmail; ENOTFOUND.
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	FindUsers(ctx context.Context, page Page) ([]*User, int, error)
	// CreateUser stores u with its email normalised; ECONFLICT if taken.
	CreateUser(ctx context.Context, u *User) error
	UpdateUser(ctx context.Context, id int64, upd UserUpdate) (*User, error)
}

// MemberRole is a user's grant on one track.
type MemberRole string

const (
	MemberMediator MemberRole = "mediator"
	MemberDelegate MemberRole = "delegate" // of the party in Member.PartyID
	MemberObserver MemberRole = "observer"
	MemberVerifier MemberRole = "verifier"
	// MemberGuarantor speaks for a state or body that guarantees what the
	// track agrees: it reads what the plenary reads and reports on the
	// implementation of the track's agreements (Caller.CanReport).
	MemberGuarantor MemberRole = "guarantor"
)

// MemberRoles lists every member role.
var MemberRoles = []MemberRole{MemberMediator, MemberDelegate, MemberObserver, MemberVerifier, MemberGuarantor}

// Member is a user's grant on a track: a role and, for delegates (and
// optionally observers, verifiers and guarantors), the party they speak for.
type Member struct {
	ID        int64      `json:"id"`
	TrackID   int64      `json:"track_id"`
	UserID    int64      `json:"user_id"`
	Role      MemberRole `json:"role"`
	PartyID   *int64     `json:"party_id,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
}

// Validate checks the role and that a delegate names a party.
func (m *Member) Validate() error {
	switch m.Role {
	case MemberMediator, MemberDelegate, MemberObserver, MemberVerifier, MemberGuarantor:
	default:
		return Errorf(EINVALID, "role", "unknown member role %q (want mediator, delegate, observer, verifier or guarantor)", m.Role)
	}
	if m.UserID <= 0 {
		return Errorf(EINVALID, "user_id", "user_id is required")
	}
	if m.Role == MemberDelegate && m.PartyID == nil {
		return Errorf(EINVALID, "party_id", "a delegate must name the party they speak for")
	}
	if m.Role == MemberMediator && m.PartyID != nil {
		return Errorf(EINVALID, "party_id", "a mediator speaks for no party")
	}
	if m.PartyID != nil && *m.PartyID <= 0 {
		return Errorf(EINVALID, "party_id", "party_id must be a positive id")
	}
	return nil
}

// MemberUpdate changes a member's role or party.
type MemberUpdate struct {
	Role    *MemberRole `json:"role,omitempty"`
	PartyID **int64     `json:"party_id,omitempty"`
}

// MemberService keeps memberships.
type MemberService interface {
	FindMemberByID(ctx context.Context, id int64) (*Member, error)
	// FindMembers lists a track's members; ENOTFOUND if the track does not exist.
	FindMembers(ctx context.Context, trackID int64) ([]*Member, error)
	// FindMembershipsOfUser lists the user's grants on every track.
	FindMembershipsOfUser(ctx context.Context, userID int64) ([]*Member, error)
	// CreateMember grants m; ECONFLICT if the user already holds a grant on
	// the track; EINVALID if the user or party does not exist.
	CreateMember(ctx context.Context, m *Member) error
	UpdateMember(ctx context.Context, id int64, upd MemberUpdate) (*Member, error)
	// DeleteMember revokes a grant; ENOTFOUND.
	DeleteMember(ctx context.Context, id int64) error
}
