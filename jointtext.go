package parley

import "context"

// JointText is a single negotiating text whose clauses belong to
// different linked tracks: it ties one NegotiatingText per track, each
// kept, sealed and read under its own track's rules, so that a clause of
// a track is never shown to a caller who does not read that track's text.
// Under "nothing is agreed until everything is agreed" it is Agreed only
// when the latest version of every part is frozen and agreed; that one
// answer is all a caller learns of the parts it does not read, with their
// number (Hidden).
type JointText struct {
	ID     int64           `json:"id"` // the id of its first part's text
	Parts  []JointTextPart `json:"parts"`
	Hidden int             `json:"hidden"`
	Agreed bool            `json:"agreed"`
}

// JointTextPart is one track's text in a joint text, with its latest
// version (nil before the first).
type JointTextPart struct {
	Text   *NegotiatingText `json:"text"`
	Latest *TextVersion     `json:"latest,omitempty"`
}

// JointTextInput names the texts to join, one per track, in order.
type JointTextInput struct {
	TextIDs []int64 `json:"text_ids"`
}

// Validate checks the list on its own.
func (in *JointTextInput) Validate() error {
	if len(in.TextIDs) < 2 {
		return Errorf(EINVALID, "text_ids", "a joint text joins the texts of at least two tracks")
	}
	if len(in.TextIDs) > MaxLinkedItems {
		return Errorf(EINVALID, "text_ids", "at most %d texts", MaxLinkedItems)
	}
	return checkIDs("text_ids", in.TextIDs)
}

// JointTextService keeps joint texts.
type JointTextService interface {
	// JoinTexts ties texts of linked tracks into one joint text. EINVALID
	// for a text the caller does not read, two texts of one track, or
	// tracks not joined by active links; EFORBIDDEN unless the caller
	// mediates every track; ECONFLICT for a text that is part of a joint
	// text already.
	JoinTexts(ctx context.Context, in JointTextInput) (*JointText, error)
	// FindJointText returns the joint text a text the caller reads is part
	// of; ENOTFOUND for a text it does not read or that is part of none.
	FindJointText(ctx context.Context, textID int64) (*JointText, error)
}
