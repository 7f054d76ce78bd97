package parley

import (
	"context"
	"time"
)

// Event is an outside event on the timeline that tracks and reports cite
// ("Ukrainian counteroffensive in the Kursk region").
type Event struct {
	ID          int64     `json:"id"`
	OccurredAt  time.Time `json:"occurred_at"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Source      string    `json:"source"`
	TrackIDs    []int64   `json:"track_ids"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Validate checks the fields a caller sets.
func (e *Event) Validate() error {
	if e.OccurredAt.IsZero() {
		return Errorf(EINVALID, "occurred_at", "occurred_at is required")
	}
	if err := checkName("title", e.Title); err != nil {
		return err
	}
	if err := checkText("description", e.Description); err != nil {
		return err
	}
	if err := checkString("source", e.Source, MaxTextLen); err != nil {
		return err
	}
	if len(e.TrackIDs) > MaxLinkedItems {
		return Errorf(EINVALID, "track_ids", "at most %d tracks per event", MaxLinkedItems)
	}
	return checkIDs("track_ids", e.TrackIDs)
}

// EventUpdate is a partial change of an event.
type EventUpdate struct {
	OccurredAt  *time.Time `json:"occurred_at,omitempty"`
	Title       *string    `json:"title,omitempty"`
	Description *string    `json:"description,omitempty"`
	Source      *string    `json:"source,omitempty"`
	TrackIDs    *[]int64   `json:"track_ids,omitempty"`
}

// Apply returns a copy of e with upd applied, for validation before storing.
func (upd EventUpdate) Apply(e Event) Event {
	if upd.OccurredAt != nil {
		e.OccurredAt = *upd.OccurredAt
	}
	if upd.Title != nil {
		e.Title = *upd.Title
	}
	if upd.Description != nil {
		e.Description = *upd.Description
	}
	if upd.Source != nil {
		e.Source = *upd.Source
	}
	if upd.TrackIDs != nil {
		e.TrackIDs = *upd.TrackIDs
	}
	return e
}

// EventFilter selects events.
type EventFilter struct {
	TrackID int64 // 0 for every track
	Page
}

// EventService keeps outside events.
type EventService interface {
	FindEventByID(ctx context.Context, id int64) (*Event, error)
	// FindEvents returns events ordered by time, then ID.
	FindEvents(ctx context.Context, filter EventFilter) ([]*Event, int, error)
	// CreateEvent stores e; EINVALID if a linked track does not exist.
	CreateEvent(ctx context.Context, e *Event) error
	UpdateEvent(ctx context.Context, id int64, upd EventUpdate) (*Event, error)
}
