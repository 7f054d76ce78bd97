package desk

import (
	"context"

	"github.com/parley-talks/parley"
)

// access is what the caller may do on one track, for choosing the
// controls a page offers: the mediators' forms, a delegate's answer, the
// links to the profiles the caller reads. It asks the root package's
// Caller, whose rules are the ones the store applies; the store checks
// every read and write again, so a flag wrong here could only show a form
// the store then refuses, never a record. It is the pages' one source of
// such flags.
type access struct {
	caller *parley.Caller
	track  int64
}

// accessTo returns the caller's access to the track.
func accessTo(ctx context.Context, trackID int64) access {
	return access{caller: parley.CallerFromContext(ctx), track: trackID}
}

// Mediator: the caller changes the track (its mediators, the system).
func (a access) Mediator() bool { return a.caller.CanEditTrack(a.track) }

// Analyst: the caller reads the analysis, which combines every party's
// sealed profile (the track's mediators).
func (a access) Analyst() bool { return a.caller.IsMediator(a.track) }

// Verifier: the caller is one of the track's verifiers.
func (a access) Verifier() bool { return a.caller.CanVerify(a.track) }

// Reporter: the caller reports on the implementation of the track's
// agreements (its mediators, verifiers and guarantors).
func (a access) Reporter() bool { return a.caller.CanReport(a.track) }

// Party is the party the caller writes for: its own for a delegate, nil
// (the mediators) for a mediator; ok is false for a caller who writes for
// no one.
func (a access) Party() (party *int64, ok bool) {
	if a.Mediator() {
		return nil, true
	}
	if g := a.caller.Grant(a.track); g != nil && g.Role == parley.MemberDelegate && g.PartyID != nil {
		return g.PartyID, true
	}
	return nil, false
}

// ReadsProfile: the caller reads the party's sealed profile.
func (a access) ReadsProfile(party int64) bool {
	return a.caller.CanRead(a.track, parley.PartyAudience(party))
}

// EditsProfile: the caller stores the party's profile (and its list of an
// exchange).
func (a access) EditsProfile(party int64) bool {
	return a.caller.CanEditProfile(a.track, party)
}

// ReadsList: the caller reads the side's whole list of an exchange.
func (a access) ReadsList(party int64) bool {
	return a.caller.CanReadPrisoners(a.track, party)
}
