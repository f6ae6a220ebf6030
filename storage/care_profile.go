package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"unionbot/handlers/care"
)

// careProfileRow is a member's care profile, one per member.
type careProfileRow struct {
	ID        int64      `gorm:"primaryKey"`
	UserID    string     `gorm:"size:64;not null;uniqueIndex"`
	Name      string     `gorm:"size:64"`
	Gender    string     `gorm:"size:8"`
	Birthday  *time.Time // NULL when unknown: birthdays reach back before 1970
	JoinedOn  *time.Time
	RetiresOn *time.Time
	UpdatedAt time.Time
}

func (careProfileRow) TableName() string { return "care_profiles" }

// SaveProfiles implements care.Store: each profile is created or replaced
// by user id, all in one transaction.
func (db *DB) SaveProfiles(ctx context.Context, ps []care.Profile) error {
	now := db.now()
	return mapErr(db.transact(ctx, func(tx *gorm.DB) error {
		for _, p := range ps {
			row := careProfileRow{UserID: p.UserID, Name: p.Name, Gender: p.Gender, Birthday: dateOrNil(p.Birthday),
				JoinedOn: dateOrNil(p.JoinedOn), RetiresOn: dateOrNil(p.RetiresOn), UpdatedAt: now}
			err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "user_id"}},
				DoUpdates: clause.AssignmentColumns([]string{"name", "gender", "birthday", "joined_on", "retires_on", "updated_at"})}).
				Create(&row).Error
			if err != nil {
				return err
			}
		}
		return nil
	}), "save care profiles", "", "")
}

// ListProfiles implements care.Store.
func (db *DB) ListProfiles(ctx context.Context) ([]care.Profile, error) {
	var rows []careProfileRow
	if err := db.conn(ctx).Order("user_id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list care profiles: %w", err)
	}
	out := make([]care.Profile, len(rows))
	for i, r := range rows {
		out[i] = care.Profile{UserID: r.UserID, Name: r.Name, Gender: r.Gender, Birthday: dateOf(r.Birthday),
			JoinedOn: dateOf(r.JoinedOn), RetiresOn: dateOf(r.RetiresOn)}
	}
	return out, nil
}

func dateOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func dateOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
