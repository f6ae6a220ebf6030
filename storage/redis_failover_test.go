package storage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"unionbot/bot"
	"unionbot/storage/storagetest"
)

// TestSentinelFailoverKeepsWrites saves sessions from four goroutines as
// fast as they can while Sentinel promotes the replica, asked to or
// because the primary died: every save that returned without error is on
// the new primary. (Without the WAIT in durable, a
// run lost about a third of 50,000.)
func TestSentinelFailoverKeepsWrites(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail func(*storagetest.Sentinel, testing.TB)
	}{
		{"SENTINEL FAILOVER", (*storagetest.Sentinel).Failover},
		{"primary killed", (*storagetest.Sentinel).KillPrimary},
	} {
		t.Run(tc.name, func(t *testing.T) { testFailoverKeepsWrites(t, tc.fail) })
	}
}

func testFailoverKeepsWrites(t *testing.T, fail func(*storagetest.Sentinel, testing.TB)) {
	s := storagetest.StartSentinel(t)
	r := storagetest.MustOpenRedisAt(t, s.URL)
	ctx := context.Background()
	var (
		mu    sync.Mutex
		saved []string
		stop  = make(chan struct{})
		wg    sync.WaitGroup
	)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("w%d-%d", w, i)
				if err := r.SaveSession(ctx, &bot.Session{UserID: id, Flow: "提建议", ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
					t.Logf("save %s: %v (not counted)", id, err)
					continue
				}
				mu.Lock()
				saved = append(saved, id)
				mu.Unlock()
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	fail(s, t)
	time.Sleep(500 * time.Millisecond)
	close(stop)
	wg.Wait()
	lost := 0
	for _, id := range saved {
		if _, err := r.LoadSession(ctx, id); err != nil {
			if lost++; lost <= 5 {
				t.Errorf("session %s saved, then gone after the failover: %v", id, err)
			}
		}
	}
	if lost > 0 || len(saved) == 0 {
		t.Fatalf("%d of %d saved sessions lost in the failover", lost, len(saved))
	}
}
