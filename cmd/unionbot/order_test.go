package main

import (
	"strings"
	"sync"
	"testing"
	"time"

	"unionbot/handlers/proposal"
	"unionbot/handlers/signup"
)

// sayAtOnce sends text n times from user at the same moment (each its own
// message, as a teacher tapping 发送 repeatedly) and returns the replies.
func (h *harness) sayAtOnce(t *testing.T, user, text string, n int) []string {
	t.Helper()
	replies := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := h.WeCom.SendText(user, text)
			if err != nil {
				t.Error(err)
				return
			}
			replies[i] = r.Content
		}()
	}
	wg.Wait()
	h.Drain(t)
	return replies
}

// TestFinalStepOnce: the last step of each form, sent three times at once,
// commits once — a suggestion, a motion-free 发布活动, and a sign-up with an
// extra question — on SQLite, and on MariaDB with Redis (where the lock
// that orders a teacher's messages is Redis's).
func TestFinalStepOnce(t *testing.T) {
	for _, tc := range []struct {
		driver string
		extra  map[string]string
	}{{"sqlite", nil}, {"mysql", map[string]string{"UNIONBOT_REDIS": "test"}}} {
		t.Run(tc.driver, func(t *testing.T) {
			h := MustRunMain(t, tc.driver, tc.extra)
			ctx := t.Context()

			h.MustSay(t, "t1", "提建议 标题：操场照明 类别：后勤保障 内容：晚上操场太暗。 措施：加装路灯。")
			if got := h.MustSay(t, "t1", "否"); !strings.Contains(got, "确认提交") {
				t.Fatalf("no preview: %q", got)
			}
			h.sayAtOnce(t, "t1", "确认提交", 3)
			if list, err := h.Web.Proposals.List(ctx, proposal.Filter{}); err != nil || len(list) != 1 {
				t.Fatalf("suggestions after three 确认提交 = %d, %v; want 1", len(list), err)
			}

			day := h.Now().Add(96*time.Hour).In(h.Config.Location).Format("2006-01-02") + " 14:30"
			for _, say := range []string{"发布活动", "重阳登高", "出行", day, "香山", "默认", "30"} {
				h.MustSay(t, testAdmin, say)
			}
			h.sayAtOnce(t, testAdmin, "确认", 3)
			evs, err := h.Web.Signups.Events(ctx, signup.EventFilter{})
			if err != nil || len(evs) != 1 {
				t.Fatalf("events after three last answers = %d, %v; want 1", len(evs), err)
			}

			ev := evs[0]
			ev.Fields = []signup.Field{{Name: "衣服尺码", Options: []string{"S", "M", "L"}}}
			if _, _, err := h.Web.Signups.Update(ctx, ev); err != nil {
				t.Fatal(err)
			}
			if got := h.MustSay(t, "t2", "报名 重阳登高"); !strings.Contains(got, "衣服尺码") {
				t.Fatalf("no field asked: %q", got)
			}
			replies := h.sayAtOnce(t, "t2", "M", 3)
			ro, err := h.Web.Signups.Roster(ctx, ev.ID)
			if err != nil || len(ro.Confirmed) != 1 {
				t.Fatalf("entries after three answers = %+v, %v; want 1", ro, err)
			}
			n := 0
			for _, r := range replies {
				if strings.Contains(r, "报名成功") {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("replies %q: %d say 报名成功, want 1", replies, n)
			}
		})
	}
}
