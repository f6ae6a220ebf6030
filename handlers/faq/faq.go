// Package faq answers teachers' questions from the union's knowledge base:
// Chinese word segmentation (gse, small embedded dictionary), BM25 over the
// standard question, alternates and keywords, a synonym table, and
// simplified/traditional folding, with a confidence that decides between
// answering, offering choices and handing the question to a person.
package faq

import (
	"context"
	"time"

	"unionbot"
)

// Entry is one question of the knowledge base.
type Entry struct {
	ID         int64     `json:"id" yaml:"-"`
	Question   string    `json:"question" yaml:"question"`
	Alternates []string  `json:"alternates,omitempty" yaml:"alternates,omitempty"`
	Keywords   []string  `json:"keywords,omitempty" yaml:"keywords,omitempty"`
	Answer     string    `json:"answer" yaml:"answer"`
	Category   string    `json:"category,omitempty" yaml:"category,omitempty"`
	Source     string    `json:"source" yaml:"-"` // SourceStarter or SourceUnion
	Enabled    bool      `json:"enabled" yaml:"-"`
	UpdatedBy  string    `json:"updated_by,omitempty" yaml:"-"`
	UpdatedAt  time.Time `json:"updated_at" yaml:"-"`
}

// Entry sources: the starter set the bot ships with, or the union's own.
// When both match a question, the union's entry answers.
const (
	SourceStarter = "starter"
	SourceUnion   = "union"
)

// Question statuses.
const (
	StatusUnanswered = "unanswered" // the bot did not know; nobody asked for a person yet
	StatusHanded     = "handed"     // the teacher asked for a person (转人工)
	StatusAnswered   = "answered"   // an admin replied with 答复
	StatusUnhelpful  = "unhelpful"  // the teacher said 没用 after an answer (EntryID answered)
	StatusAttached   = "attached"   // staff made it an alternate of an entry (EntryID)
	StatusIgnored    = "ignored"    // staff dismissed it (忽略) from the questions to look at
)

// Question is a question the bot could not answer, or answered unhelpfully,
// kept so the base grows.
type Question struct {
	ID         int64     `json:"id"`
	UserID     string    `json:"user_id"`
	Text       string    `json:"text"`
	Status     string    `json:"status"`
	EntryID    int64     `json:"entry_id,omitempty"`
	Reply      string    `json:"reply,omitempty"`
	RepliedBy  string    `json:"replied_by,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	AnsweredAt time.Time `json:"answered_at"`
}

// Store keeps the knowledge base and the unanswered questions.
type Store interface {
	// ListFAQ returns all entries, by id.
	ListFAQ(ctx context.Context) ([]*Entry, error)
	// UpsertFAQ creates or updates entries by their standard question, in one
	// transaction. EINVALID when an entry lacks a question or an answer.
	UpsertFAQ(ctx context.Context, entries []*Entry, by string) (created, updated int, err error)
	// ReplaceFAQ is UpsertFAQ that also deletes the union's own entries the
	// list does not hold; starter entries are kept. EINVALID as UpsertFAQ.
	ReplaceFAQ(ctx context.Context, entries []*Entry, by string) (created, updated, removed int, err error)
	// SetFAQSourceEnabled turns every entry of a source on or off and says
	// how many changed.
	SetFAQSourceEnabled(ctx context.Context, source string, enabled bool, by string) (int, error)
	// AttachQuestion adds a logged question's text to an entry's alternates
	// and marks the question attached, in one transaction; ENOTFOUND for an
	// unknown question or entry.
	AttachQuestion(ctx context.Context, questionID, entryID int64, by string) (*Entry, error)
	// FAQVersion changes whenever an entry is added, changed or removed.
	FAQVersion(ctx context.Context) (string, error)
	// SetFAQEnabled turns one entry on or off; ENOTFOUND for an unknown id.
	SetFAQEnabled(ctx context.Context, id int64, enabled bool, by string) (*Entry, error)
	// LogQuestion records a question the bot could not answer; q.ID is set.
	LogQuestion(ctx context.Context, q *Question) error
	// HandOff marks the teacher's question as handed to a person (creating it
	// when q.ID is 0) and queues the notices notify builds, in one transaction.
	HandOff(ctx context.Context, q *Question, notify func(id int64) []*unionbot.Notice) error
	// GetQuestion returns one question; ENOTFOUND when there is none.
	GetQuestion(ctx context.Context, id int64) (*Question, error)
	// AnswerQuestion stores an admin's reply and queues the notice to the
	// teacher in one transaction; ENOTFOUND when there is no such question.
	AnswerQuestion(ctx context.Context, id int64, by, reply string, n *unionbot.Notice) error
	// ListQuestions returns questions with the status (all when ""), newest first.
	ListQuestions(ctx context.Context, status string, limit int) ([]*Question, error)
	// SetQuestionStatus changes the status of the questions with ids
	// that are still open (unanswered, handed over, unhelpful).
	SetQuestionStatus(ctx context.Context, ids []int64, status string) error
}
