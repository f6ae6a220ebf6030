package storage_test

import (
	"context"
	"testing"
	"time"

	"unionbot"
	"unionbot/bot"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

// TestOutboxLease: one replica holds the sender lease until it lapses or
// is released; the holder renews it; another takes it only then.
func TestOutboxLease(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		for _, step := range []struct {
			holder  string
			advance time.Duration
			want    bool
		}{
			{"a", 0, true}, {"b", 0, false}, {"a", 50 * time.Second, true}, {"b", 50 * time.Second, false},
			{"b", 11 * time.Second, true}, {"a", 0, false},
		} {
			now = now.Add(step.advance)
			got, err := db.AcquireLease(ctx, "outbox", step.holder, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if got != step.want {
				t.Fatalf("%s at %v: lease %v, want %v", step.holder, now, got, step.want)
			}
		}
		// Given up on shutdown, it is free at once.
		if err := db.ReleaseLease(ctx, "outbox", "a"); err != nil { // not the holder: nothing happens
			t.Fatal(err)
		}
		if got, _ := db.AcquireLease(ctx, "outbox", "a", time.Minute); got {
			t.Fatal("a took b's lease after releasing a lease it did not hold")
		}
		if err := db.ReleaseLease(ctx, "outbox", "b"); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.AcquireLease(ctx, "outbox", "a", time.Minute); !got {
			t.Fatal("a could not take the lease b released")
		}
	})
}

// TestPaceUsage: the sends recorded are read back per member and for
// everyone, the day's person-times from the day's start, and old ones
// pruned; a pending notice can be held with its reason.
func TestPaceUsage(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		for _, s := range []*bot.PaceSend{
			{At: now.Add(-25 * time.Hour), Users: []string{"t1"}, Messages: 1, Calls: 1, Persons: 1},
			{At: now.Add(-30 * time.Second), Users: []string{"t1", "t2"}, Messages: 2, Calls: 2, Persons: 4},
			{At: now.Add(-10 * time.Second), Broadcast: true, Messages: 1, Calls: 1, Persons: 50},
			{At: now.Add(-5 * time.Second), Calls: 1}, // refused: a call, nobody reached
		} {
			if err := db.RecordSend(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		db.SaveMember(ctx, &unionbot.Member{UserID: "t1", Role: unionbot.RoleMember})
		db.SaveMember(ctx, &unionbot.Member{UserID: "oa:x", Role: unionbot.RoleMember})
		if err := db.PrunePace(ctx, now.Add(-24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		dayStart := now.Add(-2 * time.Hour)
		u, err := db.PaceUsage(ctx, []string{"t1"}, false, now, dayStart)
		if err != nil {
			t.Fatal(err)
		}
		if len(u.Stamps) != 2 || u.Today != 54 || len(u.Calls) != 3 || u.Members != 0 {
			t.Fatalf("usage for t1 = %+v, want t1's and everyone's stamps, 54 person-times, 3 calls", u)
		}
		all, err := db.PaceUsage(ctx, nil, true, now, dayStart)
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Stamps) != 3 || all.Members != 1 {
			t.Fatalf("usage for everyone = %+v, want 3 stamps and 1 WeCom member", all)
		}
		n := &unionbot.Notice{ToUsers: []string{"t1"}, Text: "hi", Kind: "test"}
		if err := db.Enqueue(ctx, n); err != nil {
			t.Fatal(err)
		}
		if err := db.HoldNotice(ctx, n.ID, now.Add(time.Minute), "等一分钟"); err != nil {
			t.Fatal(err)
		}
		ns, err := db.PendingNotices(ctx, 10)
		if err != nil || len(ns) != 1 || ns[0].WaitReason != "等一分钟" || !ns[0].NextAt.Equal(now.Add(time.Minute)) {
			t.Fatalf("pending = %+v, %v; want the notice held a minute with its reason", ns, err)
		}
	})
}
