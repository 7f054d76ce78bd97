package export

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/briefing"
	"github.com/parley-talks/parley/documents"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/web/action"
)

// Documents: a negotiating text's version and a track's briefing pack, as
// package briefing lays them out, written by package documents.

// DocumentFormats are the formats a document is written in.
var DocumentFormats = []Format{PDF, DOCX, Markdown, HTML}

// WriteDocument writes d as f. PDF has no letters for Arabic (its font
// covers Latin, Greek and Cyrillic, and it does no right-to-left layout):
// a document in Arabic is refused as PDF, with the formats that hold it.
func WriteDocument(w io.Writer, f Format, d *documents.Document) error {
	switch f {
	case PDF:
		if d.Lang == string(i18n.Arabic) {
			return parley.Errorf(parley.EINVALID, "format", "a PDF cannot be written in Arabic: ask for docx, md or html, or for the PDF in another language")
		}
		return documents.WritePDF(w, d)
	case DOCX:
		return documents.WriteDOCX(w, d)
	case Markdown:
		return documents.WriteMarkdown(w, d)
	case HTML:
		return documents.WriteHTML(w, d)
	}
	return fmt.Errorf("export: no document format %q", f.Name)
}

// Audience says who reads a record, in words: the mediators only,
// everyone on the track, or a party and the mediators.
func Audience(p *i18n.Printer, a parley.Audience, names map[int64]string) string {
	if id, ok := a.PartyID(); ok {
		return p.T("{party} and the mediators", "party", names[id])
	}
	if a == parley.AudienceMediators {
		return p.T("the mediators only")
	}
	return p.T("everyone on the track")
}

// VersionDocument is version id of a text as a document, marked with the
// text's audience. The store answers only a text its caller reads.
func VersionDocument(ctx context.Context, s parley.Store, p *i18n.Printer, id int64) (*documents.Document, error) {
	v, err := s.FindVersionByID(ctx, id)
	if err != nil {
		return nil, err
	}
	t, err := s.FindTextByID(ctx, v.TextID)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	name := func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		n := fmt.Sprintf("#%d", id)
		if party, err := s.FindPartyByID(ctx, id); err == nil {
			n = party.Name
		}
		names[id] = n
		return n
	}
	if pid, ok := t.Audience.PartyID(); ok {
		name(pid)
	}
	marking := p.T("Shown to: {audience}", "audience", Audience(p, t.Audience, names))
	return briefing.TextDocument(t, v, name, marking, p), nil
}

// BriefingDocument is the briefing pack of track id for the context's
// caller: what it may read of the track (briefing.Gather reads as the
// caller) and, for the track's mediators, the analysis. Every page is
// marked with whom it was made for.
func BriefingDocument(ctx context.Context, s parley.Store, a *action.Actions, p *i18n.Printer, id int64) (*documents.Document, error) {
	pack, err := briefing.Gather(ctx, s, id, parley.Now())
	if err != nil {
		return nil, err
	}
	c := parley.CallerFromContext(ctx)
	if c.IsMediator(id) {
		an, err := a.Analyze(ctx, id, nil)
		switch {
		case err == nil:
			pack.Analysis = analysisSection(p, an)
		case parley.ErrorCode(err) != parley.ECONFLICT && parley.ErrorCode(err) != parley.ENOTFOUND:
			return nil, err // a track that cannot be analysed yet has no such section
		}
	}
	who := p.T("the system")
	if c.User != nil {
		who = c.User.Name
	}
	pack.Marking = p.T("Confidential: prepared for {who} on {date}; it holds only what they may read", "who", who, "date", p.Date(pack.Now))
	return briefing.Build(pack, p), nil
}

// analysisSection summarises an analysis for the mediators' pack: the zone
// of agreement, the bargaining points and the strongest blockers in
// words, and the frontier of each pair of parties with the bargaining
// points and the disagreement point.
func analysisSection(p *i18n.Printer, a *action.Analysis) *briefing.Analysis {
	rep := a.Report
	out := &briefing.Analysis{}
	z := rep.AgreementZone
	if z.Exact && z.Count != nil {
		out.Summary = append(out.Summary, p.T("{count} of {total} packages are accepted by every party.", "count", count(p, *z.Count), "total", count(p, rep.Outcomes)))
	} else {
		out.Summary = append(out.Summary, p.T("Between {lower} and {upper} of {total} packages are accepted by every party.", "lower", count(p, z.Lower), "upper", count(p, z.Upper), "total", count(p, rep.Outcomes)))
	}
	marks := []struct {
		short, name string
		u           []float64
	}{{"N", "Nash", nil}, {"KS", "Kalai–Smorodinsky", nil}, {"U", "Utilitarian", nil}, {"M", "Maximin", nil}}
	if rep.Nash != nil {
		marks[0].u = rep.Nash.Utility
	}
	if rep.KalaiSmorodinsky != nil {
		marks[1].u = rep.KalaiSmorodinsky.Utility
	}
	if rep.Utilitarian != nil {
		marks[2].u = rep.Utilitarian.Utility
	}
	if rep.Maximin != nil {
		marks[3].u = rep.Maximin.Utility
	}
	for _, m := range marks {
		if m.u == nil {
			continue
		}
		vals := make([]string, len(m.u))
		for k, u := range m.u {
			vals[k] = rep.Parties[k] + " " + p.Decimal(u, 3)
		}
		out.Summary = append(out.Summary, p.T("{point} point: {utilities}", "point", p.Word("bargaining point", m.name), "utilities", strings.Join(vals, ", ")))
	}
	rule := Relaxation(p, a.Problem)
	for k, b := range rep.Blockers {
		if k == 3 {
			break
		}
		out.Summary = append(out.Summary, p.T("Blocker: {party} — {rule} opens {opens} packages", "party", b.Party, "rule", rule(b.Rule), "opens", count(p, b.Opens)))
	}
	for x := range rep.Parties {
		for y := x + 1; y < len(rep.Parties); y++ {
			pl := documents.Plot{XLabel: rep.Parties[x], YLabel: rep.Parties[y],
				Caption: p.T("Utility of {x} (across) against utility of {y} (up)", "x", rep.Parties[x], "y", rep.Parties[y])}
			for _, f := range rep.Frontier {
				pl.Frontier = append(pl.Frontier, [2]float64{f.Utility[x], f.Utility[y]})
			}
			for _, m := range marks {
				if m.u != nil {
					pl.Marks = append(pl.Marks, documents.PlotMark{Label: m.short, X: m.u[x], Y: m.u[y]})
				}
			}
			if len(rep.Reservation) > y {
				pl.Marks = append(pl.Marks, documents.PlotMark{Label: "d", X: rep.Reservation[x], Y: rep.Reservation[y]})
			}
			out.Plots = append(out.Plots, pl)
		}
	}
	return out
}

// count is a count kept as decimal text, written as the language writes
// numbers when it fits an int64.
func count(p *i18n.Printer, s string) string {
	var n int64
	if _, err := fmt.Sscan(s, &n); err == nil && fmt.Sprint(n) == s {
		return p.Number(n)
	}
	return s
}
