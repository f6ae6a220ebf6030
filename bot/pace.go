package bot

import (
	"context"
	"fmt"
	"sort"
	"time"

	"unionbot"
)

// WeCom's documented limits on app messages (message/send). The excess of
// the per-member and daily limits is dropped by WeCom without an error, so
// the outbox must never exceed them; it paces each send to these.
const (
	DefaultMemberPerMinute = 30    // messages one member may get from the app a minute
	DefaultMemberPerHour   = 1000  // ... and an hour
	DefaultAPIPerMinute    = 10000 // message/send calls a minute, per corp
	DefaultAccountCap      = 200   // the corp's account cap when none is configured
	QuotaPerAccount        = 200   // the daily quota is the account cap × 200 person-times
	MaxBatchUsers          = 1000  // touser ids in one message/send
	BulkRecipients         = 50    // a send to this many members or more is bulk
	DefaultQuietWindow     = 30 * time.Second
	DefaultPaceMargin      = 2 * time.Second
	broadcastStamp         = "@all" // the member id under which sends to everyone are counted
)

// PaceLimits are the quotas the outbox keeps to. Zero fields take WeCom's
// defaults (PaceLimits.withDefaults); tests shrink them.
type PaceLimits struct {
	MemberPerMinute int
	MemberPerHour   int
	DailyQuota      int // person-times a day from this app (account cap × 200)
	APIPerMinute    int
	// QuietWindow is how long before and after each :00 and :30 a bulk
	// send does not start; negative turns it off.
	QuietWindow time.Duration
	// Margin lengthens every window: WeCom counts by its own clock, and a
	// send arrives a little after the bot records it.
	Margin   time.Duration
	Location *time.Location // where WeCom's day begins (Beijing time)
}

func (l PaceLimits) withDefaults() PaceLimits {
	if l.MemberPerMinute <= 0 {
		l.MemberPerMinute = DefaultMemberPerMinute
	}
	if l.MemberPerHour <= 0 {
		l.MemberPerHour = DefaultMemberPerHour
	}
	if l.DailyQuota <= 0 {
		l.DailyQuota = DefaultAccountCap * QuotaPerAccount
	}
	if l.APIPerMinute <= 0 {
		l.APIPerMinute = DefaultAPIPerMinute
	}
	if l.QuietWindow == 0 {
		l.QuietWindow = DefaultQuietWindow
	}
	if l.Margin == 0 {
		l.Margin = DefaultPaceMargin
	}
	if l.Location == nil {
		l.Location = time.FixedZone("CST", 8*3600)
	}
	return l
}

// PaceStamp is one send to a member: N messages at At. Sends to everyone
// (@all, a department, a tag) are stamped under "@all" and count for
// every member.
type PaceStamp struct {
	User string
	At   time.Time
	N    int
}

// PaceUsage is what was sent lately, as the pacing store keeps it for
// every replica.
type PaceUsage struct {
	Stamps  []PaceStamp // the last hour's, for the members asked about and "@all"
	Calls   []PaceStamp // the last minute's message/send calls (User empty, N calls)
	Today   int         // person-times sent since the start of WeCom's day
	Members int         // WeCom members the bot knows: the audience of a send to everyone
}

// PaceSend is one message/send made, recorded for pacing.
type PaceSend struct {
	At        time.Time
	Users     []string // members named; empty for a send to everyone
	Broadcast bool     // to @all, departments or tags
	Messages  int      // messages each recipient got (text cut into parts)
	Calls     int      // message/send calls made
	Persons   int      // person-times charged to the daily quota
}

// PaceStore keeps the pacing counters in the database, shared by every
// replica, and the sender lease that lets one replica send at a time.
type PaceStore interface {
	// PendingNotices returns up to limit undelivered notices, due or not,
	// oldest first.
	PendingNotices(ctx context.Context, limit int) ([]*unionbot.Notice, error)
	// HoldNotice makes n wait until at, saying why (shown on the console).
	HoldNotice(ctx context.Context, id int64, at time.Time, reason string) error
	// PaceUsage reads the recent sends to users (every member when all).
	PaceUsage(ctx context.Context, users []string, all bool, now, dayStart time.Time) (*PaceUsage, error)
	RecordSend(ctx context.Context, s *PaceSend) error
	// PrunePace forgets sends before t.
	PrunePace(ctx context.Context, before time.Time) error
	// AcquireLease takes or renews the named lease for holder until
	// now+ttl; false when another holder has it.
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// ReleaseLease gives the lease up if holder has it.
	ReleaseLease(ctx context.Context, name, holder string) error
}

// batch is the part of a notice the next message/send carries.
type batch struct {
	users     []string // named members (none for a send to everyone)
	broadcast bool
	messages  int // parts of the text
	members   int // the audience of a send to everyone, as far as the bot knows
}

func (b batch) bulk() bool { return b.broadcast || len(b.users) >= BulkRecipients }

// persons is what the batch costs of the daily quota.
func (b batch) persons() int {
	n := len(b.users)
	if b.broadcast {
		n += max(b.members, 1)
	}
	return n * b.messages
}

// paceCheck decides whether b may go at now under l given u: it returns
// the zero time when it may, else the earliest time it may and why not.
// Pure: the store reads the usage, this rule decides.
func paceCheck(l PaceLimits, u *PaceUsage, b batch, now time.Time) (time.Time, string) {
	var at time.Time
	var why string
	later := func(t time.Time, reason string) {
		if t.After(now) && t.After(at) {
			at, why = t, reason
		}
	}
	if b.bulk() && l.QuietWindow > 0 {
		if t := quietEnd(now.In(l.Location), l.QuietWindow); !t.IsZero() {
			later(t, fmt.Sprintf(txtWaitQuiet, int(l.QuietWindow/time.Second)))
		}
	}
	if cost := b.persons(); u.Today+cost > l.DailyQuota {
		y, m, d := now.In(l.Location).Date()
		later(time.Date(y, m, d+1, 0, 0, 0, 0, l.Location), fmt.Sprintf(txtWaitDaily, u.Today, l.DailyQuota, cost))
	}
	if t := freeAt(u.Calls, now, time.Minute+l.Margin, l.APIPerMinute, b.messages); t.After(now) {
		later(t, fmt.Sprintf(txtWaitAPI, l.APIPerMinute))
	}
	byUser := map[string][]PaceStamp{}
	var everyone []PaceStamp
	for _, s := range u.Stamps {
		if s.User == broadcastStamp {
			everyone = append(everyone, s)
		} else {
			byUser[s.User] = append(byUser[s.User], s)
		}
	}
	check := func(user string, own []PaceStamp) {
		stamps := append(append([]PaceStamp(nil), own...), everyone...)
		who := user
		if who == "" {
			who = txtSomeMember
		}
		if t := freeAt(stamps, now, time.Minute+l.Margin, l.MemberPerMinute, b.messages); t.After(now) {
			later(t, fmt.Sprintf(txtWaitMemberMinute, who, l.MemberPerMinute))
		}
		if t := freeAt(stamps, now, time.Hour+l.Margin, l.MemberPerHour, b.messages); t.After(now) {
			later(t, fmt.Sprintf(txtWaitMemberHour, who, l.MemberPerHour))
		}
	}
	if b.broadcast {
		check("", nil) // a member who got only what everyone got
		for user, own := range byUser {
			check(user, own)
		}
	} else {
		for _, user := range b.users {
			check(user, byUser[user])
		}
	}
	return at, why
}

// freeAt is when need more messages fit within limit per window, given
// the stamps: now when they fit already.
func freeAt(stamps []PaceStamp, now time.Time, window time.Duration, limit, need int) time.Time {
	var in []PaceStamp
	total := 0
	for _, s := range stamps {
		if s.At.Add(window).After(now) {
			in = append(in, s)
			total += s.N
		}
	}
	excess := total + need - limit
	if excess <= 0 {
		return now
	}
	sort.Slice(in, func(i, j int) bool { return in[i].At.Before(in[j].At) })
	for _, s := range in {
		if excess -= s.N; excess <= 0 {
			return s.At.Add(window)
		}
	}
	return now.Add(window) // more than the limit at once: wait a whole window
}

// quietEnd is the end of the quiet window around :00 or :30 that now falls
// in, or the zero time when now is outside both.
func quietEnd(now time.Time, q time.Duration) time.Time {
	half := 30 * time.Minute
	into := time.Duration(now.Minute()%30)*time.Minute + time.Duration(now.Second())*time.Second + time.Duration(now.Nanosecond())
	switch {
	case into < q:
		return now.Add(q - into)
	case into >= half-q:
		return now.Add(half - into + q)
	}
	return time.Time{}
}
