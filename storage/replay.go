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
// and, when a.LockKey is set, the teacher's lock and session (and, with
// a.RateKey, the rate count), in one pipeline, shared with the admissions
// that arrive at the same time (pipeGroups). The tokens are made before
// it, so that a Sentinel retry of the pipeline (durable) recognises its
// own writes.
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
	scripted := false
	err := r.pipes.send(r, ctx, func(p redis.Pipeliner) {
		scripted = r.scriptedSetOnce.Load()
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
	if !scripted && r.refusedSetGetIn(err) {
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

// pipeGroups shares pipelines between callers: the commands of callers
// that arrive while one pipeline is out go together in the next, so under
// load each message pays a share of one write and one read on the
// connection (and of go-redis's work around them) instead of its own. The
// caller that finds none out sends at once, so a quiet bot waits no longer
// than before; the callers queued meanwhile are sent by a goroutine of
// their own, and each waits for the pipeline that carries its commands.
// Every caller hears the pipeline's error (a failed connection fails them
// all, as it would fail each alone).
type pipeGroups struct {
	queue groupQueue[struct{}, *pipeJob]
}

// pipeJob is one caller's commands: queue adds them to a pipeline (again,
// if durable sends the pipeline again).
type pipeJob struct {
	ctx   context.Context
	queue func(redis.Pipeliner)
	done  chan error
}

// maxPipeGroup bounds the callers of one pipeline.
const maxPipeGroup = 64

// send runs queue's commands in a shared pipeline and returns its error.
func (g *pipeGroups) send(r *Redis, ctx context.Context, queue func(redis.Pipeliner)) error {
	job := &pipeJob{ctx: ctx, queue: queue, done: make(chan error, 1)}
	if !g.queue.add(struct{}{}, job) {
		return <-job.done
	}
	group := g.queue.take(struct{}{}, maxPipeGroup) // job, and whoever came meanwhile
	if len(group) > 1 {
		ctx = context.WithoutCancel(ctx) // sent for the others too
	}
	g.sendGroup(r, ctx, group)
	if next := g.queue.take(struct{}{}, maxPipeGroup); next != nil {
		go g.drain(r, next)
	}
	return <-job.done
}

// drain sends the queued callers' commands, a group at a time, until none
// is left.
func (g *pipeGroups) drain(r *Redis, group []*pipeJob) {
	for ; group != nil; group = g.queue.take(struct{}{}, maxPipeGroup) {
		// The first caller's context carries the request id; the group is
		// sent even if that caller has gone (the client's timeouts bound it).
		g.sendGroup(r, context.WithoutCancel(group[0].ctx), group)
	}
}

// sendGroup sends a group's commands in one pipeline and tells each caller
// its error: a failed connection (or an unreplicated write) is everyone's,
// but a command the server refused is only its caller's, so one teacher's
// bad key does not fail the messages that happened to share its pipeline.
func (g *pipeGroups) sendGroup(r *Redis, ctx context.Context, group []*pipeJob) {
	ends := make([]int, len(group)) // group[i]'s commands are sent[ends[i-1]:ends[i]]
	sent, err := r.durableCmds(ctx, func(p redis.Pipeliner) {
		for i, job := range group {
			job.queue(p)
			ends[i] = p.Len()
		}
	})
	start := 0
	for i, job := range group {
		job.done <- cmdsErr(sent[start:ends[i]], err) // a failed connection is everyone's
		start = ends[i]
	}
}
