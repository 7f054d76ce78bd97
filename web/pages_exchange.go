package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/exchange"
)

// The page of a prisoner exchange: its terms; each side's list as the
// caller reads it (a delegate: its own side whole and, of the other side,
// the persons of shared matches only — the store applies
// Caller.CanReadPerson); the matches the caller reads with the mediators'
// confirm and share buttons and the verifiers' verify button; for the
// mediators, the suggested matches of package exchange, the handover form
// and the reconciliation; the forms that upload a side's list as CSV, for
// those who write it. The children's page is in pages_children.go.

type exchangePage struct {
	pageBase
	Track     *parley.Track
	Exchange  *parley.Exchange
	Parties   map[int64]string
	Lists     []sideList
	Persons   map[int64]*parley.Prisoner // every person the caller reads, by id
	Matches   []*parley.PrisonerMatch
	Suggested []matchCandidate
	Named     []matchCandidate // persons of these lists an earlier exchange handed over already (mediators)
	Rec       *reconciliation
	Mediator  bool
	Verifier  bool
	Writes    []sideList       // the sides whose list the caller may add to: the upload forms
	Handover  []sideList       // per side, the persons not handed over yet: the handover form (mediators)
	Matched   map[int64]string // a person's confirmed match, in words, for the handover form
	Columns   []string         // a CSV list's columns (exchange.Columns), for the upload form's help
	Refusal   *formRefusal     // the store's refusal of a form, shown beside it
}

// formRefusal is a refused form of a page: which form (Form, e.g.
// "handover" or "list-3"), the store's message and, for a CSV list, the
// rejected rows. Values the caller checked are kept in Checked.
type formRefusal struct {
	Form    string
	Message string
	Rows    []exchange.Rejection
	Checked map[int64]bool
	Values  map[string]string // the fields of a refused form, to show again
}

// sideList is one side's list as the caller reads it.
type sideList struct {
	PartyID int64
	Party   string
	Persons []*parley.Prisoner
	Whole   bool // the caller reads the whole list, not only shared persons
}

// matchForm confirms a suggested match; csrfForm shares or verifies one.
type matchForm struct {
	CSRFToken string `json:"csrf_token"`
	PrisonerA string `json:"prisoner_a"`
	PrisonerB string `json:"prisoner_b"`
}

// handoverForm records who the exchange handed over: one prisoner_ids
// value per checked person.
type handoverForm struct {
	CSRFToken   string   `json:"csrf_token"`
	PrisonerIDs []string `json:"prisoner_ids"`
}

// listUploadForm adds persons to a side's list from a CSV file, sent as
// multipart/form-data with the token first (withFormCSRF).
type listUploadForm struct {
	CSRFToken string `json:"csrf_token"`
	CSV       string `json:"csv"` // the file, with the columns of exchange.Columns
}

func (s *Server) pageExchange(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderExchange(w, r, id, nil, 0)
}

// renderExchange renders an exchange's page; refusal and status report a
// refused form.
func (s *Server) renderExchange(w http.ResponseWriter, r *http.Request, id int64, refusal *formRefusal, status int) error {
	ctx := r.Context()
	e, err := s.store.FindExchangeByID(ctx, id)
	if err != nil {
		return err
	}
	t, err := s.store.FindTrackByID(ctx, e.TrackID)
	if err != nil {
		return err
	}
	names, err := s.partyNames(ctx)
	if err != nil {
		return err
	}
	c := parley.CallerFromContext(ctx)
	data := &exchangePage{pageBase: newBase(r, e.Title), Track: t, Exchange: e, Parties: names, Persons: map[int64]*parley.Prisoner{},
		Mediator: c.CanEditTrack(e.TrackID), Verifier: c.CanVerify(e.TrackID)}
	data.Notice = exchangeNotices[r.URL.Query().Get("done")]
	if n, err := strconv.Atoi(r.URL.Query().Get("n")); err == nil && r.URL.Query().Get("done") == "imported" {
		data.Notice = fmt.Sprintf("The list was imported: %d persons added.", n)
	}
	data.Refusal, data.Status, data.Columns = refusal, status, exchange.Columns
	for _, party := range []int64{e.SideA, e.SideB} {
		if c.CanEditProfile(e.TrackID, party) {
			data.Writes = append(data.Writes, sideList{PartyID: party, Party: names[party]})
		}
	}
	for _, party := range []int64{e.SideA, e.SideB} {
		ps, err := s.store.FindPrisoners(ctx, id, party)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		data.Lists = append(data.Lists, sideList{PartyID: party, Party: names[party], Persons: ps, Whole: c.CanReadPrisoners(e.TrackID, party)})
		for _, p := range ps {
			data.Persons[p.ID] = p
		}
	}
	if len(data.Lists) > 0 {
		if data.Matches, err = s.store.FindMatches(ctx, id); err != nil {
			return err
		}
	}
	if c.CanReadPrisoners(e.TrackID, e.SideA) && c.CanReadPrisoners(e.TrackID, e.SideB) {
		// Both lists read whole, side A's first: reconcile and propose
		// from what the page read, without opening the lists again.
		l := &exchangeLists{e: e, a: data.Lists[0].Persons, b: data.Lists[1].Persons, matches: data.Matches}
		if data.Rec, err = reconcile(l); err != nil {
			return err
		}
		if data.Mediator {
			cands, err := s.candidates(ctx, l)
			if err != nil {
				return err
			}
			data.Suggested, data.Named = cands.Pairs, cands.AlreadyExchanged
			for _, p := range cands.handed {
				data.Persons[p.ID] = p
			}
			data.handoverChoices()
		}
	}
	return s.render(w, "exchange", data)
}

// handoverChoices fills the handover form: each side's persons not handed
// over yet, with their confirmed match in words.
func (p *exchangePage) handoverChoices() {
	p.Matched = map[int64]string{}
	for _, m := range p.Matches {
		state := "confirmed"
		if m.VerifiedAt != nil {
			state = "verified"
		}
		p.Matched[m.PrisonerA] = fmt.Sprintf("%s match with person %d", state, m.PrisonerB)
		p.Matched[m.PrisonerB] = fmt.Sprintf("%s match with person %d", state, m.PrisonerA)
	}
	for _, l := range p.Lists {
		side := sideList{PartyID: l.PartyID, Party: l.Party, Whole: l.Whole}
		for _, person := range l.Persons {
			if person.HandedOverAt == nil {
				side.Persons = append(side.Persons, person)
			}
		}
		p.Handover = append(p.Handover, side)
	}
}

// exchangeFormFailed re-renders the exchange's page with the refusal of
// one of its forms if the error is the client's (invalid, conflict);
// otherwise it returns it. Nothing was stored.
func (s *Server) exchangeFormFailed(w http.ResponseWriter, r *http.Request, id int64, refusal *formRefusal, err error) error {
	code := parley.ErrorCode(err)
	if code != parley.EINVALID && code != parley.ECONFLICT {
		return err
	}
	refusal.Message = parley.ErrorMessage(err)
	var rows *csvRefusal
	if errors.As(err, &rows) {
		refusal.Message = fmt.Sprintf("Nothing was imported: %d rows were rejected.", len(rows.rows))
		if len(rows.rows) == 1 {
			refusal.Message = "Nothing was imported: 1 row was rejected."
		}
		refusal.Rows = rows.rows
	}
	return s.renderExchange(w, r, id, refusal, statusOf(code))
}

// pageRecordHandover records the persons checked on the handover form,
// all or none: the store refuses a person handed over already, or one
// past n on an n-for-n exchange, and the page then shows why beside the
// form with the same boxes checked.
func (s *Server) pageRecordHandover(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	refusal := &formRefusal{Form: "handover", Checked: map[int64]bool{}}
	var ids []int64
	for _, v := range r.PostForm["prisoner_ids"] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return s.exchangeFormFailed(w, r, id, refusal, parley.Errorf(parley.EINVALID, "prisoner_ids", "prisoner_ids must be positive ids"))
		}
		ids = append(ids, n)
		refusal.Checked[n] = true
	}
	if len(ids) == 0 {
		return s.exchangeFormFailed(w, r, id, refusal, parley.Errorf(parley.EINVALID, "prisoner_ids", "check at least one person handed over"))
	}
	if err := s.store.RecordHandover(r.Context(), id, ids); err != nil {
		return s.exchangeFormFailed(w, r, id, refusal, err)
	}
	return exchangeDone(w, r, id, "handover")
}

// pageUploadList adds persons to a side's list from the CSV file of the
// upload form. The form is streamed, never held whole: the file's part
// goes straight to importCSV, the one import of the API's CSV bodies, so
// a file with any rejected row stores nothing and the page lists the
// rows (row, column, reason — never a value).
func (s *Server) pageUploadList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	party, err := pathID(r, "party")
	if err != nil {
		return err
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return &httpError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type",
			msg: "a list's upload form must be sent as multipart/form-data"}
	}
	refusal := &formRefusal{Form: fmt.Sprintf("list-%d", party)}
	mr, err := r.MultipartReader()
	if err != nil {
		return parley.Errorf(parley.EINVALID, "csv", "the form is not a readable multipart/form-data body")
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err // 413
		}
		if err != nil {
			return parley.Errorf(parley.EINVALID, "csv", "the form is not a readable multipart/form-data body")
		}
		if part.FormName() != "csv" {
			continue // the token, read by withFormCSRF; the next part skips it
		}
		if part.FileName() == "" {
			break // no file chosen
		}
		n, err := s.importCSV(r.Context(), id, party, part)
		if err != nil {
			return s.exchangeFormFailed(w, r, id, refusal, err)
		}
		http.Redirect(w, r, fmt.Sprintf("/exchanges/%d?done=imported&n=%d", id, n), http.StatusSeeOther)
		return nil
	}
	return s.exchangeFormFailed(w, r, id, refusal, parley.Errorf(parley.EINVALID, "csv", "choose a CSV file to upload"))
}

var exchangeNotices = map[string]string{
	"confirmed": "The match is confirmed.",
	"shared":    "The match is shared with both sides.",
	"verified":  "The match is verified.",
	"handover":  "The handover is recorded.",
	"imported":  "The list was imported.",
}

// exchangeDone redirects to the exchange's page with a notice.
func exchangeDone(w http.ResponseWriter, r *http.Request, id int64, done string) error {
	http.Redirect(w, r, fmt.Sprintf("/exchanges/%d?done=%s", id, done), http.StatusSeeOther)
	return nil
}

func (s *Server) pageConfirmMatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	a, err := formID("prisoner_a", r.PostForm.Get("prisoner_a"), "choose a person of the first list")
	if err != nil {
		return err
	}
	b, err := formID("prisoner_b", r.PostForm.Get("prisoner_b"), "choose a person of the second list")
	if err != nil {
		return err
	}
	if _, err := s.store.ConfirmMatch(r.Context(), id, a, b); err != nil {
		return err
	}
	return exchangeDone(w, r, id, "confirmed")
}

// pageMatchAct shares or verifies a match from the exchange's page.
func (s *Server) pageMatchAct(act func(context.Context, int64) (*parley.PrisonerMatch, error), done string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		m, err := act(r.Context(), id)
		if err != nil {
			return err
		}
		return exchangeDone(w, r, m.ExchangeID, done)
	}
}
