package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
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

// BenchmarkCallbackHandler is one teacher message through the program's
// HTTP handler in process, without the network or the client's work: the
// signed bodies are made before the clock starts. floor is the callback
// code answering at once (what loadgen -floor serves); help and faq are the
// whole bot on SQLite. The difference in ns/op and allocs/op is the bot's
// own work a message, with less noise than a run across loopback.
//
//	go test ./cmd/unionbot -run '^$' -bench CallbackHandler -benchmem
func BenchmarkCallbackHandler(b *testing.B) {
	b.Run("floor", func(b *testing.B) {
		cb, err := wecom.NewCallback(testToken, testAESKey, testCorpID, echo{})
		if err != nil {
			b.Fatal(err)
		}
		c := &fakewecom.Client{Token: testToken, AESKey: testAESKey, CorpID: testCorpID}
		serveSigned(b, cb, "/", c, "帮助", "收到")
	})
	for _, c := range []struct{ name, text, want string }{
		{"help", "帮助", "工会助手"},
		{"faq", "工会会费怎么交", ""},
	} {
		b.Run(c.name, func(b *testing.B) {
			h := MustRunMain(b, "sqlite", map[string]string{"UNIONBOT_RATE_LIMIT": "0"})
			serveSigned(b, h.Web.Handler(), "/wecom/callback", h.WeCom, c.text, c.want)
		})
	}
}

// serveSigned serves b.N signed messages of text from 500 teachers to h,
// one at a time, and fails if a reply lacks want.
func serveSigned(b *testing.B, h http.Handler, path string, c *fakewecom.Client, text, want string) {
	type signed struct {
		body []byte
		url  string
	}
	reqs := make([]signed, b.N)
	for i := range reqs {
		plain := c.TextXML(fmt.Sprintf("t%03d", i%500), text, c.NewMsgID())
		body, sig, ts, nonce, err := c.Signed(plain)
		if err != nil {
			b.Fatal(err)
		}
		q := url.Values{"msg_signature": {sig}, "timestamp": {ts}, "nonce": {nonce}}
		reqs[i] = signed{body, path + "?" + q.Encode()}
	}
	var (
		failed int
		last   *httptest.ResponseRecorder
	)
	b.ReportAllocs()
	b.ResetTimer()
	for _, s := range reqs {
		last = httptest.NewRecorder()
		h.ServeHTTP(last, httptest.NewRequest(http.MethodPost, s.url, bytes.NewReader(s.body)))
		if last.Code != http.StatusOK {
			failed++
		}
	}
	b.StopTimer()
	if failed > 0 {
		b.Fatalf("%d of %d messages failed", failed, b.N)
	}
	if last != nil { // the last reply opened after the clock: it is the bot's
		r, err := c.Decode(last.Code, last.Body.Bytes())
		if err != nil || !strings.Contains(r.Content, want) {
			b.Fatalf("last reply %q (%v), want it to hold %q", r.Content, err, want)
		}
	}
}
