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
	// Kept until the timestamp check refuses the request anyway (its
	// signed time plus MaxClockSkew), at least RetryWindow: a sighting
	// kept longer protects nothing.
	ttl := max(signed.Add(MaxClockSkew).Sub(now), RetryWindow) + time.Second
	fresh, err := g.RememberCallback(ctx, channel+":"+nonce+":"+signature, now, min(ttl, ReplayWindow))
	if err != nil || fresh {
		return false, err
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
