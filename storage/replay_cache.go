package storage

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// DefaultReplayCacheCap is how many signed callbacks CacheReplays keeps in
// memory (about 150 bytes each). Past it the oldest are dropped from
// memory only; until their window ends, a callback not found in memory is
// looked up in the table, as without the cache.
const DefaultReplayCacheCap = 100_000

// replayFlushEvery is how long a sighting may wait in memory before it is
// written to callback_replays. A crash loses at most this much of the
// record; Close writes what is pending.
const replayFlushEvery = 50 * time.Millisecond

// replayCache keeps the replay guard's sightings in memory in front of
// callback_replays, for a bot that is the only process on its database
// (SQLite, no Redis): a callback costs a map lookup, and the table is
// written in batches by one goroutine, one transaction each.
type replayCache struct {
	mu      sync.Mutex
	seen    map[string]time.Time // key → expires
	queue   []replayMark         // in the order seen, which is the order they expire
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

// CacheReplays puts the replay guard's sightings in memory, written to the
// table in the background every replayFlushEvery, for a bot that is the
// only process using this database. It loads the sightings of the last
// window from the table, so a restart forgets nothing that was written.
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
	rows, err := db.sql.QueryContext(ctx, "SELECT `key`, expires_at FROM callback_replays WHERE expires_at > ? ORDER BY expires_at DESC LIMIT ?", db.now(), capacity+1)
	if err != nil {
		return fmt.Errorf("load callback sightings: %w", err)
	}
	var loaded []replayMark
	for rows.Next() {
		var m replayMark
		if err := rows.Scan(&m.key, &m.expires); err != nil {
			rows.Close()
			return fmt.Errorf("load callback sightings: %w", err)
		}
		loaded = append(loaded, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load callback sightings: %w", err)
	}
	if len(loaded) > capacity { // more than fit: the rest stay in the table only
		c.spill = loaded[capacity].expires
		loaded = loaded[:capacity]
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
				db.sql.ExecContext(context.Background(), "DELETE FROM callback_replays WHERE expires_at < ?", db.now())
			}
		}
	}
}

// flush writes the pending sightings in one transaction, then forgets the
// expired ones and, past the cap, the oldest (already written).
func (c *replayCache) flush(db *DB) {
	c.mu.Lock()
	batch := c.pending
	c.pending = nil
	c.mu.Unlock()
	if len(batch) > 0 {
		if err := writeReplays(db.sql, batch); err != nil {
			c.log.Error("write callback sightings; keeping them for the next try", "n", len(batch), "err", err)
			c.mu.Lock()
			c.pending = append(batch, c.pending...)
			c.mu.Unlock()
			return
		}
	}
	now := db.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	written := len(c.queue) - len(c.pending) // the newest are not written yet
	drop := 0
	for drop < written {
		m := c.queue[drop]
		expired := !m.expires.After(now)
		if !expired && len(c.seen) <= c.cap {
			break
		}
		if exp, ok := c.seen[m.key]; ok && exp.Equal(m.expires) {
			delete(c.seen, m.key)
			if !expired && m.expires.After(c.spill) {
				c.spill = m.expires
			}
		}
		drop++
	}
	if drop > 0 {
		c.queue = append(c.queue[:0:0], c.queue[drop:]...)
	}
}

// replayBatchRows is how many sightings one INSERT carries (3 parameters
// each, under SQLite's 999).
const replayBatchRows = 300

func writeReplays(conn *sql.DB, batch []replayRow) error {
	ctx := context.Background()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for len(batch) > 0 {
		n := min(len(batch), replayBatchRows)
		q := strings.Builder{}
		q.WriteString("INSERT OR REPLACE INTO callback_replays (`key`, first_seen, expires_at) VALUES (?, ?, ?)")
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
