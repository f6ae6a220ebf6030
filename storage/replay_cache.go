package storage

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"sync"
	"time"
)

// DefaultReplayCacheCap is how many signed callbacks CacheReplays keeps in
// memory (about 50 bytes each: a 64-bit hash of the key and its expiry,
// in the map and in the queue). A sighting is kept until its signed time
// + 5 min, so this holds 1,300 callbacks a second for those 5 minutes. Past
// it the oldest are dropped from memory only; until their window ends, a
// callback not found in memory is looked up in the table, as without the
// cache.
const DefaultReplayCacheCap = 400_000

// replayFlushEvery is how long a sighting may wait in memory before it is
// written to callback_replays. A crash loses at most this much of the
// record; Close writes what is pending.
const replayFlushEvery = 50 * time.Millisecond

// replayCache keeps the replay guard's sightings in memory, for a bot that
// is the only process on its database (SQLite, no Redis): a callback costs
// a map lookup. One goroutine appends them to callback_sighting_batches,
// one row for each flush holding that flush's sightings (key, first seen,
// expires) packed in a blob, a log in arrival order that only a restart
// reads. Inserting random keys into callback_replays' index touched a page
// per sighting (14 µs of the writer each); a row per sighting in a log
// still cost two B-tree inserts and a bound statement each, the largest
// part of the bot's own CPU on 帮助. Sightings dropped from memory past the
// cap go to callback_replays, which then answers for them.
//
// Memory holds a 64-bit hash of each key (maphash, a seed of this
// process's own), not the key: two keys sharing a hash would make a new
// callback look seen, which CheckReplay then takes for the platform's
// retry (its timestamp is fresh), so dedup still handles it as its own
// message. The keys themselves are in the log, which the spill reads.
type replayCache struct {
	mu      sync.Mutex
	seed    maphash.Seed
	seen    map[uint64]int64 // hash of key → expires, unix nanoseconds
	queue   []replayMark     // in the order seen (expiry is nearly that order: signed time + 5 min)
	pending []replayRow      // not yet in the table
	spill   time.Time        // until then, a key missing from seen may be in the table
	cap     int

	insert *sql.Stmt // the batch INSERT, prepared on the first flush; only run uses it

	stop chan struct{}
	done chan struct{}
	log  *slog.Logger
}

type replayMark struct {
	h       uint64
	expires int64 // unix nanoseconds
}

func (c *replayCache) hash(key string) uint64 { return maphash.String(c.seed, key) }

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
	c := &replayCache{seed: maphash.MakeSeed(), seen: map[uint64]int64{}, cap: capacity, stop: make(chan struct{}), done: make(chan struct{}), log: log}
	now := db.now()
	var loaded []replayMark // newest first
	var older []replayRow   // past the cap: callback_replays answers for them
	err := eachSightingBatch(ctx, db.sql, log, func(batch []replayRow) {
		for i := len(batch) - 1; i >= 0; i-- {
			r := batch[i]
			switch {
			case !r.ExpiresAt.After(now):
			case len(loaded) < capacity:
				loaded = append(loaded, replayMark{c.hash(r.Key), r.ExpiresAt.UnixNano()})
			default:
				older = append(older, r)
			}
		}
	}, "SELECT sightings FROM callback_sighting_batches WHERE expires_max > ? ORDER BY seq DESC", now)
	if err != nil {
		return fmt.Errorf("load callback sightings: %w", err)
	}
	if err := indexSightings(ctx, db.sql, older); err != nil {
		return fmt.Errorf("index older callback sightings: %w", err)
	}
	// callback_replays answers until its last sighting expires.
	err = db.sql.QueryRowContext(ctx, "SELECT expires_at FROM callback_replays WHERE expires_at > ? ORDER BY expires_at DESC LIMIT 1", now).Scan(&c.spill)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("load callback sightings: %w", err)
	}
	for i := len(loaded) - 1; i >= 0; i-- {
		c.seen[loaded[i].h] = loaded[i].expires
		c.queue = append(c.queue, loaded[i])
	}
	db.replayCache = c
	go c.run(db)
	return nil
}

// remember is RememberCallback from memory. known is false when memory
// cannot tell (the key may be among those dropped past the cap).
func (c *replayCache) remember(key string, now time.Time, ttl time.Duration) (fresh, known bool) {
	h := c.hash(key)
	c.mu.Lock()
	defer c.mu.Unlock()
	exp, ok := c.seen[h]
	if ok && exp > now.UnixNano() {
		return false, true
	}
	if !ok && now.Before(c.spill) {
		return false, false
	}
	expires := now.Add(ttl)
	c.seen[h] = expires.UnixNano()
	c.queue = append(c.queue, replayMark{h, expires.UnixNano()})
	c.pending = append(c.pending, replayRow{Key: key, FirstSeen: now, ExpiresAt: expires})
	return true, true
}

// note records a sighting the table decided, so memory knows it next time.
func (c *replayCache) note(key string, expires time.Time) {
	h := c.hash(key)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen[h] = expires.UnixNano()
	c.queue = append(c.queue, replayMark{h, expires.UnixNano()})
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
				db.sql.ExecContext(context.Background(), "DELETE FROM callback_sighting_batches WHERE expires_max < ?", now)
				db.sql.ExecContext(context.Background(), "DELETE FROM callback_replays WHERE expires_at < ?", now)
			}
		}
	}
}

// flush logs the pending sightings in one transaction, then forgets the
// expired ones and, past the cap, the oldest logged ones, which it first
// indexes in callback_replays from the log (memory no longer has their
// keys): every logged sighting expiring between the first and the last
// one dropped (the queue is nearly in expiry order, so that is hardly
// more than those dropped; one indexed twice is ignored).
func (c *replayCache) flush(db *DB) {
	c.mu.Lock()
	batch := c.pending
	c.pending = nil
	c.mu.Unlock()
	if len(batch) > 0 {
		if err := c.logSightings(db.sql, batch); err != nil {
			c.log.Error("log callback sightings; keeping them for the next try", "n", len(batch), "err", err)
			c.mu.Lock()
			c.pending = append(batch, c.pending...)
			c.mu.Unlock()
			return
		}
	}
	now := db.now()
	nowN := now.UnixNano()
	c.mu.Lock()
	logged := len(c.queue) - len(c.pending) // the newest are not logged yet
	drop, spilled := 0, 0
	var spillFrom, spillTo int64
	for drop < logged {
		m := c.queue[drop]
		expired := m.expires <= nowN
		if !expired && len(c.seen)-spilled <= c.cap {
			break
		}
		if exp, ok := c.seen[m.h]; ok && exp == m.expires && !expired {
			if spilled == 0 || m.expires < spillFrom {
				spillFrom = m.expires
			}
			spilled++
			spillTo = max(spillTo, m.expires)
		}
		drop++
	}
	c.mu.Unlock()
	if spilled > 0 {
		// Indexed before they leave memory, so that a lookup that misses
		// memory finds them.
		if err := c.spillRange(db.sql, time.Unix(0, spillFrom).UTC(), time.Unix(0, spillTo).UTC()); err != nil {
			c.log.Error("index callback sightings past the cap; keeping them in memory", "n", spilled, "err", err)
			return
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.queue[:drop] {
		if exp, ok := c.seen[m.h]; ok && exp == m.expires {
			delete(c.seen, m.h)
			if e := time.Unix(0, m.expires).UTC(); m.expires > nowN && e.After(c.spill) {
				c.spill = e
			}
		}
	}
	if drop > 0 {
		c.queue = append(c.queue[:0:0], c.queue[drop:]...)
	}
}

// maxSightingsPerRow bounds one log row (about 80 bytes a sighting): a
// flush after the database was away for a while writes several.
const maxSightingsPerRow = 4096

// logSightings appends a batch to callback_sighting_batches in one
// transaction, packed into as few rows as maxSightingsPerRow allows,
// through one INSERT prepared once.
func (c *replayCache) logSightings(conn *sql.DB, batch []replayRow) error {
	ctx := context.Background()
	if c.insert == nil {
		st, err := conn.PrepareContext(ctx, "INSERT INTO callback_sighting_batches (expires_min, expires_max, sightings) VALUES (?, ?, ?)")
		if err != nil {
			return err
		}
		c.insert = st
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st := tx.StmtContext(ctx, c.insert)
	for len(batch) > 0 {
		part := batch[:min(len(batch), maxSightingsPerRow)]
		batch = batch[len(part):]
		lo, hi := part[0].ExpiresAt, part[0].ExpiresAt
		for _, r := range part {
			if r.ExpiresAt.Before(lo) {
				lo = r.ExpiresAt
			}
			if r.ExpiresAt.After(hi) {
				hi = r.ExpiresAt
			}
		}
		if _, err := st.ExecContext(ctx, lo, hi, packSightings(part)); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// packSightings writes sightings as, each, the key's length (uvarint),
// the key, and its first-seen and expiry times (varint unix nanoseconds).
// Keys hold the request's nonce, which anybody can fill with anything, so
// lengths, not separators.
func packSightings(rows []replayRow) []byte {
	out := make([]byte, 0, len(rows)*(len(rows[0].Key)+24))
	for _, r := range rows {
		out = binary.AppendUvarint(out, uint64(len(r.Key)))
		out = append(out, r.Key...)
		out = binary.AppendVarint(out, r.FirstSeen.UnixNano())
		out = binary.AppendVarint(out, r.ExpiresAt.UnixNano())
	}
	return out
}

// unpackSightings reads what packSightings wrote.
func unpackSightings(b []byte) ([]replayRow, error) {
	var rows []replayRow
	bad := errors.New("callback sighting log row is corrupt")
	for len(b) > 0 {
		n, w := binary.Uvarint(b)
		if w <= 0 || uint64(len(b)-w) < n {
			return nil, bad
		}
		key := string(b[w : w+int(n)])
		b = b[w+int(n):]
		first, w1 := binary.Varint(b)
		if w1 <= 0 {
			return nil, bad
		}
		b = b[w1:]
		exp, w2 := binary.Varint(b)
		if w2 <= 0 {
			return nil, bad
		}
		b = b[w2:]
		rows = append(rows, replayRow{Key: key, FirstSeen: time.Unix(0, first).UTC(), ExpiresAt: time.Unix(0, exp).UTC()})
	}
	return rows, nil
}

// spillRange indexes in callback_replays every logged sighting expiring
// from from to to.
func (c *replayCache) spillRange(conn *sql.DB, from, to time.Time) error {
	ctx := context.Background()
	var spill []replayRow
	err := eachSightingBatch(ctx, conn, c.log, func(batch []replayRow) {
		for _, r := range batch {
			if !r.ExpiresAt.Before(from) && !r.ExpiresAt.After(to) {
				spill = append(spill, r)
			}
		}
	}, "SELECT sightings FROM callback_sighting_batches WHERE expires_max >= ? AND expires_min <= ?", from, to)
	if err != nil {
		return err
	}
	return indexSightings(ctx, conn, spill)
}

// eachSightingBatch hands fn each log row that query (selecting the packed
// sightings column) reads, unpacked, in the query's order. A damaged row
// is logged and skipped: the rest of the log still counts, and the
// timestamp check bounds what that row held to five minutes.
func eachSightingBatch(ctx context.Context, conn *sql.DB, log *slog.Logger, fn func([]replayRow), query string, args ...any) error {
	rows, err := conn.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var blob []byte
		if err := rows.Scan(&blob); err != nil {
			return err
		}
		batch, err := unpackSightings(blob)
		if err != nil {
			log.Error("callback sightings: skipping a damaged log row", "err", err)
			continue
		}
		fn(batch)
	}
	return rows.Err()
}

// indexSightings puts sightings in callback_replays (one indexed twice is
// ignored), in one transaction.
func indexSightings(ctx context.Context, conn *sql.DB, rows []replayRow) error {
	if len(rows) == 0 {
		return nil
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, "INSERT OR IGNORE INTO callback_replays (`key`, first_seen, expires_at) VALUES (?, ?, ?)")
	if err != nil {
		return err
	}
	defer st.Close()
	for _, r := range rows {
		if _, err := st.ExecContext(ctx, r.Key, r.FirstSeen, r.ExpiresAt); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// close stops the writer after it has written what is pending.
func (c *replayCache) close() {
	close(c.stop)
	<-c.done
	if c.insert != nil {
		c.insert.Close()
	}
}
