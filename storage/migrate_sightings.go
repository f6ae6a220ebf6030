package storage

import (
	"time"

	"gorm.io/gorm"
)

// s18CallbackSighting is callback_sightings as step 18 made it.
type s18CallbackSighting struct {
	Seq       int64     `gorm:"primaryKey;autoIncrement"`
	Key       string    `gorm:"size:191;not null"`
	FirstSeen time.Time `gorm:"not null"`
	ExpiresAt time.Time `gorm:"not null;index"`
}

func (s18CallbackSighting) TableName() string { return "callback_sightings" }

// migrateCallbackSightings (step 18) adds the log of callback sightings in
// arrival order that the in-memory replay guard writes and a restart reads.
func migrateCallbackSightings(tx *gorm.DB) error { return tx.AutoMigrate(&s18CallbackSighting{}) }

// s20SightingBatch is callback_sighting_batches as step 20 made it.
type s20SightingBatch struct {
	Seq        int64     `gorm:"primaryKey;autoIncrement"`
	ExpiresMin time.Time `gorm:"not null"`
	ExpiresMax time.Time `gorm:"not null;index"`
	Sightings  []byte    `gorm:"not null"`
}

func (s20SightingBatch) TableName() string { return "callback_sighting_batches" }

// migrateSightingBatches (step 20) replaces step 18's log, a row a
// sighting, with callback_sighting_batches, a row a flush. What the old
// log holds goes to callback_replays, which answers for it until it
// expires, as for sightings dropped past the cap.
func migrateSightingBatches(tx *gorm.DB) error {
	if err := tx.AutoMigrate(&s20SightingBatch{}); err != nil {
		return err
	}
	ignore := "INSERT OR IGNORE"
	if tx.Dialector.Name() == "mysql" {
		ignore = "INSERT IGNORE"
	}
	if err := tx.Exec(ignore + " INTO callback_replays (`key`, first_seen, expires_at) SELECT `key`, first_seen, expires_at FROM callback_sightings").Error; err != nil {
		return err
	}
	return tx.Migrator().DropTable("callback_sightings")
}
