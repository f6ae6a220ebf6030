package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"unionbot"
	"unionbot/handlers/ballot"
)

// ballotRow is a ballot: questions and rules, and once closed the
// published result (the receipt list, its chain and the tally) as JSON.
type ballotRow struct {
	ID            int64  `gorm:"primaryKey"`
	Title         string `gorm:"size:200;not null"`
	Questions     string `gorm:"type:text"`
	ElectorateTag string `gorm:"size:64"`
	OpensAt       time.Time
	ClosesAt      time.Time `gorm:"index"`
	QuorumNum     int
	QuorumDen     int
	QuorumStrict  bool
	PassNum       int
	PassDen       int
	PassStrict    bool
	PassOfVoters  bool
	Status        string `gorm:"size:16;not null;index"`
	Electorate    int
	CreatedBy     string `gorm:"size:64"`
	CreatedAt     time.Time
	OpenedAt      time.Time
	ClosedAt      time.Time
	Head          string `gorm:"size:64"`
	Result        string `gorm:"type:longtext"`
	Seq           int64  `gorm:"not null;default:0"` // bumped to lock the row
}

func (ballotRow) TableName() string { return "ballots" }

// ballotElectorRow is the electorate, snapshotted when the ballot opens.
type ballotElectorRow struct {
	BallotID int64  `gorm:"primaryKey;autoIncrement:false"`
	UserID   string `gorm:"primaryKey;size:64"`
}

func (ballotElectorRow) TableName() string { return "ballot_electors" }

// ballotTurnoutRow records only that a member voted: no time, no receipt.
// Its primary key is what makes a second vote impossible.
type ballotTurnoutRow struct {
	BallotID int64  `gorm:"primaryKey;autoIncrement:false"`
	UserID   string `gorm:"primaryKey;size:64"`
}

func (ballotTurnoutRow) TableName() string { return "ballot_turnout" }

// ballotVoteRow is one cast ballot: its random receipt and the answers,
// with no member id and no time. Its key is the random receipt, so the
// table's order (a clustered index, and on SQLite a table WITHOUT ROWID)
// does not follow the order of casting.
type ballotVoteRow struct {
	BallotID int64  `gorm:"primaryKey;autoIncrement:false"`
	Receipt  string `gorm:"primaryKey;size:16"`
	Answers  string `gorm:"type:text;not null"`
}

func (ballotVoteRow) TableName() string { return "ballot_votes" }

// ballotReminderRow makes each reminder go out once per ballot.
type ballotReminderRow struct {
	BallotID int64  `gorm:"primaryKey;autoIncrement:false"`
	Kind     string `gorm:"primaryKey;size:16"`
	SentAt   time.Time
}

func (ballotReminderRow) TableName() string { return "ballot_reminders" }

var _ ballot.Store = (*DB)(nil)

func newBallotRow(b *ballot.Ballot) (*ballotRow, error) {
	qs, err := json.Marshal(b.Questions)
	if err != nil {
		return nil, err
	}
	r := &ballotRow{ID: b.ID, Title: b.Title, Questions: string(qs), ElectorateTag: b.ElectorateTag,
		OpensAt: toDB(b.OpensAt), ClosesAt: toDB(b.ClosesAt), QuorumNum: b.Quorum.Num, QuorumDen: b.Quorum.Den,
		QuorumStrict: b.Quorum.Strict, PassNum: b.Pass.Num, PassDen: b.Pass.Den, PassStrict: b.Pass.Strict,
		PassOfVoters: b.Pass.OfVoters, Status: b.Status, Electorate: b.Electorate, CreatedBy: b.CreatedBy,
		CreatedAt: toDB(b.CreatedAt), OpenedAt: toDB(b.OpenedAt), ClosedAt: toDB(b.ClosedAt)}
	if b.Result != nil {
		res, err := json.Marshal(b.Result)
		if err != nil {
			return nil, err
		}
		r.Result, r.Head = string(res), b.Result.Head
	}
	return r, nil
}

func (r *ballotRow) domain() (*ballot.Ballot, error) {
	b := &ballot.Ballot{ID: r.ID, Title: r.Title, ElectorateTag: r.ElectorateTag, OpensAt: fromDB(r.OpensAt),
		ClosesAt: fromDB(r.ClosesAt), Quorum: ballot.Rule{Num: r.QuorumNum, Den: r.QuorumDen, Strict: r.QuorumStrict},
		Pass:   ballot.Rule{Num: r.PassNum, Den: r.PassDen, Strict: r.PassStrict, OfVoters: r.PassOfVoters},
		Status: r.Status, Electorate: r.Electorate, CreatedBy: r.CreatedBy, CreatedAt: fromDB(r.CreatedAt),
		OpenedAt: fromDB(r.OpenedAt), ClosedAt: fromDB(r.ClosedAt)}
	if err := json.Unmarshal([]byte(r.Questions), &b.Questions); err != nil {
		return nil, fmt.Errorf("ballot %d questions: %w", r.ID, err)
	}
	if r.Result != "" {
		b.Result = &ballot.Published{}
		if err := json.Unmarshal([]byte(r.Result), b.Result); err != nil {
			return nil, fmt.Errorf("ballot %d result: %w", r.ID, err)
		}
	}
	return b, nil
}

// getBallot reads a ballot and counts its turnout.
func getBallot(tx *gorm.DB, id int64) (*ballot.Ballot, error) {
	var row ballotRow
	if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, err
	}
	b, err := row.domain()
	if err != nil {
		return nil, err
	}
	var n int64
	if err := tx.Model(&ballotTurnoutRow{}).Where("ballot_id = ?", id).Count(&n).Error; err != nil {
		return nil, err
	}
	b.Voted = int(n)
	return b, nil
}

// CreateBallot implements ballot.Store.
func (db *DB) CreateBallot(ctx context.Context, b *ballot.Ballot) error {
	b.CreatedAt = db.now()
	row, err := newBallotRow(b)
	if err != nil {
		return err
	}
	if err := db.conn(ctx).Create(row).Error; err != nil {
		return fmt.Errorf("create ballot: %w", err)
	}
	b.ID = row.ID
	return nil
}

// GetBallot implements ballot.Store.
func (db *DB) GetBallot(ctx context.Context, id int64) (*ballot.Ballot, error) {
	b, err := getBallot(db.conn(ctx), id)
	return b, mapErr(err, fmt.Sprintf("get ballot %d", id), ballot.MsgNotFound, "")
}

// ListBallots implements ballot.Store: newest first, without results.
func (db *DB) ListBallots(ctx context.Context) ([]*ballot.Ballot, error) {
	var rows []ballotRow
	if err := db.conn(ctx).Omit("result").Order("id DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list ballots: %w", err)
	}
	type count struct {
		BallotID int64
		N        int
	}
	var counts []count
	if err := db.conn(ctx).Model(&ballotTurnoutRow{}).Select("ballot_id, COUNT(*) AS n").Group("ballot_id").Scan(&counts).Error; err != nil {
		return nil, fmt.Errorf("list ballots: turnout: %w", err)
	}
	voted := map[int64]int{}
	for _, c := range counts {
		voted[c.BallotID] = c.N
	}
	out := make([]*ballot.Ballot, 0, len(rows))
	for i := range rows {
		b, err := rows[i].domain()
		if err != nil {
			return nil, err
		}
		b.Voted = voted[b.ID]
		out = append(out, b)
	}
	return out, nil
}

// lockBallot takes the ballot's row lock (bumping seq) and reads it.
func lockBallot(tx *gorm.DB, id int64) (*ballot.Ballot, error) {
	res := tx.Model(&ballotRow{}).Where("id = ?", id).Update("seq", gorm.Expr("seq + 1"))
	if res.Error != nil {
		return nil, res.Error
	} else if res.RowsAffected == 0 {
		return nil, gorm.ErrRecordNotFound
	}
	return getBallot(tx, id)
}

func saveBallot(tx *gorm.DB, b *ballot.Ballot) error {
	row, err := newBallotRow(b)
	if err != nil {
		return err
	}
	return tx.Model(&ballotRow{}).Where("id = ?", b.ID).Select("title", "questions", "electorate_tag", "opens_at", "closes_at",
		"quorum_num", "quorum_den", "quorum_strict", "pass_num", "pass_den", "pass_strict", "pass_of_voters",
		"status", "electorate", "opened_at", "closed_at", "head", "result").Updates(row).Error
}

// UpdateBallot implements ballot.Store.
func (db *DB) UpdateBallot(ctx context.Context, id int64, change func(*ballot.Ballot) error) (*ballot.Ballot, error) {
	var out *ballot.Ballot
	err := db.transact(ctx, func(tx *gorm.DB) error {
		b, err := lockBallot(tx, id)
		if err != nil {
			return err
		}
		if err := change(b); err != nil {
			return err
		}
		out = b
		return saveBallot(tx, b)
	})
	return out, mapErr(err, fmt.Sprintf("update ballot %d", id), ballot.MsgNotFound, "")
}

// OpenBallot implements ballot.Store.
func (db *DB) OpenBallot(ctx context.Context, id int64, open func(*ballot.Ballot) error, eligible func(*ballot.Ballot, *unionbot.Member) bool) (*ballot.Ballot, error) {
	var out *ballot.Ballot
	err := db.transact(ctx, func(tx *gorm.DB) error {
		b, err := lockBallot(tx, id)
		if err != nil {
			return err
		}
		if err := open(b); err != nil {
			return err
		}
		var members []memberRow
		q := tx.Select("user_id", "tags")
		if b.ElectorateTag != "" {
			q = q.Where("tags LIKE ?", "%,"+b.ElectorateTag+",%")
		}
		if err := q.Order("user_id").Find(&members).Error; err != nil {
			return err
		}
		var electors []ballotElectorRow
		for i := range members {
			if m := members[i].domain(); eligible(b, m) {
				electors = append(electors, ballotElectorRow{BallotID: b.ID, UserID: m.UserID})
			}
		}
		b.Electorate = len(electors)
		if len(electors) == 0 {
			out = b
			return errRollback
		}
		if err := tx.CreateInBatches(electors, 500).Error; err != nil {
			return err
		}
		out = b
		return saveBallot(tx, b)
	})
	if err == errRollback {
		return out, nil
	}
	return out, mapErr(err, fmt.Sprintf("open ballot %d", id), ballot.MsgNotFound, "")
}

// errRollback undoes a transaction whose outcome the caller reports.
var errRollback = fmt.Errorf("rollback")
