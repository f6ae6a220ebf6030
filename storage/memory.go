package storage

import (
	"context"
	"hash/maphash"
	"strconv"
	"sync"
	"time"

	"unionbot/bot"
	"unionbot/config"
)

// Memory is the in-process stand-in for Redis when UNIONBOT_REDIS is empty:
// dedup marks, locks, rate-limit counters and the token cache of a single
// bot process. (Sessions then live in the database, not here, so forms
// survive a restart.)
//
// Dedup marks and the replies kept for WeCom's retries are capped at
// DedupCap: past it the oldest are dropped first, but never one younger
// than DedupKeep, which covers the platforms' retries (three, five seconds
// apart) and the replay guard's retry window, after which a repeat is
// refused as a replay anyway. So memory stays bounded however long the
// process runs, and a retry is always answered with its first reply.
type Memory struct {
	mu    sync.Mutex
	items map[string]memItem // locks, rate-limit counters, the token cache
	Now   func() time.Time

	// DedupCap is the most dedup marks kept (0: no cap).
	DedupCap int

	added int    // items added since the last sweep
	seq   uint64 // numbers dedup marks as they are added

	// The dedup marks, by their keys' two 64-bit hashes: a busy bot keeps
	// DedupKeep's worth of them whatever the cap (300,000 at 10,000
	// messages a second), and as strings with time.Time values each was an
	// object of its own and four pointers for the collector to follow; a
	// mark now holds no pointer (its reply is a number in outcomes), so
	// the collector does not read the map at all. Two
	// seeds' hashes make 128 bits: the chance that any two of 300,000 live
	// keys share both is about 1e-28 (a shared one would answer a message
	// with another's recorded reply).
	seeds      [2]maphash.Seed
	dedup      map[dedupKey]dedupMark
	dedupAdded int // marks added since the last sweep
	order      []dedupRef
	head       int // order[head:] are the dedup marks, oldest first
	// outcomes are the distinct replies the marks hold, each once (most
	// are the same few: the menu, the Q&A's answers), counted by the marks
	// that hold them and dropped with the last; outcomes[0] is "" (a claim
	// without an outcome yet). outcomeIDs finds a reply's number, freeIDs
	// are numbers to use again.
	outcomes   []keptOutcome
	outcomeIDs map[string]uint32
	freeIDs    []uint32
	// lastOutcome is the number of the outcome kept last: the same reply
	// (the menu) comes again and again, usually as the same string, and
	// comparing with it is cheaper than hashing the whole reply.
	lastOutcome uint32
}

// keptOutcome is a reply kept for the dedup marks that hold its number.
type keptOutcome struct {
	text string
	refs int
}

type memItem struct {
	val     string
	expires time.Time
}

type dedupKey [2]uint64

// dedupMark is a claimed delivery: its outcome (a number in
// Memory.outcomes, 0 for "" until there is one).
type dedupMark struct {
	outcome uint32
	expires int64 // unix nanoseconds; 0 for never
	seq     uint64
}

// dedupRef is a dedup mark in the order it was added.
type dedupRef struct {
	k   dedupKey
	seq uint64
	at  int64 // unix nanoseconds
}

const (
	// DedupKeep is how long a dedup mark is kept whatever the cap: the
	// replay guard's retry window, past the platforms' three retries five
	// seconds apart; after it a repeat is refused as a replay anyway.
	DedupKeep = bot.RetryWindow
)

// NewMemory returns an empty in-process store with the default cap
// (UNIONBOT_DEDUP_CAP's default).
func NewMemory() *Memory {
	return &Memory{items: map[string]memItem{}, DedupCap: config.DefaultDedupCap,
		seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, dedup: map[dedupKey]dedupMark{},
		outcomes: []keptOutcome{{}}, outcomeIDs: map[string]uint32{}}
}

// keepOutcome returns outcome's number, counting one more mark holding
// it; m.mu must be held.
func (m *Memory) keepOutcome(outcome string) uint32 {
	if outcome == "" {
		return 0
	}
	id := m.lastOutcome
	if o := &m.outcomes[id]; id == 0 || o.refs == 0 || o.text != outcome {
		var ok bool
		if id, ok = m.outcomeIDs[outcome]; !ok {
			if n := len(m.freeIDs); n > 0 {
				id, m.freeIDs = m.freeIDs[n-1], m.freeIDs[:n-1]
			} else {
				id = uint32(len(m.outcomes))
				m.outcomes = append(m.outcomes, keptOutcome{})
			}
			m.outcomes[id].text = outcome
			m.outcomeIDs[outcome] = id
		}
		m.lastOutcome = id
	}
	m.outcomes[id].refs++
	return id
}

// dropOutcome counts one mark fewer holding outcome id, and forgets the
// reply with the last; m.mu must be held.
func (m *Memory) dropOutcome(id uint32) {
	if id == 0 {
		return
	}
	o := &m.outcomes[id]
	if o.refs--; o.refs == 0 {
		delete(m.outcomeIDs, o.text)
		o.text = ""
		m.freeIDs = append(m.freeIDs, id)
	}
}

// dropMark deletes k's mark; m.mu must be held.
func (m *Memory) dropMark(k dedupKey, mk dedupMark) {
	m.dropOutcome(mk.outcome)
	delete(m.dedup, k)
}

func (m *Memory) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// get returns the live item at key; m.mu must be held.
func (m *Memory) get(key string) (memItem, bool) {
	it, ok := m.items[key]
	if ok && !it.expires.IsZero() && !m.now().Before(it.expires) {
		delete(m.items, key)
		return memItem{}, false
	}
	return it, ok
}

func (m *Memory) set(key, val string, ttl time.Duration) {
	var exp time.Time
	if ttl > 0 {
		exp = m.now().Add(ttl)
	}
	if _, ok := m.items[key]; !ok {
		m.added++
	}
	m.items[key] = memItem{val: val, expires: exp}
	// Sweep expired items once the map has grown by half since the last
	// sweep: amortised O(1) a write. (It used to sweep whenever the size was
	// a multiple of 1024, which under load meant on every overwrite.)
	if m.added >= 1024 && m.added >= len(m.items)/2 {
		now := m.now()
		for k, it := range m.items {
			if !it.expires.IsZero() && !now.Before(it.expires) {
				delete(m.items, k)
			}
		}
		m.added = 0
	}
}

func (m *Memory) dedupKey(key string) dedupKey {
	return dedupKey{maphash.String(m.seeds[0], key), maphash.String(m.seeds[1], key)}
}

// mark returns the live dedup mark of k; m.mu must be held.
func (m *Memory) mark(k dedupKey) (dedupMark, bool) {
	mk, ok := m.dedup[k]
	if ok && mk.expires != 0 && m.now().UnixNano() >= mk.expires {
		m.dropMark(k, mk)
		return dedupMark{}, false
	}
	return mk, ok
}

// setMark records k's outcome (a number from keepOutcome, which the mark
// now holds; 0 for a claim), as set does items, and keeps the marks within
// DedupCap; m.mu must be held.
func (m *Memory) setMark(k dedupKey, outcome uint32, ttl time.Duration) {
	now := m.now().UnixNano()
	mk := dedupMark{outcome: outcome}
	if ttl > 0 {
		mk.expires = now + int64(ttl)
	}
	if old, ok := m.dedup[k]; ok {
		mk.seq = old.seq
		m.dropOutcome(old.outcome)
	} else {
		m.dedupAdded++
		m.seq++
		mk.seq = m.seq
		if m.DedupCap > 0 {
			m.order = append(m.order, dedupRef{k: k, seq: mk.seq, at: now})
			m.evict(now)
		}
	}
	m.dedup[k] = mk
	if m.dedupAdded >= 1024 && m.dedupAdded >= len(m.dedup)/2 {
		for k, mk := range m.dedup {
			if mk.expires != 0 && now >= mk.expires {
				m.dropMark(k, mk)
			}
		}
		m.dedupAdded = 0
	}
}

// evict drops the oldest dedup marks past DedupCap, keeping any younger
// than DedupKeep; m.mu must be held.
func (m *Memory) evict(now int64) {
	for len(m.order)-m.head > m.DedupCap {
		r := m.order[m.head]
		if now-r.at < int64(DedupKeep) {
			break
		}
		if mk, ok := m.dedup[r.k]; ok && mk.seq == r.seq {
			m.dropMark(r.k, mk)
		}
		m.order[m.head] = dedupRef{}
		m.head++
	}
	if m.head >= 1024 && m.head*2 >= len(m.order) {
		m.order = append([]dedupRef(nil), m.order[m.head:]...)
		m.head = 0
	}
}

// DedupMarks is how many dedup marks the store holds.
func (m *Memory) DedupMarks() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, r := range m.order[m.head:] {
		if mk, ok := m.dedup[r.k]; ok && mk.seq == r.seq {
			n++
		}
	}
	return n
}

// Claim implements bot.Deduper.
func (m *Memory) Claim(_ context.Context, key string, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := m.dedupKey(key)
	if _, ok := m.mark(k); ok {
		return false, nil
	}
	m.setMark(k, 0, ttl)
	return true, nil
}

// SetOutcome implements bot.Deduper.
func (m *Memory) SetOutcome(_ context.Context, key, outcome string, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	// One copy of each distinct reply: most are the same few (the menu,
	// the Q&A's answers), and the kept replies were most of the memory
	// under load.
	m.setMark(m.dedupKey(key), m.keepOutcome(outcome), ttl)
	return nil
}

// Outcome implements bot.Deduper.
func (m *Memory) Outcome(_ context.Context, key string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mk, ok := m.mark(m.dedupKey(key))
	if !ok {
		return "", nil
	}
	return m.outcomes[mk.outcome].text, nil
}

// TryLock implements bot.Locker.
func (m *Memory) TryLock(_ context.Context, key string, ttl time.Duration) (func(), bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := "lock:" + key
	if _, ok := m.get(k); ok {
		return nil, false, nil
	}
	token := randomToken()
	m.set(k, token, ttl)
	return func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if it, ok := m.get(k); ok && it.val == token {
			delete(m.items, k)
		}
	}, true, nil
}

// Allow implements bot.RateLimiter.
func (m *Memory) Allow(_ context.Context, key string, limit int, window time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now().UnixNano()
	slot := now / int64(window)
	k := "rl:" + key + ":" + strconv.FormatInt(slot, 10)
	it, _ := m.get(k)
	cur, _ := strconv.Atoi(it.val)
	cur++
	m.set(k, strconv.Itoa(cur), 2*window)
	prevIt, _ := m.get("rl:" + key + ":" + strconv.FormatInt(slot-1, 10))
	prev, _ := strconv.Atoi(prevIt.val)
	return slidingCount(cur, prev, now, window) <= float64(limit), nil
}

// slidingCount estimates the events in the window ending at now from the
// counts of the current fixed window and the one before, weighted by how
// much of the one before still lies in the window (the sliding-window
// counter): a burst across a window boundary is not let through twice.
func slidingCount(cur, prev int, now int64, window time.Duration) float64 {
	elapsed := float64(now%int64(window)) / float64(window)
	return float64(cur) + float64(prev)*(1-elapsed)
}

// Get implements silenceper/wechat cache.Cache.
func (m *Memory) Get(key string) any {
	m.mu.Lock()
	defer m.mu.Unlock()
	if it, ok := m.get("cache:" + key); ok {
		return it.val
	}
	return nil
}

// Set implements cache.Cache.
func (m *Memory) Set(key string, val any, timeout time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, _ := val.(string)
	m.set("cache:"+key, s, timeout)
	return nil
}

// IsExist implements cache.Cache.
func (m *Memory) IsExist(key string) bool { return m.Get(key) != nil }

// Delete implements cache.Cache.
func (m *Memory) Delete(key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.items, "cache:"+key)
	return nil
}
