package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"unionbot"
	"unionbot/handlers/signup"
)

// drawRow is a rotation event's published draw; event_id is unique, so an
// event is drawn once whatever runs the job.
type drawRow struct {
	ID        int64     `gorm:"primaryKey"`
	EventID   int64     `gorm:"not null;uniqueIndex"`
	Seed      string    `gorm:"size:64;not null"`
	DrawnAt   time.Time `gorm:"not null"`
	Published string    `gorm:"type:longtext"` // JSON signup.Published
}

func (drawRow) TableName() string { return "signup_draws" }

// DrawPlaces implements signup.Store.
func (db *DB) DrawPlaces(ctx context.Context, eventID int64, seed string, allocate signup.AllocateFunc,
	tell func(*signup.Event, *signup.Entry, *signup.Published) *unionbot.Notice) (*signup.Published, error) {
	now := db.now()
	var pub *signup.Published
	err := db.transact(ctx, func(tx *gorm.DB) error {
		ev, err := lockEvent(tx, eventID)
		if err != nil {
			return err
		}
		e := ev.domain()
		switch {
		case !e.Rotation():
			return signup.ErrNotRotation(e.Title)
		case !e.DrawnAt.IsZero():
			return signup.ErrAlreadyDrawn(e.Title, e.DrawnAt)
		case e.Status != signup.StatusOpen && e.Status != signup.StatusClosed:
			return signup.ErrNotOpen(e.Title, e.Status)
		}
		var rows []entryRow
		if err := tx.Where("event_id = ? AND status = ?", eventID, signup.EntryRegistered).Order("seq").Find(&rows).Error; err != nil {
			return err
		}
		registered := make([]*signup.Entry, len(rows))
		users := make([]string, len(rows))
		for i := range rows {
			registered[i], users[i] = rows[i].domain(), rows[i].UserID
		}
		last, err := lastWent(tx, e, users, now.AddDate(-e.LookbackYears, 0, 0))
		if err != nil {
			return err
		}
		e.DrawnAt = now
		var ordered []*signup.Entry
		pub, ordered = allocate(e, seed, registered, last)
		// The order becomes the arrival order: the waitlist moves up in it.
		taken := ev.Taken
		for i, x := range ordered {
			seq := ev.Seq + int64(i) + 1
			if err := tx.Model(&entryRow{}).Where("id = ?", x.ID).
				Updates(map[string]any{"status": x.Status, "seq": seq, "updated_at": now}).Error; err != nil {
				return err
			}
			x.Seq = seq
			if x.HoldsPlaces() {
				taken += x.Places()
			}
		}
		if err := tx.Model(&eventRow{}).Where("id = ?", eventID).Updates(map[string]any{"seq": ev.Seq + int64(len(ordered)),
			"taken": taken, "drawn_at": now, "status": signup.StatusClosed, "updated_at": now}).Error; err != nil {
			return err
		}
		data, err := json.Marshal(pub)
		if err != nil {
			return err
		}
		if err := tx.Create(&drawRow{EventID: eventID, Seed: seed, DrawnAt: now, Published: string(data)}).Error; err != nil {
			return err
		}
		e.Taken, e.Status = taken, signup.StatusClosed
		for _, x := range ordered {
			if tell == nil {
				break
			}
			if err := enqueue(tx, now, tell(e, x, pub)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, mapErr(err, "draw places", eventNotFound(), unionbot.ErrorMessage(signup.ErrAlreadyDrawn("", time.Time{})))
	}
	return pub, nil
}

// lastWent finds, for each of users, the start of the latest event of
// ev's kind (other than ev, not cancelled) they held a confirmed place on,
// starting at or after since.
func lastWent(tx *gorm.DB, ev *signup.Event, users []string, since time.Time) (map[string]time.Time, error) {
	last := map[string]time.Time{}
	if len(users) == 0 {
		return last, nil
	}
	var went []struct {
		UserID   string
		StartsAt time.Time
	}
	for start := 0; start < len(users); start += 500 {
		chunk := users[start:min(start+500, len(users))]
		if err := tx.Table("signups AS s").Select("s.user_id, e.starts_at").Joins("JOIN signup_events AS e ON e.id = s.event_id").
			Where("s.user_id IN ? AND s.status = ? AND e.kind = ? AND e.id <> ? AND e.status <> ? AND e.starts_at >= ?",
				chunk, signup.EntryConfirmed, ev.Kind, ev.ID, signup.StatusCancelled, since.UTC()).
			Scan(&went).Error; err != nil {
			return nil, fmt.Errorf("history of %s: %w", ev.Kind, err)
		}
		for _, w := range went {
			if t := w.StartsAt.UTC(); t.After(last[w.UserID]) {
				last[w.UserID] = t
			}
		}
		went = went[:0]
	}
	return last, nil
}

// FindDraw implements signup.Store.
func (db *DB) FindDraw(ctx context.Context, eventID int64) (*signup.Published, error) {
	var row drawRow
	if err := db.conn(ctx).Where("event_id = ?", eventID).First(&row).Error; err != nil {
		return nil, mapErr(err, "find draw", unionbot.ErrorMessage(signup.ErrNoDraw("")), "")
	}
	var p signup.Published
	if err := json.Unmarshal([]byte(row.Published), &p); err != nil {
		return nil, fmt.Errorf("read draw of event %d: %w", eventID, err)
	}
	return &p, nil
}
