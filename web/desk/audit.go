package desk

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/ledger"
	"github.com/parley-talks/parley/web/route"
)

// A track's audit trail in words: who did what when, newest first, each
// entry the caller may see (the store's FindAuditEntries applies the
// audience check, as for the proofs), and one entry's page with the proof
// that it is in the ledger, checked against the ledger's signed
// checkpoint. An entry says what kind of record changed, never what it
// holds.

// auditPageSize is how many entries one page of the trail lists.
const auditPageSize = 50

type auditPage struct {
	pageBase
	Track   *parley.Track
	Entries []auditRow
	Total   int
	Offset  int
	Prev    int // the previous page's offset, -1 for none
	Next    int // the next page's offset, -1 for none
}

type auditRow struct {
	Index  int64
	At     string
	Who    string
	What   string
	Record string
}

// auditActions are the ledger's actions in words (Word "audit action").
var auditActions = map[string]string{
	"track.create": "created the track", "track.update": "changed the track", "track.transition": "changed the track's status",
	"track.shred": "shredded the track's sealed records", "theme.create": "added a theme", "theme.update": "changed a theme",
	"member.create": "granted a membership", "member.update": "changed a membership", "member.delete": "revoked a membership",
	"meeting.create": "recorded a meeting", "meeting.update": "changed a meeting", "event.create": "recorded an event",
	"event.update": "changed an event", "note.create": "added a meeting note", "profile.update": "saved a profile",
	"proposal.create": "put a proposal", "proposal.respond": "answered a proposal", "proposal.withdraw": "withdrew a proposal",
	"ballot.create": "put a ballot", "ballot.answer": "answered a ballot", "text.create": "started a text",
	"version.create": "wrote a text version", "version.update": "changed a text version", "version.freeze": "froze a text version",
	"exchange.create": "started an exchange", "exchange.handover": "recorded a handover", "prisoner.add": "added persons to a list",
	"prisoner.match": "confirmed a match", "prisoner.share": "shared a match", "prisoner.verify": "verified a match",
	"child.create": "opened a child's case", "child.advance": "recorded a child's case's stage",
	"agreement.create": "entered an agreement", "agreement.transition": "changed an agreement's status",
	"agreement.renew": "renewed an agreement", "agreement.warning": "set an agreement's warning thresholds",
	"commitment.create": "added a commitment", "report.create": "added a monitoring report", "score.create": "scored a commitment",
	"link.create": "linked two tracks", "link.transition": "changed a link between tracks",
	"package.create": "put a package across linked tracks", "text.join": "joined texts of linked tracks",
	"track.start": "moved the track's start", "track.revive": "revived the track as a new one",
	"invitation.create": "invited a member", "invitation.accept": "accepted an invitation", "invitation.revoke": "revoked an invitation",
}

// auditWords declares auditActions' words for tools/i18ncheck.
var auditWords = i18n.Words("audit action", "created the track", "changed the track", "changed the track's status",
	"shredded the track's sealed records", "added a theme", "changed a theme", "granted a membership", "changed a membership",
	"revoked a membership", "recorded a meeting", "changed a meeting", "recorded an event", "changed an event",
	"added a meeting note", "saved a profile", "put a proposal", "answered a proposal", "withdrew a proposal", "put a ballot",
	"answered a ballot", "started a text", "wrote a text version", "changed a text version", "froze a text version",
	"started an exchange", "recorded a handover", "added persons to a list", "confirmed a match", "shared a match",
	"verified a match", "opened a child's case", "recorded a child's case's stage", "entered an agreement",
	"changed an agreement's status", "renewed an agreement", "set an agreement's warning thresholds", "added a commitment",
	"added a monitoring report", "scored a commitment", "linked two tracks", "changed a link between tracks",
	"put a package across linked tracks", "joined texts of linked tracks", "moved the track's start", "revived the track as a new one",
	"invited a member", "accepted an invitation", "revoked an invitation")

// actionText is an entry's action in words; an action without words is
// shown as the ledger names it.
func actionText(p *i18n.Printer, action string) string {
	if w, ok := auditActions[action]; ok {
		return p.Word("audit action", w)
	}
	return action
}

// actorText is who made an entry: a user's name, or the system.
func (d *Desk) actorText(ctx context.Context, p *i18n.Printer, users map[int64]string, actor string) string {
	if id, ok := strings.CutPrefix(actor, "user/"); ok {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			return d.userName(ctx, users, n, p.T("a member"))
		}
	}
	return p.T("the system")
}

// recordPath is the page of an entry's record, where the desk has one.
func recordPath(object string) string {
	kind, id, ok := strings.Cut(object, "/")
	if _, err := strconv.ParseInt(id, 10, 64); !ok || err != nil {
		return ""
	}
	switch kind {
	case "track", "text", "agreement":
		return "/" + kind + "s/" + id
	}
	return ""
}

func (d *Desk) showAudit(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	offset = max(offset, 0)
	ctx := r.Context()
	t, err := d.store.FindTrackByID(ctx, id)
	if err != nil {
		return err
	}
	es, total, err := d.store.FindAuditEntries(ctx, id, parley.Page{Offset: offset, Limit: auditPageSize})
	if err != nil {
		return err
	}
	data := &auditPage{pageBase: newBase(r, i18n.M("Audit trail — {track}", "track", t.Title)), Track: t, Total: total, Offset: offset, Prev: -1, Next: -1}
	if offset > 0 {
		data.Prev = max(offset-auditPageSize, 0)
	}
	if offset+len(es) < total {
		data.Next = offset + len(es)
	}
	users, err := d.people(ctx, id)
	if err != nil {
		return err
	}
	for _, e := range es {
		data.Entries = append(data.Entries, auditRow{Index: e.Index, At: data.p.DateTime(e.Time.UTC()), Who: d.actorText(ctx, data.p, users, e.Actor),
			What: actionText(data.p, e.Action), Record: recordPath(e.Object)})
	}
	return d.render(w, "audit", data)
}

// auditEntryPage is one entry with its inclusion proof.
type auditEntryPage struct {
	pageBase
	Track    *parley.Track
	Row      auditRow
	Proof    *parley.InclusionProof
	Verified bool   // the proof leads to the root the signed checkpoint carries
	Problem  string // why it did not verify
}

func (d *Desk) showAuditEntry(w http.ResponseWriter, r *http.Request) error {
	index, err := strconv.ParseInt(r.PathValue("index"), 10, 64)
	if err != nil || index < 0 {
		return parley.Errorf(parley.EINVALID, "index", "index must be a number ≥ 0")
	}
	ctx := r.Context()
	p, err := d.store.ProveInclusion(ctx, index)
	if err != nil {
		return err
	}
	data := &auditEntryPage{pageBase: newBase(r, i18n.M("Audit entry {n}", "n", fmt.Sprint(index))), Proof: p}
	if p.Entry.TrackID != nil {
		if data.Track, err = d.store.FindTrackByID(ctx, *p.Entry.TrackID); err != nil {
			return err
		}
	}
	users := map[int64]string{}
	if data.Track != nil {
		if users, err = d.people(ctx, data.Track.ID); err != nil {
			return err
		}
	}
	e := p.Entry
	data.Row = auditRow{Index: e.Index, At: data.p.DateTime(e.Time.UTC()), Who: d.actorText(ctx, data.p, users, e.Actor),
		What: actionText(data.p, e.Action), Record: recordPath(e.Object)}
	cp, err := d.store.LatestCheckpoint(ctx)
	if err != nil {
		return err
	}
	if err := checkProof(p, cp); err != nil {
		data.Problem = data.T("The proof does not verify against the ledger's signed checkpoint.")
	} else {
		data.Verified = true
	}
	return d.render(w, "auditentry", data)
}

// checkProof checks that the proof leads from the entry's leaf to a root
// that a checkpoint signed with the ledger's key carries for the same
// size: the proof's own, or the latest.
func checkProof(p *parley.InclusionProof, latest *parley.SignedCheckpoint) error {
	v, err := ledger.NewVerifier(latest.VerifierKey)
	if err != nil {
		return err
	}
	signed := p.Checkpoint
	if signed == "" {
		signed = latest.Note
	}
	c, err := ledger.OpenCheckpoint([]byte(signed), v)
	if err != nil {
		return err
	}
	if c.Size != p.TreeSize {
		return errors.New("the checkpoint is of another size")
	}
	leaf, err := hashOf(p.LeafHash)
	if err != nil {
		return err
	}
	proof := make([]ledger.Hash, len(p.Proof))
	for i, s := range p.Proof {
		if proof[i], err = hashOf(s); err != nil {
			return err
		}
	}
	return ledger.CheckInclusion(proof, p.Entry.Index, p.TreeSize, c.Root, leaf)
}

func hashOf(s string) (ledger.Hash, error) {
	var h ledger.Hash
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, errors.New("not a hash")
	}
	copy(h[:], b)
	return h, nil
}
