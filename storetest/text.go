package storetest

import (
	"reflect"
	"testing"

	"github.com/parley-talks/parley"
)

func testTexts(t *testing.T, s parley.Store) {
	f := NewConfidential(t, s)
	ua, ru := f.UA.ID, f.RU.ID
	text := &parley.NegotiatingText{TrackID: f.A.ID, Title: "Framework for a ceasefire", Audience: parley.PartyAudience(ua)}
	checkCode(t, "a delegate creates a text", s.CreateText(as(f.DelegateUA), text), parley.EFORBIDDEN)
	must2(t, s.CreateText(as(f.Mediator), text))
	clauses := []parley.Clause{
		{Text: "The parties recall their commitments.", Status: parley.ClauseAgreed},
		{Alternatives: []parley.Alternative{
			{Text: "A full ceasefire.", Theme: "Ceasefire", Option: "full", Sponsors: []int64{ua}},
			{Text: "No ceasefire yet.", Theme: "Ceasefire", Option: "none", Sponsors: []int64{ru}},
		}, Status: parley.ClauseBracketed},
	}
	v1, err := s.CreateVersion(as(f.Mediator), text.ID, clauses)
	must2(t, err)
	if v1.Number != 1 || v1.FrozenAt != nil || !reflect.DeepEqual(v1.Clauses, clauses) ||
		v1.Counts != (parley.TextCounts{Clauses: 2, Brackets: 1, Options: 2, Agreed: 1}) {
		t.Fatalf("version 1 = %+v", v1)
	}
	_, err = s.CreateVersion(as(f.Mediator), text.ID, clauses)
	checkCode(t, "a second draft", err, parley.ECONFLICT)

	// Who reads: the audience party:UA, so the mediators and Ukraine.
	for name, c := range map[string]*parley.Caller{"mediator": f.Mediator, "delegate UA": f.DelegateUA, "observer": f.Observer, "admin": f.Admin, "outsider": f.Out} {
		_, err := s.FindVersionByID(as(c), v1.ID)
		list, lerr := s.FindTexts(as(c), f.A.ID)
		if c.CanRead(f.A.ID, text.Audience) {
			if err != nil || lerr != nil || len(list) != 1 {
				t.Errorf("%s: %v, %v, %d texts", name, err, lerr, len(list))
			}
		} else {
			checkCode(t, name+" reads a version", err, parley.ENOTFOUND)
			if lerr == nil && len(list) != 0 {
				t.Errorf("%s lists %d texts", name, len(list))
			}
		}
	}
	_, err = s.UpdateVersion(as(f.DelegateUA), v1.ID, clauses)
	checkCode(t, "a delegate edits", err, parley.EFORBIDDEN)

	// Bad clauses are refused and change nothing.
	bad := map[string][]parley.Clause{
		"unknown option": {{Alternatives: []parley.Alternative{{Text: "a", Theme: "Ceasefire", Option: "half"}, {Text: "b"}}, Status: parley.ClauseBracketed}},
		"unknown theme":  {{Alternatives: []parley.Alternative{{Text: "a", Theme: "Borders", Option: "full"}, {Text: "b"}}, Status: parley.ClauseBracketed}},
		"agreed bracket": {{Alternatives: []parley.Alternative{{Text: "a"}, {Text: "b"}}, Status: parley.ClauseAgreed}},
		"bad sponsor":    {{Alternatives: []parley.Alternative{{Text: "a", Sponsors: []int64{999}}, {Text: "b"}}, Status: parley.ClauseBracketed}},
		"no text":        {{Status: parley.ClauseOpen}},
	}
	size := ledgerSize(t, s)
	for name, cs := range bad {
		_, err := s.UpdateVersion(as(f.Mediator), v1.ID, cs)
		checkCode(t, name, err, parley.EINVALID)
	}
	if got, _ := s.FindVersionByID(ctx, v1.ID); !reflect.DeepEqual(got.Clauses, clauses) || ledgerSize(t, s) != size {
		t.Errorf("refused edits changed the version")
	}

	// Freeze: the snapshot never changes; the next version starts.
	frozen, err := s.FreezeVersion(as(f.Mediator), v1.ID)
	if err != nil || frozen.FrozenAt == nil {
		t.Fatalf("freeze = %+v, %v", frozen, err)
	}
	_, err = s.UpdateVersion(as(f.Mediator), v1.ID, clauses[:1])
	checkCode(t, "edit a frozen version", err, parley.ECONFLICT)
	_, err = s.FreezeVersion(as(f.Mediator), v1.ID)
	checkCode(t, "freeze twice", err, parley.ECONFLICT)
	agreed := []parley.Clause{clauses[0], {Text: "A full ceasefire.", Status: parley.ClauseAgreed}}
	v2, err := s.CreateVersion(as(f.Mediator), text.ID, agreed)
	must2(t, err)
	if v2.Number != 2 || !v2.Counts.AllAgree || v2.Counts.Brackets != 0 {
		t.Errorf("version 2 = %+v", v2)
	}
	if got, _ := s.FindVersionByID(ctx, v1.ID); !reflect.DeepEqual(got.Clauses, clauses) {
		t.Errorf("version 1 changed: %+v", got.Clauses)
	}
	vs, err := s.FindVersions(as(f.DelegateUA), text.ID)
	if err != nil || len(vs) != 2 || vs[0].Number != 1 || vs[1].Number != 2 {
		t.Errorf("versions = %v, %v", vs, err)
	}
	_, err = s.FindVersions(as(f.Observer), text.ID)
	checkCode(t, "observer lists versions", err, parley.ENOTFOUND)
}
