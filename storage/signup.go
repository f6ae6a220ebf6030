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

// eventRow is an event teachers sign up for. Seq counts arrivals: every
// sign-up and cancellation first bumps it, which takes the row lock that
// serialises the event's sign-ups on MariaDB (SQLite has one writer).
type eventRow struct {
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
	Fields           string `gorm:"type:text"` // JSON []signup.Field
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

func (eventRow) TableName() string { return "signup_events" }

// entryRow is one teacher's sign-up; (event_id, user_id) is unique, so a
// teacher is never entered twice whatever arrives concurrently.
type entryRow struct {
	ID         int64  `gorm:"primaryKey"`
	EventID    int64  `gorm:"not null;uniqueIndex:idx_signup_event_user,priority:1;index:idx_signup_event_status,priority:1;index:idx_signup_waitline,priority:1"`
	UserID     string `gorm:"size:64;not null;uniqueIndex:idx_signup_event_user,priority:2;index"`
	Name       string `gorm:"size:64"`
	Department string `gorm:"size:128"`
	Companions int    `gorm:"index:idx_signup_waitline,priority:3"`
	Fields     string `gorm:"type:text"` // JSON map
	Status     string `gorm:"size:16;not null;index:idx_signup_event_status,priority:2;index:idx_signup_waitline,priority:2"`
	Seq        int64  `gorm:"not null"`
	SignedUpAt time.Time
	CheckedIn  bool
	Team       string     `gorm:"size:64"` // the team's name on a captain's entry
	ConfirmBy  *time.Time `gorm:"index"`   // a pending (待确认) entry's deadline
	UpdatedAt  time.Time
}

func (entryRow) TableName() string { return "signups" }

func migrateSignup(tx *gorm.DB) error {
	return tx.AutoMigrate(&s2Event{}, &s2Entry{}, &s2Reminder{})
}

func toDB(t time.Time) time.Time {
	if t.IsZero() {
		return epoch
	}
	return t.UTC()
}

func fromDB(t time.Time) time.Time {
	if !t.After(epoch) {
		return time.Time{}
	}
	return t.UTC()
}

func newEventRow(e *signup.Event) *eventRow {
	fields, _ := json.Marshal(e.Fields)
	return &eventRow{
		ID: e.ID, Title: e.Title, Kind: e.Kind, Description: e.Description, Location: e.Location,
		StartsAt: toDB(e.StartsAt), EndsAt: toDB(e.EndsAt), SignupOpensAt: toDB(e.SignupOpensAt),
		SignupClosesAt: toDB(e.SignupClosesAt), CancelDeadline: toDB(e.CancelDeadline),
		Capacity: e.Capacity, Waitlist: e.Waitlist, MaxCompanions: e.MaxCompanions, TeamMin: e.TeamMin, TeamMax: e.TeamMax,
		EligibleTags: joinTags(e.EligibleTags), Fields: string(fields), Status: e.Status, RemindUnanswered: e.RemindUnanswered,
		ConfirmWithin: int64(e.ConfirmWithin / time.Second), Allocation: e.Allocation, LookbackYears: e.LookbackYears,
	}
}

// timePtr is t for a nullable column: nil when zero.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// timeOf reads a nullable column.
func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func (r *eventRow) domain() *signup.Event {
	var fields []signup.Field
	json.Unmarshal([]byte(r.Fields), &fields)
	return &signup.Event{
		ID: r.ID, Title: r.Title, Kind: r.Kind, Description: r.Description, Location: r.Location,
		StartsAt: fromDB(r.StartsAt), EndsAt: fromDB(r.EndsAt), SignupOpensAt: fromDB(r.SignupOpensAt),
		SignupClosesAt: fromDB(r.SignupClosesAt), CancelDeadline: fromDB(r.CancelDeadline),
		Capacity: r.Capacity, Waitlist: r.Waitlist, MaxCompanions: r.MaxCompanions, TeamMin: r.TeamMin, TeamMax: r.TeamMax,
		EligibleTags: splitTags(r.EligibleTags), Fields: fields, Status: r.Status, Taken: r.Taken, RemindUnanswered: r.RemindUnanswered,
		ConfirmWithin: time.Duration(r.ConfirmWithin) * time.Second, Allocation: r.Allocation, LookbackYears: r.LookbackYears,
		DrawnAt: timeOf(r.DrawnAt), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

func (r *entryRow) domain() *signup.Entry {
	fields := map[string]string{}
	json.Unmarshal([]byte(r.Fields), &fields)
	return &signup.Entry{
		ID: r.ID, EventID: r.EventID, UserID: r.UserID, Name: r.Name, Department: r.Department,
		Companions: r.Companions, Fields: fields, Status: r.Status, Seq: r.Seq, SignedUpAt: r.SignedUpAt,
		CheckedIn: r.CheckedIn, Team: r.Team, ConfirmBy: timeOf(r.ConfirmBy),
	}
}

// eventNotFound is the sentence for an unknown event id.
func eventNotFound() string { return unionbot.ErrorMessage(signup.ErrEventNotFound()) }

// CreateEvent implements signup.Store.
func (db *DB) CreateEvent(ctx context.Context, e *signup.Event) error {
	row := newEventRow(e)
	row.ID = 0
	row.CreatedAt, row.UpdatedAt = db.now(), db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		*e = *row.domain() // the audit entry written with it shows the new id
		return nil
	})
	if err != nil {
		return mapErr(err, "create event", "", "")
	}
	*e = *row.domain()
	return nil
}

// UpdateEvent implements signup.Store. It leaves Taken and Seq alone: they
// belong to the sign-up transactions.
func (db *DB) UpdateEvent(ctx context.Context, e *signup.Event) error {
	row := newEventRow(e)
	row.UpdatedAt = db.now()
	// A transaction of one statement, so that an admin's audit entry
	// (audit.Begin) commits with the change.
	err := db.transact(ctx, func(tx *gorm.DB) error {
		return tx.Model(&eventRow{}).Where("id = ?", e.ID).
			Select("title", "kind", "description", "location", "starts_at", "ends_at", "signup_opens_at",
				"signup_closes_at", "cancel_deadline", "capacity", "waitlist", "max_companions", "team_min",
				"team_max", "eligible_tags", "fields", "status", "remind_unanswered", "confirm_within", "allocation",
				"lookback_years", "updated_at").
			Updates(row).Error
	})
	if err != nil {
		return mapErr(err, "update event", "", "")
	}
	got, err := db.FindEvent(ctx, e.ID)
	if err != nil {
		return err
	}
	*e = *got
	return nil
}

// FindEvent implements signup.Store.
func (db *DB) FindEvent(ctx context.Context, id int64) (*signup.Event, error) {
	var row eventRow
	if err := db.conn(ctx).First(&row, id).Error; err != nil {
		return nil, mapErr(err, "find event", eventNotFound(), "")
	}
	e := row.domain()
	var counts []struct {
		Status string
		N      int
	}
	if err := db.conn(ctx).Model(&entryRow{}).Select("status, COUNT(*) AS n").Where("event_id = ? AND status IN ?", id,
		[]string{signup.EntryWaiting, signup.EntryRegistered}).Group("status").Scan(&counts).Error; err != nil {
		return nil, fmt.Errorf("count waitlist: %w", err)
	}
	for _, c := range counts {
		if c.Status == signup.EntryWaiting {
			e.Waiting = c.N
		} else {
			e.Registered = c.N
		}
	}
	return e, nil
}

// ListEvents implements signup.Store, soonest start first.
func (db *DB) ListEvents(ctx context.Context, f signup.EventFilter) ([]*signup.Event, error) {
	q := db.conn(ctx).Order("starts_at, id")
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	var rows []eventRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	var counts []struct {
		EventID int64
		Status  string
		N       int
	}
	if len(rows) > 0 && !f.NoLines {
		q := db.conn(ctx).Model(&entryRow{}).Select("event_id, status, COUNT(*) AS n").
			Where("status IN ?", []string{signup.EntryWaiting, signup.EntryRegistered})
		if len(rows) <= 1000 { // the listed events' entries only, not every past event's
			ids := make([]int64, len(rows))
			for i := range rows {
				ids[i] = rows[i].ID
			}
			q = q.Where("event_id IN ?", ids)
		}
		if err := q.Group("event_id, status").Scan(&counts).Error; err != nil {
			return nil, fmt.Errorf("count waitlists: %w", err)
		}
	}
	waiting, registered := map[int64]int{}, map[int64]int{}
	for _, c := range counts {
		if c.Status == signup.EntryWaiting {
			waiting[c.EventID] = c.N
		} else {
			registered[c.EventID] = c.N
		}
	}
	out := make([]*signup.Event, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
		out[i].Waiting, out[i].Registered = waiting[rows[i].ID], registered[rows[i].ID]
	}
	return out, nil
}

// lockEvent bumps the event's arrival counter, which takes its row lock for
// the rest of tx, and returns the event as it stands under the lock.
func lockEvent(tx *gorm.DB, id int64) (*eventRow, error) { return lockEventFor(tx, id, 1) }

// lockEventFor is lockEvent for n arrivals at once: seq is bumped by n, and
// the arrivals are the n numbers up to the returned row's Seq.
func lockEventFor(tx *gorm.DB, id, n int64) (*eventRow, error) {
	res := tx.Model(&eventRow{}).Where("id = ?", id).Update("seq", gorm.Expr("seq + ?", n))
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, gorm.ErrRecordNotFound
	}
	var ev eventRow
	if err := tx.First(&ev, id).Error; err != nil {
		return nil, err
	}
	return &ev, nil
}

// ListEntries implements signup.Store.
func (db *DB) ListEntries(ctx context.Context, eventID int64, userID string) ([]*signup.Entry, error) {
	q := db.conn(ctx).Where("status <> ?", signup.EntryCancelled).Order("seq")
	if eventID > 0 {
		q = q.Where("event_id = ?", eventID)
	}
	if userID != "" {
		q = q.Where("user_id = ?", userID)
	}
	var rows []entryRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list sign-ups: %w", err)
	}
	out := make([]*signup.Entry, 0, len(rows))
	pos := map[int64]int{}
	var err error
	for i := range rows {
		e := rows[i].domain()
		if e.Status == signup.EntryWaiting {
			if eventID > 0 {
				pos[eventID]++
				e.Position = pos[eventID]
			} else {
				var ahead int64
				if err := db.conn(ctx).Model(&entryRow{}).Where("event_id = ? AND status = ? AND seq <= ?", e.EventID, signup.EntryWaiting, e.Seq).
					Count(&ahead).Error; err != nil {
					return nil, fmt.Errorf("waitlist position: %w", err)
				}
				e.Position = int(ahead)
			}
		}
		if e.Team != "" {
			if e.Members, err = teamMembers(db.conn(ctx), e.ID); err != nil {
				return nil, err
			}
		}
		if userID != "" {
			ev, err := db.FindEvent(ctx, e.EventID)
			if err != nil {
				return nil, err
			}
			e.Event = ev
		}
		out = append(out, e)
	}
	return out, nil
}

// CheckIn implements signup.Store.
func (db *DB) CheckIn(ctx context.Context, eventID int64, userID string) error {
	return db.SetCheckedIn(ctx, eventID, userID, true)
}

// SetCheckedIn implements signup.Store.
func (db *DB) SetCheckedIn(ctx context.Context, eventID int64, userID string, in bool) error {
	// updated_at changes too, so that MariaDB (which counts changed rows)
	// reports the row even when it was checked in already.
	err := db.transact(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&entryRow{}).Where("event_id = ? AND user_id = ? AND status = ?", eventID, userID, signup.EntryConfirmed).
			Updates(map[string]any{"checked_in": in, "updated_at": db.now()})
		if res.Error != nil {
			return fmt.Errorf("check in: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return signup.ErrNoPlace()
		}
		return nil
	})
	return err
}

// PromoteEntry implements signup.Store.
func (db *DB) PromoteEntry(ctx context.Context, eventID int64, userID string, notify func(*signup.Event, *signup.Entry) *unionbot.Notice) (*signup.Entry, error) {
	now := db.now()
	var promoted *signup.Entry
	err := db.transact(ctx, func(tx *gorm.DB) error {
		ev, err := lockEvent(tx, eventID)
		if err != nil {
			return err
		}
		var row entryRow
		if err := tx.Where("event_id = ? AND user_id = ? AND status = ?", eventID, userID, signup.EntryWaiting).First(&row).Error; err != nil {
			return signup.ErrNotWaiting(userID, ev.Title)
		}
		places := 1 + row.Companions
		if err := signup.CanPromote(ev.domain(), ev.Taken, row.domain()); err != nil {
			return err
		}
		if err := tx.Model(&entryRow{}).Where("id = ?", row.ID).Updates(map[string]any{"status": signup.EntryConfirmed, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&eventRow{}).Where("id = ?", ev.ID).Update("taken", gorm.Expr("taken + ?", places)).Error; err != nil {
			return err
		}
		promoted = row.domain()
		promoted.Status = signup.EntryConfirmed
		if notify == nil {
			return nil
		}
		return enqueue(tx, now, notify(ev.domain(), promoted))
	})
	if err != nil {
		return nil, mapErr(err, "promote entry", eventNotFound(), "")
	}
	return promoted, nil
}
