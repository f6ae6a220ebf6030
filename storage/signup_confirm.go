package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"unionbot"
	"unionbot/handlers/signup"
)

// The confirmation window: a teacher promoted from the waitlist on an
// event with one holds the places as 待确认 until confirm_by. Answering,
// and the sweep of lapsed entries, both change the entry under the event's
// row lock (lockEvent) and re-read it there, so an entry lapses once and
// its place passes once however many replicas sweep at the same time.

// AnswerPromotion implements signup.Store.
func (db *DB) AnswerPromotion(ctx context.Context, entryID int64, userID string, accept bool,
	notify func(*signup.Event, *signup.Entry) *unionbot.Notice) (*signup.Entry, []*signup.Entry, error) {
	now := db.now()
	var out *signup.Entry
	var promoted []*signup.Entry
	// The entry's event never changes; its status is read only under the
	// event's lock (on MariaDB a read before the lock would fix the
	// transaction's snapshot before a sweep or another answer committed).
	var row entryRow
	if err := db.conn(ctx).Select("event_id").Where("id = ? AND user_id = ?", entryID, userID).First(&row).Error; err != nil {
		return nil, nil, mapErr(err, "answer promotion", unionbot.ErrorMessage(signup.ErrNotPending("")), "")
	}
	eventID := row.EventID
	err := db.transact(ctx, func(tx *gorm.DB) error {
		promoted = nil
		ev, err := lockEvent(tx, eventID)
		if err != nil {
			return err
		}
		if err := tx.Where("id = ?", entryID).First(&row).Error; err != nil {
			return err
		}
		if row.Status != signup.EntryPending {
			return signup.ErrNotPending(ev.Title)
		}
		out = row.domain()
		if accept && !now.After(out.ConfirmBy) {
			out.Status = signup.EntryConfirmed
			return tx.Model(&entryRow{}).Where("id = ?", row.ID).
				Updates(map[string]any{"status": signup.EntryConfirmed, "confirm_by": nil, "updated_at": now}).Error
		}
		// Declined, or answered too late: the place passes on.
		out.Status = signup.EntryCancelled
		promoted, err = giveUp(tx, ev, &row, now, notify)
		return err
	})
	if err != nil {
		return nil, nil, mapErr(err, "answer promotion", eventNotFound(), "")
	}
	return out, promoted, nil
}

// giveUp cancels a pending entry, frees its places and promotes the next
// in line. tx holds the event's row lock.
func giveUp(tx *gorm.DB, ev *eventRow, row *entryRow, now time.Time,
	notify func(*signup.Event, *signup.Entry) *unionbot.Notice) ([]*signup.Entry, error) {
	if err := tx.Model(&entryRow{}).Where("id = ?", row.ID).
		Updates(map[string]any{"status": signup.EntryCancelled, "updated_at": now}).Error; err != nil {
		return nil, err
	}
	ev.Taken -= 1 + row.Companions
	return promote(tx, ev, now, notify)
}

// ExpirePromotions implements signup.Store.
func (db *DB) ExpirePromotions(ctx context.Context, lapsed, notify func(*signup.Event, *signup.Entry) *unionbot.Notice) (int, error) {
	now := db.now()
	var events []int64
	if err := db.conn(ctx).Model(&entryRow{}).Distinct("event_id").
		Where("status = ? AND confirm_by < ?", signup.EntryPending, now).Pluck("event_id", &events).Error; err != nil {
		return 0, fmt.Errorf("find lapsed promotions: %w", err)
	}
	n := 0
	for _, id := range events {
		var got int
		err := db.transact(ctx, func(tx *gorm.DB) error {
			got = 0
			ev, err := lockEvent(tx, id)
			if err != nil {
				return err
			}
			var rows []entryRow
			if err := tx.Where("event_id = ? AND status = ? AND confirm_by < ?", id, signup.EntryPending, now).
				Order("seq").Find(&rows).Error; err != nil {
				return err
			}
			for i := range rows {
				gone := rows[i].domain()
				gone.Status = signup.EntryCancelled
				if lapsed != nil {
					if err := enqueue(tx, now, lapsed(ev.domain(), gone)); err != nil {
						return err
					}
				}
				if _, err := giveUp(tx, ev, &rows[i], now, notify); err != nil {
					return err
				}
				got++
			}
			return nil
		})
		if err != nil {
			return n, mapErr(err, "expire promotions", eventNotFound(), "")
		}
		n += got
	}
	return n, nil
}
