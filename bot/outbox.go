package bot

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"unionbot"
)

// OutboxWorker delivers queued notices with retries and backoff. Several
// replicas may run one each: notices are leased, never sent twice at once.
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
	// Observer counts send attempts by kind and errcode; nil: none.
	Observer Observer

	wake chan struct{}
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
			return
		case <-t.C:
		case <-w.wake:
		}
	}
}

// RunOnce claims and sends one batch; it returns how many it handled.
func (w *OutboxWorker) RunOnce(ctx context.Context) int {
	ns, err := w.Outbox.ClaimNotices(ctx, w.Worker, 20, 2*time.Minute)
	if err != nil {
		if ctx.Err() == nil {
			w.logger().Warn("claim notices", "err", err)
		}
		return 0
	}
	for _, n := range ns {
		w.deliver(ctx, n)
	}
	return len(ns)
}

func (w *OutboxWorker) logger() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.Default()
}

func (w *OutboxWorker) deliver(ctx context.Context, n *unionbot.Notice) {
	max := w.MaxAttempts
	if max <= 0 {
		max = 6
	}
	n.Attempts++
	// A send in flight finishes even when shutdown cancels ctx (the HTTP
	// client's timeout bounds it): cut off halfway, WeCom may have taken
	// the message while we record a failure, and it would go out twice.
	err := w.Sender.Send(context.WithoutCancel(ctx), n)
	var se *unionbot.SendError
	errors.As(err, &se)
	n.LastCode, n.LastErr = 0, ""
	if se != nil {
		n.LastCode = se.Code
	}
	if err != nil {
		n.LastErr = err.Error()
	}
	observer(w.Observer).NoticeAttempt(n.Kind, n.LastCode, err)
	w.logger().Info("notice attempt", "id", n.ID, "kind", n.Kind, "ref", n.Ref, "attempt", n.Attempts, "errcode", n.LastCode, "ok", err == nil)

	var retryAt time.Time
	switch {
	case err == nil:
		now := w.now()
		n.Status, n.SentAt = unionbot.NoticeSent, &now
	case (se == nil || se.Retryable) && n.Attempts < max:
		n.Status = unionbot.NoticePending
		retryAt = w.now().Add(Backoff(n.Attempts))
	default:
		n.Status = unionbot.NoticeFailed
	}
	// Record the outcome even when ctx ended during the send (shutdown):
	// a notice WeCom accepted but left pending would go out again.
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.Outbox.MarkNotice(mctx, n, retryAt); err != nil {
		w.logger().Error("mark notice", "id", n.ID, "err", err)
		return
	}
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
