package bot

import (
	"context"
	"strings"
	"sync"
	"time"

	"unionbot"
)

// Outcomes recorded for a delivery, so a channel's retry gets the same answer.
const (
	outcomePassive = "P:" // marks a passive reply that would read as another outcome (passiveOutcome)
	outcomeActive  = "A"  // the reply went (or goes) out through the outbox
	outcomeNone    = "N"  // nothing to say
)

// passiveOutcome is what is recorded for a reply returned in the callback
// response: the reply itself, so that recording it copies nothing (a copy
// of every reply was 5 % of the bot's allocated bytes on 帮助), marked with
// outcomePassive only when the bare text would read as another outcome or
// as a store's own mark (storeMark). Outcomes recorded before, always
// marked, read the same.
func passiveOutcome(reply string) string {
	if reply == outcomeActive || reply == outcomeNone || storeMark(reply) {
		return outcomePassive + reply
	}
	return reply
}

// passiveReply reads a recorded outcome: the reply it returned passively,
// or false for an active reply, nothing to say, or nothing recorded yet
// (also a store's mark for a claim without an outcome: Redis keeps the
// claim's token, "C:…", until the outcome replaces it).
func passiveReply(outcome string) (string, bool) {
	switch outcome {
	case "", outcomeActive, outcomeNone:
		return "", false
	}
	if r, ok := strings.CutPrefix(outcome, outcomePassive); ok {
		return r, true
	}
	if storeMark(outcome) {
		return "", false
	}
	return outcome, true
}

// storeMark reports whether s begins as the marks stores keep under a
// delivery's key do: an ASCII capital and a colon (outcomePassive, the
// Redis claim's "C:"). No bare reply begins so.
func storeMark(s string) bool { return len(s) >= 2 && s[1] == ':' && s[0] >= 'A' && s[0] <= 'Z' }

// flight is one message being handled. Whoever is waiting for it when it
// completes (the first delivery's callback, or a retry's) gets the reply to
// return passively; if nobody is waiting any more, it is sent actively.
type flight struct {
	done     bool
	recorded string // once done: the reply a retry gets ("" unless it went passively)
	waiters  []chan string
}

// Serve is what channel adapters call for each callback. It processes a
// delivery once (retries of the same MsgId are not processed again), waits up
// to ReplyBudget for the reply and returns it for the callback response. A
// reply not ready in time is sent actively when it is; then Serve returns "".
// Exactly one of the two happens for every message.
func (b *Bot) Serve(ctx context.Context, msg *Message) string {
	received := time.Now() // wall time, for the latency metric only
	key := msg.DedupKey()
	ttl := b.dedupTTL()
	first := msg.claim != claimSeen
	if b.Dedup != nil && msg.claim == claimNone {
		var err error
		first, err = b.Dedup.Claim(ctx, key, ttl)
		if err != nil {
			// Fail open: answering twice is better than not at all, and
			// features keep their own uniqueness in the database.
			b.logger().WarnContext(ctx, "dedup unavailable; processing the delivery", "key", key, "err", err)
			first = true
		}
	}
	if !first {
		observer(b.Observer).DedupHit(msg.Channel)
		b.logger().DebugContext(ctx, "delivery seen before; not handled again", "channel", msg.Channel, "msgid", msg.MsgID)
	}
	// Register as a waiter under the same lock that creates or finds the
	// flight, so a handler that finishes at once still finds us waiting.
	ch := make(chan string, 1)
	b.mu.Lock()
	if b.inflight == nil {
		b.inflight = map[string]*flight{}
	}
	f, running := b.inflight[key]
	if running && f.done { // finished, its outcome not stored yet: answer as recorded
		r := f.recorded
		b.mu.Unlock()
		msg.giveBackLock(ctx)
		return r
	}
	start := first && !running
	if start {
		f = &flight{}
		b.inflight[key] = f
	}
	if running || start {
		f.waiters = append(f.waiters, ch)
	}
	b.mu.Unlock()
	if !start {
		msg.giveBackLock(ctx)
	}

	if !running && !start {
		return b.recordedReply(ctx, key)
	}
	if start {
		b.wg.Add(1)
		requestID := unionbot.RequestID(ctx)
		b.spawn(func() { b.run(requestID, received, key, f, msg, ttl) })
	}
	return b.await(ctx, f, ch)
}

// giveBackLock gives back the teacher's lock Admit took for a message
// that is not run here (a retry, or one already answered), if it took one.
func (m *Message) giveBackLock(ctx context.Context) {
	if l := m.lock; l != nil {
		m.lock = nil
		l.unlock(ctx)
	}
}

// workerIdle is how long a worker waits for another message before it
// ends.
const workerIdle = 10 * time.Second

// spawn runs f on a worker goroutine: one waiting idle if there is one,
// else a new one, which then waits workerIdle for more. A goroutine made
// per message started on a small stack and grew it (runtime.newstack,
// ~3.5 % of the bot's CPU on 帮助) on the way down to the stores; a
// worker keeps the stack it grew. Nothing waits for a worker: a message
// never queues behind another's handler.
func (b *Bot) spawn(f func()) {
	b.idleOnce.Do(func() { b.idle = make(chan func()) })
	select {
	case b.idle <- f:
	default:
		go b.work(f)
	}
}

func (b *Bot) work(f func()) {
	t := time.NewTimer(workerIdle)
	defer t.Stop()
	for {
		f()
		t.Reset(workerIdle)
		select {
		case f = <-b.idle:
		case <-t.C:
			return
		}
	}
}

func (b *Bot) dedupTTL() time.Duration {
	if b.DedupTTL == 0 {
		return 30 * time.Minute
	}
	return b.DedupTTL
}

// run handles the message detached from the callback's request, so that a
// slow handler finishes (and answers actively) after the callback returned.
// It keeps the request's id for its log lines.
func (b *Bot) run(requestID string, received time.Time, key string, f *flight, msg *Message, ttl time.Duration) {
	defer b.wg.Done()
	ctx, cancel := context.WithTimeout(unionbot.WithRequestID(context.Background(), requestID), 2*time.Minute)
	defer cancel()
	lock := msg.lock // taken with the dedup claim (Admit), or taken now
	msg.lock = nil
	if lock == nil {
		b.resolveLink(ctx, msg) // a linked follower shares the member's lock and session
		lock = b.lockUser(ctx, msg.UserID)
	}
	// A store that can give the lock back with the outcome does so, in one
	// round trip, after the outcome is known; otherwise it goes back now.
	// If it keeps the sessions too, a light session goes in that round trip.
	releaser, withOutcome := b.Dedup.(OutcomeReleaser)
	withOutcome = withOutcome && lock.held != nil
	carry := withOutcome && any(b.Sessions) == any(b.Dedup) && releaser.CarriesSessions()
	reply := b.Handle(lock.context(ctx, carry), msg)
	if !withOutcome {
		lock.unlock(ctx)
	}

	// The flight stays in inflight, done, until its outcome is stored: a
	// retry in between gets the answer from it, not from a store that does
	// not have it yet.
	b.mu.Lock()
	f.done = true
	outcome, passive := outcomeNone, false
	if reply != "" {
		outcome = outcomeActive
		if n := len(f.waiters); n > 0 {
			outcome, passive = passiveOutcome(reply), true
			f.waiters[n-1] <- reply // the newest waiter's connection is the likeliest alive
			f.waiters = f.waiters[:n-1]
		}
	}
	for _, w := range f.waiters {
		w <- ""
	}
	f.waiters = nil
	if passive {
		f.recorded = reply
	}
	b.mu.Unlock()
	switch {
	case passive:
		observer(b.Observer).Replied(msg.Channel, ReplyPassive, time.Since(received))
	case outcome == outcomeActive:
		observer(b.Observer).Replied(msg.Channel, ReplyActive, time.Since(received))
	}

	switch {
	case withOutcome:
		var light *LightSession
		if carry && lock.pre != nil {
			light = lock.pre.light
		}
		if err := releaser.SetOutcomeRelease(ctx, key, outcome, ttl, *lock.held, light); err != nil {
			b.logger().WarnContext(ctx, "record delivery outcome", "key", key, "err", err)
			if light != nil { // once more on its own, before the lock goes back
				b.storeLight(ctx, light)
			}
			lock.unlock(ctx) // the lock may not have gone back with it
		} else {
			lock.unlockLocal()
		}
	case b.Dedup != nil:
		if err := b.Dedup.SetOutcome(ctx, key, outcome, ttl); err != nil {
			b.logger().WarnContext(ctx, "record delivery outcome", "key", key, "err", err)
		}
	}
	b.mu.Lock()
	delete(b.inflight, key)
	b.mu.Unlock()
	if outcome == outcomeActive {
		b.sendLate(ctx, msg, reply)
	}
}

// storeLight stores a light session's change that did not go with the
// outcome, as Handle would have (ctx does not carry).
func (b *Bot) storeLight(ctx context.Context, l *LightSession) {
	s := l.Save
	if s == nil {
		s = &Session{UserID: l.UserID} // no flow, no pages: deleted
	}
	if err := b.saveSession(ctx, s); err != nil {
		b.logger().WarnContext(ctx, "save light session", "user", l.UserID, "err", err)
	}
}

// awaitTimers keeps await's timers for the next message: a timer made per
// message was three allocations on every callback.
var awaitTimers sync.Pool

// await waits on ch, registered with f, until the budget or ctx runs out.
func (b *Bot) await(ctx context.Context, f *flight, ch chan string) string {
	budget := b.ReplyBudget
	if budget <= 0 {
		budget = 3 * time.Second
	}

	t, _ := awaitTimers.Get().(*time.Timer)
	if t == nil {
		t = time.NewTimer(budget)
	} else {
		t.Reset(budget)
	}
	defer func() {
		t.Stop() // since Go 1.23 a stopped timer's channel holds nothing stale
		awaitTimers.Put(t)
	}()
	select {
	case r := <-ch:
		return r
	case <-t.C:
	case <-ctx.Done():
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, w := range f.waiters {
		if w == ch {
			f.waiters = append(f.waiters[:i], f.waiters[i+1:]...)
			return ""
		}
	}
	return <-ch // handed the reply just as the budget ran out
}

// recordedReply answers a retry of a delivery that another process, or an
// earlier run of this one, already handled.
func (b *Bot) recordedReply(ctx context.Context, key string) string {
	if b.Dedup == nil {
		return ""
	}
	out, err := b.Dedup.Outcome(ctx, key)
	if err != nil {
		b.logger().WarnContext(ctx, "read delivery outcome", "key", key, "err", err)
		return ""
	}
	r, _ := passiveReply(out)
	return r
}

// sendLate queues a reply that missed the passive budget.
func (b *Bot) sendLate(ctx context.Context, msg *Message, reply string) {
	if b.Outbox == nil {
		b.logger().ErrorContext(ctx, "late reply dropped: no outbox", "user", msg.UserID)
		return
	}
	to := msg.UserID
	if msg.Via != "" { // a linked follower: answer where they wrote
		to = msg.Via
	}
	n := &unionbot.Notice{ToUsers: []string{to}, Channel: msg.Channel, Text: reply, Kind: "reply", Ref: msg.DedupKey()}
	b.logger().DebugContext(ctx, "reply late; queued to send actively", "channel", msg.Channel, "msgid", msg.MsgID)
	if err := b.Outbox.Enqueue(ctx, n); err != nil {
		b.logger().ErrorContext(ctx, "queue late reply", "user", msg.UserID, "err", err)
	}
}
