package storage_test

import (
	"context"
	"testing"
	"time"

	"unionbot/bot"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

// TestRememberCallback: the first sighting is kept for the window, on the
// database and on Redis, and an expired one counts as new.
func TestRememberCallback(t *testing.T) {
	check := func(t *testing.T, g bot.ReplayGuard) {
		ctx := context.Background()
		t0 := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC)
		first, err := g.RememberCallback(ctx, "wecom:n1:sig", t0, time.Minute)
		if err != nil || !first.Equal(t0) {
			t.Fatalf("first = %v, %v; want %v", first, err, t0)
		}
		again, err := g.RememberCallback(ctx, "wecom:n1:sig", t0.Add(20*time.Second), time.Minute)
		if err != nil || !again.Equal(t0) {
			t.Fatalf("again = %v, %v; want the first sighting %v", again, err, t0)
		}
		if replay, _ := bot.CheckReplay(ctx, g, "wecom", "n2", "sig", t0); replay {
			t.Fatal("a new nonce counted as a replay")
		}
		if replay, _ := bot.CheckReplay(ctx, g, "wecom", "n2", "sig", t0.Add(bot.RetryWindow+time.Second)); !replay {
			t.Fatal("the same nonce after the retry window passed")
		}
	}
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		check(t, db)
		ctx := context.Background()
		t0 := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC)
		late := t0.Add(2 * time.Minute) // the row from check has expired
		if got, err := db.RememberCallback(ctx, "wecom:n1:sig", late, time.Minute); err != nil || !got.Equal(late) {
			t.Fatalf("after expiry = %v, %v; want a new sighting at %v", got, err, late)
		}
	})
	t.Run("redis", func(t *testing.T) { check(t, storagetest.MustOpenRedis(t)) })
}
