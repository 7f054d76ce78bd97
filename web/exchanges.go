package web

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/exchange"
)

// Prisoner exchanges: exchanges of a track (map data), each side's list of
// persons (sealed: the store answers only the side's party audience, the
// mediators and the verifiers), matching proposals from package exchange,
// the mediators' confirmed matches, and the reconciliation of the two
// sides' counts. No handler logs or echoes a person's field.

// exchangeInput is the body of a new exchange.
type exchangeInput struct {
	Title string               `json:"title"`
	Terms parley.ExchangeTerms `json:"terms"`
	N     int                  `json:"n,omitempty"`
	SideA int64                `json:"side_a"`
	SideB int64                `json:"side_b"`
}

// prisonersInput adds persons to a side's list: either prisoners, or csv,
// the text of a CSV file with the header of exchange.Columns. A CSV with any
// rejected row stores nothing and answers every rejection.
type prisonersInput struct {
	Prisoners []*parley.Prisoner `json:"prisoners,omitempty"`
	CSV       string             `json:"csv,omitempty"`
}

// prisonersAdded answers an import.
type prisonersAdded struct {
	Added int `json:"added"`
}

// matchCandidate is a proposed match for the mediator to confirm.
type matchCandidate struct {
	PrisonerA int64   `json:"prisoner_a"`
	PrisonerB int64   `json:"prisoner_b"`
	Score     float64 `json:"score"`
}

// candidates are the proposed matches of the two lists, and the persons
// of either list that match a person an earlier exchange of the track
// handed over (prisoner_a: on this exchange's list, prisoner_b: handed
// over), among the lists the caller reads.
type candidates struct {
	Pairs            []matchCandidate `json:"pairs"`
	AlreadyExchanged []matchCandidate `json:"already_exchanged"`
}

// handoverInput records who the exchange handed over.
type handoverInput struct {
	PrisonerIDs []int64 `json:"prisoner_ids"`
}

// matchVerification verifies a match: verified true.
type matchVerification struct {
	Verified bool `json:"verified"`
}

// matchInput confirms a match.
type matchInput struct {
	PrisonerA int64 `json:"prisoner_a"`
	PrisonerB int64 `json:"prisoner_b"`
}

// reconciliation explains the two sides' counts: only_a and only_b are the
// persons (ids) that no confirmed match answers, so count_a − count_b =
// |only_a| − |only_b|.
type reconciliation struct {
	CountA  int                     `json:"count_a"`
	CountB  int                     `json:"count_b"`
	Matched []*parley.PrisonerMatch `json:"matched"`
	OnlyA   []int64                 `json:"only_a"`
	OnlyB   []int64                 `json:"only_b"`
}

func (s *Server) exchangeRoutes() []route {
	const ok, created = http.StatusOK, http.StatusCreated
	return []route{
		{method: "GET", pattern: "/api/v1/tracks/{id}/exchanges", policy: PolicyTrackReader, scope: scopeTrack, id: "listExchanges", summary: "The track's prisoner exchanges (map data)",
			handle: s.listExchanges, query: pageParams, status: ok, resp: reflect.TypeFor[List[*parley.Exchange]]()},
		{method: "POST", pattern: "/api/v1/tracks/{id}/exchanges", policy: PolicyTrackEditor, scope: scopeTrack, id: "createExchange", summary: "Start a prisoner exchange between two principals: all for all, or n for n",
			handle: s.createExchange, body: reflect.TypeFor[exchangeInput](), status: created, resp: reflect.TypeFor[parley.Exchange]()},
		{method: "GET", pattern: "/api/v1/exchanges/{id}", policy: PolicySignedIn, id: "getExchange", summary: "A prisoner exchange",
			handle: s.getExchange, status: ok, resp: reflect.TypeFor[parley.Exchange]()},
		{method: "GET", pattern: "/api/v1/exchanges/{id}/lists/{party}", policy: PolicySignedIn, id: "listPrisoners", summary: "A side's list of persons (its delegates, the mediators and the verifiers)",
			handle: s.listPrisoners, query: pageParams, status: ok, resp: reflect.TypeFor[List[*parley.Prisoner]]()},
		{method: "POST", pattern: "/api/v1/exchanges/{id}/lists/{party}", policy: PolicySignedIn, id: "addPrisoners", summary: "Add persons to a side's list, as JSON or as CSV, all or none; a CSV's rejected rows are answered with row, field and reason",
			handle: s.addPrisoners, body: reflect.TypeFor[prisonersInput](), status: created, resp: reflect.TypeFor[prisonersAdded]()},
		{method: "GET", pattern: "/api/v1/exchanges/{id}/candidates", policy: PolicySignedIn, id: "listMatchCandidates", summary: "Proposed matches of the two lists, robust to transliteration and typos, for the mediators to confirm",
			handle: s.listCandidates, status: ok, resp: reflect.TypeFor[candidates]()},
		{method: "POST", pattern: "/api/v1/exchanges/{id}/matches", policy: PolicySignedIn, id: "confirmMatch", summary: "Confirm that a person of side A's list and one of side B's are the same (mediators)",
			handle: s.confirmMatch, body: reflect.TypeFor[matchInput](), status: created, resp: reflect.TypeFor[parley.PrisonerMatch]()},
		{method: "POST", pattern: "/api/v1/matches/{id}/verification", policy: PolicySignedIn, id: "verifyMatch", summary: "Record the neutral body's verification of a confirmed match (the track's verifiers)",
			handle: s.verifyMatch, body: reflect.TypeFor[matchVerification](), status: ok, resp: reflect.TypeFor[parley.PrisonerMatch]()},
		{method: "POST", pattern: "/api/v1/exchanges/{id}/handovers", policy: PolicySignedIn, id: "recordHandover", summary: "Record the persons the exchange actually handed over (mediators)",
			handle: s.recordHandover, body: reflect.TypeFor[handoverInput](), status: http.StatusNoContent},
		{method: "GET", pattern: "/api/v1/exchanges/{id}/reconciliation", policy: PolicySignedIn, id: "reconcileExchange", summary: "The two sides' counts and exactly which persons explain their difference",
			handle: s.reconcileExchange, status: ok, resp: reflect.TypeFor[reconciliation]()},
	}
}

func (s *Server) listExchanges(w http.ResponseWriter, r *http.Request) error {
	return listOfTrack(w, r, s.store.FindExchanges)
}

func (s *Server) createExchange(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in exchangeInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	e := &parley.Exchange{TrackID: id, Title: in.Title, Terms: in.Terms, N: in.N, SideA: in.SideA, SideB: in.SideB}
	if err := s.store.CreateExchange(r.Context(), e); err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/exchanges", e.ID, e)
}

func (s *Server) getExchange(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := s.store.FindExchangeByID(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, e)
}

func (s *Server) listPrisoners(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	party, err := pathID(r, "party")
	if err != nil {
		return err
	}
	page, err := queryPage(r)
	if err != nil {
		return err
	}
	ps, err := s.store.FindPrisoners(r.Context(), id, party)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageOf(ps, page))
}

func (s *Server) addPrisoners(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	party, err := pathID(r, "party")
	if err != nil {
		return err
	}
	var in prisonersInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	ps := in.Prisoners
	if in.CSV != "" {
		if len(ps) > 0 {
			return parley.Errorf(parley.EINVALID, "csv", "send prisoners or csv, not both")
		}
		if ps, err = prisonersFromCSV(in.CSV, time.Now()); err != nil {
			return err
		}
	}
	if err := s.store.AddPrisoners(r.Context(), id, party, ps); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, prisonersAdded{Added: len(ps)})
}

// maxRejectionsShown bounds the rejections one answer lists.
const maxRejectionsShown = 100

// prisonersFromCSV parses a CSV list; any rejected row refuses the whole
// file with every rejection (row, field, reason — never a value).
func prisonersFromCSV(text string, today time.Time) ([]*parley.Prisoner, error) {
	persons, rejected, err := exchange.ParseCSV(strings.NewReader(text), today)
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "csv", "%s", strings.TrimPrefix(err.Error(), "exchange: "))
	}
	if len(rejected) > 0 {
		lines := make([]string, 0, min(len(rejected), maxRejectionsShown))
		for _, rj := range rejected[:min(len(rejected), maxRejectionsShown)] {
			lines = append(lines, rj.String())
		}
		more := ""
		if len(rejected) > maxRejectionsShown {
			more = fmt.Sprintf("; and %d more", len(rejected)-maxRejectionsShown)
		}
		return nil, parley.Errorf(parley.EINVALID, "csv", "nothing was imported; %d rejected: %s%s", len(rejected), strings.Join(lines, "; "), more)
	}
	ps := make([]*parley.Prisoner, len(persons))
	for i, p := range persons {
		ps[i] = &parley.Prisoner{Name: p.Name, Transliteration: p.Transliteration, Born: p.Born.Format(time.DateOnly),
			Status: parley.PrisonerStatus(p.Status), Rank: p.Rank, ServiceNumber: p.ServiceNumber, CapturePlace: p.CapturePlace,
			Captured: p.Captured.Format(time.DateOnly), NextOfKin: p.NextOfKin}
	}
	return ps, nil
}

// bothLists returns an exchange and its two lists; the store refuses a
// caller who may not read either.
func (s *Server) bothLists(ctx context.Context, id int64) (*parley.Exchange, []*parley.Prisoner, []*parley.Prisoner, error) {
	e, err := s.store.FindExchangeByID(ctx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	a, err := s.store.FindPrisoners(ctx, id, e.SideA)
	if err != nil {
		return nil, nil, nil, err
	}
	b, err := s.store.FindPrisoners(ctx, id, e.SideB)
	if err != nil {
		return nil, nil, nil, err
	}
	return e, a, b, nil
}

// persons converts a list for package exchange.
func persons(ps []*parley.Prisoner) []exchange.Person {
	out := make([]exchange.Person, len(ps))
	for i, p := range ps {
		born, _ := time.Parse(time.DateOnly, p.Born) // validated when stored
		out[i] = exchange.Person{Name: p.Name, Transliteration: p.Transliteration, Born: born}
	}
	return out
}

func (s *Server) listCandidates(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, a, b, err := s.bothLists(r.Context(), id)
	if err != nil {
		return err
	}
	matches, err := s.store.FindMatches(r.Context(), id)
	if err != nil {
		return err
	}
	handed, err := s.store.FindHandedOver(r.Context(), e.TrackID, id)
	if err != nil {
		return err
	}
	out := candidates{Pairs: []matchCandidate{}, AlreadyExchanged: []matchCandidate{}}
	for _, list := range [][]*parley.Prisoner{a, b} {
		for _, c := range exchange.Match(persons(list), persons(handed)) {
			out.AlreadyExchanged = append(out.AlreadyExchanged, matchCandidate{PrisonerA: list[c.I].ID, PrisonerB: handed[c.J].ID, Score: c.Score})
		}
	}
	// Persons already matched are not proposed again.
	done := map[int64]bool{}
	for _, m := range matches {
		done[m.PrisonerA], done[m.PrisonerB] = true, true
	}
	open := func(ps []*parley.Prisoner) []*parley.Prisoner {
		var out []*parley.Prisoner
		for _, p := range ps {
			if !done[p.ID] {
				out = append(out, p)
			}
		}
		return out
	}
	a, b = open(a), open(b)
	for _, c := range exchange.Match(persons(a), persons(b)) {
		out.Pairs = append(out.Pairs, matchCandidate{PrisonerA: a[c.I].ID, PrisonerB: b[c.J].ID, Score: c.Score})
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) verifyMatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in matchVerification
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if !in.Verified {
		return parley.Errorf(parley.EINVALID, "verified", "a match can only be verified (verified true)")
	}
	m, err := s.store.VerifyMatch(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

func (s *Server) recordHandover(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in handoverInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if err := s.store.RecordHandover(r.Context(), id, in.PrisonerIDs); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) confirmMatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in matchInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	m, err := s.store.ConfirmMatch(r.Context(), id, in.PrisonerA, in.PrisonerB)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, m)
}

func (s *Server) reconcileExchange(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, a, b, err := s.bothLists(r.Context(), id)
	if err != nil {
		return err
	}
	matches, err := s.store.FindMatches(r.Context(), id)
	if err != nil {
		return err
	}
	index := func(ps []*parley.Prisoner) map[int64]int {
		m := make(map[int64]int, len(ps))
		for i, p := range ps {
			m[p.ID] = i
		}
		return m
	}
	ia, ib := index(a), index(b)
	confirmed := make([]exchange.Candidate, len(matches))
	for k, m := range matches {
		confirmed[k] = exchange.Candidate{I: ia[m.PrisonerA], J: ib[m.PrisonerB], Score: 1}
	}
	rec, err := exchange.Reconcile(len(a), len(b), confirmed)
	if err != nil {
		return fmt.Errorf("reconcile exchange %d: %w", id, err)
	}
	out := reconciliation{CountA: rec.CountA, CountB: rec.CountB, Matched: matches, OnlyA: []int64{}, OnlyB: []int64{}}
	for _, i := range rec.OnlyA {
		out.OnlyA = append(out.OnlyA, a[i].ID)
	}
	for _, j := range rec.OnlyB {
		out.OnlyB = append(out.OnlyB, b[j].ID)
	}
	return writeJSON(w, http.StatusOK, out)
}
