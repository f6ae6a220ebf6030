package bot

import (
	"context"
	"sync"
	"time"
)

// One teacher's messages are handled one at a time, in the order they
// arrived: two 确认提交 sent at once must not both find the form open and
// submit it twice. In a process, a first-come-first-served queue per user
// orders them; across replicas, the Locker (Redis) holds a lock per user
// while a message is handled.

// UserLockTTL bounds how long one message may hold its teacher's lock.
const UserLockTTL = 2 * time.Minute

// userQueue is the FIFO ticket lock of one user in this process.
type userQueue struct {
	waiting []chan struct{} // the holder first
}

// lockUser blocks until msg's user is free here and (with a Locker)
// everywhere, and returns the release. A lock store that fails lets the
// message through (logged): the feature's own constraints still hold.
func (b *Bot) lockUser(ctx context.Context, userID string) func() {
	if userID == "" {
		return func() {}
	}
	ch := make(chan struct{})
	b.mu.Lock()
	if b.queues == nil {
		b.queues = map[string]*userQueue{}
	}
	q := b.queues[userID]
	if q == nil {
		q = &userQueue{}
		b.queues[userID] = q
	}
	q.waiting = append(q.waiting, ch)
	first := len(q.waiting) == 1
	b.mu.Unlock()
	if !first {
		<-ch // the one before us hands over
	}
	releaseRemote := b.lockRemote(ctx, userID)
	return func() {
		releaseRemote()
		b.mu.Lock()
		q.waiting = q.waiting[1:]
		if len(q.waiting) > 0 {
			close(q.waiting[0])
		} else {
			delete(b.queues, userID)
		}
		b.mu.Unlock()
	}
}

// lockRemote takes the user's lock in the shared store, waiting for
// another replica that holds it.
func (b *Bot) lockRemote(ctx context.Context, userID string) func() {
	if b.UserLocks == nil {
		return func() {}
	}
	var once sync.Once
	for wait := 5 * time.Millisecond; ; wait = min(wait*2, 100*time.Millisecond) {
		release, ok, err := b.UserLocks.TryLock(ctx, "user:"+userID, UserLockTTL)
		if err != nil {
			b.logger().WarnContext(ctx, "user lock unavailable; handling the message anyway", "user", userID, "err", err)
			return func() {}
		}
		if ok {
			return func() { once.Do(release) }
		}
		select {
		case <-ctx.Done():
			return func() {}
		case <-time.After(wait):
		}
	}
}
