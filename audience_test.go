package parley

import (
	"context"
	"fmt"
	"testing"
)

func TestCanRead(t *testing.T) {
	ua, ru := int64(1), int64(2)
	const track, other = 10, 11
	user := &User{ID: 7}
	callers := map[string]*Caller{
		"nobody":      nil,
		"zero":        {},
		"system":      System,
		"no grants":   {User: user},
		"mediator":    {User: user, Grants: []*Member{{TrackID: track, Role: MemberMediator}}},
		"ua delegate": {User: user, Grants: []*Member{{TrackID: track, Role: MemberDelegate, PartyID: &ua}}},
		"observer":    {User: user, Grants: []*Member{{TrackID: track, Role: MemberObserver, PartyID: &ru}}},
		"verifier":    {User: user, Grants: []*Member{{TrackID: track, Role: MemberVerifier}}},
		"admin":       {User: &User{ID: 8, Admin: true}},
		"disabled":    {User: &User{ID: 9, Disabled: true}, Grants: []*Member{{TrackID: track, Role: MemberMediator}}},
		"other track": {User: user, Grants: []*Member{{TrackID: other, Role: MemberMediator}}},
	}
	audiences := []Audience{AudienceMediators, AudiencePlenary, PartyAudience(ua), PartyAudience(ru)}
	want := map[string][]bool{ // in the order of audiences
		"nobody":      {false, false, false, false},
		"zero":        {false, false, false, false},
		"system":      {true, true, true, true},
		"no grants":   {false, false, false, false},
		"mediator":    {true, true, true, true},
		"ua delegate": {false, true, true, false},
		"observer":    {false, true, false, false},
		"verifier":    {false, true, false, false},
		"admin":       {false, false, false, false},
		"disabled":    {false, false, false, false},
		"other track": {false, false, false, false},
	}
	for name, c := range callers {
		for i, a := range audiences {
			if got := c.CanRead(track, a); got != want[name][i] {
				t.Errorf("%s.CanRead(%s) = %v, want %v", name, a, got, want[name][i])
			}
		}
	}
}

func TestAudienceParse(t *testing.T) {
	for _, tt := range []struct {
		a  Audience
		ok bool
	}{
		{"mediators", true}, {"plenary", true}, {"party:1", true}, {"party:42", true},
		{"party:0", false}, {"party:-1", false}, {"party:01", false}, {"party:", false},
		{"party:1x", false}, {"Mediators", false}, {"", false}, {"party:99999999999999999999", false},
	} {
		err := tt.a.Validate("audience")
		if (err == nil) != tt.ok {
			t.Errorf("Audience(%q).Validate() = %v, want ok=%v", tt.a, err, tt.ok)
		}
		if err != nil && ErrorField(err) != "audience" {
			t.Errorf("error %v does not name the field", err)
		}
	}
	if got := fmt.Sprint(PartyAudience(3)); got != "party:3" {
		t.Errorf("PartyAudience(3) = %s", got)
	}
}

// TestSystemAndNobody: System holds every right a Caller method grants and
// no grant; nobody (nil, the zero Caller, a context without a caller, a
// disabled user) holds none.
func TestSystemAndNobody(t *testing.T) {
	const track, party = 10, 1
	e := &Exchange{TrackID: track, SideA: 1, SideB: 2}
	rights := func(c *Caller) []bool {
		return []bool{c.SignedIn(), c.IsAdmin(), c.IsMediator(track), c.CanSeeTrack(track), c.CanEditTrack(track),
			c.CanEditProfile(track, party), c.CanRead(track, AudienceMediators), c.CanVerify(track),
			c.CanReadPrisoners(track, party), c.CanReadPerson(e, party, false), c.CanAnswerBallot(track, party)}
	}
	for _, r := range rights(System) {
		if !r {
			t.Fatalf("System lacks a right: %v", rights(System))
		}
	}
	if System.Grant(track) != nil || System.IsUser(0) || !System.IsSystem() {
		t.Error("System has a grant, is a user or is not System")
	}
	disabled := &Caller{User: &User{ID: 3, Admin: true, Disabled: true}, Grants: []*Member{{TrackID: track, Role: MemberMediator}}}
	for name, c := range map[string]*Caller{"nil": nil, "zero": {}, "from a bare context": CallerFromContext(context.Background()),
		"nil in the context": CallerFromContext(NewContextWithCaller(context.Background(), nil)), "disabled": disabled} {
		for i, r := range rights(c) {
			if r {
				t.Errorf("%s has right %d", name, i)
			}
		}
		if c.IsSystem() || c.Grant(track) != nil || c.IsUser(3) {
			t.Errorf("%s is System, has a grant or is a user", name)
		}
	}
	if c := CallerFromContext(NewContextWithCaller(context.Background(), System)); !c.IsSystem() {
		t.Error("System does not survive the context")
	}
	if (&Caller{User: &User{ID: 5}}).IsSystem() {
		t.Error("a user is System")
	}
}
