package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"unionbot"
	"unionbot/handlers/signup"
)

// reminderRow records that a reminder went out, so that the scheduler on
// any replica, run any number of times, sends it once.
type reminderRow struct {
	ID      int64  `gorm:"primaryKey"`
	EventID int64  `gorm:"not null;uniqueIndex:idx_signup_reminder,priority:1"`
	Kind    string `gorm:"size:32;not null;uniqueIndex:idx_signup_reminder,priority:2"`
	SentAt  time.Time
}

func (reminderRow) TableName() string { return "signup_reminders" }

// QueueEventReminders implements signup.Reminders: for every live event
// starting within `before` of now, it records the reminder and queues
// notice to the confirmed teachers in one transaction; an event already
// reminded is skipped by the unique key.
func (db *DB) QueueEventReminders(ctx context.Context, before time.Duration, notice func(*signup.Event) *unionbot.Notice) (int, error) {
	now := db.now()
	var rows []eventRow
	if err := db.conn(ctx).Where("status IN ? AND starts_at > ? AND starts_at <= ?",
		[]string{signup.StatusOpen, signup.StatusClosed}, now, now.Add(before)).Find(&rows).Error; err != nil {
		return 0, fmt.Errorf("due reminders: %w", err)
	}
	return db.remindOnce(ctx, rows, "day_before", notice, func(tx *gorm.DB, ev *signup.Event) ([]string, error) {
		var users []string
		err := tx.Model(&entryRow{}).Where("event_id = ? AND status = ?", ev.ID, signup.EntryConfirmed).Order("seq").Pluck("user_id", &users).Error
		return users, err
	})
}

// QueueDeadlineReminders implements signup.Reminders: for every open event
// that asks for it and whose sign-up closes within `before` of now, it
// records the reminder and queues notice to the eligible members who have
// neither signed up nor been named on a team, in one transaction; the
// unique key skips an event already reminded.
func (db *DB) QueueDeadlineReminders(ctx context.Context, before time.Duration, notice func(*signup.Event) *unionbot.Notice) (int, error) {
	now := db.now()
	var rows []eventRow
	if err := db.conn(ctx).Where("status = ? AND remind_unanswered = ? AND signup_closes_at > ? AND signup_closes_at <= ?",
		signup.StatusOpen, true, now, now.Add(before)).Find(&rows).Error; err != nil {
		return 0, fmt.Errorf("due deadline reminders: %w", err)
	}
	return db.remindOnce(ctx, rows, "deadline", notice, func(tx *gorm.DB, ev *signup.Event) ([]string, error) {
		var ids, named []string
		if err := tx.Model(&entryRow{}).Where("event_id = ? AND status <> ?", ev.ID, signup.EntryCancelled).Pluck("user_id", &ids).Error; err != nil {
			return nil, err
		}
		if err := tx.Model(&teamMemberRow{}).Where("event_id = ?", ev.ID).Pluck("user_id", &named).Error; err != nil {
			return nil, err
		}
		answered := map[string]bool{}
		for _, id := range append(ids, named...) {
			answered[id] = true
		}
		var members []memberRow
		if err := tx.Select("user_id", "department", "tags").Order("id").Find(&members).Error; err != nil {
			return nil, err
		}
		var users []string
		for i := range members {
			if m := members[i].domain(); !answered[m.UserID] && ev.Eligible(m) {
				users = append(users, m.UserID)
			}
		}
		return users, nil
	})
}

// remindOnce records each event's reminder of kind and queues notice to
// the users recipients lists, in batches of 1000 (message/send's most), in
// one transaction an event; an event already reminded (the unique key) is
// skipped. It returns how many events were reminded now.
func (db *DB) remindOnce(ctx context.Context, rows []eventRow, kind string, notice func(*signup.Event) *unionbot.Notice,
	recipients func(tx *gorm.DB, ev *signup.Event) ([]string, error)) (int, error) {
	now := db.now()
	sent := 0
	for _, r := range rows {
		ev := r.domain()
		err := db.transact(ctx, func(tx *gorm.DB) error {
			if err := tx.Create(&reminderRow{EventID: r.ID, Kind: kind, SentAt: now}).Error; err != nil {
				return err
			}
			users, err := recipients(tx, ev)
			if err != nil {
				return err
			}
			for len(users) > 0 {
				n := min(len(users), 1000)
				msg := notice(ev)
				msg.ToUsers = users[:n]
				if err := enqueue(tx, now, msg); err != nil {
					return err
				}
				users = users[n:]
			}
			return nil
		})
		if isDuplicate(err) {
			continue
		} else if err != nil {
			return sent, fmt.Errorf("%s reminder for event %d: %w", kind, r.ID, err)
		}
		sent++
	}
	return sent, nil
}
