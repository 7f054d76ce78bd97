package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
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
	Pairs            []matchCandidate   `json:"pairs"`
	AlreadyExchanged []matchCandidate   `json:"already_exchanged"`
	handed           []*parley.Prisoner // the persons earlier exchanges handed over, for the page
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

// matchSharing shares a match with both sides: shared true.
type matchSharing struct {
	Shared bool `json:"shared"`
}

// reconciliation explains the two sides' counts: only_a and only_b are the
// persons (ids) that no confirmed match answers, so count_a − count_b =
// |only_a| − |only_b|. Handover does the same for the persons handed over.
type reconciliation struct {
	CountA   int                     `json:"count_a"`
	CountB   int                     `json:"count_b"`
	Matched  []*parley.PrisonerMatch `json:"matched"`
	OnlyA    []int64                 `json:"only_a"`
	OnlyB    []int64                 `json:"only_b"`
	Handover handoverReconciliation  `json:"handover"`
}

// handoverReconciliation explains the persons handed over on each side's
// list: unanswered_a and unanswered_b are those whose confirmed
// counterpart on the other list was not handed over, or who have none, so
// handed_a − handed_b = |unanswered_a| − |unanswered_b|. pending lists the
// matches not yet handed over both ways. met says whether the handover
// met the exchange's terms: n each way for n for n; every matched person,
// and only they, for all for all.
type handoverReconciliation struct {
	HandedA     int     `json:"handed_a"`
	HandedB     int     `json:"handed_b"`
	UnansweredA []int64 `json:"unanswered_a"`
	UnansweredB []int64 `json:"unanswered_b"`
	Pending     []int64 `json:"pending"` // match ids
	Met         bool    `json:"met"`
	Terms       string  `json:"terms"` // the terms in words, e.g. "2 each way"
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
		{method: "POST", pattern: "/api/v1/exchanges/{id}/lists/{party}", policy: PolicySignedIn, id: "addPrisoners", summary: "Add persons to a side's list, as JSON (csv inside, up to 1 MiB) or as a text/csv body (up to MaxCSVBodyBytes), all or none; a CSV's rejected rows are answered with row, field and reason",
			handle: s.addPrisoners, body: reflect.TypeFor[prisonersInput](), status: created, resp: reflect.TypeFor[prisonersAdded](), csv: true, maxBody: MaxCSVBodyBytes},
		{method: "GET", pattern: "/api/v1/exchanges/{id}/candidates", policy: PolicySignedIn, id: "listMatchCandidates", summary: "Proposed matches of the two lists, robust to transliteration and typos, for the mediators to confirm",
			handle: s.listCandidates, status: ok, resp: reflect.TypeFor[candidates]()},
		{method: "POST", pattern: "/api/v1/exchanges/{id}/matches", policy: PolicySignedIn, id: "confirmMatch", summary: "Confirm that a person of side A's list and one of side B's are the same (mediators)",
			handle: s.confirmMatch, body: reflect.TypeFor[matchInput](), status: created, resp: reflect.TypeFor[parley.PrisonerMatch]()},
		{method: "POST", pattern: "/api/v1/matches/{id}/verification", policy: PolicySignedIn, id: "verifyMatch", summary: "Record the neutral body's verification of a confirmed match (the track's verifiers)",
			handle: s.verifyMatch, body: reflect.TypeFor[matchVerification](), status: ok, resp: reflect.TypeFor[parley.PrisonerMatch]()},
		{method: "POST", pattern: "/api/v1/matches/{id}/sharing", policy: PolicySignedIn, id: "shareMatch", summary: "Share a confirmed match with both sides: each side's delegates then read the other side's person of that match, and nothing else of its list (mediators)",
			handle: s.shareMatch, body: reflect.TypeFor[matchSharing](), status: ok, resp: reflect.TypeFor[parley.PrisonerMatch]()},
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
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "text/csv" {
		n, err := s.importCSV(r.Context(), id, party, r.Body)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusCreated, prisonersAdded{Added: n})
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxRequestBodyBytes) // JSON keeps the common bound
	var in prisonersInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if in.CSV != "" {
		if len(in.Prisoners) > 0 {
			return parley.Errorf(parley.EINVALID, "csv", "send prisoners or csv, not both")
		}
		n, err := s.importCSV(r.Context(), id, party, strings.NewReader(in.CSV))
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusCreated, prisonersAdded{Added: n})
	}
	if err := s.store.AddPrisoners(r.Context(), id, party, in.Prisoners); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, prisonersAdded{Added: len(in.Prisoners)})
}

// importCSV adds a side's list from CSV, streamed from body, all or none:
// the file's rejections, then the store's (a person already on the list,
// a field the store refuses), are answered by row, field and reason — never
// a value. Every path that imports a CSV (the API's text/csv and JSON
// bodies, the exchange page's upload) goes through it.
func (s *Server) importCSV(ctx context.Context, exchangeID, party int64, body io.Reader) (int, error) {
	ps, err := prisonersFromCSV(body, parley.Now())
	if err != nil {
		return 0, err
	}
	if err := s.store.AddPrisoners(ctx, exchangeID, party, ps); err != nil {
		return 0, csvRows(err)
	}
	return len(ps), nil
}

// storeField is a field of the store's refusal of a list: prisoners[i].f.
var storeField = regexp.MustCompile(`^prisoners\[(\d+)\](?:\.(\w+))?$`)

// csvRows restates the store's refusal of a CSV's persons by the file's
// rows (person i is row i+2, the header being row 1). The store's message
// names fields and list positions, never values.
func csvRows(err error) error {
	code := parley.ErrorCode(err)
	if code != parley.EINVALID && code != parley.ECONFLICT {
		return err
	}
	var perr *parley.Error
	if !errors.As(err, &perr) {
		return err
	}
	m := storeField.FindStringSubmatch(perr.Field)
	if m == nil {
		return err
	}
	i, _ := strconv.Atoi(m[1])
	row := fmt.Sprintf("row %d", i+2)
	field := m[2]
	if field == "" {
		field = "name"
	}
	reason := strings.TrimPrefix(strings.ReplaceAll(perr.Message, m[0], row), row+" ")
	return &csvRefusal{
		err:  parley.Errorf(code, "csv", "nothing was imported; 1 rejected: %s, %s: %s", row, field, reason),
		rows: []exchange.Rejection{{Row: i + 2, Field: field, Reason: reason}},
	}
}

// csvRefusal refuses a CSV list for its rows: err is what the API answers
// (the rows in one message), rows the rejections one by one for a page to
// list (at most maxRejectionsShown). Neither quotes a value.
type csvRefusal struct {
	err  *parley.Error
	rows []exchange.Rejection
}

func (e *csvRefusal) Error() string { return e.err.Error() }
func (e *csvRefusal) Unwrap() error { return e.err }

// maxRejectionsShown bounds the rejections one answer lists.
const maxRejectionsShown = 100

// prisonersFromCSV parses a CSV list; any rejected row refuses the whole
// file with every rejection (row, field, reason — never a value).
func prisonersFromCSV(body io.Reader, today time.Time) ([]*parley.Prisoner, error) {
	persons, rejected, err := exchange.ParseCSV(body, today)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, err // 413
	}
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
		return nil, &csvRefusal{
			err:  parley.Errorf(parley.EINVALID, "csv", "nothing was imported; %d rejected: %s%s", len(rejected), strings.Join(lines, "; "), more),
			rows: rejected[:min(len(rejected), maxRejectionsShown)],
		}
	}
	ps := make([]*parley.Prisoner, len(persons))
	for i, p := range persons {
		ps[i] = &parley.Prisoner{Name: p.Name, Transliteration: p.Transliteration, Born: p.Born.Format(time.DateOnly),
			Status: parley.PrisonerStatus(p.Status), Rank: p.Rank, ServiceNumber: p.ServiceNumber, CapturePlace: p.CapturePlace,
			Captured: p.Captured.Format(time.DateOnly), NextOfKin: p.NextOfKin}
	}
	return ps, nil
}

// exchangeLists is an exchange with both its lists and its confirmed
// matches, as a caller who reads both lists whole reads them: what
// candidates and reconciliation are computed from.
type exchangeLists struct {
	e       *parley.Exchange
	a, b    []*parley.Prisoner
	matches []*parley.PrisonerMatch
}

// bothLists reads an exchange's two lists and its matches for a caller who
// reads both lists whole; ENOTFOUND for anyone else.
func (s *Server) bothLists(ctx context.Context, id int64) (*exchangeLists, error) {
	e, err := s.store.FindExchangeByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if c := parley.CallerFromContext(ctx); !c.CanReadPrisoners(e.TrackID, e.SideA) || !c.CanReadPrisoners(e.TrackID, e.SideB) {
		return nil, parley.Errorf(parley.ENOTFOUND, "", "exchange %d has no lists you read whole", id)
	}
	l := &exchangeLists{e: e}
	if l.a, err = s.store.FindPrisoners(ctx, id, e.SideA); err != nil {
		return nil, err
	}
	if l.b, err = s.store.FindPrisoners(ctx, id, e.SideB); err != nil {
		return nil, err
	}
	if l.matches, err = s.store.FindMatches(ctx, id); err != nil {
		return nil, err
	}
	return l, nil
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
	l, err := s.bothLists(r.Context(), id)
	if err != nil {
		return err
	}
	out, err := s.candidates(r.Context(), l)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// candidates proposes matches of an exchange's two lists (package
// exchange), and flags persons an earlier exchange handed over.
func (s *Server) candidates(ctx context.Context, l *exchangeLists) (*candidates, error) {
	a, b := l.a, l.b
	handed, err := s.store.FindHandedOver(ctx, l.e.TrackID, l.e.ID)
	if err != nil {
		return nil, err
	}
	out := candidates{Pairs: []matchCandidate{}, AlreadyExchanged: []matchCandidate{}, handed: handed}
	for _, list := range [][]*parley.Prisoner{a, b} {
		for _, c := range exchange.Match(persons(list), persons(handed)) {
			out.AlreadyExchanged = append(out.AlreadyExchanged, matchCandidate{PrisonerA: list[c.I].ID, PrisonerB: handed[c.J].ID, Score: c.Score})
		}
	}
	// Persons already matched are not proposed again.
	done := map[int64]bool{}
	for _, m := range l.matches {
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
	return &out, nil
}

func (s *Server) verifyMatch(w http.ResponseWriter, r *http.Request) error {
	return markMatch(w, r, func(in *matchVerification) error {
		if !in.Verified {
			return parley.Errorf(parley.EINVALID, "verified", "a match can only be verified (verified true)")
		}
		return nil
	}, s.store.VerifyMatch)
}

func (s *Server) shareMatch(w http.ResponseWriter, r *http.Request) error {
	return markMatch(w, r, func(in *matchSharing) error {
		if !in.Shared {
			return parley.Errorf(parley.EINVALID, "shared", "a match can only be shared (shared true); a share is not taken back")
		}
		return nil
	}, s.store.ShareMatch)
}

// markMatch answers the acts that mark a confirmed match once (verify,
// share): the body must say true (check), then the store marks the match
// in the path and the answer is the match.
func markMatch[B any](w http.ResponseWriter, r *http.Request, check func(*B) error, mark func(context.Context, int64) (*parley.PrisonerMatch, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in B
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if err := check(&in); err != nil {
		return err
	}
	m, err := mark(r.Context(), id)
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
	l, err := s.bothLists(r.Context(), id)
	if err != nil {
		return err
	}
	out, err := reconcile(l)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// reconcile builds an exchange's reconciliation from its lists and
// matches.
func reconcile(l *exchangeLists) (*reconciliation, error) {
	e, a, b, matches, id := l.e, l.a, l.b, l.matches, l.e.ID
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
		return nil, fmt.Errorf("reconcile exchange %d: %w", id, err)
	}
	handed := func(ps []*parley.Prisoner) []bool {
		out := make([]bool, len(ps))
		for i, p := range ps {
			out[i] = p.HandedOverAt != nil
		}
		return out
	}
	h, err := rec.Handover(handed(a), handed(b))
	if err != nil {
		return nil, fmt.Errorf("reconcile handover of exchange %d: %w", id, err)
	}
	out := &reconciliation{CountA: rec.CountA, CountB: rec.CountB, Matched: matches, OnlyA: []int64{}, OnlyB: []int64{},
		Handover: handoverReconciliation{HandedA: h.HandedA, HandedB: h.HandedB, UnansweredA: []int64{}, UnansweredB: []int64{}, Pending: []int64{}}}
	for _, i := range rec.OnlyA {
		out.OnlyA = append(out.OnlyA, a[i].ID)
	}
	for _, j := range rec.OnlyB {
		out.OnlyB = append(out.OnlyB, b[j].ID)
	}
	for _, i := range h.UnansweredA {
		out.Handover.UnansweredA = append(out.Handover.UnansweredA, a[i].ID)
	}
	for _, j := range h.UnansweredB {
		out.Handover.UnansweredB = append(out.Handover.UnansweredB, b[j].ID)
	}
	byPair := map[[2]int64]int64{}
	for _, m := range matches {
		byPair[[2]int64{m.PrisonerA, m.PrisonerB}] = m.ID
	}
	for _, c := range h.Pending {
		out.Handover.Pending = append(out.Handover.Pending, byPair[[2]int64{a[c.I].ID, b[c.J].ID}])
	}
	switch e.Terms {
	case parley.TermsNForN:
		out.Handover.Met, out.Handover.Terms = h.MeetsNForN(e.N), fmt.Sprintf("%d each way", e.N)
	default:
		out.Handover.Met, out.Handover.Terms = h.MeetsAllForAll(), "every matched person, each way"
	}
	return out, nil
}
