package storage

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"unionbot"
)

type memberRow struct {
	ID         int64  `gorm:"primaryKey"`
	UserID     string `gorm:"size:64;not null;uniqueIndex"`
	Name       string `gorm:"size:64"`
	Department string `gorm:"size:128;index"`
	Tags       string `gorm:"size:512"` // ",tag1,tag2," so LIKE '%,tag,%' finds a tag
	Role       string `gorm:"size:16;not null;default:member"`
	Channel    string `gorm:"size:16"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (memberRow) TableName() string { return "members" }

func (r *memberRow) domain() *unionbot.Member {
	return &unionbot.Member{
		UserID: r.UserID, Name: r.Name, Department: r.Department, Tags: splitTags(r.Tags),
		Role: r.Role, Channel: r.Channel, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

func joinTags(tags []string) string {
	var clean []string
	for _, t := range tags {
		if t = strings.TrimSpace(t); t != "" && !strings.Contains(t, ",") {
			clean = append(clean, t)
		}
	}
	if len(clean) == 0 {
		return ""
	}
	return "," + strings.Join(clean, ",") + ","
}

func splitTags(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t != "" {
			out = append(out, t)
		}
	}
	return out
}

// EnsureMember implements unionbot.MemberStore.
func (db *DB) EnsureMember(ctx context.Context, userID, channel string) (*unionbot.Member, bool, error) {
	if userID == "" {
		return nil, false, unionbot.ErrNoUserID()
	}
	now := db.now()
	row := memberRow{UserID: userID, Role: unionbot.RoleMember, Channel: channel, CreatedAt: now, UpdatedAt: now}
	res := db.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil {
		return nil, false, mapErr(res.Error, "ensure member "+userID, "", "")
	}
	created := res.RowsAffected == 1
	m, err := db.FindMember(ctx, userID)
	return m, created, err
}

// FindMember implements unionbot.MemberStore.
func (db *DB) FindMember(ctx context.Context, userID string) (*unionbot.Member, error) {
	var row memberRow
	err := db.conn(ctx).Where("user_id = ?", userID).Take(&row).Error
	if err != nil {
		return nil, mapErr(err, "find member "+userID, unionbot.MsgMemberNotFound(userID), "")
	}
	return row.domain(), nil
}

// SaveMember implements unionbot.MemberStore.
func (db *DB) SaveMember(ctx context.Context, m *unionbot.Member) error {
	if m.UserID == "" {
		return unionbot.ErrNoUserID()
	}
	if m.Role == "" {
		m.Role = unionbot.RoleMember
	}
	now := db.now()
	row := memberRow{UserID: m.UserID, Name: m.Name, Department: m.Department, Tags: joinTags(m.Tags),
		Role: m.Role, Channel: m.Channel, CreatedAt: now, UpdatedAt: now}
	// In a transaction, so that an admin's audit entry (audit.Begin)
	// commits with the change.
	err := db.transact(ctx, func(tx *gorm.DB) error {
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "user_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"name", "department", "tags", "role", "updated_at"}),
		}).Create(&row).Error
	})
	return mapErr(err, "save member "+m.UserID, "", "")
}

// SetProfile implements unionbot.MemberStore: only the name and the
// department change, so an address-book lookup finishing late never undoes
// tags or a role staff set meanwhile.
func (db *DB) SetProfile(ctx context.Context, userID, name, department string) error {
	res := db.conn(ctx).Model(&memberRow{}).Where("user_id = ?", userID).
		Updates(map[string]any{"name": name, "department": department, "updated_at": db.now()})
	if res.Error != nil {
		return mapErr(res.Error, "set profile "+userID, "", "")
	}
	if res.RowsAffected == 0 {
		return unionbot.Errorf(unionbot.ENOTFOUND, "%s", unionbot.MsgMemberNotFound(userID))
	}
	return nil
}

// ListMembers implements unionbot.MemberStore.
func (db *DB) ListMembers(ctx context.Context, f unionbot.MemberFilter) ([]*unionbot.Member, error) {
	q := db.conn(ctx).Model(&memberRow{}).Order("department, user_id")
	q = memberFilter(q, f)
	if f.Limit > 0 {
		q = q.Limit(f.Limit).Offset(f.Offset)
	}
	var rows []memberRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, mapErr(err, "list members", "", "")
	}
	out := make([]*unionbot.Member, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

func memberFilter(q *gorm.DB, f unionbot.MemberFilter) *gorm.DB {
	if f.Department != "" {
		q = q.Where("department = ?", f.Department)
	}
	if f.Tag != "" {
		q = q.Where("tags LIKE ?", "%,"+f.Tag+",%")
	}
	if f.Query != "" {
		like := "%" + f.Query + "%"
		q = q.Where("user_id LIKE ? OR name LIKE ?", like, like)
	}
	return q
}

// CountMembers implements unionbot.MemberStore.
func (db *DB) CountMembers(ctx context.Context) (int, error) {
	var n int64
	err := db.conn(ctx).Model(&memberRow{}).Count(&n).Error
	return int(n), mapErr(err, "count members", "", "")
}
