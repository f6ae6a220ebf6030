package main

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"unionbot/bot/wecom/fakewecom"
	"unionbot/handlers/signup"
	"unionbot/storage/storagetest"
)

func MustOpenEvent(tb testing.TB, h *harness, capacity int) *signup.Event {
	tb.Helper()
	now := h.Now().UTC()
	ev := &signup.Event{Title: "教职工羽毛球比赛", Kind: "比赛", Location: "体育馆", StartsAt: now.Add(72 * time.Hour),
		EndsAt: now.Add(75 * time.Hour), SignupClosesAt: now.Add(48 * time.Hour), Capacity: capacity, Waitlist: true}
	if err := ev.Validate(); err != nil {
		tb.Fatal(err)
	}
	if err := h.DB.CreateEvent(tb.Context(), ev); err != nil {
		tb.Fatal(err)
	}
	return ev
}

// TestSignUpRush: 500 distinct teachers sign up at once through the
// encrypted callback for 16 places: 16 confirmed, 484 waitlisted in arrival
// order, no errors; a cancellation promotes the first waiting teacher, who
// is told through message/send.
func TestSignUpRush(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			h := MustRunMain(t, driver, nil)
			ev := MustOpenEvent(t, h, 16)
			const n = 500
			var wg sync.WaitGroup
			var mu sync.Mutex
			var confirmed, waiting int
			var errs []string
			positions := map[int]bool{}
			sem := make(chan struct{}, 64) // WeCom's own delivery is not unbounded either
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sem <- struct{}{}
					defer func() { <-sem }()
					r, err := h.WeCom.SendText(fmt.Sprintf("t%04d", i), "我要报名羽毛球")
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err != nil || r.Status != 200:
						errs = append(errs, fmt.Sprint(r, err))
					case strings.Contains(r.Content, "报名成功"):
						confirmed++
					case strings.Contains(r.Content, "候补第"):
						waiting++
						var p int
						fmt.Sscanf(r.Content[strings.Index(r.Content, "候补第")+len("候补第 "):], "%d", &p)
						positions[p] = true
					default:
						errs = append(errs, r.Content)
					}
				}()
			}
			wg.Wait()
			if len(errs) > 0 || confirmed != 16 || waiting != n-16 || len(positions) != n-16 {
				t.Fatalf("confirmed=%d waiting=%d distinct positions=%d errors=%d (%q), want 16, %d, %d, 0",
					confirmed, waiting, len(positions), len(errs), errs[:min(3, len(errs))], n-16, n-16)
			}
			entries, err := h.DB.ListEntries(t.Context(), ev.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			var wl []*signup.Entry
			for _, e := range entries {
				if e.Status == signup.EntryWaiting {
					wl = append(wl, e)
				}
			}
			if !sort.SliceIsSorted(wl, func(i, j int) bool { return wl[i].Seq < wl[j].Seq }) || len(wl) != n-16 {
				t.Fatalf("waitlist of %d not in arrival order", len(wl))
			}
			if got := h.MustSay(t, entries[0].UserID, "取消报名 羽毛球"); !strings.Contains(got, "已取消") {
				t.Fatalf("取消报名 reply = %q", got)
			}
			first := wl[0].UserID
			got := h.Fake.WaitSent(1, 5*time.Second, func(s fakewecom.Sent) bool {
				return s.ToUser == first && strings.Contains(s.Content, "转为正式报名")
			})
			if len(got) != 1 {
				t.Fatalf("promotion message to %s not sent; sent %d messages", first, len(h.Fake.Sent()))
			}
			if got := h.MustSay(t, first, "我的报名"); !strings.Contains(got, "已报名") {
				t.Fatalf("我的报名 after promotion = %q", got)
			}
		})
	}
}

// TestSignUpReminder: the reminder job sends once per event however often
// it runs (the DB records it).
func TestSignUpReminder(t *testing.T) {
	h := MustRunMain(t, "sqlite", nil)
	ev := MustOpenEvent(t, h, 16)
	ev.StartsAt, ev.EndsAt = time.Now().Add(20*time.Hour).UTC(), time.Now().Add(22*time.Hour).UTC()
	if err := h.DB.UpdateEvent(t.Context(), ev); err != nil {
		t.Fatal(err)
	}
	h.MustSay(t, "r1", "报名 羽毛球")
	for i := 0; i < 3; i++ {
		if err := h.Scheduler.RunJob(t.Context(), "signup-reminders"); err != nil {
			t.Fatal(err)
		}
	}
	h.Fake.WaitSent(1, 3*time.Second, func(s fakewecom.Sent) bool { return strings.Contains(s.Content, "提醒") })
	h.Drain(t)
	if got := len(h.Fake.SentTo("r1")); got != 1 {
		t.Fatalf("reminders sent to r1: %d, want 1", got)
	}
}

func TestPublishByChat(t *testing.T) {
	// A Wednesday: 下周六下午两点 is 12 December, 14:00.
	h := MustRunMain(t, "sqlite", map[string]string{"test.clock": "2026-12-02T10:00:00+08:00"})
	if got := h.MustSay(t, "t1", "发布活动"); strings.Contains(got, "活动名称") {
		t.Fatalf("a teacher got the publish form: %q", got)
	}
	for _, turn := range []struct{ say, want string }{
		{"发布活动", "活动名称"}, {"重阳登高", "类型"}, {"爬山", "只能是"}, {"出行", "什么时候开始"},
		{"找个时间", "没看懂"}, {"下周六下午两点", "在哪里"}, {"香山", "报名截止"}, {"默认", "名额"},
		{"30", "2026年12月12日 14:00（周六）"}, {"好的吧", "请回复“确认”"}, {"确认", "已发布"},
	} {
		if got := h.MustSay(t, testAdmin, turn.say); !strings.Contains(got, turn.want) {
			t.Fatalf("admin says %q: %q, want %q", turn.say, got, turn.want)
		}
	}
	if got := h.MustSay(t, "t1", "活动"); !strings.Contains(got, "重阳登高") || !strings.Contains(got, "剩余 30") {
		t.Fatalf("活动 = %q", got)
	}
}
