package api

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"sync"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/route"
)

// Exports of a text's version: Markdown and a printable HTML page.

// exportedVersion is a version ready to print: its text's title, and each
// alternative's sponsors by name.
type exportedVersion struct {
	Title   string
	Version *parley.TextVersion
	Clean   bool // fully agreed: the clean text, without statuses or dropped clauses
	Clauses []exportedClause
}

type exportedClause struct {
	Number       int
	Text         string
	Status       parley.ClauseStatus
	Alternatives []exportedAlternative
}

type exportedAlternative struct {
	Text     string
	Option   string // "theme: option", if bound
	Sponsors string
}

func (a *API) exportVersion(ctx context.Context, id int64) (*exportedVersion, error) {
	v, err := a.store.FindVersionByID(ctx, id)
	if err != nil {
		return nil, err
	}
	t, err := a.store.FindTextByID(ctx, v.TextID)
	if err != nil {
		return nil, err
	}
	out := &exportedVersion{Title: t.Title, Version: v, Clean: v.Counts.AllAgree}
	names := map[int64]string{}
	n := 0
	for _, c := range v.Clauses {
		if out.Clean && c.Status == parley.ClauseDropped {
			continue
		}
		n++
		ec := exportedClause{Number: n, Text: c.Text, Status: c.Status}
		for _, alt := range c.Alternatives {
			ea := exportedAlternative{Text: alt.Text}
			if alt.Theme != "" {
				ea.Option = alt.Theme + ": " + alt.Option
			}
			var sponsors []string
			for _, p := range alt.Sponsors {
				if _, ok := names[p]; !ok {
					party, err := a.store.FindPartyByID(ctx, p)
					if err != nil {
						return nil, err
					}
					names[p] = party.Name
				}
				sponsors = append(sponsors, names[p])
			}
			ea.Sponsors = strings.Join(sponsors, ", ")
			ec.Alternatives = append(ec.Alternatives, ea)
		}
		out.Clauses = append(out.Clauses, ec)
	}
	return out, nil
}

func (a *API) exportMarkdown(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	e, err := a.exportVersion(r.Context(), id)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", e.Title)
	n := e.Version.Counts
	if e.Clean {
		fmt.Fprintf(&b, "Version %d — agreed.\n\n", e.Version.Number)
	} else {
		fmt.Fprintf(&b, "Version %d — %d clauses, %d agreed, %d brackets, %d options. Nothing is agreed until everything is agreed.\n\n",
			e.Version.Number, n.Clauses, n.Agreed, n.Brackets, n.Options)
	}
	for _, cl := range e.Clauses {
		if len(cl.Alternatives) == 0 {
			fmt.Fprintf(&b, "%d. %s", cl.Number, cl.Text)
		} else {
			fmt.Fprintf(&b, "%d.", cl.Number)
			for _, a := range cl.Alternatives {
				fmt.Fprintf(&b, " [%s]", a.Text)
				var notes []string
				if a.Sponsors != "" {
					notes = append(notes, "sponsors: "+a.Sponsors)
				}
				if a.Option != "" {
					notes = append(notes, a.Option)
				}
				if len(notes) > 0 {
					fmt.Fprintf(&b, " (%s)", strings.Join(notes, "; "))
				}
			}
		}
		if !e.Clean {
			fmt.Fprintf(&b, " *(%s)*", cl.Status)
		}
		b.WriteString("\n")
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write([]byte(b.String()))
	return err
}

// versionPage is the printable page of a version: no script, no style
// sheet (the API's Content-Security-Policy allows none); brackets are
// written out as in the Markdown. It is parsed on first use.
var versionPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("version").Parse(versionHTML))
})

const versionHTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} — version {{.Version.Number}}</title></head>
<body><h1>{{.Title}}</h1>
{{if .Clean}}<p>Version {{.Version.Number}} — agreed.</p>
{{else}}<p>Version {{.Version.Number}} — {{.Version.Counts.Clauses}} clauses, {{.Version.Counts.Agreed}} agreed, {{.Version.Counts.Brackets}} brackets, {{.Version.Counts.Options}} options. Nothing is agreed until everything is agreed.</p>
{{end}}<ol>
{{range .Clauses}}<li>{{if .Alternatives}}{{range .Alternatives}}[{{.Text}}]{{if .Sponsors}} <small>sponsors: {{.Sponsors}}</small>{{end}}{{if .Option}} <small>{{.Option}}</small>{{end}} {{end}}{{else}}{{.Text}}{{end}}{{if not $.Clean}} <em>({{.Status}})</em>{{end}}</li>
{{end}}</ol>
</body></html>
`

func (a *API) exportHTML(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	e, err := a.exportVersion(r.Context(), id)
	if err != nil {
		return err
	}
	var b strings.Builder
	if err := versionPage().Execute(&b, e); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write([]byte(b.String()))
	return err
}
