package desk

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/exchange"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/problem"
	"github.com/parley-talks/parley/web/route"
)

// The page of a prisoner exchange: its terms; each side's list as the
// caller reads it (a delegate: its own side whole and, of the other side,
// the persons of shared matches only — the store applies
// Caller.CanReadPerson); the matches the caller reads with the mediators'
// confirm and share buttons and the verifiers' verify button; for the
// mediators, the suggested matches of package exchange, the handover form
// and the reconciliation; the forms that upload a side's list as CSV, for
// those who write it. The children's page is in children.go.

type exchangePage struct {
	pageBase
	Track     *parley.Track
	Exchange  *parley.Exchange
	Parties   map[int64]string
	Lists     []sideList
	Persons   map[int64]*parley.Prisoner // every person the caller reads, by id
	Matches   []*parley.PrisonerMatch
	Suggested []action.MatchCandidate
	Named     []action.MatchCandidate // persons of these lists an earlier exchange handed over already (mediators)
	Rec       *action.Reconciliation
	Mediator  bool
	Verifier  bool
	Writes    []sideList       // the sides whose list the caller may add to: the upload forms
	Handover  []sideList       // per side, the persons not handed over yet: the handover form (mediators)
	Matched   map[int64]string // a person's confirmed match, in words, for the handover form
	Columns   []string         // a CSV list's columns (exchange.Columns), for the upload form's help
}

// sideList is one side's list as the caller reads it.
type sideList struct {
	PartyID int64
	Party   string
	Persons []*parley.Prisoner
	Whole   bool // the caller reads the whole list, not only shared persons
}

func (d *Desk) showExchange(w http.ResponseWriter, r *http.Request) error {
	return d.renderExchange(w, r, nil, 0)
}

// renderExchange renders the page of the exchange in the path; ref and
// status report a refused form.
func (d *Desk) renderExchange(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	return d.renderExchangeOf(w, r, id, ref, status)
}

func (d *Desk) renderExchangeOf(w http.ResponseWriter, r *http.Request, id int64, ref *Refusal, status int) error {
	ctx := r.Context()
	v, err := d.actions.ReadExchange(ctx, id)
	if err != nil {
		return err
	}
	e := v.Exchange
	t, err := d.store.FindTrackByID(ctx, e.TrackID)
	if err != nil {
		return err
	}
	names, err := d.actions.PartyNames(ctx)
	if err != nil {
		return err
	}
	acc := accessTo(ctx, e.TrackID)
	data := &exchangePage{pageBase: newBase(r, i18n.M("{title}", "title", e.Title)), Track: t, Exchange: e, Parties: names, Persons: map[int64]*parley.Prisoner{},
		Mediator: acc.Mediator(), Verifier: acc.Verifier()}
	if n, err := strconv.Atoi(r.URL.Query().Get("n")); err == nil && r.URL.Query().Get("done") == "imported" {
		data.Notice = data.p.N(n, "The list was imported: {n} person added.", "The list was imported: {n} persons added.")
	}
	data.Refusal, data.Status, data.Columns = ref, status, exchange.Columns
	for _, party := range []int64{e.SideA, e.SideB} {
		if acc.EditsProfile(party) {
			data.Writes = append(data.Writes, sideList{PartyID: party, Party: names[party]})
		}
	}
	data.Matches, data.Rec = v.Matches, v.Rec
	for _, l := range v.Lists {
		data.Lists = append(data.Lists, sideList{PartyID: l.PartyID, Party: names[l.PartyID], Persons: l.Persons, Whole: l.Whole})
		for _, p := range l.Persons {
			data.Persons[p.ID] = p
		}
	}
	if both := v.Both(); both != nil && data.Mediator {
		cands, err := d.actions.Candidates(ctx, both)
		if err != nil {
			return err
		}
		data.Suggested, data.Named = cands.Pairs, cands.AlreadyExchanged
		for _, p := range cands.Handed {
			data.Persons[p.ID] = p
		}
		data.handoverChoices()
	}
	return d.render(w, "exchange", data)
}

// handoverChoices fills the handover form: each side's persons not handed
// over yet, with their confirmed match in words.
func (p *exchangePage) handoverChoices() {
	p.Matched = map[int64]string{}
	for _, m := range p.Matches {
		a, b := strconv.FormatInt(m.PrisonerA, 10), strconv.FormatInt(m.PrisonerB, 10)
		if m.VerifiedAt != nil {
			p.Matched[m.PrisonerA] = p.T("verified match with person {id}", "id", b)
			p.Matched[m.PrisonerB] = p.T("verified match with person {id}", "id", a)
		} else {
			p.Matched[m.PrisonerA] = p.T("confirmed match with person {id}", "id", b)
			p.Matched[m.PrisonerB] = p.T("confirmed match with person {id}", "id", a)
		}
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

// recordHandover records the persons checked on the handover form, all
// or none: the store refuses a person handed over already, or one past n
// on an n-for-n exchange, and the page then shows why beside the form with
// the same boxes checked.
func (d *Desk) recordHandover(r *http.Request, id int64, in *action.HandoverInput) (string, error) {
	if len(in.PrisonerIDs) == 0 {
		return "", parley.Errorf(parley.EINVALID, "prisoner_ids", "check at least one person handed over")
	}
	if err := d.actions.RecordHandover(r.Context(), id, *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/exchanges/%d", id), "handover"), nil
}

// uploadList adds persons to a side's list from the file of the upload
// form (CSV or .xlsx; the sheet field names a workbook's sheet), through
// action.ImportList, the one import of the API's bodies too: a file with
// any rejected row stores nothing and the page lists the rows (row,
// column, reason — never a value), with all of them to download. The
// form's parts are read within the route's body limit.
func (d *Desk) uploadList(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	party, err := route.PathID(r, "party")
	if err != nil {
		return err
	}
	if mediaType(r) != "multipart/form-data" {
		return problem.UnsupportedMediaType("a list's upload form must be sent as multipart/form-data")
	}
	formName := fmt.Sprintf("list-%d", party)
	var file []byte
	var sheet string
	err = readForm(r, func(part *multipart.Part) error {
		var err error
		switch part.FormName() {
		case "sheet":
			var b []byte
			b, err = io.ReadAll(io.LimitReader(part, 256))
			sheet = strings.TrimSpace(string(b))
		case "file":
			if part.FileName() != "" { // else no file was chosen
				file, err = io.ReadAll(part)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	if file == nil {
		return refuse(w, r, formName, d.renderExchange, parley.Errorf(parley.EINVALID, "file", "choose a file to upload (CSV or .xlsx)"))
	}
	added, err := d.actions.ImportList(r.Context(), id, party, file, sheet)
	if err != nil {
		return refuse(w, r, formName, d.renderExchange, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/exchanges/%d?done=imported&n=%d", id, added.Added), http.StatusSeeOther)
	return nil
}

func (d *Desk) confirmMatch(r *http.Request, id int64, in *action.MatchInput) (string, error) {
	if _, err := d.actions.ConfirmMatch(r.Context(), id, *in); err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/exchanges/%d", id), "confirmed"), nil
}

func (d *Desk) shareMatch(r *http.Request, id int64, in *action.MatchSharing) (string, error) {
	m, err := d.actions.ShareMatch(r.Context(), id, *in)
	if err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/exchanges/%d", m.ExchangeID), "shared"), nil
}

func (d *Desk) verifyMatch(r *http.Request, id int64, in *action.MatchVerification) (string, error) {
	m, err := d.actions.VerifyMatch(r.Context(), id, *in)
	if err != nil {
		return "", err
	}
	return seeOther(fmt.Sprintf("/exchanges/%d", m.ExchangeID), "verified"), nil
}

// readForm reads a multipart/form-data body part by part, handing each to
// read; other parts than those read handles (the token, read by
// authn.LiftFormCSRF) it passes over. A body over the route's bound is a
// *http.MaxBytesError (413); anything else unreadable is EINVALID.
func readForm(r *http.Request, read func(*multipart.Part) error) error {
	unreadable := parley.Errorf(parley.EINVALID, "file", "the form is not a readable multipart/form-data body")
	mr, err := r.MultipartReader()
	if err != nil {
		return unreadable
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err == nil {
			err = read(part)
		}
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		if err != nil {
			return unreadable
		}
	}
}

// formFile is the content of the multipart form's file field name, nil
// when no file was chosen.
func formFile(r *http.Request, name string) ([]byte, error) {
	var file []byte
	err := readForm(r, func(part *multipart.Part) error {
		if part.FormName() != name || part.FileName() == "" {
			return nil
		}
		var err error
		file, err = io.ReadAll(part)
		return err
	})
	return file, err
}
