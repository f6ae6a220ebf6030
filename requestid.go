package unionbot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

// A request id names one piece of work (a chat message from its callback to
// its reply, an admin API request) in every log line written for it, so an
// operator can pull one teacher's message out of a busy log. It travels in
// the context; the program's log handler adds it to each line.

type requestIDKey struct{}

// WithRequestID returns ctx carrying id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID is the id ctx carries, "" for none.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// NewRequestID returns a fresh random id: 16 hex digits.
func NewRequestID() string {
	var b [8]byte
	rand.Read(b[:]) // never fails (crypto/rand since Go 1.24)
	return hex.EncodeToString(b[:])
}

// ValidRequestID reports whether id, taken from a client's X-Request-Id
// header, may be echoed and logged: 1 to 64 letters, digits, '-', '_' or
// '.', so a header cannot forge log fields or fill the log.
func ValidRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return false
		}
	}
	return true
}
