package storetest

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

// RunConfidential runs the suite of issue 7's store side: visibility per
// role, sealed profiles and notes, shredding and audit proofs. open must
// return a store opened with a master key.
func RunConfidential(t *testing.T, open Opener) {
	t.Run("Visibility", func(t *testing.T) { testVisibility(t, open(t)) })
	t.Run("Nobody", func(t *testing.T) { testNobody(t, open(t)) })
	t.Run("SealedProfiles", func(t *testing.T) { testSealedProfiles(t, open(t)) })
	t.Run("AuditProofs", func(t *testing.T) { testAuditProofs(t, open(t)) })
	t.Run("MemberNames", func(t *testing.T) { testMemberNames(t, open(t)) })
	RunProposals(t, open)
	RunExchanges(t, open)
	RunAgreements(t, open)
	RunLinks(t, open)
}

// Confidential is a fixture of two tracks, A and B, with Ukraine and Russia
// principals of both, and a user in every role of track A plus an
// administrator and an outsider.
type Confidential struct {
	UA, RU                                               *parley.Party
	A, B                                                 *parley.Track
	MeetingA, MeetingB                                   *parley.Meeting
	EventA, EventB, EventNone                            *parley.Event
	Admin, Mediator, DelegateUA, Observer, Verifier, Out *parley.Caller
	MediatorB                                            *parley.Caller
}

// NewConfidential builds the fixture as the trusted system.
func NewConfidential(t testing.TB, s parley.Store) *Confidential {
	t.Helper()
	f := &Confidential{}
	f.UA, f.RU = &parley.Party{Name: "Ukraine", Kind: parley.PartyState}, &parley.Party{Name: "Russia", Kind: parley.PartyState}
	must2(t, s.CreateParty(ctx, f.UA))
	must2(t, s.CreateParty(ctx, f.RU))
	track := func(title string) *parley.Track {
		tr := &parley.Track{Title: title, Mandate: "m", Parties: []parley.TrackParty{
			{PartyID: f.UA.ID, Role: parley.RolePrincipal}, {PartyID: f.RU.ID, Role: parley.RolePrincipal}},
			Themes: []*parley.Theme{{Name: "Ceasefire", Options: []parley.Option{{Label: "none"}, {Label: "full"}}}}}
		must2(t, s.CreateTrack(ctx, tr))
		return tr
	}
	f.A, f.B = track("Track A"), track("Track B")
	meeting := func(tr *parley.Track) *parley.Meeting {
		m := &parley.Meeting{TrackID: tr.ID, Title: "Round", Format: parley.FormatPlenary, StartsAt: day}
		must2(t, s.CreateMeeting(ctx, m))
		return m
	}
	f.MeetingA, f.MeetingB = meeting(f.A), meeting(f.B)
	event := func(title string, tracks ...int64) *parley.Event {
		e := &parley.Event{Title: title, OccurredAt: day, TrackIDs: tracks}
		must2(t, s.CreateEvent(ctx, e))
		return e
	}
	f.EventA, f.EventB, f.EventNone = event("on A", f.A.ID), event("on B", f.B.ID), event("on none")
	n := 0
	caller := func(admin bool, grants ...parley.Member) *parley.Caller {
		n++
		u := &parley.User{Email: "u" + string(rune('a'+n)) + "@test.parley", Name: "U", Admin: admin}
		must2(t, s.CreateUser(ctx, u))
		c := &parley.Caller{User: u}
		for _, g := range grants {
			g.UserID = u.ID
			must2(t, s.CreateMember(ctx, &g))
			c.Grants = append(c.Grants, &g)
		}
		return c
	}
	ua := f.UA.ID
	f.Admin = caller(true)
	f.Mediator = caller(false, parley.Member{TrackID: f.A.ID, Role: parley.MemberMediator})
	f.DelegateUA = caller(false, parley.Member{TrackID: f.A.ID, Role: parley.MemberDelegate, PartyID: &ua})
	f.Observer = caller(false, parley.Member{TrackID: f.A.ID, Role: parley.MemberObserver})
	f.Verifier = caller(false, parley.Member{TrackID: f.A.ID, Role: parley.MemberVerifier})
	f.Out = caller(false)
	f.MediatorB = caller(false, parley.Member{TrackID: f.B.ID, Role: parley.MemberMediator})
	return f
}

func must2(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func as(c *parley.Caller) context.Context { return parley.NewContextWithCaller(ctx, c) }

func code(err error) string { return parley.ErrorCode(err) }

func testVisibility(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	members := map[string]*parley.Caller{"mediator": f.Mediator, "delegate": f.DelegateUA, "observer": f.Observer, "verifier": f.Verifier}
	everyone := map[string]*parley.Caller{"admin": f.Admin, "outsider": f.Out}
	for k, v := range members {
		everyone[k] = v
	}
	for role, c := range everyone {
		t.Run(role, func(t *testing.T) {
			cx := as(c)
			wantTracks := 1
			switch role {
			case "admin":
				wantTracks = 2
			case "outsider":
				wantTracks = 0
			}
			tracks, total, err := s.FindTracks(cx, parley.TrackFilter{})
			must2(t, err)
			if len(tracks) != wantTracks || total != wantTracks {
				t.Errorf("FindTracks: %d tracks, total %d, want %d", len(tracks), total, wantTracks)
			}
			// Track B is invisible to every member of A and to outsiders.
			wantB := parley.ENOTFOUND
			if role == "admin" {
				wantB = ""
			}
			_, err = s.FindTrackByID(cx, f.B.ID)
			checkCode(t, "FindTrackByID(B)", err, wantB)
			_, err = s.FindThemes(cx, f.B.ID)
			checkCode(t, "FindThemes(B)", err, wantB)
			_, err = s.FindThemeByID(cx, f.B.Themes[0].ID)
			checkCode(t, "FindThemeByID(B)", err, wantB)
			_, err = s.FindTransitions(cx, f.B.ID)
			checkCode(t, "FindTransitions(B)", err, wantB)
			_, err = s.Timeline(cx, f.B.ID, parley.TimelinePage{})
			checkCode(t, "Timeline(B)", err, wantB)
			_, err = s.FindMembers(cx, f.B.ID)
			checkCode(t, "FindMembers(B)", err, wantB)
			_, err = s.FindMeetingByID(cx, f.MeetingB.ID)
			checkCode(t, "FindMeetingByID(B)", err, wantB)
			_, err = s.FindEventByID(cx, f.EventB.ID)
			checkCode(t, "FindEventByID(B)", err, wantB)
			_, err = s.FindEventByID(cx, f.EventNone.ID)
			checkCode(t, "FindEventByID(unlinked)", err, "")
			wantA := ""
			if role == "outsider" {
				wantA = parley.ENOTFOUND
			}
			_, err = s.FindTrackByID(cx, f.A.ID)
			checkCode(t, "FindTrackByID(A)", err, wantA)
			_, err = s.Timeline(cx, f.A.ID, parley.TimelinePage{})
			checkCode(t, "Timeline(A)", err, wantA)
			_, total, err = s.FindMeetings(cx, parley.MeetingFilter{})
			must2(t, err)
			if total != wantTracks {
				t.Errorf("FindMeetings total = %d, want %d", total, wantTracks)
			}
			_, total, err = s.FindEvents(cx, parley.EventFilter{})
			must2(t, err)
			if total != wantTracks+1 {
				t.Errorf("FindEvents total = %d, want %d", total, wantTracks+1)
			}
			_, total, err = s.FindUsers(cx, parley.Page{})
			must2(t, err)
			if role != "admin" && total != 1 {
				t.Errorf("FindUsers total = %d, want 1 (itself)", total)
			}
			_, err = s.FindUserByID(cx, f.MediatorB.User.ID)
			if role != "admin" {
				checkCode(t, "FindUserByID(other)", err, parley.ENOTFOUND)
			}
		})
	}
	// Writes, once every read has been checked: they add records.
	for role, c := range everyone {
		t.Run(role+"/writes", func(t *testing.T) {
			cx := as(c)
			var err error
			wantB := parley.ENOTFOUND
			if role == "admin" {
				wantB = ""
			}
			wantAdmin := parley.EFORBIDDEN
			if role == "admin" {
				wantAdmin = ""
			}
			wantOpen := parley.EFORBIDDEN // Caller.CanOpenTrack: administrators and mediators
			if c.CanOpenTrack() {
				wantOpen = ""
			}
			opened := c.CanOpenTrack() && role != "admin" // a mediator mediates the track it opens
			checkCode(t, "CreateTrack", s.CreateTrack(cx, &parley.Track{Title: "New " + role, Mandate: "m"}), wantOpen)
			checkCode(t, "CreateParty", s.CreateParty(cx, &parley.Party{Name: "P " + role, Kind: parley.PartyState}), wantOpen)
			checkCode(t, "CreateVenue", s.CreateVenue(cx, &parley.Venue{Name: "V " + role, City: "c", Country: "c"}), wantOpen)
			title := "A by " + role
			wantEdit := parley.EFORBIDDEN
			switch role {
			case "mediator":
				wantEdit = ""
			case "outsider":
				wantEdit = parley.ENOTFOUND
			}
			_, err = s.UpdateTrack(cx, f.A.ID, parley.TrackUpdate{Title: &title})
			checkCode(t, "UpdateTrack(A)", err, wantEdit)
			_, err = s.UpdateTrack(cx, f.B.ID, parley.TrackUpdate{Title: &title})
			if role != "admin" {
				checkCode(t, "UpdateTrack(B)", err, parley.ENOTFOUND)
			}
			_, err = s.TransitionTrack(cx, f.B.ID, parley.TransitionRequest{To: parley.StatusSuspended, Reason: "r"})
			if role != "admin" {
				checkCode(t, "TransitionTrack(B)", err, parley.ENOTFOUND)
			}
			_, err = s.TransitionTrack(cx, f.A.ID, parley.TransitionRequest{To: parley.StatusExploratory, Reason: "r"})
			if wantEdit != "" {
				checkCode(t, "TransitionTrack(A)", err, wantEdit)
			}
			desc := "by " + role
			_, err = s.UpdateTheme(cx, f.A.Themes[0].ID, parley.ThemeUpdate{Description: &desc})
			checkCode(t, "UpdateTheme(A)", err, wantEdit)
			_, err = s.UpdateTheme(cx, f.B.Themes[0].ID, parley.ThemeUpdate{Description: &desc})
			if role != "admin" {
				checkCode(t, "UpdateTheme(B)", err, parley.ENOTFOUND)
			}
			wantCreate := wantEdit
			if role == "outsider" {
				wantCreate = parley.EINVALID // linking to a track it cannot see is linking to nothing
			}
			checkCode(t, "CreateTheme(A)", s.CreateTheme(cx, &parley.Theme{TrackID: f.A.ID, Name: "Theme " + role, Options: []parley.Option{{Label: "a"}, {Label: "b"}}}), wantCreate)
			checkCode(t, "CreateMeeting(A)", s.CreateMeeting(cx, &parley.Meeting{TrackID: f.A.ID, Title: "M " + role, Format: parley.FormatCaucus, StartsAt: day}), wantCreate)
			_, err = s.UpdateMeeting(cx, f.MeetingA.ID, parley.MeetingUpdate{Title: &desc})
			checkCode(t, "UpdateMeeting(A)", err, wantEdit)
			_, err = s.UpdateMeeting(cx, f.MeetingB.ID, parley.MeetingUpdate{Title: &desc})
			if role != "admin" {
				checkCode(t, "UpdateMeeting(B)", err, parley.ENOTFOUND)
			}
			checkCode(t, "CreateEvent(A)", s.CreateEvent(cx, &parley.Event{Title: "E " + role, OccurredAt: day, TrackIDs: []int64{f.A.ID}}), wantCreate)
			checkCode(t, "CreateEvent(unlinked)", s.CreateEvent(cx, &parley.Event{Title: "F " + role, OccurredAt: day}), wantAdmin)
			_, err = s.UpdateEvent(cx, f.EventA.ID, parley.EventUpdate{Title: &desc})
			checkCode(t, "UpdateEvent(A)", err, wantEdit)
			_, err = s.UpdateEvent(cx, f.EventB.ID, parley.EventUpdate{Title: &desc})
			if role != "admin" {
				checkCode(t, "UpdateEvent(B)", err, parley.ENOTFOUND)
			}
			// Memberships and accounts are the administrators'.
			_, err = s.FindMemberByID(cx, f.MediatorB.Grants[0].ID)
			checkCode(t, "FindMemberByID(B)", err, wantB)
			ms, err := s.FindMembershipsOfUser(cx, f.MediatorB.User.ID)
			must2(t, err)
			if want := map[bool]int{true: 1, false: 0}[role == "admin"]; len(ms) != want {
				t.Errorf("FindMembershipsOfUser(mediator of B): %d, want %d", len(ms), want)
			}
			if c.User != nil && len(c.Grants) > 0 {
				own, err := s.FindMembershipsOfUser(cx, c.User.ID)
				must2(t, err)
				want := len(c.Grants)
				if opened {
					want++
				}
				if len(own) != want {
					t.Errorf("FindMembershipsOfUser(itself): %d, want %d", len(own), want)
				}
			}
			observer := &parley.Member{TrackID: f.B.ID, UserID: f.Observer.User.ID, Role: parley.MemberObserver}
			wantGrant := wantAdmin // Caller.CanGrant: a track the caller may not see is not found
			if role != "admin" && !c.CanSeeTrack(f.B.ID) {
				wantGrant = parley.ENOTFOUND
			}
			checkCode(t, "CreateMember", s.CreateMember(cx, observer), wantGrant)
			if role == "admin" {
				o := parley.MemberVerifier
				_, err = s.UpdateMember(cx, observer.ID, parley.MemberUpdate{Role: &o})
				checkCode(t, "UpdateMember", err, "")
				checkCode(t, "DeleteMember", s.DeleteMember(cx, observer.ID), "")
			} else {
				grant := f.Mediator.Grants[0].ID
				if len(c.Grants) > 0 {
					grant = c.Grants[0].ID
				}
				o := parley.MemberMediator
				wantOwn := parley.EFORBIDDEN
				if !c.CanSeeTrack(f.A.ID) {
					wantOwn = parley.ENOTFOUND
				}
				_, err = s.UpdateMember(cx, grant, parley.MemberUpdate{Role: &o})
				checkCode(t, "UpdateMember(own grant)", err, wantOwn)
				checkCode(t, "DeleteMember(own grant)", s.DeleteMember(cx, grant), wantOwn)
			}
			checkCode(t, "CreateUser", s.CreateUser(cx, &parley.User{Email: role + "@new.parley", Name: "N"}), wantAdmin)
			name := "Renamed " + role
			_, err = s.UpdateUser(cx, c.User.ID, parley.UserUpdate{Name: &name})
			checkCode(t, "UpdateUser(itself)", err, "")
			yes := true
			_, err = s.UpdateUser(cx, c.User.ID, parley.UserUpdate{Admin: &yes})
			checkCode(t, "UpdateUser(itself, admin)", err, wantAdmin)
			_, err = s.UpdateUser(cx, f.MediatorB.User.ID, parley.UserUpdate{Name: &name})
			if role != "admin" {
				checkCode(t, "UpdateUser(other)", err, parley.ENOTFOUND)
			}
			_, err = s.UpdateParty(cx, f.UA.ID, parley.PartyUpdate{Name: &name})
			checkCode(t, "UpdateParty", err, wantAdmin)
			_, _, err = s.FindParties(cx, parley.Page{})
			checkCode(t, "FindParties", err, "")
			wantShred := parley.EFORBIDDEN
			if role == "outsider" {
				wantShred = parley.ENOTFOUND
			}
			if role != "admin" {
				checkCode(t, "ShredTrack(A)", s.ShredTrack(cx, f.A.ID), wantShred)
			}
		})
	}
}

func checkCode(t *testing.T, what string, err error, want string) {
	t.Helper()
	if got := code(err); got != want {
		t.Errorf("%s: code %q (%v), want %q", what, got, err, want)
	}
}

func testSealedProfiles(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	const marker = "MARKER-reservation-note-7f3a"
	content := parley.ProfileContent{
		Weights: map[string]float64{"Ceasefire": 1}, Values: map[string]map[string]float64{"Ceasefire": {"none": 0, "full": 1}},
		Reservation: 0.4, CoreDemands: []parley.Choice{{Theme: "Ceasefire", Option: "full"}},
		RedLines: []parley.RedLine{{Kind: "require", Issue: "Ceasefire", Option: "full"}}, Notes: marker,
	}
	ua := &parley.Profile{TrackID: f.A.ID, PartyID: f.UA.ID, Content: content}
	must2(t, s.PutProfile(as(f.DelegateUA), ua))
	if ua.Version != 1 {
		t.Fatalf("version %d, want 1", ua.Version)
	}
	ru := &parley.Profile{TrackID: f.A.ID, PartyID: f.RU.ID, Content: content}
	must2(t, s.PutProfile(as(f.Mediator), ru))
	// Who may write.
	checkCode(t, "delegate of UA writes RU", s.PutProfile(as(f.DelegateUA), &parley.Profile{TrackID: f.A.ID, PartyID: f.RU.ID, Content: content}), parley.EFORBIDDEN)
	checkCode(t, "observer writes UA", s.PutProfile(as(f.Observer), &parley.Profile{TrackID: f.A.ID, PartyID: f.UA.ID, Content: content}), parley.EFORBIDDEN)
	checkCode(t, "outsider writes UA", s.PutProfile(as(f.Out), &parley.Profile{TrackID: f.A.ID, PartyID: f.UA.ID, Content: content}), parley.ENOTFOUND)
	checkCode(t, "admin writes UA", s.PutProfile(as(f.Admin), &parley.Profile{TrackID: f.A.ID, PartyID: f.UA.ID, Content: content}), parley.EFORBIDDEN)
	bad := content
	bad.Weights = map[string]float64{"No such theme": 1}
	checkCode(t, "unknown theme", s.PutProfile(as(f.Mediator), &parley.Profile{TrackID: f.A.ID, PartyID: f.UA.ID, Content: bad}), parley.EINVALID)
	// A second version keeps the first as history.
	content2 := content
	content2.Reservation = 0.5
	must2(t, s.PutProfile(as(f.Mediator), &parley.Profile{TrackID: f.A.ID, PartyID: f.UA.ID, Content: content2}))
	h, err := s.FindProfileHistory(as(f.DelegateUA), f.A.ID, f.UA.ID)
	must2(t, err)
	if len(h) != 2 || h[0].Content.Reservation != 0.4 || h[1].Content.Reservation != 0.5 || h[0].Content.Notes != marker {
		t.Errorf("history: %d versions, want 2 with their contents", len(h))
	}
	// The latest versions, of one party and of every party.
	latest, err := s.FindProfile(as(f.Mediator), f.A.ID, f.UA.ID)
	must2(t, err)
	if latest.Version != 2 || latest.Content.Reservation != 0.5 {
		t.Errorf("FindProfile(UA): version %d, reservation %v; want 2, 0.5", latest.Version, latest.Content.Reservation)
	}
	all, err := s.FindProfiles(as(f.Mediator), f.A.ID)
	must2(t, err)
	if len(all) != 2 || all[0].PartyID > all[1].PartyID {
		t.Fatalf("FindProfiles lists %d, want 2 by party", len(all))
	}
	for _, p := range all {
		if want := map[int64]int{f.UA.ID: 2, f.RU.ID: 1}[p.PartyID]; p.Version != want {
			t.Errorf("FindProfiles: party %d at version %d, want %d", p.PartyID, p.Version, want)
		}
	}
	// Who may read.
	for name, tc := range map[string]struct {
		c    *parley.Caller
		want int // profiles listed
	}{"mediator": {f.Mediator, 2}, "delegate": {f.DelegateUA, 1}, "observer": {f.Observer, 0}, "verifier": {f.Verifier, 0}, "admin": {f.Admin, 0}} {
		ps, err := s.FindProfiles(as(tc.c), f.A.ID)
		must2(t, err)
		if len(ps) != tc.want {
			t.Errorf("%s: FindProfiles lists %d, want %d", name, len(ps), tc.want)
		}
		_, err = s.FindProfile(as(tc.c), f.A.ID, f.RU.ID)
		want := parley.ENOTFOUND
		if name == "mediator" {
			want = ""
		}
		checkCode(t, name+": FindProfile(RU)", err, want)
	}
	_, err = s.FindProfiles(as(f.Out), f.A.ID)
	checkCode(t, "outsider: FindProfiles", err, parley.ENOTFOUND)

	// Notes with audiences.
	for _, a := range []parley.Audience{parley.AudiencePlenary, parley.AudienceMediators, parley.PartyAudience(f.UA.ID), parley.PartyAudience(f.RU.ID)} {
		must2(t, s.CreateNote(as(f.Mediator), &parley.MeetingNote{MeetingID: f.MeetingA.ID, Kind: parley.NoteCaucus, Audience: a, Text: marker + " " + string(a)}))
	}
	checkCode(t, "delegate writes a note", s.CreateNote(as(f.DelegateUA), &parley.MeetingNote{MeetingID: f.MeetingA.ID, Kind: parley.NoteMinutes, Audience: parley.AudiencePlenary, Text: "x"}), parley.EFORBIDDEN)
	checkCode(t, "mediator of B writes on A", s.CreateNote(as(f.MediatorB), &parley.MeetingNote{MeetingID: f.MeetingA.ID, Kind: parley.NoteMinutes, Audience: parley.AudiencePlenary, Text: "x"}), parley.ENOTFOUND)
	for name, tc := range map[string]struct {
		c    *parley.Caller
		want int
	}{"mediator": {f.Mediator, 4}, "delegate": {f.DelegateUA, 2}, "observer": {f.Observer, 1}, "verifier": {f.Verifier, 1}, "admin": {f.Admin, 0}} {
		ns, err := s.FindNotes(as(tc.c), f.MeetingA.ID)
		must2(t, err)
		if len(ns) != tc.want {
			t.Errorf("%s: FindNotes lists %d, want %d", name, len(ns), tc.want)
		}
	}
	_, err = s.FindNotes(as(f.Out), f.MeetingA.ID)
	checkCode(t, "outsider: FindNotes", err, parley.ENOTFOUND)

	// Shredding: only administrators; then sealed reads fail cleanly.
	checkCode(t, "mediator shreds", s.ShredTrack(as(f.Mediator), f.A.ID), parley.EFORBIDDEN)
	must2(t, s.ShredTrack(as(f.Admin), f.A.ID))
	_, err = s.FindProfile(as(f.Mediator), f.A.ID, f.UA.ID)
	checkCode(t, "FindProfile after shredding", err, parley.ENOTFOUND)
	if !strings.Contains(err.Error(), "shredded") || strings.Contains(err.Error(), marker) {
		t.Errorf("error after shredding %q: want it to say shredded, without content", err)
	}
	_, err = s.FindNotes(as(f.Mediator), f.MeetingA.ID)
	checkCode(t, "FindNotes after shredding", err, parley.ENOTFOUND)
	checkCode(t, "PutProfile after shredding", s.PutProfile(as(f.Mediator), &parley.Profile{TrackID: f.A.ID, PartyID: f.UA.ID, Content: content}), parley.ENOTFOUND)
	// Track B is untouched.
	must2(t, s.PutProfile(as(f.MediatorB), &parley.Profile{TrackID: f.B.ID, PartyID: f.UA.ID, Content: content}))
	if _, err := s.FindProfile(as(f.MediatorB), f.B.ID, f.UA.ID); err != nil {
		t.Fatal(err)
	}
}

func testAuditProofs(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	content := parley.ProfileContent{Weights: map[string]float64{"Ceasefire": 1}, Reservation: 0.3}
	must2(t, s.PutProfile(as(f.DelegateUA), &parley.Profile{TrackID: f.A.ID, PartyID: f.UA.ID, Content: content}))
	first, err := s.LatestCheckpoint(as(f.Observer))
	must2(t, err)
	for i := range 5 {
		title := "A " + time.Duration(i).String()
		_, err := s.UpdateTrack(as(f.Mediator), f.A.ID, parley.TrackUpdate{Title: &title})
		must2(t, err)
	}
	// Every write signs the whole log.
	latest, err := s.LatestCheckpoint(as(f.Observer))
	must2(t, err)
	if latest.Size != first.Size+5 {
		t.Fatalf("latest checkpoint of %d entries after 5 writes on %d", latest.Size, first.Size)
	}
	v, err := note.NewVerifier(latest.VerifierKey)
	must2(t, err)
	if n, err := note.Open([]byte(latest.Note), note.VerifierList(v)); err != nil || !strings.Contains(n.Text, latest.Root) {
		t.Fatalf("the latest checkpoint does not open with its verifier key: %v", err)
	}
	sizes, err := s.AuditCheckpoints(as(f.Mediator))
	must2(t, err)
	if len(sizes) == 0 || sizes[len(sizes)-1] != latest.Size {
		t.Fatalf("checkpoints %v, want the latest, %d, last", sizes, latest.Size)
	}
	// The profile's entry is the last before the first checkpoint read.
	profileIdx := first.Size - 1
	p, err := s.ProveInclusion(ctx, profileIdx)
	must2(t, err)
	if p.Entry.Action != "profile.update" {
		t.Fatalf("entry %d is %s, want profile.update", profileIdx, p.Entry.Action)
	}
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, uint64(profileIdx), uint64(p.TreeSize), unb64(t, p.LeafHash), unb64s(t, p.Proof), unb64(t, p.Root)); err != nil {
		t.Errorf("inclusion proof does not verify: %v", err)
	}
	// The audience check applies to entries.
	_, err = s.ProveInclusion(as(f.Observer), profileIdx)
	checkCode(t, "observer proves a profile entry", err, parley.ENOTFOUND)
	_, err = s.ProveInclusion(as(f.Mediator), profileIdx)
	checkCode(t, "mediator proves a profile entry", err, "")
	_, err = s.ProveInclusion(as(f.Observer), profileIdx+1)
	checkCode(t, "observer proves a map entry", err, "")
	_, err = s.ProveInclusion(as(f.MediatorB), profileIdx+1)
	checkCode(t, "mediator of B proves an entry of A", err, parley.ENOTFOUND)
	// A track's entries, newest first, under the same check.
	trail := func(c context.Context, page parley.Page) ([]int64, int) {
		t.Helper()
		es, total, err := s.FindAuditEntries(c, f.A.ID, page)
		must2(t, err)
		var idx []int64
		for _, e := range es {
			if e.TrackID == nil || *e.TrackID != f.A.ID {
				t.Errorf("entry %d of track %v in track A's trail", e.Index, e.TrackID)
			}
			idx = append(idx, e.Index)
		}
		return idx, total
	}
	med, medTotal := trail(as(f.Mediator), parley.Page{Limit: parley.MaxLimit})
	obs, obsTotal := trail(as(f.Observer), parley.Page{Limit: parley.MaxLimit})
	if len(med) != medTotal || len(obs) != obsTotal || !slices.Contains(med, profileIdx) || slices.Contains(obs, profileIdx) ||
		medTotal != obsTotal+1 || med[0] != latest.Size-1 || !slices.IsSortedFunc(med, func(a, b int64) int { return int(b - a) }) {
		t.Errorf("track A's trail: the mediator's %v (%d), the observer's %v (%d); want the profile's entry %d for the mediator only, newest first",
			med, medTotal, obs, obsTotal, profileIdx)
	}
	if page, total := trail(as(f.Mediator), parley.Page{Offset: 1, Limit: 2}); total != medTotal || !slices.Equal(page, med[1:3]) {
		t.Errorf("the trail's second page of 2: %v of %d, want %v", page, total, med[1:3])
	}
	_, _, err = s.FindAuditEntries(as(f.MediatorB), f.A.ID, parley.Page{})
	checkCode(t, "mediator of B lists track A's trail", err, parley.ENOTFOUND)
	// From every size a client may have kept to the latest checkpoint,
	// checked by an independent implementation against the kept root.
	for old := int64(1); old <= latest.Size; old++ {
		c, err := s.ProveConsistency(as(f.Observer), old, 0)
		must2(t, err)
		if c.NewSize != latest.Size || c.NewCheckpoint != latest.Note {
			t.Fatalf("consistency from %d: to %d, want the latest checkpoint %d", old, c.NewSize, latest.Size)
		}
		if err := proof.VerifyConsistency(rfc6962.DefaultHasher, uint64(c.OldSize), uint64(c.NewSize), unb64s(t, c.Proof), unb64(t, c.OldRoot), unb64(t, c.NewRoot)); err != nil {
			t.Errorf("consistency %d→%d does not verify: %v", old, c.NewSize, err)
		}
	}
	c, err := s.ProveConsistency(as(f.Observer), first.Size, latest.Size)
	must2(t, err)
	if c.OldRoot != first.Root {
		t.Errorf("the proof from the first checkpoint starts at root %s, the checkpoint says %s", c.OldRoot, first.Root)
	}
	_, err = s.ProveConsistency(as(f.Observer), 1, latest.Size-1)
	checkCode(t, "consistency to a size of no checkpoint", err, parley.ENOTFOUND)
	_, err = s.ProveConsistency(as(f.Observer), latest.Size+1, 0)
	checkCode(t, "consistency from beyond the log", err, parley.EINVALID)
	_, err = s.ProveConsistency(context.Background(), 1, 0)
	checkCode(t, "consistency for nobody", err, parley.EUNAUTHORIZED)
	_, err = s.LatestCheckpoint(context.Background())
	checkCode(t, "latest checkpoint for nobody", err, parley.EUNAUTHORIZED)
}

func unb64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("hash %q: %v", s, err)
	}
	return b
}

func unb64s(t *testing.T, ss []string) [][]byte {
	t.Helper()
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = unb64(t, s)
	}
	return out
}

// testMemberNames: the members of a track know one another by name; a
// caller who does not see the track learns none.
func testMemberNames(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	for _, c := range []*parley.Caller{f.Mediator, f.DelegateUA, f.Observer, f.Verifier, f.Admin} {
		names, err := s.MemberNames(as(c), f.A.ID)
		must2(t, err)
		for _, m := range []*parley.Caller{f.Mediator, f.DelegateUA, f.Observer, f.Verifier} {
			if names[m.User.ID] != m.User.Name || m.User.Name == "" {
				t.Errorf("%s: the name of %s is %q, want %q", c.User.Email, m.User.Email, names[m.User.ID], m.User.Name)
			}
		}
		if _, ok := names[f.Out.User.ID]; ok {
			t.Errorf("%s: track A's names include the outsider", c.User.Email)
		}
	}
	for _, c := range []*parley.Caller{f.Out, f.MediatorB} {
		_, err := s.MemberNames(as(c), f.A.ID)
		checkCode(t, c.User.Email+" asks track A's names", err, parley.ENOTFOUND)
	}
	_, err := s.MemberNames(context.Background(), f.A.ID)
	checkCode(t, "nobody asks track A's names", err, parley.ENOTFOUND)
}
