package parley

import (
	"context"
	"strconv"
	"strings"
)

// Audience says who may read a record that carries confidential content.
//
//	mediators     the track's mediators only
//	party:<id>    that party's delegates and the mediators
//	plenary       every member of the track
//
// Observers, verifiers and guarantors see plenary only. An administrator who is not a
// member of a track sees nothing of it that has an audience.
type Audience string

const (
	AudienceMediators Audience = "mediators"
	AudiencePlenary   Audience = "plenary"
)

// PartyAudience is the audience of one party's delegation and the mediators.
func PartyAudience(partyID int64) Audience {
	return Audience("party:" + strconv.FormatInt(partyID, 10))
}

// PartyID returns the party of a party:<id> audience.
func (a Audience) PartyID() (int64, bool) {
	s, ok := strings.CutPrefix(string(a), "party:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != s {
		return 0, false
	}
	return id, true
}

// Validate returns EINVALID naming field for an audience that is none of the
// three forms.
func (a Audience) Validate(field string) error {
	if a == AudienceMediators || a == AudiencePlenary {
		return nil
	}
	if _, ok := a.PartyID(); ok {
		return nil
	}
	return Errorf(EINVALID, field, "unknown audience %q (want mediators, plenary or party:<id>)", a)
}

// Caller is who is asking: a signed-in user and its grants, or System.
//
// The zero Caller, a nil *Caller and a context without a caller are all
// nobody: every method below answers false for nobody, so it may read and
// do nothing. A right is only ever granted by a method of Caller; no code
// outside this package tests for "no caller".
//
// System is the one caller that holds every right the methods grant: the
// command line, migrations, the demo loader and the web layer's
// authenticator looking up a session act as System. It has no grant on
// any track (Grant returns nil), so it is no party's delegate and answers
// no ballot on a party's behalf.
type Caller struct {
	User   *User
	Grants []*Member // the user's grants, on every track
	// Withheld are the tracks on which the user is a member but holds no
	// grant until it sets up a second factor (SecondFactorService).
	Withheld []int64

	system bool // set only on System
}

// System is the trusted caller of the command line, migrations, the demo
// loader and the authenticator's own lookups. It may read and do
// everything; give it only to code that acts for the operator of the
// store, never to a request.
var System = &Caller{system: true}

// IsSystem reports whether the caller is System.
func (c *Caller) IsSystem() bool { return c != nil && c.system }

// IsUser reports whether the caller is the signed-in, enabled user with
// the id.
func (c *Caller) IsUser(userID int64) bool {
	return c.signedInUser() && c.User.ID == userID
}

// SignedIn reports whether the caller is System or a signed-in, enabled
// user.
func (c *Caller) SignedIn() bool { return c.IsSystem() || c.signedInUser() }

func (c *Caller) signedInUser() bool { return c != nil && c.User != nil && !c.User.Disabled }

// Grant returns the caller's grant on a track, or nil (always nil for
// nobody and for System).
func (c *Caller) Grant(trackID int64) *Member {
	if !c.signedInUser() {
		return nil
	}
	for _, m := range c.Grants {
		if m.TrackID == trackID {
			return m
		}
	}
	return nil
}

// IsMediator reports whether the caller mediates the track (System acts
// as one).
func (c *Caller) IsMediator(trackID int64) bool {
	if c.IsSystem() {
		return true
	}
	g := c.Grant(trackID)
	return g != nil && g.Role == MemberMediator
}

// IsAdmin reports whether the caller administers accounts and memberships
// (System does). Being an administrator grants no read of sealed content.
func (c *Caller) IsAdmin() bool {
	return c.IsSystem() || (c.signedInUser() && c.User.Admin)
}

// CanRead is the one audience check: whether the caller may read a record of
// the track with the audience. Every read path of confidential content calls
// it, and a record that fails it is reported as not found.
func (c *Caller) CanRead(trackID int64, a Audience) bool {
	if c.IsSystem() {
		return true
	}
	g := c.Grant(trackID)
	if g == nil {
		return false
	}
	switch g.Role {
	case MemberMediator:
		return a == AudienceMediators || a == AudiencePlenary || strings.HasPrefix(string(a), "party:")
	case MemberDelegate:
		if a == AudiencePlenary {
			return true
		}
		id, ok := a.PartyID()
		return ok && g.PartyID != nil && *g.PartyID == id
	case MemberObserver, MemberVerifier, MemberGuarantor:
		return a == AudiencePlenary
	}
	return false
}

// CanSeeTrack reports whether the caller may see a track's map — its
// title, status and history, parties, venues, themes, members, meetings
// (without sealed minutes) and linked events: members of the track see it,
// and administrators, who manage memberships. It grants no sealed content.
func (c *Caller) CanSeeTrack(trackID int64) bool {
	return c.CanRead(trackID, AudiencePlenary) || c.IsAdmin()
}

// CanEditTrack reports whether the caller may change a track's map: its
// fields and status, themes, meetings and the events linked to it. Only the
// track's mediators may.
func (c *Caller) CanEditTrack(trackID int64) bool { return c.IsMediator(trackID) }

// CanOpenTrack reports whether the caller may open a new track (and so
// create the parties and venues it needs): administrators, the users an
// administrator made mediators, and whoever mediates a track already. A
// caller who opens a track mediates it.
func (c *Caller) CanOpenTrack() bool {
	if c.IsAdmin() {
		return true
	}
	if !c.signedInUser() {
		return false
	}
	if c.User.Mediator {
		return true
	}
	for _, g := range c.Grants {
		if g.Role == MemberMediator {
			return true
		}
	}
	return false
}

// CanGrant reports whether the caller may grant, change or withdraw a
// role on a track (directly or by an invitation): administrators any role,
// the track's mediators every role but mediator — an administrator makes
// mediators.
func (c *Caller) CanGrant(trackID int64, role MemberRole) bool {
	if c.IsAdmin() {
		return true
	}
	return role != MemberMediator && c.IsMediator(trackID)
}

// CanReport reports whether the caller may report on the implementation
// of the track's agreements: its mediators, verifiers and guarantors.
func (c *Caller) CanReport(trackID int64) bool {
	if c.CanEditTrack(trackID) || c.CanVerify(trackID) {
		return true
	}
	g := c.Grant(trackID)
	return g != nil && g.Role == MemberGuarantor
}

// CanEditProfile reports whether the caller may store a new version of a
// party's profile on a track: that party's delegates and the mediators.
func (c *Caller) CanEditProfile(trackID, partyID int64) bool {
	if c.IsSystem() {
		return true
	}
	g := c.Grant(trackID)
	if g == nil {
		return false
	}
	return g.Role == MemberMediator || (g.Role == MemberDelegate && g.PartyID != nil && *g.PartyID == partyID)
}

// CanAnswerBallot reports whether the caller may answer a ballot of the
// track on behalf of the party: a delegate of that party only (and System).
// Mediators put ballots; they never answer them.
func (c *Caller) CanAnswerBallot(trackID, partyID int64) bool {
	if c.IsSystem() {
		return true
	}
	g := c.Grant(trackID)
	return g != nil && g.Role == MemberDelegate && g.PartyID != nil && *g.PartyID == partyID
}

// Who may do what, in one table (the stores and the web layer apply it;
// System may do everything, nobody nothing):
//
//	parties, venues: read by anyone signed in; created per CanOpenTrack,
//	  changed by administrators
//	users: written by administrators; a user reads itself
//	memberships and invitations: per CanGrant (administrators; a track's
//	  mediators for every role but mediator)
//	tracks: opened per CanOpenTrack (the opener mediates it); the map
//	  read per CanSeeTrack and written per CanEditTrack
//	monitoring reports: written per CanReport
//	records with an audience (profiles, minutes, notes, proposals and
//	  their responses, negotiating texts with their versions): read per
//	  CanRead; profiles written per CanEditProfile; a proposal or response
//	  on behalf of a party per CanEditProfile, on behalf of the mediators
//	  and texts per CanEditTrack
//	ballots (the mediators' proposal with secret answers): read per
//	  CanRead with party:<id> for one of the parties it is put to; put per
//	  CanEditTrack; answered only by a delegate of its own party; no read
//	  path reveals an answer, only "accepted by all" or "not accepted"
//	prisoner exchanges: map data, created per CanEditTrack; a side's list
//	  of persons read per CanReadPrisoners (its party audience and the
//	  track's verifiers), written per CanEditProfile for that side;
//	  matches confirmed and shared per CanEditTrack and verified per
//	  CanVerify; one person read per CanReadPerson (its list's readers,
//	  and the other side's delegates once its match is shared)
//	children's return cases: read per CanRead, written per CanEditTrack;
//	  their counts per stage read per CanSeeTrack

type callerKey struct{}

// NewContextWithCaller returns a context carrying the caller (nil is
// nobody); it also records the caller's user as the actor of changes.
// System leaves the actor as it is: a change the web layer makes as System
// on a user's behalf is still recorded as the user's.
func NewContextWithCaller(ctx context.Context, c *Caller) context.Context {
	ctx = context.WithValue(ctx, callerKey{}, c)
	if c != nil && c.User != nil {
		ctx = NewContextWithActor(ctx, c.User.ID)
	}
	return ctx
}

// CallerFromContext returns the context's caller, never nil: a context
// without one (or with a nil one) gives a Caller that is nobody.
func CallerFromContext(ctx context.Context) *Caller {
	if c, _ := ctx.Value(callerKey{}).(*Caller); c != nil {
		return c
	}
	return &Caller{}
}
