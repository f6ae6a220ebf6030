package storage

import (
	"time"

	"gorm.io/gorm"
)

// migrateAllocation (step 14) adds the confirmation window for teachers
// promoted from the waitlist (the event's window, the entry's deadline)
// and rotation allocation (the rule, the look-back span, when the draw
// took place, and the published draws, one per event). Its tables are
// written out here, as they were at this step.
func migrateAllocation(tx *gorm.DB) error {
	return tx.AutoMigrate(&s14Event{}, &s14Entry{}, &s14Draw{})
}

type s14Event struct {
	ID               int64  `gorm:"primaryKey"`
	Title            string `gorm:"size:200;not null"`
	Kind             string `gorm:"size:16"`
	Description      string `gorm:"type:text"`
	Location         string `gorm:"size:200"`
	StartsAt         time.Time
	EndsAt           time.Time
	SignupOpensAt    time.Time
	SignupClosesAt   time.Time
	CancelDeadline   time.Time
	Capacity         int
	Waitlist         bool
	MaxCompanions    int
	TeamMin          int
	TeamMax          int
	EligibleTags     string `gorm:"size:512"`
	Fields           string `gorm:"type:text"`
	RemindUnanswered bool
	ConfirmWithin    int64  `gorm:"not null;default:0"` // seconds; 0 = promotions confirmed at once
	Allocation       string `gorm:"size:16;not null;default:fifo"`
	LookbackYears    int    `gorm:"not null;default:0"`
	DrawnAt          *time.Time
	Status           string `gorm:"size:16;not null;index"`
	Taken            int    `gorm:"not null;default:0"`
	Seq              int64  `gorm:"not null;default:0"`
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (s14Event) TableName() string { return "signup_events" }

type s14Entry struct {
	ID         int64  `gorm:"primaryKey"`
	EventID    int64  `gorm:"not null;uniqueIndex:idx_signup_event_user,priority:1;index:idx_signup_event_status,priority:1"`
	UserID     string `gorm:"size:64;not null;uniqueIndex:idx_signup_event_user,priority:2;index"`
	Name       string `gorm:"size:64"`
	Department string `gorm:"size:128"`
	Companions int
	Fields     string `gorm:"type:text"`
	Status     string `gorm:"size:16;not null;index:idx_signup_event_status,priority:2"`
	Seq        int64  `gorm:"not null"`
	SignedUpAt time.Time
	CheckedIn  bool
	Team       string     `gorm:"size:64"`
	ConfirmBy  *time.Time `gorm:"index"`
	UpdatedAt  time.Time
}

func (s14Entry) TableName() string { return "signups" }

type s14Draw struct {
	ID        int64     `gorm:"primaryKey"`
	EventID   int64     `gorm:"not null;uniqueIndex"`
	Seed      string    `gorm:"size:64;not null"`
	DrawnAt   time.Time `gorm:"not null"`
	Published string    `gorm:"type:longtext"` // JSON signup.Published
}

func (s14Draw) TableName() string { return "signup_draws" }
