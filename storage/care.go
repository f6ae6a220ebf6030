package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"unionbot"
	"unionbot/handlers/care"
)

// careCaseRow is a care case. Seq is bumped by every change, which takes
// the case's row lock for the rest of the transaction.
type careCaseRow struct {
	ID          int64  `gorm:"primaryKey"`
	Kind        string `gorm:"size:32;not null"`
	SubjectID   string `gorm:"size:64;index"`
	SubjectName string `gorm:"size:64"`
	Department  string `gorm:"size:128"`
	ReporterID  string `gorm:"size:64;index"`
	AssigneeID  string `gorm:"size:64"`
	Status      string `gorm:"size:16;not null;index"`
	Summary     string `gorm:"type:text"`
	OccurredOn  time.Time
	ActedAt     time.Time
	Seq         int64 `gorm:"not null;default:0"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (careCaseRow) TableName() string { return "care_cases" }

// careLogRow is one step of a case; rows are only ever inserted.
type careLogRow struct {
	ID     int64     `gorm:"primaryKey"`
	CaseID int64     `gorm:"not null;index"`
	At     time.Time `gorm:"not null"`
	ByUser string    `gorm:"size:64"`
	Action string    `gorm:"size:16;not null"`
	Note   string    `gorm:"type:text"`
}

func (careLogRow) TableName() string { return "care_case_log" }

type carePaymentRow struct {
	ID         int64  `gorm:"primaryKey"`
	CaseID     int64  `gorm:"not null;index"`
	MemberKey  string `gorm:"size:80;not null;index:idx_care_payments_member_year,priority:1"`
	Year       int    `gorm:"not null;index:idx_care_payments_member_year,priority:2;index"`
	Name       string `gorm:"size:64"`
	Department string `gorm:"size:128"`
	Kind       string `gorm:"size:32;not null"`
	PaidOn     time.Time
	AmountFen  int64  `gorm:"not null"`
	Goods      string `gorm:"size:200"`
	Handler    string `gorm:"size:64"`
	ReceiptNo  string `gorm:"size:64"`
	Note       string `gorm:"type:text"`
	Override   string `gorm:"type:text"`
	Broken     string `gorm:"type:text"`
	CreatedBy  string `gorm:"size:64"`
	CreatedAt  time.Time
}

func (carePaymentRow) TableName() string { return "care_payments" }

// careMemberYearRow is a member's yearly ledger: its row lock orders the
// payments to one member in one year, so the caps hold under concurrency.
type careMemberYearRow struct {
	ID        int64  `gorm:"primaryKey"`
	MemberKey string `gorm:"size:80;not null;uniqueIndex:idx_care_member_year,priority:1"`
	Year      int    `gorm:"not null;uniqueIndex:idx_care_member_year,priority:2"`
	Seq       int64  `gorm:"not null;default:0"`
}

func (careMemberYearRow) TableName() string { return "care_member_years" }

type careSettingsRow struct {
	ID        int64  `gorm:"primaryKey;autoIncrement:false"`
	Rules     string `gorm:"type:text"` // JSON care.Rules
	UpdatedAt time.Time
}

func (careSettingsRow) TableName() string { return "care_settings" }

type careStaffRow struct {
	ID        int64  `gorm:"primaryKey"`
	UserID    string `gorm:"size:64;not null;uniqueIndex"`
	GrantedBy string `gorm:"size:64"`
	GrantedAt time.Time
}

func (careStaffRow) TableName() string { return "care_staff" }

// careAccessRow is one read of a record or one grant of the care role.
type careAccessRow struct {
	ID     int64     `gorm:"primaryKey"`
	Ref    string    `gorm:"size:80;not null;index"`
	ByUser string    `gorm:"size:64"`
	Action string    `gorm:"size:16;not null"`
	At     time.Time `gorm:"not null"`
}

func (careAccessRow) TableName() string { return "care_access_log" }

func (r *careCaseRow) domain() *care.Case {
	return &care.Case{ID: r.ID, Kind: r.Kind, SubjectID: r.SubjectID, SubjectName: r.SubjectName, Department: r.Department,
		ReporterID: r.ReporterID, AssigneeID: r.AssigneeID, Status: r.Status, Summary: r.Summary,
		OccurredOn: fromDB(r.OccurredOn), ActedAt: fromDB(r.ActedAt), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func (r *carePaymentRow) domain() care.Payment {
	return care.Payment{ID: r.ID, CaseID: r.CaseID, MemberKey: r.MemberKey, Name: r.Name, Department: r.Department, Kind: r.Kind,
		Year: r.Year, PaidOn: fromDB(r.PaidOn), AmountFen: r.AmountFen, Goods: r.Goods, Handler: r.Handler, ReceiptNo: r.ReceiptNo,
		Note: r.Note, Override: r.Override, Broken: r.Broken, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC()}
}

func caseNotFound() string { return care.MsgCaseNotFound }

// IsCareStaff implements care.Store.
func (db *DB) IsCareStaff(ctx context.Context, userID string) (bool, error) {
	var n int64
	if err := db.conn(ctx).Model(&careStaffRow{}).Where("user_id = ?", userID).Count(&n).Error; err != nil {
		return false, fmt.Errorf("care staff %s: %w", userID, err)
	}
	return n > 0, nil
}

// SetCareStaff implements care.Store; the grant is written to the access log.
func (db *DB) SetCareStaff(ctx context.Context, userID, by string, on bool) error {
	now := db.now()
	return mapErr(db.transact(ctx, func(tx *gorm.DB) error {
		action := care.ActRevoke
		if on {
			action = care.ActGrant
			row := careStaffRow{UserID: userID, GrantedBy: by, GrantedAt: now}
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
				return err
			}
		} else if err := tx.Where("user_id = ?", userID).Delete(&careStaffRow{}).Error; err != nil {
			return err
		}
		return tx.Create(&careAccessRow{Ref: "staff:" + userID, ByUser: by, Action: action, At: now}).Error
	}), "set care staff "+userID, "", "")
}

// ListCareStaff implements care.Store.
func (db *DB) ListCareStaff(ctx context.Context) ([]string, error) {
	var ids []string
	err := db.conn(ctx).Model(&careStaffRow{}).Order("user_id").Pluck("user_id", &ids).Error
	return ids, mapErr(err, "list care staff", "", "")
}

// LoadCareRules implements care.Store.
func (db *DB) LoadCareRules(ctx context.Context) (care.Rules, bool, error) {
	var row careSettingsRow
	err := db.conn(ctx).Take(&row, 1).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return care.Rules{}, false, nil
	} else if err != nil {
		return care.Rules{}, false, fmt.Errorf("load care rules: %w", err)
	}
	var r care.Rules
	if err := json.Unmarshal([]byte(row.Rules), &r); err != nil {
		return care.Rules{}, false, fmt.Errorf("decode care rules: %w", err)
	}
	return r, true, nil
}

// SaveCareRules implements care.Store.
func (db *DB) SaveCareRules(ctx context.Context, r care.Rules) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	row := careSettingsRow{ID: 1, Rules: string(b), UpdatedAt: db.now()}
	err = db.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"rules", "updated_at"})}).Create(&row).Error
	return mapErr(err, "save care rules", "", "")
}

// CreateCase implements care.Store.
func (db *DB) CreateCase(ctx context.Context, c *care.Case, notify func(*care.Case) []*unionbot.Notice) error {
	now := db.now()
	row := careCaseRow{Kind: c.Kind, SubjectID: c.SubjectID, SubjectName: c.SubjectName, Department: c.Department,
		ReporterID: c.ReporterID, AssigneeID: c.AssigneeID, Status: c.Status, Summary: c.Summary,
		OccurredOn: toDB(c.OccurredOn), ActedAt: toDB(c.ActedAt), CreatedAt: now, UpdatedAt: now}
	err := db.transact(ctx, func(tx *gorm.DB) error {
		row.ID = 0
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		entry := careLogRow{CaseID: row.ID, At: now, ByUser: c.ReporterID, Action: care.ActReport, Note: c.Summary}
		if err := tx.Create(&entry).Error; err != nil {
			return err
		}
		*c = *row.domain()
		c.Log = []care.LogEntry{logDomain(entry)}
		return enqueue(tx, now, notify(c)...)
	})
	return mapErr(err, "create care case", "", "")
}

func logDomain(r careLogRow) care.LogEntry {
	return care.LogEntry{ID: r.ID, CaseID: r.CaseID, At: r.At.UTC(), By: r.ByUser, Action: r.Action, Note: r.Note}
}

// GetCase implements care.Store.
func (db *DB) GetCase(ctx context.Context, id int64, readBy string) (*care.Case, error) {
	if readBy != "" {
		read := careAccessRow{Ref: "case:" + strconv.FormatInt(id, 10), ByUser: readBy, Action: care.ActRead, At: db.now()}
		var row careCaseRow
		if err := db.conn(ctx).Select("id").Take(&row, id).Error; err != nil {
			return nil, mapErr(err, "find care case", caseNotFound(), "")
		}
		if err := db.conn(ctx).Create(&read).Error; err != nil {
			return nil, fmt.Errorf("log care read: %w", err)
		}
	}
	return caseWithLog(db.conn(ctx), id)
}

func caseWithLog(tx *gorm.DB, id int64) (*care.Case, error) {
	var row careCaseRow
	if err := tx.Take(&row, id).Error; err != nil {
		return nil, mapErr(err, "find care case", caseNotFound(), "")
	}
	c := row.domain()
	var logs []careLogRow
	if err := tx.Where("case_id = ?", id).Order("id").Find(&logs).Error; err != nil {
		return nil, fmt.Errorf("care case log: %w", err)
	}
	for _, l := range logs {
		c.Log = append(c.Log, logDomain(l))
	}
	return c, nil
}

// ListCases implements care.Store, newest first.
func (db *DB) ListCases(ctx context.Context, f care.CaseFilter) ([]*care.Case, error) {
	q := db.conn(ctx).Order("id DESC")
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Year > 0 {
		from := time.Date(f.Year, 1, 1, 0, 0, 0, 0, time.UTC)
		q = q.Where("created_at >= ? AND created_at < ?", from, from.AddDate(1, 0, 0))
	}
	if f.Involves != "" {
		q = q.Where("reporter_id = ? OR subject_id = ?", f.Involves, f.Involves)
	}
	var rows []careCaseRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list care cases: %w", err)
	}
	out := make([]*care.Case, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}
