package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"unionbot"
	"unionbot/handlers/care"
)

// careHardshipRow is a 困难职工档案; member_id is unique: one per household.
type careHardshipRow struct {
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

func (careHardshipRow) TableName() string { return "care_hardship" }

type careHardshipLogRow struct {
	ID         int64     `gorm:"primaryKey"`
	HardshipID int64     `gorm:"not null;index"`
	At         time.Time `gorm:"not null"`
	ByUser     string    `gorm:"size:64"`
	Action     string    `gorm:"size:16;not null"`
	Note       string    `gorm:"type:text"`
}

func (careHardshipLogRow) TableName() string { return "care_hardship_log" }

// careReminderRow makes each reminder about a record go out once.
type careReminderRow struct {
	ID        int64  `gorm:"primaryKey"`
	Key       string `gorm:"column:reminder_key;size:120;not null;uniqueIndex"`
	CreatedAt time.Time
}

func (careReminderRow) TableName() string { return "care_reminders" }

func newHardshipRow(h *care.Hardship) *careHardshipRow {
	sub, _ := json.Marshal(h.SubCauses)
	hh, _ := json.Marshal(h.Household)
	return &careHardshipRow{ID: h.ID, MemberID: h.MemberID, Name: h.Name, Department: h.Department, Tier: h.Tier,
		MainCause: h.MainCause, SubCauses: string(sub), Household: string(hh), IncomeFen: h.IncomeFen, Stage: h.Stage,
		CheckedAt: toDB(h.CheckedAt), ClosedAt: toDB(h.ClosedAt), CloseReason: h.CloseReason}
}

func (r *careHardshipRow) domain() *care.Hardship {
	h := &care.Hardship{ID: r.ID, MemberID: r.MemberID, Name: r.Name, Department: r.Department, Tier: r.Tier,
		MainCause: r.MainCause, IncomeFen: r.IncomeFen, Stage: r.Stage, CheckedAt: fromDB(r.CheckedAt),
		ClosedAt: fromDB(r.ClosedAt), CloseReason: r.CloseReason, CreatedAt: r.CreatedAt.UTC()}
	json.Unmarshal([]byte(r.SubCauses), &h.SubCauses)
	json.Unmarshal([]byte(r.Household), &h.Household)
	return h
}

// CreateHardship implements care.Store.
func (db *DB) CreateHardship(ctx context.Context, h *care.Hardship, by string) error {
	now := db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		row := newHardshipRow(h)
		row.ID, row.CreatedAt, row.UpdatedAt = 0, now, now
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		l := careHardshipLogRow{HardshipID: row.ID, At: now, ByUser: by, Action: h.Stage}
		if err := tx.Create(&l).Error; err != nil {
			return err
		}
		*h = *row.domain()
		h.Log = []care.LogEntry{hardshipLog(l)}
		return nil
	})
	return mapErr(err, "create hardship record", "", care.MsgHardshipExists)
}

func hardshipLog(l careHardshipLogRow) care.LogEntry {
	return care.LogEntry{ID: l.ID, CaseID: l.HardshipID, At: l.At.UTC(), By: l.ByUser, Action: l.Action, Note: l.Note}
}

// GetHardship implements care.Store.
func (db *DB) GetHardship(ctx context.Context, id int64, readBy string) (*care.Hardship, error) {
	if readBy != "" {
		var n int64
		if err := db.conn(ctx).Model(&careHardshipRow{}).Where("id = ?", id).Count(&n).Error; err != nil {
			return nil, fmt.Errorf("find hardship record: %w", err)
		}
		if n == 0 {
			return nil, unionbot.Errorf(unionbot.ENOTFOUND, "%s", care.MsgHardshipNotFound)
		}
		read := careAccessRow{Ref: "hardship:" + strconv.FormatInt(id, 10), ByUser: readBy, Action: care.ActRead, At: db.now()}
		if err := db.conn(ctx).Create(&read).Error; err != nil {
			return nil, fmt.Errorf("log hardship read: %w", err)
		}
	}
	return hardshipWithLog(db.conn(ctx), id)
}

func hardshipWithLog(tx *gorm.DB, id int64) (*care.Hardship, error) {
	var row careHardshipRow
	if err := tx.Take(&row, id).Error; err != nil {
		return nil, mapErr(err, "find hardship record", care.MsgHardshipNotFound, "")
	}
	h := row.domain()
	var logs []careHardshipLogRow
	if err := tx.Where("hardship_id = ?", id).Order("id").Find(&logs).Error; err != nil {
		return nil, fmt.Errorf("hardship log: %w", err)
	}
	for _, l := range logs {
		h.Log = append(h.Log, hardshipLog(l))
	}
	return h, nil
}

// ListHardship implements care.Store.
func (db *DB) ListHardship(ctx context.Context) ([]*care.Hardship, error) {
	var rows []careHardshipRow
	if err := db.conn(ctx).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list hardship records: %w", err)
	}
	out := make([]*care.Hardship, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// UpdateHardship implements care.Store.
func (db *DB) UpdateHardship(ctx context.Context, id int64, change func(*care.Hardship) (*care.LogEntry, error)) (*care.Hardship, error) {
	var out *care.Hardship
	err := db.transact(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&careHardshipRow{}).Where("id = ?", id).Update("seq", gorm.Expr("seq + 1"))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return gorm.ErrRecordNotFound
		}
		var row careHardshipRow
		if err := tx.Take(&row, id).Error; err != nil {
			return err
		}
		h := row.domain()
		entry, err := change(h)
		if err != nil {
			return err
		}
		nr := newHardshipRow(h)
		if err := tx.Model(&careHardshipRow{}).Where("id = ?", id).Select("tier", "main_cause", "sub_causes", "household",
			"income_fen", "stage", "checked_at", "closed_at", "close_reason", "updated_at").
			Updates(&careHardshipRow{Tier: nr.Tier, MainCause: nr.MainCause, SubCauses: nr.SubCauses, Household: nr.Household,
				IncomeFen: nr.IncomeFen, Stage: nr.Stage, CheckedAt: nr.CheckedAt, ClosedAt: nr.ClosedAt, CloseReason: nr.CloseReason,
				UpdatedAt: db.now()}).Error; err != nil {
			return err
		}
		if entry != nil {
			if err := tx.Create(&careHardshipLogRow{HardshipID: id, At: db.now(), ByUser: entry.By, Action: entry.Action, Note: entry.Note}).Error; err != nil {
				return err
			}
		}
		out, err = hardshipWithLog(tx, id)
		return err
	})
	if err != nil {
		return nil, mapErr(err, "update hardship record", care.MsgHardshipNotFound, "")
	}
	return out, nil
}

// QueueCareReminder implements care.Store.
func (db *DB) QueueCareReminder(ctx context.Context, key string, n *unionbot.Notice) (bool, error) {
	now := db.now()
	queued := false
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var seen int64
		if err := tx.Model(&careReminderRow{}).Where("reminder_key = ?", key).Count(&seen).Error; err != nil {
			return err
		}
		if seen > 0 {
			return nil
		}
		if err := tx.Create(&careReminderRow{Key: key, CreatedAt: now}).Error; err != nil {
			return err
		}
		queued = true
		return enqueue(tx, now, n)
	})
	if isDuplicate(err) { // another replica sent it first
		return false, nil
	}
	return queued, mapErr(err, "queue care reminder", "", "")
}
