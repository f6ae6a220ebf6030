package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"unionbot"
	"unionbot/storage"
)

// TestChatShowsNotices: `unionbot chat` prints no server banner, reads a
// line longer than 64 KiB without ending, and shows the teacher what the
// bot sends them (a queued promotion notice) instead of leaving it for a
// WeCom that is not configured.
func TestChatShowsNotices(t *testing.T) {
	ctx := context.Background()
	dbURL := "sqlite://" + filepath.Join(t.TempDir(), "chat.db")
	db, err := storage.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Enqueue(ctx, &unionbot.Notice{ToUsers: []string{"t1"}, Kind: "signup", Text: "好消息：您候补的“读书会”有名额了。"}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	stdin, feed := io.Pipe()
	out, errs := &syncBuffer{}, &syncBuffer{}
	env := map[string]string{"UNIONBOT_DB": dbURL}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"chat", "--user", "t1"}, func(k string) string { return env[k] }, stdin, out, errs)
	}()
	io.WriteString(feed, "帮助\n"+strings.Repeat("长", 70<<10/3)+"\n我是谁\n")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "【通知】好消息") || !strings.Contains(out.String(), "您的账号：t1") {
		if time.Now().After(deadline) {
			t.Fatalf("chat output lacks the notice or the last reply:\n%.3000s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	feed.Close()
	if err := <-done; err != nil {
		t.Fatalf("chat: %v", err)
	}
	if strings.Contains(errs.String(), "starting") {
		t.Fatalf("chat printed the server banner:\n%s", errs.String())
	}
	if !strings.Contains(out.String(), "消息太长了") {
		t.Fatalf("the 70 KiB line was not answered:\n%.2000s", out.String())
	}
}
