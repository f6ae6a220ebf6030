package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"unionbot/bot"
)

// recorder is an Observer that remembers what it was told.
type recorder struct {
	mu       sync.Mutex
	messages []string // route/outcome
	replies  []string // channel/mode
	dedup    int
}

func (r *recorder) MessageHandled(channel, command, outcome string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.messages = append(r.messages, command+"/"+outcome)
}

func (r *recorder) Replied(channel, mode string, took time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.replies = append(r.replies, channel+"/"+mode)
}

func (r *recorder) DedupHit(string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dedup++
}

func (r *recorder) NoticeAttempt(string, int, error) {}
func (r *recorder) JobRan(string, error)             {}

func (r *recorder) last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.messages) == 0 {
		return ""
	}
	return r.messages[len(r.messages)-1]
}

// TestObservedRoutes: each message is counted once under the route that
// took it (a bounded name: a command, a flow, 帮助, fallback, unknown…,
// never the teacher's text) and its outcome.
func TestObservedRoutes(t *testing.T) {
	b, _ := newTestBot(t)
	rec := &recorder{}
	b.Observer = rec
	b.RateLimit = 0
	for _, tc := range []struct{ user, input, want string }{
		{"t1", "报名羽毛球", "报名/ok"},
		{"t1", "我要报名乒乓球", "报名/ok"},
		{"t1", "帮助", "帮助/ok"},
		{"t1", "1", "活动/ok"},
		{"t1", "提建议", "提建议/ok"},
		{"t1", "食堂加个窗口", "flow:suggest/ok"},
		{"t1", "提建议", "提建议/ok"},
		{"t1", "取消", "取消/ok"},
		{"t1", "出错", "出错/error"},
		{"t1", "不行", "不行/refused"},
		{"t1", "发布活动", "发布活动/refused"},
		{"t1", "体检什么时候", "fallback/ok"},
		{"t1", "今天心情不错", "unknown/ok"},
		{"t1", "下一页", "下一页/ok"},
		{"t1", "   ", "empty/ok"},
		{"t1", strings.Repeat("长", bot.MaxMessageRunes+1), "none/too_long"},
	} {
		say(b, tc.user, tc.input)
		if got := rec.last(); got != tc.want {
			t.Errorf("%s: %q counted as %q, want %q", tc.user, clipped(tc.input), got, tc.want)
		}
	}
	b.Handle(context.Background(), &bot.Message{Channel: "wecom", UserID: "t2", Type: bot.TypeEvent, Event: bot.EventEnterAgent})
	if got := rec.last(); got != "event:enter_agent/ok" {
		t.Errorf("enter_agent counted as %q", got)
	}
	if n := len(rec.messages); n != 17 {
		t.Errorf("%d messages counted, want 17 (one each)", n)
	}
}

// TestObservedDelivery: a delivery answered in time is one passive reply;
// the channel's retry of it is a dedup hit and handles nothing again.
func TestObservedDelivery(t *testing.T) {
	b, _ := newTestBot(t)
	rec := &recorder{}
	b.Observer = rec
	b.ReplyBudget = 10 * time.Second
	msg := func() *bot.Message {
		return &bot.Message{Channel: "wecom", UserID: "t3", Type: bot.TypeText, Text: "活动", MsgID: "42"}
	}
	first := b.Serve(context.Background(), msg())
	again := b.Serve(context.Background(), msg())
	b.Wait()
	if first != "活动列表" || again != first {
		t.Fatalf("replies %q, %q; want 活动列表 twice", first, again)
	}
	if len(rec.messages) != 1 || rec.dedup != 1 || strings.Join(rec.replies, ",") != "wecom/passive" {
		t.Fatalf("messages %v, dedup hits %d, replies %v; want one message, one hit, one passive reply", rec.messages, rec.dedup, rec.replies)
	}
}

func clipped(s string) string {
	if r := []rune(s); len(r) > 10 {
		return string(r[:10]) + "…"
	}
	return s
}
