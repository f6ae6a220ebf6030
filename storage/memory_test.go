package storage

import (
	"context"
	"strconv"
	"testing"
	"time"
)

// TestMemorySweeps: expired dedup marks are swept as the map grows, and an
// overwrite (SetOutcome) never triggers a sweep by itself, so a busy bot's
// writes stay O(1).
func TestMemorySweeps(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	m := NewMemory()
	m.Now = func() time.Time { return now }
	ctx := context.Background()
	for i := 0; i < 5000; i++ {
		m.Claim(ctx, "old"+strconv.Itoa(i), time.Minute)
	}
	now = now.Add(2 * time.Minute)
	for i := 0; i < 5000; i++ {
		m.Claim(ctx, "new"+strconv.Itoa(i), time.Minute)
		m.SetOutcome(ctx, "new"+strconv.Itoa(i), "reply", time.Minute)
	}
	if n := len(m.items); n > 5000+1024 {
		t.Fatalf("%d items kept, want the 5000 expired ones swept", n)
	}
	if first, _ := m.Claim(ctx, "new1", time.Minute); first {
		t.Fatal("a live mark was swept")
	}
}

func BenchmarkMemoryDedup(b *testing.B) {
	m := NewMemory()
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		k := strconv.Itoa(i)
		m.Claim(ctx, k, 30*time.Minute)
		m.SetOutcome(ctx, k, "reply", 30*time.Minute)
	}
}

// TestAllowSlidingWindow: a burst just before a minute's end and another
// just after are one window's worth, not two.
func TestAllowSlidingWindow(t *testing.T) {
	now := time.Date(2026, 12, 31, 23, 58, 59, 0, time.UTC)
	m := NewMemory()
	m.Now = func() time.Time { return now }
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if ok, _ := m.Allow(ctx, "t1", 3, time.Minute); !ok {
			t.Fatalf("message %d within the limit refused", i+1)
		}
	}
	now = now.Add(2 * time.Second) // into the next fixed minute
	if ok, _ := m.Allow(ctx, "t1", 3, time.Minute); ok {
		t.Fatal("a fixed window would let this through; the sliding one must not")
	}
	now = now.Add(2 * time.Minute)
	if ok, _ := m.Allow(ctx, "t1", 3, time.Minute); !ok {
		t.Fatal("refused after the window passed")
	}
}
