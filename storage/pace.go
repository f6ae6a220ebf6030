package storage

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"unionbot"
	"unionbot/bot"
)

// The outbox's pacing counters live here, in the database every replica
// shares, so a second replica or a restart counts what the first sent.
// One replica sends at a time (the outbox lease), so a check and the send
// it allows are never interleaved with another's.

// wecomSendRow is one message/send as each member it named saw it:
// N messages at At. A send to everyone is stamped under "@all".
type wecomSendRow struct {
	ID     int64     `gorm:"primaryKey"`
	UserID string    `gorm:"size:64;not null;index:idx_wecom_sends_user,priority:1"`
	At     time.Time `gorm:"not null;index:idx_wecom_sends_user,priority:2;index"`
	N      int       `gorm:"not null"`
}

func (wecomSendRow) TableName() string { return "wecom_sends" }

// wecomCallRow is one or more message/send calls, and the person-times
// they cost of the daily quota.
type wecomCallRow struct {
	ID      int64     `gorm:"primaryKey"`
	At      time.Time `gorm:"not null;index"`
	Calls   int       `gorm:"not null"`
	Persons int       `gorm:"not null"`
}

func (wecomCallRow) TableName() string { return "wecom_calls" }

// outboxLeaseRow is a named lease: one holder until Until.
type outboxLeaseRow struct {
	Name   string    `gorm:"primaryKey;size:64"`
	Holder string    `gorm:"size:128;not null"`
	Until  time.Time `gorm:"not null"`
}

func (outboxLeaseRow) TableName() string { return "outbox_leases" }

// PendingNotices implements bot.PaceStore.
func (db *DB) PendingNotices(ctx context.Context, limit int) ([]*unionbot.Notice, error) {
	var rows []noticeRow
	err := db.conn(ctx).Where("status = ?", unionbot.NoticePending).Order("id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, mapErr(err, "pending notices", "", "")
	}
	out := make([]*unionbot.Notice, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// HoldNotice implements bot.PaceStore.
func (db *DB) HoldNotice(ctx context.Context, id int64, at time.Time, reason string) error {
	err := db.conn(ctx).Model(&noticeRow{}).Where("id = ? AND status = ?", id, unionbot.NoticePending).
		Updates(map[string]any{"next_at": at.UTC(), "wait_reason": clipText(reason, 120)}).Error
	return mapErr(err, "hold notice", "", "")
}

// PaceUsage implements bot.PaceStore.
func (db *DB) PaceUsage(ctx context.Context, users []string, all bool, now, dayStart time.Time) (*bot.PaceUsage, error) {
	u := &bot.PaceUsage{}
	conn := db.conn(ctx)
	// An hour and a margin back covers the per-hour window.
	since := now.Add(-time.Hour - time.Minute).UTC()
	var sends []wecomSendRow
	q := conn.Where("at > ?", since)
	if !all {
		names := append([]string{"@all"}, users...)
		q = q.Where("user_id IN ?", names)
	}
	if err := q.Find(&sends).Error; err != nil {
		return nil, mapErr(err, "read sends", "", "")
	}
	for _, s := range sends {
		u.Stamps = append(u.Stamps, bot.PaceStamp{User: s.UserID, At: s.At, N: s.N})
	}
	var calls []wecomCallRow
	if err := conn.Where("at > ?", now.Add(-2*time.Minute).UTC()).Find(&calls).Error; err != nil {
		return nil, mapErr(err, "read calls", "", "")
	}
	for _, c := range calls {
		u.Calls = append(u.Calls, bot.PaceStamp{At: c.At, N: c.Calls})
	}
	var today int64
	if err := conn.Model(&wecomCallRow{}).Where("at >= ?", dayStart.UTC()).Select("COALESCE(SUM(persons), 0)").Scan(&today).Error; err != nil {
		return nil, mapErr(err, "read today's sends", "", "")
	}
	u.Today = int(today)
	if all {
		var n int64
		if err := conn.Model(&memberRow{}).Where("user_id NOT LIKE ?", unionbot.WeChatPrefix+"%").Count(&n).Error; err != nil {
			return nil, mapErr(err, "count members", "", "")
		}
		u.Members = int(n)
	}
	return u, nil
}

// RecordSend implements bot.PaceStore.
func (db *DB) RecordSend(ctx context.Context, s *bot.PaceSend) error {
	at := s.At.UTC()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&wecomCallRow{At: at, Calls: s.Calls, Persons: s.Persons}).Error; err != nil {
			return err
		}
		if s.Messages == 0 {
			return nil
		}
		var rows []wecomSendRow
		if s.Broadcast {
			rows = append(rows, wecomSendRow{UserID: "@all", At: at, N: s.Messages})
		}
		for _, u := range s.Users {
			if u != "@all" && !strings.HasPrefix(u, unionbot.WeChatPrefix) {
				rows = append(rows, wecomSendRow{UserID: u, At: at, N: s.Messages})
			}
		}
		if len(rows) == 0 {
			return nil
		}
		return tx.CreateInBatches(rows, 500).Error
	})
	return mapErr(err, "record send", "", "")
}

// PrunePace implements bot.PaceStore.
func (db *DB) PrunePace(ctx context.Context, before time.Time) error {
	conn := db.conn(ctx)
	if err := conn.Where("at < ?", before.UTC()).Delete(&wecomSendRow{}).Error; err != nil {
		return mapErr(err, "prune sends", "", "")
	}
	return mapErr(conn.Where("at < ?", before.UTC()).Delete(&wecomCallRow{}).Error, "prune calls", "", "")
}

// AcquireLease implements bot.PaceStore: the lease is taken when free or
// expired, renewed by its holder, and read back to see who holds it.
func (db *DB) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := db.now()
	conn := db.conn(ctx)
	err := conn.Clauses(clause.OnConflict{DoNothing: true}).Create(&outboxLeaseRow{Name: name, Holder: holder, Until: now.Add(ttl)}).Error
	if err != nil {
		return false, mapErr(err, "create lease", "", "")
	}
	err = conn.Model(&outboxLeaseRow{}).Where("name = ? AND (holder = ? OR until <= ?)", name, holder, now).
		Updates(map[string]any{"holder": holder, "until": now.Add(ttl)}).Error
	if err != nil {
		return false, mapErr(err, "renew lease", "", "")
	}
	var row outboxLeaseRow
	if err := conn.Where("name = ?", name).Take(&row).Error; err != nil {
		return false, mapErr(err, "read lease", "", "")
	}
	return row.Holder == holder, nil
}

// ReleaseLease implements bot.PaceStore.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	err := db.conn(ctx).Where("name = ? AND holder = ?", name, holder).Delete(&outboxLeaseRow{}).Error
	return mapErr(err, "release lease", "", "")
}
