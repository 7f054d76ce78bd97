package storetest

import (
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
	// verifier both, nobody else either.
	readers := map[string]*parley.Caller{"mediator": f.Mediator, "delegate UA": f.DelegateUA, "delegate RU": ru,
		"verifier": f.Verifier, "observer": f.Observer, "admin": f.Admin, "outsider": f.Out, "mediator of B": f.MediatorB}
	for name, c := range readers {
		for _, side := range []struct {
			party int64
			want  []*parley.Prisoner
		}{{ua, uaList}, {rus, ruList}} {
			got, err := s.FindPrisoners(as(c), e.ID, side.party)
			if c.CanReadPrisoners(f.A.ID, side.party) {
				if err != nil || !reflect.DeepEqual(got, side.want) {
					t.Errorf("%s reads list of %d: %v, %+v", name, side.party, err, got)
				}
			} else {
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
		if c.CanReadPrisoners(f.A.ID, ua) && c.CanReadPrisoners(f.A.ID, rus) {
			if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], m) {
				t.Errorf("%s reads matches: %v, %v", name, got, err)
			}
		} else {
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
