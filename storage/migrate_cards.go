package storage

import (
	"time"

	"gorm.io/gorm"
)

// s13Notice is the notices table as migration 13 leaves it: a card column
// beside the text.
type s13Notice struct {
	ID          int64     `gorm:"primaryKey"`
	ToUsers     string    `gorm:"type:text"`
	ToParty     string    `gorm:"size:512"`
	ToTag       string    `gorm:"size:512"`
	Channel     string    `gorm:"size:16"`
	Format      string    `gorm:"size:16"`
	Title       string    `gorm:"size:128"`
	Text        string    `gorm:"type:text"`
	Card        string    `gorm:"type:text"`
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
}

func (s13Notice) TableName() string { return "notices" }

// migrateNoticeCards adds notices.card (migration 13): the template card a
// notice carries for WeCom, as JSON; its text stays the message for every
// other channel.
func migrateNoticeCards(tx *gorm.DB) error {
	if tx.Migrator().HasColumn(&s13Notice{}, "Card") {
		return nil
	}
	return tx.Migrator().AddColumn(&s13Notice{}, "Card")
}
