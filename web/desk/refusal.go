package desk

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/exchange"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/spreadsheet"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/authn"
	"github.com/parley-talks/parley/web/export"
	"github.com/parley-talks/parley/web/form"
	"github.com/parley-talks/parley/web/problem"
	"github.com/parley-talks/parley/web/route"
)

// Refusal is a refused form, for the page to show again: which form (its
// name on the page, e.g. "meeting" or "respond-12"), the field at fault
// and the refusal in words, what the person typed, and for a CSV list the
// rejected rows. Nothing was stored.
type Refusal struct {
	Form    string
	Field   string // the form field at fault; "" for the form as a whole
	Message string
	Values  url.Values // what was typed, without the CSRF token

	// A list's rejected rows: the first maxRowsShown in the reader's
	// words, and all of them as a CSV file in a data: URL to download.
	Rows     []rejectedRow
	Rejected int
	Download template.URL
}

// rejectedRow is a rejected row as the page shows it.
type rejectedRow struct {
	Row            int
	Column, Reason string
}

// maxRowsShown bounds the rejected rows a page lists; the download holds
// them all.
const maxRowsShown = 100

// Refused returns the refusal of the named form, or nil: a page shows it
// inside that form only.
func (b *pageBase) Refused(form string) *Refusal {
	if b.Refusal == nil || b.Refusal.Form != form {
		return nil
	}
	b.refusalShown = true
	return b.Refusal
}

// Value is what was typed in a field of the refused form, to show again;
// def for any other form (the field's value as stored, or "").
func (b *pageBase) Value(form, field string, def ...any) string {
	if r := b.Refused(form); r != nil {
		return r.Values.Get(field)
	}
	if len(def) > 0 && def[0] != nil {
		return fmt.Sprint(def[0])
	}
	return ""
}

// Chose reports whether value was chosen (selected, checked) for a field
// of the refused form; def when the form was not refused.
func (b *pageBase) Chose(form, field string, value any, def bool) bool {
	r := b.Refused(form)
	if r == nil {
		return def
	}
	v := fmt.Sprint(value)
	for _, got := range r.Values[field] {
		if got == v {
			return true
		}
	}
	return false
}

// FieldError is the refusal of a field of the refused form, in words, to
// show beside the field; "" if the refusal is about another field.
func (b *pageBase) FieldError(form, field string) string {
	r := b.Refused(form)
	if r == nil || r.Field == "" {
		return ""
	}
	if r.Field == field || strings.HasPrefix(r.Field, field+".") || strings.HasPrefix(r.Field, field+"[") {
		return r.Message
	}
	return ""
}

// refusedOnPage is a refusal that refuse shows on the form's page again
// whatever its code, for a form whose page everyone who may send it sees
// (the map's links: refusedOnMap).
type refusedOnPage struct{ error }

func (e refusedOnPage) Unwrap() error { return e.error }

// refuse answers a form the use case (or the decoder) refused: for an
// error the person can fix (invalid, conflict, or one marked
// refusedOnPage), the form's page again, with the refusal beside the form
// and what was typed; any other error, or a form with no page to show
// again (again nil: a button with nothing typed), as it is, which Failure
// shows as an error page.
func refuse(w http.ResponseWriter, r *http.Request, formName string, again againFunc, err error) error {
	code := parley.ErrorCode(err)
	var onPage refusedOnPage
	if again == nil || (code != parley.EINVALID && code != parley.ECONFLICT && !errors.As(err, &onPage)) {
		return err
	}
	p := i18n.New(languageOf(r))
	ref := &Refusal{Form: formName, Field: parley.ErrorField(err), Message: errorText(p, err), Values: url.Values{}}
	for k, vs := range r.PostForm {
		if k != authn.CSRFFormField {
			ref.Values[k] = vs
		}
	}
	var rows *action.ListRefusal
	if errors.As(err, &rows) {
		if err := ref.listRejections(p, rows.Rows); err != nil {
			return err
		}
	}
	return again(w, r, ref, problem.StatusOf(code))
}

// listRejections fills the refusal of a list: the rows shown and the file
// of them all.
func (ref *Refusal) listRejections(p *i18n.Printer, rows []exchange.Rejection) error {
	ref.Rejected = len(rows)
	for _, r := range rows[:min(len(rows), maxRowsShown)] {
		ref.Rows = append(ref.Rows, rejectedRow{Row: r.Row, Column: export.ColumnName(p, r.Field), Reason: export.Reason(p, r)})
	}
	var b bytes.Buffer
	if err := spreadsheet.WriteCSV(&b, export.RejectionsTable(p, rows), spreadsheet.CSVOptions{BOM: true}); err != nil {
		return err
	}
	ref.Download = template.URL("data:text/csv;charset=utf-8;base64," + base64.StdEncoding.EncodeToString(b.Bytes()))
	return nil
}

// againFunc renders the page a form is on again, with its refusal and
// status.
type againFunc func(w http.ResponseWriter, r *http.Request, ref *Refusal, status int) error

// submit is a form's handler: it decodes the url-encoded form into In
// with the desk's decoder, runs act with the path's {id}, and redirects the
// browser to the page act names (303). A refusal — of the decoder or of
// act — goes to refuse, as the form named name (where "{id}" stands for
// the path's id), shown again by again.
func submit[In any](d *Desk, name string, again againFunc, act func(r *http.Request, id int64, in *In) (string, error)) route.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := route.PathID(r, "id")
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		formName := strings.ReplaceAll(name, "{id}", strconv.FormatInt(id, 10))
		var in In
		if err := d.forms.Decode(r.PostForm, &in); err != nil {
			return refuse(w, r, formName, again, err)
		}
		next, err := act(r, id, &in)
		if err != nil {
			return refuse(w, r, formName, again, err)
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
}

// newDecoder is the desk's form decoder. A form names a theme's option (a
// choice of a proposal's package, a core demand) and an existing red line
// by their JSON, as one value of a select or a checkbox; a red line may
// also be a bare number, the minimum utility its party accepts. The what-if
// names a red line to drop as <party id>_<index>.
func newDecoder() *form.Decoder {
	d := &form.Decoder{Ignore: []string{authn.CSRFFormField}}
	form.Parse(d, func(s string) (parley.Choice, error) {
		var c parley.Choice
		if err := json.Unmarshal([]byte(s), &c); err != nil || c.Theme == "" || c.Option == "" {
			return c, parley.Errorf(parley.EINVALID, "", "choose an option from the list")
		}
		return c, nil
	})
	form.Parse(d, func(s string) (parley.RedLine, error) {
		if x, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			return parley.RedLine{Kind: "min_utility", Min: x}, nil
		}
		var rl parley.RedLine
		if err := json.Unmarshal([]byte(s), &rl); err != nil || rl.Kind == "" {
			return rl, parley.Errorf(parley.EINVALID, "", "choose a red line from the list, or enter the minimum utility as a number")
		}
		return rl, nil
	})
	form.Parse(d, func(s string) (action.RedLineRef, error) {
		a, b, ok := strings.Cut(s, "_")
		pid, err1 := strconv.ParseInt(a, 10, 64)
		idx, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil {
			return action.RedLineRef{}, parley.Errorf(parley.EINVALID, "", "choose a red line from the list")
		}
		return action.RedLineRef{PartyID: pid, Index: idx}, nil
	})
	return d
}

// mediaType is the media type of r's body.
func mediaType(r *http.Request) string {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt
}

// seeOther is the page a form leads to: path with ?done=done (the notice)
// and an optional #fragment.
func seeOther(path, done string, fragment ...string) string {
	out := path + "?done=" + url.QueryEscape(done)
	if len(fragment) > 0 {
		out += "#" + fragment[0]
	}
	return out
}
