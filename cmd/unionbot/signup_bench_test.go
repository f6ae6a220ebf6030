package main

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"unionbot/storage/storagetest"
)

// BenchmarkSignUp measures sign-ups through the encrypted callback, 64 at a
// time, each a distinct teacher, for an event with a waitlist; it reports
// sign-ups/s and the p99 latency.
//
//	go test ./cmd/unionbot -run '^$' -bench SignUp -benchtime 2000x
func BenchmarkSignUp(b *testing.B) {
	for _, driver := range storagetest.Drivers() {
		b.Run(driver, func(b *testing.B) {
			h := MustRunMain(b, driver, nil)
			MustOpenEvent(b, h, 16)
			var next atomic.Int64
			var mu sync.Mutex
			lat := make([]time.Duration, 0, b.N)
			var failed atomic.Int64
			b.SetParallelism(32) // × GOMAXPROCS (2) = 64 in flight
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					u := fmt.Sprintf("b%06d", next.Add(1))
					t0 := time.Now()
					r, err := h.WeCom.SendText(u, "报名 羽毛球")
					d := time.Since(t0)
					if err != nil || !(strings.Contains(r.Content, "报名成功") || strings.Contains(r.Content, "候补第")) {
						failed.Add(1)
					}
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			})
			elapsed := time.Since(start)
			b.StopTimer()
			if failed.Load() > 0 {
				b.Fatalf("%d sign-ups failed", failed.Load())
			}
			slices.Sort(lat)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "signups/s")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
		})
	}
}
