package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

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

// sessionKeep is how long a session outlives its flow's expiry, so that the
// teacher can still be told the form lapsed.
const sessionKeep = 7 * 24 * time.Hour

// LoadSession implements bot.SessionStore.
func (db *DB) LoadSession(ctx context.Context, userID string) (*bot.Session, error) {
	// Every message reads its sender's session: plain SQL, without gorm's
	// statement building, which was a sixth of a 帮助's cost.
	var data string
	err := db.sql.QueryRowContext(ctx, "SELECT data FROM sessions WHERE user_id = ? AND expires_at > ?", userID, db.now()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, unionbot.Errorf(unionbot.ENOTFOUND, "no session")
	} else if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	var s bot.Session
	if err := json.Unmarshal([]byte(data), &s); err != nil {
		return nil, unionbot.Errorf(unionbot.ENOTFOUND, "session unreadable")
	}
	return &s, nil
}

// SaveSession implements bot.SessionStore.
func (db *DB) SaveSession(ctx context.Context, s *bot.Session) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	row := sessionRow{UserID: s.UserID, Data: string(b), ExpiresAt: sessionExpiry(s, db.now()), UpdatedAt: db.now()}
	err = db.conn(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error
	return mapErr(err, "save session", "", "")
}

// DeleteSession implements bot.SessionStore.
func (db *DB) DeleteSession(ctx context.Context, userID string) error {
	err := db.conn(ctx).Where("user_id = ?", userID).Delete(&sessionRow{}).Error
	return mapErr(err, "delete session", "", "")
}

// PurgeSessions deletes sessions past their keep time.
func (db *DB) PurgeSessions(ctx context.Context) error {
	return db.conn(ctx).Where("expires_at <= ?", db.now()).Delete(&sessionRow{}).Error
}

func sessionExpiry(s *bot.Session, now time.Time) time.Time {
	if !s.ExpiresAt.IsZero() {
		return s.ExpiresAt.Add(sessionKeep).UTC()
	}
	return now.Add(sessionKeep)
}
