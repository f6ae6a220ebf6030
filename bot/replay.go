package bot

import (
	"context"
	"errors"
	"time"
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

// ReplayClaimer is a replay guard that also claims deliveries, and can do
// both in one round trip (Redis: two SET NX in one pipeline).
type ReplayClaimer interface {
	ReplayGuard
	// RememberAndClaim is RememberCallback(replayKey, now, replayTTL) and
	// Deduper.Claim(claimKey, claimTTL) together.
	RememberAndClaim(ctx context.Context, replayKey string, now time.Time, replayTTL time.Duration, claimKey string, claimTTL time.Duration) (fresh, first bool, err error)
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

// Admit implements Admitter. When g is also the bot's dedup store and can
// do both at once, the replay sighting and the delivery's dedup claim go
// in one round trip, and Serve uses that claim instead of making its own:
// with Redis, a message costs three round trips, not four. Otherwise it is
// CheckReplay. A replay refused after its claim was taken leaves the claim
// without an outcome; that cannot be a message not handled before, since
// the signature covers the encrypted message and its id.
func (b *Bot) Admit(ctx context.Context, g ReplayGuard, channel, nonce, signature string, signed, now time.Time, msg *Message) (bool, error) {
	rc, ok := g.(ReplayClaimer)
	if !ok || b.Dedup == nil || any(g) != any(b.Dedup) {
		return CheckReplay(ctx, g, channel, nonce, signature, signed, now)
	}
	fresh, first, err := rc.RememberAndClaim(ctx, replayKey(channel, nonce, signature), now, replayTTL(signed, now), msg.DedupKey(), b.dedupTTL())
	if err != nil {
		return false, err // Serve claims on its own, failing open as it does
	}
	msg.claim = claimSeen
	if first {
		msg.claim = claimFirst
	}
	if fresh {
		return false, nil
	}
	return now.Sub(signed) > RetryWindow, nil
}

// CheckTimestamp refuses a callback timestamp more than MaxClockSkew away.
func CheckTimestamp(sec int64, now time.Time) error {
	d := now.Sub(time.Unix(sec, 0))
	if d > MaxClockSkew || d < -MaxClockSkew {
		return errors.New("timestamp is " + d.Round(time.Second).String() + " from now")
	}
	return nil
}
