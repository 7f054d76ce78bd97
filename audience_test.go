package parley

import (
	"fmt"
	"testing"
)

func TestCanRead(t *testing.T) {
	ua, ru := int64(1), int64(2)
	const track, other = 10, 11
	user := &User{ID: 7}
	callers := map[string]*Caller{
		"nobody":      nil,
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
