package exchange

import (
	"strconv"
	"time"

	"github.com/parley-talks/parley/spreadsheet"
)

// Tables of lists for export. Each is a [spreadsheet.Table] that
// spreadsheet.WriteCSV and spreadsheet.WriteXLSX write; headers are the
// column names of [Columns], so an exported list imports again as it was.
// Every cell is personal data: the caller writes a table only for a caller
// who may read the persons in it.

// PersonsTable is a list of persons with the columns of [Columns].
func PersonsTable(sheet string, ps []Person) spreadsheet.Table {
	t := spreadsheet.Table{Name: sheet, Header: Columns}
	for _, p := range ps {
		t.Rows = append(t.Rows, []spreadsheet.Cell{
			spreadsheet.TextCell(p.Name), spreadsheet.TextCell(p.Transliteration), dateCell(p.Born),
			spreadsheet.TextCell(string(p.Status)), spreadsheet.TextCell(p.Rank), spreadsheet.TextCell(p.ServiceNumber),
			spreadsheet.TextCell(p.CapturePlace), dateCell(p.Captured), spreadsheet.TextCell(p.NextOfKin),
		})
	}
	return t
}

// dateCell is a date, or an empty cell for the zero time.
func dateCell(d time.Time) spreadsheet.Cell {
	if d.IsZero() {
		return spreadsheet.Cell{}
	}
	return spreadsheet.DateCell(d)
}

// RejectionsTable lists rejections: row, field, reason — never a value.
func RejectionsTable(rej []Rejection) spreadsheet.Table {
	t := spreadsheet.Table{Name: "rejections", Header: []string{"row", "field", "reason"}}
	for _, r := range rej {
		t.Rows = append(t.Rows, []spreadsheet.Cell{spreadsheet.NumberCell(float64(r.Row)), spreadsheet.TextCell(r.Field), spreadsheet.TextCell(r.Reason)})
	}
	return t
}

// Outcomes of a person in [ReconciliationTable].
const (
	OutcomeMatched = "matched"
	OutcomeOnlyA   = "only on list A"
	OutcomeOnlyB   = "only on list B"
)

// ReconciliationTable lays a reconciliation out row by row: each confirmed
// match with both persons, then the persons of A no one on B answers, then
// those of B. Positions are 1-based positions in the lists given.
func ReconciliationTable(r Reconciliation, a, b []Person) spreadsheet.Table {
	t := pairTable("reconciliation", true)
	for _, m := range r.Matched {
		t.Rows = append(t.Rows, pairRow(OutcomeMatched, a, b, m.I, m.J, m.Score))
	}
	for _, i := range r.OnlyA {
		t.Rows = append(t.Rows, pairRow(OutcomeOnlyA, a, b, i, -1, 0))
	}
	for _, j := range r.OnlyB {
		t.Rows = append(t.Rows, pairRow(OutcomeOnlyB, a, b, -1, j, 0))
	}
	return t
}

// MatchesTable lists matches (proposed or confirmed) with both persons.
func MatchesTable(matches []Candidate, a, b []Person) spreadsheet.Table {
	t := pairTable("matches", false)
	for _, m := range matches {
		t.Rows = append(t.Rows, pairRow("", a, b, m.I, m.J, m.Score)[1:])
	}
	return t
}

func pairTable(name string, outcome bool) spreadsheet.Table {
	h := []string{"a", "a_name", "a_born", "b", "b_name", "b_born", "score"}
	if outcome {
		h = append([]string{"outcome"}, h...)
	}
	return spreadsheet.Table{Name: name, Header: h}
}

// pairRow is an outcome, then person i of a and person j of b (position,
// name, date of birth; empty cells for -1), then the score.
func pairRow(outcome string, a, b []Person, i, j int, score float64) []spreadsheet.Cell {
	cells := []spreadsheet.Cell{spreadsheet.TextCell(outcome)}
	for _, side := range []struct {
		ps []Person
		k  int
	}{{a, i}, {b, j}} {
		if side.k < 0 || side.k >= len(side.ps) {
			cells = append(cells, spreadsheet.Cell{}, spreadsheet.Cell{}, spreadsheet.Cell{})
			continue
		}
		p := side.ps[side.k]
		cells = append(cells, spreadsheet.NumberCell(float64(side.k+1)), spreadsheet.TextCell(p.name()), dateCell(p.Born))
	}
	return append(cells, scoreCell(score))
}

// scoreCell is a match score rounded to two decimals, as the pages show it.
func scoreCell(s float64) spreadsheet.Cell {
	if s == 0 {
		return spreadsheet.Cell{}
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(s, 'f', 2, 64), 64)
	return spreadsheet.NumberCell(v)
}
