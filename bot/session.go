package bot

import (
	"context"
	"encoding/json"
	"time"
)

// Session is what the bot remembers about one teacher between messages: the
// form (flow) in progress with its state, and the pages of a long reply not
// yet shown. It lives in Redis, or in the database when no Redis is set, so a
// half-filled form survives a restart.
type Session struct {
	UserID    string
	Flow      string          // name of the flow in progress, "" for none
	State     json.RawMessage // the flow's own state
	More      []string        // pages still to show on 下一页
	StartedAt time.Time       // when the flow started
	ExpiresAt time.Time       // the flow lapses after this (with a notice)
	UpdatedAt time.Time
	// Light says the session holds no form: only a question the bot just
	// asked (a Choice flow: which event, which entry, 没用) or pages of a
	// reply. A store kept in one process's memory may keep it there alone:
	// after a restart the teacher asks again, and nothing they typed into a
	// form is lost, because forms are never light.
	Light bool `json:"-"`
}

// SessionStore keeps sessions. LoadSession returns an unionbot.Error with
// code ENOTFOUND when the user has none.
type SessionStore interface {
	LoadSession(ctx context.Context, userID string) (*Session, error)
	SaveSession(ctx context.Context, s *Session) error
	DeleteSession(ctx context.Context, userID string) error
}

// Deduper remembers deliveries for a while so that retries are processed
// once, and what became of each, so that a retry gets the same reply.
type Deduper interface {
	// Claim marks key as seen; it reports true for the first delivery only.
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// SetOutcome records what the first delivery answered.
	SetOutcome(ctx context.Context, key, outcome string, ttl time.Duration) error
	// Outcome returns the recorded outcome, "" while there is none yet.
	Outcome(ctx context.Context, key string) (string, error)
}

// Locker gives one holder at a time a named lock across replicas.
type Locker interface {
	// TryLock takes the lock for ttl; ok is false when someone else has it.
	// release gives it back early and is safe to call once.
	TryLock(ctx context.Context, key string, ttl time.Duration) (release func(), ok bool, err error)
}

// RateLimiter counts events per key in a sliding window.
type RateLimiter interface {
	// Allow counts one event for key and reports whether it is within limit
	// events per window.
	Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, error)
}

// HeldLock names a lock a SessionLocker gave: enough for the store to give
// it back inside another round trip (OutcomeReleaser).
type HeldLock struct{ Key, Token string }

// SessionLocker is a Locker that also reads the teacher's session in the
// round trip that takes their lock (Redis pipelines the two), when the
// same store keeps the sessions. s is nil when the teacher has none.
type SessionLocker interface {
	TryLockSession(ctx context.Context, key string, ttl time.Duration, userID string) (held HeldLock, ok bool, s *Session, err error)
	// ReleaseLock gives back a lock TryLockSession took.
	ReleaseLock(ctx context.Context, held HeldLock)
}

// OutcomeReleaser is a Deduper that records a delivery's outcome and gives
// back the teacher's lock in one round trip. When it keeps the sessions
// too and CarriesSessions, a light session's change (light, nil for none)
// goes in that round trip, before the lock is given back, so the teacher's
// next message, which waits for the lock, reads it.
type OutcomeReleaser interface {
	SetOutcomeRelease(ctx context.Context, key, outcome string, ttl time.Duration, held HeldLock, light *LightSession) error
	// CarriesSessions reports whether SetOutcomeRelease stores light
	// before it gives the lock back; when not, sessions are stored before
	// the reply, as for any store.
	CarriesSessions() bool
}

// LightSession is a light session to store (Save), or, Save nil, the
// teacher's session to delete, carried with the outcome: only where the
// teacher had no form before the message, so losing it (the process dies
// between the reply and the outcome) loses a question the bot asked and
// never a form, as with a store kept in one process's memory.
type LightSession struct {
	UserID string
	Save   *Session
}
