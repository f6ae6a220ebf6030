package storage

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"gorm.io/gorm"

	"unionbot"
)

// noticeRow is one queued active message (the transactional outbox).
type noticeRow struct {
	ID          int64     `gorm:"primaryKey"`
	ToUsers     string    `gorm:"type:text"` // "|"-separated
	ToParty     string    `gorm:"size:512"`
	ToTag       string    `gorm:"size:512"`
	Channel     string    `gorm:"size:16"`
	Format      string    `gorm:"size:16"`
	Title       string    `gorm:"size:128"`
	Text        string    `gorm:"type:text"`
	Card        string    `gorm:"type:text"` // JSON of unionbot.Card, "" for none (migration 13)
	Kind        string    `gorm:"size:32;index"`
	Ref         string    `gorm:"size:128;index"`
	Status      string    `gorm:"size:16;not null;index:idx_notices_due,priority:1"`
	NextAt      time.Time `gorm:"index:idx_notices_due,priority:2"`
	LeasedBy    string    `gorm:"size:64"`
	LeasedUntil time.Time
	Attempts    int
	LastCode    int
	LastErr     string `gorm:"size:512"`
	CreatedAt   time.Time
	SentAt      *time.Time
	WaitReason  string `gorm:"size:255"`
	Progress    int
}

func (noticeRow) TableName() string { return "notices" }

// epoch stands for "no time" in columns that must not be NULL; MySQL
// refuses Go's zero time in strict modes.
var epoch = time.Unix(0, 0).UTC()

func newNoticeRow(n *unionbot.Notice, now time.Time) *noticeRow {
	row := &noticeRow{
		ToUsers: strings.Join(n.ToUsers, "|"), ToParty: n.ToParty, ToTag: n.ToTag, Channel: n.Channel,
		Format: n.Format, Title: n.Title, Text: n.Text, Kind: n.Kind, Ref: n.Ref,
		Status: unionbot.NoticePending, NextAt: now, LeasedUntil: epoch, CreatedAt: now,
	}
	if n.Card != nil && n.Channel != unionbot.ChannelWeChat { // followers get Text
		b, _ := json.Marshal(n.Card) // plain strings and numbers: cannot fail
		row.Card = string(b)
	}
	return row
}

func (r *noticeRow) domain() *unionbot.Notice {
	var to []string
	if r.ToUsers != "" {
		to = strings.Split(r.ToUsers, "|")
	}
	n := &unionbot.Notice{
		ID: r.ID, ToUsers: to, ToParty: r.ToParty, ToTag: r.ToTag, Channel: r.Channel, Format: r.Format,
		Title: r.Title, Text: r.Text, Kind: r.Kind, Ref: r.Ref, Status: r.Status,
		Attempts: r.Attempts, LastCode: r.LastCode, LastErr: r.LastErr, CreatedAt: r.CreatedAt, SentAt: r.SentAt,
		NextAt: r.NextAt, WaitReason: r.WaitReason, Progress: r.Progress,
	}
	if r.Card != "" {
		var c unionbot.Card
		if json.Unmarshal([]byte(r.Card), &c) == nil { // a card we cannot read still goes out as Text
			n.Card = &c
		}
	}
	return n
}

// enqueue adds notices inside tx: features call it in the transaction that
// makes the change the notice reports, so both happen or neither does. A
// notice to WeCom members and followers alike is stored once per channel,
// so each is delivered and retried on its own.
func enqueue(tx *gorm.DB, now time.Time, ns ...*unionbot.Notice) error {
	for _, whole := range ns {
		for _, n := range unionbot.SplitByChannel(whole) {
			row := newNoticeRow(n, now)
			q := tx
			if row.Card == "" {
				// A notice without a card names no card column, so a
				// schema from before migration 13 (a test of an older
				// step, a replica mid-upgrade) still takes it.
				q = tx.Omit("Card")
			}
			if err := q.Create(row).Error; err != nil {
				return err
			}
			n.ID, n.Status, n.CreatedAt = row.ID, row.Status, row.CreatedAt
		}
	}
	return nil
}

// Enqueue implements unionbot.Outbox.
func (db *DB) Enqueue(ctx context.Context, n *unionbot.Notice) error {
	return mapErr(enqueue(db.conn(ctx), db.now(), n), "enqueue notice", "", "")
}

// MarkNotice implements unionbot.Outbox.
func (db *DB) MarkNotice(ctx context.Context, n *unionbot.Notice, retryAt time.Time) error {
	up := map[string]any{
		"status": n.Status, "attempts": n.Attempts, "last_code": n.LastCode, "last_err": clipText(n.LastErr, 500),
		"leased_until": epoch, "sent_at": n.SentAt, "wait_reason": clipText(n.WaitReason, 120), "progress": n.Progress,
	}
	if !retryAt.IsZero() {
		up["next_at"] = retryAt.UTC()
	}
	err := db.conn(ctx).Model(&noticeRow{}).Where("id = ?", n.ID).Updates(up).Error
	return mapErr(err, "mark notice", "", "")
}

// ListNotices implements unionbot.Outbox: the newest first, of one kind or all.
func (db *DB) ListNotices(ctx context.Context, kind string, limit int) ([]*unionbot.Notice, error) {
	q := db.conn(ctx).Order("id DESC")
	if kind != "" {
		q = q.Where("kind = ?", kind)
	}
	if limit > 0 {
		q = q.Limit(limit)
	}
	var rows []noticeRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, mapErr(err, "list notices", "", "")
	}
	out := make([]*unionbot.Notice, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
