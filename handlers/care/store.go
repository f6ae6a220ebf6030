package care

import (
	"context"

	"unionbot"
)

// Store keeps cases, payments, the rules, the care role and the access
// log. The storage package implements it; every method that changes a case
// runs the given rule inside its transaction, under the case's row lock.
type Store interface {
	HardshipStore

	// IsCareStaff reports whether userID holds the care role.
	IsCareStaff(ctx context.Context, userID string) (bool, error)
	// SetCareStaff grants (on) or takes away the care role, recording by.
	SetCareStaff(ctx context.Context, userID, by string, on bool) error
	ListCareStaff(ctx context.Context) ([]string, error)

	// LoadCareRules returns the rules saved, and false when none were.
	LoadCareRules(ctx context.Context) (Rules, bool, error)
	SaveCareRules(ctx context.Context, r Rules) error

	// CreateCase stores c with its first log entry (ActReport by the
	// reporter) and queues the notices notify returns, in one transaction.
	CreateCase(ctx context.Context, c *Case, notify func(*Case) []*unionbot.Notice) error
	// GetCase returns the case with its log; ENOTFOUND for an unknown id.
	// A non-empty readBy records the read in the access log first.
	GetCase(ctx context.Context, id int64, readBy string) (*Case, error)
	ListCases(ctx context.Context, f CaseFilter) ([]*Case, error)
	// UpdateCase runs change on the case under its row lock, saves its
	// status, assignee and ActedAt, appends the log entry change returns
	// and queues its notices, in one transaction.
	UpdateCase(ctx context.Context, id int64, change func(*Case) (*LogEntry, []*unionbot.Notice, error)) (*Case, error)
	// PayCase, in one transaction: locks the case, then the yearly ledger
	// of the case's member (MemberKey) for p.Year, reads the member's
	// payments of that year as they stand under the lock, runs pay (which
	// applies CheckPayment), and stores the payment, the case, the log
	// entry and the notices pay returns. Two payments for one member
	// therefore never both pass a cap.
	PayCase(ctx context.Context, id int64, p *Payment, pay func(c *Case, earlier []Payment, p *Payment) (*LogEntry, []*unionbot.Notice, error)) (*Case, error)
	// AddPayments stores payments of no case (a legacy ledger), in one
	// transaction.
	AddPayments(ctx context.Context, ps []Payment) error
	// ListPayments lists a year's payments, oldest first.
	ListPayments(ctx context.Context, year int) ([]Payment, error)
	// LogAccess records that by did action on ref (a listing, the ledger).
	LogAccess(ctx context.Context, ref, by, action string) error
	// ListReads lists who read ref ("case:12"), oldest first.
	ListReads(ctx context.Context, ref string) ([]Read, error)
}

// CaseFilter narrows a case listing; zero fields match everything.
type CaseFilter struct {
	Status   string
	Year     int    // the year the case was reported, in UTC
	Involves string // reported by or about this user
}

// HardshipStore keeps the 困难职工档案 and the reminders about them.
type HardshipStore interface {
	// CreateHardship stores h and its first log entry; a second record of
	// the same household (MemberID) is ECONFLICT, by a unique key.
	CreateHardship(ctx context.Context, h *Hardship, by string) error
	// GetHardship returns the record with its log; ENOTFOUND for an
	// unknown id. A non-empty readBy records the read first.
	GetHardship(ctx context.Context, id int64, readBy string) (*Hardship, error)
	ListHardship(ctx context.Context) ([]*Hardship, error)
	// UpdateHardship runs change under the record's row lock, saves the
	// record and appends the log entry change returns, in one transaction.
	UpdateHardship(ctx context.Context, id int64, change func(*Hardship) (*LogEntry, error)) (*Hardship, error)
	// SaveProfiles creates or replaces members' care profiles by user id.
	SaveProfiles(ctx context.Context, ps []Profile) error
	ListProfiles(ctx context.Context) ([]Profile, error)
	// QueueCareReminder records reminder key and queues n in one
	// transaction; a key recorded before queues nothing and reports false.
	QueueCareReminder(ctx context.Context, key string, n *unionbot.Notice) (bool, error)
}
