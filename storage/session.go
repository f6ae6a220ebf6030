package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"unionbot"
	"unionbot/bot"
)

// sessionRow keeps a teacher's session when no Redis is configured, so that
// a half-filled form survives a restart on the SQLite-only default too.
type sessionRow struct {
	UserID    string    `gorm:"primaryKey;size:64"`
	Data      string    `gorm:"type:text"`
	ExpiresAt time.Time `gorm:"index"`
	UpdatedAt time.Time
}

func (sessionRow) TableName() string { return "sessions" }

// errNoSession is LoadSession's answer for a teacher without a session,
// most teachers on most messages: one value, not an error made each time.
var errNoSession = &unionbot.Error{Code: unionbot.ENOTFOUND, Message: "no session"}

// sessionKeep is how long a session outlives its flow's expiry, so that the
// teacher can still be told the form lapsed.
const sessionKeep = 7 * 24 * time.Hour

// cachedSession is a teacher's session as the table holds it, read once,
// or a light session memory alone holds.
type cachedSession struct {
	expires time.Time
	decoded *bot.Session // never changed once cached; nil: no session
	light   bool         // kept here only (bot.Session.Light): the table has no row
}

// none reports that the teacher has no session.
func (c cachedSession) none() bool { return c.decoded == nil }

// CacheSessions serves sessions from memory in front of the table, for a
// bot that is the only process using this database (no Redis, so no
// replicas): every form's step still goes to the table first, so a restart
// loses no form (a light session, a question the bot just asked, stays in
// memory: see SaveSession), and a message whose session did not change reads nothing from
// the database. A teacher's messages are handled one at a time, so one
// user's entry is never written by two at once. Follower links, which
// every message from a follower looks up, are kept the same way.
func (db *DB) CacheSessions() { db.sessions, db.links = &sync.Map{}, &sync.Map{} }

// LoadSession implements bot.SessionStore.
func (db *DB) LoadSession(ctx context.Context, userID string) (*bot.Session, error) {
	if v, ok := db.sessionCached(userID); ok {
		if v.none() || !v.expires.After(db.now()) {
			return nil, errNoSession
		}
		// A copy of its own: callers replace its fields (State, More) and
		// never write into their contents.
		s := *v.decoded
		return &s, nil
	}
	// Plain SQL, without gorm's statement building, which was a sixth of a
	// 帮助's cost.
	var data string
	var expires time.Time
	err := db.sql.QueryRowContext(ctx, "SELECT data, expires_at FROM sessions WHERE user_id = ? AND expires_at > ?", userID, db.now()).Scan(&data, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		db.cacheSession(userID, cachedSession{})
		return nil, errNoSession
	} else if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	var s bot.Session
	if err := json.Unmarshal([]byte(data), &s); err != nil {
		return nil, unionbot.Errorf(unionbot.ENOTFOUND, "session unreadable")
	}
	db.cacheSession(userID, cachedSession{expires: expires, decoded: &s})
	cp := s // the caller's own copy
	return &cp, nil
}

func (db *DB) sessionCached(userID string) (cachedSession, bool) {
	if db.sessions == nil {
		return cachedSession{}, false
	}
	v, ok := db.sessions.Load(userID)
	if !ok {
		return cachedSession{}, false
	}
	return v.(cachedSession), true
}

func (db *DB) cacheSession(userID string, c cachedSession) {
	if db.sessions != nil {
		db.sessions.Store(userID, c)
	}
}

func (db *DB) forgetSession(userID string) {
	if db.sessions != nil {
		db.sessions.Delete(userID)
	}
}

// SaveSession implements bot.SessionStore. It returns once the session is
// committed, together with whatever other teachers' sessions were waiting
// (sessionWriter). With CacheSessions, a light session (no form: a
// question the bot asked, or pages of a reply) is kept in memory only,
// and the teacher's row, if the table has one, is deleted first, so that a
// restart does not bring back an older form.
func (db *DB) SaveSession(_ context.Context, s *bot.Session) error {
	if s.Light && db.sessions != nil {
		prev, cached := db.sessionCached(s.UserID)
		if !cached || (!prev.light && !prev.none()) {
			if err := db.sessionWriter.write(&sessionChange{userID: s.UserID}); err != nil {
				return err
			}
		}
		kept := *s
		db.cacheSession(s.UserID, cachedSession{expires: sessionExpiry(s, db.now()), decoded: &kept, light: true})
		return nil
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	now := db.now()
	saved := *s // the cache's own copy: the caller goes on changing s
	return db.sessionWriter.write(&sessionChange{userID: s.UserID, data: string(b),
		expires: sessionExpiry(s, now), updated: now, decoded: &saved})
}

// DeleteSession implements bot.SessionStore. A session kept in memory
// only, or none, has no row to delete.
func (db *DB) DeleteSession(_ context.Context, userID string) error {
	if prev, cached := db.sessionCached(userID); cached && (prev.light || prev.none()) {
		db.cacheSession(userID, cachedSession{})
		return nil
	}
	return db.sessionWriter.write(&sessionChange{userID: userID})
}

// PurgeSessions deletes sessions past their keep time, and forgets them
// (and the users without one) in the cache.
func (db *DB) PurgeSessions(ctx context.Context) error {
	now := db.now()
	if db.sessions != nil {
		db.sessions.Range(func(k, v any) bool {
			if c := v.(cachedSession); c.none() || !c.expires.After(now) {
				db.sessions.CompareAndDelete(k, v)
			}
			return true
		})
	}
	return db.conn(ctx).Where("expires_at <= ?", now).Delete(&sessionRow{}).Error
}

func sessionExpiry(s *bot.Session, now time.Time) time.Time {
	if !s.ExpiresAt.IsZero() {
		return s.ExpiresAt.Add(sessionKeep).UTC()
	}
	return now.Add(sessionKeep)
}
