package storage_test

import (
	"context"
	"testing"
	"time"

	"unionbot"
	"unionbot/handlers/account"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

// TestLinkedUserCached: with CacheSessions a follower's link is answered
// from memory, and linking, moving and unlinking change that answer at
// once (by follower and by member).
func TestLinkedUserCached(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		db.CacheSessions()
		ctx := context.Background()
		at := time.Date(2026, 12, 31, 21, 30, 0, 0, time.UTC)
		want := func(follower, user string) {
			t.Helper()
			got, err := db.LinkedUser(ctx, follower)
			if user == "" {
				if unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
					t.Fatalf("LinkedUser(%s) = %q, %v; want not found", follower, got, err)
				}
				return
			}
			if err != nil || got != user {
				t.Fatalf("LinkedUser(%s) = %q, %v; want %s", follower, got, err, user)
			}
		}
		want("oa:x", "") // remembered as none
		if err := db.SaveLink(ctx, &account.Link{FollowerID: "oa:x", UserID: "t1", CreatedAt: at}); err != nil {
			t.Fatal(err)
		}
		want("oa:x", "t1")
		if err := db.SaveLink(ctx, &account.Link{FollowerID: "oa:x", UserID: "t2", CreatedAt: at}); err != nil {
			t.Fatal(err)
		}
		want("oa:x", "t2")
		if _, err := db.DeleteLinks(ctx, "t2"); err != nil { // by member
			t.Fatal(err)
		}
		want("oa:x", "")
		if err := db.SaveLink(ctx, &account.Link{FollowerID: "oa:x", UserID: "t1", CreatedAt: at}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.DeleteLinks(ctx, "oa:x"); err != nil { // by follower
			t.Fatal(err)
		}
		want("oa:x", "")
	})
}
