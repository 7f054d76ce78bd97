package storetest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/demo"
)

// testNobody: a context without a caller is nobody. Through every method of
// parley.Store, called with the ids of real records (1 to 6 of every
// kind, in a store that holds the demo and a record of every kind the demo
// lacks) and with the real hashes of a live session's and token's secrets, nobody reads
// nothing and changes nothing: every call fails or returns only zero
// values, and the store's state — everything it lists, its ledger, the
// session and token — is unchanged after the writes were tried. The same
// reads as parley.System serve data, so the ids were real.
func testNobody(t *testing.T, s parley.Store) {
	if _, err := demo.Load(ctx, s, "nobody-sees-nothing"); err != nil {
		t.Fatal(err)
	}
	hashes := nobodyFixture(t, s)
	before := nobodyState(t, s, hashes[0])

	st := reflect.TypeOf((*parley.Store)(nil)).Elem()
	sv := reflect.ValueOf(s)
	nobody := context.Background()
	for i := 0; i < st.NumMethod(); i++ {
		m := st.Method(i)
		if m.Name == "Close" {
			continue
		}
		for id := int64(1); id <= maxID; id++ {
			out := sv.MethodByName(m.Name).Call(nobodyArgs(m, nobody, id, hashes[id%2]))
			if err, _ := out[len(out)-1].Interface().(error); err != nil {
				switch parley.ErrorCode(err) {
				case parley.EUNAUTHORIZED, parley.EFORBIDDEN, parley.ENOTFOUND, parley.EINVALID:
				default:
					t.Errorf("%s(%d) as nobody: %v, want a refusal", m.Name, id, err)
				}
				continue
			}
			for _, v := range out[:len(out)-1] {
				if !emptyValue(v) {
					t.Errorf("%s(%d) as nobody served a non-empty %s", m.Name, id, v.Type())
				}
			}
		}
	}
	diff(t, "state after nobody's calls", before, nobodyState(t, s, hashes[0]))

	for i := 0; i < st.NumMethod(); i++ {
		m := st.Method(i)
		if !isRead(m.Name) {
			continue
		}
		served := false
		for id := int64(1); id <= maxID && !served; id++ {
			out := sv.MethodByName(m.Name).Call(nobodyArgs(m, ctx, id, hashes[id%2]))
			if err, _ := out[len(out)-1].Interface().(error); err != nil {
				continue
			}
			for _, v := range out[:len(out)-1] {
				served = served || !emptyValue(v)
			}
		}
		if !served && m.Name != "Empty" { // Empty's answer is false
			t.Errorf("%s served nothing to System with ids 1..%d either: the test does not reach its records", m.Name, maxID)
		}
	}
}

// maxID is the highest id testNobody tries.
const maxID = 12

// isRead reports whether the Store method only reads.
func isRead(name string) bool {
	for _, p := range []string{"Find", "Prove", "Audit", "Timeline", "TrackSummaries", "HumanitarianTallies", "ChildStageCounts",
		"TrustRecord", "AgreementWarning", "ProposalUtilities", "Empty"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// nobodyArgs builds the arguments of a Store method m: ctx, then id for
// every integer (but the latest checkpoint, 0, as ProveConsistency's
// second), the hash for a byte slice, a pointer to id for an optional id,
// and zero values for the rest (a zero record to create, a zero filter or
// update).
func nobodyArgs(m reflect.Method, ctx context.Context, id int64, hash []byte) []reflect.Value {
	mt := m.Type
	args := []reflect.Value{reflect.ValueOf(ctx)}
	for j := 1; j < mt.NumIn(); j++ {
		at := mt.In(j)
		v := reflect.New(at).Elem()
		switch {
		case at.Kind() == reflect.Int64 || at.Kind() == reflect.Int:
			v.SetInt(id)
		case at == reflect.TypeOf([]byte(nil)):
			v.SetBytes(hash)
		case at == reflect.TypeOf(time.Time{}):
			v.Set(reflect.ValueOf(parley.Now()))
		case at.Kind() == reflect.String:
			v.SetString("ua@demo.parley")
		case at.Kind() == reflect.Bool:
			v.SetBool(true)
		case at.Kind() == reflect.Pointer && at.Elem().Kind() == reflect.Int64:
			p := id
			v.Set(reflect.ValueOf(&p))
		case at.Kind() == reflect.Pointer:
			v.Set(reflect.New(at.Elem()))
		}
		args = append(args, v)
	}
	if m.Name == "ProveConsistency" {
		args[2] = reflect.ValueOf(int64(0))
	}
	return args
}

// emptyValue reports whether a result carries nothing: a zero value, or an
// empty slice or map.
func emptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	}
	return v.IsZero()
}

// nobodyFixture adds, as System, the records the demo lacks — a caucus
// note, proposals with a response, a ballot, a negotiating text with a
// version, a person handed over, a session and an API token — and returns the hashes of the
// session's and the token's secrets.
func nobodyFixture(t *testing.T, s parley.Store) [2][]byte {
	t.Helper()
	linkTamperExtras(t, s) // a cross-track package and a joint text (link.go): the first proposals and texts
	tracks, _, err := s.FindTracks(ctx, parley.TrackFilter{})
	must2(t, err)
	var tr *parley.Track
	var parties []int64
	for _, x := range tracks {
		full, err := s.FindTrackByID(ctx, x.ID)
		must2(t, err)
		var ps []int64
		for _, p := range full.Parties {
			if p.Role == parley.RolePrincipal {
				ps = append(ps, p.PartyID)
			}
		}
		if len(ps) >= 2 && len(full.Themes) > 0 && len(full.Themes[0].Options) > 0 {
			tr, parties = full, ps
			break
		}
	}
	if tr == nil {
		t.Fatal("the demo has no track with two principals and a theme")
	}
	meetings, _, err := s.FindMeetings(ctx, parley.MeetingFilter{TrackID: tr.ID})
	must2(t, err)
	if len(meetings) == 0 {
		t.Fatalf("track %d has no meeting", tr.ID)
	}
	pkg := []parley.Choice{{Theme: tr.Themes[0].Name, Option: tr.Themes[0].Options[0].Label}}
	for i := 0; i < 3; i++ {
		must2(t, s.CreateNote(ctx, &parley.MeetingNote{MeetingID: meetings[0].ID, Kind: parley.NoteCaucus, Audience: parley.AudienceMediators, Text: "caucus"}))
		party := parties[0]
		p := &parley.Proposal{TrackID: tr.ID, AuthorPartyID: &party, Audience: parley.AudiencePlenary, Package: pkg, Rationale: "offer"}
		must2(t, s.CreateProposal(ctx, p))
		must2(t, s.CreateResponse(ctx, &parley.ProposalResponse{ProposalID: p.ID, PartyID: &party, Kind: parley.ResponseAccept, Audience: parley.AudiencePlenary}))
		b := &parley.Ballot{TrackID: tr.ID, Package: pkg, PartyIDs: parties[:2], Deadline: day.AddDate(10, 0, 0)}
		must2(t, s.CreateBallot(ctx, b))
		text := &parley.NegotiatingText{TrackID: tr.ID, Title: "Draft", Audience: parley.AudiencePlenary}
		must2(t, s.CreateText(ctx, text))
		_, err := s.CreateVersion(ctx, text.ID, []parley.Clause{{Text: "The parties agree.", Status: parley.ClauseOpen}})
		must2(t, err)
	}
	handedOver := false
	for _, x := range tracks {
		es, err := s.FindExchanges(ctx, x.ID)
		must2(t, err)
		for _, e := range es {
			ps, err := s.FindPrisoners(ctx, e.ID, e.SideA)
			must2(t, err)
			if len(ps) > 0 && !handedOver {
				must2(t, s.RecordHandover(ctx, e.ID, []int64{ps[0].ID}))
				handedOver = true
			}
		}
	}
	if !handedOver {
		t.Fatal("the demo has no person on an exchange list")
	}
	users, _, err := s.FindUsers(ctx, parley.Page{})
	must2(t, err)
	secret := sha256.Sum256([]byte("nobody's session secret"))
	now := parley.Now()
	must2(t, s.CreateSession(ctx, &parley.Session{SecretHash: secret[:], UserID: users[0].ID, CreatedAt: now, LastSeenAt: now,
		IdleExpiresAt: now.Add(time.Hour), ExpiresAt: now.Add(24 * time.Hour)}))
	tok := sha256.Sum256([]byte("nobody's token secret"))
	must2(t, s.CreateToken(ctx, &parley.APIToken{SecretHash: tok[:], UserID: users[0].ID, Name: "cli"}))
	// Invitations found by the same hashes (each table has its own).
	for i, h := range [][]byte{secret[:], tok[:]} {
		must2(t, s.CreateInvitation(ctx, &parley.Invitation{Email: fmt.Sprintf("invited%d@demo.parley", i), Name: "Invited",
			TrackID: &tr.ID, Role: parley.MemberObserver, SecretHash: h}))
	}
	return [2][]byte{secret[:], tok[:]}
}

// nobodyState is what nobody's calls must leave unchanged: everything the
// store lists, the size of its ledger (every audited write appends), and
// the session and tokens, which are not audited.
type nobodyStateT struct {
	State   State
	Ledger  int64
	Session *parley.Session
	Tokens  []*parley.APIToken
}

func nobodyState(t *testing.T, s parley.Store, hash []byte) nobodyStateT {
	t.Helper()
	sess, err := s.FindSessionByHash(ctx, hash)
	must2(t, err)
	tokens, err := s.FindTokens(ctx, sess.UserID)
	must2(t, err)
	return nobodyStateT{State: Snapshot(t, s), Ledger: ledgerSize(t, s), Session: sess, Tokens: tokens}
}
