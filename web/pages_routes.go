package web

import (
	"net/http"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/negotiation"
)

// deskRoutes are the rows of the route table for the mediator's desk: the
// analysis and scenario API, and the pages with their assets. Pages are
// documented in the OpenAPI document too, with their media type (media)
// and form bodies, so that the one table describes everything the server
// answers. Routes that need sealed profiles are served only when the store
// keeps them (parley.ProfileService).
func (s *Server) deskRoutes() []route {
	const ok, created, seeOther = http.StatusOK, http.StatusCreated, http.StatusSeeOther
	const html = "text/html"
	routes := []route{
		{method: "GET", pattern: "/static/desk.css", policy: PolicyPublic, id: "deskStylesheet", summary: "The pages' stylesheet",
			handle: serveStatic("desk.css", "text/css; charset=utf-8"), status: ok, media: "text/css"},
		{method: "GET", pattern: "/static/desk.js", policy: PolicyPublic, id: "deskScript", summary: "The pages' script (the live what-if)",
			handle: serveStatic("desk.js", "text/javascript; charset=utf-8"), status: ok, media: "text/javascript"},
		{method: "GET", pattern: "/static/favicon.svg", policy: PolicyPublic, id: "deskIcon", summary: "The pages' icon",
			handle: serveStatic("favicon.svg", "image/svg+xml"), status: ok, media: "image/svg+xml"},
		{method: "GET", pattern: "/signin", policy: PolicyPublic, id: "pageSignIn", summary: "Page: sign in",
			handle: s.pageSignIn, status: ok, media: html},
		{method: "POST", pattern: "/signin", policy: PolicyPublic, id: "pageSignInPost", summary: "Page: sign in with the form; sets the session cookie and redirects",
			handle: s.pageSignInPost, body: typeOf[signInForm](), status: seeOther, media: html},
		{method: "POST", pattern: "/signout", policy: PolicySignedIn, id: "pageSignOut", summary: "Page: sign out; ends the cookie's session and redirects to the sign-in page",
			handle: s.pageSignOut, body: typeOf[csrfForm](), status: seeOther, media: html},
		{method: "GET", pattern: "/map", policy: PolicySignedIn, id: "pageMap", summary: "Page: the map of every track the caller may see",
			handle: s.pageMap, status: ok, media: html},
		{method: "GET", pattern: "/tracks/{id}", policy: PolicyTrackReader, scope: scopeTrack, id: "pageTrack", summary: "Page: a track's timeline, members, themes and, for mediators, its actions",
			handle: s.pageTrack, status: ok, media: html},
		{method: "POST", pattern: "/tracks/{id}/transition", policy: PolicyTrackEditor, scope: scopeTrack, id: "pageTransition", summary: "Page form: move a track to a new status",
			handle: s.pageTransition, body: typeOf[transitionForm](), status: seeOther, media: html},
		{method: "POST", pattern: "/tracks/{id}/meetings", policy: PolicyTrackEditor, scope: scopeTrack, id: "pageAddMeeting", summary: "Page form: record a meeting of the track",
			handle: s.pageAddMeeting, body: typeOf[meetingForm](), status: seeOther, media: html},
		{method: "POST", pattern: "/tracks/{id}/events", policy: PolicyTrackEditor, scope: scopeTrack, id: "pageAddEvent", summary: "Page form: record an outside event linked to the track",
			handle: s.pageAddEvent, body: typeOf[eventForm](), status: seeOther, media: html},

		{method: "GET", pattern: "/ballots/{id}", policy: PolicySignedIn, id: "pageBallot", summary: "Page: a ballot, its outcome and, for a delegate whose party has not answered, the secret answer's buttons",
			handle: s.pageBallot, status: ok, media: html},
		{method: "POST", pattern: "/ballots/{id}/answer", policy: PolicySignedIn, id: "pageAnswerBallot", summary: "Page form: answer a ballot in secret for the caller's party; the same redirect for either answer",
			handle: s.pageAnswerBallot, body: typeOf[answerForm](), status: seeOther, media: html},

		{method: "GET", pattern: "/tracks/{id}/proposals", policy: PolicyTrackReader, scope: scopeTrack, id: "pageProposals", summary: "Page: the track's proposals the caller may read, with responses and what each package is worth to the parties whose profiles the caller reads",
			handle: s.pageProposals, status: ok, media: html},
		{method: "POST", pattern: "/tracks/{id}/proposals", policy: PolicyTrackReader, scope: scopeTrack, id: "pagePutProposal", summary: "Page form: put a proposal for the caller's party (a delegate) or the mediators (a mediator)",
			handle: s.pagePutProposal, body: typeOf[proposalForm](), status: seeOther, media: html},
		{method: "POST", pattern: "/proposals/{id}/responses", policy: PolicySignedIn, id: "pageRespond", summary: "Page form: accept, reject or counter a proposal for the caller's party or the mediators",
			handle: s.pageRespond, body: typeOf[responseForm](), status: seeOther, media: html},
		{method: "POST", pattern: "/proposals/{id}/withdraw", policy: PolicySignedIn, id: "pageWithdraw", summary: "Page form: withdraw an open proposal (its author's delegates, the mediators)",
			handle: s.pageWithdraw, body: typeOf[csrfForm](), status: seeOther, media: html},
		{method: "POST", pattern: "/tracks/{id}/ballots", policy: PolicyTrackEditor, scope: scopeTrack, id: "pagePutBallot", summary: "Page form: put one package to several parties for secret answers (mediators)",
			handle: s.pagePutBallot, body: typeOf[ballotForm](), status: seeOther, media: html},
		{method: "GET", pattern: "/texts/{id}", policy: PolicySignedIn, id: "pageText", summary: "Page: a negotiating text, its versions with their counts, a version's clauses and the changes from the one before (or from ?from=N)",
			handle: s.pageText, status: ok, media: html},
		{method: "POST", pattern: "/tracks/{id}/texts", policy: PolicyTrackEditor, scope: scopeTrack, id: "pageStartText", summary: "Page form: start a negotiating text (mediators)",
			handle: s.pageStartText, body: typeOf[textForm](), status: seeOther, media: html},
		{method: "POST", pattern: "/texts/{id}/versions", policy: PolicySignedIn, id: "pageAddVersion", summary: "Page form: add a version of a text from the clauses' textarea (mediators)",
			handle: s.pageAddVersion, body: typeOf[versionForm](), status: seeOther, media: html},
		{method: "POST", pattern: "/versions/{id}/freeze", policy: PolicySignedIn, id: "pageFreezeVersion", summary: "Page form: freeze a draft version (mediators)",
			handle: s.pageFreezeVersion, body: typeOf[csrfForm](), status: seeOther, media: html},

		{method: "GET", pattern: "/exchanges/{id}", policy: PolicySignedIn, id: "pageExchange", summary: "Page: a prisoner exchange, its lists as the caller reads them, matches, suggestions and reconciliation",
			handle: s.pageExchange, status: ok, media: html},
		{method: "POST", pattern: "/exchanges/{id}/matches", policy: PolicySignedIn, id: "pageConfirmMatch", summary: "Page form: confirm a suggested match (mediators)",
			handle: s.pageConfirmMatch, body: typeOf[matchForm](), status: seeOther, media: html},
		{method: "POST", pattern: "/matches/{id}/share", policy: PolicySignedIn, id: "pageShareMatch", summary: "Page form: share a confirmed match with both sides (mediators)",
			handle: s.pageMatchAct(s.store.ShareMatch, "shared"), body: typeOf[csrfForm](), status: seeOther, media: html},
		{method: "POST", pattern: "/matches/{id}/verify", policy: PolicySignedIn, id: "pageVerifyMatch", summary: "Page form: verify a confirmed match (the track's verifiers)",
			handle: s.pageMatchAct(s.store.VerifyMatch, "verified"), body: typeOf[csrfForm](), status: seeOther, media: html},
		{method: "POST", pattern: "/exchanges/{id}/handovers", policy: PolicySignedIn, id: "pageRecordHandover", summary: "Page form: record the persons the exchange handed over, all or none (mediators)",
			handle: s.pageRecordHandover, body: typeOf[handoverForm](), status: seeOther, media: html},
		{method: "POST", pattern: "/exchanges/{id}/lists/{party}", policy: PolicySignedIn, id: "pageUploadList", summary: "Page form: add persons to a side's list from a CSV file, multipart/form-data with csrf_token as the first part, all or none (the side's delegates, the mediators)",
			handle: s.pageUploadList, body: typeOf[listUploadForm](), csv: true, status: seeOther, media: html, maxBody: MaxCSVBodyBytes},
		{method: "GET", pattern: "/tracks/{id}/children", policy: PolicyTrackReader, scope: scopeTrack, id: "pageChildren", summary: "Page: children's return cases, counts per stage for the track, details for each case's audience",
			handle: s.pageChildren, status: ok, media: html},
		{method: "POST", pattern: "/tracks/{id}/children", policy: PolicyTrackEditor, scope: scopeTrack, id: "pageOpenChildCase", summary: "Page form: open a child's return case at its first stage, identified (mediators)",
			handle: s.pageOpenChildCase, body: typeOf[childCaseForm](), status: seeOther, media: html},
		{method: "POST", pattern: "/children/{id}/stages", policy: PolicySignedIn, id: "pageAdvanceChildCase", summary: "Page form: record a case's next stage (mediators)",
			handle: s.pageAdvanceChildCase, body: typeOf[childStepForm](), status: seeOther, media: html},

		{method: "GET", pattern: "/api/v1/tracks/{id}/export", policy: PolicyTrackReader, scope: scopeTrack, id: "exportTrack", summary: "A track's scenario (themes and profiles) as GENIUS XML texts or Parley's scenario JSON: mediators only",
			handle: s.exportTrack, query: []queryParam{formatParam}, status: ok, resp: typeOf[scenarioFiles]()},
	}
	routes = append(routes, s.agreementPageRoutes()...)
	if _, has := s.store.(parley.ProfileService); !has {
		return routes
	}
	return append(routes,
		route{method: "GET", pattern: "/api/v1/tracks/{id}/analysis", policy: PolicyTrackReader, scope: scopeTrack, id: "getAnalysis", summary: "The analysis of a track from its sealed profiles (the `parley analyze --format json` shape): mediators only",
			handle: s.getAnalysis, status: ok, resp: typeOf[negotiation.Report]()},
		route{method: "POST", pattern: "/api/v1/tracks/{id}/analysis", policy: PolicyTrackReader, scope: scopeTrack, id: "whatIfAnalysis", summary: "What-if: the analysis with temporary changes (dropped red lines, other reservations); nothing is saved. Mediators only",
			handle: s.postAnalysis, body: typeOf[whatIf](), status: ok, resp: typeOf[negotiation.Report]()},
		route{method: "POST", pattern: "/api/v1/tracks/import", policy: PolicyAdmin, id: "importTrack", summary: "Import a scenario (GENIUS domain + profiles XML, as JSON or multipart/form-data, or Parley's scenario JSON) as a new track with one sealed profile per party",
			handle: s.importTrack, body: typeOf[scenarioFiles](), status: created, resp: typeOf[importResult]()},

		route{method: "GET", pattern: "/tracks/{id}/profiles", policy: PolicyTrackReader, scope: scopeTrack, id: "pageProfiles", summary: "Page: every profile of the track the caller may read, side by side",
			handle: s.pageProfiles, status: ok, media: html},
		route{method: "GET", pattern: "/tracks/{id}/profiles/{party_id}", policy: PolicyProfileReader, id: "pageProfile", summary: "Page: a party's profile editor (its delegates and the mediators)",
			handle: s.pageProfile, status: ok, media: html},
		route{method: "POST", pattern: "/tracks/{id}/profiles/{party_id}", policy: PolicyProfileEditor, id: "pageProfileSave", summary: "Page form: store a new version of a party's profile",
			handle: s.pageProfileSave, body: typeOf[profileForm](), status: seeOther, media: html},
		route{method: "GET", pattern: "/tracks/{id}/analysis", policy: PolicyTrackReader, scope: scopeTrack, id: "pageAnalysis", summary: "Page: the analysis of a track (mediators only)",
			handle: s.pageAnalysis, status: ok, media: html},
		route{method: "POST", pattern: "/tracks/{id}/analysis", policy: PolicyTrackReader, scope: scopeTrack, id: "pageWhatIf", summary: "Page form: the analysis with the what-if form's changes; nothing is saved (mediators only)",
			handle: s.pageWhatIf, body: typeOf[whatIfForm](), status: ok, media: html},
		route{method: "POST", pattern: "/tracks/{id}/analysis/plot", policy: PolicyTrackReader, scope: scopeTrack, id: "pageWhatIfPlot", summary: "Page fragment: the analysis results for the what-if form's changes, for the live what-if; nothing is saved (mediators only)",
			handle: s.pageWhatIfPlot, body: typeOf[whatIfForm](), status: ok, media: html},
	)
}
