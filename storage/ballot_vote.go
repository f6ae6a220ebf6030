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

// CastVote implements ballot.Store.
func (db *DB) CastVote(ctx context.Context, id int64, userID string, check func(*ballot.Ballot) error, answers []ballot.Answer, receipt func() string) (string, error) {
	j, err := json.Marshal(answers)
	if err != nil {
		return "", err
	}
	var code string
	err = db.transact(ctx, func(tx *gorm.DB) error {
		// A shared lock on the ballot row: casts go on side by side, and a
		// close (which takes the row for update) waits for them, so no vote
		// lands after the count. SQLite has one writer anyway.
		lock := ""
		if db.driver == "mysql" {
			lock = " LOCK IN SHARE MODE"
		}
		var row ballotRow
		res := tx.Raw("SELECT * FROM ballots WHERE id = ?"+lock, id).Scan(&row)
		if res.Error != nil {
			return res.Error
		} else if res.RowsAffected == 0 {
			return gorm.ErrRecordNotFound
		}
		b, err := row.domain()
		if err != nil {
			return err
		}
		if err := check(b); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&ballotElectorRow{}).Where("ballot_id = ? AND user_id = ?", id, userID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ballot.NotInElectorate(b)
		}
		if err := tx.Create(&ballotTurnoutRow{BallotID: id, UserID: userID}).Error; err != nil {
			if isDuplicate(err) {
				return ballot.AlreadyVoted(b)
			}
			return err
		}
		for attempt := 0; ; attempt++ {
			code = receipt()
			err := tx.Create(&ballotVoteRow{BallotID: id, Receipt: code, Answers: string(j)}).Error
			if err == nil {
				return nil
			} else if !isDuplicate(err) || attempt == 4 {
				return err
			}
		}
	})
	if err != nil {
		return "", mapErr(err, fmt.Sprintf("cast vote in ballot %d", id), ballot.MsgNotFound, "")
	}
	return code, nil
}

// CloseBallot implements ballot.Store.
func (db *DB) CloseBallot(ctx context.Context, id int64, close func(*ballot.Ballot, []ballot.Vote, []string) ([]*unionbot.Notice, error)) (*ballot.Ballot, error) {
	now := db.now()
	var out *ballot.Ballot
	err := db.transact(ctx, func(tx *gorm.DB) error {
		b, err := lockBallot(tx, id)
		if err != nil {
			return err
		}
		var rows []ballotVoteRow
		if err := tx.Where("ballot_id = ?", id).Order("receipt").Find(&rows).Error; err != nil {
			return err
		}
		votes := make([]ballot.Vote, len(rows))
		for i, r := range rows {
			votes[i].Receipt = r.Receipt
			if err := json.Unmarshal([]byte(r.Answers), &votes[i].Answers); err != nil {
				return fmt.Errorf("vote answers: %w", err)
			}
		}
		var voters []string
		if err := tx.Model(&ballotTurnoutRow{}).Where("ballot_id = ?", id).Order("user_id").Pluck("user_id", &voters).Error; err != nil {
			return err
		}
		notices, err := close(b, votes, voters)
		if err != nil {
			return err
		}
		if err := saveBallot(tx, b); err != nil {
			return err
		}
		out = b
		return enqueue(tx, now, notices...)
	})
	return out, mapErr(err, fmt.Sprintf("close ballot %d", id), ballot.MsgNotFound, "")
}

// FindReceipt implements ballot.Store.
func (db *DB) FindReceipt(ctx context.Context, receipt string) ([]*ballot.Found, error) {
	var rows []ballotVoteRow
	if err := db.conn(ctx).Where("receipt = ?", receipt).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("find receipt: %w", err)
	}
	var out []*ballot.Found
	for _, r := range rows {
		b, err := db.GetBallot(ctx, r.BallotID)
		if err != nil {
			return nil, err
		}
		f := &ballot.Found{Ballot: b, Vote: ballot.Vote{Receipt: r.Receipt}}
		if err := json.Unmarshal([]byte(r.Answers), &f.Vote.Answers); err != nil {
			return nil, fmt.Errorf("vote answers: %w", err)
		}
		out = append(out, f)
	}
	return out, nil
}

// BallotsFor implements ballot.Store.
func (db *DB) BallotsFor(ctx context.Context, userID string) ([]*ballot.Mine, error) {
	var ids []int64
	if err := db.conn(ctx).Model(&ballotElectorRow{}).Joins("JOIN ballots ON ballots.id = ballot_electors.ballot_id").
		Where("ballot_electors.user_id = ? AND ballots.status = ?", userID, ballot.StatusOpen).
		Order("ballots.closes_at, ballots.id").Pluck("ballots.id", &ids).Error; err != nil {
		return nil, fmt.Errorf("ballots for voter: %w", err)
	}
	var voted []int64
	if err := db.conn(ctx).Model(&ballotTurnoutRow{}).Where("user_id = ? AND ballot_id IN ?", userID, append(ids, 0)).
		Pluck("ballot_id", &voted).Error; err != nil {
		return nil, fmt.Errorf("ballots for voter: turnout: %w", err)
	}
	did := map[int64]bool{}
	for _, id := range voted {
		did[id] = true
	}
	var out []*ballot.Mine
	for _, id := range ids {
		var row ballotRow
		if err := db.conn(ctx).Omit("result").Where("id = ?", id).Take(&row).Error; err != nil {
			return nil, fmt.Errorf("ballots for voter: %w", err)
		}
		b, err := row.domain()
		if err != nil {
			return nil, err
		}
		out = append(out, &ballot.Mine{Ballot: b, Voted: did[id]})
	}
	return out, nil
}

// DueToClose implements ballot.Store.
func (db *DB) DueToClose(ctx context.Context, now time.Time) ([]int64, error) {
	var ids []int64
	err := db.conn(ctx).Model(&ballotRow{}).Where("status = ? AND closes_at <= ?", ballot.StatusOpen, now.UTC()).Order("id").Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("ballots due to close: %w", err)
	}
	return ids, nil
}

// QueueReminders implements ballot.Store.
func (db *DB) QueueReminders(ctx context.Context, kind string, from, to time.Time, notice func(*ballot.Ballot) *unionbot.Notice) (int, error) {
	var rows []ballotRow
	if err := db.conn(ctx).Omit("result").Where("status = ? AND opens_at <= ? AND closes_at > ? AND closes_at <= ?", ballot.StatusOpen, db.now(), from.UTC(), to.UTC()).
		Find(&rows).Error; err != nil {
		return 0, fmt.Errorf("ballots to remind: %w", err)
	}
	now, sent := db.now(), 0
	for i := range rows {
		b, err := rows[i].domain()
		if err != nil {
			return sent, err
		}
		err = db.transact(ctx, func(tx *gorm.DB) error {
			if err := tx.Create(&ballotReminderRow{BallotID: b.ID, Kind: kind, SentAt: now}).Error; err != nil {
				return err
			}
			var users []string
			if err := tx.Model(&ballotElectorRow{}).Where("ballot_id = ? AND user_id NOT IN (?)", b.ID,
				tx.Model(&ballotTurnoutRow{}).Select("user_id").Where("ballot_id = ?", b.ID)).Order("user_id").Pluck("user_id", &users).Error; err != nil {
				return err
			}
			for len(users) > 0 {
				n := min(len(users), 1000)
				msg := notice(b)
				msg.ToUsers = users[:n]
				if err := enqueue(tx, now, msg); err != nil {
					return err
				}
				users = users[n:]
			}
			return nil
		})
		if isDuplicate(err) {
			continue
		} else if err != nil {
			return sent, fmt.Errorf("remind ballot %d: %w", b.ID, err)
		}
		sent++
	}
	return sent, nil
}
