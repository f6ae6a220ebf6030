package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"unionbot"
	"unionbot/handlers/signup"
)

// teamMemberRow is a teammate named by a captain. Rows of an event are
// written only under the event's row lock (lockEvent), which is what keeps
// a teacher on one team, and off the teams when signed up alone.
type teamMemberRow struct {
	ID        int64  `gorm:"primaryKey"`
	EventID   int64  `gorm:"not null;index:idx_signup_team_user,priority:1"`
	EntryID   int64  `gorm:"not null;index"` // the captain's entry
	UserID    string `gorm:"size:64;not null;index:idx_signup_team_user,priority:2"`
	Name      string `gorm:"size:64"`
	Status    string `gorm:"size:16;not null"`
	UpdatedAt time.Time
}

func (teamMemberRow) TableName() string { return "signup_team_members" }

// migrateTeamUserIndex (step 21) indexes team memberships by teacher: the
// teams a teacher is in, asked on every 报名 and 我的报名, read the whole
// table (the (event_id, user_id) index needs the event).
func migrateTeamUserIndex(tx *gorm.DB) error {
	return tx.Exec("CREATE INDEX idx_signup_team_members_user ON signup_team_members (user_id)").Error
}

// migrateTeams adds the team tables and columns, and events' reminder to
// members who have not signed up.
func migrateTeams(tx *gorm.DB) error {
	return tx.AutoMigrate(&s6Event{}, &s6Entry{}, &s6TeamMember{})
}

// teamOf is the name of the live team userID was named in for the event
// (pending or accepted), "" when none.
func teamOf(tx *gorm.DB, eventID int64, userID string) (string, error) {
	var teams []string
	err := tx.Table("signup_team_members AS m").Joins("JOIN signups AS s ON s.id = m.entry_id").
		Where("m.event_id = ? AND m.user_id = ? AND m.status <> ? AND s.status <> ?", eventID, userID, signup.MemberDeclined, signup.EntryCancelled).
		Limit(1).Pluck("s.team", &teams).Error
	if err != nil || len(teams) == 0 {
		return "", err
	}
	return teams[0], nil
}

// teamsOf is teamOf for several teachers in one query: each one's team
// ("" for none, and absent from the map).
func teamsOf(tx *gorm.DB, eventID int64, userIDs []string) (map[string]string, error) {
	var found []struct{ UserID, Team string }
	err := tx.Table("signup_team_members AS m").Joins("JOIN signups AS s ON s.id = m.entry_id").
		Select("m.user_id AS user_id, s.team AS team").
		Where("m.event_id = ? AND m.user_id IN ? AND m.status <> ? AND s.status <> ?", eventID, userIDs, signup.MemberDeclined, signup.EntryCancelled).
		Scan(&found).Error
	if err != nil {
		return nil, err
	}
	teams := make(map[string]string, len(found))
	for _, f := range found {
		teams[f.UserID] = f.Team
	}
	return teams, nil
}

func teamMembers(tx *gorm.DB, entryID int64) ([]signup.TeamMember, error) {
	var rows []teamMemberRow
	if err := tx.Where("entry_id = ?", entryID).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("team members: %w", err)
	}
	out := make([]signup.TeamMember, len(rows))
	for i, r := range rows {
		out[i] = signup.TeamMember{UserID: r.UserID, Name: r.Name, Status: r.Status}
	}
	return out, nil
}

// SignUpTeam implements signup.Store.
func (db *DB) SignUpTeam(ctx context.Context, e *signup.Entry, invite func(*signup.Event, *signup.Entry) *unionbot.Notice) error {
	now := db.now()
	return db.signUp(ctx, e, func(tx *gorm.DB, ev *eventRow, row *entryRow) error {
		for i, m := range e.Members {
			if m.UserID == e.UserID {
				return signup.ErrCaptainListed()
			}
			var n int64
			if err := tx.Model(&entryRow{}).Where("event_id = ? AND user_id = ? AND status <> ?", ev.ID, m.UserID, signup.EntryCancelled).
				Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return signup.ErrTeammateSignedUp(m.Name, ev.Title)
			}
			if team, err := teamOf(tx, ev.ID, m.UserID); err != nil {
				return err
			} else if team != "" {
				return signup.ErrTeammateOnTeam(m.Name, team)
			}
			e.Members[i].Status = signup.MemberPending
			if err := tx.Create(&teamMemberRow{EventID: ev.ID, EntryID: row.ID, UserID: m.UserID, Name: m.Name,
				Status: signup.MemberPending, UpdatedAt: now}).Error; err != nil {
				return err
			}
		}
		if invite == nil {
			return nil
		}
		entry := row.domain()
		entry.Members = e.Members
		return enqueue(tx, now, invite(ev.domain(), entry))
	})
}

// AnswerInvite implements signup.Store.
func (db *DB) AnswerInvite(ctx context.Context, eventID int64, userID string, accept bool, tell func(*signup.Event, *signup.Entry) *unionbot.Notice) (*signup.Entry, error) {
	now := db.now()
	var entry *signup.Entry
	err := db.transact(ctx, func(tx *gorm.DB) error {
		ev, err := lockEvent(tx, eventID)
		if err != nil {
			return err
		}
		var m teamMemberRow
		err = tx.Table("signup_team_members AS m").Select("m.*").Joins("JOIN signups AS s ON s.id = m.entry_id").
			Where("m.event_id = ? AND m.user_id = ? AND m.status = ? AND s.status <> ?", eventID, userID, signup.MemberPending, signup.EntryCancelled).
			Take(&m).Error
		if err == gorm.ErrRecordNotFound {
			return signup.ErrNoInvite(ev.Title)
		} else if err != nil {
			return err
		}
		status := signup.MemberDeclined
		if accept {
			status = signup.MemberAccepted
		}
		if err := tx.Model(&teamMemberRow{}).Where("id = ?", m.ID).Updates(map[string]any{"status": status, "updated_at": now}).Error; err != nil {
			return err
		}
		var row entryRow
		if err := tx.First(&row, m.EntryID).Error; err != nil {
			return err
		}
		entry = row.domain()
		if entry.Members, err = teamMembers(tx, row.ID); err != nil {
			return err
		}
		if tell == nil {
			return nil
		}
		return enqueue(tx, now, tell(ev.domain(), entry))
	})
	if err != nil {
		return nil, mapErr(err, "answer team invitation", eventNotFound(), "")
	}
	return entry, nil
}

// Invites implements signup.Store.
func (db *DB) Invites(ctx context.Context, userID string) ([]*signup.Entry, error) {
	var ids []int64
	err := db.conn(ctx).Table("signup_team_members AS m").Joins("JOIN signups AS s ON s.id = m.entry_id").
		Where("m.user_id = ? AND s.status <> ?", userID, signup.EntryCancelled).Order("s.seq").Pluck("m.entry_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("team invitations: %w", err)
	}
	out := make([]*signup.Entry, 0, len(ids))
	for _, id := range ids {
		var row entryRow
		if err := db.conn(ctx).First(&row, id).Error; err != nil {
			return nil, fmt.Errorf("team invitation: %w", err)
		}
		e := row.domain()
		if e.Members, err = teamMembers(db.conn(ctx), id); err != nil {
			return nil, err
		}
		if e.Event, err = db.FindEvent(ctx, e.EventID); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}
