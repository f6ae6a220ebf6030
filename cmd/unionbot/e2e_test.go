package main

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"unionbot/bot"
	"unionbot/bot/wecom/fakewecom"
	"unionbot/storage/storagetest"
)

func TestCallbackEndToEnd(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			extra := map[string]string{}
			if driver == "mysql" {
				extra["UNIONBOT_REDIS"] = "test"
			}
			h := MustRunMain(t, driver, extra)

			echo, status, err := h.WeCom.VerifyURL("1616140317555161061")
			if err != nil || status != 200 || echo != "1616140317555161061" {
				t.Fatalf("VerifyURL = %q, %d, %v", echo, status, err)
			}
			reply := h.MustSay(t, "t001", "帮助")
			if !strings.Contains(reply, "1. ") || !strings.Contains(reply, "工会助手") {
				t.Fatalf("帮助 reply = %q, want the numbered menu", reply)
			}
			if m, err := h.DB.FindMember(t.Context(), "t001"); err != nil || m.Channel != bot.ChannelWeCom {
				t.Fatalf("member after first contact = %+v, %v", m, err)
			}
			ev, err := h.WeCom.Post(h.WeCom.EventXML("t002", "enter_agent", "", time.Now()))
			if err != nil || !strings.Contains(ev.Content, "工会助手") {
				t.Fatalf("enter_agent reply = %+v, %v", ev, err)
			}
			if got := h.MustSay(t, "t001", "今天吃什么呢"); !strings.Contains(got, "帮助") {
				t.Fatalf("unknown input reply = %q, want a pointer to 帮助", got)
			}
		})
	}
}

func TestCallbackRefusals(t *testing.T) {
	h := MustRunMain(t, "sqlite", nil)
	good := h.WeCom.TextXML("t001", "帮助", "9001")

	other := &fakewecom.Client{URL: h.WeCom.URL, Token: testToken, AESKey: testAESKey, CorpID: "wwOTHERCORP"}
	stale := &fakewecom.Client{URL: h.WeCom.URL, Token: testToken, AESKey: testAESKey, CorpID: testCorpID,
		Now: func() time.Time { return time.Now().Add(-10 * time.Minute) }}
	wrongToken := &fakewecom.Client{URL: h.WeCom.URL, Token: "not-the-token", AESKey: testAESKey, CorpID: testCorpID}

	ts := strconv.FormatInt(time.Now().Unix(), 10)
	for _, tc := range []struct {
		name string
		do   func() (*fakewecom.Reply, error)
		want int
	}{
		{"wrong signature", func() (*fakewecom.Reply, error) { return wrongToken.Post(good) }, 403},
		{"stale timestamp", func() (*fakewecom.Reply, error) { return stale.Post(good) }, 400},
		{"another corp", func() (*fakewecom.Reply, error) { return other.Post(other.TextXML("t001", "帮助", "9002")) }, 400},
		{"garbage xml", func() (*fakewecom.Reply, error) { return h.WeCom.PostRaw([]byte("<xml><oops"), "x", ts, "n") }, 400},
		{"8 MiB body", func() (*fakewecom.Reply, error) {
			return h.WeCom.PostRaw(bytes.Repeat([]byte("a"), 8<<20), "x", ts, "n")
		}, 413},
		{"no signature", func() (*fakewecom.Reply, error) {
			return h.WeCom.PostRaw([]byte("<xml><Encrypt>abc</Encrypt></xml>"), "", ts, "n")
		}, 403},
	} {
		r, err := tc.do()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if r.Status != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, r.Status, tc.want)
		}
	}
	if n, _ := h.DB.CountMembers(t.Context()); n != 0 {
		t.Fatalf("refused callbacks created %d members, want 0 (no processing)", n)
	}
	resp, err := http.Get(h.WeCom.URL + "?msg_signature=x&timestamp=1&nonce=2&echostr=abc")
	if err != nil || resp.StatusCode != 403 {
		t.Fatalf("bad URL verification: %v %v", resp.StatusCode, err)
	}
}

// TestDuplicateDelivery sends the same MsgId three times, as WeCom's
// retries do: it is processed once and every answer is the same.
func TestDuplicateDelivery(t *testing.T) {
	h := MustRunMain(t, "sqlite", nil)
	var calls int
	var mu sync.Mutex
	h.Router.HandleExact("计数", func(c *bot.Context) error {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		return c.Replyf("第%d次", n)
	})
	plain := h.WeCom.TextXML("t001", "计数", "777001")
	var replies []string
	for i := 0; i < 3; i++ {
		r, err := h.WeCom.Post(plain)
		if err != nil {
			t.Fatal(err)
		}
		replies = append(replies, r.Content)
	}
	if calls != 1 {
		t.Fatalf("processed %d times, want 1", calls)
	}
	for _, r := range replies {
		if r != "第1次" {
			t.Fatalf("replies = %q, want the same reply each time", replies)
		}
	}
	// Two different messages in the same second from the same teacher are
	// both processed: dedup is by MsgId, never by user+second.
	h.WeCom.Post(h.WeCom.TextXML("t001", "计数", "777002"))
	h.WeCom.Post(h.WeCom.TextXML("t001", "计数", "777003"))
	if calls != 3 {
		t.Fatalf("after two new MsgIds processed %d times, want 3", calls)
	}
}

// TestSlowReplyGoesActive: a handler slower than the budget answers through
// message/send, exactly once, and the callback answers empty in time.
func TestSlowReplyGoesActive(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_REPLY_BUDGET": "200ms"})
	h.Router.HandleExact("慢", func(c *bot.Context) error {
		time.Sleep(600 * time.Millisecond)
		return c.Reply("终于好了")
	})
	start := time.Now()
	r, err := h.WeCom.SendText("t009", "慢")
	if err != nil {
		t.Fatal(err)
	}
	if r.Content != "" || time.Since(start) > 500*time.Millisecond {
		t.Fatalf("passive reply %q after %v, want empty within the budget", r.Content, time.Since(start))
	}
	sent := h.Fake.WaitSent(1, 5*time.Second, func(s fakewecom.Sent) bool { return s.ToUser == "t009" })
	if len(sent) != 1 || sent[0].Content != "终于好了" {
		t.Fatalf("active messages = %+v, want one with the reply", sent)
	}
	h.Drain(t)
	if n := len(h.Fake.SentTo("t009")); n != 1 {
		t.Fatalf("sent %d messages, want exactly 1", n)
	}
}

func TestLongReplyIsPaged(t *testing.T) {
	h := MustRunMain(t, "sqlite", nil)
	h.Router.HandleExact("长", func(c *bot.Context) error {
		var b strings.Builder
		for i := 1; i <= 200; i++ {
			fmt.Fprintf(&b, "%d. 第%d项活动安排说明\n", i, i)
		}
		return c.Reply(b.String())
	})
	first := h.MustSay(t, "t001", "长")
	if len(first) > 2048 || !strings.Contains(first, "下一页") {
		t.Fatalf("first page is %d bytes: %q", len(first), first[:100])
	}
	seen := first
	for i := 0; i < 10 && strings.Contains(seen, "下一页"); i++ {
		seen = h.MustSay(t, "t001", "下一页")
		if len(seen) > 2048 {
			t.Fatalf("page %d is %d bytes", i+2, len(seen))
		}
		first += seen
	}
	if !strings.Contains(first, "200. 第200项") {
		t.Fatal("the last line never arrived")
	}
}

func TestHealthzAndAdminAPIAuth(t *testing.T) {
	h := MustRunMain(t, "sqlite", nil)
	resp, err := http.Get(h.URL() + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz = %v, %v", resp.StatusCode, err)
	}
	call := func(tok string) int {
		req, _ := http.NewRequest("GET", h.URL()+"/api/members", nil)
		if tok != "" {
			req.Header.Set("Authorization", tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := call("Bearer " + testAPIKey); got != 200 {
		t.Fatalf("with token: %d", got)
	}
	for _, tok := range []string{"", ""} { // no credential at all is not a guess
		if got := call(tok); got != 401 {
			t.Fatalf("without a token: %d, want 401", got)
		}
	}
	if got := call("Bearer wrong"); got != 401 {
		t.Fatalf("a wrong token: %d, want 401", got)
	}
	// Right after a wrong guess this address must wait, even with the
	// right token: guessing is slowed, not just answered differently.
	for _, tok := range []string{"Basic " + testAPIKey, "Bearer " + testAPIKey} {
		if got := call(tok); got != http.StatusTooManyRequests {
			t.Fatalf("token %q right after a wrong one: %d, want 429", tok, got)
		}
	}
}
