package storage

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"unionbot"
	"unionbot/handlers/care"
)

// lockCase bumps the case's counter, which takes its row lock for the rest
// of tx, and returns the case as it stands under the lock.
func lockCase(tx *gorm.DB, id int64) (*careCaseRow, error) {
	res := tx.Model(&careCaseRow{}).Where("id = ?", id).Update("seq", gorm.Expr("seq + 1"))
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, gorm.ErrRecordNotFound
	}
	var row careCaseRow
	if err := tx.Take(&row, id).Error; err != nil {
		return nil, err
	}
	return &row, nil
}

// saveStep stores what a step changed on the case, its log entry and its
// notices.
func (db *DB) saveStep(tx *gorm.DB, c *care.Case, entry *care.LogEntry, ns []*unionbot.Notice) error {
	now := db.now()
	if err := tx.Model(&careCaseRow{}).Where("id = ?", c.ID).Updates(map[string]any{
		"status": c.Status, "assignee_id": c.AssigneeID, "acted_at": toDB(c.ActedAt), "updated_at": now}).Error; err != nil {
		return err
	}
	if entry != nil {
		if err := tx.Create(&careLogRow{CaseID: c.ID, At: now, ByUser: entry.By, Action: entry.Action, Note: entry.Note}).Error; err != nil {
			return err
		}
	}
	return enqueue(tx, now, ns...)
}

// UpdateCase implements care.Store.
func (db *DB) UpdateCase(ctx context.Context, id int64, change func(*care.Case) (*care.LogEntry, []*unionbot.Notice, error)) (*care.Case, error) {
	var out *care.Case
	err := db.transact(ctx, func(tx *gorm.DB) error {
		row, err := lockCase(tx, id)
		if err != nil {
			return err
		}
		c := row.domain()
		entry, ns, err := change(c)
		if err != nil {
			return err
		}
		if err := db.saveStep(tx, c, entry, ns); err != nil {
			return err
		}
		out, err = caseWithLog(tx, id)
		return err
	})
	if err != nil {
		return nil, mapErr(err, "update care case", caseNotFound(), "")
	}
	return out, nil
}

// PayCase implements care.Store. The member-year row is made before the
// transaction (idempotently), so that inside it one UPDATE takes its lock
// and concurrent payments to the member queue behind each other.
func (db *DB) PayCase(ctx context.Context, id int64, p *care.Payment, pay func(*care.Case, []care.Payment, *care.Payment) (*care.LogEntry, []*unionbot.Notice, error)) (*care.Case, error) {
	var row careCaseRow
	if err := db.conn(ctx).Take(&row, id).Error; err != nil {
		return nil, mapErr(err, "find care case", caseNotFound(), "")
	}
	key := row.domain().MemberKey()
	my := careMemberYearRow{MemberKey: key, Year: p.Year}
	if err := db.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&my).Error; err != nil {
		return nil, fmt.Errorf("care member year: %w", err)
	}
	var out *care.Case
	err := db.transact(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&careMemberYearRow{}).Where("member_key = ? AND year = ?", key, p.Year).Update("seq", gorm.Expr("seq + 1"))
		if res.Error != nil {
			return res.Error
		}
		row, err := lockCase(tx, id)
		if err != nil {
			return err
		}
		var prior []carePaymentRow
		if err := tx.Where("member_key = ? AND year = ?", key, p.Year).Order("id").Find(&prior).Error; err != nil {
			return err
		}
		earlier := make([]care.Payment, len(prior))
		for i := range prior {
			earlier[i] = prior[i].domain()
		}
		c := row.domain()
		entry, ns, err := pay(c, earlier, p)
		if err != nil {
			return err
		}
		pr := carePaymentRow{CaseID: c.ID, MemberKey: key, Year: p.Year, Name: p.Name, Department: p.Department, Kind: p.Kind,
			PaidOn: toDB(p.PaidOn), AmountFen: p.AmountFen, Goods: p.Goods, Handler: p.Handler, ReceiptNo: p.ReceiptNo,
			Note: p.Note, Override: p.Override, Broken: p.Broken, CreatedBy: p.CreatedBy, CreatedAt: db.now()}
		if err := tx.Create(&pr).Error; err != nil {
			return err
		}
		p.ID, p.MemberKey, p.CreatedAt = pr.ID, key, pr.CreatedAt
		if err := db.saveStep(tx, c, entry, ns); err != nil {
			return err
		}
		out, err = caseWithLog(tx, id)
		return err
	})
	if err != nil {
		return nil, mapErr(err, "pay care case", caseNotFound(), "")
	}
	return out, nil
}

// ListPayments implements care.Store.
func (db *DB) ListPayments(ctx context.Context, year int) ([]care.Payment, error) {
	var rows []carePaymentRow
	if err := db.conn(ctx).Where("year = ?", year).Order("paid_on, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list care payments: %w", err)
	}
	out := make([]care.Payment, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// ListReads implements care.Store.
func (db *DB) ListReads(ctx context.Context, ref string) ([]care.Read, error) {
	var rows []careAccessRow
	if err := db.conn(ctx).Where("ref = ?", ref).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list care reads: %w", err)
	}
	out := make([]care.Read, len(rows))
	for i, r := range rows {
		out[i] = care.Read{Ref: r.Ref, By: r.ByUser, Action: r.Action, At: r.At.UTC()}
	}
	return out, nil
}

// AddPayments implements care.Store.
func (db *DB) AddPayments(ctx context.Context, ps []care.Payment) error {
	now := db.now()
	return mapErr(db.transact(ctx, func(tx *gorm.DB) error {
		for _, p := range ps {
			row := carePaymentRow{CaseID: p.CaseID, MemberKey: p.MemberKey, Year: p.Year, Name: p.Name, Department: p.Department,
				Kind: p.Kind, PaidOn: toDB(p.PaidOn), AmountFen: p.AmountFen, Goods: p.Goods, Handler: p.Handler,
				ReceiptNo: p.ReceiptNo, Note: p.Note, CreatedBy: p.CreatedBy, CreatedAt: now}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		}
		return nil
	}), "add care payments", "", "")
}

// LogAccess implements care.Store.
func (db *DB) LogAccess(ctx context.Context, ref, by, action string) error {
	err := db.conn(ctx).Create(&careAccessRow{Ref: ref, ByUser: by, Action: action, At: db.now()}).Error
	return mapErr(err, "log care access", "", "")
}
