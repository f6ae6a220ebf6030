package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"
)

// migration is one step of the schema. The list is only ever appended to:
// a released step is never edited; a change is a new step.
type migration struct {
	version int
	name    string
	up      func(tx *gorm.DB) error
}

var migrations = []migration{
	{1, "members, sessions, notices", migrateCore},
	{2, "sign-ups: events and entries", migrateSignup},
	{3, "proposals: counters, proposals, seconders, audit log, congress sessions", migrateProposals},
	{4, "faq entries and unanswered questions", migrateFAQ},
	{5, "plan calendar, announcement deliveries", migrateAnnounce},
	{6, "sign-up teams, reminders to members who have not signed up", migrateTeams},
	{7, "channel identities: followers as oa:<openid>, links to WeCom members, callback replay guard", migrateChannels},
	{8, "faq: entry source (starter or the union's own), the entry a logged question is about", migrateFAQSource},
	{9, "plan items: changed mark for items a re-import changed after their month was announced", migratePlanChanged},
	{10, "ballots: questions and rules, electorate snapshot, turnout, votes under random receipts, reminders", migrateBallots},
	{11, "console sessions kept server-side, so signing out ends them everywhere", migrateConsoleSessions},
	{12, "care ledger: cases and their log, payments, member-year locks, rules, the care role, the access log", migrateCare},
	{13, "notices: the template card (WeCom) a notice carries beside its text", migrateNoticeCards},
	{14, "sign-ups: confirmation window for promotions, rotation allocation and its published draws", migrateAllocation},
	{15, "audit log: every admin action, sign-ins and refused attempts, insert-only", migrateAudit},
	{16, "outbox pacing: why a notice waits, batch progress, recent WeCom sends, the sender lease", migratePace},
	{18, "callback sightings in arrival order, for the in-memory replay guard of a single SQLite process", migrateCallbackSightings},
	{19, "sign-ups: the waiting line counted from an index alone", migrateWaitlineIndex},
	{20, "callback sightings logged a row per flush, not a row per sighting", migrateSightingBatches},
	{21, "sign-up teams: a teacher's memberships found by user, for 我的报名 and every 报名", migrateTeamUserIndex},
}

type schemaMigration struct {
	Version   int    `gorm:"primaryKey;autoIncrement:false"`
	Name      string `gorm:"size:200"`
	AppliedAt time.Time
}

func (schemaMigration) TableName() string { return "schema_migrations" }

// Migrate brings the schema up to date. On MySQL it holds a named lock so
// that replicas starting together migrate once.
func (db *DB) Migrate(ctx context.Context) error {
	return db.MigrateTo(ctx, latestVersion())
}

// latestVersion is the highest step: branches are given numbers ahead of
// time and merged in any order, so the last step listed need not be it.
func latestVersion() int {
	v := 0
	for _, m := range migrations {
		v = max(v, m.version)
	}
	return v
}

// MigrateTo applies the steps up to and including version (tests of a
// step start from the schema before it).
func (db *DB) MigrateTo(ctx context.Context, version int) error {
	// Every statement of the steps goes to the writer (on SQLite reads would
	// go to the read-only pool), so that the prepared statements a step
	// leaves describing a table it changed are the writer's, dropped below.
	conn := db.conn(ctx).Clauses(dbresolver.Write).Session(&gorm.Session{})
	if db.driver == "mysql" {
		sqlConn, err := db.sql.Conn(ctx)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		defer sqlConn.Close()
		var got int
		if err := sqlConn.QueryRowContext(ctx, "SELECT GET_LOCK('unionbot_migrate', 60)").Scan(&got); err != nil || got != 1 {
			return fmt.Errorf("migrate: could not take the migration lock: %v", err)
		}
		defer sqlConn.ExecContext(context.Background(), "SELECT RELEASE_LOCK('unionbot_migrate')")
	}
	if err := conn.AutoMigrate(&schemaMigration{}); err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	var applied []int
	if err := conn.Model(&schemaMigration{}).Pluck("version", &applied).Error; err != nil {
		return fmt.Errorf("migrate: read schema_migrations: %w", err)
	}
	done := map[int]bool{}
	for _, v := range applied {
		done[v] = true
	}
	for _, m := range migrations {
		if done[m.version] || m.version > version {
			continue
		}
		if err := m.up(conn); err != nil {
			return fmt.Errorf("migrate %d (%s): %w", m.version, m.name, err)
		}
		if err := conn.Create(&schemaMigration{Version: m.version, Name: m.name, AppliedAt: db.now()}).Error; err != nil {
			return fmt.Errorf("migrate %d (%s): record: %w", m.version, m.name, err)
		}
		// A step that adds columns leaves prepared "SELECT *" statements
		// (AutoMigrate's own among them) describing the old table on
		// SQLite; drop them so the next use prepares them anew.
		if p, ok := conn.ConnPool.(*gorm.PreparedStmtDB); ok {
			p.Close()
		}
		sqliteSchemaChanged() // and the statements SQLite connections keep
	}
	return nil
}

// SchemaVersion is the newest applied migration.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.conn(ctx).Model(&schemaMigration{}).Select("COALESCE(MAX(version), 0)").Scan(&v).Error
	return v, err
}

func migrateCore(tx *gorm.DB) error {
	return tx.AutoMigrate(&s1Member{}, &s1Session{}, &s1Notice{})
}
