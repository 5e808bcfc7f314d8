// Package claimtrack is the vocabulary of the tracker: claims, sources, evidence,
// statuses, stances, events and reports, with the rules that apply to them.
// It imports only the standard library; storage and the web layer speak its types.
package claimtrack

import (
	"errors"
	"fmt"
	"sort"
)

// Error codes. The web layer maps each to one HTTP status in a single table.
const (
	ECONFLICT     = "conflict"     // a stale version, or a unique value already taken
	EINTERNAL     = "internal"     // a fault of ours; never shown to users in detail
	EINVALID      = "invalid"      // input that breaks a rule; see Error.Fields
	ENOTFOUND     = "not_found"    // the thing does not exist
	EUNAUTHORIZED = "unauthorized" // the caller may not do this
	EUNAVAILABLE  = "unavailable"  // changes cannot be saved now (disk full, read-only); reads still work
)

// Error is the one error type the application speaks. Message is safe to show to a
// user; Fields holds a readable message for each wrong form field.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("claimtrack error: code=%s message=%s", e.Code, e.Message)
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := fmt.Sprintf("claimtrack error: code=%s message=%s", e.Code, e.Message)
	for _, k := range keys {
		s += fmt.Sprintf(" %s=%q", k, e.Fields[k])
	}
	return s
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, EINTERNAL for any
// other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err. Errors that are not *Error
// get a generic message so that driver or system text never reaches a page.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// FieldErrors returns the per-field messages of err, or nil.
func FieldErrors(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// fieldErrors collects per-field messages while validating a value.
type fieldErrors map[string]string

// add records msg for field unless the field already has a message: the first
// problem found is the one worth telling.
func (f fieldErrors) add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// err returns an EINVALID *Error holding the collected messages, or nil.
func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Please correct the highlighted fields.", Fields: map[string]string(f)}
}
