package heydoctor

import (
	"errors"
	"fmt"
)

// ErrorKind classifies an error for the people and programs that see it. The web layer
// maps each kind to one HTTP status in one table.
type ErrorKind int

// Error kinds.
const (
	Internal     ErrorKind = iota // a bug or an unexpected failure; details are logged, never shown
	Invalid                       // the input is wrong; the message says which field and why
	NotFound                      // the thing asked for does not exist (or is not yours to see)
	Conflict                      // the request clashes with the current state (a taken slot)
	Unauthorized                  // no valid credentials
	Forbidden                     // credentials, but not allowed
	Unavailable                   // a dependency (the database) is down; try again later
	TooMany                       // rate limited
)

func (k ErrorKind) String() string {
	switch k {
	case Invalid:
		return "invalid"
	case NotFound:
		return "not_found"
	case Conflict:
		return "conflict"
	case Unauthorized:
		return "unauthorized"
	case Forbidden:
		return "forbidden"
	case Unavailable:
		return "unavailable"
	case TooMany:
		return "too_many_requests"
	default:
		return "internal"
	}
}

// Error is a domain error with a message that is safe to show to a user. Field names
// the input at fault, if any. Err carries the cause for logs.
type Error struct {
	Kind    ErrorKind
	Field   string
	Message string
	Err     error
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an error of kind with a user-safe formatted message.
func Errorf(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an Invalid error that names the field at fault.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of err, Internal when it carries none.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// MessageOf returns the user-safe message of err; internal errors get a generic one.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != Internal {
		return e.Message
	}
	return "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요."
}

// FieldOf returns the field named by err, if any.
func FieldOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// WithErr attaches a cause for the logs and returns e.
func (e *Error) WithErr(err error) *Error {
	e.Err = err
	return e
}
