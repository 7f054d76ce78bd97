package action

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
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

// ExchangeInput is the body of a new exchange.
type ExchangeInput struct {
	Title string               `json:"title"`
	Terms parley.ExchangeTerms `json:"terms"`
	N     int                  `json:"n,omitempty"`
	SideA int64                `json:"side_a"`
	SideB int64                `json:"side_b"`
}

// PrisonersInput adds persons to a side's list: either prisoners, or csv,
// the text of a CSV file with the header of exchange.Columns. A CSV with any
// rejected row stores nothing and answers every rejection.
type PrisonersInput struct {
	Prisoners []*parley.Prisoner `json:"prisoners,omitempty"`
	CSV       string             `json:"csv,omitempty"`
}

// PrisonersAdded answers an import.
type PrisonersAdded struct {
	Added int `json:"added"`
}

// MatchCandidate is a proposed match for the mediator to confirm.
type MatchCandidate struct {
	PrisonerA int64   `json:"prisoner_a"`
	PrisonerB int64   `json:"prisoner_b"`
	Score     float64 `json:"score"`
}

// Candidates are the proposed matches of the two lists, and the persons
// of either list that match a person an earlier exchange of the track
// handed over (prisoner_a: on this exchange's list, prisoner_b: handed
// over), among the lists the caller reads.
type Candidates struct {
	Pairs            []MatchCandidate   `json:"pairs"`
	AlreadyExchanged []MatchCandidate   `json:"already_exchanged"`
	Handed           []*parley.Prisoner `json:"-"` // the persons earlier exchanges handed over, for the page
}

// HandoverInput records who the exchange handed over.
type HandoverInput struct {
	PrisonerIDs []int64 `json:"prisoner_ids"`
}

// MatchVerification verifies a match: verified true.
type MatchVerification struct {
	Verified bool `json:"verified"`
}

// MatchInput confirms a match.
type MatchInput struct {
	PrisonerA int64 `json:"prisoner_a"`
	PrisonerB int64 `json:"prisoner_b"`
}

// MatchSharing shares a match with both sides: shared true.
type MatchSharing struct {
	Shared bool `json:"shared"`
}

// Reconciliation explains the two sides' counts: only_a and only_b are the
// persons (ids) that no confirmed match answers, so count_a − count_b =
// |only_a| − |only_b|. Handover does the same for the persons handed over.
type Reconciliation struct {
	CountA   int                     `json:"count_a"`
	CountB   int                     `json:"count_b"`
	Matched  []*parley.PrisonerMatch `json:"matched"`
	OnlyA    []int64                 `json:"only_a"`
	OnlyB    []int64                 `json:"only_b"`
	Handover HandoverReconciliation  `json:"handover"`
}

// HandoverReconciliation explains the persons handed over on each side's
// list: unanswered_a and unanswered_b are those whose confirmed
// counterpart on the other list was not handed over, or who have none, so
// handed_a − handed_b = |unanswered_a| − |unanswered_b|. pending lists the
// matches not yet handed over both ways. met says whether the handover
// met the exchange's terms: n each way for n for n; every matched person,
// and only they, for all for all.
type HandoverReconciliation struct {
	HandedA     int     `json:"handed_a"`
	HandedB     int     `json:"handed_b"`
	UnansweredA []int64 `json:"unanswered_a"`
	UnansweredB []int64 `json:"unanswered_b"`
	Pending     []int64 `json:"pending"` // match ids
	Met         bool    `json:"met"`
	Terms       string  `json:"terms"` // the terms in words, e.g. "2 each way"
}

// StartExchange starts a prisoner exchange between two principals of a
// track: all for all, or n for n.
func (a *Actions) StartExchange(ctx context.Context, trackID int64, in ExchangeInput) (*parley.Exchange, error) {
	e := &parley.Exchange{TrackID: trackID, Title: in.Title, Terms: in.Terms, N: in.N, SideA: in.SideA, SideB: in.SideB}
	return e, a.Store.CreateExchange(ctx, e)
}

// AddPrisoners adds persons to a side's list, all or none: either the
// persons, or the text of a CSV file (ImportCSV).
func (a *Actions) AddPrisoners(ctx context.Context, exchangeID, party int64, in PrisonersInput) (*PrisonersAdded, error) {
	if in.CSV != "" {
		if len(in.Prisoners) > 0 {
			return nil, parley.Errorf(parley.EINVALID, "csv", "send prisoners or csv, not both")
		}
		return a.ImportCSV(ctx, exchangeID, party, strings.NewReader(in.CSV))
	}
	if err := a.Store.AddPrisoners(ctx, exchangeID, party, in.Prisoners); err != nil {
		return nil, err
	}
	return &PrisonersAdded{Added: len(in.Prisoners)}, nil
}

// ImportCSV adds a side's list from CSV, streamed from body, all or none:
// the file's rejections, then the store's (a person already on the list,
// a field the store refuses), are answered by row, field and reason — never
// a value — as a *CSVRefusal. Every path that imports a CSV (the API's
// text/csv and JSON bodies, the exchange page's upload) goes through it.
func (a *Actions) ImportCSV(ctx context.Context, exchangeID, party int64, body io.Reader) (*PrisonersAdded, error) {
	ps, err := prisonersFromCSV(body, parley.Now())
	if err != nil {
		return nil, err
	}
	if err := a.Store.AddPrisoners(ctx, exchangeID, party, ps); err != nil {
		return nil, csvRows(err)
	}
	return &PrisonersAdded{Added: len(ps)}, nil
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
	return &CSVRefusal{
		err:  parley.Errorf(code, "csv", "nothing was imported; 1 rejected: %s, %s: %s", row, field, reason),
		Rows: []exchange.Rejection{{Row: i + 2, Field: field, Reason: reason}},
	}
}

// CSVRefusal refuses a CSV list for its rows: err is what the API answers
// (the rows in one message), Rows the rejections one by one for a page to
// list (at most maxRejectionsShown). Neither quotes a value.
type CSVRefusal struct {
	err  *parley.Error
	Rows []exchange.Rejection
}

func (e *CSVRefusal) Error() string { return e.err.Error() }
func (e *CSVRefusal) Unwrap() error { return e.err }

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
		return nil, &CSVRefusal{
			err:  parley.Errorf(parley.EINVALID, "csv", "nothing was imported; %d rejected: %s%s", len(rejected), strings.Join(lines, "; "), more),
			Rows: rejected[:min(len(rejected), maxRejectionsShown)],
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

// ExchangeLists is an exchange with both its lists and its confirmed
// matches, as a caller who reads both lists whole reads them: what
// Candidates and Reconciliation are computed from.
type ExchangeLists struct {
	Exchange *parley.Exchange
	A, B     []*parley.Prisoner // side A's list, side B's
	Matches  []*parley.PrisonerMatch
}

// BothLists reads an exchange's two lists and its matches for a caller who
// reads both lists whole; ENOTFOUND for anyone else.
func (a *Actions) BothLists(ctx context.Context, id int64) (*ExchangeLists, error) {
	e, err := a.Store.FindExchangeByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if c := parley.CallerFromContext(ctx); !c.CanReadPrisoners(e.TrackID, e.SideA) || !c.CanReadPrisoners(e.TrackID, e.SideB) {
		return nil, parley.Errorf(parley.ENOTFOUND, "", "exchange %d has no lists you read whole", id)
	}
	l := &ExchangeLists{Exchange: e}
	if l.A, err = a.Store.FindPrisoners(ctx, id, e.SideA); err != nil {
		return nil, err
	}
	if l.B, err = a.Store.FindPrisoners(ctx, id, e.SideB); err != nil {
		return nil, err
	}
	if l.Matches, err = a.Store.FindMatches(ctx, id); err != nil {
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

// Candidates proposes matches of an exchange's two lists (package
// exchange), and flags persons an earlier exchange handed over.
func (a *Actions) Candidates(ctx context.Context, l *ExchangeLists) (*Candidates, error) {
	sideA, sideB := l.A, l.B
	handed, err := a.Store.FindHandedOver(ctx, l.Exchange.TrackID, l.Exchange.ID)
	if err != nil {
		return nil, err
	}
	out := Candidates{Pairs: []MatchCandidate{}, AlreadyExchanged: []MatchCandidate{}, Handed: handed}
	for _, list := range [][]*parley.Prisoner{sideA, sideB} {
		for _, c := range exchange.Match(persons(list), persons(handed)) {
			out.AlreadyExchanged = append(out.AlreadyExchanged, MatchCandidate{PrisonerA: list[c.I].ID, PrisonerB: handed[c.J].ID, Score: c.Score})
		}
	}
	// Persons already matched are not proposed again.
	done := map[int64]bool{}
	for _, m := range l.Matches {
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
	sideA, sideB = open(sideA), open(sideB)
	for _, c := range exchange.Match(persons(sideA), persons(sideB)) {
		out.Pairs = append(out.Pairs, MatchCandidate{PrisonerA: sideA[c.I].ID, PrisonerB: sideB[c.J].ID, Score: c.Score})
	}
	return &out, nil
}

// ConfirmMatch confirms that a person of side A's list and one of side
// B's are the same (mediators).
func (a *Actions) ConfirmMatch(ctx context.Context, exchangeID int64, in MatchInput) (*parley.PrisonerMatch, error) {
	return a.Store.ConfirmMatch(ctx, exchangeID, in.PrisonerA, in.PrisonerB)
}

// VerifyMatch records the neutral body's verification of a confirmed
// match (the track's verifiers).
func (a *Actions) VerifyMatch(ctx context.Context, matchID int64, in MatchVerification) (*parley.PrisonerMatch, error) {
	if !in.Verified {
		return nil, parley.Errorf(parley.EINVALID, "verified", "a match can only be verified (verified true)")
	}
	return a.Store.VerifyMatch(ctx, matchID)
}

// ShareMatch shares a confirmed match with both sides (mediators).
func (a *Actions) ShareMatch(ctx context.Context, matchID int64, in MatchSharing) (*parley.PrisonerMatch, error) {
	if !in.Shared {
		return nil, parley.Errorf(parley.EINVALID, "shared", "a match can only be shared (shared true); a share is not taken back")
	}
	return a.Store.ShareMatch(ctx, matchID)
}

// RecordHandover records the persons the exchange handed over, all or
// none (mediators).
func (a *Actions) RecordHandover(ctx context.Context, exchangeID int64, in HandoverInput) error {
	return a.Store.RecordHandover(ctx, exchangeID, in.PrisonerIDs)
}

// Reconcile builds an exchange's reconciliation from its lists and
// matches.
func Reconcile(l *ExchangeLists) (*Reconciliation, error) {
	e, a, b, matches, id := l.Exchange, l.A, l.B, l.Matches, l.Exchange.ID
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
	out := &Reconciliation{CountA: rec.CountA, CountB: rec.CountB, Matched: matches, OnlyA: []int64{}, OnlyB: []int64{},
		Handover: HandoverReconciliation{HandedA: h.HandedA, HandedB: h.HandedB, UnansweredA: []int64{}, UnansweredB: []int64{}, Pending: []int64{}}}
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
