package storage

import (
	"time"

	"gorm.io/gorm"
)

// migrateBallots (step 9) adds secret ballots. Its tables are written out
// here, as they were at this step. The turnout and the votes are keyed by
// (ballot, member) and (ballot, random receipt) with no time column; on
// SQLite both are WITHOUT ROWID tables, so no hidden rowid keeps the
// order in which votes were cast.
func migrateBallots(tx *gorm.DB) error {
	type ballot struct {
		ID            int64  `gorm:"primaryKey"`
		Title         string `gorm:"size:200;not null"`
		Questions     string `gorm:"type:text"`
		ElectorateTag string `gorm:"size:64"`
		OpensAt       time.Time
		ClosesAt      time.Time `gorm:"index"`
		QuorumNum     int
		QuorumDen     int
		QuorumStrict  bool
		PassNum       int
		PassDen       int
		PassStrict    bool
		PassOfVoters  bool
		Status        string `gorm:"size:16;not null;index"`
		Electorate    int
		CreatedBy     string `gorm:"size:64"`
		CreatedAt     time.Time
		OpenedAt      time.Time
		ClosedAt      time.Time
		Head          string `gorm:"size:64"`
		Result        string `gorm:"type:longtext"`
		Seq           int64  `gorm:"not null;default:0"`
	}
	type ballotElector struct {
		BallotID int64  `gorm:"primaryKey;autoIncrement:false"`
		UserID   string `gorm:"primaryKey;size:64"`
	}
	type ballotTurnout struct {
		BallotID int64  `gorm:"primaryKey;autoIncrement:false"`
		UserID   string `gorm:"primaryKey;size:64"`
	}
	type ballotVote struct {
		BallotID int64  `gorm:"primaryKey;autoIncrement:false"`
		Receipt  string `gorm:"primaryKey;size:16"`
		Answers  string `gorm:"type:text;not null"`
	}
	type ballotReminder struct {
		BallotID int64  `gorm:"primaryKey;autoIncrement:false"`
		Kind     string `gorm:"primaryKey;size:16"`
		SentAt   time.Time
	}
	if err := tx.Table("ballots").AutoMigrate(&ballot{}); err != nil {
		return err
	}
	if err := tx.Table("ballot_reminders").AutoMigrate(&ballotReminder{}); err != nil {
		return err
	}
	keyed := tx
	if tx.Dialector.Name() == "sqlite" {
		keyed = tx.Set("gorm:table_options", " WITHOUT ROWID")
	}
	if err := keyed.Table("ballot_electors").AutoMigrate(&ballotElector{}); err != nil {
		return err
	}
	if err := keyed.Table("ballot_turnout").AutoMigrate(&ballotTurnout{}); err != nil {
		return err
	}
	return keyed.Table("ballot_votes").AutoMigrate(&ballotVote{})
}
