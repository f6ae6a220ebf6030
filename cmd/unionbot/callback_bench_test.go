package main

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"unionbot/storage/storagetest"
)

// BenchmarkCallback measures one teacher message through the whole program:
// the encrypted callback over loopback HTTP, dedup, session, routing and the
// encrypted passive reply (the client's own sealing and opening is inside
// the figure too). Each message is a new MsgId from one of 500 teachers.
//
//	go test ./cmd/unionbot -run '^$' -bench Callback -benchmem -cpuprofile cpu.out
func BenchmarkCallback(b *testing.B) {
	for _, c := range []struct{ name, text, want string }{
		{"help", "帮助", "工会助手"},
		{"faq", "工会会费怎么交", ""},
	} {
		for _, driver := range storagetest.Drivers() {
			b.Run(c.name+"/"+driver, func(b *testing.B) {
				h := MustRunMain(b, driver, map[string]string{"UNIONBOT_RATE_LIMIT": "0"})
				var next atomic.Int64
				var failed atomic.Int64
				b.ReportAllocs()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						u := fmt.Sprintf("t%03d", next.Add(1)%500)
						r, err := h.WeCom.SendText(u, c.text)
						if err != nil || r.Status != 200 || !strings.Contains(r.Content, c.want) {
							failed.Add(1)
						}
					}
				})
				b.StopTimer()
				if n := failed.Load(); n > 0 {
					b.Fatalf("%d of %d messages failed", n, b.N)
				}
			})
		}
	}
}
