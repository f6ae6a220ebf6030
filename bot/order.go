package bot

import (
	"context"
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

// userLock is a teacher's lock as run holds it: the place in this
// process's queue and, with a Locker, the lock across replicas.
type userLock struct {
	b      *Bot
	q      *userQueue
	userID string
	remote func()    // gives back the remote lock (plain Locker); nil for none
	held   *HeldLock // the remote lock a SessionLocker took
	// session is the teacher's session read with the lock (loaded true;
	// nil for none), handed to Handle so it does not read it again.
	session *Session
	loaded  bool
	done    bool
	pre     *preloaded // what context gave Handle
}

// lockUser blocks until msg's user is free here and (with a Locker)
// everywhere. A lock store that fails lets the message through (logged):
// the feature's own constraints still hold.
func (b *Bot) lockUser(ctx context.Context, userID string) *userLock {
	l := &userLock{b: b, userID: userID}
	if userID == "" {
		return l
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
	l.q = q
	b.lockRemote(ctx, l)
	return l
}

// tryLockLocal takes userID's place in this process's queue if nobody
// holds or waits for it, without waiting; nil when somebody does.
func (b *Bot) tryLockLocal(userID string) *userLock {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.queues == nil {
		b.queues = map[string]*userQueue{}
	}
	if b.queues[userID] != nil {
		return nil
	}
	q := &userQueue{waiting: []chan struct{}{make(chan struct{})}}
	b.queues[userID] = q
	return &userLock{b: b, q: q, userID: userID}
}

// context carries the session read with the lock to Handle. With carry,
// Handle leaves a light session's change in it (preloaded.light) for run to
// send with the outcome instead of storing it.
func (l *userLock) context(ctx context.Context, carry bool) context.Context {
	if !l.loaded {
		return ctx
	}
	l.pre = &preloaded{userID: l.userID, s: l.session, carry: carry}
	return context.WithValue(ctx, preloadedKey{}, l.pre)
}

// unlock gives back the remote lock, then the place in the queue.
func (l *userLock) unlock(ctx context.Context) {
	if l.done {
		return
	}
	switch {
	case l.held != nil:
		l.b.UserLocks.(SessionLocker).ReleaseLock(ctx, *l.held)
	case l.remote != nil:
		l.remote()
	}
	l.unlockLocal()
}

// unlockLocal gives back the place in this process's queue only: the
// remote lock went back with the outcome (OutcomeReleaser).
func (l *userLock) unlockLocal() {
	if l.done {
		return
	}
	l.done = true
	if l.q == nil {
		return
	}
	b := l.b
	b.mu.Lock()
	l.q.waiting = l.q.waiting[1:]
	if len(l.q.waiting) > 0 {
		close(l.q.waiting[0])
	} else {
		delete(b.queues, l.userID)
	}
	b.mu.Unlock()
}

// lockRemote takes the user's lock in the shared store, waiting for
// another replica that holds it. A store that keeps the sessions too reads
// the teacher's session in the same round trip.
func (b *Bot) lockRemote(ctx context.Context, l *userLock) {
	if b.UserLocks == nil {
		return
	}
	sl, withSession := b.UserLocks.(SessionLocker)
	withSession = withSession && b.Sessions != nil && any(b.Sessions) == any(b.UserLocks)
	for wait := 5 * time.Millisecond; ; wait = min(wait*2, 100*time.Millisecond) {
		var ok bool
		var err error
		if withSession {
			var held HeldLock
			var s *Session
			held, ok, s, err = sl.TryLockSession(ctx, "user:"+l.userID, UserLockTTL, l.userID)
			if ok {
				l.held, l.session, l.loaded = &held, s, true
			}
		} else {
			var release func()
			release, ok, err = b.UserLocks.TryLock(ctx, "user:"+l.userID, UserLockTTL)
			if ok {
				l.remote = release // called once: unlock is guarded by done
			}
		}
		if err != nil {
			b.logger().WarnContext(ctx, "user lock unavailable; handling the message anyway", "user", l.userID, "err", err)
			return
		}
		if ok {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// preloaded is a session read with the teacher's lock, used once. With
// carry, a session that was light when loaded (wasLight) and is light when
// saved is not stored but left in light, for the outcome's round trip
// (Bot.saveSession, OutcomeReleaser).
type (
	preloadedKey struct{}
	preloaded    struct {
		userID   string
		s        *Session
		used     bool
		carry    bool
		wasLight bool
		light    *LightSession
	}
)
