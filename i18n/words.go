package i18n

// The words of the domain's states and kinds, by context, as Word
// translates them: Word(TrackStatus, "paused"). The values are the
// domain's own (package parley's constants); a context keeps "open" the
// clause apart from "open" the proposal. A test of each package that shows
// them checks that every value of the domain is here.
const (
	TrackStatus     = "track status"
	PartyRole       = "party role"
	MemberRole      = "member role"
	MeetingFormat   = "meeting format"
	BallotOutcome   = "ballot outcome"
	ClauseStatus    = "clause status"
	AgreementStatus = "agreement status"
	Recurrence      = "recurrence"
	Finding         = "finding"
	Reliability     = "reliability"
	ChildStage      = "child stage"
	PrisonerStatus  = "prisoner status"
	ExchangeTerms   = "exchange terms"
	ProposalStatus  = "proposal status"
	ResponseKind    = "response kind"
	ChangeKind      = "change kind"
	Score           = "score"
	LinkKind        = "link kind"
)

// DomainWords are the keys of the domain's words.
var DomainWords = [][]string{
	Words("track status", "exploratory", "active", "paused", "suspended", "collapsed", "concluded"),
	Words("party role", "principal", "host", "mediator", "observer", "guarantor", "verifier"),
	Words("party kind", "state", "organisation", "delegation"),
	Words("member role", "mediator", "delegate", "observer", "verifier", "guarantor"),
	Words("meeting format", "plenary", "caucus", "shuttle"),
	Words("ballot outcome", "pending", "accepted by all", "not accepted"),
	Words("clause status", "open", "bracketed", "agreed ad referendum", "agreed", "dropped"),
	Words("agreement status", "in force", "suspended", "expired", "collapsed", "completed"),
	Words("recurrence", "daily", "weekly", "monthly", "quarterly"),
	Words("finding", "complied", "partly", "violated", "unverifiable"),
	Words("reliability", "confirmed", "probable", "doubtful"),
	Words("child stage", "identified", "located", "verified", "return agreed", "returned", "reunited"),
	Words("prisoner status", "military", "civilian"),
	Words("exchange terms", "all for all", "n for n"),
	Words("proposal status", "open", "withdrawn", "superseded"),
	Words("response kind", "accept", "reject", "counter"),
	Words("change kind", "added", "removed", "changed", "unchanged"),
	Words("score", "not initiated", "minimal", "intermediate", "full"),
	Words("link kind", "package", "sequence", "condition"),
	// The reasons the store gives a record's first status.
	Words("system reason", "created", "entered into force"),
}
