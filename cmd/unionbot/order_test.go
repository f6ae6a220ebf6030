package main

import (
	"strings"
	"sync"
	"testing"
	"time"

	"unionbot/bot"
	"unionbot/handlers/proposal"
	"unionbot/handlers/signup"
	"unionbot/storage/storagetest"
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
			if n := countContaining(replies, "报名成功"); n != 1 {
				t.Fatalf("replies %q: %d say 报名成功, want 1", replies, n)
			}
		})
	}
}

// TestFinalStepOnceAcrossReplicas: two replicas on one database and one
// Redis; the teacher's 确认提交 reaches both three times at once (the lock
// is taken with the dedup claim where this process holds none, so the
// replicas race for it in that round trip): one suggestion.
func TestFinalStepOnceAcrossReplicas(t *testing.T) {
	extra := map[string]string{"UNIONBOT_DB": storagetest.URL(t, "mysql"), "UNIONBOT_REDIS": "test", "test.redis_prefix": storagetest.Prefix()}
	h1 := MustRunMain(t, "mysql", extra)
	h2 := MustRunMain(t, "mysql", extra)
	h1.MustSay(t, "t1", "提建议 标题：食堂夜宵 类别：后勤保障 内容：晚自习后没有东西吃。 措施：九点后开一个窗口。")
	if got := h2.MustSay(t, "t1", "否"); !strings.Contains(got, "确认提交") { // the form is shared
		t.Fatalf("no preview on the second replica: %q", got)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var replies []string
	for _, h := range []*harness{h1, h2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs := h.sayAtOnce(t, "t1", "确认提交", 3)
			mu.Lock()
			replies = append(replies, rs...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	list, err := h1.Web.Proposals.List(t.Context(), proposal.Filter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("suggestions after 确认提交 ×3 on two replicas = %d, %v; want 1 (replies %q)", len(list), err, replies)
	}
	if n := countContaining(replies, "已提交"); n != 1 {
		t.Fatalf("%d replies say 已提交; want 1: %q", n, replies)
	}
}

// countContaining is how many of replies contain s.
func countContaining(replies []string, s string) int {
	n := 0
	for _, r := range replies {
		if strings.Contains(r, s) {
			n++
		}
	}
	return n
}

// TestMessageWaitsForAnotherReplicasLock: while another replica holds a
// teacher's lock in Redis, their message waits for it (the lock tried with
// the dedup claim is refused, and the message queues for it as before),
// and is handled, with the session the other replica left, once it goes.
func TestMessageWaitsForAnotherReplicasLock(t *testing.T) {
	h := MustRunMain(t, "mysql", map[string]string{"UNIONBOT_REDIS": "test"})
	h.MustSay(t, "t1", "提建议")
	ctx := t.Context()
	// The bot gives its lock back with the recorded reply, just after the
	// reply reached the test: take it as another replica would, waiting.
	var held bot.HeldLock
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		var ok bool
		var err error
		held, ok, _, err = h.Redis.TryLockSession(ctx, "user:t1", time.Minute, "t1")
		if err == nil && ok {
			break
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("take t1's lock as another replica would: %v, %v", ok, err)
		}
	}
	done := make(chan string, 1)
	go func() {
		r, err := h.WeCom.SendText("t1", "图书馆延长开放")
		if err != nil {
			t.Error(err)
		}
		done <- r.Content
	}()
	select {
	case r := <-done:
		t.Fatalf("answered while another replica held the lock: %q", r)
	case <-time.After(500 * time.Millisecond):
	}
	h.Redis.ReleaseLock(ctx, held)
	select {
	case r := <-done:
		if !strings.Contains(r, "属于哪一类") {
			t.Fatalf("after the release: %q; want the form's next step", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("not answered 5 s after the lock was released")
	}
}

// TestRetryWhileAnotherReplicaHandles: a delivery claimed in Redis by
// another replica that has not recorded its outcome yet (the claim holds
// only its token) is answered with nothing here, and never twice: once the
// outcome is recorded, a later retry gets it.
func TestRetryWhileAnotherReplicaHandles(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_REDIS": "test"})
	ctx := t.Context()
	id := h.WeCom.NewMsgID()
	key := (&bot.Message{Channel: bot.ChannelWeCom, MsgID: id}).DedupKey()
	if first, err := h.Redis.Claim(ctx, key, time.Hour); err != nil || !first {
		t.Fatalf("claim as the other replica: %v, %v", first, err)
	}
	r, err := h.WeCom.Post(h.WeCom.TextXML("t1", "帮助", id))
	if err != nil || r.Status != 200 || r.Content != "" {
		t.Fatalf("while the other replica handles it: %+v, %v; want an empty answer", r, err)
	}
	if err := h.Redis.SetOutcome(ctx, key, "您好，我是工会助手", time.Hour); err != nil {
		t.Fatal(err)
	}
	if r, err := h.WeCom.Post(h.WeCom.TextXML("t1", "帮助", id)); err != nil || r.Content != "您好，我是工会助手" {
		t.Fatalf("after the other replica recorded its reply: %+v, %v; want that reply", r, err)
	}
}
