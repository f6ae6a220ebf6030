package storage

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"unionbot"
	"unionbot/handlers/faq"
)

// faqRow is one entry of the knowledge base; the standard question is
// unique, so re-importing a file updates rather than duplicates.
type faqRow struct {
	ID         int64  `gorm:"primaryKey"`
	Question   string `gorm:"size:191;not null;uniqueIndex"`
	Alternates string `gorm:"type:text"` // "|"-separated
	Keywords   string `gorm:"type:text"` // "|"-separated
	Answer     string `gorm:"type:text;not null"`
	Category   string `gorm:"size:64;index"`
	Source     string `gorm:"size:16;not null;default:union;index"` // faq.SourceStarter or faq.SourceUnion
	Enabled    bool   `gorm:"not null;default:true"`
	UpdatedBy  string `gorm:"size:64"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (faqRow) TableName() string { return "faq_entries" }

func (r *faqRow) domain() *faq.Entry {
	return &faq.Entry{ID: r.ID, Question: r.Question, Alternates: faq.SplitList(r.Alternates),
		Keywords: faq.SplitList(r.Keywords), Answer: r.Answer, Category: r.Category, Source: r.Source, Enabled: r.Enabled,
		UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt}
}

// faqQuestionRow is a question the bot could not answer.
type faqQuestionRow struct {
	ID         int64     `gorm:"primaryKey"`
	UserID     string    `gorm:"size:64;not null;index"`
	Text       string    `gorm:"type:text;not null"`
	Status     string    `gorm:"size:16;not null;index"`
	EntryID    int64     `gorm:"not null;default:0;index"` // the entry that answered (unhelpful) or took it (attached)
	Reply      string    `gorm:"type:text"`
	RepliedBy  string    `gorm:"size:64"`
	CreatedAt  time.Time `gorm:"not null"`
	AnsweredAt time.Time `gorm:"not null"`
}

func (faqQuestionRow) TableName() string { return "faq_questions" }

func (r *faqQuestionRow) domain() *faq.Question {
	q := &faq.Question{ID: r.ID, UserID: r.UserID, Text: r.Text, Status: r.Status, EntryID: r.EntryID, Reply: r.Reply,
		RepliedBy: r.RepliedBy, CreatedAt: r.CreatedAt}
	if !r.AnsweredAt.Equal(epoch) {
		q.AnsweredAt = r.AnsweredAt
	}
	return q
}

func migrateFAQ(tx *gorm.DB) error {
	return tx.AutoMigrate(&s4Faq{}, &s4FaqQuestion{})
}

// migrateFAQSource adds an entry's source and a question's entry. Entries
// still as the bot seeded them (updated by "default") are the starter set;
// anything a union imported or edited is its own.
func migrateFAQSource(tx *gorm.DB) error {
	if err := tx.AutoMigrate(&s8Faq{}, &s8FaqQuestion{}); err != nil {
		return err
	}
	defaults, err := faq.DefaultEntries()
	if err != nil {
		return err
	}
	var qs []string
	for _, e := range defaults {
		qs = append(qs, e.Question)
	}
	return tx.Model(&s8Faq{}).Where("updated_by = ? AND question IN ?", "default", qs).
		Update("source", faq.SourceStarter).Error
}

// ListFAQ implements faq.Store.
func (db *DB) ListFAQ(ctx context.Context) ([]*faq.Entry, error) {
	var rows []faqRow
	if err := db.conn(ctx).Order("id").Find(&rows).Error; err != nil {
		return nil, mapErr(err, "list faq", "", "")
	}
	out := make([]*faq.Entry, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// joinList stores a list "|"-separated; a "|" inside an item would split it.
func joinList(items []string) string {
	var clean []string
	for _, it := range items {
		if it = strings.TrimSpace(strings.ReplaceAll(it, "|", "/")); it != "" {
			clean = append(clean, it)
		}
	}
	return strings.Join(clean, "|")
}

// UpsertFAQ implements faq.Store.
func (db *DB) UpsertFAQ(ctx context.Context, entries []*faq.Entry, by string) (created, updated int, err error) {
	created, updated, _, err = db.importFAQ(ctx, entries, by, false)
	return created, updated, err
}

// ReplaceFAQ implements faq.Store.
func (db *DB) ReplaceFAQ(ctx context.Context, entries []*faq.Entry, by string) (created, updated, removed int, err error) {
	return db.importFAQ(ctx, entries, by, true)
}

func checkEntries(entries []*faq.Entry) error {
	for i, e := range entries {
		e.Question, e.Answer = strings.TrimSpace(e.Question), strings.TrimSpace(e.Answer)
		if err := faq.CheckEntry(i, e); err != nil {
			return err
		}
	}
	return nil
}

// importFAQ upserts entries by standard question in one transaction; with
// replace it also deletes the union's entries the file no longer has (the
// starter set is never deleted, only switched off).
func (db *DB) importFAQ(ctx context.Context, entries []*faq.Entry, by string, replace bool) (created, updated, removed int, err error) {
	if err := checkEntries(entries); err != nil {
		return 0, 0, 0, err
	}
	now := db.now()
	err = db.transact(ctx, func(tx *gorm.DB) error {
		created, updated, removed = 0, 0, 0
		keep := map[int64]bool{}
		for _, e := range entries {
			var row faqRow
			err := tx.Where("question = ?", e.Question).Take(&row).Error
			if err != nil && err != gorm.ErrRecordNotFound {
				return err
			}
			isNew := err == gorm.ErrRecordNotFound
			row.Question, row.Answer, row.Category = e.Question, e.Answer, e.Category
			row.Alternates, row.Keywords = joinList(e.Alternates), joinList(e.Keywords)
			row.UpdatedBy, row.UpdatedAt = by, now
			row.Source = e.Source
			if row.Source != faq.SourceStarter {
				row.Source = faq.SourceUnion // the union's file makes the entry its own
			}
			if isNew {
				row.Enabled = e.Enabled
			} else {
				e.Enabled = row.Enabled // switched off stays off until switched on
			}
			if isNew {
				row.CreatedAt = now
				if err := tx.Create(&row).Error; err != nil {
					return err
				}
				created++
			} else {
				if err := tx.Save(&row).Error; err != nil {
					return err
				}
				updated++
			}
			keep[row.ID] = true
			e.ID, e.Source, e.UpdatedBy, e.UpdatedAt = row.ID, row.Source, by, now
		}
		if !replace {
			return nil
		}
		var own []faqRow
		if err := tx.Where("source = ?", faq.SourceUnion).Find(&own).Error; err != nil {
			return err
		}
		for _, r := range own {
			if keep[r.ID] {
				continue
			}
			if err := tx.Delete(&faqRow{}, r.ID).Error; err != nil {
				return err
			}
			removed++
		}
		return nil
	})
	return created, updated, removed, mapErr(err, "import faq", "", faq.MsgSameQuestion())
}

// SetFAQSourceEnabled implements faq.Store.
func (db *DB) SetFAQSourceEnabled(ctx context.Context, source string, enabled bool, by string) (int, error) {
	res := db.conn(ctx).Model(&faqRow{}).Where("source = ? AND enabled = ?", source, !enabled).
		Updates(map[string]any{"enabled": enabled, "updated_by": by, "updated_at": db.now()})
	if res.Error != nil {
		return 0, mapErr(res.Error, "enable faq source", "", "")
	}
	return int(res.RowsAffected), nil
}

// AttachQuestion implements faq.Store.
func (db *DB) AttachQuestion(ctx context.Context, questionID, entryID int64, by string) (*faq.Entry, error) {
	var out faqRow
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var q faqQuestionRow
		if err := tx.Where("id = ?", questionID).Take(&q).Error; err != nil {
			return fmt.Errorf("question: %w", err)
		}
		if err := tx.Where("id = ?", entryID).Take(&out).Error; err != nil {
			return fmt.Errorf("entry: %w", err)
		}
		alts := faq.SplitList(out.Alternates)
		text := strings.TrimSpace(q.Text)
		if text != out.Question && !slices.Contains(alts, text) {
			alts = append(alts, text)
		}
		out.Alternates, out.UpdatedBy, out.UpdatedAt = joinList(alts), by, db.now()
		if err := tx.Save(&out).Error; err != nil {
			return err
		}
		return tx.Model(&q).Updates(map[string]any{"status": faq.StatusAttached, "entry_id": entryID}).Error
	})
	switch {
	case err != nil && strings.HasPrefix(err.Error(), "question:"):
		return nil, mapErr(err, "attach question", faq.MsgNoQuestion(questionID), "")
	case err != nil:
		return nil, mapErr(err, "attach question", faq.MsgNoEntry(entryID), "")
	}
	return out.domain(), nil
}

// FAQVersion implements faq.Store: the number of entries and the latest
// change, which every replica compares to know its index is stale.
func (db *DB) FAQVersion(ctx context.Context) (string, error) {
	var v struct {
		N    int64
		Last string
	}
	err := db.conn(ctx).Model(&faqRow{}).Select("COUNT(*) AS n, COALESCE(CAST(MAX(updated_at) AS CHAR), '') AS last").Scan(&v).Error
	if err != nil {
		return "", mapErr(err, "faq version", "", "")
	}
	return strconv.FormatInt(v.N, 10) + "/" + v.Last, nil
}

// SetFAQEnabled implements faq.Store.
func (db *DB) SetFAQEnabled(ctx context.Context, id int64, enabled bool, by string) (*faq.Entry, error) {
	res := db.conn(ctx).Model(&faqRow{}).Where("id = ?", id).
		Updates(map[string]any{"enabled": enabled, "updated_by": by, "updated_at": db.now()})
	if res.Error != nil {
		return nil, mapErr(res.Error, "enable faq", "", "")
	}
	var row faqRow
	if err := db.conn(ctx).First(&row, id).Error; err != nil {
		return nil, mapErr(err, "enable faq", faq.MsgEntryGone(), "")
	}
	return row.domain(), nil
}

// LogQuestion implements faq.Store.
func (db *DB) LogQuestion(ctx context.Context, q *faq.Question) error {
	row := faqQuestionRow{UserID: q.UserID, Text: q.Text, Status: q.Status, EntryID: q.EntryID, CreatedAt: db.now(), AnsweredAt: epoch}
	if row.Status == "" {
		row.Status = faq.StatusUnanswered
	}
	if err := db.conn(ctx).Create(&row).Error; err != nil {
		return mapErr(err, "log question", "", "")
	}
	*q = *row.domain()
	return nil
}

// HandOff implements faq.Store.
func (db *DB) HandOff(ctx context.Context, q *faq.Question, notify func(id int64) []*unionbot.Notice) error {
	now := db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var row faqQuestionRow
		if q.ID != 0 {
			if err := tx.Where("id = ? AND user_id = ?", q.ID, q.UserID).Take(&row).Error; err != nil {
				return err
			}
			if err := tx.Model(&row).Update("status", faq.StatusHanded).Error; err != nil {
				return err
			}
			row.Status = faq.StatusHanded
		} else {
			row = faqQuestionRow{UserID: q.UserID, Text: q.Text, Status: faq.StatusHanded, CreatedAt: now, AnsweredAt: epoch}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		}
		*q = *row.domain()
		return enqueue(tx, now, notify(row.ID)...)
	})
	return mapErr(err, "hand off question", faq.MsgQuestionGone(), "")
}

// GetQuestion implements faq.Store.
func (db *DB) GetQuestion(ctx context.Context, id int64) (*faq.Question, error) {
	var row faqQuestionRow
	if err := db.conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, mapErr(err, "get question", faq.MsgNoQuestion(id), "")
	}
	return row.domain(), nil
}

// AnswerQuestion implements faq.Store.
func (db *DB) AnswerQuestion(ctx context.Context, id int64, by, reply string, n *unionbot.Notice) error {
	now := db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var row faqQuestionRow
		if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
			return err
		}
		err := tx.Model(&row).Updates(map[string]any{
			"status": faq.StatusAnswered, "reply": reply, "replied_by": by, "answered_at": now}).Error
		if err != nil {
			return err
		}
		return enqueue(tx, now, n)
	})
	return mapErr(err, "answer question", faq.MsgNoQuestion(id), "")
}

// SetQuestionStatus implements faq.Store.
func (db *DB) SetQuestionStatus(ctx context.Context, ids []int64, status string) error {
	if len(ids) == 0 {
		return nil
	}
	err := db.conn(ctx).Model(&faqQuestionRow{}).Where("id IN ? AND status IN ?", ids,
		[]string{faq.StatusUnanswered, faq.StatusHanded, faq.StatusUnhelpful}).Update("status", status).Error
	return mapErr(err, "set question status", "", "")
}

// ListQuestions implements faq.Store.
func (db *DB) ListQuestions(ctx context.Context, status string, limit int) ([]*faq.Question, error) {
	q := db.conn(ctx).Order("id DESC")
	if status != "" {
		q = q.Where("status = ?", status)
	}
	if limit > 0 {
		q = q.Limit(limit)
	}
	var rows []faqQuestionRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, mapErr(err, "list questions", "", "")
	}
	out := make([]*faq.Question, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}
