package ballot

import (
	"context"
	"time"

	"unionbot"
)

// Store keeps ballots. The storage package implements it; every method
// that changes a ballot runs the given rule inside its transaction.
type Store interface {
	CreateBallot(ctx context.Context, b *Ballot) error
	// GetBallot returns ENOTFOUND for an unknown id.
	GetBallot(ctx context.Context, id int64) (*Ballot, error)
	ListBallots(ctx context.Context) ([]*Ballot, error)
	// UpdateBallot runs change on the ballot under a row lock and saves
	// its fields (not the electorate or the votes).
	UpdateBallot(ctx context.Context, id int64, change func(*Ballot) error) (*Ballot, error)
	// OpenBallot runs open under the ballot's row lock, then snapshots the
	// members for whom eligible holds as the electorate, in one transaction.
	OpenBallot(ctx context.Context, id int64, open func(*Ballot) error, eligible func(*Ballot, *unionbot.Member) bool) (*Ballot, error)
	// CastVote, in one transaction: runs check on the ballot, refuses a
	// user outside the electorate (EFORBIDDEN), records that the user voted
	// (a second time is ECONFLICT, by the database's unique key) and stores
	// the answers under a fresh receipt from receipt, with no user id and
	// no time. It returns the receipt.
	CastVote(ctx context.Context, id int64, userID string, check func(*Ballot) error, answers []Answer, receipt func() string) (string, error)
	// CloseBallot runs close under the ballot's row lock with every vote
	// (ordered by receipt) and the ids of the members who voted, saves the
	// ballot with its result and queues the notices close returns.
	CloseBallot(ctx context.Context, id int64, close func(b *Ballot, votes []Vote, voters []string) ([]*unionbot.Notice, error)) (*Ballot, error)
	// FindReceipt returns the votes stored under receipt, each with its
	// ballot (a code is unique within a ballot).
	FindReceipt(ctx context.Context, receipt string) ([]*Found, error)
	// BallotsFor lists the open ballots whose electorate includes userID,
	// and whether they voted in each.
	BallotsFor(ctx context.Context, userID string) ([]*Mine, error)
	// DueToClose lists open ballots whose closing time is not after now.
	DueToClose(ctx context.Context, now time.Time) ([]int64, error)
	// QueueReminders records reminder kind for each open ballot that has
	// started taking votes and closes in (from, to] and queues notice to its electors who have not voted, in
	// one transaction a ballot; a ballot already reminded of kind is
	// skipped by a unique key. It returns how many ballots were reminded.
	QueueReminders(ctx context.Context, kind string, from, to time.Time, notice func(*Ballot) *unionbot.Notice) (int, error)
}

// Found is a vote found by its receipt.
type Found struct {
	Ballot *Ballot
	Vote   Vote
}

// Mine is an open ballot a member may vote in.
type Mine struct {
	Ballot *Ballot
	Voted  bool
}
