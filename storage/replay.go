package storage

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
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

// RememberAndClaim implements bot.ReplayClaimer: RememberCallback and
// Claim in one pipeline.
func (r *Redis) RememberAndClaim(ctx context.Context, replayKey string, now time.Time, replayTTL time.Duration, claimKey string, claimTTL time.Duration) (fresh, first bool, err error) {
	var sighted, claimed func() (bool, error)
	err = r.durable(ctx, func(p redis.Pipeliner) {
		sighted = r.setOnceIn(ctx, p, r.key("replay:", replayKey), fmt.Sprint(now.UnixMicro(), ":", randomToken()), replayTTL)
		claimed = r.setOnceIn(ctx, p, r.key("dedup:", claimKey), "C:"+randomToken(), claimTTL)
	})
	if err == nil {
		if fresh, err = sighted(); err == nil {
			first, err = claimed()
		}
	}
	if r.refusedSetGet(err) {
		return r.RememberAndClaim(ctx, replayKey, now, replayTTL, claimKey, claimTTL)
	}
	if err != nil {
		return false, false, fmt.Errorf("remember callback and claim: %w", err)
	}
	return fresh, first, nil
}
