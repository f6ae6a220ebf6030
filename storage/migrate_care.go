package storage

import (
	"time"

	"gorm.io/gorm"
)

// migrateCare (step 12) adds the care ledger (送温暖): cases and their
// insert-only log, payments, the member-year rows whose lock orders
// payments against the yearly caps, the rules, the care role, the
// access log, the 困难职工档案 (one per household) with their stage log,
// the reminders sent about them, and members' care profiles (birthday,
// gender, start of work, retirement). Its tables are written out here, as they were at this step.
func migrateCare(tx *gorm.DB) error {
	return tx.AutoMigrate(&s12CareCase{}, &s12CareLog{}, &s12CarePayment{}, &s12CareMemberYear{},
		&s12CareSettings{}, &s12CareStaff{}, &s12CareAccess{}, &s12CareHardship{}, &s12CareHardshipLog{}, &s12CareReminder{}, &s12CareProfile{})
}

type s12CareCase struct {
	ID          int64  `gorm:"primaryKey"`
	Kind        string `gorm:"size:32;not null"`
	SubjectID   string `gorm:"size:64;index"`
	SubjectName string `gorm:"size:64"`
	Department  string `gorm:"size:128"`
	ReporterID  string `gorm:"size:64;index"`
	AssigneeID  string `gorm:"size:64"`
	Status      string `gorm:"size:16;not null;index"`
	Summary     string `gorm:"type:text"`
	OccurredOn  time.Time
	ActedAt     time.Time
	Seq         int64 `gorm:"not null;default:0"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (s12CareCase) TableName() string { return "care_cases" }

type s12CareLog struct {
	ID     int64     `gorm:"primaryKey"`
	CaseID int64     `gorm:"not null;index"`
	At     time.Time `gorm:"not null"`
	ByUser string    `gorm:"size:64"`
	Action string    `gorm:"size:16;not null"`
	Note   string    `gorm:"type:text"`
}

func (s12CareLog) TableName() string { return "care_case_log" }

type s12CarePayment struct {
	ID         int64  `gorm:"primaryKey"`
	CaseID     int64  `gorm:"not null;index"`
	MemberKey  string `gorm:"size:80;not null;index:idx_care_payments_member_year,priority:1"`
	Year       int    `gorm:"not null;index:idx_care_payments_member_year,priority:2;index"`
	Name       string `gorm:"size:64"`
	Department string `gorm:"size:128"`
	Kind       string `gorm:"size:32;not null"`
	PaidOn     time.Time
	AmountFen  int64  `gorm:"not null"`
	Goods      string `gorm:"size:200"`
	Handler    string `gorm:"size:64"`
	ReceiptNo  string `gorm:"size:64"`
	Note       string `gorm:"type:text"`
	Override   string `gorm:"type:text"`
	Broken     string `gorm:"type:text"`
	CreatedBy  string `gorm:"size:64"`
	CreatedAt  time.Time
}

func (s12CarePayment) TableName() string { return "care_payments" }

type s12CareMemberYear struct {
	ID        int64  `gorm:"primaryKey"`
	MemberKey string `gorm:"size:80;not null;uniqueIndex:idx_care_member_year,priority:1"`
	Year      int    `gorm:"not null;uniqueIndex:idx_care_member_year,priority:2"`
	Seq       int64  `gorm:"not null;default:0"`
}

func (s12CareMemberYear) TableName() string { return "care_member_years" }

type s12CareSettings struct {
	ID        int64  `gorm:"primaryKey;autoIncrement:false"`
	Rules     string `gorm:"type:text"` // JSON care.Rules
	UpdatedAt time.Time
}

func (s12CareSettings) TableName() string { return "care_settings" }

type s12CareStaff struct {
	ID        int64  `gorm:"primaryKey"`
	UserID    string `gorm:"size:64;not null;uniqueIndex"`
	GrantedBy string `gorm:"size:64"`
	GrantedAt time.Time
}

func (s12CareStaff) TableName() string { return "care_staff" }

type s12CareAccess struct {
	ID     int64     `gorm:"primaryKey"`
	Ref    string    `gorm:"size:80;not null;index"`
	ByUser string    `gorm:"size:64"`
	Action string    `gorm:"size:16;not null"`
	At     time.Time `gorm:"not null"`
}

func (s12CareAccess) TableName() string { return "care_access_log" }

type s12CareHardship struct {
	ID          int64  `gorm:"primaryKey"`
	MemberID    string `gorm:"size:64;not null;uniqueIndex"`
	Name        string `gorm:"size:64"`
	Department  string `gorm:"size:128"`
	Tier        string `gorm:"size:16;not null"`
	MainCause   string `gorm:"size:200"`
	SubCauses   string `gorm:"type:text"` // JSON []string
	Household   string `gorm:"type:text"` // JSON []care.HouseholdMember
	IncomeFen   int64  `gorm:"not null;default:0"`
	Stage       string `gorm:"size:16;not null;index"`
	CheckedAt   time.Time
	ClosedAt    time.Time
	CloseReason string `gorm:"size:200"`
	Seq         int64  `gorm:"not null;default:0"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (s12CareHardship) TableName() string { return "care_hardship" }

type s12CareHardshipLog struct {
	ID         int64     `gorm:"primaryKey"`
	HardshipID int64     `gorm:"not null;index"`
	At         time.Time `gorm:"not null"`
	ByUser     string    `gorm:"size:64"`
	Action     string    `gorm:"size:16;not null"`
	Note       string    `gorm:"type:text"`
}

func (s12CareHardshipLog) TableName() string { return "care_hardship_log" }

type s12CareReminder struct {
	ID        int64  `gorm:"primaryKey"`
	Key       string `gorm:"column:reminder_key;size:120;not null;uniqueIndex"`
	CreatedAt time.Time
}

func (s12CareReminder) TableName() string { return "care_reminders" }

type s12CareProfile struct {
	ID        int64      `gorm:"primaryKey"`
	UserID    string     `gorm:"size:64;not null;uniqueIndex"`
	Name      string     `gorm:"size:64"`
	Gender    string     `gorm:"size:8"`
	Birthday  *time.Time // NULL when unknown: birthdays reach back before 1970
	JoinedOn  *time.Time
	RetiresOn *time.Time
	UpdatedAt time.Time
}

func (s12CareProfile) TableName() string { return "care_profiles" }
