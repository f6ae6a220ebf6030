// Package proposal collects the union's 合理化建议 (suggestions, all year)
// and 教代会提案 (staff congress motions, while a congress session collects
// them) and follows each to an answer: a tracking number per kind and year,
// a workflow whose every step is logged and told to the submitter, and
// anonymity that holds in everything union staff can see.
package proposal

import (
	"context"
	"fmt"
	"time"

	"unionbot"
)

// Kinds of proposal.
const (
	KindSuggestion = "suggestion" // 合理化建议, JY-YYYY-NNNN
	KindMotion     = "motion"     // 教代会提案, TA-YYYY-NNNN
)

// KindName is the Chinese name of a kind.
func KindName(kind string) string {
	if kind == KindMotion {
		return "教代会提案"
	}
	return "合理化建议"
}

// Prefix is the tracking number's prefix of a kind.
func Prefix(kind string) string {
	if kind == KindMotion {
		return "TA"
	}
	return "JY"
}

// Number formats a tracking number, e.g. JY-2026-0001.
func Number(kind string, year, seq int) string {
	return fmt.Sprintf("%s-%d-%04d", Prefix(kind), year, seq)
}

// Workflow states.
const (
	StatusSeconding = "征集附议" // a motion waiting for its seconders
	StatusLapsed    = "附议不足" // a motion that did not find them in time
	StatusSubmitted = "已提交"
	StatusReviewing = "审查中"
	StatusAccepted  = "立案"
	StatusRejected  = "不予立案"
	StatusConverted = "转为建议" // a motion handled as a suggestion
	StatusAssigned  = "已交办"
	StatusReplied   = "已答复"
	StatusClosed    = "已办结"
)

// Statuses lists every state in workflow order.
var Statuses = []string{StatusSeconding, StatusSubmitted, StatusReviewing, StatusAccepted, StatusRejected,
	StatusConverted, StatusAssigned, StatusReplied, StatusClosed, StatusLapsed}

// Done reports whether status ends the workflow.
func Done(status string) bool {
	return status == StatusClosed || status == StatusRejected || status == StatusLapsed
}

// Categories of a suggestion.
var Categories = []string{"教育教学", "后勤保障", "福利待遇", "安全", "师德", "其他"}

// Satisfaction answers after 已答复.
var Satisfactions = []string{"满意", "基本满意", "不满意"}

// Seconder states.
const (
	SecondPending  = "待确认"
	SecondAgreed   = "已附议"
	SecondDeclined = "不附议"
)

// SecondDays is how long seconders have to answer.
const SecondDays = 3

// Proposal is a suggestion or a motion. For a motion Title is the 案由,
// Content the 理由 and Measures the 办法.
type Proposal struct {
	ID       int64
	No       string // JY-2026-0001
	Kind     string
	Year     int
	Title    string
	Category string
	Content  string
	Measures string
	// Anonymous hides the author from every admin-facing output; the
	// author's id is kept only to notify them and to list their own.
	Anonymous  bool
	AuthorID   string
	AuthorName string
	AuthorDept string
	Session    string // the congress session a motion was raised in
	Seconders  []Seconder
	// SecondBy is when a motion's seconders must have answered.
	SecondBy     time.Time
	Status       string
	Department   string // 承办部门, set at 已交办
	Reply        string // set at 已答复
	Satisfaction string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Author is how admin-facing outputs name the author: 匿名 for an anonymous
// suggestion.
func (p *Proposal) Author() string {
	if p.Anonymous {
		return "匿名"
	}
	if p.AuthorName != "" {
		return p.AuthorName
	}
	return p.AuthorID
}

// Seconder is a colleague a motion's proposer named.
type Seconder struct {
	UserID     string
	Name       string
	Status     string
	AnsweredAt time.Time
}

// Agreed counts the seconders who agreed.
func (p *Proposal) Agreed() int {
	n := 0
	for _, s := range p.Seconders {
		if s.Status == SecondAgreed {
			n++
		}
	}
	return n
}

// Recipients are the people told about each step: the author and the
// seconders who agreed.
func (p *Proposal) Recipients() []string {
	to := []string{p.AuthorID}
	for _, s := range p.Seconders {
		if s.Status == SecondAgreed {
			to = append(to, s.UserID)
		}
	}
	return to
}

// CanSee reports whether userID may read the proposal by chat: its author
// and its seconders (admins may read every one).
func (p *Proposal) CanSee(userID string) bool {
	if p.AuthorID == userID {
		return true
	}
	for _, s := range p.Seconders {
		if s.UserID == userID {
			return true
		}
	}
	return false
}

// LogEntry is one step of the audit log. Entries are only ever added.
type LogEntry struct {
	At         time.Time
	From, To   string
	By         string // user id, "" for the anonymous author
	ByName     string // 匿名 for the anonymous author, 管理接口 for the API
	Department string
	Note       string
}

// Session is a staff congress session (e.g. 六届二次教代会) whose window
// for motions opens and closes.
type Session struct {
	ID       int64
	Name     string
	OpensAt  time.Time
	ClosesAt time.Time
}

// Open reports whether the session collects motions at t.
func (s *Session) Open(t time.Time) bool { return !t.Before(s.OpensAt) && t.Before(s.ClosesAt) }

// Filter narrows a listing; zero fields match everything.
type Filter struct {
	Kind     string
	Status   string
	Category string
	// Involving lists proposals userID wrote or was asked to second.
	Involving string
	// Open leaves out the finished ones.
	Open bool
}

// Change is what an update records besides the proposal's new fields.
type Change struct {
	Log     *LogEntry
	Notices []*unionbot.Notice
}

// Store keeps proposals. The methods that change a proposal enqueue its
// notices in the same transaction.
type Store interface {
	// SubmitProposal numbers p (per kind and year, consecutive under
	// concurrency), stores it with its seconders and its first log entry,
	// and enqueues notices(p) once p.No is known.
	SubmitProposal(ctx context.Context, p *Proposal, first *LogEntry, notices func(*Proposal) []*unionbot.Notice) error
	// UpdateProposal loads the proposal, locked, and passes it to fn, which
	// changes its fields (status, department, reply, satisfaction,
	// seconders' answers) and says what to log and tell; the store saves it
	// all together. An error from fn changes nothing. ENOTFOUND for an
	// unknown number.
	UpdateProposal(ctx context.Context, no string, fn func(*Proposal) (*Change, error)) (*Proposal, error)
	// GetProposal returns ENOTFOUND for an unknown number.
	GetProposal(ctx context.Context, no string) (*Proposal, error)
	// ListProposals lists newest first.
	ListProposals(ctx context.Context, f Filter) ([]*Proposal, error)
	ProposalLog(ctx context.Context, no string) ([]*LogEntry, error)
	// CountProposals counts what authorID submitted since t.
	CountProposals(ctx context.Context, authorID string, since time.Time) (int, error)
	// DueSeconding lists motions still collecting seconders at t whose
	// time is up.
	DueSeconding(ctx context.Context, t time.Time) ([]string, error)

	CreateSession(ctx context.Context, s *Session) error
	ListSessions(ctx context.Context) ([]*Session, error)
}
