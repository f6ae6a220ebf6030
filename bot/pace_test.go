package bot

import (
	"strings"
	"testing"
	"time"
)

var cst = time.FixedZone("CST", 8*3600)

func stamps(user string, at time.Time, n int, every time.Duration) []PaceStamp {
	var out []PaceStamp
	for i := 0; i < n; i++ {
		out = append(out, PaceStamp{User: user, At: at.Add(time.Duration(i) * every), N: 1})
	}
	return out
}

// TestPaceCheck: each of WeCom's limits holds a batch back until the
// moment it frees, and says which limit it is.
func TestPaceCheck(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 5, 0, 0, cst)
	l := PaceLimits{MemberPerMinute: 30, MemberPerHour: 1000, DailyQuota: 1000, APIPerMinute: 100, Location: cst}.withDefaults()
	one := batch{users: []string{"t1"}, messages: 1}
	for _, tc := range []struct {
		name  string
		u     PaceUsage
		b     batch
		now   time.Time
		want  time.Time // zero: goes now
		cause string
	}{
		{name: "free", u: PaceUsage{Stamps: stamps("t1", now.Add(-50*time.Second), 29, time.Second)}, b: one, now: now},
		{name: "30 in the minute", u: PaceUsage{Stamps: stamps("t1", now.Add(-50*time.Second), 30, time.Second)}, b: one, now: now,
			want: now.Add(-50*time.Second + time.Minute + l.Margin), cause: "t1 一分钟内最多收 30 条"},
		{name: "two parts need two places", u: PaceUsage{Stamps: stamps("t1", now.Add(-50*time.Second), 29, time.Second)},
			b: batch{users: []string{"t1"}, messages: 2}, now: now, want: now.Add(-50*time.Second + time.Minute + l.Margin), cause: "一分钟"},
		{name: "everyone's count for each member", u: PaceUsage{Stamps: append(stamps("t1", now.Add(-40*time.Second), 20, time.Second),
			stamps("@all", now.Add(-30*time.Second), 10, time.Second)...)}, b: one, now: now,
			want: now.Add(-40*time.Second + time.Minute + l.Margin), cause: "t1 一分钟"},
		{name: "a full minute five minutes ago holds nothing", u: PaceUsage{Stamps: stamps("t9", now.Add(-10*time.Second), 30, 0), Members: 5},
			b: batch{broadcast: true, messages: 1, members: 5}, now: now.Add(5 * time.Minute), // outside the quiet window
			want: time.Time{}},
		{name: "1,000 in the hour", u: PaceUsage{Stamps: stamps("t1", now.Add(-59*time.Minute), 1000, 3*time.Second)}, b: one, now: now,
			want: now.Add(-59*time.Minute + time.Hour + l.Margin), cause: "一小时内最多收 1000 条"},
		{name: "daily quota", u: PaceUsage{Today: 1000}, b: one, now: now,
			want: time.Date(2026, 12, 4, 0, 0, 0, 0, cst), cause: "今日发送额度已用 1000 / 1000"},
		{name: "api calls", u: PaceUsage{Calls: stamps("", now.Add(-30*time.Second), 100, 0)}, b: one, now: now,
			want: now.Add(-30*time.Second + time.Minute + l.Margin), cause: "每分钟最多调用 100 次"},
		{name: "bulk at 10:59:45", u: PaceUsage{Members: 5}, b: batch{broadcast: true, messages: 1, members: 5},
			now: time.Date(2026, 12, 3, 10, 59, 45, 0, cst), want: time.Date(2026, 12, 3, 11, 0, 30, 0, cst), cause: "整点和半点"},
		{name: "bulk at 11:30:10", u: PaceUsage{Members: 5}, b: batch{users: make([]string, BulkRecipients), messages: 1},
			now: time.Date(2026, 12, 3, 11, 30, 10, 0, cst), want: time.Date(2026, 12, 3, 11, 30, 30, 0, cst), cause: "整点和半点"},
		{name: "one member at 11:00:00 is not bulk", b: one, now: time.Date(2026, 12, 3, 11, 0, 0, 0, cst)},
		{name: "bulk at 11:00:31", b: batch{broadcast: true, messages: 1}, now: time.Date(2026, 12, 3, 11, 0, 31, 0, cst)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.b
			if b.broadcast {
				b.users = nil
			} else if len(b.users) == BulkRecipients {
				for i := range b.users {
					b.users[i] = "u" + string(rune('a'+i%26)) + string(rune('a'+i/26))
				}
			}
			got, why := paceCheck(l, &tc.u, b, tc.now)
			if !got.Equal(tc.want) {
				t.Fatalf("wait until %v (%s), want %v", got, why, tc.want)
			}
			if !strings.Contains(why, tc.cause) {
				t.Fatalf("reason %q, want it to say %q", why, tc.cause)
			}
		})
	}
}

// TestPaceBroadcastBusyMember: a send to everyone waits while any member
// has had their 30 this minute.
func TestPaceBroadcastBusyMember(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 5, 0, 0, cst)
	l := PaceLimits{Location: cst}.withDefaults()
	u := &PaceUsage{Stamps: stamps("t9", now.Add(-10*time.Second), 30, 0), Members: 5}
	got, why := paceCheck(l, u, batch{broadcast: true, messages: 1, members: 5}, now)
	if want := now.Add(50*time.Second + l.Margin); !got.Equal(want) || !strings.Contains(why, "t9") {
		t.Fatalf("wait until %v (%s), want %v for t9", got, why, want)
	}
}
