package action

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/parley-talks/parley"
)

// The markup of a version's clauses, as the text page's textarea writes them, so
// that a version can be edited without JavaScript:
//
//   - one clause per paragraph; paragraphs are separated by a blank line;
//   - a paragraph may start with its status in parentheses — (open),
//     (bracketed), (agreed ad referendum), (agreed) or (dropped); without
//     one, a plain clause is open and a bracketed one bracketed;
//   - a bracketed clause is the whole paragraph in square brackets with its
//     alternatives separated by " | ";
//   - an alternative may end with {…}: its sponsors by party name and the
//     theme option it stands for as "Theme = Option", separated by ";".
//
// For example:
//
//	(agreed) The parties halt strikes on energy infrastructure.
//
//	[For 30 days {Ukraine; Duration = 30 days} | Indefinitely {Russia}]
//
// Error messages name the clause by number, never its sealed text.

// Markup names its track's parties and options: sponsors by party name,
// an alternative's option as "Theme = Option" of one of the track's themes.
type Markup struct {
	Parties map[string]int64
	Options map[string]map[string]bool // theme → its options; nil: any
}

// ParseClauses reads the markup; parties are the track's parties by name
// and any theme and option are taken.
func ParseClauses(src string, parties map[string]int64) ([]parley.Clause, error) {
	return Markup{Parties: parties}.Parse(src)
}

// Parse reads the markup. A refusal names the line and column (in
// characters, from 1) of what is wrong — a bracket or brace not closed, a
// closing one without its opening, a bracket inside a clause, an unknown
// status, sponsor or option — and never repeats the clause's text.
func (m Markup) Parse(src string) ([]parley.Clause, error) {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	clauses := []parley.Clause{}
	for start := 0; start <= len(src); {
		end := strings.Index(src[start:], "\n\n")
		if end < 0 {
			end = len(src)
		} else {
			end += start
		}
		raw := src[start:end]
		lead := len(raw) - len(strings.TrimLeft(raw, " \t\n\r\v\f"))
		para := strings.TrimSpace(raw)
		if para != "" {
			c, err := m.parseClause(src, start+lead, para)
			if err != nil {
				return nil, err
			}
			clauses = append(clauses, c)
		}
		start = end + 2
	}
	if len(clauses) == 0 {
		return nil, parley.Errorf(parley.EINVALID, "clauses", "a version has at least one clause")
	}
	return clauses, nil
}

// clauseStatuses are the statuses the markup names in parentheses.
var clauseStatuses = []parley.ClauseStatus{parley.ClauseOpen, parley.ClauseBracketed, parley.ClauseAgreedAdReferendum, parley.ClauseAgreed, parley.ClauseDropped}

// position is the line and column (in characters, from 1) of offset at of
// src, for a refusal.
func position(src string, at int) (line, col int) {
	line = 1 + strings.Count(src[:at], "\n")
	col = 1 + utf8.RuneCountInString(src[strings.LastIndex(src[:at], "\n")+1:at])
	return line, col
}

// parseClause reads one paragraph, para, which starts at offset at of src.
func (m Markup) parseClause(src string, at int, para string) (parley.Clause, error) {
	var c parley.Clause
	if rest, ok := strings.CutPrefix(para, "("); ok {
		status, body, found := strings.Cut(rest, ")")
		if !found {
			line, col := position(src, at)
			return c, parley.Errorf(parley.EINVALID, "clauses", "line %d, column %d: a status in parentheses is not closed", line, col)
		}
		c.Status = parley.ClauseStatus(strings.TrimSpace(status))
		if !slices.Contains(clauseStatuses, c.Status) {
			line, col := position(src, at+1)
			return c, parley.Errorf(parley.EINVALID, "clauses", "line %d, column %d: unknown status (want open, bracketed, agreed ad referendum, agreed or dropped)", line, col)
		}
		trimmed := strings.TrimSpace(body)
		at += len(para) - len(trimmed)
		para = trimmed
	}
	inner, bracketed := strings.CutPrefix(para, "[")
	if !bracketed {
		if i := strings.IndexAny(para, "[]"); i >= 0 {
			if para[i] == ']' {
				line, col := position(src, at+i)
				return c, parley.Errorf(parley.EINVALID, "clauses", "line %d, column %d: a closing bracket without its opening one", line, col)
			}
			line, col := position(src, at+i)
			return c, parley.Errorf(parley.EINVALID, "clauses", "line %d, column %d: a bracket must enclose a whole clause, its alternatives separated by \" | \"", line, col)
		}
		c.Text = para
		if c.Status == "" {
			c.Status = parley.ClauseOpen
		}
		return c, nil
	}
	if !strings.HasSuffix(inner, "]") {
		line, col := position(src, at)
		return c, parley.Errorf(parley.EINVALID, "clauses", "line %d, column %d: the bracket opened here is not closed at the end of the clause", line, col)
	}
	inner = strings.TrimSuffix(inner, "]")
	if i := strings.IndexAny(inner, "[]"); i >= 0 {
		line, col := position(src, at+1+i)
		return c, parley.Errorf(parley.EINVALID, "clauses", "line %d, column %d: a bracket inside a bracketed clause; separate its alternatives with \" | \"", line, col)
	}
	off := at + 1
	for _, alt := range strings.Split(inner, " | ") {
		a, err := m.parseAlternative(src, off, alt)
		if err != nil {
			return c, err
		}
		c.Alternatives = append(c.Alternatives, a)
		off += len(alt) + len(" | ")
	}
	if c.Status == "" {
		c.Status = parley.ClauseBracketed
	}
	return c, nil
}

// parseAlternative reads one alternative, alt, at offset at of src.
func (m Markup) parseAlternative(src string, at int, alt string) (parley.Alternative, error) {
	a := parley.Alternative{Sponsors: []int64{}}
	open, close := strings.LastIndex(alt, "{"), strings.LastIndex(alt, "}")
	switch {
	case open < 0 && close >= 0:
		line, col := position(src, at+close)
		return a, parley.Errorf(parley.EINVALID, "clauses", "line %d, column %d: a closing brace without its opening one", line, col)
	case open >= 0 && (close < open || strings.TrimSpace(alt[close+1:]) != ""):
		line, col := position(src, at+open)
		return a, parley.Errorf(parley.EINVALID, "clauses", "line %d, column %d: the braces opened here are not closed at the end of the alternative", line, col)
	case open >= 0 && strings.ContainsAny(alt[:open], "{}"):
		line, col := position(src, at+strings.IndexAny(alt[:open], "{}"))
		return a, parley.Errorf(parley.EINVALID, "clauses", "line %d, column %d: an alternative has one pair of braces, at its end", line, col)
	}
	if open >= 0 {
		off := at + open + 1
		for _, item := range strings.Split(alt[open+1:close], ";") {
			if err := m.readItem(src, off, item, &a); err != nil {
				return a, err
			}
			off += len(item) + 1
		}
		alt = alt[:open]
	}
	a.Text = strings.TrimSpace(alt)
	return a, nil
}

// readItem reads one item between an alternative's braces, at offset at of
// src: a sponsor's name or "Theme = Option".
func (m Markup) readItem(src string, at int, item string, a *parley.Alternative) error {
	at += len(item) - len(strings.TrimLeft(item, " \t\n"))
	item = strings.TrimSpace(item)
	if theme, option, ok := strings.Cut(item, "="); ok {
		a.Theme, a.Option = strings.TrimSpace(theme), strings.TrimSpace(option)
		if m.Options != nil && !m.Options[a.Theme][a.Option] {
			line, col := position(src, at)
			return parley.Errorf(parley.EINVALID, "clauses", "line %d, column %d: not an option of one of the track's themes (write Theme = Option as the track names them)", line, col)
		}
		return nil
	}
	if item == "" {
		return nil
	}
	id, ok := m.Parties[item]
	if !ok {
		line, col := position(src, at)
		return parley.Errorf(parley.EINVALID, "clauses", "line %d, column %d: a sponsor that is not a party of this track", line, col)
	}
	a.Sponsors = append(a.Sponsors, id)
	return nil
}

// FormatClauses writes clauses in the markup, so that the next
// version starts from the last one.
func FormatClauses(clauses []parley.Clause, names map[int64]string) string {
	var paras []string
	for _, c := range clauses {
		var b strings.Builder
		implicit := parley.ClauseOpen
		if len(c.Alternatives) > 0 {
			implicit = parley.ClauseBracketed
		}
		// A plain text that opens with "(" takes its status explicitly, so
		// that the parenthesis is not read as one.
		if c.Status != implicit || strings.HasPrefix(c.Text, "(") {
			fmt.Fprintf(&b, "(%s) ", c.Status)
		}
		if len(c.Alternatives) == 0 {
			b.WriteString(c.Text)
			paras = append(paras, b.String())
			continue
		}
		b.WriteString("[")
		for i, a := range c.Alternatives {
			if i > 0 {
				b.WriteString(" | ")
			}
			b.WriteString(a.Text)
			var items []string
			for _, p := range a.Sponsors {
				items = append(items, names[p])
			}
			if a.Theme != "" {
				items = append(items, a.Theme+" = "+a.Option)
			}
			if len(items) > 0 {
				b.WriteString(" {" + strings.Join(items, "; ") + "}")
			}
		}
		b.WriteString("]")
		paras = append(paras, b.String())
	}
	return strings.Join(paras, "\n\n")
}
