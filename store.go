package parley

import "context"

// Store is everything a backing store provides. The sqlite and postgres
// packages implement it, and the storetest package holds the conformance
// suite that both must pass.
type Store interface {
	PartyService
	VenueService
	TrackService
	ThemeService
	UserService
	MemberService
	MeetingService
	EventService

	// Empty reports whether the store holds no domain data yet (no party,
	// track, venue, event or user), so that the demo is loaded only into a
	// fresh database.
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
