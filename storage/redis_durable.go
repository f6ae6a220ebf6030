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
	_, err := r.durableCmds(ctx, cmds)
	return err
}

// durableCmds is durable, also returning the pipeline's commands as sent
// the last time (with Sentinel, WAIT and CLIENT INFO after cmds' own), so
// that callers sharing it can read their own commands' errors.
func (r *Redis) durableCmds(ctx context.Context, cmds func(redis.Pipeliner)) ([]redis.Cmder, error) {
	if r.mode != config.RedisSentinel {
		sent, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error { cmds(p); return nil })
		return sent, cmdsErr(sent, err)
	}
	deadline := time.Now().Add(failoverRide)
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, 500*time.Millisecond) {
		sent, err := r.replicated(ctx, cmds)
		if !errors.Is(err, errNotReplicated) || time.Now().After(deadline) {
			return sent, err
		}
		select {
		case <-ctx.Done():
			return sent, err
		case <-time.After(wait):
		}
	}
}

// replicated runs cmds once, then WAIT, and says whether the write is
// safe (see durable).
func (r *Redis) replicated(ctx context.Context, cmds func(redis.Pipeliner)) ([]redis.Cmder, error) {
	timeout := coldWait
	if time.Since(time.Unix(0, r.lastAck.Load())) < replicaGrace {
		timeout = replicaWait
	}
	var acks, info *redis.Cmd
	sent, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		cmds(p)
		acks = p.Do(ctx, "WAIT", 1, timeout.Milliseconds())
		info = p.Do(ctx, "CLIENT", "INFO")
		return nil
	})
	// A command that the server refused (a reply error) has not stopped
	// the others, nor WAIT: whether their writes are safe is still read.
	if err = cmdsErr(sent, err); err != nil && !isReplyErr(err) {
		return sent, err
	}
	server := localAddr(info.Val())
	now := time.Now()
	if n, _ := acks.Int64(); n >= 1 {
		r.acked.Store(server, now)
		r.lastAck.Store(now.UnixNano())
		return sent, err
	}
	if last, ok := r.acked.Load(server); ok && now.Sub(last.(time.Time)) < replicaGrace {
		return sent, errNotReplicated
	}
	// A primary without a replica (a promoted one, before the old primary
	// has rejoined under it): wait briefly from now on, until a replica
	// acknowledges again.
	r.lastAck.Store(0)
	return sent, err
}

// isReplyErr reports whether err is the server's answer to one command
// (WRONGTYPE, a script's error …), which fails that command only, not the
// connection or the pipeline.
func isReplyErr(err error) bool {
	var re redis.Error
	return errors.As(err, &re)
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

// cmdsErr is the error of a pipeline whose commands are sent and whose
// Exec returned err: a failed connection as it is, else the first error
// of a command, less redis.Nil (go-redis returns the first command's
// error, which may be a GET's redis.Nil before a refused command).
func cmdsErr(sent []redis.Cmder, err error) error {
	if err == nil || !isReplyErr(err) {
		return err
	}
	for _, c := range sent {
		if e := pipelineErr(c.Err()); e != nil {
			return e
		}
	}
	return nil
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
