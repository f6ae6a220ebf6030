package bot_test

import (
	"context"
	"testing"
	"time"

	"unionbot/bot"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

// TestCardRoutes: a tap goes to the route of its key's longest prefix
// (team:accept beats team), with the rest of the key as Args, even while
// a form is open; a key no route knows gets the stale-card sentence; and
// a retried tap (same user, CreateTime, key and task) is handled once.
func TestCardRoutes(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	mem := storage.NewMemory()
	db := storagetest.MustOpenDB(t, "sqlite")
	db.Now = func() time.Time { return now } // sessions lapse by the test's clock
	r := bot.NewRouter()
	calls := 0
	r.Card("team", func(c *bot.Context) error { return c.Replyf("team %s", c.Args) })
	r.Card("team:accept", func(c *bot.Context) error {
		calls++
		tap := c.Tap()
		return c.Replyf("accept %s task=%s code=%s", c.Args, tap.TaskID, tap.ResponseCode)
	})
	r.Handle("表单", func(c *bot.Context) error { return c.StartFlow("f", nil) })
	r.Flow("f", "表单", func(c *bot.Context) error { return c.Reply("in form") })
	b := &bot.Bot{Router: r, Sessions: db, Dedup: mem, Now: func() time.Time { return now }, ReplyBudget: 2 * time.Second}
	ctx := context.Background()
	tap := func(key, task string) *bot.Message {
		return &bot.Message{Channel: bot.ChannelWeCom, UserID: "t1", Type: bot.TypeEvent, Event: bot.EventCard, EventKey: key,
			TaskID: task, CardType: "button_interaction", ResponseCode: "rc1", CreateTime: now}
	}
	b.Handle(ctx, &bot.Message{Channel: bot.ChannelWeCom, UserID: "t1", MsgID: "1", Type: bot.TypeText, Text: "表单"})
	for _, tc := range []struct{ key, want string }{
		{"team:accept:12", "accept 12 task=task1 code=rc1"},
		{"team:decline:12", "team decline:12"},
		{"teamwork:1", bot.TxtStaleCard},
		{"", bot.TxtStaleCard},
	} {
		if got := b.Serve(ctx, tap(tc.key, "task1")); got != tc.want {
			t.Errorf("tap %q = %q, want %q", tc.key, got, tc.want)
		}
	}
	if got := b.Serve(ctx, tap("team:accept:12", "task1")); got != "accept 12 task=task1 code=rc1" || calls != 1 {
		t.Fatalf("retried tap = %q after %d calls, want the recorded answer after 1", got, calls)
	}
	if got := b.Serve(ctx, tap("team:accept:12", "task2")); calls != 2 || got == "" {
		t.Fatalf("a tap on another card at the same second: %q, calls=%d", got, calls)
	}
	b.Wait()
}
