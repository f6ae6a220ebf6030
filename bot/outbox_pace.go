package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"unionbot"
)

// The paced outbox. One replica at a time sends (it holds the "outbox"
// lease in the database, renewed as it goes); the counters it paces by
// are in the database too, so whichever replica holds the lease next
// counts what the others sent. It walks the undelivered notices oldest
// first and, for each, either sends it or records when and why it waits:
//
//   - order: a member's notices go out in the order they were queued; a
//     notice naming a member whose earlier notice waits, waits behind it
//     (sends to everyone, by @all, department or tag, keep their own order);
//   - quotas: a WeCom app message goes only when no member it names would
//     pass 30 a minute or 1,000 an hour, the day's person-times stay within
//     the daily quota, and message/send stays under its calls a minute;
//   - bulk sends (to everyone, or to BulkRecipients members or more) do not
//     start within QuietWindow of :00 or :30;
//   - a notice to more than MaxBatchUsers members goes out in batches;
//   - WeCom's 45009, 45033 and 45047 are retried with backoff for as long
//     as it takes: nothing is dropped.

const (
	robotOrderKey  = "@robot"
	outboxLease    = "outbox"
	outboxLeaseTTL = 30 * time.Second // renewed every 10 s of a pass; a send takes at most the HTTP timeout
	pendingWindow  = 500              // notices looked at in one pass
)

// Parter is a sender that knows how many messages a notice takes (its
// text cut into parts): pacing charges each member that many.
type Parter interface {
	Parts(n *unionbot.Notice) int
}

// WeCom's error codes for "too often": retried, never given up.
const (
	codeAPIFreq       = 45009
	codeTooConcurrent = 45033
	codePerUserLimit  = 45047
)

func quotaCode(code int) bool {
	return code == codeAPIFreq || code == codeTooConcurrent || code == codePerUserLimit
}

// runPaced is one pass over the undelivered notices; it returns how many
// it sent or tried.
func (w *OutboxWorker) runPaced(ctx context.Context) int {
	// Read first: an idle outbox costs one query a poll, and no write.
	ns, err := w.Pace.PendingNotices(ctx, pendingWindow)
	if err != nil || len(ns) == 0 {
		if err != nil && ctx.Err() == nil {
			w.logger().Warn("pending notices", "err", err)
		}
		return 0
	}
	if !w.holdLease(ctx) {
		return 0
	}
	// Read again under the lease: what the last holder sent meanwhile is
	// no longer pending.
	if ns, err = w.Pace.PendingNotices(ctx, pendingWindow); err != nil {
		w.logger().Warn("pending notices", "err", err)
		return 0
	}
	w.prune(ctx, w.now())
	limits := w.Limits.withDefaults()
	waiting := map[string]time.Time{} // member (or "@all") -> when what holds them back is expected
	hold := func(keys []string, until time.Time) {
		for _, k := range keys {
			if until.After(waiting[k]) || waiting[k].IsZero() {
				waiting[k] = until
			}
		}
	}
	handled := 0
	for _, n := range ns {
		if ctx.Err() != nil {
			break
		}
		now := w.now()
		if !w.holdLease(ctx) { // renewed before it can lapse mid-pass
			return handled
		}
		keys := orderKeys(n)
		if n.NextAt.After(now) {
			hold(keys, n.NextAt)
			continue
		}
		if until, ok := behind(waiting, keys); ok {
			if until.Before(now) {
				until = now
			}
			w.hold(ctx, n, until, txtWaitOrder)
			hold(keys, until)
			continue
		}
		b, paced := w.nextBatch(n)
		if paced {
			u, err := w.Pace.PaceUsage(ctx, b.users, b.broadcast, now, dayStart(now, limits.Location))
			if err != nil {
				w.logger().Warn("pace usage", "err", err)
				return handled
			}
			b.members = u.Members
			if at, why := paceCheck(limits, u, b, now); !at.IsZero() {
				w.hold(ctx, n, at, why)
				hold(keys, at)
				continue
			}
		}
		handled++
		if !w.deliverBatch(ctx, n, b, paced) {
			hold(keys, n.NextAt)
		}
	}
	return handled
}

// holdLease takes or renews the sender lease; while a third of it has not
// yet passed since it was last taken, this replica still holds it and
// nothing is written.
func (w *OutboxWorker) holdLease(ctx context.Context) bool {
	now := w.now()
	if !w.leasedAt.IsZero() && now.Sub(w.leasedAt) < outboxLeaseTTL/3 && !now.Before(w.leasedAt) {
		return true
	}
	ok, err := w.Pace.AcquireLease(ctx, outboxLease, w.Worker, outboxLeaseTTL)
	if err != nil && ctx.Err() == nil {
		w.logger().Warn("outbox lease", "err", err)
	}
	if err != nil || !ok {
		w.leasedAt = time.Time{}
		return false
	}
	w.leasedAt = now
	return true
}

// release gives the sender lease up, so another replica need not wait
// for it to lapse (on shutdown).
func (w *OutboxWorker) release(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	w.leasedAt = time.Time{}
	if err := w.Pace.ReleaseLease(ctx, outboxLease, w.Worker); err != nil {
		w.logger().Warn("release outbox lease", "err", err)
	}
}

// orderKeys are what a notice keeps order with: each member it still has
// to reach, "@all" for a send to everyone, or "@robot" for the group
// robot's messages (a long month's pages arrive in order).
func orderKeys(n *unionbot.Notice) []string {
	if n.Channel == unionbot.ChannelRobot {
		return []string{robotOrderKey}
	}
	if broadcast(n) {
		return []string{broadcastStamp}
	}
	if n.Progress >= len(n.ToUsers) {
		return nil
	}
	return n.ToUsers[n.Progress:]
}

// behind reports whether any key waits on an earlier notice, and until when.
func behind(waiting map[string]time.Time, keys []string) (time.Time, bool) {
	var until time.Time
	found := false
	for _, k := range keys {
		if t, ok := waiting[k]; ok {
			found = true
			if t.After(until) {
				until = t
			}
		}
	}
	return until, found
}

func broadcast(n *unionbot.Notice) bool {
	if n.ToParty != "" || n.ToTag != "" {
		return true
	}
	for _, u := range n.ToUsers {
		if u == "@all" {
			return true
		}
	}
	return false
}

// nextBatch is what the next message/send of n carries, and whether it is
// a WeCom app message (paced) at all.
func (w *OutboxWorker) nextBatch(n *unionbot.Notice) (batch, bool) {
	b := batch{broadcast: broadcast(n), messages: 1}
	if p, ok := w.Sender.(Parter); ok {
		b.messages = max(p.Parts(n), 1)
	}
	if b.broadcast {
		for _, u := range n.ToUsers {
			if u != "@all" {
				b.users = append(b.users, u)
			}
		}
	} else {
		rest := n.ToUsers[min(n.Progress, len(n.ToUsers)):]
		b.users = rest[:min(len(rest), MaxBatchUsers)]
	}
	paced := n.Channel == "" || n.Channel == unionbot.ChannelWeCom
	return b, paced
}

// hold records that n waits until at, and why, unless it already says so.
func (w *OutboxWorker) hold(ctx context.Context, n *unionbot.Notice, at time.Time, why string) {
	if n.WaitReason == why && n.NextAt.Equal(at) {
		return
	}
	if err := w.Pace.HoldNotice(ctx, n.ID, at, why); err != nil {
		w.logger().Warn("hold notice", "id", n.ID, "err", err)
	}
	n.NextAt, n.WaitReason = at, why
}

// deliverBatch sends b of n, records it for pacing and the outcome on n;
// it reports whether n is finished (sent or given up).
func (w *OutboxWorker) deliverBatch(ctx context.Context, n *unionbot.Notice, b batch, paced bool) bool {
	part := *n
	if !b.broadcast {
		part.ToUsers = b.users
	}
	n.Attempts++
	now := w.now()
	// A send in flight finishes even when shutdown cancels ctx (the HTTP
	// client's timeout bounds it): cut off halfway, WeCom may have taken
	// the message while we record a failure, and it would go out twice.
	err := w.Sender.Send(context.WithoutCancel(ctx), &part)
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
	w.logger().Info("notice attempt", "id", n.ID, "kind", n.Kind, "ref", n.Ref, "attempt", n.Attempts,
		"batch", len(b.users), "errcode", n.LastCode, "ok", err == nil)
	// Record the outcome even when ctx ended during the send (shutdown):
	// a notice WeCom accepted but left pending would go out again.
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if paced {
		rec := &PaceSend{At: now, Calls: b.messages}
		// WeCom refused with an errcode: nobody got it. A network failure
		// may have been delivered: count it, to stay on the safe side.
		if n.LastCode == 0 {
			rec.Users, rec.Broadcast, rec.Messages, rec.Persons = b.users, b.broadcast, b.messages, b.persons()
		}
		if err := w.Pace.RecordSend(mctx, rec); err != nil {
			w.logger().Error("record send", "id", n.ID, "err", err)
		}
	}

	max := w.MaxAttempts
	if max <= 0 {
		max = 6
	}
	var retryAt time.Time
	n.WaitReason = ""
	switch {
	case err == nil && !b.broadcast && n.Progress+len(b.users) < len(n.ToUsers):
		n.Progress += len(b.users)
		n.Attempts = 0
		n.Status, retryAt = unionbot.NoticePending, now // the next batch, at once
	case err == nil:
		n.Progress = len(n.ToUsers)
		n.Status, n.SentAt = unionbot.NoticeSent, &now
	case se != nil && quotaCode(se.Code):
		n.Status, retryAt = unionbot.NoticePending, now.Add(Backoff(n.Attempts))
		n.WaitReason = fmt.Sprintf(txtWaitRetry, se.Code, quotaCodeText(se.Code))
	case (se == nil || se.Retryable) && n.Attempts < max:
		n.Status, retryAt = unionbot.NoticePending, now.Add(Backoff(n.Attempts))
		n.WaitReason = txtWaitFailed
	default:
		n.Status = unionbot.NoticeFailed
	}
	if !retryAt.IsZero() {
		n.NextAt = retryAt
	}
	if err := w.Outbox.MarkNotice(mctx, n, retryAt); err != nil {
		w.logger().Error("mark notice", "id", n.ID, "err", err)
		return false
	}
	w.alertFailed(ctx, n)
	return n.Status != unionbot.NoticePending
}

// prune forgets sends older than a day, once every ten minutes.
func (w *OutboxWorker) prune(ctx context.Context, now time.Time) {
	if now.Sub(w.prunedAt) < 10*time.Minute && !w.prunedAt.After(now) {
		return
	}
	w.prunedAt = now
	if err := w.Pace.PrunePace(ctx, now.Add(-26*time.Hour)); err != nil {
		w.logger().Warn("prune pacing", "err", err)
	}
}

// dayStart is the start of WeCom's day that now falls in.
func dayStart(now time.Time, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}
