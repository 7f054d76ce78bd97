package parley

import (
	"context"
	"time"
)

// AuditEntry is one record of the audit ledger: who changed what, when,
// and a digest of the change as stored (sealed fields in sealed form),
// never the change itself. Every write of a store appends one in the same
// transaction.
//
// An entry of a track carries the track and an audience (plenary for the
// map, the record's audience for sealed records); it is visible to callers
// for whom CanRead(TrackID, Audience) holds. An entry without a track
// (parties, venues, accounts, memberships, keys) is visible to
// administrators. parley.System sees every entry.
type AuditEntry struct {
	Index    int64     `json:"index"`
	Time     time.Time `json:"time"`
	Actor    string    `json:"actor"`  // "user/<id>" or "system"
	Action   string    `json:"action"` // e.g. "track.transition"
	Object   string    `json:"object"` // e.g. "track/12"
	Digest   string    `json:"digest"` // SHA-256, 32 bytes, standard base64
	TrackID  *int64    `json:"track_id,omitempty"`
	Audience Audience  `json:"audience,omitempty"`
}

// InclusionProof proves that an entry is in the ledger's tree of TreeSize
// entries (RFC 6962 §2.1.1): hashing LeafHash up with Proof gives Root.
// Hashes are 32 bytes in standard base64, as in checkpoints.
// Checkpoint is the latest signed checkpoint (a signed note), whose size is
// at least TreeSize when the entry is covered by one, or empty.
type InclusionProof struct {
	Entry      *AuditEntry `json:"entry"`
	LeafHash   string      `json:"leaf_hash"`
	TreeSize   int64       `json:"tree_size"`
	Root       string      `json:"root"`
	Proof      []string    `json:"proof"`
	Checkpoint string      `json:"checkpoint,omitempty"`
}

// ConsistencyProof proves that the tree of OldSize entries is a prefix of
// the tree of NewSize entries (RFC 6962 §2.1.2), NewSize that of a signed
// checkpoint, which is included (NewCheckpoint); OldCheckpoint too when the
// store keeps one of OldSize. A client that kept a checkpoint (its size and
// root) checks the proof against its root: a store rolled back or
// rewritten since cannot produce one. Hashes are in standard base64.
type ConsistencyProof struct {
	OldSize       int64    `json:"old_size"`
	NewSize       int64    `json:"new_size"`
	OldRoot       string   `json:"old_root"`
	NewRoot       string   `json:"new_root"`
	Proof         []string `json:"proof"`
	OldCheckpoint string   `json:"old_checkpoint,omitempty"`
	NewCheckpoint string   `json:"new_checkpoint"`
}

// SignedCheckpoint is the signed checkpoint of the whole ledger, as a
// delegation's browser or an auditor keeps it: Note is the C2SP
// tlog-checkpoint text (origin, size, root) signed with the store's
// checkpoint key, whose verifier VerifierKey is (golang.org/x/mod/sumdb/note
// formats). Root is standard base64.
type SignedCheckpoint struct {
	Size        int64  `json:"size"`
	Root        string `json:"root"`
	Note        string `json:"note"`
	VerifierKey string `json:"verifier_key"`
}

// AuditService gives proofs over the audit ledger.
type AuditService interface {
	// ProveInclusion returns the entry at index with a proof of its
	// inclusion in the current tree; ENOTFOUND if there is no such entry or
	// the caller may not see it. An entry whose stored track or audience
	// differs from the visibility the entry itself records (edited behind
	// the application's back) is refused to everyone, with EINTERNAL.
	ProveInclusion(ctx context.Context, index int64) (*InclusionProof, error)
	// FindAuditEntries returns the track's entries that the caller may see
	// (the visibility ProveInclusion checks), newest first, and how many
	// there are; ENOTFOUND if the caller may not see the track. An entry
	// whose stored track or audience differs from the visibility the entry
	// records fails the whole list with EINTERNAL.
	FindAuditEntries(ctx context.Context, trackID int64, page Page) ([]*AuditEntry, int, error)
	// ProveConsistency proves that the tree of oldSize entries (any size
	// from 1, a checkpoint the caller kept) is a prefix of the tree of
	// newSize entries, which must be the size of a signed checkpoint (0:
	// the latest); ENOTFOUND for a newSize of no checkpoint, EINVALID
	// unless 1 ≤ oldSize ≤ newSize. Any signed-in caller may ask: the
	// proof reveals hashes only.
	ProveConsistency(ctx context.Context, oldSize, newSize int64) (*ConsistencyProof, error)
	// AuditCheckpoints returns the sizes of the signed checkpoints the
	// store keeps, in increasing order: one every few entries and the
	// latest, of the whole log.
	AuditCheckpoints(ctx context.Context) ([]int64, error)
	// LatestCheckpoint returns the signed checkpoint of the whole log,
	// renewed at every write, and the key that verifies it. Any signed-in
	// caller may ask.
	LatestCheckpoint(ctx context.Context) (*SignedCheckpoint, error)
}
