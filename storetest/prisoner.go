package storetest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
)

// RunExchanges runs the suite of issue 5: prisoner exchanges as map data,
// each side's list of persons sealed to its party audience, the mediators
// and the verifiers, lists added all or none, the mediators' confirmed
// matches, the verifiers' verification and the handovers; and children's
// return cases. open must return a store opened with a master key.
func RunExchanges(t *testing.T, open Opener) {
	t.Run("Exchanges", func(t *testing.T) { testExchanges(t, open(t)) })
	t.Run("Handovers", func(t *testing.T) { testHandovers(t, open(t)) })
	t.Run("ChildCases", func(t *testing.T) { testChildCases(t, open(t)) })
	t.Run("Sharing", func(t *testing.T) { testSharing(t, open(t)) })
	t.Run("NForN", func(t *testing.T) { testNForN(t, open(t)) })
	t.Run("Tallies", func(t *testing.T) { testTallies(t, open(t)) })
}

func testExchanges(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	ru := delegateRU(t, s, f)
	ua, rus := f.UA.ID, f.RU.ID
	e := &parley.Exchange{TrackID: f.A.ID, Title: "Easter exchange", Terms: parley.TermsNForN, N: 2, SideA: ua, SideB: rus}
	checkCode(t, "a delegate creates an exchange", s.CreateExchange(as(f.DelegateUA), e), parley.EFORBIDDEN)
	for name, bad := range map[string]*parley.Exchange{
		"same sides":      {TrackID: f.A.ID, Title: "x", Terms: parley.TermsAllForAll, SideA: ua, SideB: ua},
		"n for all":       {TrackID: f.A.ID, Title: "x", Terms: parley.TermsAllForAll, N: 3, SideA: ua, SideB: rus},
		"no n":            {TrackID: f.A.ID, Title: "x", Terms: parley.TermsNForN, SideA: ua, SideB: rus},
		"unknown terms":   {TrackID: f.A.ID, Title: "x", Terms: "some for some", SideA: ua, SideB: rus},
		"not a principal": {TrackID: f.A.ID, Title: "x", Terms: parley.TermsAllForAll, SideA: ua, SideB: 999},
	} {
		checkCode(t, name, s.CreateExchange(as(f.Mediator), bad), parley.EINVALID)
	}
	must2(t, s.CreateExchange(as(f.Mediator), e))
	if got, err := s.FindExchanges(as(f.Observer), f.A.ID); err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], e) {
		t.Errorf("the observer lists %v, %v; want the exchange, map data", got, err)
	}
	_, err := s.FindExchangeByID(as(f.MediatorB), e.ID)
	checkCode(t, "mediator of B reads an exchange of A", err, parley.ENOTFOUND)

	uaList := []*parley.Prisoner{
		{Name: "Олег Петрович Шевченко", Transliteration: "Oleh Shevchenko", Born: "1990-03-04", Status: parley.PrisonerMilitary,
			Rank: "sergeant", ServiceNumber: "AA123", CapturePlace: "Mariupol", Captured: "2022-05-20", NextOfKin: "Olena (mother)"},
		{Name: "Іван Бойко", Born: "1979-01-02", Status: parley.PrisonerCivilian, Captured: "2023-01-01"},
	}
	ruList := []*parley.Prisoner{
		{Name: "Shevchenko Oleg Petrovich", Born: "1990-03-04", Status: parley.PrisonerMilitary, Captured: "2022-05-20"},
		{Name: "Дмитрий Смирнов", Born: "1995-07-07", Status: parley.PrisonerMilitary, Captured: "2024-02-02"},
	}
	checkCode(t, "Russia's delegate writes Ukraine's list", s.AddPrisoners(as(ru), e.ID, ua, uaList), parley.EFORBIDDEN)
	checkCode(t, "the verifier writes a list", s.AddPrisoners(as(f.Verifier), e.ID, ua, uaList), parley.EFORBIDDEN)
	checkCode(t, "a list for a party not a side", s.AddPrisoners(as(f.Mediator), e.ID, 999, uaList), parley.EINVALID)
	must2(t, s.AddPrisoners(as(f.DelegateUA), e.ID, ua, uaList))
	must2(t, s.AddPrisoners(as(ru), e.ID, rus, ruList))
	if uaList[0].ID == 0 || uaList[0].PartyID != ua || uaList[0].ExchangeID != e.ID {
		t.Errorf("added person = %+v", uaList[0])
	}

	// Who reads which list: each side its own, the mediators and the
	// verifier both, nobody else either. The other side's delegates read
	// the list's shared persons: none before a mediator shares a match.
	readers := map[string]*parley.Caller{"mediator": f.Mediator, "delegate UA": f.DelegateUA, "delegate RU": ru,
		"verifier": f.Verifier, "observer": f.Observer, "admin": f.Admin, "outsider": f.Out, "mediator of B": f.MediatorB}
	for name, c := range readers {
		for _, side := range []struct {
			party int64
			want  []*parley.Prisoner
		}{{ua, uaList}, {rus, ruList}} {
			got, err := s.FindPrisoners(as(c), e.ID, side.party)
			switch {
			case c.CanReadPrisoners(f.A.ID, side.party):
				if err != nil || !reflect.DeepEqual(got, side.want) {
					t.Errorf("%s reads list of %d: %v, %+v", name, side.party, err, got)
				}
			case c.CanReadPerson(e, side.party, true):
				if err != nil || len(got) != 0 {
					t.Errorf("%s reads %d persons of the list of %d before any share (%v)", name, len(got), side.party, err)
				}
			default:
				checkCode(t, name+" reads the list of party "+string(parley.PartyAudience(side.party)), err, parley.ENOTFOUND)
			}
		}
	}
	if c := f.Verifier; !c.CanReadPrisoners(f.A.ID, ua) || !c.CanReadPrisoners(f.A.ID, rus) {
		t.Error("the verifier does not read the lists")
	}
	if f.DelegateUA.CanReadPrisoners(f.A.ID, rus) || ru.CanReadPrisoners(f.A.ID, ua) || f.Observer.CanReadPrisoners(f.A.ID, ua) {
		t.Error("a delegate or observer reads a list not its own")
	}

	// Bad persons are refused, all or none, with the field and never the
	// value; the list and the ledger do not change.
	good := func() *parley.Prisoner {
		return &parley.Prisoner{Name: "Тарас Мельник", Born: "2000-06-06", Status: parley.PrisonerMilitary, Captured: "2024-03-03"}
	}
	bad := map[string]struct {
		p     *parley.Prisoner
		field string
		code  string
	}{
		"born in the future":     {&parley.Prisoner{Name: "Тарас Мельник", Born: "2999-01-01", Status: parley.PrisonerMilitary, Captured: "2024-03-03"}, "prisoners[1].born", parley.EINVALID},
		"captured in the future": {&parley.Prisoner{Name: "Тарас Мельник", Born: "2000-01-01", Status: parley.PrisonerMilitary, Captured: "2999-03-03"}, "prisoners[1].captured", parley.EINVALID},
		"not a date":             {&parley.Prisoner{Name: "Тарас Мельник", Born: "06/06/2000", Status: parley.PrisonerMilitary, Captured: "2024-03-03"}, "prisoners[1].born", parley.EINVALID},
		"civilian with a rank":   {&parley.Prisoner{Name: "Тарас Мельник", Born: "2000-01-01", Status: parley.PrisonerCivilian, Rank: "major", Captured: "2024-03-03"}, "prisoners[1].status", parley.EINVALID},
		"captured before birth":  {&parley.Prisoner{Name: "Тарас Мельник", Born: "2000-01-01", Status: parley.PrisonerMilitary, Captured: "1999-03-03"}, "prisoners[1].captured", parley.EINVALID},
		"no name":                {&parley.Prisoner{Born: "2000-01-01", Status: parley.PrisonerMilitary, Captured: "2024-03-03"}, "prisoners[1].name", parley.EINVALID},
		"no status":              {&parley.Prisoner{Name: "Тарас Мельник", Born: "2000-01-01", Captured: "2024-03-03"}, "prisoners[1].status", parley.EINVALID},
		// The same man as the first on the list, transliterated.
		"duplicate on the list": {&parley.Prisoner{Name: "Oleg Shevchenko Petrovich", Born: "1990-03-04", Status: parley.PrisonerMilitary, Captured: "2022-05-20"}, "prisoners[1]", parley.ECONFLICT},
	}
	size := ledgerSize(t, s)
	for name, tc := range bad {
		err := s.AddPrisoners(as(f.DelegateUA), e.ID, ua, []*parley.Prisoner{good(), tc.p})
		checkCode(t, name, err, tc.code)
		if pe, ok := err.(*parley.Error); ok && pe.Field != tc.field {
			t.Errorf("%s: field %q, want %q", name, pe.Field, tc.field)
		}
		if err != nil && (strings.Contains(err.Error(), "Мельник") || strings.Contains(err.Error(), "Shevchenko") || strings.Contains(err.Error(), "major")) {
			t.Errorf("%s: the error quotes a sealed value: %v", name, err)
		}
	}
	checkCode(t, "a duplicate within the batch", s.AddPrisoners(as(f.DelegateUA), e.ID, ua, []*parley.Prisoner{good(), good()}), parley.ECONFLICT)
	if got, _ := s.FindPrisoners(as(f.Mediator), e.ID, ua); len(got) != len(uaList) {
		t.Errorf("after refusals the list holds %d persons, want %d", len(got), len(uaList))
	}
	if n := ledgerSize(t, s); n != size {
		t.Errorf("refusals appended %d ledger entries", n-size)
	}

	// Matches: the mediators confirm, each person once, A on side A.
	_, err = s.ConfirmMatch(as(f.DelegateUA), e.ID, uaList[0].ID, ruList[0].ID)
	checkCode(t, "a delegate confirms a match", err, parley.EFORBIDDEN)
	_, err = s.ConfirmMatch(as(f.Mediator), e.ID, ruList[0].ID, uaList[0].ID)
	checkCode(t, "sides swapped", err, parley.EINVALID)
	m, err := s.ConfirmMatch(as(f.Mediator), e.ID, uaList[0].ID, ruList[0].ID)
	must2(t, err)
	_, err = s.ConfirmMatch(as(f.Mediator), e.ID, uaList[0].ID, ruList[1].ID)
	checkCode(t, "a person matched twice", err, parley.ECONFLICT)
	_, err = s.ConfirmMatch(as(f.Mediator), e.ID, uaList[1].ID, 99999)
	checkCode(t, "an unknown person", err, parley.EINVALID)
	// The neutral body verifies a confirmed match, once.
	for name, c := range map[string]*parley.Caller{"mediator": f.Mediator, "delegate UA": f.DelegateUA, "observer": f.Observer} {
		_, err := s.VerifyMatch(as(c), m.ID)
		checkCode(t, name+" verifies", err, parley.EFORBIDDEN)
	}
	_, err = s.VerifyMatch(as(f.MediatorB), m.ID)
	checkCode(t, "mediator of B verifies", err, parley.ENOTFOUND)
	verified, err := s.VerifyMatch(as(f.Verifier), m.ID)
	must2(t, err)
	if verified.VerifiedAt == nil || verified.VerifiedBy == nil || *verified.VerifiedBy != f.Verifier.User.ID {
		t.Errorf("verified match = %+v", verified)
	}
	_, err = s.VerifyMatch(as(f.Verifier), m.ID)
	checkCode(t, "verified twice", err, parley.ECONFLICT)
	m = verified
	for name, c := range readers {
		got, err := s.FindMatches(as(c), e.ID)
		switch {
		case c.CanReadPrisoners(f.A.ID, ua) && c.CanReadPrisoners(f.A.ID, rus):
			if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], m) {
				t.Errorf("%s reads matches: %v, %v", name, got, err)
			}
		case c.CanReadPrisoners(f.A.ID, ua) || c.CanReadPrisoners(f.A.ID, rus):
			if err != nil || len(got) != 0 {
				t.Errorf("%s reads %d matches before any share (%v)", name, len(got), err)
			}
		default:
			checkCode(t, name+" reads the matches", err, parley.ENOTFOUND)
		}
	}
}

// testHandovers records who an exchange handed over and finds them from a
// later exchange, per the lists each caller reads.
func testHandovers(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	ua, rus := f.UA.ID, f.RU.ID
	first := &parley.Exchange{TrackID: f.A.ID, Title: "First", Terms: parley.TermsAllForAll, SideA: ua, SideB: rus}
	second := &parley.Exchange{TrackID: f.A.ID, Title: "Second", Terms: parley.TermsAllForAll, SideA: ua, SideB: rus}
	must2(t, s.CreateExchange(as(f.Mediator), first))
	must2(t, s.CreateExchange(as(f.Mediator), second))
	ps := []*parley.Prisoner{
		{Name: "Олег Шевченко", Born: "1990-03-04", Status: parley.PrisonerMilitary, Captured: "2022-05-20"},
		{Name: "Іван Бойко", Born: "1979-01-02", Status: parley.PrisonerCivilian, Captured: "2023-01-01"},
	}
	must2(t, s.AddPrisoners(as(f.Mediator), first.ID, ua, ps))
	checkCode(t, "a delegate records a handover", s.RecordHandover(as(f.DelegateUA), first.ID, []int64{ps[0].ID}), parley.EFORBIDDEN)
	checkCode(t, "a person of no list", s.RecordHandover(as(f.Mediator), second.ID, []int64{ps[0].ID}), parley.EINVALID)
	checkCode(t, "a person twice", s.RecordHandover(as(f.Mediator), first.ID, []int64{ps[0].ID, ps[0].ID}), parley.ECONFLICT)
	must2(t, s.RecordHandover(as(f.Mediator), first.ID, []int64{ps[0].ID}))
	checkCode(t, "handed over again", s.RecordHandover(as(f.Mediator), first.ID, []int64{ps[0].ID}), parley.ECONFLICT)
	for name, c := range map[string]*parley.Caller{"mediator": f.Mediator, "delegate UA": f.DelegateUA, "verifier": f.Verifier, "observer": f.Observer} {
		got, err := s.FindHandedOver(as(c), f.A.ID, second.ID)
		must2(t, err)
		want := 0
		if c.CanReadPrisoners(f.A.ID, ua) {
			want = 1
		}
		if len(got) != want || (want == 1 && (got[0].ID != ps[0].ID || got[0].HandedOverAt == nil || got[0].Name != ps[0].Name)) {
			t.Errorf("%s finds handed over %+v, want %d", name, got, want)
		}
	}
	if got, _ := s.FindHandedOver(as(f.Mediator), f.A.ID, first.ID); len(got) != 0 {
		t.Errorf("the exchange's own handovers are found: %+v", got)
	}
	_, err := s.FindHandedOver(as(f.MediatorB), f.A.ID, 0)
	checkCode(t, "mediator of B", err, parley.ENOTFOUND)
}

// testSharing shares one confirmed match of three: afterwards each side's
// delegates read exactly the other side's person of that match, and
// nothing else of the other side's list; the share is the mediators' and
// is ledgered.
func testSharing(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	ru := delegateRU(t, s, f)
	ua, rus := f.UA.ID, f.RU.ID
	e := &parley.Exchange{TrackID: f.A.ID, Title: "Shared exchange", Terms: parley.TermsAllForAll, SideA: ua, SideB: rus}
	must2(t, s.CreateExchange(as(f.Mediator), e))
	uaList := []*parley.Prisoner{
		{Name: "Олег Шевченко", Born: "1990-03-04", Status: parley.PrisonerMilitary, Captured: "2022-05-20"},
		{Name: "Іван Бойко", Born: "1979-01-02", Status: parley.PrisonerCivilian, Captured: "2023-01-01"},
		{Name: "Тарас Мельник", Born: "2000-06-06", Status: parley.PrisonerMilitary, Captured: "2024-03-03"},
	}
	ruList := []*parley.Prisoner{
		{Name: "Oleg Shevchenko", Born: "1990-03-04", Status: parley.PrisonerMilitary, Captured: "2022-05-20"},
		{Name: "Ivan Boiko", Born: "1979-01-02", Status: parley.PrisonerCivilian, Captured: "2023-01-01"},
		{Name: "Дмитрий Смирнов", Born: "1995-07-07", Status: parley.PrisonerMilitary, Captured: "2024-02-02"},
	}
	must2(t, s.AddPrisoners(as(f.DelegateUA), e.ID, ua, uaList))
	must2(t, s.AddPrisoners(as(ru), e.ID, rus, ruList))
	m1, err := s.ConfirmMatch(as(f.Mediator), e.ID, uaList[0].ID, ruList[0].ID)
	must2(t, err)
	m2, err := s.ConfirmMatch(as(f.Mediator), e.ID, uaList[1].ID, ruList[1].ID)
	must2(t, err)

	for name, c := range map[string]*parley.Caller{"delegate UA": f.DelegateUA, "delegate RU": ru, "verifier": f.Verifier, "observer": f.Observer, "mediator of B": f.MediatorB} {
		_, err := s.ShareMatch(as(c), m1.ID)
		want := parley.EFORBIDDEN
		if !c.CanSeeTrack(f.A.ID) {
			want = parley.ENOTFOUND
		}
		checkCode(t, name+" shares a match", err, want)
	}
	size := ledgerSize(t, s)
	shared, err := s.ShareMatch(as(f.Mediator), m1.ID)
	must2(t, err)
	if shared.SharedAt == nil || shared.SharedBy == nil || *shared.SharedBy != f.Mediator.User.ID {
		t.Errorf("shared match = %+v", shared)
	}
	if n := ledgerSize(t, s); n != size+1 {
		t.Errorf("a share appended %d ledger entries, want 1", n-size)
	}
	_, err = s.ShareMatch(as(f.Mediator), m1.ID)
	checkCode(t, "shared twice", err, parley.ECONFLICT)
	_, err = s.ShareMatch(as(f.Mediator), 99999)
	checkCode(t, "an unknown match", err, parley.ENOTFOUND)

	// After the share: each delegate reads its own list whole and exactly
	// the counterpart of the shared match on the other side's list.
	for _, tc := range []struct {
		name        string
		c           *parley.Caller
		own, other  int64
		ownList     []*parley.Prisoner
		counterpart *parley.Prisoner
	}{
		{"delegate UA", f.DelegateUA, ua, rus, uaList, ruList[0]},
		{"delegate RU", ru, rus, ua, ruList, uaList[0]},
	} {
		got, err := s.FindPrisoners(as(tc.c), e.ID, tc.own)
		if err != nil || len(got) != len(tc.ownList) {
			t.Errorf("%s reads its own list: %d persons, %v", tc.name, len(got), err)
		}
		got, err = s.FindPrisoners(as(tc.c), e.ID, tc.other)
		if err != nil || len(got) != 1 || got[0].ID != tc.counterpart.ID || got[0].Name != tc.counterpart.Name {
			t.Errorf("%s reads the other list after the share: %+v, %v; want exactly person %d", tc.name, got, err, tc.counterpart.ID)
		}
		if !tc.c.CanReadPerson(e, tc.other, true) || tc.c.CanReadPerson(e, tc.other, false) {
			t.Errorf("%s: CanReadPerson disagrees with the store", tc.name)
		}
		ms, err := s.FindMatches(as(tc.c), e.ID)
		if err != nil || len(ms) != 1 || ms[0].ID != m1.ID {
			t.Errorf("%s reads matches %+v, %v; want the shared one", tc.name, ms, err)
		}
	}
	// Nobody else gains anything from the share.
	for name, c := range map[string]*parley.Caller{"observer": f.Observer, "outsider": f.Out, "mediator of B": f.MediatorB, "admin": f.Admin} {
		for _, party := range []int64{ua, rus} {
			_, err := s.FindPrisoners(as(c), e.ID, party)
			checkCode(t, name+" reads a list after the share", err, parley.ENOTFOUND)
		}
	}
	if ms, err := s.FindMatches(as(f.Mediator), e.ID); err != nil || len(ms) != 2 || ms[0].SharedAt == nil || ms[1].SharedAt != nil || ms[1].ID != m2.ID {
		t.Errorf("the mediator reads matches %+v, %v", ms, err)
	}
}

// testNForN refuses a handover that would exceed n persons each way.
func testNForN(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	ua, rus := f.UA.ID, f.RU.ID
	e := &parley.Exchange{TrackID: f.A.ID, Title: "Two for two", Terms: parley.TermsNForN, N: 2, SideA: ua, SideB: rus}
	must2(t, s.CreateExchange(as(f.Mediator), e))
	list := func(names ...string) []*parley.Prisoner {
		var ps []*parley.Prisoner
		for i, n := range names {
			ps = append(ps, &parley.Prisoner{Name: n, Born: fmt.Sprintf("199%d-01-01", i), Status: parley.PrisonerMilitary, Captured: "2023-01-01"})
		}
		return ps
	}
	a, b := list("Олег", "Іван", "Тарас"), list("Дмитрий", "Сергей", "Павел")
	must2(t, s.AddPrisoners(as(f.Mediator), e.ID, ua, a))
	must2(t, s.AddPrisoners(as(f.Mediator), e.ID, rus, b))
	err := s.RecordHandover(as(f.Mediator), e.ID, []int64{a[0].ID, a[1].ID, a[2].ID})
	checkErr(t, err, parley.EINVALID, "prisoner_ids")
	if err != nil && !strings.Contains(err.Error(), "at most 2") {
		t.Errorf("the refusal does not say the terms: %v", err)
	}
	must2(t, s.RecordHandover(as(f.Mediator), e.ID, []int64{a[0].ID, b[0].ID}))
	must2(t, s.RecordHandover(as(f.Mediator), e.ID, []int64{a[1].ID, b[1].ID}))
	checkErr(t, s.RecordHandover(as(f.Mediator), e.ID, []int64{b[2].ID}), parley.EINVALID, "prisoner_ids")
	if got, _ := s.FindPrisoners(as(f.Mediator), e.ID, rus); got[2].HandedOverAt != nil {
		t.Error("a refused handover was recorded")
	}
}

// testTallies counts the humanitarian ledgers for the map, per the tracks
// the caller sees, without names.
func testTallies(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	ua, rus := f.UA.ID, f.RU.ID
	e := &parley.Exchange{TrackID: f.A.ID, Title: "Tallied", Terms: parley.TermsAllForAll, SideA: ua, SideB: rus}
	must2(t, s.CreateExchange(as(f.Mediator), e))
	a := []*parley.Prisoner{
		{Name: "Олег Шевченко", Born: "1990-03-04", Status: parley.PrisonerMilitary, Captured: "2022-05-20"},
		{Name: "Іван Бойко", Born: "1979-01-02", Status: parley.PrisonerCivilian, Captured: "2023-01-01"},
	}
	b := []*parley.Prisoner{{Name: "Oleg Shevchenko", Born: "1990-03-04", Status: parley.PrisonerMilitary, Captured: "2022-05-20"}}
	must2(t, s.AddPrisoners(as(f.Mediator), e.ID, ua, a))
	must2(t, s.AddPrisoners(as(f.Mediator), e.ID, rus, b))
	_, err := s.ConfirmMatch(as(f.Mediator), e.ID, a[0].ID, b[0].ID)
	must2(t, err)
	must2(t, s.RecordHandover(as(f.Mediator), e.ID, []int64{a[0].ID, b[0].ID}))
	for i := range 3 {
		c := &parley.ChildCase{TrackID: f.A.ID, Audience: parley.AudienceMediators, Child: parley.ChildDetails{Name: fmt.Sprintf("Дитина %d", i), Born: "2015-01-01"}}
		must2(t, s.CreateChildCase(as(f.Mediator), c, parley.ChildStep{Stage: parley.ChildIdentified, Date: "2024-01-01", Source: "ombudsman"}))
		if i == 0 {
			_, err := s.AdvanceChildCase(as(f.Mediator), c.ID, parley.ChildStep{Stage: parley.ChildLocated, Date: "2024-02-01", Source: "ombudsman"})
			must2(t, err)
		}
	}
	want := &parley.HumanitarianTally{TrackID: f.A.ID, Exchanges: 1, HandedOver: 2, Matched: 2, Cases: 3,
		Children: parley.ChildStageCounts{parley.ChildIdentified: 2, parley.ChildLocated: 1}}
	for name, c := range map[string]*parley.Caller{"mediator": f.Mediator, "observer": f.Observer, "delegate UA": f.DelegateUA} {
		got, err := s.HumanitarianTallies(as(c))
		must2(t, err)
		diff(t, name+" tallies", want, got[f.A.ID])
	}
	got, err := s.HumanitarianTallies(as(f.MediatorB))
	must2(t, err)
	if got[f.A.ID] != nil {
		t.Errorf("mediator of B sees the tallies of A: %+v", got[f.A.ID])
	}
}
