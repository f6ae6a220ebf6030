package storage_test

import (
	"context"
	"testing"
	"time"

	"unionbot"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

// TestOutboxBacklog counts pending notices (retries included, sent and
// given-up ones not) and finds the oldest, for the outbox gauges.
func TestOutboxBacklog(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		if n, oldest, err := db.OutboxBacklog(ctx); err != nil || n != 0 || !oldest.IsZero() {
			t.Fatalf("empty outbox: backlog %d, oldest %v, %v; want 0 and none", n, oldest, err)
		}
		var ns []*unionbot.Notice
		for i := range 4 {
			n := &unionbot.Notice{ToUsers: []string{"t001"}, Text: "x", Kind: "k"}
			if err := db.Enqueue(ctx, n); err != nil {
				t.Fatal(err)
			}
			ns = append(ns, n)
			if i < 3 {
				now = now.Add(time.Minute)
			}
		}
		sent := now
		ns[0].Attempts, ns[0].Status, ns[0].SentAt = 1, unionbot.NoticeSent, &sent
		ns[3].Attempts, ns[3].Status = 6, unionbot.NoticeFailed
		ns[1].Attempts, ns[1].Status, ns[1].LastCode = 1, unionbot.NoticePending, 45009 // waiting to be retried
		for i, ret := range map[int]time.Time{0: {}, 3: {}, 1: now.Add(time.Minute)} {
			if err := db.MarkNotice(ctx, ns[i], ret); err != nil {
				t.Fatal(err)
			}
		}
		n, oldest, err := db.OutboxBacklog(ctx)
		want := time.Date(2026, 12, 1, 8, 1, 0, 0, time.UTC)
		if err != nil || n != 2 || !oldest.Equal(want) {
			t.Fatalf("backlog %d, oldest %v, %v; want 2 and %v", n, oldest, err, want)
		}
	})
}
