package web

import (
	"context"
	"net/http"
	"sort"
	"sync"
	"time"

	"unionbot"
)

// ReadyTimeout bounds /readyz: each check gets this long.
const ReadyTimeout = 3 * time.Second

// healthz is liveness: the process serves HTTP. It checks nothing else, so
// that an orchestrator does not restart a healthy bot because its database
// is away for a minute (/readyz says that).
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readiness is /readyz's answer.
type readiness struct {
	Status string            `json:"status"`           // ready or unavailable
	Failed []string          `json:"failed,omitempty"` // the checks that failed, by name
	Checks map[string]string `json:"checks"`           // each check: ok, or down: why
}

// readyz is readiness: 200 when every check passes (the database and Redis
// answer a ping, WeCom gives an access token or one is cached), else 503
// naming the checks that failed. Checks run at once, each for at most
// ReadyTimeout.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), ReadyTimeout)
	defer cancel()
	errs := make([]error, len(s.Checks))
	var wg sync.WaitGroup
	for i, c := range s.Checks {
		if err := s.failed.held(c, s.now()); err != nil {
			errs[i] = err
			continue
		}
		wg.Go(func() {
			errs[i] = c.Ping(ctx)
			s.failed.record(c, errs[i], s.now())
		})
	}
	wg.Wait()
	out := readiness{Status: "ready", Checks: map[string]string{}}
	for i, c := range s.Checks {
		if errs[i] == nil {
			out.Checks[c.Name] = "ok"
			continue
		}
		out.Checks[c.Name] = "down: " + errs[i].Error()
		out.Failed = append(out.Failed, c.Name)
		s.logger().WarnContext(r.Context(), "not ready", "check", c.Name, "err", errs[i])
	}
	if len(out.Failed) > 0 {
		out.Status = "unavailable"
		sort.Strings(out.Failed)
		writeJSON(w, http.StatusServiceUnavailable, out)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// failedChecks remembers when each check last failed, for Check.Hold.
type failedChecks struct {
	mu   sync.Mutex
	last map[string]failedCheck
}

type failedCheck struct {
	at  time.Time
	err error
}

// held is the failure c last had, while its Hold lasts; nil otherwise.
func (f *failedChecks) held(c Check, now time.Time) error {
	if c.Hold <= 0 {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if l, ok := f.last[c.Name]; ok && now.Sub(l.at) < c.Hold && !now.Before(l.at) {
		return l.err
	}
	return nil
}

func (f *failedChecks) record(c Check, err error, now time.Time) {
	if c.Hold <= 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last == nil {
		f.last = map[string]failedCheck{}
	}
	if err == nil {
		delete(f.last, c.Name)
		return
	}
	f.last[c.Name] = failedCheck{at: now, err: err}
}

// withRequestID gives every request an id in its context, for its log
// lines, and echoes it in X-Request-Id: the client's own (a proxy's) when it
// sent a well-formed one, else a new one.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !unionbot.ValidRequestID(id) {
			id = unionbot.NewRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(unionbot.WithRequestID(r.Context(), id)))
	})
}
