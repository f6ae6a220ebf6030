package storage

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"unionbot/bot"
)

// replayRow remembers one signed callback (bot.ReplayGuard) when there is
// no Redis, so that a restart does not reopen the door to replays.
type replayRow struct {
	Key       string    `gorm:"primaryKey;size:191"`
	FirstSeen time.Time `gorm:"not null"`
	ExpiresAt time.Time `gorm:"not null;index"`
}

func (replayRow) TableName() string { return "callback_replays" }

// replayPurgeEvery is how many recorded callbacks pass between sweeps of
// the expired ones.
const replayPurgeEvery = 512

// RememberCallback implements bot.ReplayGuard: an insert that a duplicate
// key turns into "seen", unless the old row has expired.
func (db *DB) RememberCallback(ctx context.Context, key string, now time.Time, ttl time.Duration) (bool, error) {
	now = now.UTC()
	if c := db.replayCache; c != nil {
		if fresh, known := c.remember(key, now, ttl); known {
			return fresh, nil
		}
		fresh, err := db.rememberInTable(ctx, key, now, ttl)
		if err == nil {
			c.note(key, now.Add(ttl))
		}
		return fresh, err
	}
	return db.rememberInTable(ctx, key, now, ttl)
}

func (db *DB) rememberInTable(ctx context.Context, key string, now time.Time, ttl time.Duration) (bool, error) {
	// Every callback passes here: plain SQL, without gorm's statement
	// building.
	_, err := db.sql.ExecContext(ctx, "INSERT INTO callback_replays (`key`, first_seen, expires_at) VALUES (?, ?, ?)", key, now, now.Add(ttl))
	if err == nil {
		if atomic.AddUint64(&db.replays, 1)%replayPurgeEvery == 0 {
			db.conn(ctx).Where("expires_at < ?", now).Delete(&replayRow{})
		}
		return true, nil
	}
	if !isDuplicate(err) {
		return false, fmt.Errorf("remember callback: %w", err)
	}
	// An old sighting not swept yet counts as new.
	res := db.conn(ctx).Model(&replayRow{}).Where("`key` = ? AND expires_at < ?", key, now).
		Updates(map[string]any{"first_seen": now, "expires_at": now.Add(ttl)})
	if res.Error != nil {
		return false, fmt.Errorf("remember callback: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// RememberCallback implements bot.ReplayGuard: set once (setOnce), so a
// command sent again after a failover does not mistake its own mark for a
// replay.
func (r *Redis) RememberCallback(ctx context.Context, key string, now time.Time, ttl time.Duration) (bool, error) {
	ok, err := r.setOnce(ctx, r.key("replay:", key), fmt.Sprint(now.UnixMicro(), ":", randomToken()), ttl)
	if err != nil {
		return false, fmt.Errorf("remember callback: %w", err)
	}
	return ok, nil
}

// Admit implements bot.ReplayClaimer: the replay sighting, the dedup claim
// and, when a.LockKey is set, the teacher's lock and session, in one
// pipeline. The tokens are made before it, so that a Sentinel retry of the
// pipeline (durable) recognises its own writes.
func (r *Redis) Admit(ctx context.Context, a bot.Admission) (bot.Admitted, error) {
	var got bot.Admitted
	sighting := fmt.Sprint(a.Now.UnixMicro(), ":", randomToken())
	claim := "C:" + randomToken()
	if a.LockKey != "" {
		got.Held = bot.HeldLock{Key: r.key("lock:", a.LockKey), Token: randomToken()}
	}
	var sighted, claimed func() (bool, error)
	var locked func() (bool, *bot.Session, error)
	var allowed func() (bool, error)
	err := r.durable(ctx, func(p redis.Pipeliner) {
		sighted = r.setOnceIn(ctx, p, r.key("replay:", a.ReplayKey), sighting, a.ReplayTTL)
		claimed = r.setOnceIn(ctx, p, r.key("dedup:", a.ClaimKey), claim, a.ClaimTTL)
		if a.LockKey != "" {
			locked = r.lockSessionIn(ctx, p, got.Held, a.LockTTL, a.UserID)
		}
		if a.RateKey != "" {
			allowed = r.allowIn(ctx, p, a.RateKey, a.RateLimit, a.RateWindow)
		}
	})
	if err == nil {
		if got.Fresh, err = sighted(); err == nil {
			got.First, err = claimed()
		}
	}
	if err == nil && locked != nil {
		got.Locked, got.Session, err = locked()
	}
	if err == nil && allowed != nil {
		// A counter that cannot be read leaves the limit to Handle's own
		// check, as a message without Admit has it.
		if ok, rerr := allowed(); rerr == nil {
			got.RateChecked, got.RateAllowed = true, ok
		}
	}
	if r.refusedSetGet(err) {
		return r.Admit(ctx, a)
	}
	if err != nil {
		if a.LockKey != "" { // it may have been taken before the error
			r.ReleaseLock(ctx, got.Held)
		}
		return bot.Admitted{}, fmt.Errorf("remember callback and claim: %w", err)
	}
	return got, nil
}
