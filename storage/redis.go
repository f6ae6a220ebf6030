package storage

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"unionbot"
	"unionbot/bot"
	"unionbot/config"
)

// Redis keeps sessions, dedup marks, locks, rate-limit counters and the
// WeCom access token in Redis, so that replicas share them and a restart of
// the bot loses none. It speaks to one server, to a primary found through
// Sentinel, or to a Cluster (go-redis's UniversalClient); every operation
// that touches several keys keeps them in one hash slot.
type Redis struct {
	client redis.UniversalClient
	mode   string // config.RedisSingle, RedisSentinel or RedisCluster
	// Prefix starts every key, so several bots (or tests) can share a server.
	Prefix string
	// SessionTTL bounds how long an idle session is kept.
	SessionTTL time.Duration

	// acked maps a server's address to when (time.Time) one of its
	// replicas last acknowledged our writes (Sentinel only; see durable).
	acked   sync.Map
	lastAck atomic.Int64 // unix nanoseconds, any server
	// scriptedSetOnce: the server refused SET … NX GET (Redis before 7.0),
	// so setOnce runs claimScript instead.
	scriptedSetOnce atomic.Bool
	// trips counts round trips: a command, or a pipeline, sent and waited
	// for (RoundTrips).
	trips atomic.Int64
	// pipes shares pipelines between concurrent messages: the admissions
	// (Admit) and the outcomes (SetOutcomeRelease) that arrive while one
	// pipeline is out go together in the next. One queue for both, not
	// one each: under load that is about a third fewer pipelines (Redis's
	// total_reads_processed, 帮助 at 32 in flight: 0.25–0.49 a message
	// with two queues, 0.15–0.24 with one), so fewer writes, reads and
	// wake-ups on the bot's CPU and on Redis's; an outcome may wait one
	// pipeline longer, far inside the passive-reply window.
	pipes pipeGroups
}

// RoundTrips is how many times this client has sent Redis a command or a
// pipeline and waited for the answer: what a message costs in waits on
// Redis (the message path's tests count it).
func (r *Redis) RoundTrips() int64 { return r.trips.Load() }

// tripHook counts round trips into n.
type tripHook struct{ n *atomic.Int64 }

func (tripHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h tripHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}

func (h tripHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}

// respProtocol is the RESP version the client speaks: 2 unless the URL
// asks for one (?protocol=3). The bot reads no reply that RESP3 types
// better (no maps, sets or doubles), and under RESP3 go-redis looks for
// push notifications before every reply it reads, work the bot's CPU pays
// on each pipeline for messages Redis never sends it (no client-side
// caching, no pub/sub on these connections).
func respProtocol(asked int) int {
	if asked != 0 {
		return asked
	}
	return 2
}

// OpenRedis connects to a UNIONBOT_REDIS value: redis://…, a Sentinel URL
// redis+sentinel://[:PASSWORD@]MASTER@HOST:26379,HOST:26379/DB or a
// Cluster list redis+cluster://[:PASSWORD@]HOST:7000,HOST:7001.
func OpenRedis(ctx context.Context, url, prefix string) (*Redis, error) {
	t, err := config.ParseRedis(url)
	if err != nil {
		return nil, err
	}
	var tlsConfig *tls.Config
	if t.TLS {
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	var c redis.UniversalClient
	switch t.Mode {
	case config.RedisSingle:
		opt, err := redis.ParseURL(url)
		if err != nil {
			return nil, fmt.Errorf("UNIONBOT_REDIS: %w", err)
		}
		// Fail fast when Redis is down: the bot falls back (sessions are
		// told to retry, dedup fails open onto the database's own
		// uniqueness), and a reply must still fit WeCom's 5-second window.
		opt.DialTimeout = time.Second
		opt.DialerRetries = 1
		opt.ReadTimeout = 2 * time.Second
		opt.WriteTimeout = 2 * time.Second
		opt.MaxRetries = 1
		opt.Protocol = respProtocol(opt.Protocol)
		c = redis.NewClient(opt)
	case config.RedisSentinel:
		// A failover takes Sentinel a second or two: ride it out with
		// retries (a reply that misses the passive window goes out
		// actively) rather than fail the teacher's message.
		c = redis.NewFailoverClient(&redis.FailoverOptions{
			MasterName: t.Master, SentinelAddrs: t.Addrs, SentinelPassword: t.SentinelPassword,
			Username: t.Username, Password: t.Password, DB: t.DB, TLSConfig: tlsConfig,
			DialTimeout: time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: 2 * time.Second,
			MaxRetries: 8, MinRetryBackoff: 50 * time.Millisecond, MaxRetryBackoff: 500 * time.Millisecond,
			Protocol: respProtocol(0),
		})
	case config.RedisCluster:
		c = redis.NewClusterClient(&redis.ClusterOptions{
			Addrs: t.Addrs, Username: t.Username, Password: t.Password, TLSConfig: tlsConfig,
			DialTimeout: time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: 2 * time.Second,
			MaxRetries: 8, MinRetryBackoff: 50 * time.Millisecond, MaxRetryBackoff: 500 * time.Millisecond,
			Protocol: respProtocol(0),
		})
	}
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("connect to redis (%s): %w", t.Mode, err)
	}
	r := &Redis{client: c, mode: t.Mode, Prefix: prefix}
	c.AddHook(tripHook{&r.trips})
	return r, nil
}

// Close closes the connection pool.
func (r *Redis) Close() error { return r.client.Close() }

// Ping checks Redis answers, for /healthz.
func (r *Redis) Ping(ctx context.Context) error { return r.client.Ping(ctx).Err() }

func (r *Redis) key(parts ...string) string {
	k := r.Prefix
	for _, p := range parts {
		k += p
	}
	return k
}

// LoadSession implements bot.SessionStore.
func (r *Redis) LoadSession(ctx context.Context, userID string) (*bot.Session, error) {
	return readSession(r.client.Get(ctx, r.key("session:", userID)))
}

// readSession is the session a GET of it found: ENOTFOUND for none or for
// one that cannot be read.
func readSession(get *redis.StringCmd) (*bot.Session, error) {
	b, err := get.Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, errNoSession
	} else if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	var s bot.Session
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, unionbot.Errorf(unionbot.ENOTFOUND, "session unreadable")
	}
	return &s, nil
}

// SaveSession implements bot.SessionStore.
func (r *Redis) SaveSession(ctx context.Context, s *bot.Session) error {
	b, ttl, err := sessionValue(s)
	if err != nil {
		return err
	}
	if err := r.durable(ctx, func(p redis.Pipeliner) { p.Set(ctx, r.key("session:", s.UserID), b, ttl) }); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

// sessionValue is what Redis keeps of s, and for how long.
func sessionValue(s *bot.Session) ([]byte, time.Duration, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, 0, err
	}
	ttl := time.Until(sessionExpiry(s, time.Now()))
	if ttl <= 0 {
		ttl = time.Minute
	}
	return b, ttl, nil
}

// DeleteSession implements bot.SessionStore.
func (r *Redis) DeleteSession(ctx context.Context, userID string) error {
	if err := r.durable(ctx, func(p redis.Pipeliner) { p.Del(ctx, r.key("session:", userID)) }); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// claimScript sets KEYS[1] to ARGV[1] (a token) unless it exists, and
// reports 1 when the key holds the token (setOnce).
var claimScript = redis.NewScript(`local v = redis.call("GET", KEYS[1])
if not v then redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2]) return 1 end
if v == ARGV[1] then return 1 end
return 0`)

// Claim implements bot.Deduper.
func (r *Redis) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	// The token cannot be mistaken for an outcome (P:…, A, N).
	ok, err := r.setOnce(ctx, r.key("dedup:", key), "C:"+randomToken(), ttl)
	if err != nil {
		return false, fmt.Errorf("dedup claim: %w", err)
	}
	return ok, nil
}

// SetOutcome implements bot.Deduper.
func (r *Redis) SetOutcome(ctx context.Context, key, outcome string, ttl time.Duration) error {
	if err := r.durable(ctx, func(p redis.Pipeliner) { p.Set(ctx, r.key("dedup:", key), outcome, ttl) }); err != nil {
		return fmt.Errorf("dedup outcome: %w", err)
	}
	return nil
}

// Outcome implements bot.Deduper.
func (r *Redis) Outcome(ctx context.Context, key string) (string, error) {
	s, err := r.client.Get(ctx, r.key("dedup:", key)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	return s, err
}

// CarriesSessions implements bot.OutcomeReleaser: not on a Cluster, where
// the session's key and the lock's may live on different nodes, which one
// pipeline reaches side by side, in no order.
func (r *Redis) CarriesSessions() bool { return r.mode != config.RedisCluster }

// SetOutcomeRelease implements bot.OutcomeReleaser: the outcome, a light
// session's change and the lock's release in one round trip, shared with
// the messages that finish at the same time (pipeGroups). The session goes
// before the release, so the teacher's next message, which needs the lock,
// reads it. Not on a Cluster (CarriesSessions).
func (r *Redis) SetOutcomeRelease(ctx context.Context, key, outcome string, ttl time.Duration, held bot.HeldLock, light *bot.LightSession) error {
	var (
		value      []byte
		sessionTTL time.Duration
	)
	if light != nil && light.Save != nil {
		var err error
		if value, sessionTTL, err = sessionValue(light.Save); err != nil {
			return err
		}
	}
	err := r.pipes.send(r, ctx, func(p redis.Pipeliner) {
		p.Set(ctx, r.key("dedup:", key), outcome, ttl)
		switch {
		case light == nil:
		case light.Save != nil:
			p.Set(ctx, r.key("session:", light.UserID), value, sessionTTL)
		default:
			p.Del(ctx, r.key("session:", light.UserID))
		}
		unlockScript.Eval(ctx, p, []string{held.Key}, held.Token)
	})
	if err != nil {
		return fmt.Errorf("dedup outcome: %w", err)
	}
	return nil
}

// Allow implements bot.RateLimiter with a counter per fixed window.
func (r *Redis) Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, error) {
	var allowed func() (bool, error)
	_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		allowed = r.allowIn(ctx, p, key, limit, window)
		return nil
	})
	if err = pipelineErr(err); err != nil {
		return true, fmt.Errorf("rate limit: %w", err)
	}
	return allowed()
}

// allowIn queues a rate-limit count in p (Admit sends it with the replay
// check and the dedup claim, in their round trip) and returns how to read
// it once p has run. The window's counter is created with its expiry
// before it is counted (SET NX EX, then INCR, which keeps the expiry), so
// no counter is ever left without one, in or out of a transaction; both
// windows' counters are in one hash slot. The windows are the wall
// clock's, whoever counts.
func (r *Redis) allowIn(ctx context.Context, p redis.Pipeliner, key string, limit int, window time.Duration) func() (bool, error) {
	now := time.Now().UnixNano()
	slot := now / int64(window)
	k := r.key("rl:{", key, "}:", strconv.FormatInt(slot, 10))
	p.SetArgs(ctx, k, 0, redis.SetArgs{Mode: "NX", TTL: 2*window + time.Second})
	incr := p.Incr(ctx, k)
	prev := p.Get(ctx, r.key("rl:{", key, "}:", strconv.FormatInt(slot-1, 10)))
	return func() (bool, error) {
		n, err := incr.Result()
		if err != nil {
			return true, fmt.Errorf("rate limit: %w", err)
		}
		pn, _ := prev.Int()
		return slidingCount(int(n), pn, now, window) <= float64(limit), nil
	}
}

// Get, Set, IsExist and Delete make Redis a silenceper/wechat cache.Cache
// (whose own Redis cache is on go-redis v8), for the access token.
func (r *Redis) Get(key string) any {
	s, err := r.client.Get(context.Background(), r.key("cache:", key)).Result()
	if err != nil {
		return nil
	}
	return s
}

// Set implements cache.Cache.
func (r *Redis) Set(key string, val any, timeout time.Duration) error {
	return r.client.Set(context.Background(), r.key("cache:", key), fmt.Sprint(val), timeout).Err()
}

// IsExist implements cache.Cache.
func (r *Redis) IsExist(key string) bool {
	n, err := r.client.Exists(context.Background(), r.key("cache:", key)).Result()
	return err == nil && n > 0
}

// Delete implements cache.Cache.
func (r *Redis) Delete(key string) error {
	return r.client.Del(context.Background(), r.key("cache:", key)).Err()
}

func randomToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
