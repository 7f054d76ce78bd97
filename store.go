package parley

import "context"

// Store is everything a backing store provides. The sqlite and postgres
// packages implement it, and the storetest package holds the conformance
// suite that both must pass.
//
// # Who is asking
//
// Every method applies the rules of the table in audience.go to the caller
// of its context (CallerFromContext), through the Caller's methods only:
// reads are filtered (a record the caller may not see is ENOTFOUND and
// absent from lists and totals), writes without the right are EFORBIDDEN
// when the record is visible and ENOTFOUND when it is not. parley.System
// (the command line, migrations, the demo loader, the authenticator's own
// lookups) may do everything; a context without a caller is nobody: it
// sees no record and may change none. Sessions and tokens found by their
// secret are System's business alone.
//
// # Sealing and the ledger
//
// Sealed fields (profile contents, meeting notes, proposals, responses,
// ballots and their answers, the persons on prisoner lists, children's cases, the evidence of
// monitoring reports) are encrypted under a data
// key of their track, wrapped by the master key the store was opened with;
// every write appends an entry to the audit ledger in its own transaction.
type Store interface {
	PartyService
	VenueService
	TrackService
	ThemeService
	UserService
	MemberService
	NameService
	MeetingService
	EventService
	SessionService
	TokenService
	ProfileService
	NoteService
	ProposalService
	BallotService
	TextService
	ExchangeService
	ChildService
	AgreementService
	LinkService
	PackageService
	BallotPackageService
	JointTextService
	AuditService
	InvitationService

	// Empty reports whether the store holds no domain data yet (no party,
	// track, venue, event or user), so that the demo is loaded only into a
	// fresh database; EUNAUTHORIZED for nobody.
	Empty(ctx context.Context) (bool, error)
	// Close releases the store's connections.
	Close() error
}

type actorKey struct{}

// NewContextWithActor returns a context that carries the id of the user on
// whose behalf a request runs. Stores record it as the actor of changes.
func NewContextWithActor(ctx context.Context, userID int64) context.Context {
	return context.WithValue(ctx, actorKey{}, userID)
}

// ActorFromContext returns the acting user's id, or nil for the system.
func ActorFromContext(ctx context.Context) *int64 {
	id, ok := ctx.Value(actorKey{}).(int64)
	if !ok {
		return nil
	}
	return &id
}
