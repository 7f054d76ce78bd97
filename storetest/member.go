package storetest

import (
	"testing"

	"github.com/parley-talks/parley"
)

func testMembers(t *testing.T, s parley.Store) {
	w := NewWorld(t, s)
	other := newTrack(t, s, "Prisoner exchanges", parley.StatusActive)
	before, err := s.FindMembers(ctx, w.Track.ID)
	must(t, err)

	ua := &parley.Member{TrackID: w.Track.ID, UserID: w.Delegate.ID, Role: parley.MemberDelegate, PartyID: &w.Ukraine.ID}
	must(t, s.CreateMember(ctx, ua))
	if ua.ID <= 0 || ua.CreatedAt.IsZero() {
		t.Fatalf("after create: %+v", ua)
	}
	got, err := s.FindMemberByID(ctx, ua.ID)
	must(t, err)
	diff(t, "found member", ua, got)

	obs := &parley.Member{TrackID: other.ID, UserID: w.Delegate.ID, Role: parley.MemberObserver}
	must(t, s.CreateMember(ctx, obs))

	members, err := s.FindMembers(ctx, w.Track.ID)
	must(t, err)
	diff(t, "members of the track", append(before, ua), members)
	members, err = s.FindMembers(ctx, other.ID)
	must(t, err)
	diff(t, "members of the other track", []*parley.Member{obs}, members)
	mine, err := s.FindMembershipsOfUser(ctx, w.Delegate.ID)
	must(t, err)
	diff(t, "memberships of the delegate", []*parley.Member{ua, obs}, mine)
	none, err := s.FindMembershipsOfUser(ctx, 999)
	must(t, err)
	if len(none) != 0 {
		t.Errorf("memberships of an unknown user: %v", none)
	}

	// An observer may speak for a party; a role change to mediator must drop it.
	up, err := s.UpdateMember(ctx, obs.ID, parley.MemberUpdate{PartyID: ptr(&w.UN.ID)})
	must(t, err)
	if up.Role != parley.MemberObserver || up.PartyID == nil || *up.PartyID != w.UN.ID {
		t.Errorf("after party update: %+v", up)
	}
	up, err = s.UpdateMember(ctx, obs.ID, parley.MemberUpdate{Role: ptr(parley.MemberMediator), PartyID: ptr[*int64](nil)})
	must(t, err)
	got, err = s.FindMemberByID(ctx, obs.ID)
	must(t, err)
	diff(t, "updated member", up, got)
	if got.Role != parley.MemberMediator || got.PartyID != nil {
		t.Errorf("after role update: %+v", got)
	}

	must(t, s.DeleteMember(ctx, obs.ID))
	_, err = s.FindMemberByID(ctx, obs.ID)
	checkErr(t, err, parley.ENOTFOUND, "")
	mine, err = s.FindMembershipsOfUser(ctx, w.Delegate.ID)
	must(t, err)
	diff(t, "memberships after revoking one", []*parley.Member{ua}, mine)
	// A revoked grant may be given again, under a new id.
	again := &parley.Member{TrackID: other.ID, UserID: w.Delegate.ID, Role: parley.MemberVerifier}
	must(t, s.CreateMember(ctx, again))
	if again.ID == obs.ID {
		t.Errorf("a new grant reuses the revoked grant's id %d", obs.ID)
	}
}

func testMemberErrors(t *testing.T, s parley.Store) {
	w := NewWorld(t, s)
	ua := &parley.Member{TrackID: w.Track.ID, UserID: w.Delegate.ID, Role: parley.MemberDelegate, PartyID: &w.Ukraine.ID}
	must(t, s.CreateMember(ctx, ua))
	create := func(m parley.Member) func() error { return func() error { return s.CreateMember(ctx, &m) } }
	update := func(id int64, upd parley.MemberUpdate) func() error {
		return func() error { _, err := s.UpdateMember(ctx, id, upd); return err }
	}
	checkRefusals(t, s, []refusal{
		{"second grant on a track", parley.ECONFLICT, "user_id", nil,
			create(parley.Member{TrackID: w.Track.ID, UserID: w.Delegate.ID, Role: parley.MemberObserver})},
		{"unknown track", parley.EINVALID, "track_id", []string{"track 999 does not exist"},
			create(parley.Member{TrackID: 999, UserID: w.Delegate.ID, Role: parley.MemberObserver})},
		{"unknown user", parley.EINVALID, "user_id", []string{"user 999 does not exist"},
			create(parley.Member{TrackID: w.Track.ID, UserID: 999, Role: parley.MemberObserver})},
		{"unknown party", parley.EINVALID, "party_id", []string{"party 999 does not exist"},
			create(parley.Member{TrackID: w.Track.ID, UserID: w.Delegate.ID, Role: parley.MemberDelegate, PartyID: ptr[int64](999)})},
		{"missing user", parley.EINVALID, "user_id", nil, create(parley.Member{TrackID: w.Track.ID, Role: parley.MemberObserver})},
		{"unknown role", parley.EINVALID, "role", nil, create(parley.Member{TrackID: w.Track.ID, UserID: w.Delegate.ID, Role: "king"})},
		{"delegate without party", parley.EINVALID, "party_id", nil,
			create(parley.Member{TrackID: w.Track.ID, UserID: w.Delegate.ID, Role: parley.MemberDelegate})},
		{"mediator with party", parley.EINVALID, "party_id", nil,
			create(parley.Member{TrackID: w.Track.ID, UserID: w.Delegate.ID, Role: parley.MemberMediator, PartyID: &w.Qatar.ID})},
		{"update unknown", parley.ENOTFOUND, "", nil, update(999, parley.MemberUpdate{Role: ptr(parley.MemberObserver)})},
		{"update to unknown party", parley.EINVALID, "party_id", nil, update(ua.ID, parley.MemberUpdate{PartyID: ptr(ptr[int64](999))})},
		{"update delegate to no party", parley.EINVALID, "party_id", nil, update(ua.ID, parley.MemberUpdate{PartyID: ptr[*int64](nil)})},
		{"update to mediator keeping party", parley.EINVALID, "party_id", nil, update(ua.ID, parley.MemberUpdate{Role: ptr(parley.MemberMediator)})},
		{"delete unknown", parley.ENOTFOUND, "", nil, func() error { return s.DeleteMember(ctx, 999) }},
	})
	_, err := s.FindMemberByID(ctx, 999)
	checkErr(t, err, parley.ENOTFOUND, "")
	_, err = s.FindMembers(ctx, 999)
	checkErr(t, err, parley.ENOTFOUND, "")
}
