package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"unionbot/handlers/audit"
)

// auditRow is one line of the audit log. The program only inserts these
// rows: no method of DB updates or deletes one, and a trigger refuses it
// on the database where the bot's user may create one (see migrateAudit).
type auditRow struct {
	ID         int64     `gorm:"primaryKey"`
	At         time.Time `gorm:"not null;index"`
	Actor      string    `gorm:"size:64;not null;index"`
	ActorName  string    `gorm:"size:64"`
	Channel    string    `gorm:"size:16;not null"`
	Addr       string    `gorm:"size:64"`
	Action     string    `gorm:"size:40;not null;index"`
	Target     string    `gorm:"size:100;index"`
	Outcome    string    `gorm:"size:16;not null"`
	BeforeJSON string    `gorm:"type:text"`
	AfterJSON  string    `gorm:"type:text"`
	Note       string    `gorm:"type:text"`
}

func (auditRow) TableName() string { return "audit_log" }

var _ audit.Store = (*DB)(nil)

// AddAudit writes one entry.
func (db *DB) AddAudit(ctx context.Context, e *audit.Entry) error {
	return insertAudit(db.conn(ctx), e)
}

func insertAudit(tx *gorm.DB, e *audit.Entry) error {
	r := &auditRow{At: e.At.UTC(), Actor: clipTo(e.Actor, 64), ActorName: clipTo(e.ActorName, 64), Channel: clipTo(e.Channel, 16),
		Addr: clipTo(e.Addr, 64), Action: clipTo(e.Action, 40), Target: clipTo(e.Target, 100), Outcome: e.Outcome,
		BeforeJSON: e.Before, AfterJSON: e.After, Note: e.Note}
	if err := tx.Create(r).Error; err != nil {
		return fmt.Errorf("add audit entry %s: %w", e.Action, err)
	}
	e.ID = r.ID
	return nil
}

// writePending writes the admin change ctx carries, if one is ready, in
// tx: the transaction of the change itself. It reports whether it wrote.
func (db *DB) writePending(ctx context.Context, tx *gorm.DB) (*audit.Change, error) {
	c := audit.Pending(ctx)
	if c == nil {
		return nil, nil
	}
	return c, insertAudit(tx, c.Entry(db.now()))
}

// ListAudit lists entries newest first under f.
func (db *DB) ListAudit(ctx context.Context, f audit.Filter) ([]*audit.Entry, error) {
	q := db.conn(ctx).Model(&auditRow{})
	if f.Actor != "" {
		q = q.Where("actor = ?", f.Actor)
	}
	if f.Action != "" {
		if f.Action[len(f.Action)-1] == '.' {
			q = q.Where("action LIKE ? ESCAPE '!'", escapeLike(f.Action)+"%")
		} else {
			q = q.Where("action = ?", f.Action)
		}
	}
	if f.Target != "" {
		q = q.Where("target = ?", f.Target)
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.UTC())
	}
	if f.Cursor > 0 {
		q = q.Where("id < ?", f.Cursor)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var rows []auditRow
	if err := q.Order("id DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list audit log: %w", err)
	}
	out := make([]*audit.Entry, len(rows))
	for i, r := range rows {
		out[i] = &audit.Entry{ID: r.ID, At: r.At.UTC(), Actor: r.Actor, ActorName: r.ActorName, Channel: r.Channel, Addr: r.Addr,
			Action: r.Action, Target: r.Target, Outcome: r.Outcome, Before: r.BeforeJSON, After: r.AfterJSON, Note: r.Note}
	}
	return out, nil
}

// escapeLike escapes LIKE's wildcards with '!'.
func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// clipTo cuts s to n runes, so a long name cannot fail the entry.
func clipTo(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// migrateAudit (step 15) adds the general audit log. Migration 3's
// proposal_log stays as it is: it is a proposal's own history (shown to
// its author and seconders, with anonymity rules), not a record of admins.
// A trigger refuses UPDATE and DELETE on the log; on MySQL/MariaDB with
// binary logging and a user without SUPER the server refuses to create
// triggers (1419), and the step goes on without them: no code path
// changes the log either way.
func migrateAudit(tx *gorm.DB) error {
	if err := tx.AutoMigrate(&s15Audit{}); err != nil {
		return err
	}
	var stmts []string
	if tx.Dialector.Name() == "mysql" {
		for _, op := range []string{"UPDATE", "DELETE"} {
			stmts = append(stmts, "CREATE TRIGGER audit_log_no_"+op+" BEFORE "+op+" ON audit_log FOR EACH ROW "+
				"SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is insert-only'")
		}
	} else {
		for _, op := range []string{"UPDATE", "DELETE"} {
			stmts = append(stmts, "CREATE TRIGGER IF NOT EXISTS audit_log_no_"+op+" BEFORE "+op+" ON audit_log "+
				"BEGIN SELECT RAISE(ABORT, 'audit_log is insert-only'); END")
		}
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			var me *mysql.MySQLError
			if errors.As(err, &me) && (me.Number == 1419 || me.Number == 1142) {
				return nil // no privilege to create triggers: see above
			}
			return err
		}
	}
	return nil
}

// s15Audit is audit_log as step 15 created it.
type s15Audit struct {
	ID         int64     `gorm:"primaryKey"`
	At         time.Time `gorm:"not null;index"`
	Actor      string    `gorm:"size:64;not null;index"`
	ActorName  string    `gorm:"size:64"`
	Channel    string    `gorm:"size:16;not null"`
	Addr       string    `gorm:"size:64"`
	Action     string    `gorm:"size:40;not null;index"`
	Target     string    `gorm:"size:100;index"`
	Outcome    string    `gorm:"size:16;not null"`
	BeforeJSON string    `gorm:"type:text"`
	AfterJSON  string    `gorm:"type:text"`
	Note       string    `gorm:"type:text"`
}

func (s15Audit) TableName() string { return "audit_log" }
