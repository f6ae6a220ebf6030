package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"unionbot"
	"unionbot/bot"
)

var unlockScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`)

// TryLock implements bot.Locker: SET NX PX with a random token, released
// only by its holder.
func (r *Redis) TryLock(ctx context.Context, key string, ttl time.Duration) (func(), bool, error) {
	token := randomToken()
	k := r.key("lock:", key)
	ok, err := r.setOnce(ctx, k, token, ttl)
	if err != nil {
		return nil, false, fmt.Errorf("lock %s: %w", key, err)
	}
	if !ok {
		return nil, false, nil
	}
	// Released durably: a release that reached only a primary being
	// replaced would leave the lock on the new one for its whole TTL.
	return func() {
		r.durable(context.Background(), func(p redis.Pipeliner) { unlockScript.Eval(context.Background(), p, []string{k}, token) })
	}, true, nil
}

// setOnce sets k to token unless k exists, durably (see durable), and
// reports whether k now holds token: a command that go-redis sends again
// after a lost answer, or durable after a failover, still finds itself
// the one that set it.
//
// It is one SET k token PX ttl NX GET (Redis 7.0 on): the old value comes
// back, nil when there was none and the key is now ours. Older servers
// refuse NX with GET, and get claimScript, which does the same in Lua
// (and costs the server several times more).
func (r *Redis) setOnce(ctx context.Context, k, token string, ttl time.Duration) (bool, error) {
	var result func() (bool, error)
	err := r.durable(ctx, func(p redis.Pipeliner) { result = r.setOnceIn(ctx, p, k, token, ttl) })
	if err == nil {
		var ok bool
		if ok, err = result(); err == nil {
			return ok, nil
		}
	}
	if r.refusedSetGet(err) {
		return r.setOnce(ctx, k, token, ttl)
	}
	return false, err
}

// setOnceIn queues setOnce's command on p; its result is read after p ran.
func (r *Redis) setOnceIn(ctx context.Context, p redis.Pipeliner, k, token string, ttl time.Duration) func() (bool, error) {
	if r.scriptedSetOnce.Load() {
		cmd := claimScript.Eval(ctx, p, []string{k}, token, ttl.Milliseconds())
		return func() (bool, error) {
			n, err := cmd.Int()
			return n == 1, err
		}
	}
	cmd := p.SetArgs(ctx, k, token, redis.SetArgs{Mode: "NX", TTL: ttl, Get: true})
	return func() (bool, error) {
		old, err := cmd.Result()
		if errors.Is(err, redis.Nil) {
			return true, nil
		}
		return err == nil && old == token, err
	}
}

// refusedSetGet reports an error that says the server has no SET … NX GET
// (before Redis 7.0), and from then on uses the script.
func (r *Redis) refusedSetGet(err error) bool {
	return !r.scriptedSetOnce.Load() && r.refusedSetGetIn(err)
}

// refusedSetGetIn is refusedSetGet for a pipeline known to have been built
// without the script: shared with other callers, it may have been refused
// after one of them switched to the script already.
func (r *Redis) refusedSetGetIn(err error) bool {
	if err == nil || !strings.Contains(err.Error(), "syntax error") {
		return false
	}
	r.scriptedSetOnce.Store(true)
	return true
}

// TryLockSession implements bot.SessionLocker: the lock and the teacher's
// session in one round trip.
func (r *Redis) TryLockSession(ctx context.Context, key string, ttl time.Duration, userID string) (bot.HeldLock, bool, *bot.Session, error) {
	held := bot.HeldLock{Key: r.key("lock:", key), Token: randomToken()}
	var locked func() (bool, *bot.Session, error)
	err := r.durable(ctx, func(p redis.Pipeliner) { locked = r.lockSessionIn(ctx, p, held, ttl, userID) })
	var ok bool
	var s *bot.Session
	if err == nil {
		ok, s, err = locked()
	}
	if r.refusedSetGet(err) {
		return r.TryLockSession(ctx, key, ttl, userID)
	}
	if err != nil {
		r.ReleaseLock(ctx, held) // it may have been taken before the error
		return held, false, nil, fmt.Errorf("lock %s: %w", key, err)
	}
	return held, ok, s, nil
}

// lockSessionIn queues the lock and the session read on p; what it returns
// reads their results after p ran: whether the lock was taken and, if so,
// the teacher's session (nil for none).
func (r *Redis) lockSessionIn(ctx context.Context, p redis.Pipeliner, held bot.HeldLock, ttl time.Duration, userID string) func() (bool, *bot.Session, error) {
	locked := r.setOnceIn(ctx, p, held.Key, held.Token, ttl)
	get := p.Get(ctx, r.key("session:", userID))
	return func() (bool, *bot.Session, error) {
		ok, err := locked()
		if err != nil || !ok {
			return false, nil, err
		}
		s, err := readSession(get)
		switch {
		case unionbot.ErrorCode(err) == unionbot.ENOTFOUND:
			return true, nil, nil
		case err != nil: // the lock is ours but the session is not known: give it back
			r.ReleaseLock(ctx, held)
			return false, nil, err
		}
		return true, s, nil
	}
}

// ReleaseLock implements bot.SessionLocker, durably (see TryLock).
func (r *Redis) ReleaseLock(ctx context.Context, held bot.HeldLock) {
	ctx = context.WithoutCancel(ctx) // given back even when the message timed out
	r.durable(ctx, func(p redis.Pipeliner) {
		unlockScript.Eval(ctx, p, []string{held.Key}, held.Token)
	})
}
