package storage

import (
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// migrateChannels (step 7) gives Official Account followers their own id
// space. Until now a follower's openid was used as is, beside WeCom user
// ids, so a forged openid equal to an admin's user id acted as that admin.
// Every row of a member who first wrote from the Official Account is
// renamed to "oa:<openid>", in every table that names a user; nothing is
// dropped. The step's tables are written out here, not taken from today's
// row types, so that it means the same whenever it runs.
func migrateChannels(tx *gorm.DB) error {
	type callbackReplay struct {
		Key       string    `gorm:"primaryKey;size:191"`
		FirstSeen time.Time `gorm:"not null"`
		ExpiresAt time.Time `gorm:"not null;index"`
	}
	type memberLink struct {
		FollowerID string `gorm:"primaryKey;size:64"`
		UserID     string `gorm:"size:64;not null;index"`
		LinkedBy   string `gorm:"size:64"`
		CreatedAt  time.Time
	}
	type linkCode struct {
		Code      string    `gorm:"primaryKey;size:16"`
		UserID    string    `gorm:"size:64;not null;uniqueIndex"`
		ExpiresAt time.Time `gorm:"not null"`
	}
	for name, v := range map[string]any{"callback_replays": &callbackReplay{}, "member_links": &memberLink{}, "link_codes": &linkCode{}} {
		if err := tx.Table(name).AutoMigrate(v); err != nil {
			return fmt.Errorf("create %s: %w", name, err)
		}
	}

	var followers []string
	if err := tx.Table("members").Where("channel = ? AND user_id NOT LIKE ?", "wechat", "oa:%").Pluck("user_id", &followers).Error; err != nil {
		return fmt.Errorf("find followers: %w", err)
	}
	columns := []struct{ table, column string }{
		{"members", "user_id"}, {"sessions", "user_id"}, {"signups", "user_id"}, {"signup_team_members", "user_id"},
		{"proposals", "author_id"}, {"proposal_seconders", "user_id"}, {"proposal_log", "by_user"},
		{"faq_questions", "user_id"}, {"faq_questions", "replied_by"},
	}
	for _, id := range followers {
		for _, c := range columns {
			if err := tx.Table(c.table).Where(c.column+" = ?", id).Update(c.column, "oa:"+id).Error; err != nil {
				return fmt.Errorf("rename follower in %s.%s: %w", c.table, c.column, err)
			}
		}
	}
	if len(followers) == 0 {
		return nil
	}
	// Notices not sent yet keep their recipients "|"-separated.
	type pending struct {
		ID      int64
		ToUsers string
	}
	var ns []pending
	if err := tx.Table("notices").Select("id, to_users").Where("status = ?", "pending").Find(&ns).Error; err != nil {
		return fmt.Errorf("read pending notices: %w", err)
	}
	isFollower := map[string]bool{}
	for _, id := range followers {
		isFollower[id] = true
	}
	for _, n := range ns {
		to := strings.Split(n.ToUsers, "|")
		renamed := 0
		for i, u := range to {
			if isFollower[u] {
				to[i] = "oa:" + u
				renamed++
			}
		}
		if renamed > 0 {
			up := map[string]any{"to_users": strings.Join(to, "|")}
			if renamed == len(to) { // mixed ones are split by the sender
				up["channel"] = "wechat"
			}
			if err := tx.Table("notices").Where("id = ?", n.ID).Updates(up).Error; err != nil {
				return fmt.Errorf("rename followers in notice %d: %w", n.ID, err)
			}
		}
	}
	return nil
}
