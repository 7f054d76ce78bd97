package parley

import (
	"errors"
	"fmt"
)

// Error codes. The web package alone maps them to HTTP statuses.
const (
	ECONFLICT       = "conflict"     // duplicate name, illegal transition, stale state
	EINTERNAL       = "internal"     // anything unexpected; never shown in detail
	EINVALID        = "invalid"      // malformed or out-of-range input
	ENOTFOUND       = "not_found"    // absent, or not visible to the caller
	EFORBIDDEN      = "forbidden"    // visible but not allowed
	EUNAUTHORIZED   = "unauthorized" // no or bad credentials
	EUNAVAILABLE    = "unavailable"  // the store is locked, read-only or gone
	ETOOMANYREQUEST = "too_many_requests"
)

// Error is the one error type of the domain. Its Message is written for the
// person at the other end and must never carry a sealed value; Field names the
// offending input field, where there is one.
type Error struct {
	Code    string
	Field   string
	Message string

	// format and args are what Errorf made Message of, for a reader in
	// another language (MessageFormat).
	format string
	args   []any
}

// MessageFormat returns the format and the arguments Errorf made the
// message of, so that a page can write it in its reader's language (the
// format is the key of its translation); "" for an Error made without
// Errorf.
func (e *Error) MessageFormat() (format string, args []any) { return e.format, e.args }

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("parley %s: %s: %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("parley %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the code, field (may be empty) and message.
func Errorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...), format: format, args: args}
}

// ErrorCode returns the code of err's *Error, EINTERNAL for any other error and
// "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the client-safe message of err: the Message of an
// *Error, and a generic text for anything else.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "internal error"
	}
}

// ErrorField returns the Field of err's *Error, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
