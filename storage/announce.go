package storage

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"time"

	"gorm.io/gorm"

	"unionbot"
	"unionbot/handlers/announce"
)

// planItemRow is one activity of the union calendar.
type planItemRow struct {
	ID int64 `gorm:"primaryKey"`
	// Key identifies an imported item across imports (plan year, month and
	// a hash of the title), so that re-importing finds it; manual items get
	// a random key.
	Key      string `gorm:"column:item_key;size:100;not null;uniqueIndex"`
	PlanYear int    `gorm:"not null;index"`
	Year     int    `gorm:"not null;index:idx_plan_items_month,priority:1"`
	Month    int    `gorm:"not null;index:idx_plan_items_month,priority:2"`
	Day      int
	Title    string `gorm:"size:800;not null"`
	Details  string `gorm:"type:text"`
	Audience string `gorm:"size:128"`
	EventID  int64
	Source   string `gorm:"size:16;not null"`
	Position int
	// Changed: a re-import changed or dropped the item after its month was
	// announced (migration 9).
	Changed   bool `gorm:"not null;default:false"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (planItemRow) TableName() string { return "plan_items" }

func (r *planItemRow) domain() *announce.Item {
	return &announce.Item{ID: r.ID, PlanYear: r.PlanYear, Year: r.Year, Month: r.Month, Day: r.Day, Title: r.Title,
		Details: r.Details, Audience: r.Audience, EventID: r.EventID, Source: r.Source, Position: r.Position,
		Changed: r.Changed}
}

// announceDeliveryRow is the one delivery of a month's announcement; the
// unique month is what makes the push exactly once across replicas.
type announceDeliveryRow struct {
	ID        int64  `gorm:"primaryKey"`
	Month     string `gorm:"size:7;not null;uniqueIndex"` // 2026-12
	Late      bool
	Trigger   string `gorm:"column:push_trigger;size:16"`
	By        string `gorm:"column:pushed_by;size:64"`
	Items     int
	Text      string `gorm:"type:text"`
	CreatedAt time.Time
}

func (announceDeliveryRow) TableName() string { return "announce_deliveries" }

func migrateAnnounce(tx *gorm.DB) error {
	return tx.AutoMigrate(&s5PlanItem{}, &s5AnnounceDelivery{})
}

// migratePlanChanged adds plan_items.changed (migration 9). A database
// created after it was added has the column from migration 5 already.
func migratePlanChanged(tx *gorm.DB) error {
	if tx.Migrator().HasColumn(&s9PlanItem{}, "Changed") {
		return nil
	}
	return tx.Migrator().AddColumn(&s9PlanItem{}, "Changed")
}

func importKey(planYear int, it *announce.Item) string {
	sum := sha1.Sum([]byte(it.Title))
	return fmt.Sprintf("import:%d:%04d-%02d:%s", planYear, it.Year, it.Month, hex.EncodeToString(sum[:12]))
}

// ImportedItems implements announce.Store.
func (db *DB) ImportedItems(ctx context.Context, planYear int) ([]*announce.Item, error) {
	items, err := importedItems(db.conn(ctx), planYear)
	return items, mapErr(err, "list imported plan items", "", "")
}

func importedItems(tx *gorm.DB, planYear int) ([]*announce.Item, error) {
	var rows []planItemRow
	if err := tx.Where("source = ? AND plan_year = ?", announce.SourceImport, planYear).
		Order("year, month, position, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*announce.Item, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// ImportPlan implements announce.Store in one transaction.
func (db *DB) ImportPlan(ctx context.Context, planYear int, diff func(old []*announce.Item) *announce.Diff) (*announce.Diff, error) {
	var d *announce.Diff
	now := db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		old, err := importedItems(tx, planYear)
		if err != nil {
			return err
		}
		d = diff(old)
		for _, it := range d.Added {
			row := &planItemRow{Key: importKey(planYear, it), PlanYear: planYear, Year: it.Year, Month: it.Month, Day: it.Day,
				Title: it.Title, Details: it.Details, Audience: it.Audience, EventID: it.EventID, Source: announce.SourceImport,
				Position: it.Position, CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(row).Error; err != nil {
				return err
			}
			it.ID, it.Source, it.PlanYear = row.ID, row.Source, planYear
		}
		for _, c := range d.Changed {
			it := c.Item
			set := map[string]any{"changed": it.Changed, "updated_at": now}
			if !c.Kept {
				set["title"], set["day"], set["position"], set["item_key"] = it.Title, it.Day, it.Position, importKey(planYear, it)
			}
			if err := tx.Model(&planItemRow{}).Where("id = ?", it.ID).Updates(set).Error; err != nil {
				return err
			}
		}
		for _, it := range d.Same {
			if err := tx.Model(&planItemRow{}).Where("id = ? AND position <> ?", it.ID, it.Position).
				Update("position", it.Position).Error; err != nil {
				return err
			}
		}
		if len(d.Removed) > 0 {
			ids := make([]int64, len(d.Removed))
			for i, it := range d.Removed {
				ids[i] = it.ID
			}
			if err := tx.Where("id IN ?", ids).Delete(&planItemRow{}).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, mapErr(err, "import plan items", "", announce.MsgImportBusy())
	}
	return d, nil
}

// AddItem implements announce.Store.
func (db *DB) AddItem(ctx context.Context, it *announce.Item) error {
	b := make([]byte, 8)
	rand.Read(b)
	now := db.now()
	row := &planItemRow{Key: "manual:" + hex.EncodeToString(b), Year: it.Year, Month: it.Month, Day: it.Day,
		Title: it.Title, Details: it.Details, Audience: it.Audience, EventID: it.EventID, Source: announce.SourceManual,
		Position: 1000 + it.Position, CreatedAt: now, UpdatedAt: now}
	if err := db.conn(ctx).Create(row).Error; err != nil {
		return mapErr(err, "add plan item", "", "")
	}
	it.ID, it.Source = row.ID, row.Source
	return nil
}

// ListItems implements announce.Store.
func (db *DB) ListItems(ctx context.Context, year, month int) ([]*announce.Item, error) {
	q := db.conn(ctx).Where("year = ?", year)
	if month > 0 {
		q = q.Where("month = ?", month)
	}
	var rows []planItemRow
	if err := q.Order("month, day, position, id").Find(&rows).Error; err != nil {
		return nil, mapErr(err, "list plan items", "", "")
	}
	out := make([]*announce.Item, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// CreateDelivery implements announce.Store: the delivery row and its
// notices commit together, and the unique month refuses a second one.
func (db *DB) CreateDelivery(ctx context.Context, d *announce.Delivery, notices []*unionbot.Notice) error {
	now := db.now()
	row := &announceDeliveryRow{Month: d.Month.String(), Late: d.Late, Trigger: d.Trigger, By: d.By, Items: d.Items,
		Text: d.Text, CreatedAt: now}
	err := db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		return enqueue(tx, now, notices...)
	})
	if err != nil {
		return mapErr(err, "create announcement delivery", "", announce.MsgAlreadySent())
	}
	d.ID, d.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// FindDelivery implements announce.Store.
func (db *DB) FindDelivery(ctx context.Context, month announce.YM) (*announce.Delivery, error) {
	var row announceDeliveryRow
	err := db.conn(ctx).Where("month = ?", month.String()).First(&row).Error
	if err != nil {
		return nil, mapErr(err, "find announcement delivery", announce.MsgNotSent(), "")
	}
	return row.domain(), nil
}

// ListDeliveries implements announce.Store.
func (db *DB) ListDeliveries(ctx context.Context, limit int) ([]*announce.Delivery, error) {
	if limit <= 0 {
		limit = 24
	}
	var rows []announceDeliveryRow
	if err := db.conn(ctx).Order("month DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, mapErr(err, "list announcement deliveries", "", "")
	}
	out := make([]*announce.Delivery, len(rows))
	refs := make([]string, len(rows))
	byRef := map[string]*announce.Delivery{}
	for i := range rows {
		out[i] = rows[i].domain()
		refs[i] = out[i].Month.Ref()
		byRef[refs[i]] = out[i]
	}
	if len(refs) == 0 {
		return out, nil
	}
	var ns []noticeRow
	if err := db.conn(ctx).Where("kind = ? AND ref IN ?", "announce", refs).Order("id").Find(&ns).Error; err != nil {
		return nil, mapErr(err, "list announcement notices", "", "")
	}
	for i := range ns {
		if d := byRef[ns[i].Ref]; d != nil {
			d.Notices = append(d.Notices, ns[i].domain())
		}
	}
	return out, nil
}

func (r *announceDeliveryRow) domain() *announce.Delivery {
	ym, _ := announce.ParseYM(r.Month)
	return &announce.Delivery{ID: r.ID, Month: ym, Late: r.Late, Trigger: r.Trigger, By: r.By, Items: r.Items,
		Text: r.Text, CreatedAt: r.CreatedAt}
}
