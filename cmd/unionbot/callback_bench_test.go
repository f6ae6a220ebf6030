package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"unionbot/bot"
	"unionbot/bot/wecom"
	"unionbot/bot/wecom/fakewecom"
	"unionbot/storage/storagetest"
)

// BenchmarkCallback measures one teacher message through the whole program:
// the encrypted callback over loopback HTTP, dedup, session, routing and the
// encrypted passive reply (the client's own sealing and opening is inside
// the figure too). Each message is a new MsgId from one of 500 teachers.
//
//	go test ./cmd/unionbot -run '^$' -bench Callback -benchmem -cpuprofile cpu.out
func BenchmarkCallback(b *testing.B) {
	// The floor: the same callback code answering at once, without the bot
	// (what loadgen -floor serves), for the ratio.
	b.Run("floor", func(b *testing.B) {
		cb, err := wecom.NewCallback(testToken, testAESKey, testCorpID, echo{})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(cb)
		defer srv.Close()
		c := &fakewecom.Client{URL: srv.URL, Token: testToken, AESKey: testAESKey, CorpID: testCorpID}
		runCallbacks(b, c, "帮助", "收到")
	})
	for _, c := range []struct{ name, text, want string }{
		{"help", "帮助", "工会助手"},
		{"faq", "工会会费怎么交", ""},
	} {
		for _, driver := range storagetest.Drivers() {
			b.Run(c.name+"/"+driver, func(b *testing.B) {
				h := MustRunMain(b, driver, map[string]string{"UNIONBOT_RATE_LIMIT": "0"})
				runCallbacks(b, h.WeCom, c.text, c.want)
			})
		}
	}
}

// echo answers at once, as the floor does.
type echo struct{}

func (echo) Serve(_ context.Context, m *bot.Message) string { return "收到：" + m.Text }

// runCallbacks sends b.N messages of text from 500 teachers, two at a time
// per CPU, and fails if a reply lacks want.
func runCallbacks(b *testing.B, c *fakewecom.Client, text, want string) {
	var next, failed atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			u := fmt.Sprintf("t%03d", next.Add(1)%500)
			r, err := c.SendText(u, text)
			if err != nil || r.Status != 200 || !strings.Contains(r.Content, want) {
				failed.Add(1)
			}
		}
	})
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d messages failed", n, b.N)
	}
}
