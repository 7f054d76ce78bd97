package api

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/exchange"
	"github.com/parley-talks/parley/i18n"
	"github.com/parley-talks/parley/spreadsheet"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/authn"
	"github.com/parley-talks/parley/web/export"
	"github.com/parley-talks/parley/web/limits"
	"github.com/parley-talks/parley/web/middleware"
	"github.com/parley-talks/parley/web/route"
)

// health is the body of GET /healthz and GET /readyz.
type health struct {
	Status string `json:"status"` // "ok" (/healthz) or "ready" (/readyz)
}

// health answers 200 if the store answers a query within
// limits.HealthTimeout, and 503 otherwise.
func (a *API) health(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(action.System(r.Context()), limits.HealthTimeout)
	defer cancel()
	if _, err := a.store.Empty(ctx); err != nil {
		a.log.LogAttrs(r.Context(), slog.LevelError, "health check failed",
			slog.String("request_id", middleware.RequestID(r.Context())), slog.String("error", err.Error()))
		return parley.Errorf(parley.EUNAVAILABLE, "", "the store does not answer")
	}
	return writeJSON(w, http.StatusOK, health{Status: "ok"})
}

// writeChecker is a store that can prove a write lands (sqlstore's
// CheckWritable).
type writeChecker interface {
	CheckWritable(ctx context.Context) error
}

// ready answers GET /readyz: 200 if the store answers a read and commits a
// write within limits.HealthTimeout, 503 naming which failed otherwise —
// a store that reads but cannot write (a full disk, a read-only file) is
// not ready, though /healthz says it is alive.
func (a *API) ready(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(action.System(r.Context()), limits.HealthTimeout)
	defer cancel()
	fail := func(what string, err error) error {
		a.log.LogAttrs(r.Context(), slog.LevelError, "readiness check failed", slog.String("check", what),
			slog.String("request_id", middleware.RequestID(r.Context())), slog.String("error", err.Error()))
		return parley.Errorf(parley.EUNAVAILABLE, "", "the store %s", what)
	}
	if _, err := a.store.Empty(ctx); err != nil {
		return fail("does not answer", err)
	}
	if wc, ok := a.store.(writeChecker); ok {
		if err := wc.CheckWritable(ctx); err != nil {
			return fail("cannot write", err)
		}
	}
	return writeJSON(w, http.StatusOK, health{Status: "ready"})
}

func (a *API) serveOpenAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "openapi.json", time.Time{}, strings.NewReader(string(a.openapi)))
	return nil
}

// Sessions and tokens.

// authn returns the server's *authn.Auth, or an error if the server runs
// with another Authenticator, which keeps no accounts.
func (a *API) authn() (*authn.Auth, error) {
	if a.auth == nil {
		return nil, parley.Errorf(parley.EUNAVAILABLE, "", "this server runs without accounts")
	}
	return a.auth, nil
}

func (a *API) signIn(w http.ResponseWriter, r *http.Request) error {
	auth, err := a.authn()
	if err != nil {
		return err
	}
	var in authn.SignInInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := auth.SignIn(w, r, in)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, out)
}

func (a *API) signOut(w http.ResponseWriter, r *http.Request) error {
	auth, err := a.authn()
	if err != nil {
		return err
	}
	if err := auth.SignOut(w, r); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listTokens(w http.ResponseWriter, r *http.Request) error {
	auth, err := a.authn()
	if err != nil {
		return err
	}
	page, err := route.QueryPage(r)
	if err != nil {
		return err
	}
	tokens, err := auth.Tokens(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageOf(tokens, page))
}

func (a *API) createToken(w http.ResponseWriter, r *http.Request) error {
	auth, err := a.authn()
	if err != nil {
		return err
	}
	var in authn.TokenInput
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := auth.CreateToken(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tokens")
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, out)
}

func (a *API) revokeToken(ctx context.Context, id int64) error {
	auth, err := a.authn()
	if err != nil {
		return err
	}
	return auth.RevokeToken(ctx, id)
}

// Records created without a record in the path.

// post decodes a body of type In, runs do and answers 201 with the record
// at path/<its id>.
func post[In any, Out interface{ *T }, T any](path string, idOf func(Out) int64, do func(context.Context, In) (Out, error)) route.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in In
		if err := decode(r, &in); err != nil {
			return err
		}
		out, err := do(r.Context(), in)
		if err != nil {
			return err
		}
		return writeCreated(w, path, idOf(out), out)
	}
}

// listTracks lists tracks, optionally of one status.
func (a *API) listTracks(r *http.Request, p parley.Page) ([]*parley.Track, int, error) {
	status := parley.Status(r.URL.Query().Get("status"))
	if status != "" && !status.Valid() {
		return nil, 0, parley.Errorf(parley.EINVALID, "status", "query parameter \"status\" must be a track status, not %q", status)
	}
	return a.store.FindTracks(r.Context(), parley.TrackFilter{Status: status, Page: p})
}

func (a *API) listMeetings(r *http.Request, p parley.Page) ([]*parley.Meeting, int, error) {
	trackID, err := route.QueryID(r, "track_id")
	if err != nil {
		return nil, 0, err
	}
	venueID, err := route.QueryID(r, "venue_id")
	if err != nil {
		return nil, 0, err
	}
	return a.store.FindMeetings(r.Context(), parley.MeetingFilter{TrackID: trackID, VenueID: venueID, Page: p})
}

func (a *API) listEvents(r *http.Request, p parley.Page) ([]*parley.Event, int, error) {
	trackID, err := route.QueryID(r, "track_id")
	if err != nil {
		return nil, 0, err
	}
	return a.store.FindEvents(r.Context(), parley.EventFilter{TrackID: trackID, Page: p})
}

// createBallotPackage serves POST /api/v1/ballot-packages: 201 with the
// cross-track ballot, its location that of its first part.
func (a *API) createBallotPackage(w http.ResponseWriter, r *http.Request) error {
	var in parley.BallotPackageInput
	if err := decode(r, &in); err != nil {
		return err
	}
	bp, err := a.store.CreateBallotPackage(r.Context(), in)
	if err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/ballots", bp.ID, bp) // its cross-track ballot is read at …/{id}/package
}

// createPackage serves POST /api/v1/packages: 201 with the package, its
// location that of its first part's package.
func (a *API) createPackage(w http.ResponseWriter, r *http.Request) error {
	var in parley.PackageInput
	if err := decode(r, &in); err != nil {
		return err
	}
	pkg, err := a.store.CreatePackage(r.Context(), in)
	if err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/proposals", pkg.ID, pkg) // its package is read at …/{id}/package
}

// joinTexts serves POST /api/v1/joint-texts.
func (a *API) joinTexts(w http.ResponseWriter, r *http.Request) error {
	var in parley.JointTextInput
	if err := decode(r, &in); err != nil {
		return err
	}
	jt, err := a.store.JoinTexts(r.Context(), in)
	if err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/texts", jt.ID, jt) // read back at …/{id}/joint
}

// listLinks serves a page of every link the caller sees.
func (a *API) listLinks(r *http.Request, p parley.Page) ([]*parley.Link, int, error) {
	all, err := a.store.FindLinks(r.Context(), 0)
	if err != nil {
		return nil, 0, err
	}
	lo := min(p.Offset, len(all))
	return all[lo:min(lo+p.Limit, len(all))], len(all), nil
}

// listTransitions serves a track's status history; 404 if there is no such
// track.
func (a *API) listTransitions(ctx context.Context, id int64) ([]*parley.Transition, error) {
	if _, err := a.store.FindTrackByID(ctx, id); err != nil {
		return nil, err
	}
	return a.store.FindTransitions(ctx, id)
}

// listMemberships serves a user's grants on every track; 404 if there is
// no such user.
func (a *API) listMemberships(ctx context.Context, userID int64) ([]*parley.Member, error) {
	if _, err := a.store.FindUserByID(ctx, userID); err != nil {
		return nil, err
	}
	return a.store.FindMembershipsOfUser(ctx, userID)
}

// getMe answers the caller's own account.
func (a *API) getMe(w http.ResponseWriter, r *http.Request) error {
	c, err := authn.SignedIn(r.Context())
	if err != nil {
		return err
	}
	u, err := a.store.FindUserByID(action.System(r.Context()), c.User.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, u)
}

func (a *API) updateUser(ctx context.Context, id int64, upd parley.UserUpdate) (*parley.User, error) {
	return a.actions.UpdateUser(ctx, a.log, id, upd)
}

func (a *API) deleteMember(ctx context.Context, id int64) error { return a.store.DeleteMember(ctx, id) }

// Sealed profiles: the route policies apply the audience check
// (PolicyProfileReader, PolicyProfileEditor) and the store applies it again
// to everything it returns.

func (a *API) profiles() parley.ProfileService { return a.store.(parley.ProfileService) }

// profilePath reads a profile's track and party from the path.
func profilePath(r *http.Request) (trackID, partyID int64, err error) {
	if trackID, err = route.PathID(r, "id"); err != nil {
		return 0, 0, err
	}
	partyID, err = route.PathID(r, "party_id")
	return trackID, partyID, err
}

func (a *API) getProfile(w http.ResponseWriter, r *http.Request) error {
	trackID, partyID, err := profilePath(r)
	if err != nil {
		return err
	}
	p, err := a.profiles().FindProfile(r.Context(), trackID, partyID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (a *API) profileHistory(w http.ResponseWriter, r *http.Request) error {
	trackID, partyID, err := profilePath(r)
	if err != nil {
		return err
	}
	page, err := route.QueryPage(r)
	if err != nil {
		return err
	}
	all, err := a.profiles().FindProfileHistory(r.Context(), trackID, partyID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageOf(all, page))
}

func (a *API) putProfile(w http.ResponseWriter, r *http.Request) error {
	trackID, partyID, err := profilePath(r)
	if err != nil {
		return err
	}
	var content parley.ProfileContent
	if err := decode(r, &content); err != nil {
		return err
	}
	p, err := a.actions.SaveProfile(r.Context(), trackID, partyID, content)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (a *API) listConcessions(w http.ResponseWriter, r *http.Request) error {
	trackID, partyID, err := profilePath(r)
	if err != nil {
		return err
	}
	cs, err := a.store.FindConcessions(r.Context(), trackID, partyID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, cs)
}

// Proposals and ballots.

func (a *API) createResponse(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	var in action.ResponseInput
	if err := decode(r, &in); err != nil {
		return err
	}
	resp, err := a.actions.Respond(r.Context(), id, in)
	if err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/proposals/"+strconv.FormatInt(id, 10)+"/responses", resp.ID, resp)
}

// answerBallot answers 204 for an accept and a reject alike.
func (a *API) answerBallot(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	var in action.AnswerInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := a.actions.AnswerBallot(r.Context(), id, in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) proposalImprovements(ctx context.Context, id int64) (*action.Improvements, error) {
	return a.actions.ImproveProposal(ctx, id)
}

// Texts.

func (a *API) diffVersions(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	other, err := route.PathID(r, "other")
	if err != nil {
		return err
	}
	from, err := a.store.FindVersionByID(r.Context(), id)
	if err != nil {
		return err
	}
	to, err := a.store.FindVersionByID(r.Context(), other)
	if err != nil {
		return err
	}
	changes, err := parley.DiffVersions(from, to)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, VersionDiff{From: from.Number, To: to.Number, Changes: changes})
}

// VersionDiff is the body of a diff between two versions.
type VersionDiff struct {
	From    int                   `json:"from"` // version numbers
	To      int                   `json:"to"`
	Changes []parley.ClauseChange `json:"changes"`
}

// Exchanges.

func (a *API) listPrisoners(w http.ResponseWriter, r *http.Request) error {
	id, party, err := exchangeSide(r)
	if err != nil {
		return err
	}
	page, err := route.QueryPage(r)
	if err != nil {
		return err
	}
	ps, err := a.store.FindPrisoners(r.Context(), id, party)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageOf(ps, page))
}

// exchangeSide reads an exchange and one of its sides from the path.
func exchangeSide(r *http.Request) (exchangeID, party int64, err error) {
	if exchangeID, err = route.PathID(r, "id"); err != nil {
		return 0, 0, err
	}
	party, err = route.PathID(r, "party")
	return exchangeID, party, err
}

// addPrisoners takes a list file as the body — text/csv (any encoding
// and delimiter exchange.ReadList reads) or an .xlsx workbook (the sheet
// parameter names the sheet), read within limits.MaxCSVBodyBytes — or a
// JSON one (up to limits.MaxRequestBodyBytes). A list refused for its rows
// is a problem listing them, or with ?rejections=csv or xlsx the file of
// them all (400, an attachment).
func (a *API) addPrisoners(w http.ResponseWriter, r *http.Request) error {
	id, party, err := exchangeSide(r)
	if err != nil {
		return err
	}
	rejections, err := export.ChooseFormat(r, "rejections", export.CSV, export.XLSX)
	if err != nil {
		return err
	}
	var added *action.PrisonersAdded
	switch mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt {
	case "text/csv", export.XLSX.MediaType():
		data, rerr := io.ReadAll(r.Body)
		if rerr != nil {
			return rerr // a *http.MaxBytesError: 413
		}
		added, err = a.actions.ImportList(r.Context(), id, party, data, r.URL.Query().Get("sheet"))
	default:
		r.Body = http.MaxBytesReader(w, r.Body, limits.MaxRequestBodyBytes) // JSON keeps the common bound
		var in action.PrisonersInput
		if err := decode(r, &in); err != nil {
			return err
		}
		added, err = a.actions.AddPrisoners(r.Context(), id, party, in)
	}
	var refused *action.ListRefusal
	if errors.As(err, &refused) && r.URL.Query().Has("rejections") {
		return sendRejections(w, r, export.Language(r, a.languages()), rejections, refused.Rows)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, added)
}

// sendRejections answers a refused list with the file of its rejections,
// in the request's language, as 400: nothing was imported.
func sendRejections(w http.ResponseWriter, r *http.Request, l i18n.Lang, f export.Format, rows []exchange.Rejection) error {
	t := export.RejectionsTable(i18n.New(l), rows)
	return export.SendRefusal(w, "rejections", f, l, func(out io.Writer) error {
		if f == export.XLSX {
			return spreadsheet.WriteXLSX(out, t)
		}
		return spreadsheet.WriteCSV(out, t, spreadsheet.CSVOptions{BOM: true})
	})
}

func (a *API) listCandidates(ctx context.Context, id int64) (*action.Candidates, error) {
	l, err := a.actions.BothLists(ctx, id)
	if err != nil {
		return nil, err
	}
	return a.actions.Candidates(ctx, l)
}

func (a *API) reconcileExchange(ctx context.Context, id int64) (*action.Reconciliation, error) {
	l, err := a.actions.BothLists(ctx, id)
	if err != nil {
		return nil, err
	}
	return action.Reconcile(l)
}

func (a *API) recordHandover(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	var in action.HandoverInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := a.actions.RecordHandover(r.Context(), id, in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Agreements.

func (a *API) addCommitment(w http.ResponseWriter, r *http.Request) error {
	return listed(w, r, a.actions.AddCommitment)
}

func (a *API) addReport(w http.ResponseWriter, r *http.Request) error {
	return listed(w, r, a.actions.AddReport)
}

func (a *API) addScore(w http.ResponseWriter, r *http.Request) error {
	return listed(w, r, a.actions.AddScore)
}

// listed decodes a body of type In, runs do with the {id} in the path and
// answers 201 with the record, read back from the list at the request's
// path.
func listed[In, Out any](w http.ResponseWriter, r *http.Request, do func(context.Context, int64, In) (Out, error)) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	var in In
	if err := decode(r, &in); err != nil {
		return err
	}
	out, err := do(r.Context(), id, in)
	if err != nil {
		return err
	}
	return writeListed(w, r, out)
}

func (a *API) implementation(ctx context.Context, id int64) (*parley.ImplementationRollup, error) {
	cs, err := a.store.FindCommitments(ctx, id)
	if err != nil {
		return nil, err
	}
	scores, err := a.store.FindScores(ctx, id)
	if err != nil {
		return nil, err
	}
	return parley.RollUp(cs, scores), nil
}

// EarlyWarning answers GET …/warning: always an object. triggered is false
// and warning absent when the thresholds were never met; otherwise warning
// is the last window that met them (active or history) and the
// commitments overdue as of as_of.
type EarlyWarning struct {
	AsOf      string          `json:"as_of"`
	Triggered bool            `json:"triggered"`
	Warning   *parley.Warning `json:"warning,omitempty"`
}

func (a *API) warning(ctx context.Context, id int64) (*EarlyWarning, error) {
	now := parley.Now()
	warning, err := a.store.AgreementWarning(ctx, id, now)
	if err != nil {
		return nil, err
	}
	return &EarlyWarning{AsOf: now.Format("2006-01-02"), Triggered: warning != nil, Warning: warning}, nil
}

// Audit.

func (a *API) latestCheckpoint(w http.ResponseWriter, r *http.Request) error {
	cp, err := a.store.LatestCheckpoint(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, cp)
}

func (a *API) listCheckpoints(w http.ResponseWriter, r *http.Request) error {
	sizes, err := a.store.AuditCheckpoints(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sizes)
}

func (a *API) proveInclusion(w http.ResponseWriter, r *http.Request) error {
	v := r.PathValue("index")
	index, err := strconv.ParseInt(v, 10, 64)
	if err != nil || index < 0 {
		return parley.Errorf(parley.EINVALID, "index", "path parameter %q must be an entry index ≥ 0, not %q", "index", v)
	}
	p, err := a.store.ProveInclusion(r.Context(), index)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (a *API) proveConsistency(w http.ResponseWriter, r *http.Request) error {
	var sizes [2]int64
	for i, name := range []string{"old", "new"} {
		v := r.URL.Query().Get(name)
		if name == "new" && v == "" {
			break // the latest checkpoint, which cannot be superseded between two requests
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return parley.Errorf(parley.EINVALID, name, "query parameter %q must be a tree size ≥ 1, not %q", name, v)
		}
		sizes[i] = n
	}
	p, err := a.store.ProveConsistency(r.Context(), sizes[0], sizes[1])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// Analysis and scenarios: the track's mediators only.

func (a *API) getAnalysis(ctx context.Context, id int64) (any, error) {
	an, err := a.actions.Analyze(ctx, id, nil)
	if err != nil {
		return nil, err
	}
	return an.Report, nil
}

func (a *API) whatIf(ctx context.Context, id int64, in action.WhatIf) (any, error) {
	an, err := a.actions.Analyze(ctx, id, &in)
	if err != nil {
		return nil, err
	}
	return an.Report, nil
}

func (a *API) getJointAnalysis(ctx context.Context, id int64) (*action.JointAnalysis, error) {
	return a.actions.AnalyzeJoint(ctx, id, nil)
}

func (a *API) whatIfJoint(ctx context.Context, id int64, in action.JointWhatIf) (*action.JointAnalysis, error) {
	return a.actions.AnalyzeJoint(ctx, id, &in)
}

func (a *API) simulate(ctx context.Context, id int64, in action.Simulation) (any, error) {
	res, err := a.actions.Simulate(ctx, id, in, nil)
	if err != nil {
		return nil, err
	}
	return res.Trace, nil
}

func (a *API) exportTrack(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	out, err := a.actions.ExportScenario(r.Context(), id, r.URL.Query().Get("format"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func (a *API) importTrack(w http.ResponseWriter, r *http.Request) error {
	zipped, isZip, err := readZipBody(r)
	if err != nil {
		return err
	}
	var out *action.ImportResult
	if isZip {
		out, err = a.actions.ImportScenarioZip(r.Context(), zipped, r.URL.Query().Get("title"))
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, limits.MaxRequestBodyBytes) // JSON and forms keep the common bound
		var in *action.ScenarioFiles
		if in, err = readImport(r); err != nil {
			return err
		}
		out, err = a.actions.ImportScenario(r.Context(), in)
	}
	if err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/tracks", out.Track.ID, out)
}

// timeline answers a page of a track's timeline.
func (a *API) timeline(w http.ResponseWriter, r *http.Request) error {
	id, err := route.PathID(r, "id")
	if err != nil {
		return err
	}
	page, err := route.QueryTimelinePage(r)
	if err != nil {
		return err
	}
	tl, err := a.store.Timeline(r.Context(), id, page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, tl)
}
