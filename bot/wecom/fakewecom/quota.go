package fakewecom

import (
	"strconv"
	"strings"
	"time"
)

// Limits are WeCom's quotas on app messages (message/send), which the fake
// enforces as WeCom does: a member's messages past MemberPerMinute in any
// minute or MemberPerHour in any hour, and the app's past DailyQuota
// person-times in a day, are dropped without an error; calls past
// APIPerMinute in a minute are refused with 45009. Zero turns a limit off.
type Limits struct {
	MemberPerMinute int
	MemberPerHour   int
	DailyQuota      int
	APIPerMinute    int
	Location        *time.Location // where the day begins; Beijing time when nil
}

// WeComLimits are WeCom's documented limits, for a corp whose account cap
// is 200.
var WeComLimits = Limits{MemberPerMinute: 30, MemberPerHour: 1000, DailyQuota: 200 * 200, APIPerMinute: 10000}

// Drop is a message the fake did not deliver because a limit was reached.
type Drop struct {
	At      time.Time
	User    string // the member it did not reach; "" for a refused call
	Limit   string // member/minute, member/hour, daily, api/minute
	Content string
}

// quota is the fake's record of deliveries, on its own clock.
type quota struct {
	byUser    map[string][]time.Time // when each member got a message
	day       string
	today     int
	calls     []time.Time
	dropped   []Drop
	delivered map[string][]Sent
}

// SetLimits replaces the limits the fake enforces.
func (s *Server) SetLimits(l Limits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits = l
}

// Dropped is every message a limit kept from a member, and every call
// refused for the API's rate.
func (s *Server) Dropped() []Drop {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Drop(nil), s.q.dropped...)
}

// DeliveredTo is what member user got through message/send, by name,
// @all or department, in the order it arrived.
func (s *Server) DeliveredTo(user string) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.q.delivered[user]...)
}

// SetClock replaces the fake's clock while it serves.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Now = now
}

func (s *Server) now() time.Time {
	s.mu.Lock()
	now := s.Now
	s.mu.Unlock()
	if now != nil {
		return now()
	}
	return time.Now()
}

// allowCall counts one message/send call and reports whether the API's
// rate allows it. Callers hold s.mu.
func (s *Server) allowCall(now time.Time, m Sent) bool {
	s.q.calls = recent(s.q.calls, now, time.Minute)
	if l := s.limits.APIPerMinute; l > 0 && len(s.q.calls) >= l {
		s.q.dropped = append(s.q.dropped, Drop{At: now, Limit: "api/minute", Content: m.Content})
		return false
	}
	s.q.calls = append(s.q.calls, now)
	return true
}

// deliver hands m to each recipient the limits allow and drops it for
// the rest. Callers hold s.mu.
func (s *Server) deliver(now time.Time, m Sent, to []string) {
	loc := s.limits.Location
	if loc == nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	if day := now.In(loc).Format("2006-01-02"); day != s.q.day {
		s.q.day, s.q.today = day, 0
	}
	for _, u := range to {
		got := recent(s.q.byUser[u], now, time.Hour)
		inMinute := len(recent(got, now, time.Minute))
		limit := ""
		switch {
		case s.limits.MemberPerMinute > 0 && inMinute >= s.limits.MemberPerMinute:
			limit = "member/minute"
		case s.limits.MemberPerHour > 0 && len(got) >= s.limits.MemberPerHour:
			limit = "member/hour"
		case s.limits.DailyQuota > 0 && s.q.today >= s.limits.DailyQuota:
			limit = "daily"
		}
		if limit != "" {
			s.q.byUser[u] = got
			s.q.dropped = append(s.q.dropped, Drop{At: now, User: u, Limit: limit, Content: m.Content})
			continue
		}
		s.q.byUser[u] = append(got, now)
		s.q.today++
		s.q.delivered[u] = append(s.q.delivered[u], m)
	}
}

// recipients are the members a message/send reaches: those named, every
// member for @all, the members of the departments; a tag reaches every
// member (the fake keeps no tags).
func (s *Server) recipients(toUser, toParty, toTag string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(u string) {
		if u != "" && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	everyone := toTag != ""
	for _, u := range strings.Split(toUser, "|") {
		if u == "@all" {
			everyone = true
		} else {
			add(u)
		}
	}
	parties := map[string]bool{}
	for _, p := range strings.Split(toParty, "|") {
		if p != "" {
			parties[p] = true
		}
	}
	for _, id := range s.userIDs {
		u := s.users[id]
		if everyone {
			add(id)
			continue
		}
		for _, d := range u.Department {
			if parties[itoa(d)] {
				add(id)
			}
		}
	}
	return out
}

// recent keeps the times within window before now.
func recent(ts []time.Time, now time.Time, window time.Duration) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].Add(window).After(now) {
		i++
	}
	return ts[i:]
}

func itoa(n int) string { return strconv.Itoa(n) }
