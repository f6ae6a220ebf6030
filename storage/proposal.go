package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"unionbot"
	"unionbot/handlers/proposal"
)

// counterRow hands out tracking numbers, one row per kind and year. A
// submission increments it inside its own transaction, so the row lock
// orders concurrent submissions and a rolled-back one gives its number back:
// no gaps, no duplicates.
type counterRow struct {
	Kind  string `gorm:"primaryKey;size:16"`
	Year  int    `gorm:"primaryKey;autoIncrement:false"`
	Value int    `gorm:"not null;default:0"`
}

func (counterRow) TableName() string { return "proposal_counters" }

// proposalRow is a suggestion or a motion. AuthorID is kept for an
// anonymous one too, to notify its author; only this package and the
// teacher's own chat commands read it.
type proposalRow struct {
	ID           int64  `gorm:"primaryKey"`
	No           string `gorm:"size:20;not null;uniqueIndex"`
	Kind         string `gorm:"size:16;not null;index"`
	Year         int    `gorm:"not null"`
	Title        string `gorm:"size:200;not null"`
	Category     string `gorm:"size:16;index"`
	Content      string `gorm:"type:text"`
	Measures     string `gorm:"type:text"`
	Anonymous    bool   `gorm:"not null"`
	AuthorID     string `gorm:"size:64;not null;index"`
	AuthorName   string `gorm:"size:64"`
	AuthorDept   string `gorm:"size:128"`
	Session      string `gorm:"size:100"`
	SecondBy     time.Time
	Status       string `gorm:"size:16;not null;index"`
	Department   string `gorm:"size:100"`
	Reply        string `gorm:"type:text"`
	Satisfaction string `gorm:"size:16"`
	Seq          int64  `gorm:"not null;default:0"` // bumped to lock the row
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (proposalRow) TableName() string { return "proposals" }

type seconderRow struct {
	ID         int64  `gorm:"primaryKey"`
	ProposalID int64  `gorm:"not null;uniqueIndex:idx_seconder,priority:1"`
	UserID     string `gorm:"size:64;not null;uniqueIndex:idx_seconder,priority:2;index"`
	Name       string `gorm:"size:64"`
	Status     string `gorm:"size:16;not null"`
	AnsweredAt time.Time
}

func (seconderRow) TableName() string { return "proposal_seconders" }

// proposalLogRow is one step of a proposal's audit log. Rows are only
// inserted: nothing in the program updates or deletes them.
type proposalLogRow struct {
	ID         int64  `gorm:"primaryKey"`
	ProposalID int64  `gorm:"not null;index"`
	FromStatus string `gorm:"size:16"`
	ToStatus   string `gorm:"size:16;not null"`
	ByUser     string `gorm:"size:64"`
	ByName     string `gorm:"size:64"`
	Department string `gorm:"size:100"`
	Note       string `gorm:"type:text"`
	At         time.Time
}

func (proposalLogRow) TableName() string { return "proposal_log" }

type congressSessionRow struct {
	ID       int64  `gorm:"primaryKey"`
	Name     string `gorm:"size:100;not null"`
	OpensAt  time.Time
	ClosesAt time.Time
}

func (congressSessionRow) TableName() string { return "congress_sessions" }

func migrateProposals(tx *gorm.DB) error {
	return tx.AutoMigrate(&s3Counter{}, &s3Proposal{}, &s3Seconder{}, &s3ProposalLog{}, &s3CongressSession{})
}

var _ proposal.Store = (*DB)(nil)

// proposalNotFound is the sentence for an unknown tracking number.
func proposalNotFound() string { return proposal.MsgNotFound() }

func newProposalRow(p *proposal.Proposal) *proposalRow {
	return &proposalRow{ID: p.ID, No: p.No, Kind: p.Kind, Year: p.Year, Title: p.Title, Category: p.Category,
		Content: p.Content, Measures: p.Measures, Anonymous: p.Anonymous, AuthorID: p.AuthorID, AuthorName: p.AuthorName,
		AuthorDept: p.AuthorDept, Session: p.Session, SecondBy: toDB(p.SecondBy), Status: p.Status,
		Department: p.Department, Reply: p.Reply, Satisfaction: p.Satisfaction}
}

func (r *proposalRow) domain(seconders []seconderRow) *proposal.Proposal {
	p := &proposal.Proposal{ID: r.ID, No: r.No, Kind: r.Kind, Year: r.Year, Title: r.Title, Category: r.Category,
		Content: r.Content, Measures: r.Measures, Anonymous: r.Anonymous, AuthorID: r.AuthorID, AuthorName: r.AuthorName,
		AuthorDept: r.AuthorDept, Session: r.Session, SecondBy: fromDB(r.SecondBy), Status: r.Status,
		Department: r.Department, Reply: r.Reply, Satisfaction: r.Satisfaction, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	for _, s := range seconders {
		p.Seconders = append(p.Seconders, proposal.Seconder{UserID: s.UserID, Name: s.Name, Status: s.Status, AnsweredAt: fromDB(s.AnsweredAt)})
	}
	return p
}

func addLog(tx *gorm.DB, proposalID int64, e *proposal.LogEntry, now time.Time) error {
	e.At = now
	return tx.Create(&proposalLogRow{ProposalID: proposalID, FromStatus: e.From, ToStatus: e.To, ByUser: e.By,
		ByName: e.ByName, Department: e.Department, Note: e.Note, At: now}).Error
}

// SubmitProposal implements proposal.Store.
func (db *DB) SubmitProposal(ctx context.Context, p *proposal.Proposal, first *proposal.LogEntry, notices func(*proposal.Proposal) []*unionbot.Notice) error {
	// The year's counter row is created once, outside the transaction: an
	// insert that loses a race is simply ignored.
	if err := db.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&counterRow{Kind: p.Kind, Year: p.Year}).Error; err != nil {
		return fmt.Errorf("proposal counter: %w", err)
	}
	now := db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&counterRow{}).Where("kind = ? AND year = ?", p.Kind, p.Year).Update("value", gorm.Expr("value + 1"))
		if res.Error != nil {
			return res.Error
		}
		var c counterRow
		if err := tx.Where("kind = ? AND year = ?", p.Kind, p.Year).Take(&c).Error; err != nil {
			return err
		}
		p.No = proposal.Number(p.Kind, p.Year, c.Value)
		row := newProposalRow(p)
		row.CreatedAt, row.UpdatedAt = now, now
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		for _, s := range p.Seconders {
			if err := tx.Create(&seconderRow{ProposalID: row.ID, UserID: s.UserID, Name: s.Name, Status: s.Status, AnsweredAt: epoch}).Error; err != nil {
				return err
			}
		}
		if err := addLog(tx, row.ID, first, now); err != nil {
			return err
		}
		p.ID, p.CreatedAt, p.UpdatedAt = row.ID, now, now
		return enqueue(tx, now, notices(p)...)
	})
	return mapErr(err, "submit proposal", "", proposal.MsgNumberClash())
}

func seconders(tx *gorm.DB, ids ...int64) (map[int64][]seconderRow, error) {
	out := map[int64][]seconderRow{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []seconderRow
	if err := tx.Where("proposal_id IN ?", ids).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("proposal seconders: %w", err)
	}
	for _, r := range rows {
		out[r.ProposalID] = append(out[r.ProposalID], r)
	}
	return out, nil
}

func getProposal(tx *gorm.DB, no string) (*proposal.Proposal, error) {
	var row proposalRow
	if err := tx.Where("no = ?", no).Take(&row).Error; err != nil {
		return nil, err
	}
	ss, err := seconders(tx, row.ID)
	if err != nil {
		return nil, err
	}
	return row.domain(ss[row.ID]), nil
}

// GetProposal implements proposal.Store.
func (db *DB) GetProposal(ctx context.Context, no string) (*proposal.Proposal, error) {
	p, err := getProposal(db.conn(ctx), no)
	return p, mapErr(err, "get proposal "+no, proposalNotFound(), "")
}

// UpdateProposal implements proposal.Store.
func (db *DB) UpdateProposal(ctx context.Context, no string, fn func(*proposal.Proposal) (*proposal.Change, error)) (*proposal.Proposal, error) {
	now := db.now()
	var out *proposal.Proposal
	err := db.transact(ctx, func(tx *gorm.DB) error {
		// Bumping seq takes the row lock on MariaDB; SQLite has one writer.
		res := tx.Model(&proposalRow{}).Where("no = ?", no).Update("seq", gorm.Expr("seq + 1"))
		if res.Error != nil {
			return res.Error
		} else if res.RowsAffected == 0 {
			return gorm.ErrRecordNotFound
		}
		p, err := getProposal(tx, no)
		if err != nil {
			return err
		}
		before := append([]proposal.Seconder(nil), p.Seconders...)
		ch, err := fn(p)
		if err != nil {
			return err
		}
		if err := tx.Model(&proposalRow{}).Where("id = ?", p.ID).Updates(map[string]any{
			"status": p.Status, "department": p.Department, "reply": p.Reply, "satisfaction": p.Satisfaction, "updated_at": now,
		}).Error; err != nil {
			return err
		}
		for i, s := range p.Seconders {
			if i < len(before) && before[i] == s {
				continue
			}
			if err := tx.Model(&seconderRow{}).Where("proposal_id = ? AND user_id = ?", p.ID, s.UserID).
				Updates(map[string]any{"status": s.Status, "answered_at": toDB(s.AnsweredAt)}).Error; err != nil {
				return err
			}
		}
		if ch != nil && ch.Log != nil {
			if err := addLog(tx, p.ID, ch.Log, now); err != nil {
				return err
			}
		}
		if ch != nil {
			if err := enqueue(tx, now, ch.Notices...); err != nil {
				return err
			}
		}
		p.UpdatedAt, out = now, p
		return nil
	})
	if err != nil {
		return nil, mapErr(err, "update proposal "+no, proposalNotFound(), "")
	}
	return out, nil
}

// ListProposals implements proposal.Store.
func (db *DB) ListProposals(ctx context.Context, f proposal.Filter) ([]*proposal.Proposal, error) {
	q := db.conn(ctx).Model(&proposalRow{})
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Category != "" {
		q = q.Where("category = ?", f.Category)
	}
	if f.Open {
		q = q.Where("status NOT IN ?", []string{proposal.StatusClosed, proposal.StatusRejected, proposal.StatusLapsed})
	}
	if f.Involving != "" {
		q = q.Where("author_id = ? OR id IN (?)", f.Involving,
			db.conn(ctx).Model(&seconderRow{}).Select("proposal_id").Where("user_id = ?", f.Involving))
	}
	var rows []proposalRow
	if err := q.Order("created_at DESC, id DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list proposals: %w", err)
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	ss, err := seconders(db.conn(ctx), ids...)
	if err != nil {
		return nil, err
	}
	out := make([]*proposal.Proposal, len(rows))
	for i := range rows {
		out[i] = rows[i].domain(ss[rows[i].ID])
	}
	return out, nil
}

// ProposalLog implements proposal.Store.
func (db *DB) ProposalLog(ctx context.Context, no string) ([]*proposal.LogEntry, error) {
	var rows []proposalLogRow
	err := db.conn(ctx).Table("proposal_log AS l").Select("l.*").Joins("JOIN proposals AS p ON p.id = l.proposal_id").
		Where("p.no = ?", no).Order("l.id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("proposal log %s: %w", no, err)
	}
	out := make([]*proposal.LogEntry, len(rows))
	for i, r := range rows {
		out[i] = &proposal.LogEntry{At: r.At, From: r.FromStatus, To: r.ToStatus, By: r.ByUser, ByName: r.ByName, Department: r.Department, Note: r.Note}
	}
	return out, nil
}

// CountProposals implements proposal.Store.
func (db *DB) CountProposals(ctx context.Context, authorID string, since time.Time) (int, error) {
	var n int64
	err := db.conn(ctx).Model(&proposalRow{}).Where("author_id = ? AND created_at >= ?", authorID, since.UTC()).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("count proposals: %w", err)
	}
	return int(n), nil
}

// DueSeconding implements proposal.Store.
func (db *DB) DueSeconding(ctx context.Context, t time.Time) ([]string, error) {
	var nos []string
	err := db.conn(ctx).Model(&proposalRow{}).Where("status = ? AND second_by <= ?", proposal.StatusSeconding, t.UTC()).
		Order("id").Pluck("no", &nos).Error
	if err != nil {
		return nil, fmt.Errorf("due seconding: %w", err)
	}
	return nos, nil
}

// CreateSession implements proposal.Store.
func (db *DB) CreateSession(ctx context.Context, s *proposal.Session) error {
	row := &congressSessionRow{Name: s.Name, OpensAt: s.OpensAt.UTC(), ClosesAt: s.ClosesAt.UTC()}
	if err := db.conn(ctx).Create(row).Error; err != nil {
		return fmt.Errorf("create congress session: %w", err)
	}
	s.ID = row.ID
	return nil
}

// ListSessions implements proposal.Store.
func (db *DB) ListSessions(ctx context.Context) ([]*proposal.Session, error) {
	var rows []congressSessionRow
	if err := db.conn(ctx).Order("opens_at DESC, id DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list congress sessions: %w", err)
	}
	out := make([]*proposal.Session, len(rows))
	for i, r := range rows {
		out[i] = &proposal.Session{ID: r.ID, Name: r.Name, OpensAt: r.OpensAt.UTC(), ClosesAt: r.ClosesAt.UTC()}
	}
	return out, nil
}
