package action

import (
	"fmt"
	"strings"

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

// ParseClauses reads the markup; parties are the track's parties by name.
func ParseClauses(src string, parties map[string]int64) ([]parley.Clause, error) {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	clauses := []parley.Clause{}
	for _, para := range strings.Split(src, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		n := len(clauses) + 1
		var c parley.Clause
		if rest, ok := strings.CutPrefix(para, "("); ok {
			status, body, found := strings.Cut(rest, ")")
			if !found {
				return nil, parley.Errorf(parley.EINVALID, "clauses", "clause %d: a status in parentheses is not closed", n)
			}
			c.Status = parley.ClauseStatus(strings.TrimSpace(status))
			para = strings.TrimSpace(body)
		}
		if inner, ok := strings.CutPrefix(para, "["); ok && strings.HasSuffix(inner, "]") {
			for _, alt := range strings.Split(strings.TrimSuffix(inner, "]"), " | ") {
				a, err := parseAlternative(n, alt, parties)
				if err != nil {
					return nil, err
				}
				c.Alternatives = append(c.Alternatives, a)
			}
			if c.Status == "" {
				c.Status = parley.ClauseBracketed
			}
		} else {
			c.Text = para
			if c.Status == "" {
				c.Status = parley.ClauseOpen
			}
		}
		clauses = append(clauses, c)
	}
	if len(clauses) == 0 {
		return nil, parley.Errorf(parley.EINVALID, "clauses", "a version has at least one clause")
	}
	return clauses, nil
}

func parseAlternative(n int, src string, parties map[string]int64) (parley.Alternative, error) {
	a := parley.Alternative{Sponsors: []int64{}}
	src = strings.TrimSpace(src)
	if i := strings.LastIndex(src, "{"); i >= 0 && strings.HasSuffix(src, "}") {
		for _, item := range strings.Split(src[i+1:len(src)-1], ";") {
			item = strings.TrimSpace(item)
			if theme, option, ok := strings.Cut(item, "="); ok {
				a.Theme, a.Option = strings.TrimSpace(theme), strings.TrimSpace(option)
				continue
			}
			if item == "" {
				continue
			}
			id, ok := parties[item]
			if !ok {
				return a, parley.Errorf(parley.EINVALID, "clauses", "clause %d names a sponsor that is not a party of this track", n)
			}
			a.Sponsors = append(a.Sponsors, id)
		}
		src = strings.TrimSpace(src[:i])
	}
	a.Text = src
	return a, nil
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
