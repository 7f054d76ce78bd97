package parley

import (
	"context"
	"time"
)

// Invitation is a one-time link that lets a person join: it names the
// person (email, name) and what they are invited to be — a role on a track
// (a delegate of a party, an observer, a verifier, a guarantor or a
// mediator), or, with no track, a mediator who may open tracks. The link
// carries a secret of which the store keeps only the SHA-256; it works
// once, until ExpiresAt. Accepting it creates the account (the person sets
// a password) or, for an address that has one, adds the grant to it.
type Invitation struct {
	ID         int64      `json:"id"`
	Email      string     `json:"email"`
	Name       string     `json:"name"`
	TrackID    *int64     `json:"track_id,omitempty"`
	Role       MemberRole `json:"role"`
	PartyID    *int64     `json:"party_id,omitempty"`
	SecretHash []byte     `json:"-"`
	CreatedBy  *int64     `json:"created_by,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AcceptedAt *time.Time `json:"accepted_at,omitempty"`
	UserID     *int64     `json:"user_id,omitempty"` // the account that accepted it
}

// InvitationTTL is how long an invitation's link works.
const InvitationTTL = 7 * 24 * time.Hour

// Validate checks the fields a caller sets: the address, the name, and a
// role that fits the track (a delegate names its party; an invitation of
// no track makes a mediator).
func (inv *Invitation) Validate() error {
	inv.Email = NormalizeEmail(inv.Email)
	if err := checkEmail(inv.Email); err != nil {
		return err
	}
	if err := checkName("name", inv.Name); err != nil {
		return err
	}
	if inv.TrackID == nil {
		if inv.Role != MemberMediator {
			return Errorf(EINVALID, "role", "an invitation to no track makes a mediator; choose a track for a %s", inv.Role)
		}
		if inv.PartyID != nil {
			return Errorf(EINVALID, "party_id", "a mediator speaks for no party")
		}
		return nil
	}
	m := Member{TrackID: *inv.TrackID, UserID: 1, Role: inv.Role, PartyID: inv.PartyID}
	return m.Validate()
}

// Pending reports whether the invitation may still be accepted at now.
func (inv *Invitation) Pending(now time.Time) bool {
	return inv.AcceptedAt == nil && now.Before(inv.ExpiresAt)
}

// InvitationService keeps invitations.
type InvitationService interface {
	// CreateInvitation stores inv with its SecretHash, setting its ID,
	// CreatedAt and, if zero, ExpiresAt (InvitationTTL ahead). Per
	// Caller.CanGrant for a track's role; administrators alone invite a
	// mediator of no track. EINVALID if the track or party does not exist.
	CreateInvitation(ctx context.Context, inv *Invitation) error
	// FindInvitations lists a track's invitations, newest first, for those
	// who may grant on it (nil: the invitations of no track, for
	// administrators); ENOTFOUND for a track the caller may not see.
	FindInvitations(ctx context.Context, trackID *int64) ([]*Invitation, error)
	// FindInvitationByHash returns the invitation whose secret hashes to
	// hash, or ENOTFOUND. System only: the link's holder is not signed in.
	FindInvitationByHash(ctx context.Context, hash []byte) (*Invitation, error)
	// AcceptInvitation uses the invitation whose secret hashes to hash,
	// once: it creates u (u.ID zero) or takes the existing account u.ID,
	// which must have the invitation's address, grants the role and marks
	// the invitation accepted, all in one write. ENOTFOUND for an unknown
	// secret; ECONFLICT if it was used already or the account holds a
	// grant on the track; EINVALID if it expired. System only.
	AcceptInvitation(ctx context.Context, hash []byte, u *User) (*Invitation, error)
	// RevokeInvitation ends a pending invitation (it expires now), per
	// Caller.CanGrant; ENOTFOUND.
	RevokeInvitation(ctx context.Context, id int64) error
}
