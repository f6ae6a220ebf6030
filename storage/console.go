package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// consoleSessionRow is a signed-in console session, kept so that signing
// out ends it everywhere (the cookie alone would live out its 12 hours).
type consoleSessionRow struct {
	ID        string    `gorm:"primaryKey;size:64"`
	UserID    string    `gorm:"size:64"`
	ExpiresAt time.Time `gorm:"not null;index"`
	CreatedAt time.Time
}

func (consoleSessionRow) TableName() string { return "console_sessions" }

// SaveConsoleSession implements web.ConsoleSessions; expired rows are swept
// as new ones come.
func (db *DB) SaveConsoleSession(ctx context.Context, id, user string, expires time.Time) error {
	now := db.now().UTC()
	if err := db.conn(ctx).Where("expires_at < ?", now).Delete(&consoleSessionRow{}).Error; err != nil {
		return fmt.Errorf("sweep console sessions: %w", err)
	}
	row := consoleSessionRow{ID: id, UserID: user, ExpiresAt: expires.UTC(), CreatedAt: now}
	return mapErr(db.conn(ctx).Create(&row).Error, "save console session", "", "")
}

// ConsoleSessionLive implements web.ConsoleSessions.
func (db *DB) ConsoleSessionLive(ctx context.Context, id string, now time.Time) (bool, error) {
	var n int64
	err := db.conn(ctx).Model(&consoleSessionRow{}).Where("id = ? AND expires_at > ?", id, now.UTC()).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("find console session: %w", err)
	}
	return n == 1, nil
}

// DeleteConsoleSession implements web.ConsoleSessions.
func (db *DB) DeleteConsoleSession(ctx context.Context, id string) error {
	return mapErr(db.conn(ctx).Where("id = ?", id).Delete(&consoleSessionRow{}).Error, "delete console session", "", "")
}

// migrateConsoleSessions (step 11) keeps console sign-ins server-side.
func migrateConsoleSessions(tx *gorm.DB) error {
	return tx.AutoMigrate(&s11ConsoleSession{})
}
