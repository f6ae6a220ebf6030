package storage

import (
	"context"
	"time"

	"gorm.io/gorm"

	"unionbot"
	"unionbot/handlers/signup"
)

// A teacher's entry: signing up, cancelling, and the waitlist moving up,
// each under the event's row lock (lockEvent) with the rules of
// handlers/signup.

// SignUp implements signup.Store. A teacher's own sign-up joins the group
// entered next for its event (signupBatches).
func (db *DB) SignUp(ctx context.Context, e *signup.Entry) error {
	if batchable(ctx) {
		return db.signups.enter(db, ctx, e)
	}
	return db.signUp(ctx, e, nil)
}

// signUp enters e alone, under the event's row lock; then, in the same
// transaction, also(tx, event, entry row) records what belongs with it.
func (db *DB) signUp(ctx context.Context, e *signup.Entry, also func(tx *gorm.DB, ev *eventRow, row *entryRow) error) error {
	return db.signUpGroup(ctx, e.EventID, []*signupReq{{ctx: ctx, e: e}}, also)[0]
}

// CancelEntry implements signup.Store.
func (db *DB) CancelEntry(ctx context.Context, eventID int64, userID string, notify func(*signup.Event, *signup.Entry) *unionbot.Notice) (*signup.Entry, []*signup.Entry, error) {
	now := db.now()
	var cancelled *signup.Entry
	var promoted []*signup.Entry
	err := db.transact(ctx, func(tx *gorm.DB) error {
		cancelled, promoted = nil, nil
		ev, err := lockEvent(tx, eventID)
		if err != nil {
			return err
		}
		var row entryRow
		if err := tx.Where("event_id = ? AND user_id = ? AND status <> ?", eventID, userID, signup.EntryCancelled).First(&row).Error; err != nil {
			return signup.ErrNotSignedUp(ev.Title)
		}
		was := row.Status
		if err := tx.Model(&entryRow{}).Where("id = ?", row.ID).Updates(map[string]any{"status": signup.EntryCancelled, "updated_at": now}).Error; err != nil {
			return err
		}
		cancelled = row.domain()
		cancelled.Status = signup.EntryCancelled
		// A captain's cancellation dissolves the team; the caller tells
		// the teammates listed in cancelled.Members.
		if cancelled.Members, err = teamMembers(tx, row.ID); err != nil {
			return err
		}
		if err := tx.Where("entry_id = ?", row.ID).Delete(&teamMemberRow{}).Error; err != nil {
			return err
		}
		if !signup.HoldsPlaces(was) {
			return nil
		}
		ev.Taken -= 1 + row.Companions
		promoted, err = promote(tx, ev, now, notify)
		return err
	})
	if err != nil {
		return nil, nil, mapErr(err, "cancel sign-up", eventNotFound(), "")
	}
	return cancelled, promoted, nil
}

// promote confirms the waiting entries signup.Promotable picks (ev.Taken
// is the places held before) — or, on an event with a confirmation
// window, holds their places as 待确认 until the window ends (see
// signup.PromotedStatus) — queues notify for each, and stores the new
// count of places taken. tx holds the event's row lock.
func promote(tx *gorm.DB, ev *eventRow, now time.Time, notify func(*signup.Event, *signup.Entry) *unionbot.Notice) ([]*signup.Entry, error) {
	var rows []entryRow
	if err := tx.Where("event_id = ? AND status = ?", ev.ID, signup.EntryWaiting).Order("seq").Find(&rows).Error; err != nil {
		return nil, err
	}
	waiting := make([]*signup.Entry, len(rows))
	for i := range rows {
		waiting[i] = rows[i].domain()
	}
	promoted := signup.Promotable(ev.domain(), ev.Taken, waiting)
	for _, p := range promoted {
		p.Status, p.ConfirmBy = signup.PromotedStatus(ev.domain(), now)
		if err := tx.Model(&entryRow{}).Where("id = ?", p.ID).
			Updates(map[string]any{"status": p.Status, "confirm_by": timePtr(p.ConfirmBy), "updated_at": now}).Error; err != nil {
			return nil, err
		}
		ev.Taken += p.Places()
		if notify != nil {
			if err := enqueue(tx, now, notify(ev.domain(), p)); err != nil {
				return nil, err
			}
		}
	}
	return promoted, tx.Model(&eventRow{}).Where("id = ?", ev.ID).Update("taken", ev.Taken).Error
}

// PromoteWaiting implements signup.Store.
func (db *DB) PromoteWaiting(ctx context.Context, eventID int64, notify func(*signup.Event, *signup.Entry) *unionbot.Notice) ([]*signup.Entry, error) {
	var promoted []*signup.Entry
	err := db.transact(ctx, func(tx *gorm.DB) error {
		ev, err := lockEvent(tx, eventID)
		if err != nil {
			return err
		}
		if ev.Status != signup.StatusOpen && ev.Status != signup.StatusClosed {
			promoted = nil
			return nil
		}
		promoted, err = promote(tx, ev, db.now(), notify)
		return err
	})
	if err != nil {
		return nil, mapErr(err, "promote waitlist", eventNotFound(), "")
	}
	return promoted, nil
}

// CancelEvent implements signup.Store.
func (db *DB) CancelEvent(ctx context.Context, id int64, notice func(*signup.Event) *unionbot.Notice) (*signup.Event, error) {
	now := db.now()
	var ev *eventRow
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var err error
		if ev, err = lockEvent(tx, id); err != nil {
			return err
		}
		if ev.Status == signup.StatusCancelled {
			return signup.ErrEventCancelled(ev.Title)
		}
		if err := tx.Model(&eventRow{}).Where("id = ?", id).Updates(map[string]any{"status": signup.StatusCancelled, "updated_at": now}).Error; err != nil {
			return err
		}
		ev.Status = signup.StatusCancelled
		var users []string
		if err := tx.Model(&entryRow{}).Where("event_id = ? AND status <> ?", id, signup.EntryCancelled).Order("seq").Pluck("user_id", &users).Error; err != nil {
			return err
		}
		for len(users) > 0 && notice != nil {
			n := min(len(users), 1000) // message/send takes at most 1000 users
			msg := notice(ev.domain())
			msg.ToUsers = users[:n]
			if err := enqueue(tx, now, msg); err != nil {
				return err
			}
			users = users[n:]
		}
		return nil
	})
	if err != nil {
		return nil, mapErr(err, "cancel event", eventNotFound(), "")
	}
	return ev.domain(), nil
}

// migrateWaitlineIndex covers a sign-up's count of the waiting line (COUNT
// and MIN(companions) by event and status) with one index: without
// companions in it, each waiting entry's row was read, so every sign-up in
// a storm read the whole line (1,900 rows for the last of 2,000 teachers
// with 100 places) under the event's lock. Its prefix is the old
// idx_signup_event_status, left in place.
func migrateWaitlineIndex(tx *gorm.DB) error {
	return tx.Exec("CREATE INDEX idx_signup_waitline ON signups (event_id, status, companions)").Error
}
