package storage

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"unionbot"
	"unionbot/handlers/account"
)

// linkRow joins an Official Account follower to a WeCom member.
type linkRow struct {
	FollowerID string `gorm:"primaryKey;size:64"`
	UserID     string `gorm:"size:64;not null;index"`
	LinkedBy   string `gorm:"size:64"`
	CreatedAt  time.Time
}

func (linkRow) TableName() string { return "member_links" }

// linkCodeRow is a binding code a member asked for in WeCom.
type linkCodeRow struct {
	Code      string    `gorm:"primaryKey;size:16"`
	UserID    string    `gorm:"size:64;not null;uniqueIndex"`
	ExpiresAt time.Time `gorm:"not null"`
}

func (linkCodeRow) TableName() string { return "link_codes" }

// SaveLinkCode implements account.Store.
func (db *DB) SaveLinkCode(ctx context.Context, userID, code string, expires time.Time) error {
	return mapErr(db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("user_id = ?", userID).Delete(&linkCodeRow{}).Error; err != nil {
			return err
		}
		return tx.Create(&linkCodeRow{Code: code, UserID: userID, ExpiresAt: expires.UTC()}).Error
	}), "save link code", "", "link code clash")
}

// TakeLinkCode implements account.Store: the code is used up whether or not
// it was still valid.
func (db *DB) TakeLinkCode(ctx context.Context, code string, now time.Time) (string, error) {
	var row linkCodeRow
	err := db.transact(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("code = ?", code).Take(&row).Error; err != nil {
			return err
		}
		return tx.Where("code = ?", code).Delete(&linkCodeRow{}).Error
	})
	if err != nil {
		return "", mapErr(err, "take link code", "no such code", "")
	}
	if row.ExpiresAt.Before(now) {
		return "", unionbot.Errorf(unionbot.ENOTFOUND, "code expired")
	}
	return row.UserID, nil
}

// SaveLink implements account.Store; a follower linked again moves.
func (db *DB) SaveLink(ctx context.Context, l *account.Link) error {
	row := linkRow{FollowerID: l.FollowerID, UserID: l.UserID, LinkedBy: l.LinkedBy, CreatedAt: l.CreatedAt.UTC()}
	err := db.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "follower_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"user_id", "linked_by", "created_at"}),
	}).Create(&row).Error
	if err == nil && db.links != nil {
		db.links.Store(l.FollowerID, l.UserID)
	}
	return mapErr(err, "save link", "", "")
}

// DeleteLinks implements account.Store.
func (db *DB) DeleteLinks(ctx context.Context, id string) (int, error) {
	col := "user_id"
	if unionbot.IsWeChatUser(id) {
		col = "follower_id"
	}
	res := db.conn(ctx).Where(col+" = ?", id).Delete(&linkRow{})
	if res.Error == nil && db.links != nil {
		db.links.Clear() // by member: which followers is not known here
	}
	return int(res.RowsAffected), mapErr(res.Error, "delete links", "", "")
}

// LinkedUser implements account.Store.
// Every message from a follower asks, so with CacheSessions the answer
// (a member, or none) is kept in memory and changed by SaveLink and
// DeleteLinks.
func (db *DB) LinkedUser(ctx context.Context, followerID string) (string, error) {
	if db.links != nil {
		if v, ok := db.links.Load(followerID); ok {
			if uid := v.(string); uid != "" {
				return uid, nil
			}
			return "", unionbot.Errorf(unionbot.ENOTFOUND, "no link")
		}
	}
	var row linkRow
	err := db.conn(ctx).Where("follower_id = ?", followerID).Take(&row).Error
	if db.links != nil && (err == nil || errors.Is(err, gorm.ErrRecordNotFound)) {
		db.links.Store(followerID, row.UserID)
	}
	return row.UserID, mapErr(err, "find link", "no link", "")
}

// ListLinks implements account.Store.
func (db *DB) ListLinks(ctx context.Context) ([]*account.Link, error) {
	var rows []linkRow
	if err := db.conn(ctx).Order("created_at").Find(&rows).Error; err != nil {
		return nil, mapErr(err, "list links", "", "")
	}
	out := make([]*account.Link, len(rows))
	for i, r := range rows {
		out[i] = &account.Link{FollowerID: r.FollowerID, UserID: r.UserID, LinkedBy: r.LinkedBy, CreatedAt: r.CreatedAt}
	}
	return out, nil
}
