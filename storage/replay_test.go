package storage_test

import (
	"context"
	"testing"
	"time"

	"unionbot/bot"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

// TestRememberCallback: a sighting is kept for its window, on the database
// and on Redis; a repeat is the platform's retry only while the request's
// own timestamp is recent.
func TestRememberCallback(t *testing.T) {
	check := func(t *testing.T, g bot.ReplayGuard) {
		ctx := context.Background()
		t0 := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC)
		if fresh, err := g.RememberCallback(ctx, "wecom:n1:sig", t0, time.Minute); err != nil || !fresh {
			t.Fatalf("first = %v, %v; want fresh", fresh, err)
		}
		if fresh, err := g.RememberCallback(ctx, "wecom:n1:sig", t0.Add(20*time.Second), time.Minute); err != nil || fresh {
			t.Fatalf("again = %v, %v; want seen", fresh, err)
		}
		signed := t0.Add(-time.Minute) // a request signed a minute ago
		if replay, _ := bot.CheckReplay(ctx, g, "wecom", "n2", "sig", signed, t0); replay {
			t.Fatal("a new nonce counted as a replay")
		}
		if replay, _ := bot.CheckReplay(ctx, g, "wecom", "n2", "sig", signed, t0.Add(time.Second)); !replay {
			t.Fatal("the same old request again was not a replay")
		}
		if replay, _ := bot.CheckReplay(ctx, g, "wecom", "n3", "sig", t0, t0); replay {
			t.Fatal("a new nonce counted as a replay")
		}
		if replay, _ := bot.CheckReplay(ctx, g, "wecom", "n3", "sig", t0, t0.Add(10*time.Second)); replay {
			t.Fatal("the platform's retry within seconds counted as a replay")
		}
	}
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		check(t, db)
		late := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC).Add(2 * time.Minute) // the row from check has expired
		if fresh, err := db.RememberCallback(context.Background(), "wecom:n1:sig", late, time.Minute); err != nil || !fresh {
			t.Fatalf("after expiry = %v, %v; want fresh", fresh, err)
		}
	})
	t.Run("redis", func(t *testing.T) { check(t, storagetest.MustOpenRedis(t)) })
}
