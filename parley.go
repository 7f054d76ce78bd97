// Package parley holds Parley's domain: the map of second-track talks (tracks,
// parties, members, venues, meetings, themes, events and each track's status
// history), the service interfaces that the stores implement, and the one
// error type of the whole application.
//
// The package does no I/O and imports nothing of Parley's. The subpackages
// implement its interfaces: sqlite (the embedded default) and postgres (for
// deployments that outgrow one machine) store the map; web serves it; cmd/parley
// wires them together. The pure analysis library lives in negotiation.
//
// # Contracts
//
// Every service method takes a context. Methods return *Error values for
// everything a caller can act on (EINVALID with the offending field, ENOTFOUND,
// ECONFLICT); any other error is internal and must not be shown to a client.
// Lists are ordered deterministically (by ID unless stated) and paginated with
// Offset and Limit; a Limit of 0 means DefaultLimit and no Limit may exceed
// MaxLimit.
package parley

import "time"

// Limits on input, named here so that the stores, the web layer and the tests
// agree on them.
const (
	MaxNameLen     = 200    // titles, names, labels
	MaxTextLen     = 20_000 // mandates, descriptions, reasons, notes
	MaxEmailLen    = 254    // RFC 5321 path limit
	MaxAttendees   = 200    // attendees of one meeting
	MaxOptions     = 64     // options of one theme
	MaxLinkedItems = 100    // tracks linked to one event, parties of one track
	DefaultLimit   = 100
	MaxBatch       = 500 // records an import writes in one transaction
	MaxLimit       = 1000
)

// Now is the clock of the domain. Stores call it for timestamps; tests may
// replace it. Times are UTC with microsecond precision, the finest both stores
// keep.
var Now = func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Page is the offset and limit of a list request.
type Page struct {
	Offset int `json:"offset,omitempty"`
	Limit  int `json:"limit,omitempty"`
}

// Normalize returns the page with a default limit applied, or EINVALID.
func (p Page) Normalize() (Page, error) {
	if p.Offset < 0 {
		return p, Errorf(EINVALID, "offset", "offset must not be negative")
	}
	if p.Limit < 0 || p.Limit > MaxLimit {
		return p, Errorf(EINVALID, "limit", "limit must be between 1 and %d", MaxLimit)
	}
	if p.Limit == 0 {
		p.Limit = DefaultLimit
	}
	return p, nil
}
