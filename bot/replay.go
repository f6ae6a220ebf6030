package bot

import (
	"context"
	"errors"
	"time"

	"unionbot"
)

// Replay protection for both channels' callbacks. WeCom and the Official
// Account sign a callback over its timestamp and nonce; a captured request
// stays valid, so the adapters refuse a timestamp more than MaxClockSkew
// from now and remember every nonce+signature for ReplayWindow in Redis or
// the database (a restart forgets nothing).
const (
	MaxClockSkew = 5 * time.Minute
	ReplayWindow = 10 * time.Minute
	// RetryWindow is how long after its signed timestamp the platforms
	// retry a callback they got no answer to (three tries, five seconds
	// apart). The same request within it is their retry, and dedup answers
	// it with the recorded reply without processing it again; an older
	// request seen before is a replay.
	RetryWindow = 30 * time.Second
)

// ErrReplay is a signed callback seen before, outside the platforms'
// retry window.
var ErrReplay = errors.New("callback replayed")

// ReplayGuard remembers signed callbacks. Storage implements it with Redis
// (SET NX) or a database table.
type ReplayGuard interface {
	// RememberCallback records key until ttl passes; fresh is false when
	// key was already recorded and has not expired.
	RememberCallback(ctx context.Context, key string, now time.Time, ttl time.Duration) (fresh bool, err error)
}

// CheckReplay reports a replay: a callback of channel whose nonce and
// signature were seen before, signed more than RetryWindow before now. A
// guard that cannot be reached lets the callback through (the timestamp
// check still holds, and dedup keeps a message from running twice); the
// error says so for the log.
func CheckReplay(ctx context.Context, g ReplayGuard, channel, nonce, signature string, signed, now time.Time) (replay bool, err error) {
	if g == nil {
		return false, nil
	}
	fresh, err := g.RememberCallback(ctx, replayKey(channel, nonce, signature), now, replayTTL(signed, now))
	if err != nil || fresh {
		return false, err
	}
	return now.Sub(signed) > RetryWindow, nil
}

func replayKey(channel, nonce, signature string) string {
	return channel + ":" + nonce + ":" + signature
}

// replayTTL keeps a sighting until the timestamp check refuses the request
// anyway (its signed time plus MaxClockSkew), at least RetryWindow: a
// sighting kept longer protects nothing.
func replayTTL(signed, now time.Time) time.Duration {
	return min(max(signed.Add(MaxClockSkew).Sub(now), RetryWindow)+time.Second, ReplayWindow)
}

// ReplayClaimer is a replay guard that is also a dedup store and a
// SessionLocker, and can do their work for a callback in one round trip
// (Redis pipelines it).
type ReplayClaimer interface {
	ReplayGuard
	Admit(ctx context.Context, a Admission) (Admitted, error)
}

// Admission is what a callback's first round trip does: remember the
// signed request (RememberCallback), claim the delivery (Deduper.Claim)
// and, when LockKey is set, take the teacher's lock and read their session
// (SessionLocker.TryLockSession).
type Admission struct {
	ReplayKey string
	Now       time.Time
	ReplayTTL time.Duration
	ClaimKey  string
	ClaimTTL  time.Duration
	LockKey   string // "" for no lock
	LockTTL   time.Duration
	UserID    string
	// RateKey, when set, counts the message against its teacher's rate
	// limit in the same round trip (the store is also the bot's Limiter).
	RateKey    string
	RateLimit  int
	RateWindow time.Duration
}

// Admitted is what the round trip found: the request new, the delivery
// first, the lock taken (with the session, nil for none).
type Admitted struct {
	Fresh, First, Locked bool
	Held                 HeldLock
	Session              *Session
	// RateChecked: the rate limit was counted (RateKey), and RateAllowed
	// says whether the message is within it.
	RateChecked, RateAllowed bool
}

// Admitter is a Server that checks a callback for replay itself, so that
// it can claim the delivery in the same round trip (Bot does).
type Admitter interface {
	Admit(ctx context.Context, g ReplayGuard, channel, nonce, signature string, signed, now time.Time, msg *Message) (replay bool, err error)
}

// AdmitCallback is what the channel adapters call for a parsed callback:
// CheckReplay, through s's Admit when s has one (msg is nil for a message
// the bot does not handle).
func AdmitCallback(ctx context.Context, s any, g ReplayGuard, channel, nonce, signature string, signed, now time.Time, msg *Message) (replay bool, err error) {
	if a, ok := s.(Admitter); ok && msg != nil {
		return a.Admit(ctx, g, channel, nonce, signature, signed, now, msg)
	}
	return CheckReplay(ctx, g, channel, nonce, signature, signed, now)
}

// Admit implements Admitter. When g is also the bot's dedup store and a
// ReplayClaimer, the replay sighting and the delivery's dedup claim go in
// one round trip, and Serve uses that claim instead of making its own; when
// the teacher's lock lives there too and nobody in this process holds it,
// the lock and the session ride along and run uses them. With Redis a
// message then costs two round trips (this, and the outcome with the
// lock's release), not four. Otherwise it is CheckReplay. A replay refused
// after its claim was taken leaves the claim without an outcome; that
// cannot be a message not handled before, since the signature covers the
// encrypted message and its id.
func (b *Bot) Admit(ctx context.Context, g ReplayGuard, channel, nonce, signature string, signed, now time.Time, msg *Message) (bool, error) {
	rc, ok := g.(ReplayClaimer)
	if !ok || b.Dedup == nil || any(g) != any(b.Dedup) {
		return CheckReplay(ctx, g, channel, nonce, signature, signed, now)
	}
	a := Admission{ReplayKey: replayKey(channel, nonce, signature), Now: now, ReplayTTL: replayTTL(signed, now),
		ClaimKey: msg.DedupKey(), ClaimTTL: b.dedupTTL()}
	if b.countsRateIn(g, msg) {
		a.RateKey, a.RateLimit, a.RateWindow = rateKey(msg.UserID), b.RateLimit, RateWindow
	}
	var pre *userLock
	if b.prelocks(g, msg) {
		if pre = b.tryLockLocal(msg.UserID); pre != nil {
			a.LockKey, a.LockTTL, a.UserID = "user:"+msg.UserID, UserLockTTL, msg.UserID
		}
	}
	got, err := rc.Admit(ctx, a)
	if err != nil {
		if pre != nil {
			pre.unlockLocal()
		}
		return false, err // Serve claims on its own, failing open as it does
	}
	msg.claim = claimSeen
	if got.First {
		msg.claim = claimFirst
	}
	if got.RateChecked {
		msg.rate = rateOver
		if got.RateAllowed {
			msg.rate = rateWithin
		}
	}
	replay := !got.Fresh && now.Sub(signed) > RetryWindow
	if pre != nil {
		if got.Locked && got.First && !replay {
			pre.held, pre.session, pre.loaded = &got.Held, got.Session, true
			msg.lock = pre
		} else {
			if got.Locked {
				b.UserLocks.(SessionLocker).ReleaseLock(ctx, got.Held)
			}
			pre.unlockLocal()
		}
	}
	return replay, nil
}

// prelocks says whether Admit may take msg's teacher's lock: the lock, the
// sessions and the replay guard are one store, that store gives the lock
// back with the outcome, and the sender is the teacher (a WeCom member; an
// Official Account follower may be linked to a member, whose lock it is).
func (b *Bot) prelocks(g ReplayGuard, msg *Message) bool {
	if msg.UserID == "" || unionbot.IsWeChatUser(msg.UserID) || b.UserLocks == nil || b.Sessions == nil {
		return false
	}
	_, locker := b.UserLocks.(SessionLocker)
	_, releaser := b.Dedup.(OutcomeReleaser)
	return locker && releaser && any(b.UserLocks) == any(g) && any(b.Sessions) == any(g)
}

// countsRateIn says whether Admit counts msg against the rate limit in its
// round trip: the limiter is the same store, and the sender is the teacher
// Handle will count (a follower linked to a member is counted as the
// member, after Handle resolves the link). Every delivery is counted, a
// platform's retry too: a retry is rare (the first delivery went
// unanswered for 5 s) and counts as the message it repeats.
func (b *Bot) countsRateIn(g ReplayGuard, msg *Message) bool {
	return b.Limiter != nil && b.RateLimit > 0 && msg.UserID != "" && !unionbot.IsWeChatUser(msg.UserID) &&
		any(b.Limiter) == any(g)
}

// CheckTimestamp refuses a callback timestamp more than MaxClockSkew away.
func CheckTimestamp(sec int64, now time.Time) error {
	d := now.Sub(time.Unix(sec, 0))
	if d > MaxClockSkew || d < -MaxClockSkew {
		return errors.New("timestamp is " + d.Round(time.Second).String() + " from now")
	}
	return nil
}
