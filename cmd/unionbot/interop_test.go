package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"unionbot/bot"
	"unionbot/bot/wecom/fakewecom"
)

// TestInterop plays WeCom and the Official Account platform against the
// bot with implementations nobody here wrote (interop/platform.js: Tencent's
// @wecom/crypto, node-webot's wechat-crypto, and node-webot's wechat as a
// control server), then checks what only the fake platform API saw: the
// promoted follower told through message/custom/send, and each late reply
// sent actively exactly once.
func TestInterop(t *testing.T) {
	dir := mustInteropDir(t)
	h := MustRunMain(t, "sqlite", nil)
	ev := MustOpenEvent(t, h, 1)
	retry := MustOpenEvent(t, h, 10)
	retry.Title = "秋季登山"
	if err := h.DB.UpdateEvent(t.Context(), retry); err != nil {
		t.Fatal(err)
	}
	// The second bot answers late; it talks to the same fake platform (the
	// HTTP client is process-wide, as silenceper's util wants it).
	late := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_REPLY_BUDGET": "200ms", "WECOM_API_BASE": h.Fake.URL()})
	late.Router.HandleExact("慢", func(c *bot.Context) error {
		time.Sleep(600 * time.Millisecond)
		return c.Reply("终于好了")
	})

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "platform.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"BOT_URL="+h.URL(), "LATE_URL="+late.URL(), "EVENT_TITLE="+ev.Title, "RETRY_EVENT="+retry.Title,
		"WECOM_TOKEN="+testToken, "WECOM_AES_KEY="+testAESKey, "CORP_ID="+testCorpID,
		"OA_TOKEN="+testOAToken, "OA_AES_KEY="+testOAAESKey, "APP_ID="+testAppID, "OA_ORIGINAL="+testOAOrig)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatalf("start node: %v", err)
	}
	var last string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		last = sc.Text()
		if strings.HasPrefix(last, "not ok") {
			t.Error("interop: " + last)
		} else {
			t.Log(last)
		}
	}
	if err := cmd.Wait(); err != nil || !strings.HasSuffix(last, " 0 failed") {
		t.Fatalf("interop/platform.js: %v (last line %q)", err, last)
	}

	// The follower on the waitlist was promoted: told through the
	// Official Account, never through WeCom.
	got := h.Fake.WaitSent(1, 10*time.Second, func(s fakewecom.Sent) bool {
		return s.Path == "/cgi-bin/message/custom/send" && s.ToUser == "o_notice"
	})
	if len(got) != 1 || !strings.Contains(got[0].Content, ev.Title) {
		t.Fatalf("custom/send to o_notice = %+v; want the promotion", got)
	}
	for _, s := range h.Fake.Sent() {
		if s.Path == "/cgi-bin/message/send" && strings.Contains(s.ToUser, "o_") {
			t.Errorf("a follower's notice went through WeCom: %+v", s)
		}
	}
	// Each late reply went out once, on its own channel.
	h.Fake.WaitSent(2, 10*time.Second, func(s fakewecom.Sent) bool { return s.Content == "终于好了" })
	late.Bot.Wait()
	for late.Outbox.RunOnce(t.Context()) > 0 {
	}
	for _, want := range []struct{ path, to string }{{"/cgi-bin/message/send", "iw_late"}, {"/cgi-bin/message/custom/send", "o_late"}} {
		n := 0
		for _, s := range h.Fake.Sent() {
			if s.Path == want.path && s.ToUser == want.to && s.Content == "终于好了" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("late reply to %s through %s sent %d times, want 1", want.to, want.path, n)
		}
	}
}

// mustInteropDir is interop/ with its npm packages installed from the lock
// file (scripts/test.sh installs them; a bare `go test` does it here).
func mustInteropDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "interop"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not installed: the interop suite needs Node.js (and npm) to run Tencent's and node-webot's implementations")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@wecom", "crypto")); err != nil {
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in interop/: %v\n%s", err, out)
		}
	}
	return dir
}
