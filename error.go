package unionbot

import (
	"errors"
	"fmt"
)

// Error codes: what kind of failure a person is shown.
const (
	EINVALID      = "invalid"      // the input is wrong; the message says how
	ENOTFOUND     = "not_found"    // the thing asked for does not exist
	ECONFLICT     = "conflict"     // the action clashes with the current state
	EFORBIDDEN    = "forbidden"    // the person may not do this
	EUNAUTHORIZED = "unauthorized" // the caller did not prove who they are
	ELIMIT        = "limit"        // too many requests
	EUNAVAILABLE  = "unavailable"  // a part it needs is not configured or down
	EINTERNAL     = "internal"     // our fault; details are logged, not shown
)

// InternalMessage is what a teacher reads when something broke on our side.
const InternalMessage = "系统繁忙，请稍后再试。"

// Error is a failure with a sentence a person may read. Message is Chinese and
// addressed to the teacher or the union staff; Code decides how it is shown
// (a chat reply, or an HTTP status).
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("unionbot error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with code and a formatted Chinese message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	} else if e, ok := err.(*Error); ok { // most are not wrapped: no errors.As, whose target escapes
		return e.Code
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the person-readable message of err: the Message of its
// *Error, or InternalMessage for anything else.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return InternalMessage
}
