package storage

import (
	"context"
	"errors"
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
// key turns into a read of the first sighting.
func (db *DB) RememberCallback(ctx context.Context, key string, now time.Time, ttl time.Duration) (time.Time, error) {
	now = now.UTC().Truncate(time.Microsecond)
	row := replayRow{Key: key, FirstSeen: now, ExpiresAt: now.Add(ttl)}
	err := db.conn(ctx).Create(&row).Error
	if err == nil {
		if atomic.AddUint64(&db.replays, 1)%replayPurgeEvery == 0 {
			db.conn(ctx).Where("expires_at < ?", now).Delete(&replayRow{})
		}
		return now, nil
	}
	if !isDuplicate(err) {
		return time.Time{}, fmt.Errorf("remember callback: %w", err)
	}
	var old replayRow
	if err := db.conn(ctx).Where("`key` = ?", key).Take(&old).Error; err != nil {
		return time.Time{}, fmt.Errorf("remember callback: %w", err)
	}
	if old.ExpiresAt.Before(now) { // an old sighting not swept yet
		res := db.conn(ctx).Model(&replayRow{}).Where("`key` = ? AND expires_at < ?", key, now).
			Updates(map[string]any{"first_seen": now, "expires_at": now.Add(ttl)})
		if res.Error != nil {
			return time.Time{}, fmt.Errorf("remember callback: %w", res.Error)
		}
		if res.RowsAffected == 1 {
			return now, nil
		}
	}
	return old.FirstSeen, nil
}

// RememberCallback implements bot.ReplayGuard with SET NX; the value is
// the first sighting in Unix microseconds.
func (r *Redis) RememberCallback(ctx context.Context, key string, now time.Time, ttl time.Duration) (time.Time, error) {
	k := r.key("replay:", key)
	ok, err := r.client.SetNX(ctx, k, now.UnixMicro(), ttl).Result()
	if err != nil {
		return time.Time{}, fmt.Errorf("remember callback: %w", err)
	}
	if ok {
		return now, nil
	}
	us, err := r.client.Get(ctx, k).Int64()
	if errors.Is(err, redis.Nil) { // expired between the two calls
		return now, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("remember callback: %w", err)
	}
	return time.UnixMicro(us), nil
}
