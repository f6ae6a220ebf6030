package storage

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"unionbot/config"
)

// Writes through Sentinel (durable): Redis replicates asynchronously, so a
// write acknowledged by a primary that Sentinel is replacing is lost when
// the old primary rejoins as a replica of the new one. A form step the
// teacher was told is saved, or a dedup mark the bot acted on, must not
// vanish that way.
const (
	// replicaWait is how long a write waits for a replica (WAIT) while
	// replicas have been acknowledging; coldWait while none has (a lone
	// primary should not make every write slow).
	replicaWait = 250 * time.Millisecond
	coldWait    = 20 * time.Millisecond
	// replicaGrace: a server whose replica acknowledged a write this
	// recently and now acknowledges none has most likely just lost it to
	// a failover, and is about to be demoted.
	replicaGrace = 10 * time.Second
	// failoverRide is how long a write keeps trying for a server that
	// keeps it: Sentinel announces a new primary within a second or two.
	failoverRide = 4 * time.Second
)

var errNotReplicated = errors.New("no replica acknowledged the write: the primary is being replaced")

// durable runs cmds in one pipeline (one round trip, one connection). With
// Sentinel the pipeline ends with WAIT 1 and CLIENT INFO (which server
// answered). A write that no replica acknowledged, on a server whose
// replica acknowledged one within replicaGrace, is on a primary being
// replaced: it is sent again, idempotently (every caller's commands are),
// until go-redis has moved to the new primary, for up to failoverRide.
//
// A server with no replica for longer (a single primary, or a replica just
// promoted whose own replica has not attached yet) keeps its writes as
// Redis itself does: the bot does not stop for want of a replica. WAIT is
// not consensus: with two replicas, one may acknowledge a write the other,
// promoted, lacks. README's Redis section says so.
func (r *Redis) durable(ctx context.Context, cmds func(redis.Pipeliner)) error {
	if r.mode != config.RedisSentinel {
		_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error { cmds(p); return nil })
		return pipelineErr(err)
	}
	deadline := time.Now().Add(failoverRide)
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, 500*time.Millisecond) {
		err := r.replicated(ctx, cmds)
		if !errors.Is(err, errNotReplicated) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// replicated runs cmds once, then WAIT, and says whether the write is
// safe (see durable).
func (r *Redis) replicated(ctx context.Context, cmds func(redis.Pipeliner)) error {
	timeout := coldWait
	if time.Since(time.Unix(0, r.lastAck.Load())) < replicaGrace {
		timeout = replicaWait
	}
	var acks, info *redis.Cmd
	_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		cmds(p)
		acks = p.Do(ctx, "WAIT", 1, timeout.Milliseconds())
		info = p.Do(ctx, "CLIENT", "INFO")
		return nil
	})
	if err = pipelineErr(err); err != nil {
		return err
	}
	server := localAddr(info.Val())
	now := time.Now()
	if n, _ := acks.Int64(); n >= 1 {
		r.acked.Store(server, now)
		r.lastAck.Store(now.UnixNano())
		return nil
	}
	if last, ok := r.acked.Load(server); ok && now.Sub(last.(time.Time)) < replicaGrace {
		return errNotReplicated
	}
	// A primary without a replica (a promoted one, before the old primary
	// has rejoined under it): wait briefly from now on, until a replica
	// acknowledges again.
	r.lastAck.Store(0)
	return nil
}

// localAddr is the laddr= field of CLIENT INFO: the server's own address
// on this connection, which names the server whatever go-redis dialled.
func localAddr(v any) string {
	s, _ := v.(string)
	for _, f := range strings.Fields(s) {
		if a, ok := strings.CutPrefix(f, "laddr="); ok {
			return a
		}
	}
	return s
}

// pipelineErr is a pipeline's error, less redis.Nil: a command that found
// no value (a GET of nothing, SET … NX GET of a new key) has not failed,
// and each command keeps its own result for its caller to read.
func pipelineErr(err error) error {
	if errors.Is(err, redis.Nil) {
		return nil
	}
	return err
}
