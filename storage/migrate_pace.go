package storage

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// migratePace (step 16) lets the outbox pace to WeCom's quotas: a notice
// records why it waits and how many of its members a batched send has
// reached; the sends of the last day are kept for every replica to count;
// one replica at a time holds the sender lease. Frozen copies of the
// tables as this step makes them.
func migratePace(tx *gorm.DB) error {
	type notice struct {
		ID          int64     `gorm:"primaryKey"`
		ToUsers     string    `gorm:"type:text"`
		ToParty     string    `gorm:"size:512"`
		ToTag       string    `gorm:"size:512"`
		Channel     string    `gorm:"size:16"`
		Format      string    `gorm:"size:16"`
		Title       string    `gorm:"size:128"`
		Text        string    `gorm:"type:text"`
		Kind        string    `gorm:"size:32;index"`
		Ref         string    `gorm:"size:128;index"`
		Status      string    `gorm:"size:16;not null;index:idx_notices_due,priority:1"`
		NextAt      time.Time `gorm:"index:idx_notices_due,priority:2"`
		LeasedBy    string    `gorm:"size:64"`
		LeasedUntil time.Time
		Attempts    int
		LastCode    int
		LastErr     string `gorm:"size:512"`
		CreatedAt   time.Time
		SentAt      *time.Time
		WaitReason  string `gorm:"size:255"`
		Progress    int
	}
	type wecomSend struct {
		ID     int64     `gorm:"primaryKey"`
		UserID string    `gorm:"size:64;not null;index:idx_wecom_sends_user,priority:1"`
		At     time.Time `gorm:"not null;index:idx_wecom_sends_user,priority:2;index"`
		N      int       `gorm:"not null"`
	}
	type wecomCall struct {
		ID      int64     `gorm:"primaryKey"`
		At      time.Time `gorm:"not null;index"`
		Calls   int       `gorm:"not null"`
		Persons int       `gorm:"not null"`
	}
	type outboxLease struct {
		Name   string    `gorm:"primaryKey;size:64"`
		Holder string    `gorm:"size:128;not null"`
		Until  time.Time `gorm:"not null"`
	}
	// New columns one by one, as step 9 does: AutoMigrate of a table that
	// exists reads its columns through a cached statement, which SQLite
	// then keeps answering with the old columns.
	for _, col := range []string{"WaitReason", "Progress"} {
		if tx.Table("notices").Migrator().HasColumn(&notice{}, col) {
			continue
		}
		if err := tx.Table("notices").Migrator().AddColumn(&notice{}, col); err != nil {
			return fmt.Errorf("add notices.%s: %w", col, err)
		}
	}
	for name, v := range map[string]any{"wecom_sends": &wecomSend{}, "wecom_calls": &wecomCall{}, "outbox_leases": &outboxLease{}} {
		if err := tx.Table(name).AutoMigrate(v); err != nil {
			return fmt.Errorf("create %s: %w", name, err)
		}
	}
	return nil
}
