package storage

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm"

	"unionbot"
	"unionbot/handlers/audit"
	"unionbot/handlers/signup"
)

// signupBatches enters the sign-ups that arrive together for one event in
// one transaction under the event's row lock, in arrival order, each by
// the same rules as alone (signUp). In a storm every sign-up waits for that
// lock, and alone each held it for nine statements, each a round trip; a
// group of n holds it for 5 + 2n. Each caller waits until its own entry is
// committed (or refused), so a teacher is never told of an entry the table
// does not hold.
type signupBatches struct {
	queue groupQueue[int64, *signupReq] // by event
}

// signupReq is one teacher's sign-up waiting for its group.
type signupReq struct {
	ctx  context.Context
	e    *signup.Entry
	done chan error
}

// maxSignupBatch bounds a group, so that one transaction stays short.
const maxSignupBatch = 64

// enter queues e and waits for the group that carries it.
func (q *signupBatches) enter(db *DB, ctx context.Context, e *signup.Entry) error {
	r := &signupReq{ctx: ctx, e: e, done: make(chan error, 1)}
	if q.queue.add(e.EventID, r) {
		go q.drain(db, e.EventID)
	}
	return <-r.done
}

// drain enters groups for one event until its queue is empty.
func (q *signupBatches) drain(db *DB, eventID int64) {
	for group := q.queue.take(eventID, maxSignupBatch); group != nil; group = q.queue.take(eventID, maxSignupBatch) {
		// The first caller's context carries the request id for the log;
		// the group is entered even if that caller has gone.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(group[0].ctx), 30*time.Second)
		errs := db.signUpGroup(ctx, eventID, group, nil)
		cancel()
		for i, r := range group {
			r.done <- errs[i]
		}
	}
}

// signUpGroup enters a group of sign-ups for one event in one transaction:
// the event locked once (its seq bumped once for the group), the waiting
// line read once and kept up to date as entries go in, the team check
// made for the whole group in one query, each entry inserted (a teacher
// who cancelled before is entered again, at the back, as alone), and the
// places taken stored once. An entry refused by the rules, or entered
// already, is that teacher's answer and does not stop the others; a group
// the database refuses is entered again one sign-up at a time. A sign-up
// alone (signUp) is a group of one, and only it passes also: what belongs
// with the entry in its transaction (a team's invitations), whose error
// undoes the entry.
func (db *DB) signUpGroup(ctx context.Context, eventID int64, group []*signupReq, also func(tx *gorm.DB, ev *eventRow, row *entryRow) error) []error {
	now := db.now()
	errs := make([]error, len(group))
	rows := make([]entryRow, len(group))
	err := db.transact(ctx, func(tx *gorm.DB) error {
		for i, r := range group { // a retried transaction starts afresh
			errs[i], rows[i], r.e.Position = nil, entryRow{}, 0
		}
		ev, err := lockEventFor(tx, eventID, int64(len(group)))
		if err != nil {
			return err
		}
		var line struct {
			N        int
			Smallest *int
		}
		if err := tx.Model(&entryRow{}).Select("COUNT(*) AS n, MIN(companions) AS smallest").
			Where("event_id = ? AND status = ?", eventID, signup.EntryWaiting).Scan(&line).Error; err != nil {
			return err
		}
		waiting := signup.Line{Waiting: line.N}
		if line.Smallest != nil {
			waiting.Smallest = 1 + *line.Smallest
		}
		users := make([]string, len(group))
		for i, r := range group {
			users[i] = r.e.UserID
		}
		teams, err := teamsOf(tx, eventID, users)
		if err != nil {
			return err
		}
		domain, taken := ev.domain(), ev.Taken
		seq := ev.Seq - int64(len(group)) // the group's arrivals are seq+1 … ev.Seq
		for i, r := range group {
			e := r.e
			seq++
			if team := teams[e.UserID]; team != "" {
				errs[i] = signup.ErrInvitedToTeam(ev.Title, team)
				continue
			}
			status, err := signup.Admit(domain, taken, waiting, e.Places())
			if err != nil {
				errs[i] = err
				continue
			}
			fields, _ := json.Marshal(e.Fields)
			row := entryRow{EventID: eventID, UserID: e.UserID, Name: e.Name, Department: e.Department, Status: status,
				Companions: e.Companions, Fields: string(fields), Seq: seq, SignedUpAt: now, UpdatedAt: now, Team: e.Team}
			if entered, err := insertEntry(tx, &row); err != nil {
				return err
			} else if !entered {
				errs[i] = signup.ErrAlreadySignedUp(ev.Title)
				continue
			}
			if also != nil {
				if err := also(tx, ev, &row); err != nil {
					return err
				}
			}
			rows[i] = row
			if status == signup.EntryConfirmed {
				taken += e.Places()
				continue
			}
			e.Position = waiting.Waiting + 1
			if status == signup.EntryWaiting {
				if waiting.Waiting == 0 || e.Places() < waiting.Smallest {
					waiting.Smallest = e.Places()
				}
				waiting.Waiting++
			}
		}
		if taken != ev.Taken {
			return tx.Model(&eventRow{}).Where("id = ?", eventID).Update("taken", gorm.Expr("taken + ?", taken-ev.Taken)).Error
		}
		return nil
	})
	if err != nil && len(group) > 1 && !errors.Is(err, gorm.ErrRecordNotFound) && ctx.Err() == nil {
		// One entry the database refuses (a value too long for its column,
		// say) must not cost the others theirs: each is entered alone, and
		// only its own error reaches it.
		for i, r := range group {
			errs[i] = db.signUp(r.ctx, r.e, nil)
		}
		return errs
	}
	for i, r := range group {
		switch {
		case err != nil:
			errs[i] = mapErr(err, "sign up", eventNotFound(), unionbot.ErrorMessage(signup.ErrAlreadySignedUp("")))
		case errs[i] == nil:
			r.e.ID, r.e.Status, r.e.Seq, r.e.SignedUpAt = rows[i].ID, rows[i].Status, rows[i].Seq, rows[i].SignedUpAt
		}
	}
	return errs
}

// insertEntry inserts row, reporting false when the teacher is entered for
// the event already. A cancelled entry of theirs gives way (a teacher who
// cancelled may sign up again, at the back); it is looked for only when
// the insert meets it, so a first sign-up costs one statement.
func insertEntry(tx *gorm.DB, row *entryRow) (bool, error) {
	err := tx.Create(row).Error
	if !isDuplicate(err) {
		return err == nil, err
	}
	res := tx.Where("event_id = ? AND user_id = ? AND status = ?", row.EventID, row.UserID, signup.EntryCancelled).Delete(&entryRow{})
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	row.ID = 0
	if err := tx.Create(row).Error; err != nil {
		return false, err
	}
	return true, nil
}

// batchable says whether a sign-up may join a group: a teacher's own, with
// no admin change to record with it (transact records one per
// transaction, from its context).
func batchable(ctx context.Context) bool { return audit.Pending(ctx) == nil }
