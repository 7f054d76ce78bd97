package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"reflect"
	"strings"

	"github.com/parley-talks/parley"
)

// The single negotiating text: texts of a track, their numbered versions
// (drafts until frozen), a diff between any two versions of one text, and
// exports of a version to Markdown and to a printable HTML page. The store
// applies the text's audience to every version and lets only the track's
// mediators write.

// textInput is the body of a new text.
type textInput struct {
	Title    string          `json:"title"`
	Audience parley.Audience `json:"audience"`
}

// clausesInput is the body of a new version or of a draft's new clauses.
type clausesInput struct {
	Clauses []parley.Clause `json:"clauses"`
}

// versionUpdate freezes a draft.
type versionUpdate struct {
	Frozen bool `json:"frozen"` // true
}

// versionDiff is the body of a diff between two versions.
type versionDiff struct {
	From    int                   `json:"from"` // version numbers
	To      int                   `json:"to"`
	Changes []parley.ClauseChange `json:"changes"`
}

func (s *Server) textRoutes() []route {
	const ok, created = http.StatusOK, http.StatusCreated
	return []route{
		{method: "GET", pattern: "/api/v1/tracks/{id}/texts", policy: PolicyTrackReader, scope: scopeTrack, id: "listTexts", summary: "The track's negotiating texts that the caller may read",
			handle: s.listTexts, query: pageParams, status: ok, resp: reflect.TypeFor[List[*parley.NegotiatingText]]()},
		{method: "POST", pattern: "/api/v1/tracks/{id}/texts", policy: PolicyTrackEditor, scope: scopeTrack, id: "createText", summary: "Start a negotiating text with its audience",
			handle: s.createText, body: reflect.TypeFor[textInput](), status: created, resp: reflect.TypeFor[parley.NegotiatingText]()},
		{method: "GET", pattern: "/api/v1/texts/{id}", policy: PolicySignedIn, id: "getText", summary: "A negotiating text, if its audience includes the caller",
			handle: s.getText, status: ok, resp: reflect.TypeFor[parley.NegotiatingText]()},
		{method: "GET", pattern: "/api/v1/texts/{id}/versions", policy: PolicySignedIn, id: "listVersions", summary: "Every version of a text, oldest first, with its counts of clauses, brackets and options",
			handle: s.listVersions, query: pageParams, status: ok, resp: reflect.TypeFor[List[*parley.TextVersion]]()},
		{method: "POST", pattern: "/api/v1/texts/{id}/versions", policy: PolicySignedIn, id: "createVersion", summary: "Start the text's next version, a draft (mediators)",
			handle: s.createVersion, body: reflect.TypeFor[clausesInput](), status: created, resp: reflect.TypeFor[parley.TextVersion]()},
		{method: "GET", pattern: "/api/v1/versions/{id}", policy: PolicySignedIn, id: "getVersion", summary: "A version of a text",
			handle: s.getVersion, status: ok, resp: reflect.TypeFor[parley.TextVersion]()},
		{method: "PUT", pattern: "/api/v1/versions/{id}", policy: PolicySignedIn, id: "putVersion", summary: "Replace a draft's clauses; a frozen version never changes (mediators)",
			handle: s.putVersion, body: reflect.TypeFor[clausesInput](), status: ok, resp: reflect.TypeFor[parley.TextVersion]()},
		{method: "PATCH", pattern: "/api/v1/versions/{id}", policy: PolicySignedIn, id: "freezeVersion", summary: "Freeze a draft into an immutable snapshot: frozen true (mediators)",
			handle: s.freezeVersion, body: reflect.TypeFor[versionUpdate](), status: ok, resp: reflect.TypeFor[parley.TextVersion]()},
		{method: "GET", pattern: "/api/v1/versions/{id}/diff/{other}", policy: PolicySignedIn, id: "diffVersions", summary: "A clause-by-clause diff from one version to another of the same text",
			handle: s.diffVersions, status: ok, resp: reflect.TypeFor[versionDiff]()},
		{method: "GET", pattern: "/api/v1/versions/{id}/markdown", policy: PolicySignedIn, id: "exportVersionMarkdown", summary: "A version as Markdown: brackets and sponsors, or the clean text once agreed",
			handle: s.exportMarkdown, status: ok, media: "text/markdown"},
		{method: "GET", pattern: "/api/v1/versions/{id}/html", policy: PolicySignedIn, id: "exportVersionHTML", summary: "A version as a printable HTML page: brackets and sponsors, or the clean text once agreed",
			handle: s.exportHTML, status: ok, media: "text/html"},
	}
}

func (s *Server) listTexts(w http.ResponseWriter, r *http.Request) error {
	return listOfTrack(w, r, s.store.FindTexts)
}

func (s *Server) createText(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in textInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	t := &parley.NegotiatingText{TrackID: id, Title: in.Title, Audience: in.Audience}
	if err := s.store.CreateText(r.Context(), t); err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/texts", t.ID, t)
}

func (s *Server) getText(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := s.store.FindTextByID(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

func (s *Server) listVersions(w http.ResponseWriter, r *http.Request) error {
	return listOfTrack(w, r, s.store.FindVersions)
}

func (s *Server) createVersion(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in clausesInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	v, err := s.store.CreateVersion(r.Context(), id, in.Clauses)
	if err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/versions", v.ID, v)
}

func (s *Server) getVersion(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.store.FindVersionByID(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (s *Server) putVersion(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in clausesInput
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	v, err := s.store.UpdateVersion(r.Context(), id, in.Clauses)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (s *Server) freezeVersion(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in versionUpdate
	if err := decodeBody(r, &in); err != nil {
		return err
	}
	if !in.Frozen {
		return parley.Errorf(parley.EINVALID, "frozen", "a version can only be frozen (frozen true); a frozen one never thaws")
	}
	v, err := s.store.FreezeVersion(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (s *Server) diffVersions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	other, err := pathID(r, "other")
	if err != nil {
		return err
	}
	a, err := s.store.FindVersionByID(r.Context(), id)
	if err != nil {
		return err
	}
	b, err := s.store.FindVersionByID(r.Context(), other)
	if err != nil {
		return err
	}
	changes, err := parley.DiffVersions(a, b)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, versionDiff{From: a.Number, To: b.Number, Changes: changes})
}

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

func (s *Server) exportVersion(ctx context.Context, id int64) (*exportedVersion, error) {
	v, err := s.store.FindVersionByID(ctx, id)
	if err != nil {
		return nil, err
	}
	t, err := s.store.FindTextByID(ctx, v.TextID)
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
		for _, a := range c.Alternatives {
			ea := exportedAlternative{Text: a.Text}
			if a.Theme != "" {
				ea.Option = a.Theme + ": " + a.Option
			}
			var sponsors []string
			for _, p := range a.Sponsors {
				if _, ok := names[p]; !ok {
					party, err := s.store.FindPartyByID(ctx, p)
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

func (s *Server) exportMarkdown(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := s.exportVersion(r.Context(), id)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", e.Title)
	c := e.Version.Counts
	if e.Clean {
		fmt.Fprintf(&b, "Version %d — agreed.\n\n", e.Version.Number)
	} else {
		fmt.Fprintf(&b, "Version %d — %d clauses, %d agreed, %d brackets, %d options. Nothing is agreed until everything is agreed.\n\n",
			e.Version.Number, c.Clauses, c.Agreed, c.Brackets, c.Options)
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
// written out as in the Markdown.
var versionPage = template.Must(template.New("version").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} — version {{.Version.Number}}</title></head>
<body><h1>{{.Title}}</h1>
{{if .Clean}}<p>Version {{.Version.Number}} — agreed.</p>
{{else}}<p>Version {{.Version.Number}} — {{.Version.Counts.Clauses}} clauses, {{.Version.Counts.Agreed}} agreed, {{.Version.Counts.Brackets}} brackets, {{.Version.Counts.Options}} options. Nothing is agreed until everything is agreed.</p>
{{end}}<ol>
{{range .Clauses}}<li>{{if .Alternatives}}{{range .Alternatives}}[{{.Text}}]{{if .Sponsors}} <small>sponsors: {{.Sponsors}}</small>{{end}}{{if .Option}} <small>{{.Option}}</small>{{end}} {{end}}{{else}}{{.Text}}{{end}}{{if not $.Clean}} <em>({{.Status}})</em>{{end}}</li>
{{end}}</ol>
</body></html>
`))

func (s *Server) exportHTML(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := s.exportVersion(r.Context(), id)
	if err != nil {
		return err
	}
	var b strings.Builder
	if err := versionPage.Execute(&b, e); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write([]byte(b.String()))
	return err
}
