package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"unionbot/bot"
)

// DefaultReplayCacheCap is how many signed callbacks CacheReplays keeps in
// memory (about 150 bytes each). Past it the oldest are dropped from
// memory only; until their window ends, a callback not found in memory is
// looked up in the table, as without the cache.
const DefaultReplayCacheCap = 50_000

// replayFlushEvery is how long a sighting may wait in memory before it is
// written to callback_replays. A crash loses at most this much of the
// record; Close writes what is pending.
const replayFlushEvery = 50 * time.Millisecond

// replayCache keeps the replay guard's sightings in memory, for a bot that
// is the only process on its database (SQLite, no Redis): a callback costs
// a map lookup. One goroutine appends them, in batches, to
// callback_sightings, a log in arrival order that only a restart reads:
// appending touches the last pages of the file, where inserting random
// keys into callback_replays' index touched a page per sighting (14 µs of
// the writer each). Sightings dropped from memory past the cap go to
// callback_replays, which then answers for them.
type replayCache struct {
	mu      sync.Mutex
	seen    map[string]time.Time // key → expires
	queue   []replayMark         // in the order seen (expiry is nearly that order: signed time + 5 min)
	pending []replayRow          // not yet in the table
	spill   time.Time            // until then, a key missing from seen may be in the table
	cap     int

	stop chan struct{}
	done chan struct{}
	log  *slog.Logger
}

type replayMark struct {
	key     string
	expires time.Time
}

// CacheReplays puts the replay guard's sightings in memory, logged to the
// database in the background every replayFlushEvery, for a bot that is the
// only process using this database. It loads the sightings of the last
// window from the log, so a restart forgets nothing that was written.
// capacity 0 means DefaultReplayCacheCap. Close stops it and writes what is
// pending.
func (db *DB) CacheReplays(ctx context.Context, capacity int, log *slog.Logger) error {
	if capacity <= 0 {
		capacity = DefaultReplayCacheCap
	}
	if log == nil {
		log = slog.Default()
	}
	c := &replayCache{seen: map[string]time.Time{}, cap: capacity, stop: make(chan struct{}), done: make(chan struct{}), log: log}
	now := db.now()
	rows, err := db.sql.QueryContext(ctx, "SELECT seq, `key`, expires_at FROM callback_sightings WHERE expires_at > ? ORDER BY seq DESC LIMIT ?", now, capacity+1)
	if err != nil {
		return fmt.Errorf("load callback sightings: %w", err)
	}
	var loaded []replayMark
	var seqs []int64
	for rows.Next() {
		var m replayMark
		var seq int64
		if err := rows.Scan(&seq, &m.key, &m.expires); err != nil {
			rows.Close()
			return fmt.Errorf("load callback sightings: %w", err)
		}
		loaded, seqs = append(loaded, m), append(seqs, seq)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load callback sightings: %w", err)
	}
	if len(loaded) > capacity { // more than fit: the older ones are answered by callback_replays
		if _, err := db.sql.ExecContext(ctx, "INSERT OR IGNORE INTO callback_replays (`key`, first_seen, expires_at) "+
			"SELECT `key`, first_seen, expires_at FROM callback_sightings WHERE expires_at > ? AND seq <= ?", now, seqs[capacity]); err != nil {
			return fmt.Errorf("index older callback sightings: %w", err)
		}
		loaded = loaded[:capacity]
	}
	// callback_replays answers until its last sighting expires.
	err = db.sql.QueryRowContext(ctx, "SELECT expires_at FROM callback_replays WHERE expires_at > ? ORDER BY expires_at DESC LIMIT 1", now).Scan(&c.spill)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("load callback sightings: %w", err)
	}
	for i := len(loaded) - 1; i >= 0; i-- {
		c.seen[loaded[i].key] = loaded[i].expires
		c.queue = append(c.queue, loaded[i])
	}
	db.replayCache = c
	go c.run(db)
	return nil
}

// remember is RememberCallback from memory. known is false when memory
// cannot tell (the key may be among those dropped past the cap).
func (c *replayCache) remember(key string, now time.Time, ttl time.Duration) (fresh, known bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	exp, ok := c.seen[key]
	if ok && exp.After(now) {
		return false, true
	}
	if !ok && now.Before(c.spill) {
		return false, false
	}
	exp = now.Add(ttl)
	c.seen[key] = exp
	c.queue = append(c.queue, replayMark{key, exp})
	c.pending = append(c.pending, replayRow{Key: key, FirstSeen: now, ExpiresAt: exp})
	return true, true
}

// note records a sighting the table decided, so memory knows it next time.
func (c *replayCache) note(key string, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen[key] = expires
	c.queue = append(c.queue, replayMark{key, expires})
}

func (c *replayCache) run(db *DB) {
	defer close(c.done)
	t := time.NewTicker(replayFlushEvery)
	defer t.Stop()
	var sweep int
	for {
		select {
		case <-c.stop:
			c.flush(db)
			return
		case <-t.C:
			c.flush(db)
			if sweep++; sweep%200 == 0 { // every 10 s
				now := db.now()
				db.sql.ExecContext(context.Background(), "DELETE FROM callback_sightings WHERE expires_at < ?", now)
				db.sql.ExecContext(context.Background(), "DELETE FROM callback_replays WHERE expires_at < ?", now)
			}
		}
	}
}

// flush logs the pending sightings in one transaction, then forgets the
// expired ones and, past the cap, the oldest logged ones, which it first
// puts in callback_replays.
func (c *replayCache) flush(db *DB) {
	c.mu.Lock()
	batch := c.pending
	c.pending = nil
	c.mu.Unlock()
	if len(batch) > 0 {
		if err := writeReplays(db.sql, "INSERT INTO callback_sightings", batch); err != nil {
			c.log.Error("log callback sightings; keeping them for the next try", "n", len(batch), "err", err)
			c.mu.Lock()
			c.pending = append(batch, c.pending...)
			c.mu.Unlock()
			return
		}
	}
	now := db.now()
	c.mu.Lock()
	logged := len(c.queue) - len(c.pending) // the newest are not logged yet
	drop := 0
	var spilled []replayRow
	for drop < logged {
		m := c.queue[drop]
		expired := !m.expires.After(now)
		if !expired && len(c.seen)-len(spilled) <= c.cap {
			break
		}
		if exp, ok := c.seen[m.key]; ok && exp.Equal(m.expires) && !expired {
			spilled = append(spilled, replayRow{Key: m.key, FirstSeen: m.expires.Add(-bot.ReplayWindow), ExpiresAt: m.expires})
		}
		drop++
	}
	c.mu.Unlock()
	if len(spilled) > 0 {
		// Indexed before they leave memory, so that a lookup that misses
		// memory finds them.
		if err := writeReplays(db.sql, "INSERT OR IGNORE INTO callback_replays", spilled); err != nil {
			c.log.Error("index callback sightings past the cap; keeping them in memory", "n", len(spilled), "err", err)
			return
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.queue[:drop] {
		if exp, ok := c.seen[m.key]; ok && exp.Equal(m.expires) {
			delete(c.seen, m.key)
			if m.expires.After(now) && m.expires.After(c.spill) {
				c.spill = m.expires
			}
		}
	}
	if drop > 0 {
		c.queue = append(c.queue[:0:0], c.queue[drop:]...)
	}
}

// replayBatchRows is how many sightings one INSERT carries (3 parameters
// each, under SQLite's 999).
const replayBatchRows = 300

func writeReplays(conn *sql.DB, insert string, batch []replayRow) error {
	ctx := context.Background()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for len(batch) > 0 {
		n := min(len(batch), replayBatchRows)
		q := strings.Builder{}
		q.WriteString(insert + " (`key`, first_seen, expires_at) VALUES (?, ?, ?)")
		args := make([]any, 0, 3*n)
		for i, r := range batch[:n] {
			if i > 0 {
				q.WriteString(", (?, ?, ?)")
			}
			args = append(args, r.Key, r.FirstSeen, r.ExpiresAt)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
		batch = batch[n:]
	}
	return tx.Commit()
}

// close stops the writer after it has written what is pending.
func (c *replayCache) close() {
	close(c.stop)
	<-c.done
}

// s18CallbackSighting is callback_sightings as step 18 made it.
type s18CallbackSighting struct {
	Seq       int64     `gorm:"primaryKey;autoIncrement"`
	Key       string    `gorm:"size:191;not null"`
	FirstSeen time.Time `gorm:"not null"`
	ExpiresAt time.Time `gorm:"not null;index"`
}

func (s18CallbackSighting) TableName() string { return "callback_sightings" }

// migrateCallbackSightings (step 18) adds the log of callback sightings in
// arrival order that the in-memory replay guard writes and a restart reads.
func migrateCallbackSightings(tx *gorm.DB) error { return tx.AutoMigrate(&s18CallbackSighting{}) }
