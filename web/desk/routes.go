package desk

import (
	"net/http"
	"reflect"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/action"
	"github.com/parley-talks/parley/web/limits"
	"github.com/parley-talks/parley/web/route"
)

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// buttonForm is a form with nothing but its CSRF token and a button.
type buttonForm struct{}

// Routes is the pages' route table: the assets, the pages and their
// forms. A form's Body is the type it decodes into — the use case's input,
// as for the API — and a form re-rendered after a refusal is named by the
// first argument of submit. Reads and writes of records in the path other
// than a track are checked by the store (PolicySignedIn). Pages of sealed
// profiles and of the analysis are served only when the store keeps
// profiles (parley.ProfileService).
func (d *Desk) Routes() []route.Route {
	const ok, seeOther = http.StatusOK, http.StatusSeeOther
	const html = "text/html"
	const (
		public, signedIn         = route.PolicyPublic, route.PolicySignedIn
		trackReader, trackEditor = route.PolicyTrackReader, route.PolicyTrackEditor
		profileReader, editor    = route.PolicyProfileReader, route.PolicyProfileEditor
		onTrack                  = route.ScopeTrack
	)
	routes := []route.Route{
		{Method: "GET", Pattern: "/static/desk.css", Policy: public, ID: "deskStylesheet", Summary: "The pages' stylesheet",
			Handle: serveStatic("desk.css", "text/css; charset=utf-8"), Status: ok, Media: "text/css"},
		{Method: "GET", Pattern: "/static/desk.js", Policy: public, ID: "deskScript", Summary: "The pages' script (the live what-if)",
			Handle: serveStatic("desk.js", "text/javascript; charset=utf-8"), Status: ok, Media: "text/javascript"},
		{Method: "GET", Pattern: "/static/favicon.svg", Policy: public, ID: "deskIcon", Summary: "The pages' icon",
			Handle: serveStatic("favicon.svg", "image/svg+xml"), Status: ok, Media: "image/svg+xml"},
		{Method: "GET", Pattern: "/signin", Policy: public, ID: "pageSignIn", Summary: "Page: sign in",
			Handle: d.showSignIn, Status: ok, Media: html},
		{Method: "POST", Pattern: "/signin", Policy: public, ID: "pageSignInPost", Summary: "Page form: sign in; sets the session cookie and redirects",
			Handle: d.signIn, Body: typeOf[signInForm](), Status: seeOther, Media: html},
		{Method: "GET", Pattern: "/signin/code", Policy: public, ID: "pageSignInCode", Summary: "Page: the sign-in's second step, the code of the account's authenticator app or a recovery code (after the password, with a pending sign-in)",
			Handle: d.showSignInCode, Status: ok, Media: html},
		{Method: "POST", Pattern: "/signin/code", Policy: public, ID: "pageSignInCodePost", Summary: "Page form: the code of a pending sign-in; sets the session cookie and redirects",
			Handle: d.signInCode, Body: typeOf[signInCodeForm](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/signout", Policy: signedIn, ID: "pageSignOut", Summary: "Page form: sign out; ends the cookie's session and redirects to the sign-in page",
			Handle: d.signOut, Body: typeOf[buttonForm](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/language", Policy: public, ID: "pageLanguage", Summary: "Page form: choose the pages' language (kept in a cookie) and go back to the page",
			Handle: d.chooseLanguage, Body: typeOf[languageForm](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/account/language", Policy: signedIn, ID: "pageAccountLanguage", Summary: "Page form: choose the pages' language, kept with the account (and in a cookie), and go back to the page",
			Handle: d.chooseAccountLanguage, Body: typeOf[languageForm](), Status: seeOther, Media: html},
		{Method: "GET", Pattern: "/account/calendar", Policy: signedIn, ID: "pageCalendar", Summary: "Page: the caller's calendar feeds, to make and revoke",
			Handle: d.showCalendar, Status: ok, Media: html},
		{Method: "POST", Pattern: "/account/calendar", Policy: signedIn, ID: "pageCreateCalendarFeed", Summary: "Page form: make a calendar feed; the page answers with its secret URL, shown once",
			Handle: d.createFeed, Body: typeOf[buttonForm](), Status: ok, Media: html},
		{Method: "POST", Pattern: "/account/calendar/{id}/revoke", Policy: signedIn, ID: "pageRevokeCalendarFeed", Summary: "Page form: revoke one of the caller's calendar feeds",
			Handle: submit(d, "revoke-{id}", nil, d.revokeFeed), Body: typeOf[buttonForm](), Status: seeOther, Media: html},
		{Method: "GET", Pattern: "/account/security", Policy: signedIn, ID: "pageSecurity", Summary: "Page: the caller's second factor, to set up and remove",
			Handle: d.showSecurity, Status: ok, Media: html},
		{Method: "POST", Pattern: "/account/security/totp", Policy: signedIn, ID: "pageStartTOTP", Summary: "Page form: set up an authenticator app; the page answers with its secret and QR code, shown once, and the form that confirms it",
			Handle: d.startTOTP, Body: typeOf[buttonForm](), Status: ok, Media: html},
		{Method: "POST", Pattern: "/account/security/totp/confirm", Policy: signedIn, ID: "pageConfirmTOTP", Summary: "Page form: confirm the authenticator app with a code from it; the page answers with the recovery codes, shown once",
			Handle: d.confirmTOTP, Body: typeOf[action.CodeInput](), Status: ok, Media: html},
		{Method: "POST", Pattern: "/account/security/totp/remove", Policy: signedIn, ID: "pageRemoveTOTP", Summary: "Page form: remove the authenticator app and its recovery codes, with a current code from it",
			Handle: d.removeTOTP, Body: typeOf[action.CodeInput](), Status: seeOther, Media: html},
		{Method: "GET", Pattern: "/map", Policy: signedIn, ID: "pageMap", Summary: "Page: the map of every track the caller may see, with the links between them, their histories and, for mediators, the forms that change them",
			Handle: d.showMap, Status: ok, Media: html},
		{Method: "POST", Pattern: "/links", Policy: signedIn, ID: "pageCreateLink", Summary: "Page form: link two tracks as a package, a sequence or a condition, with a reason (mediators of both)",
			Handle: submitNew(d, "link", d.renderMap, d.createLink), Body: typeOf[action.LinkInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/links/{id}/transitions", Policy: signedIn, ID: "pageTransitionLink", Summary: "Page form: dissolve a link or make it active again, with a reason (mediators of both tracks)",
			Handle: submit(d, "link-{id}", d.renderMap, d.transitionLink), Body: typeOf[parley.LinkTransitionRequest](), Status: seeOther, Media: html},

		{Method: "GET", Pattern: "/tracks/{id}", Policy: trackReader, Scope: onTrack, ID: "pageTrack", Summary: "Page: a track's timeline, members, themes, agreements and, for mediators, its actions",
			Handle: d.showTrack, Status: ok, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/transition", Policy: trackEditor, Scope: onTrack, ID: "pageTransition", Summary: "Page form: move a track to a new status",
			Handle: submit(d, "transition", d.renderTrack, d.transition), Body: typeOf[parley.TransitionRequest](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/second-factor", Policy: route.PolicyAdmin, ID: "pageRequireSecondFactor", Summary: "Page form: require a second factor of every member of the track, or no longer (administrators)",
			Handle: submit(d, "second-factor", d.renderTrack, d.requireSecondFactor), Body: typeOf[action.RequirementInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/meetings", Policy: trackEditor, Scope: onTrack, ID: "pageAddMeeting", Summary: "Page form: record a meeting of the track",
			Handle: submit(d, "meeting", d.renderTrack, d.addMeeting), Body: typeOf[action.MeetingInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/events", Policy: trackEditor, Scope: onTrack, ID: "pageAddEvent", Summary: "Page form: record an outside event linked to the track",
			Handle: submit(d, "event", d.renderTrack, d.addEvent), Body: typeOf[action.EventInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/texts", Policy: trackEditor, Scope: onTrack, ID: "pageStartText", Summary: "Page form: start a negotiating text (mediators)",
			Handle: submit(d, "text", d.renderTrack, d.startText), Body: typeOf[action.TextInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/agreements", Policy: trackEditor, Scope: onTrack, ID: "pageCreateAgreement", Summary: "Page form: enter an agreement directly or adopt one from a frozen agreed text version (mediators)",
			Handle: submit(d, "agreement", d.renderTrack, d.enterAgreement), Body: typeOf[action.AgreementInput](), Status: seeOther, Media: html},

		{Method: "GET", Pattern: "/tracks/{id}/proposals", Policy: trackReader, Scope: onTrack, ID: "pageProposals", Summary: "Page: the track's proposals the caller may read, with responses and what each package is worth to the parties whose profiles the caller reads",
			Handle: d.showProposals, Status: ok, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/proposals", Policy: trackReader, Scope: onTrack, ID: "pagePutProposal", Summary: "Page form: put a proposal for the caller's party (a delegate) or the mediators (a mediator)",
			Handle: submit(d, "proposal", d.renderProposalsOfTrack, d.putProposal), Body: typeOf[action.ProposalInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/proposals/{id}/responses", Policy: signedIn, ID: "pageRespond", Summary: "Page form: accept, reject or counter a proposal for the caller's party or the mediators",
			Handle: submit(d, "respond-{id}", d.renderProposalsOfProposal, d.respond), Body: typeOf[action.ResponseInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/proposals/{id}/withdraw", Policy: signedIn, ID: "pageWithdraw", Summary: "Page form: withdraw an open proposal (its author's delegates, the mediators)",
			Handle: submit(d, "withdraw-{id}", d.renderProposalsOfProposal, d.withdraw), Body: typeOf[action.ProposalUpdate](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/ballots", Policy: trackEditor, Scope: onTrack, ID: "pagePutBallot", Summary: "Page form: put one package to several parties for secret answers (mediators)",
			Handle: submit(d, "ballot", d.renderProposalsOfTrack, d.putBallot), Body: typeOf[action.BallotInput](), Status: seeOther, Media: html},
		{Method: "GET", Pattern: "/ballots/{id}", Policy: signedIn, ID: "pageBallot", Summary: "Page: a ballot, its outcome and, for a delegate whose party has not answered, the secret answer's buttons",
			Handle: d.showBallot, Status: ok, Media: html},
		{Method: "POST", Pattern: "/ballots/{id}/answer", Policy: signedIn, ID: "pageAnswerBallot", Summary: "Page form: answer a ballot in secret for the caller's party; the same redirect for either answer",
			Handle: submit(d, "answer", d.renderBallot, d.answer), Body: typeOf[action.AnswerInput](), Status: seeOther, Media: html},

		{Method: "GET", Pattern: "/texts/{id}", Policy: signedIn, ID: "pageText", Summary: "Page: a negotiating text, its versions with their counts, a version's clauses and the changes from the one before (or from ?from=N)",
			Handle: d.showText, Status: ok, Media: html},
		{Method: "POST", Pattern: "/texts/{id}/versions", Policy: signedIn, ID: "pageAddVersion", Summary: "Page form: write the text's draft, or its next version, from the clauses' markup (mediators)",
			Handle: submit(d, "version", d.renderText, d.writeVersion), Body: typeOf[action.MarkupInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/versions/{id}/freeze", Policy: signedIn, ID: "pageFreezeVersion", Summary: "Page form: freeze a draft version (mediators)",
			Handle: submit(d, "freeze", d.renderTextOfVersion, d.freeze), Body: typeOf[action.VersionUpdate](), Status: seeOther, Media: html},

		{Method: "GET", Pattern: "/exchanges/{id}", Policy: signedIn, ID: "pageExchange", Summary: "Page: a prisoner exchange, its lists as the caller reads them, matches, suggestions and reconciliation",
			Handle: d.showExchange, Status: ok, Media: html},
		{Method: "POST", Pattern: "/exchanges/{id}/matches", Policy: signedIn, ID: "pageConfirmMatch", Summary: "Page form: confirm a suggested match (mediators)",
			Handle: submit(d, "confirm", d.renderExchange, d.confirmMatch), Body: typeOf[action.MatchInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/matches/{id}/share", Policy: signedIn, ID: "pageShareMatch", Summary: "Page form: share a confirmed match with both sides (mediators)",
			Handle: submit(d, "share-{id}", nil, d.shareMatch), Body: typeOf[action.MatchSharing](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/matches/{id}/verify", Policy: signedIn, ID: "pageVerifyMatch", Summary: "Page form: verify a confirmed match (the track's verifiers)",
			Handle: submit(d, "verify-{id}", nil, d.verifyMatch), Body: typeOf[action.MatchVerification](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/exchanges/{id}/handovers", Policy: signedIn, ID: "pageRecordHandover", Summary: "Page form: record the persons the exchange handed over, all or none (mediators)",
			Handle: submit(d, "handover", d.renderExchange, d.recordHandover), Body: typeOf[action.HandoverInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/exchanges/{id}/lists/{party}", Policy: signedIn, ID: "pageUploadList", Summary: "Page form: add persons to a side's list from a CSV or .xlsx file (parts csrf_token first, sheet, file), multipart/form-data, all or none (the side's delegates, the mediators)",
			Handle: d.uploadList, Body: typeOf[action.PrisonersInput](), Files: []string{"multipart/form-data"}, Status: seeOther, Media: html, MaxBody: limits.MaxCSVBodyBytes},
		{Method: "GET", Pattern: "/tracks/{id}/children", Policy: trackReader, Scope: onTrack, ID: "pageChildren", Summary: "Page: children's return cases, counts per stage for the track, details for each case's audience",
			Handle: d.showChildren, Status: ok, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/children", Policy: trackEditor, Scope: onTrack, ID: "pageOpenChildCase", Summary: "Page form: open a child's return case at its first stage, identified (mediators)",
			Handle: submit(d, "open", d.renderChildren, d.openChildCase), Body: typeOf[action.ChildCaseInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/children/{id}/stages", Policy: signedIn, ID: "pageAdvanceChildCase", Summary: "Page form: record a case's next stage (mediators)",
			Handle: submit(d, "advance-{id}", d.renderChildrenOfCase, d.advanceChildCase), Body: typeOf[parley.ChildStep](), Status: seeOther, Media: html},

		{Method: "GET", Pattern: "/agreements/{id}", Policy: signedIn, ID: "pageAgreement", Summary: "Page: an agreement's status and history, terms, commitments with their reports (evidence only for its audience), implementation and early warning",
			Handle: d.showAgreement, Status: ok, Media: html},
		{Method: "POST", Pattern: "/agreements/{id}/transition", Policy: signedIn, ID: "pageTransitionAgreement", Summary: "Page form: move an agreement to a new status (mediators)",
			Handle: submit(d, "transition", d.renderAgreement, d.transitionAgreement), Body: typeOf[parley.AgreementTransitionRequest](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/agreements/{id}/renewals", Policy: signedIn, ID: "pageRenewAgreement", Summary: "Page form: renew an agreement to a later expiry (mediators)",
			Handle: submit(d, "renew", d.renderAgreement, d.renewAgreement), Body: typeOf[action.RenewalInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/agreements/{id}/warning", Policy: signedIn, ID: "pageSetWarning", Summary: "Page form: set an agreement's early-warning thresholds (mediators)",
			Handle: submit(d, "warning", d.renderAgreement, d.setWarning), Body: typeOf[parley.WarningThresholds](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/agreements/{id}/commitments", Policy: signedIn, ID: "pageAddCommitment", Summary: "Page form: add a commitment to an agreement (mediators)",
			Handle: submit(d, "commitment", d.renderAgreement, d.addCommitment), Body: typeOf[action.CommitmentInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/agreements/{id}/reports", Policy: signedIn, ID: "pageAddReport", Summary: "Page form: add a monitoring report on one of the agreement's commitments, its evidence sealed to the chosen audience (mediators, verifiers)",
			Handle: submit(d, "report", d.renderAgreement, d.addReport), Body: typeOf[action.ReportInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/agreements/{id}/scores", Policy: signedIn, ID: "pageAddScore", Summary: "Page form: score a commitment's implementation for a period (mediators)",
			Handle: submit(d, "score", d.renderAgreement, d.addScore), Body: typeOf[action.ScoreInput](), Status: seeOther, Media: html},
		{Method: "GET", Pattern: "/parties/{id}/trust", Policy: signedIn, ID: "pageTrust", Summary: "Page: a party's trust record per quarter across the agreements the caller sees",
			Handle: d.showTrust, Status: ok, Media: html},
	}
	routes = append(routes, d.setupRoutes()...)  // setup.go
	routes = append(routes, d.recordRoutes()...) // records.go
	if _, has := d.store.(parley.ProfileService); has {
		routes = append(routes, d.profileRoutes()...)
	}
	for i := range routes {
		routes[i].Handle = d.withLanguage(routes[i].Handle)
	}
	return routes
}

// profileRoutes are the pages of sealed profiles and of the analysis.
func (d *Desk) profileRoutes() []route.Route {
	const ok = http.StatusOK
	const seeOther = http.StatusSeeOther
	const html = "text/html"
	const (
		trackReader, trackEditor = route.PolicyTrackReader, route.PolicyTrackEditor
		profileReader, editor    = route.PolicyProfileReader, route.PolicyProfileEditor
		onTrack                  = route.ScopeTrack
	)
	return []route.Route{
		{Method: "GET", Pattern: "/tracks/{id}/profiles", Policy: trackReader, Scope: onTrack, ID: "pageProfiles", Summary: "Page: every profile of the track the caller may read, side by side",
			Handle: d.showProfiles, Status: ok, Media: html},
		{Method: "GET", Pattern: "/tracks/{id}/profiles/{party_id}", Policy: profileReader, ID: "pageProfile", Summary: "Page: a party's profile editor (its delegates and the mediators)",
			Handle: d.showProfile, Status: ok, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/profiles/{party_id}", Policy: editor, ID: "pageProfileSave", Summary: "Page form: store a new version of a party's profile, or with intent=preview show the page again with what was typed and its utility, saving nothing",
			Handle: d.profileForm(submit(d, "profile", d.renderProfile, d.saveProfile)), Body: typeOf[parley.ProfileContent](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/scenario", Policy: trackEditor, Scope: onTrack, ID: "pageUploadScenario", Summary: "Page form: store the profiles of a zip of GENIUS files (GENIUS or NegMAS layout) on the track, all or none (parts csrf_token first, file), multipart/form-data (mediators)",
			Handle: d.uploadScenario, Body: typeOf[scenarioForm](), Files: []string{"multipart/form-data"}, Status: seeOther, Media: html, MaxBody: limits.MaxScenarioZipBytes},
		{Method: "GET", Pattern: "/tracks/{id}/analysis", Policy: trackReader, Scope: onTrack, ID: "pageAnalysis", Summary: "Page: the analysis of a track (mediators only)",
			Handle: d.showAnalysis, Status: ok, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/analysis", Policy: trackReader, Scope: onTrack, ID: "pageWhatIf", Summary: "Page form: the analysis with the what-if form's changes; nothing is saved (mediators only)",
			Handle: d.whatIfPage("analysis"), Body: typeOf[action.WhatIf](), Status: ok, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/analysis/plot", Policy: trackReader, Scope: onTrack, ID: "pageWhatIfPlot", Summary: "Page fragment: the analysis results for the what-if form's changes, for the live what-if; nothing is saved (mediators only)",
			Handle: d.whatIfPage("analysis#results"), Body: typeOf[action.WhatIf](), Status: ok, Media: html},
		{Method: "GET", Pattern: "/tracks/{id}/joint", Policy: trackReader, Scope: onTrack, ID: "pageJointAnalysis", Summary: "Page: the joint analysis of the track and the tracks linked to it (mediators of every one of them)",
			Handle: d.showJoint, Status: ok, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/joint", Policy: trackReader, Scope: onTrack, ID: "pageJointWhatIf", Summary: "Page form: the joint analysis with tracks unlinked or cross-track weights moved; nothing is saved (mediators of every linked track)",
			Handle: d.jointWhatIf, Body: typeOf[action.JointWhatIf](), Status: ok, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/joint/package", Policy: trackReader, Scope: onTrack, ID: "pagePutJointPackage", Summary: "Page form: put a package across the linked tracks — the joint Nash package, as it is or changed — to parties that are principals of every one of them; all parts or none (mediators of every linked track)",
			Handle: jointSubmit(d, "joint-package", d.putJointPackage), Body: typeOf[parley.PackageInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/joint/ballot", Policy: trackReader, Scope: onTrack, ID: "pagePutJointBallot", Summary: "Page form: put a ballot across the linked tracks to parties that are principals of every one of them; all parts or none (mediators of every linked track)",
			Handle: jointSubmit(d, "joint-ballot", d.putJointBallot), Body: typeOf[parley.BallotPackageInput](), Status: seeOther, Media: html},
		{Method: "POST", Pattern: "/tracks/{id}/joint/texts", Policy: trackReader, Scope: onTrack, ID: "pageJoinJointTexts", Summary: "Page form: join negotiating texts of the linked tracks, one per track, into a single text (mediators of every linked track)",
			Handle: jointSubmit(d, "joint-texts", d.joinJointTexts), Body: typeOf[parley.JointTextInput](), Status: seeOther, Media: html},
	}
}

// recordRoutes are the pages of records the talks keep beside proposals
// and texts: a proposal's improvements, a party's concessions, the notes
// of a track's meetings and its audit trail.
func (d *Desk) recordRoutes() []route.Route {
	const ok, seeOther = http.StatusOK, http.StatusSeeOther
	const html = "text/html"
	const (
		signedIn, trackReader = route.PolicySignedIn, route.PolicyTrackReader
		profileReader         = route.PolicyProfileReader
		onTrack               = route.ScopeTrack
	)
	return []route.Route{
		{Method: "GET", Pattern: "/proposals/{id}/improvements", Policy: signedIn, ID: "pageImprovements", Summary: "Page: the packages better for some party and worse for none than a proposal's, each with a form that puts it as the mediators' proposal (mediators only)",
			Handle: d.showImprovements, Status: ok, Media: html},
		{Method: "GET", Pattern: "/tracks/{id}/concessions/{party_id}", Policy: profileReader, ID: "pageConcessions", Summary: "Page: a party's concession ledger, each of its proposals against its previous one (its delegates and the mediators)",
			Handle: d.showConcessions, Status: ok, Media: html},
		{Method: "GET", Pattern: "/tracks/{id}/notes", Policy: trackReader, Scope: onTrack, ID: "pageNotes", Summary: "Page: the minutes and caucus notes of the track's meetings that the caller may read, with their audiences",
			Handle: d.showNotes, Status: ok, Media: html},
		{Method: "POST", Pattern: "/meetings/{id}/notes", Policy: signedIn, ID: "pageAddNote", Summary: "Page form: add minutes or a caucus note to a meeting, sealed to the audience chosen (mediators)",
			Handle: submit(d, "note-{id}", d.renderNotesOfMeeting, d.addNote), Body: typeOf[action.NoteInput](), Status: seeOther, Media: html},
		{Method: "GET", Pattern: "/tracks/{id}/audit", Policy: trackReader, Scope: onTrack, ID: "pageAudit", Summary: "Page: the track's audit trail that the caller may see, newest first: who did what when (?offset= pages)",
			Handle: d.showAudit, Status: ok, Media: html},
		{Method: "GET", Pattern: "/search", Policy: signedIn, ID: "pageSearch", Summary: "Page: search (?q=) across the tracks, meetings and their notes, proposals, texts and agreements the caller may read",
			Handle: d.showSearch, Status: ok, Media: html},
		{Method: "GET", Pattern: "/audit/entries/{index}", Policy: signedIn, ID: "pageAuditEntry", Summary: "Page: an audit entry the caller may see, with the proof of its inclusion in the ledger checked against the signed checkpoint",
			Handle: d.showAuditEntry, Status: ok, Media: html},
	}
}
