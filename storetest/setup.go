package storetest

import (
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/parley-talks/parley"
)

// Setting up talks: mediators an administrator made open tracks, create
// parties and venues, and grant roles on their tracks (every role but
// mediator) directly or by invitation; guarantors read the plenary; a
// track's start moves so that earlier history can be entered; a collapsed
// track is revived as a new one.

func testSetUpTalks(t *testing.T, s parley.Store) {
	w := NewWorld(t, s)
	opener := &parley.User{Email: "opener@demo.parley", Name: "Opening mediator", Mediator: true, PasswordHash: w.Mediator.PasswordHash}
	must(t, s.CreateUser(ctx, opener))
	got, err := s.FindUserByID(ctx, opener.ID)
	must(t, err)
	if !got.Mediator {
		t.Fatalf("an administrator's mediator reads back as %+v", got)
	}
	asUser := func(u *parley.User) context.Context {
		grants, err := s.FindMembershipsOfUser(ctx, u.ID)
		must(t, err)
		u, err = s.FindUserByID(ctx, u.ID)
		must(t, err)
		return as(&parley.Caller{User: u, Grants: grants})
	}

	// A mediator of no track opens one, and mediates it.
	mc := asUser(opener)
	p := &parley.Party{Name: "Armenia", Kind: parley.PartyState}
	must(t, s.CreateParty(mc, p))
	v := &parley.Venue{Name: "Abu Dhabi", City: "Abu Dhabi"}
	must(t, s.CreateVenue(mc, v))
	tr := &parley.Track{Title: "Border delimitation", Parties: []parley.TrackParty{{PartyID: p.ID, Role: parley.RolePrincipal}, {PartyID: w.Russia.ID, Role: parley.RolePrincipal}}, VenueIDs: []int64{v.ID}}
	must(t, s.CreateTrack(mc, tr))
	members, err := s.FindMembers(ctx, tr.ID)
	must(t, err)
	if len(members) != 1 || members[0].UserID != opener.ID || members[0].Role != parley.MemberMediator {
		t.Fatalf("the opener's grant: %+v", members)
	}
	mc = asUser(opener)
	th := &parley.Theme{TrackID: tr.ID, Name: "Enclaves", Options: []parley.Option{{Label: "exchange"}, {Label: "keep"}}}
	must(t, s.CreateTheme(mc, th))

	// The mediator grants roles on its track, every one but mediator.
	g := &parley.Member{TrackID: tr.ID, UserID: w.Delegate.ID, Role: parley.MemberGuarantor, PartyID: &w.Qatar.ID}
	must(t, s.CreateMember(mc, g))
	role := parley.MemberObserver
	if _, err := s.UpdateMember(mc, g.ID, parley.MemberUpdate{Role: &role}); err != nil {
		t.Fatal(err)
	}
	role = parley.MemberGuarantor
	_, err = s.UpdateMember(mc, g.ID, parley.MemberUpdate{Role: &role})
	must(t, err)

	// A guarantor reads the plenary, not a party's or the mediators'.
	gc := asUser(w.Delegate)
	c := parley.CallerFromContext(gc)
	if !c.CanRead(tr.ID, parley.AudiencePlenary) || c.CanRead(tr.ID, parley.PartyAudience(p.ID)) || c.CanRead(tr.ID, parley.AudienceMediators) {
		t.Errorf("a guarantor's reads: plenary %v, a party's %v, the mediators' %v", c.CanRead(tr.ID, parley.AudiencePlenary),
			c.CanRead(tr.ID, parley.PartyAudience(p.ID)), c.CanRead(tr.ID, parley.AudienceMediators))
	}
	if !c.CanReport(tr.ID) || c.CanEditTrack(tr.ID) || c.CanVerify(tr.ID) || c.CanOpenTrack() {
		t.Errorf("a guarantor's rights: report %v, edit %v, verify %v, open %v", c.CanReport(tr.ID), c.CanEditTrack(tr.ID), c.CanVerify(tr.ID), c.CanOpenTrack())
	}

	plain := asUser(w.Delegate) // a guarantor elsewhere, no mediator
	mediatorRole := parley.MemberMediator
	checkRefusals(t, s, []refusal{
		{"a delegate opens a track", parley.EFORBIDDEN, "", nil, func() error { return s.CreateTrack(plain, &parley.Track{Title: "Own track"}) }},
		{"a delegate creates a party", parley.EFORBIDDEN, "", nil, func() error {
			return s.CreateParty(plain, &parley.Party{Name: "Own party", Kind: parley.PartyState})
		}},
		{"a delegate creates a venue", parley.EFORBIDDEN, "", nil, func() error { return s.CreateVenue(plain, &parley.Venue{Name: "Own venue", City: "Baku"}) }},
		{"a mediator makes a mediator", parley.EFORBIDDEN, "", []string{"administrators"}, func() error {
			return s.CreateMember(mc, &parley.Member{TrackID: tr.ID, UserID: w.Mediator.ID, Role: parley.MemberMediator})
		}},
		{"a mediator promotes to mediator", parley.EFORBIDDEN, "", nil, func() error {
			_, err := s.UpdateMember(mc, g.ID, parley.MemberUpdate{Role: &mediatorRole})
			return err
		}},
		{"a mediator grants on another's track", parley.ENOTFOUND, "", nil, func() error {
			return s.CreateMember(mc, &parley.Member{TrackID: w.Track.ID, UserID: w.Delegate.ID, Role: parley.MemberObserver})
		}},
		{"a mediator revokes on another's track", parley.ENOTFOUND, "", nil, func() error {
			ms, err := s.FindMembers(ctx, w.Track.ID)
			must(t, err)
			return s.DeleteMember(mc, ms[0].ID)
		}},
		{"a guarantor grants", parley.EFORBIDDEN, "", nil, func() error {
			return s.CreateMember(gc, &parley.Member{TrackID: tr.ID, UserID: w.Mediator.ID, Role: parley.MemberObserver})
		}},
		{"a mediator changes a party", parley.EFORBIDDEN, "", nil, func() error {
			name := "Renamed"
			_, err := s.UpdateParty(mc, p.ID, parley.PartyUpdate{Name: &name})
			return err
		}},
	})
	must(t, s.DeleteMember(mc, g.ID))
}

func testInvitations(t *testing.T, s parley.Store) {
	w := NewWorld(t, s)
	grants, err := s.FindMembershipsOfUser(ctx, w.Mediator.ID)
	must(t, err)
	mc := as(&parley.Caller{User: w.Mediator, Grants: grants})
	secret := func(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

	inv := &parley.Invitation{Email: " Russia@Demo.Parley ", Name: "Russia's delegate", TrackID: &w.Track.ID, Role: parley.MemberDelegate, PartyID: &w.Russia.ID, SecretHash: secret("ru")}
	must(t, s.CreateInvitation(mc, inv))
	if inv.ID <= 0 || inv.Email != "russia@demo.parley" || inv.CreatedBy == nil || *inv.CreatedBy != w.Mediator.ID ||
		inv.ExpiresAt.Sub(inv.CreatedAt) != parley.InvitationTTL || !inv.Pending(inv.CreatedAt) {
		t.Fatalf("after create: %+v", inv)
	}
	list, err := s.FindInvitations(mc, &w.Track.ID)
	must(t, err)
	diff(t, "invitations of the track", []*parley.Invitation{inv}, list)
	found, err := s.FindInvitationByHash(ctx, inv.SecretHash)
	must(t, err)
	diff(t, "invitation by hash", inv, found)

	// Accepting creates the account and the grant, once.
	u := &parley.User{Name: "Sergei", PasswordHash: w.Mediator.PasswordHash}
	accepted, err := s.AcceptInvitation(ctx, inv.SecretHash, u)
	must(t, err)
	if u.ID <= 0 || u.Email != "russia@demo.parley" || accepted.AcceptedAt == nil || accepted.UserID == nil || *accepted.UserID != u.ID {
		t.Fatalf("accepted: %+v by %+v", accepted, u)
	}
	mine, err := s.FindMembershipsOfUser(ctx, u.ID)
	must(t, err)
	if len(mine) != 1 || mine[0].Role != parley.MemberDelegate || *mine[0].PartyID != w.Russia.ID || mine[0].TrackID != w.Track.ID {
		t.Fatalf("the grant of the accepted invitation: %+v", mine)
	}

	// An existing account takes a second invitation (to another track).
	other := &parley.Track{Title: "Grain corridor"}
	must(t, s.CreateTrack(ctx, other))
	again := &parley.Invitation{Email: u.Email, Name: u.Name, TrackID: &other.ID, Role: parley.MemberObserver, SecretHash: secret("again")}
	must(t, s.CreateInvitation(ctx, again))
	_, err = s.AcceptInvitation(ctx, again.SecretHash, &parley.User{ID: u.ID})
	must(t, err)

	// An administrator makes a mediator of no track.
	med := &parley.Invitation{Email: "new.mediator@demo.parley", Name: "New mediator", Role: parley.MemberMediator, SecretHash: secret("med")}
	must(t, s.CreateInvitation(ctx, med))
	nm := &parley.User{PasswordHash: w.Mediator.PasswordHash}
	_, err = s.AcceptInvitation(ctx, med.SecretHash, nm)
	must(t, err)
	if got, err := s.FindUserByID(ctx, nm.ID); err != nil || !got.Mediator || got.Name != "New mediator" {
		t.Fatalf("the invited mediator: %+v, %v", got, err)
	}

	expired := &parley.Invitation{Email: "late@demo.parley", Name: "Late", TrackID: &w.Track.ID, Role: parley.MemberObserver, SecretHash: secret("late")}
	must(t, s.CreateInvitation(mc, expired))
	must(t, s.RevokeInvitation(mc, expired.ID))
	stranger := as(&parley.Caller{User: w.Delegate})
	checkRefusals(t, s, []refusal{
		{"used twice", parley.ECONFLICT, "", []string{"used"}, func() error {
			_, err := s.AcceptInvitation(ctx, inv.SecretHash, &parley.User{PasswordHash: w.Mediator.PasswordHash})
			return err
		}},
		{"revoked", parley.EINVALID, "", []string{"expired"}, func() error {
			_, err := s.AcceptInvitation(ctx, expired.SecretHash, &parley.User{PasswordHash: w.Mediator.PasswordHash})
			return err
		}},
		{"unknown secret", parley.ENOTFOUND, "", nil, func() error {
			_, err := s.AcceptInvitation(ctx, secret("nobody"), &parley.User{PasswordHash: w.Mediator.PasswordHash})
			return err
		}},
		{"accepted by a user", parley.EFORBIDDEN, "", nil, func() error {
			_, err := s.AcceptInvitation(mc, secret("x"), &parley.User{})
			return err
		}},
		{"another account's address", parley.EINVALID, "email", nil, func() error {
			x := &parley.Invitation{Email: "x@demo.parley", Name: "X", TrackID: &w.Track.ID, Role: parley.MemberObserver, SecretHash: secret("x")}
			must(t, s.CreateInvitation(ctx, x))
			_, err := s.AcceptInvitation(ctx, x.SecretHash, &parley.User{ID: w.Delegate.ID})
			must(t, s.RevokeInvitation(ctx, x.ID))
			return err
		}},
		{"a mediator invites a mediator", parley.EFORBIDDEN, "", nil, func() error {
			return s.CreateInvitation(mc, &parley.Invitation{Email: "m@demo.parley", Name: "M", TrackID: &w.Track.ID, Role: parley.MemberMediator, SecretHash: secret("m")})
		}},
		{"a mediator makes a mediator of no track", parley.EFORBIDDEN, "", nil, func() error {
			return s.CreateInvitation(mc, &parley.Invitation{Email: "m@demo.parley", Name: "M", Role: parley.MemberMediator, SecretHash: secret("m")})
		}},
		{"a stranger invites", parley.ENOTFOUND, "", nil, func() error {
			return s.CreateInvitation(stranger, &parley.Invitation{Email: "s@demo.parley", Name: "S", TrackID: &w.Track.ID, Role: parley.MemberObserver, SecretHash: secret("s")})
		}},
		{"a delegate of no party", parley.EINVALID, "party_id", nil, func() error {
			return s.CreateInvitation(mc, &parley.Invitation{Email: "d@demo.parley", Name: "D", TrackID: &w.Track.ID, Role: parley.MemberDelegate, SecretHash: secret("d")})
		}},
		{"a party that does not exist", parley.EINVALID, "party_id", nil, func() error {
			bad := int64(999)
			return s.CreateInvitation(mc, &parley.Invitation{Email: "d@demo.parley", Name: "D", TrackID: &w.Track.ID, Role: parley.MemberDelegate, PartyID: &bad, SecretHash: secret("d")})
		}},
		{"a bad address", parley.EINVALID, "email", nil, func() error {
			return s.CreateInvitation(mc, &parley.Invitation{Email: "not an address", Name: "D", TrackID: &w.Track.ID, Role: parley.MemberObserver, SecretHash: secret("d")})
		}},
	})
	if _, err := s.FindInvitations(stranger, &w.Track.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("a stranger lists the invitations: %v", err)
	}
	if err := s.RevokeInvitation(stranger, inv.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("a stranger revokes an invitation: %v", err)
	}
}

func testTrackHistory(t *testing.T, s parley.Store) {
	w := NewWorld(t, s)
	trs, err := s.FindTransitions(ctx, w.Track.ID)
	must(t, err)
	start := trs[0].At
	before := start.Add(-90 * 24 * time.Hour)
	checkRefusals(t, s, []refusal{
		{"a transition before the start", parley.EINVALID, "at", nil, func() error {
			_, err := s.TransitionTrack(ctx, w.Track.ID, parley.TransitionRequest{To: parley.StatusPaused, Reason: "talks broke off", At: &before})
			return err
		}},
		{"the start after today", parley.EINVALID, "at", []string{"today"}, func() error {
			_, err := s.MoveTrackStart(ctx, w.Track.ID, time.Now().Add(48*time.Hour))
			return err
		}},
		{"the start by a delegate", parley.EFORBIDDEN, "", nil, func() error {
			m := &parley.Member{TrackID: w.Track.ID, UserID: w.Delegate.ID, Role: parley.MemberDelegate, PartyID: &w.Ukraine.ID}
			_, err := s.MoveTrackStart(as(&parley.Caller{User: w.Delegate, Grants: []*parley.Member{m}}), w.Track.ID, before)
			return err
		}},
	})
	moved, err := s.MoveTrackStart(ctx, w.Track.ID, before.Add(-time.Hour))
	must(t, err)
	if !moved.At.Equal(before.Add(-time.Hour)) || moved.Reason != "created" {
		t.Fatalf("moved start: %+v", moved)
	}
	first := &parley.Meeting{TrackID: w.Track.ID, Title: "First contacts", Format: parley.FormatCaucus, StartsAt: before}
	must(t, s.CreateMeeting(ctx, first))
	for _, step := range []parley.Status{parley.StatusPaused, parley.StatusCollapsed} {
		at := before.Add(time.Duration(len(step)) * time.Hour)
		if _, err := s.TransitionTrack(ctx, w.Track.ID, parley.TransitionRequest{To: step, Reason: "history", At: &at}); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	trs, err = s.FindTransitions(ctx, w.Track.ID)
	must(t, err)
	for i := 1; i < len(trs); i++ {
		if trs[i].At.Before(trs[i-1].At) {
			t.Errorf("transitions out of order: %v before %v", trs[i].At, trs[i-1].At)
		}
	}

	// The collapsed track revived as a new one, linked both ways.
	next := &parley.Track{Title: "Energy strikes, second round", Parties: w.Track.Parties}
	must(t, s.ReviveTrack(ctx, w.Track.ID, next, "both sides asked to resume"))
	old, err := s.FindTrackByID(ctx, w.Track.ID)
	must(t, err)
	succ, err := s.FindTrackByID(ctx, next.ID)
	must(t, err)
	if old.RevivedAs == nil || *old.RevivedAs != next.ID || succ.Revives == nil || *succ.Revives != w.Track.ID {
		t.Fatalf("revival links: %v, %v", old.RevivedAs, succ.Revives)
	}
	tracks, _, err := s.FindTracks(ctx, parley.TrackFilter{})
	must(t, err)
	for _, tr := range tracks {
		if tr.ID == next.ID && (tr.Revives == nil || *tr.Revives != w.Track.ID) {
			t.Errorf("FindTracks loses the revival: %+v", tr)
		}
	}
	active := newTrack(t, s, "Still active", parley.StatusActive)
	checkRefusals(t, s, []refusal{
		{"revived twice", parley.ECONFLICT, "", []string{"revived already"}, func() error {
			return s.ReviveTrack(ctx, w.Track.ID, &parley.Track{Title: "Third round"}, "again")
		}},
		{"not collapsed", parley.ECONFLICT, "", []string{"only a collapsed track"}, func() error {
			return s.ReviveTrack(ctx, active.ID, &parley.Track{Title: "Fourth round"}, "again")
		}},
		{"without a reason", parley.EINVALID, "reason", nil, func() error {
			return s.ReviveTrack(ctx, active.ID, &parley.Track{Title: "Fifth round"}, " ")
		}},
	})
}

// setupTamperExtras gives the tamper suite's fixture a row of each table
// of setting up talks: a mediator account, an invitation and a revival.
func setupTamperExtras(t *testing.T, s parley.Store) {
	t.Helper()
	u := &parley.User{Email: "tamper.mediator@demo.parley", Name: "Tamper mediator", Mediator: true, PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA"}
	must(t, s.CreateUser(ctx, u))
	h := sha256.Sum256([]byte("tamper suite invitation"))
	must(t, s.CreateInvitation(ctx, &parley.Invitation{Email: "invited@demo.parley", Name: "Invited", Role: parley.MemberMediator, SecretHash: h[:]}))
	old := &parley.Track{Title: "Tamper suite collapsed track", Status: parley.StatusCollapsed}
	must(t, s.CreateTrack(ctx, old))
	must(t, s.ReviveTrack(ctx, old.ID, &parley.Track{Title: "Tamper suite revived track"}, "resumed"))
}

func init() {
	readers["mediator_accounts"] = func(s parley.Store, r map[string]any) error {
		_, err := s.FindUserByID(ctx, rowInt(r, "user_id"))
		return err
	}
	readers["invitations"] = func(s parley.Store, r map[string]any) error {
		h, _ := r["secret_hash"].([]byte)
		_, err := s.FindInvitationByHash(ctx, h)
		return err
	}
	readers["track_revivals"] = func(s parley.Store, r map[string]any) error {
		_, err := s.FindTrackByID(ctx, rowInt(r, "track_id"))
		return err
	}
}
