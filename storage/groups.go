package storage

import "sync"

// groupQueue holds work to be done in groups: callers add their job; the
// one that finds none running under its key runs the groups (or starts a
// goroutine to), taking whatever has queued meanwhile each time, while the
// others wait for the group that carries theirs. The session writer, the
// sign-ups of one event (keyed by event) and the Redis pipelines of the
// message path use it, so that a busy bot pays one commit or one round
// trip for many callers instead of one each.
type groupQueue[K comparable, J any] struct {
	mu      sync.Mutex
	queues  map[K][]J
	running map[K]bool
}

// add queues j under k and reports whether the caller is to run k's groups
// (none was running).
func (q *groupQueue[K, J]) add(k K, j J) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.queues == nil {
		q.queues, q.running = map[K][]J{}, map[K]bool{}
	}
	q.queues[k] = append(q.queues[k], j)
	if q.running[k] {
		return false
	}
	q.running[k] = true
	return true
}

// take returns the next group under k, in arrival order and of at most max
// jobs (all when max is 0); when none is queued it returns nil, and k is
// no longer running: the next add runs it.
func (q *groupQueue[K, J]) take(k K, max int) []J {
	q.mu.Lock()
	defer q.mu.Unlock()
	group := q.queues[k]
	if max > 0 && len(group) > max {
		q.queues[k] = append([]J(nil), group[max:]...)
		return group[:max]
	}
	delete(q.queues, k)
	if len(group) == 0 {
		delete(q.running, k)
		return nil
	}
	return group
}
