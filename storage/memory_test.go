package storage

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"unionbot/config"
)

// TestMemorySweeps: expired dedup marks are swept as the map grows, and an
// overwrite (SetOutcome) never triggers a sweep by itself, so a busy bot's
// writes stay O(1).
func TestMemorySweeps(t *testing.T) {
	m, advance := clockedMemory(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	ctx := context.Background()
	for i := 0; i < 5000; i++ {
		m.Claim(ctx, "old"+strconv.Itoa(i), time.Minute)
	}
	advance(2 * time.Minute)
	for i := 0; i < 5000; i++ {
		m.Claim(ctx, "new"+strconv.Itoa(i), time.Minute)
		m.SetOutcome(ctx, "new"+strconv.Itoa(i), "reply", time.Minute)
	}
	if n := len(m.dedup); n > 5000+1024 {
		t.Fatalf("%d marks kept, want the 5000 expired ones swept", n)
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
	m, advance := clockedMemory(time.Date(2026, 12, 31, 23, 58, 59, 0, time.UTC))
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if ok, _ := m.Allow(ctx, "t1", 3, time.Minute); !ok {
			t.Fatalf("message %d within the limit refused", i+1)
		}
	}
	advance(2 * time.Second) // into the next fixed minute
	if ok, _ := m.Allow(ctx, "t1", 3, time.Minute); ok {
		t.Fatal("a fixed window would let this through; the sliding one must not")
	}
	advance(2 * time.Minute)
	if ok, _ := m.Allow(ctx, "t1", 3, time.Minute); !ok {
		t.Fatal("refused after the window passed")
	}
}

// TestMemoryDedupCap: past DedupCap the oldest marks go first, never one
// younger than DedupKeep, and a mark's older twin in the order (the key
// expired and was claimed again) does not take the new mark with it.
func TestMemoryDedupCap(t *testing.T) {
	m, advance := clockedMemory(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	m.DedupCap = 100
	ctx := context.Background()
	for i := 0; i < 150; i++ {
		m.Claim(ctx, "k"+strconv.Itoa(i), 30*time.Minute)
	}
	if n := m.DedupMarks(); n != 150 {
		t.Fatalf("%d marks kept within DedupKeep, want all 150 (a retry must be answered)", n)
	}
	advance(DedupKeep + time.Second)
	m.Claim(ctx, "late", 30*time.Minute)
	if n := m.DedupMarks(); n != 100 {
		t.Fatalf("%d marks after the keep time, want the cap of 100", n)
	}
	if first, _ := m.Claim(ctx, "k149", 30*time.Minute); first {
		t.Error("k149, among the newest, was dropped")
	}
	if first, _ := m.Claim(ctx, "k0", 30*time.Minute); !first {
		t.Error("k0, the oldest, was kept past the cap")
	}

	m, advance = clockedMemory(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	m.DedupCap = 3
	m.Claim(ctx, "a", time.Second)
	advance(2 * time.Second)
	m.Claim(ctx, "a", time.Hour) // expired and claimed again: a new mark
	advance(DedupKeep + time.Second)
	m.Claim(ctx, "b", time.Hour)
	m.Claim(ctx, "c", time.Hour)
	if first, _ := m.Claim(ctx, "a", time.Hour); first {
		t.Error("the first, expired mark of a took its second one with it")
	}
}

// TestMemoryBounded: 200,000 distinct messages with 2 KB replies, at 200 a
// second, leave at most config.DefaultDedupCap marks.
func TestMemoryBounded(t *testing.T) {
	m, advance := clockedMemory(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	ctx := context.Background()
	reply := strings.Repeat("回", 680)
	for i := 0; i < 200000; i++ {
		k := strconv.Itoa(i)
		m.Claim(ctx, k, 30*time.Minute)
		m.SetOutcome(ctx, k, reply, 30*time.Minute)
		advance(5 * time.Millisecond)
	}
	if n := m.DedupMarks(); n > config.DefaultDedupCap {
		t.Errorf("%d marks kept, more than the cap %d", n, config.DefaultDedupCap)
	}
	if n := len(m.dedup); n > config.DefaultDedupCap+1 {
		t.Errorf("%d marks kept, more than the cap %d", n, config.DefaultDedupCap)
	}
	if n := len(m.order); n > 2*config.DefaultDedupCap+1024 {
		t.Errorf("the order of marks holds %d entries", n)
	}
}

// TestMemoryOutcomesKeptOnce: each distinct reply is kept once however many
// marks hold it, every mark reads its own reply back, and a reply goes
// when the last mark holding it does (expired, evicted or overwritten), so
// personal replies (a tracking number each) do not pile up.
func TestMemoryOutcomesKeptOnce(t *testing.T) {
	m, advance := clockedMemory(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	m.DedupCap = 1000
	ctx := context.Background()
	menu := strings.Repeat("菜单", 300)
	for i := 0; i < 5000; i++ {
		k := strconv.Itoa(i)
		m.Claim(ctx, k, time.Minute)
		reply := menu
		if i%2 == 1 {
			reply = "您的建议编号 JY-2026-" + k
		}
		m.SetOutcome(ctx, k, reply, time.Minute)
		if got, _ := m.Outcome(ctx, k); got != reply {
			t.Fatalf("mark %s reads %.20q, want %.20q", k, got, reply)
		}
		if i == 11 { // overwritten: the old reply's hold goes with it
			m.SetOutcome(ctx, k, "A", time.Minute)
			_, old := m.outcomeIDs[reply]
			if got, _ := m.Outcome(ctx, k); got != "A" || old || len(m.outcomeIDs) != 7 { // the menu, five numbers, A
				t.Fatalf("overwritten mark reads %q; its old reply still kept: %v; %d replies kept", got, old, len(m.outcomeIDs))
			}
		}
		advance(10 * time.Millisecond)
	}
	// 50 s of marks are live (cap 1000, none evicted younger than DedupKeep).
	live := m.DedupMarks()
	if kept := len(m.outcomeIDs); kept > live/2+2 {
		t.Errorf("%d replies kept for %d live marks, want at most one each and the menu once", kept, live)
	}
	advance(2 * time.Minute)
	m.Claim(ctx, "late", time.Minute) // each expired mark goes at the next sweep or read
	for i := 0; i < 5000; i++ {
		m.Outcome(ctx, strconv.Itoa(i))
	}
	if kept := len(m.outcomeIDs); kept != 0 {
		t.Errorf("%d replies kept after every mark holding one expired", kept)
	}
	m.SetOutcome(ctx, "late", menu, time.Minute)
	if got, _ := m.Outcome(ctx, "late"); got != menu || len(m.outcomeIDs) != 1 {
		t.Errorf("a reply kept again after all were dropped: %d kept, read %.10q", len(m.outcomeIDs), got)
	}
}

// clockedMemory is a store whose clock stands at at until advance moves it.
func clockedMemory(at time.Time) (m *Memory, advance func(time.Duration)) {
	m = NewMemory()
	m.Now = func() time.Time { return at }
	return m, func(d time.Duration) { at = at.Add(d) }
}
