package sqlstore

// The registry of authenticated tables (see rowauth.go): every table of
// the domain, with its primary key and its columns in the order its scan
// function reads them. A column that decides who may read or act, or who
// did what, or that holds content, is authenticated; the few that change
// without meaning are listed with skips and stay out of the MAC.
//
// To protect a new table: add it here (and to tables), give it a mac
// column in a migration (BLOB in SQLite, BYTEA in PostgreSQL), read its
// rows with SELECT t.sel and tx.scanner(t, row), and write them with
// tx.insert, tx.update and tx.delete inside a write that calls
// appendAudit. A column left out of the MAC is marked "-" in the spec and
// skips says why. A new column of a protected table goes in its spec, which
// changes the MAC of every existing row: the migration that adds it must
// bind the rows anew (bind.go).
//
// Not here: the audit tables, which the ledger authenticates (their leaves
// are hashed into the tree and signed), store_meta, whose values are
// wrapped by the master key or checked against it, and schema_migrations.
var (
	tParties = newTable("parties", "id", "id:int name:text kind:text created_at:int updated_at:int")
	tVenues  = newTable("venues", "id", "id:int name:text city:text country:text created_at:int updated_at:int")
	tUsers   = newTable("users", "id",
		"id:int email:text name:text admin:bool disabled:bool password_hash:text created_at:int updated_at:int")
	tTracks       = newTable("tracks", "id", "id:int title:text mandate:text status:text created_at:int updated_at:int")
	tTrackParties = newTable("track_parties", "track_id, party_id, role", "track_id:int party_id:int role:text position:int")
	tTrackVenues  = newTable("track_venues", "track_id, venue_id", "track_id:int venue_id:int position:int")
	tThemes       = newTable("themes", "id", "id:int track_id:int name:text description:text position:int created_at:int updated_at:int")
	tOptions      = newTable("options", "id", "id:int theme_id:int position:int label:text description:text")
	tMembers      = newTable("members", "id", "id:int track_id:int user_id:int role:text party_id:int? created_at:int")
	tMeetings     = newTable("meetings", "id",
		"id:int track_id:int venue_id:int? title:text format:text starts_at:int ends_at:int? outcome:text created_at:int updated_at:int")
	tAttendees   = newTable("meeting_attendees", "meeting_id, position", "meeting_id:int position:int party_id:int name:text")
	tEvents      = newTable("events", "id", "id:int occurred_at:int title:text description:text source:text created_at:int updated_at:int")
	tEventTracks = newTable("event_tracks", "event_id, track_id", "event_id:int track_id:int position:int")
	tTransitions = newTable("transitions", "id",
		"id:int track_id:int from_status:text to_status:text reason:text event_id:int? actor_id:int? at:int")
	tSessions = newTable("sessions", "id",
		"id:int secret_hash:bytes user_id:int created_at:int last_seen_at:int- idle_expires_at:int- expires_at:int").
		skips("last_seen_at", "a session's last use: rewritten as it is used",
			"idle_expires_at", "moves with the last use, never past expires_at, which is authenticated")
	tTokens = newTable("api_tokens", "id", "id:int secret_hash:bytes user_id:int name:text created_at:int last_used_at:int?- revoked_at:int?").
		skips("last_used_at", "a token's last use: rewritten as it is used")
	tTrackKeys = newTable("track_keys", "track_id", "track_id:int wrapped:bytes created_at:int")
	tProfiles  = newTable("profiles", "track_id, party_id, version",
		"track_id:int party_id:int version:int content:bytes updated_by:int? updated_at:int")
	tNotes = newTable("meeting_notes", "id",
		"id:int meeting_id:int track_id:int kind:text audience:text text:bytes author_id:int? created_at:int")
	tProposals = newTable("proposals", "id",
		"id:int track_id:int author_party_id:int? audience:text content:bytes status:text supersedes:int? superseded_by:int? created_by:int? created_at:int")
	tResponses = newTable("proposal_responses", "id",
		"id:int proposal_id:int track_id:int party_id:int? kind:text counter_id:int? reasons:bytes audience:text created_by:int? created_at:int")
	tBallots      = newTable("ballots", "id", "id:int track_id:int package:bytes deadline:int created_by:int? created_at:int")
	tBallotAnswer = newTable("ballot_parties", "ballot_id, party_id", "ballot_id:int party_id:int answer:bytes?")
	tTexts        = newTable("texts", "id",
		"id:int track_id:int title:text sealed_title:bytes audience:text created_by:int? created_at:int")
	tVersions = newTable("text_versions", "id",
		"id:int text_id:int track_id:int number:int clauses:bytes frozen_at:int? created_by:int? created_at:int")
	tExchanges = newTable("exchanges", "id",
		"id:int track_id:int title:text terms:text n:int side_a:int side_b:int created_by:int? created_at:int")
	tPrisoners = newTable("prisoners", "id",
		"id:int exchange_id:int track_id:int party_id:int person:bytes created_at:int handed_over_at:int?")
	tMatches = newTable("prisoner_matches", "id",
		"id:int exchange_id:int prisoner_a:int prisoner_b:int confirmed_by:int? confirmed_at:int verified_by:int? verified_at:int? shared_by:int? shared_at:int?")
	tChildren   = newTable("child_cases", "id", "id:int track_id:int audience:text content:bytes stage:text created_at:int")
	tAgreements = newTable("agreements", "id",
		"id:int track_id:int title:text text_version_id:int? effective:text duration_days:int renewal_terms:text notice_days:int "+
			"warn_window_days:int warn_violations:int warn_unverifiable:int warn_overdue_days:int status:text expires:text created_by:int? created_at:int")
	tSignatories = newTable("agreement_signatories", "agreement_id, party_id", "agreement_id:int party_id:int position:int")
	tAgreementTr = newTable("agreement_transitions", "id",
		"id:int agreement_id:int from_status:text to_status:text reason:text event_id:int? actor_id:int? at:int")
	tRenewals    = newTable("renewals", "id", "id:int agreement_id:int date:text expires:text note:text actor_id:int? at:int")
	tCommitments = newTable("commitments", "id",
		"id:int agreement_id:int track_id:int obligor:int obligation:text due:text recurrence:text verifier:int clause:int created_at:int")
	tReports = newTable("reports", "id",
		"id:int commitment_id:int agreement_id:int track_id:int date:text source:text sealed_source:bytes reliability:text finding:text audience:text evidence:bytes created_by:int? created_at:int")
	tScores = newTable("scores", "id",
		"id:int commitment_id:int agreement_id:int period:text value:int note:text created_by:int? created_at:int")
	tUserLanguages = newTable("user_languages", "user_id", "user_id:int language:text updated_at:int")
	tVenueZones    = newTable("venue_time_zones", "venue_id", "venue_id:int time_zone:text")
	tFeeds         = newTable("calendar_feeds", "id", "id:int secret_hash:bytes user_id:int created_at:int revoked_at:int?")
	tTOTP          = newTable("totp_factors", "user_id", "user_id:int secret:bytes last_step:int created_at:int confirmed_at:int?")
	tRecoveryCodes = newTable("recovery_codes", "id", "id:int user_id:int code_hash:bytes created_at:int used_at:int?")
	tMediators     = newTable("mediator_accounts", "user_id", "user_id:int created_by:int? created_at:int")
	tInvitations   = newTable("invitations", "id",
		"id:int secret_hash:bytes email:text name:text track_id:int? role:text party_id:int? created_by:int? created_at:int expires_at:int accepted_at:int? user_id:int?")
	tRevivals = newTable("track_revivals", "track_id", "track_id:int successor_id:int reason:text actor_id:int? at:int")
	tLinks    = newTable("links", "id",
		"id:int track_a:int track_b:int kind:text opens_at:text reason:text status:text created_by:int? created_at:int")
	tLinkSteps = newTable("link_steps", "id",
		"id:int link_id:int from_status:text to_status:text reason:text event_id:int? actor_id:int? at:int")
	tSecondFactorTracks = newTable("second_factor_tracks", "track_id", "track_id:int required_by:int? required_at:int")
	tPackageParts       = newTable("package_parts", "proposal_id", "proposal_id:int package_id:int track_id:int position:int")
	tBallotParts        = newTable("ballot_parts", "ballot_id", "ballot_id:int package_id:int track_id:int position:int")
	tTextParts          = newTable("text_parts", "text_id", "text_id:int joint_id:int track_id:int position:int")
)

// tables is the registry, in the order VerifyAudit checks them.
var tables = []*table{
	tParties, tVenues, tUsers, tTracks, tTrackParties, tTrackVenues, tThemes, tOptions, tMembers,
	tMeetings, tAttendees, tEvents, tEventTracks, tTransitions, tSessions, tTokens, tTrackKeys,
	tProfiles, tNotes, tProposals, tResponses, tBallots, tBallotAnswer, tTexts, tVersions,
	tExchanges, tPrisoners, tMatches, tChildren, tAgreements, tSignatories, tAgreementTr,
	tRenewals, tCommitments, tReports, tScores, tUserLanguages, tVenueZones, tFeeds,
	tTOTP, tRecoveryCodes, tSecondFactorTracks,
	tMediators, tInvitations, tRevivals,
	tLinks, tLinkSteps, tPackageParts, tBallotParts, tTextParts,
}

func init() {
	for i, t := range tables {
		t.id = i
	}
}

// TableSpec describes a table of the registry, for tests and tools that
// work on rows behind the store (the tamper suite, backups): its name, its
// primary key's columns in key order, its columns in scan order and the
// column that holds each row's MAC.
type TableSpec struct {
	Name    string
	Key     []string
	Columns []ColumnSpec
}

// ColumnSpec describes a column of a TableSpec: Kind is "int", "text",
// "bytes" or "bool"; Null whether it may be NULL; Authenticated whether
// the row's MAC covers it.
type ColumnSpec struct {
	Name          string
	Kind          string
	Null          bool
	Authenticated bool
}

// MACColumn is the column of every authenticated table that holds its
// rows' MACs.
const MACColumn = "mac"

// Registry returns the authenticated tables, in the order VerifyAudit
// checks them.
func Registry() []TableSpec {
	kinds := map[colKind]string{kindInt: "int", kindText: "text", kindBytes: "bytes", kindBool: "bool"}
	out := make([]TableSpec, len(tables))
	for i, t := range tables {
		ts := TableSpec{Name: t.name}
		for _, k := range t.key {
			ts.Key = append(ts.Key, t.cols[k].name)
		}
		for _, c := range t.cols {
			ts.Columns = append(ts.Columns, ColumnSpec{Name: c.name, Kind: kinds[c.kind], Null: c.null, Authenticated: !c.skip})
		}
		out[i] = ts
	}
	return out
}
