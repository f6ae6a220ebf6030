package web

import (
	"net"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Sign-in throttle: wrong admin tokens (the console's form and the API's
// bearer) from one client address wait longer after each failure
// (1 s, 2 s, 4 s … up to a minute) and are locked out for LockFor after
// LockAfter failures in a row; each failure is logged without the token,
// and the console's overview lists the addresses locked out.
const (
	LockAfter = 10
	LockFor   = 15 * time.Minute
)

// signInThrottle counts failures per client address.
type signInThrottle struct {
	mu    sync.Mutex
	fails map[string]*failures
}

type failures struct {
	n      int
	last   time.Time
	until  time.Time // no attempt before this
	locked bool
}

// Lockout is an address locked out, for the console.
type Lockout struct {
	Addr  string
	Fails int
	Until time.Time
}

// clientAddr is the request's remote host (no proxy header is trusted).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// wait reports how long addr must still wait before its next attempt.
func (t *signInThrottle) wait(addr string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.fails[addr]
	if f == nil || !now.Before(f.until) {
		return 0
	}
	return f.until.Sub(now)
}

// fail records a failure and returns the count and whether addr is now
// locked out.
func (t *signInThrottle) fail(addr string, now time.Time) (int, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fails == nil {
		t.fails = map[string]*failures{}
	}
	f := t.fails[addr]
	if f == nil || now.Sub(f.last) > LockFor { // a quiet quarter of an hour forgives
		f = &failures{}
		t.fails[addr] = f
	}
	f.n++
	f.last = now
	if f.n >= LockAfter {
		f.until, f.locked = now.Add(LockFor), true
	} else {
		f.until = now.Add(min(time.Second<<(f.n-1), time.Minute))
	}
	return f.n, f.locked
}

// ok forgets addr's failures after a right token.
func (t *signInThrottle) ok(addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, addr)
}

// lockouts lists the addresses locked out now, most recent first.
func (t *signInThrottle) lockouts(now time.Time) []Lockout {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Lockout
	for addr, f := range t.fails {
		if f.locked && now.Before(f.until) {
			out = append(out, Lockout{Addr: addr, Fails: f.n, Until: f.until})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Until.After(out[j].Until) })
	return out
}

// waitText is the sentence for a client that must wait d.
func waitText(d time.Duration) string {
	if d >= time.Minute {
		return "登录失败次数过多，已暂时锁定，请 " + strconv.Itoa(int(d.Minutes()+0.5)) + " 分钟后再试。"
	}
	return "请 " + strconv.Itoa(int(d.Seconds()+0.999)) + " 秒后再试。"
}
