package export

import (
	"strconv"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/exchange"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/spreadsheet"
	"github.com/parley-talks/parley/web/action"
)

// The tables of an exchange, in the reader's language. A side's list has
// the columns of exchange.Columns under their names in that language —
// names exchange.ReadList knows, so the file imports again — between the
// person's id and the date it was handed over, which an import ignores.

// listColumns are the headers of a list's columns (exchange.Columns) in
// words; each language's word is one of the synonyms ReadList reads.
var listColumns = i18n.Words("list column", "name", "transliteration", "born", "status", "rank", "service_number",
	"capture_place", "captured", "next_of_kin", "family_name", "given_name", "patronymic")

// Table names of an exchange's export (the table parameter).
const (
	TableMatches        = "matches"
	TableReconciliation = "reconciliation"
	tableList           = "list-" // + the side's party id
)

// ListTable is the name of a side's list in the table parameter.
func ListTable(party int64) string { return tableList + strconv.FormatInt(party, 10) }

// ExchangeTables are the tables of v — each list the caller reads, the
// matches it reads, the reconciliation when it reads both lists whole —
// by their names in the table parameter, in order.
func ExchangeTables(p *i18n.Printer, v *action.ExchangeView, names map[int64]string) (keys []string, tables []spreadsheet.Table) {
	for _, l := range v.Lists {
		keys = append(keys, ListTable(l.PartyID))
		tables = append(tables, listTable(p, names[l.PartyID], l.Persons))
	}
	if len(v.Lists) > 0 {
		keys = append(keys, TableMatches)
		tables = append(tables, matchesTable(p, v))
	}
	if v.Rec != nil {
		keys = append(keys, TableReconciliation)
		tables = append(tables, reconciliationTable(p, v))
	}
	return keys, tables
}

func listTable(p *i18n.Printer, party string, ps []*parley.Prisoner) spreadsheet.Table {
	t := spreadsheet.Table{Name: p.T("List of {party}", "party", party)}
	t.Header = append(t.Header, p.T("table::id"))
	for _, c := range exchange.Columns {
		t.Header = append(t.Header, p.Word("list column", c))
	}
	t.Header = append(t.Header, p.T("Handed over"))
	for _, x := range ps {
		t.Rows = append(t.Rows, []spreadsheet.Cell{
			idCell(x.ID), spreadsheet.TextCell(x.Name), spreadsheet.TextCell(x.Transliteration), day(x.Born),
			spreadsheet.TextCell(p.Word(i18n.PrisonerStatus, string(x.Status))), spreadsheet.TextCell(x.Rank),
			spreadsheet.TextCell(x.ServiceNumber), spreadsheet.TextCell(x.CapturePlace), day(x.Captured),
			spreadsheet.TextCell(x.NextOfKin), moment(x.HandedOverAt),
		})
	}
	return t
}

func matchesTable(p *i18n.Printer, v *action.ExchangeView) spreadsheet.Table {
	t := spreadsheet.Table{Name: p.T("Confirmed matches"), Header: []string{p.T("table::match"),
		p.T("table::person A"), p.T("table::name A"), p.T("table::born A"),
		p.T("table::person B"), p.T("table::name B"), p.T("table::born B"),
		p.T("table::confirmed"), p.T("table::verified"), p.T("table::shared")}}
	for _, m := range v.Matches {
		row := []spreadsheet.Cell{idCell(m.ID)}
		row = append(row, personCells(v, m.PrisonerA)...)
		row = append(row, personCells(v, m.PrisonerB)...)
		row = append(row, moment(&m.ConfirmedAt), moment(m.VerifiedAt), moment(m.SharedAt))
		t.Rows = append(t.Rows, row)
	}
	return t
}

// reconciliationTable lists every person of both lists once: the matched
// pairs, then those of A and of B no match answers, each with whether it
// was handed over.
func reconciliationTable(p *i18n.Printer, v *action.ExchangeView) spreadsheet.Table {
	t := spreadsheet.Table{Name: p.T("Reconciliation"), Header: []string{p.T("table::outcome"),
		p.T("table::person A"), p.T("table::name A"), p.T("table::born A"), p.T("table::handed over A"),
		p.T("table::person B"), p.T("table::name B"), p.T("table::born B"), p.T("table::handed over B")}}
	row := func(outcome string, a, b int64) {
		cells := []spreadsheet.Cell{spreadsheet.TextCell(outcome)}
		for _, id := range []int64{a, b} {
			cells = append(cells, personCells(v, id)...)
			var handed *time.Time
			if x := v.Person(id); x != nil {
				handed = x.HandedOverAt
			}
			cells = append(cells, moment(handed))
		}
		t.Rows = append(t.Rows, cells)
	}
	for _, m := range v.Rec.Matched {
		row(p.T("reconciliation::matched"), m.PrisonerA, m.PrisonerB)
	}
	for _, id := range v.Rec.OnlyA {
		row(p.T("reconciliation::only on list A"), id, 0)
	}
	for _, id := range v.Rec.OnlyB {
		row(p.T("reconciliation::only on list B"), 0, id)
	}
	return t
}

// personCells are a person's id, name and date of birth, as far as the
// caller reads the person; empty cells for id 0.
func personCells(v *action.ExchangeView, id int64) []spreadsheet.Cell {
	if id == 0 {
		return []spreadsheet.Cell{{}, {}, {}}
	}
	x := v.Person(id)
	if x == nil {
		return []spreadsheet.Cell{idCell(id), {}, {}}
	}
	return []spreadsheet.Cell{idCell(id), spreadsheet.TextCell(x.Name), day(x.Born)}
}

func idCell(id int64) spreadsheet.Cell { return spreadsheet.NumberCell(float64(id)) }

// day is a date kept as text (YYYY-MM-DD) as a date cell; text that is
// no such date as it is.
func day(s string) spreadsheet.Cell {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return spreadsheet.TextCell(s)
	}
	return spreadsheet.DateCell(d)
}

// moment is the day of a moment (UTC), or an empty cell.
func moment(t *time.Time) spreadsheet.Cell {
	if t == nil || t.IsZero() {
		return spreadsheet.Cell{}
	}
	u := t.UTC()
	return spreadsheet.DateCell(time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC))
}

// RejectionsTable is a list's rejected rows in the reader's language: row,
// column (as the import's columns are named in that language) and reason.
func RejectionsTable(p *i18n.Printer, rows []exchange.Rejection) spreadsheet.Table {
	t := spreadsheet.Table{Name: p.T("Rejected rows"), Header: []string{p.T("Row"), p.T("Column"), p.T("Reason")}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []spreadsheet.Cell{spreadsheet.NumberCell(float64(r.Row)),
			spreadsheet.TextCell(ColumnName(p, r.Field)), spreadsheet.TextCell(Reason(p, r))})
	}
	return t
}

// ColumnName is a list's column in the reader's language.
func ColumnName(p *i18n.Printer, column string) string { return p.Word("list column", column) }

// Reason is a rejection's reason in the reader's language.
func Reason(p *i18n.Printer, r exchange.Rejection) string {
	format, args := r.ReasonFormat()
	if format == "" {
		return p.T(r.Reason)
	}
	return p.Sprintf(format, args...)
}
