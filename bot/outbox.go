package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"unionbot"
)

// OutboxWorker delivers queued notices with retries and backoff, paced to
// WeCom's quotas. Several replicas may run one each: one at a time holds
// the sender lease and sends, so no notice goes twice and no quota is
// passed.
type OutboxWorker struct {
	Outbox      unionbot.Outbox
	Sender      unionbot.Sender
	Worker      string // this replica's name, for leases
	Logger      *slog.Logger
	Now         func() time.Time
	MaxAttempts int           // default 6
	Poll        time.Duration // default 1s
	// Admins are told when a notice is given up on.
	Admins []string
	// Pace keeps the pacing counters and the sender lease (required);
	// WeCom app messages are paced to Limits, see outbox_pace.go.
	Pace   PaceStore
	Limits PaceLimits
	// Observer counts send attempts by kind and errcode; nil: none.
	Observer Observer

	wake     chan struct{}
	mu       sync.Mutex // one pass at a time in this process
	prunedAt time.Time
	leasedAt time.Time // when this worker last took or renewed the sender lease
}

// Wake makes the worker look at the outbox now rather than at the next poll.
func (w *OutboxWorker) Wake() {
	if w.wake == nil {
		return
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *OutboxWorker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// Run delivers until ctx ends.
func (w *OutboxWorker) Run(ctx context.Context) {
	if w.wake == nil {
		w.wake = make(chan struct{}, 1)
	}
	poll := w.Poll
	if poll <= 0 {
		poll = time.Second
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		for w.RunOnce(ctx) > 0 && ctx.Err() == nil {
		}
		select {
		case <-ctx.Done():
			w.mu.Lock()
			w.release(ctx)
			w.mu.Unlock()
			return
		case <-t.C:
		case <-w.wake:
		}
	}
}

// RunOnce is one pass over the undelivered notices (outbox_pace.go); it
// returns how many it sent or tried.
func (w *OutboxWorker) RunOnce(ctx context.Context) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.runPaced(ctx)
}

func (w *OutboxWorker) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.Default()
}

// alertFailed tells the admins of a notice given up on.
func (w *OutboxWorker) alertFailed(ctx context.Context, n *unionbot.Notice) {
	if n.Status == unionbot.NoticeFailed && n.Kind != "alert" && len(w.Admins) > 0 {
		alert := &unionbot.Notice{
			ToUsers: w.Admins, Kind: "alert", Ref: n.Ref,
			Text: "【工会助手】一条消息发送失败，已放弃重试：" + n.Kind + " " + n.Ref +
				"，错误码 " + itoa(n.LastCode) + "。请在管理后台查看发送记录。",
		}
		if err := w.Outbox.Enqueue(ctx, alert); err != nil {
			w.logger().Error("queue alert", "err", err)
		}
	}
}

// Backoff is the wait before attempt+1: 2s, 4s, 8s ... at most 5 minutes.
func Backoff(attempt int) time.Duration {
	d := 2 * time.Second << max(attempt-1, 0)
	if d > 5*time.Minute || d <= 0 {
		d = 5 * time.Minute
	}
	return d
}
