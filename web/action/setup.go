package action

import (
	"context"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
)

// Setting up talks: invitations by one-time link, a track's start moved
// to enter earlier history, a collapsed track revived as a new one.
//
// An invitation's secret is made here and shown once, in the answer that
// makes it (as a calendar feed's is); the store keeps its SHA-256.

// InvitePath is where an invitation is accepted: InvitePath + secret.
const InvitePath = "/invitations/"

// InvitationInput invites a person to a role on a track (a delegate names
// its party), or, with no track, to be a mediator.
type InvitationInput struct {
	Email   string            `json:"email"`
	Name    string            `json:"name"`
	Role    parley.MemberRole `json:"role"`
	PartyID *int64            `json:"party_id,omitempty"`
}

// NewInvitation is an invitation just made: its record and the path of
// its one-time link, shown this once.
type NewInvitation struct {
	Invitation *parley.Invitation `json:"invitation"`
	Path       string             `json:"path"` // InvitePath + secret
}

// Invite makes an invitation to the track (nil: a mediator of no track).
func (a *Actions) Invite(ctx context.Context, trackID *int64, in InvitationInput) (*NewInvitation, error) {
	secret := password.NewToken()
	h := password.HashToken(secret)
	inv := &parley.Invitation{Email: in.Email, Name: in.Name, TrackID: trackID, Role: in.Role, PartyID: in.PartyID, SecretHash: h[:]}
	if trackID == nil && inv.Role == "" {
		inv.Role = parley.MemberMediator
	}
	if err := a.Store.CreateInvitation(ctx, inv); err != nil {
		if trackID != nil {
			return nil, trackInPath(err, *trackID)
		}
		return nil, err
	}
	return &NewInvitation{Invitation: inv, Path: InvitePath + secret}, nil
}

// AcceptInput accepts an invitation: the link's secret, the password the
// person sets (or, for an address that has an account, that account's
// password), and the name to go by (the invitation's if empty).
type AcceptInput struct {
	Token    string `json:"token"`
	Name     string `json:"name,omitempty"`
	Password string `json:"password"`
}

// errNoInvitation is the one answer for a secret that is not a pending
// invitation's: unknown, used and expired alike look the same to a guesser.
var errNoInvitation = parley.Errorf(parley.ENOTFOUND, "token", "this invitation link is not valid: it was used, it expired or it was mistyped; ask for a new one")

// PendingInvitation returns the pending invitation of the link's secret,
// and whether its address has an account already.
func (a *Actions) PendingInvitation(ctx context.Context, token string) (*parley.Invitation, bool, error) {
	if !password.IsToken(token) {
		return nil, false, errNoInvitation
	}
	h := password.HashToken(token)
	inv, err := a.Store.FindInvitationByHash(System(ctx), h[:])
	if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && !inv.Pending(parley.Now()) {
		return nil, false, errNoInvitation
	}
	if err != nil {
		return nil, false, err
	}
	_, err = a.Store.FindUserByEmail(System(ctx), inv.Email)
	switch parley.ErrorCode(err) {
	case "":
		return inv, true, nil
	case parley.ENOTFOUND:
		return inv, false, nil
	}
	return nil, false, err
}

// AcceptInvitation uses the invitation once: it creates the account with
// the password (hashed with PasswordParams), or, for an address that has
// one, checks that account's password and adds the grant to it.
func (a *Actions) AcceptInvitation(ctx context.Context, in AcceptInput) (*parley.User, error) {
	inv, exists, err := a.PendingInvitation(ctx, in.Token)
	if err != nil {
		return nil, err
	}
	h := password.HashToken(in.Token)
	u := &parley.User{Name: in.Name}
	if exists {
		existing, err := a.Store.FindUserByEmail(System(ctx), inv.Email)
		if err != nil {
			return nil, err
		}
		if password.Verify(in.Password, existing.PasswordHash) != nil {
			return nil, parley.Errorf(parley.EINVALID, "password", "this is not the password of the account of %s", inv.Email)
		}
		u.ID = existing.ID
	} else {
		if err := password.CheckLength(in.Password); err != nil {
			return nil, parley.Errorf(parley.EINVALID, "password", "the password must be %d to %d bytes long", password.MinPasswordLen, password.MaxPasswordLen)
		}
		if in.Name != "" {
			if err := (&parley.User{Email: inv.Email, Name: in.Name}).Validate(); err != nil {
				return nil, err
			}
		}
		if u.PasswordHash, err = password.Hash(in.Password, a.PasswordParams); err != nil {
			return nil, err
		}
	}
	if _, err := a.Store.AcceptInvitation(System(ctx), h[:], u); err != nil {
		if c := parley.ErrorCode(err); c == parley.ENOTFOUND || c == parley.ECONFLICT && parley.ErrorField(err) == "" || c == parley.EINVALID && parley.ErrorField(err) == "" {
			return nil, errNoInvitation
		}
		return nil, err
	}
	return u, nil
}

// Invitations lists the track's invitations (nil: of no track).
func (a *Actions) Invitations(ctx context.Context, trackID *int64) ([]*parley.Invitation, error) {
	return a.Store.FindInvitations(ctx, trackID)
}

// StartInput moves a track's start.
type StartInput struct {
	At time.Time `json:"at"`
}

// MoveTrackStart moves the date of the track's first recorded status.
func (a *Actions) MoveTrackStart(ctx context.Context, trackID int64, in StartInput) (*parley.Transition, error) {
	return a.Store.MoveTrackStart(ctx, trackID, in.At)
}

// RevivalInput opens the track that continues a collapsed one.
type RevivalInput struct {
	TrackInput
	Reason string `json:"reason"`
}

// ReviveTrack opens the successor of the collapsed track.
func (a *Actions) ReviveTrack(ctx context.Context, trackID int64, in RevivalInput) (*parley.Track, error) {
	t := &parley.Track{Title: in.Title, Mandate: in.Mandate, Status: in.Status, Parties: in.Parties, VenueIDs: in.VenueIDs}
	if t.Parties == nil {
		t.Parties = []parley.TrackParty{}
	}
	if t.VenueIDs == nil {
		t.VenueIDs = []int64{}
	}
	if in.Status != "" && !in.Status.Valid() {
		return nil, parley.Errorf(parley.EINVALID, "status", "unknown status %q", in.Status)
	}
	if err := a.Store.ReviveTrack(ctx, trackID, t, in.Reason); err != nil {
		return nil, err
	}
	return t, nil
}
