package unionbot

import (
	"context"
	"strconv"
	"time"
)

// Notice formats.
const (
	FormatText     = "text"
	FormatMarkdown = "markdown"
)

// Notice is a message the bot sends on its own initiative: a promotion from the
// waitlist, a reply to a proposal, the monthly announcement, or a chat reply
// that was not ready within the passive-reply budget.
type Notice struct {
	ID      int64
	ToUsers []string // user ids; ["@all"] means every member of the app
	ToParty string   // WeCom department ids, "|"-separated
	ToTag   string   // WeCom tag ids, "|"-separated
	Channel string   // wecom (default), wechat, robot (the group robot) or cli
	Format  string   // FormatText (default) or FormatMarkdown
	Title   string   // used by channels that show a title (textcard, robot)
	Text    string
	// Card, when set, is shown instead of Text where the channel can show
	// it (WeCom with cards on); Text stays the whole message elsewhere.
	Card      *Card
	Kind      string // what sent it, for the delivery log: reply, signup, proposal, announce...
	Ref       string // the feature's reference, e.g. "announce:2026-12" or "JY-2026-0001"
	Status    string // pending, sent, failed
	Attempts  int
	LastCode  int    // last errcode from the channel, 0 when fine
	LastErr   string // last error text
	CreatedAt time.Time
	SentAt    *time.Time
	// NextAt is when the outbox tries the notice next; WaitReason says why
	// it waits (a WeCom quota, a retry), for the console.
	NextAt     time.Time
	WaitReason string
	// Progress counts the ToUsers already sent to: a notice to more members
	// than one message/send takes goes out in batches.
	Progress int
}

// Notice delivery statuses.
const (
	NoticePending = "pending"
	NoticeSent    = "sent"
	NoticeFailed  = "failed"
)

// Outbox is the durable queue of notices. Features enqueue in the same
// transaction as the change that causes the notice (their stores do that);
// Enqueue here is for notices that stand alone.
type Outbox interface {
	Enqueue(ctx context.Context, n *Notice) error
	// MarkNotice records the outcome of one attempt. A notice that failed but
	// may be retried is given retryAt; a final failure has status failed.
	MarkNotice(ctx context.Context, n *Notice, retryAt time.Time) error
	ListNotices(ctx context.Context, kind string, limit int) ([]*Notice, error)
}

// Sender delivers a notice through a channel. A failure the channel reported
// comes back as *SendError with its errcode.
type Sender interface {
	Send(ctx context.Context, n *Notice) error
}

// SendError is a failed delivery with the channel's error code.
type SendError struct {
	Code      int
	Msg       string
	Retryable bool
}

func (e *SendError) Error() string {
	return "send failed: errcode=" + strconv.Itoa(e.Code) + " " + e.Msg
}
