package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"unionbot"
	"unionbot/bot/wecom/fakewecom"
	"unionbot/config"
	"unionbot/handlers/signup"
	"unionbot/storage/storagetest"
)

// drainPaced runs the outbox until no notice is left undelivered, moving
// the harness clock on to the next notice's expected time whenever all
// that is left waits. With several harnesses (replicas on one database)
// their workers run at once and their clocks move together. It returns
// every wait reason a pending notice showed along the way, and fails if a
// notice ends anywhere but sent.
func drainPaced(t *testing.T, hs ...*harness) map[string]int {
	t.Helper()
	ctx := context.Background()
	reasons := map[string]int{}
	for step := 0; step < 20000; step++ {
		var wg sync.WaitGroup
		for _, h := range hs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				h.Bot.Wait()
				h.Outbox.RunOnce(ctx)
			}()
		}
		wg.Wait()
		ns, err := hs[0].DB.ListNotices(ctx, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		var next time.Time
		pending := 0
		for _, n := range ns {
			switch n.Status {
			case unionbot.NoticeFailed:
				t.Fatalf("notice %d (%s %s) failed: %s", n.ID, n.Kind, n.Ref, n.LastErr)
			case unionbot.NoticePending:
				pending++
				if n.WaitReason != "" {
					reasons[n.WaitReason]++
				}
				if next.IsZero() || n.NextAt.Before(next) {
					next = n.NextAt
				}
			}
		}
		if pending == 0 {
			return reasons
		}
		if now := hs[0].Now(); next.After(now) {
			for _, h := range hs {
				h.Advance(t, next.Sub(now))
			}
		}
	}
	t.Fatal("the outbox never drained")
	return nil
}

// mustNoDrops fails when the fake WeCom dropped or refused anything.
func mustNoDrops(t *testing.T, h *harness) {
	t.Helper()
	if d := h.Fake.Dropped(); len(d) > 0 {
		t.Fatalf("the fake WeCom dropped %d messages, first %+v", len(d), d[0])
	}
}

// expectedNextMinute reports whether a not_before is when the calls of
// the minute that began at first have aged out (a minute and the 2 s
// margin later, give or take the database's rounding).
func expectedNextMinute(t *testing.T, notBefore string, first time.Time) bool {
	at, err := time.Parse(time.RFC3339Nano, notBefore)
	if err != nil {
		t.Fatalf("not_before %q: %v", notBefore, err)
	}
	want := first.Add(62 * time.Second)
	return at.Sub(want).Abs() < 2*time.Second
}

func hasReason(reasons map[string]int, part string) bool {
	for r := range reasons {
		if strings.Contains(r, part) {
			return true
		}
	}
	return false
}

// TestPacedPromotions: 300 waiting teachers are promoted at once when the
// places are lifted; message/send allows only 100 calls a minute here, so
// the notices go out over three minutes, each teacher told exactly once,
// nothing dropped, and the waiting ones say why on the console and in the
// API while they wait.
func TestPacedPromotions(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			h := MustRunMain(t, driver, map[string]string{"test.clock": "2026-12-03T10:05:00+08:00", "WECOM_API_PER_MINUTE": "100",
				"UNIONBOT_ANNOUNCE_CRON": "0 0 1 1 *"})
			h.Fake.SetLimits(fakewecom.Limits{MemberPerMinute: 30, MemberPerHour: 1000, DailyQuota: 40000, APIPerMinute: 100})
			ev := MustOpenEvent(t, h, 1)
			ctx := context.Background()
			for i := 0; i <= 300; i++ {
				u := fmt.Sprintf("p%03d", i)
				if err := h.DB.SignUp(ctx, &signup.Entry{EventID: ev.ID, UserID: u, Name: u}); err != nil {
					t.Fatal(err)
				}
			}
			MustAPI(t, h, "PATCH", "/api/events/"+jsonInt(ev.ID), `{"capacity":0}`, 200)
			h.Outbox.RunOnce(ctx)

			// Mid-way: the API and the console show the queue and why.
			var list struct {
				Notices []struct {
					Status     string `json:"status"`
					WaitReason string `json:"wait_reason"`
					NotBefore  string `json:"not_before"`
				}
			}
			json.Unmarshal(MustAPI(t, h, "GET", "/api/notices?kind=signup", "", 200), &list)
			waiting := 0
			for _, n := range list.Notices {
				if n.Status == unionbot.NoticePending && strings.Contains(n.WaitReason, "每分钟最多调用 100 次") && expectedNextMinute(t, n.NotBefore, h.Fake.Sent()[0].At) {
					waiting++
				}
			}
			if waiting != 200 {
				t.Fatalf("after the first minute's sends %d notices wait for the API's rate, want 200", waiting)
			}
			_, open := consoleClient(t, h)
			if body, _ := open("/admin"); !strings.Contains(body, "排队中的通知（200 条）") || !strings.Contains(body, "消息接口每分钟最多调用 100 次") || !strings.Contains(body, "预计 "+h.Fake.Sent()[0].At.Add(62*time.Second).In(time.FixedZone("CST", 8*3600)).Format("15:04")) {
				t.Fatalf("the overview does not show the queue, its reason and expected time:\n%s", body)
			}

			reasons := drainPaced(t, h)
			mustNoDrops(t, h)
			for i := 1; i <= 300; i++ {
				u := fmt.Sprintf("p%03d", i)
				got := h.Fake.DeliveredTo(u)
				if len(got) != 1 || !strings.Contains(got[0].Content, "有名额了") {
					t.Fatalf("%s got %+v, want one promotion notice", u, got)
				}
			}
			if !hasReason(reasons, "每分钟最多调用 100 次") {
				t.Fatalf("no notice waited for the API's rate: %v", reasons)
			}
			if calls := h.Fake.Calls("/cgi-bin/message/send"); calls != 300 {
				t.Fatalf("message/send called %d times, want 300", calls)
			}
		})
	}
}

// TestPacedMonthlyPush: the monthly push to 5,000 members goes by @all in
// one call, but not at 08:00:00 (bulk sends avoid :00); a broadcast to the
// same 5,000 listed by name goes in five calls of 1,000 and, past the
// day's 7,000 person-times, waits for the next day. Everyone gets both.
func TestPacedMonthlyPush(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			h := MustRunMain(t, driver, map[string]string{"test.clock": "2026-12-01T07:59:50+08:00", "WECOM_BULK_QUIET": "30s",
				"WECOM_DAILY_QUOTA": "7000", "UNIONBOT_ANNOUNCE_CRON": "0 0 1 1 *"})
			h.Fake.SetLimits(fakewecom.Limits{MemberPerMinute: 30, MemberPerHour: 1000, DailyQuota: 7000, APIPerMinute: 10000})
			const n = 5000
			var users []string
			for i := 0; i < n; i++ {
				u := fmt.Sprintf("m%04d", i)
				users = append(users, u)
				h.Fake.AddUser(fakewecom.User{UserID: u, Name: "老师" + u, Department: []int{1}})
			}
			MustAPI(t, h, "POST", "/api/members/sync", "", 200)
			MustAPI(t, h, "POST", "/api/plans/items", `{"year":2026,"month":12,"day":24,"title":"平安夜教工联欢"}`, 201)
			MustAPI(t, h, "POST", "/api/announcements/send?month=2026-12", "", 201)
			MustAPI(t, h, "POST", "/api/broadcasts", `{"text":"工会通知：周五下午教代会","audience":"users:`+strings.Join(users, ",")+`"}`, 202)
			ctx := context.Background()
			h.Outbox.RunOnce(ctx)
			if calls := h.Fake.Calls("/cgi-bin/message/send"); calls != 0 {
				t.Fatalf("message/send called %d times inside the quiet window around 08:00", calls)
			}
			reasons := drainPaced(t, h)
			mustNoDrops(t, h)
			for _, u := range []string{users[0], users[2500], users[n-1]} {
				got := h.Fake.DeliveredTo(u)
				if len(got) != 2 || got[0].MsgType != "text" || !strings.Contains(got[0].Content, "工会活动安排") || !strings.Contains(got[1].Content, "教代会") {
					t.Fatalf("%s got %d messages (%+v), want the push then the broadcast", u, len(got), got)
				}
			}
			var all, batches int
			for _, s := range h.Fake.Sent() {
				if s.Path != "/cgi-bin/message/send" {
					continue
				}
				switch {
				case s.ToUser == "@all":
					all++
					if at := s.At.In(time.FixedZone("CST", 8*3600)).Format("15:04:05"); at < "08:00:30" {
						t.Fatalf("the push went at %s, inside the quiet window", at)
					}
				case strings.Count(s.ToUser, "|") == 999:
					batches++
				default:
					t.Fatalf("a send to %d members", strings.Count(s.ToUser, "|")+1)
				}
			}
			if all != 1 || batches != 5 {
				t.Fatalf("sent @all %d times and %d batches of 1,000, want 1 and 5", all, batches)
			}
			for _, want := range []string{"群发避开整点和半点", "今日发送额度已用"} {
				if !hasReason(reasons, want) {
					t.Fatalf("no notice waited with %q: %v", want, reasons)
				}
			}
			if day := h.Now().In(time.FixedZone("CST", 8*3600)).Day(); day != 2 {
				t.Fatalf("the broadcast finished on day %d, want the next day (2)", day)
			}
		})
	}
}

// TestPacedFortyNotices: a teacher who would get 40 notices in one minute
// gets 30 in it and the other 10 once the minute has passed, in the order
// they were queued, through a 45047 and a 45009 on the way; the waiting
// ones say why.
func TestPacedFortyNotices(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			h := MustRunMain(t, driver, map[string]string{"test.clock": "2026-12-03T10:05:00+08:00", "UNIONBOT_ANNOUNCE_CRON": "0 0 1 1 *"})
			for i := 1; i <= 40; i++ {
				MustAPI(t, h, "POST", "/api/broadcasts", fmt.Sprintf(`{"text":"第 %d 条通知","audience":"users:t040"}`, i), 202)
			}
			MustAPI(t, h, "POST", "/api/broadcasts", `{"text":"给别人的通知","audience":"users:t041"}`, 202)
			h.Fake.FailNext("/cgi-bin/message/send", 45047, 1)
			ctx := context.Background()
			h.Outbox.RunOnce(ctx)
			h.Fake.FailNext("/cgi-bin/message/send", 45009, 2)
			reasons := drainPaced(t, h)
			mustNoDrops(t, h)
			got := h.Fake.DeliveredTo("t040")
			if len(got) != 40 {
				t.Fatalf("t040 got %d notices, want 40", len(got))
			}
			start := got[0].At
			for i, m := range got {
				if want := fmt.Sprintf("第 %d 条通知", i+1); m.Content != want {
					t.Fatalf("notice %d is %q, want %q", i+1, m.Content, want)
				}
				if i >= 30 && m.At.Sub(start) < time.Minute {
					t.Fatalf("notice %d came %v after the first, inside the first minute", i+1, m.At.Sub(start))
				}
			}
			if other := h.Fake.DeliveredTo("t041"); len(other) != 1 || other[0].At.Sub(start) > 30*time.Second {
				t.Fatalf("t041's notice waited behind t040's: %+v", other)
			}
			for _, want := range []string{"t040 一分钟内最多收 30 条", "错误码 45047", "错误码 45009"} {
				if !hasReason(reasons, want) {
					t.Fatalf("no notice waited with %q: %v", want, reasons)
				}
			}
		})
	}
}

// TestPacedReplicas: two replicas on one database share the counters and
// the sender lease: 40 notices to one teacher arrive once each, in order,
// 30 in the first minute, with nothing dropped; when the replica holding
// the lease shuts down the other carries on at once.
func TestPacedReplicas(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			extra := map[string]string{"UNIONBOT_DB": storagetest.URL(t, driver), "test.clock": "2026-12-03T10:05:00+08:00",
				"UNIONBOT_ANNOUNCE_CRON": "0 0 1 1 *"}
			h1 := MustRunMain(t, driver, extra)
			extra["WECOM_API_BASE"] = h1.Env["WECOM_API_BASE"] // the process shares one HTTP client: one fake
			h2 := MustRunMain(t, driver, extra)
			for i := 1; i <= 40; i++ {
				MustAPI(t, h1, "POST", "/api/broadcasts", fmt.Sprintf(`{"text":"第 %d 条通知","audience":"users:t040"}`, i), 202)
			}
			// Both replicas at once, for a few seconds of the first minute
			// (h2's clock runs a little behind h1's, as replicas' clocks do:
			// what h1 queued is due for h2 a moment later).
			for step := 0; step < 5; step++ {
				var wg sync.WaitGroup
				for _, h := range []*harness{h1, h2, h1, h2} {
					wg.Add(1)
					go func() { defer wg.Done(); h.Outbox.RunOnce(context.Background()) }()
				}
				wg.Wait()
				h1.Advance(t, time.Second)
				h2.Advance(t, time.Second)
			}
			if got := len(h1.Fake.DeliveredTo("t040")); got != 30 {
				t.Fatalf("in the first minute t040 got %d notices, want 30", got)
			}
			h1.Close() // whichever held the lease, h2 now sends alone
			h1.Fake.SetClock(h2.Now)
			drainPaced(t, h2)
			mustNoDrops(t, h1)
			got := h1.Fake.DeliveredTo("t040")
			if len(got) != 40 {
				t.Fatalf("t040 got %d notices, want 40", len(got))
			}
			for i, m := range got {
				if want := fmt.Sprintf("第 %d 条通知", i+1); m.Content != want {
					t.Fatalf("notice %d is %q, want %q", i+1, m.Content, want)
				}
			}
		})
	}
}

// TestPaceLimitsFromConfig: the daily quota is the account cap × 200
// person-times unless WECOM_DAILY_QUOTA says otherwise.
func TestPaceLimitsFromConfig(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want int
	}{
		{map[string]string{}, 0}, // the worker's default: 200 accounts × 200
		{map[string]string{"WECOM_ACCOUNT_CAP": "2000"}, 400000},
		{map[string]string{"WECOM_ACCOUNT_CAP": "2000", "WECOM_DAILY_QUOTA": "1000"}, 1000},
	} {
		cfg, err := config.Load("", func(k string) string { return tc.env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if got := paceLimits(cfg).DailyQuota; got != tc.want {
			t.Errorf("%v: daily quota %d, want %d", tc.env, got, tc.want)
		}
	}
}
