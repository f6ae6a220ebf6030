package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"unionbot"
	"unionbot/bot/wecom/fakewecom"
	"unionbot/storage/storagetest"
)

// Test credentials: the sample values of WeCom's developer documentation.
const (
	testCorpID = "wx5823bf96d3bd56c7"
	testToken  = "QDG6eK"
	testAESKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	testSecret = "test-secret"
	testAdmin  = "admin01"
	testAPIKey = "test-admin-token"

	// The Official Account: the sample values of its developer docs.
	testAppID     = "wxb11529c136998cb6"
	testAppSecret = "test-oa-secret"
	testOAToken   = "pamtest"
	testOAAESKey  = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	testOAOrig    = "gh_7f083739789a"
)

// harness is the whole program under test with a fake WeCom around it.
type harness struct {
	*Main
	Fake   *fakewecom.Server
	WeCom  *fakewecom.Client   // plays WeCom's side of the callback
	OA     *fakewecom.OAClient // plays the Official Account platform, in safe mode
	Env    map[string]string
	Stderr *syncBuffer
	skew   *atomic.Int64 // nanoseconds Advance added to the test clock
}

// Advance moves the program's clock (and the platforms' timestamps) on by
// d; it needs extra["test.clock"].
func (h *harness) Advance(tb testing.TB, d time.Duration) {
	tb.Helper()
	if h.skew == nil {
		tb.Fatal("Advance needs test.clock")
	}
	h.skew.Add(int64(d))
}

// syncBuffer collects the program's log output.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// MustRunMain starts unionbot on a fresh database of driver ("sqlite" or
// "mysql"), port 0 and a fake WeCom, with extra environment on top. With
// "redis" in extra["UNIONBOT_REDIS"] = "test" it uses the test Redis.
// Test-only keys: extra["test.clock"] (RFC 3339) starts the program's
// clock at that instant, extra["test.redis_prefix"] lets several
// harnesses share Redis keys, as replicas do, and
// extra["test.outbox_attempts"] caps the outbox's attempts at a notice.
func MustRunMain(tb testing.TB, driver string, extra map[string]string) *harness {
	tb.Helper()
	fake := fakewecom.New(testCorpID, testSecret)
	fake.RobotKey = "robot-key"
	tb.Cleanup(fake.Close)
	envm := map[string]string{
		"UNIONBOT_ADDR": "127.0.0.1:0", "UNIONBOT_DB": storagetest.URL(tb, driver),
		"UNIONBOT_ADMIN_TOKEN": testAPIKey, "UNIONBOT_ADMINS": testAdmin, "UNIONBOT_LOG_LEVEL": "warn",
		"WECOM_CORP_ID": testCorpID, "WECOM_AGENT_ID": "1000002", "WECOM_SECRET": testSecret,
		"WECOM_TOKEN": testToken, "WECOM_ENCODING_AES_KEY": testAESKey, "WECOM_API_BASE": fake.Start(),
		"WECOM_ROBOT_KEY": "robot-key",
		"WECHAT_APP_ID":   testAppID, "WECHAT_APP_SECRET": testAppSecret, "WECHAT_TOKEN": testOAToken,
		"WECHAT_ENCODING_AES_KEY": testOAAESKey,
		// Bulk sends would wait out :00 and :30, where many tests' clocks
		// start; the pacing tests turn it back on.
		"WECOM_BULK_QUIET": "off",
	}
	fake.OfficialAccount(testAppID, testAppSecret)
	for k, v := range extra {
		envm[k] = v
	}
	if envm["UNIONBOT_REDIS"] == "test" {
		envm["UNIONBOT_REDIS"] = storagetest.RedisURL(tb)
	}
	stderr := &syncBuffer{}
	e := &env{getenv: func(k string) string { return envm[k] }, stdin: strings.NewReader(""), stdout: io.Discard, stderr: stderr}
	m := NewMain(e)
	var skew *atomic.Int64
	if v := extra["test.clock"]; v != "" {
		at, err := time.Parse(time.RFC3339, v)
		if err != nil {
			tb.Fatalf("test.clock: %v", err)
		}
		start := time.Now()
		skew = new(atomic.Int64)
		m.Now = func() time.Time { return at.Add(time.Since(start) + time.Duration(skew.Load())) }
		fake.Now = m.Now // WeCom counts its quotas by the same clock
	}
	ctx := context.Background()
	if err := m.Open(ctx, ""); err != nil {
		tb.Fatalf("open: %v", err)
	}
	if m.Redis != nil {
		m.Redis.Prefix = storagetest.Prefix()
		if p := extra["test.redis_prefix"]; p != "" {
			m.Redis.Prefix = p
		}
	}
	m.Outbox.Poll = 50 * time.Millisecond
	if v := extra["test.outbox_attempts"]; v != "" {
		fmt.Sscanf(v, "%d", &m.Outbox.MaxAttempts)
	}
	if envm["UNIONBOT_PUBLIC_URL"] == "" {
		m.Listening = func(m *Main) { m.Web.PublicURL = m.URL() } // WeCom OAuth comes back here
	}
	if err := m.Start(ctx); err != nil {
		tb.Fatalf("start: %v", err)
	}
	tb.Cleanup(func() {
		m.Close()
		if tb.Failed() && testing.Verbose() {
			os.Stderr.WriteString(stderr.String())
		}
	})
	client := &fakewecom.Client{URL: m.URL() + "/wecom/callback", Token: testToken, AESKey: testAESKey, CorpID: testCorpID, Now: m.Now}
	oa := &fakewecom.OAClient{URL: m.URL() + "/wechat/callback", Token: testOAToken, AESKey: envm["WECHAT_ENCODING_AES_KEY"],
		AppID: testAppID, Original: testOAOrig, Mode: fakewecom.ModeSafe, Now: m.Now}
	if oa.AESKey == "" {
		oa.Mode = fakewecom.ModePlain
	}
	return &harness{Main: m, Fake: fake, WeCom: client, OA: oa, Env: envm, Stderr: stderr, skew: skew}
}

// MustSay sends text as user through the encrypted callback and returns the
// decrypted passive reply.
func (h *harness) MustSay(tb testing.TB, user, text string) string {
	tb.Helper()
	r, err := h.WeCom.SendText(user, text)
	if err != nil {
		tb.Fatalf("say %q: %v", text, err)
	}
	if r.Status != 200 {
		tb.Fatalf("say %q: status %d", text, r.Status)
	}
	return r.Content
}

// WaitNotice polls the outbox's notices of kind ("" for every kind) until
// one satisfies ok and returns it; past within it lists them and fails.
func (h *harness) WaitNotice(tb testing.TB, kind string, within time.Duration, ok func(*unionbot.Notice) bool) *unionbot.Notice {
	tb.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(20 * time.Millisecond) {
		ns, err := h.DB.ListNotices(context.Background(), kind, 1000)
		if err != nil {
			tb.Fatal(err)
		}
		for _, n := range ns {
			if ok(n) {
				return n
			}
		}
		if time.Now().After(deadline) {
			for _, n := range ns {
				tb.Logf("notice %+v", *n)
			}
			tb.Fatalf("no %q notice as wanted after %v", kind, within)
		}
	}
}

// Drain waits for the bot's background work (late replies, address-book
// lookups) and delivers every notice that is due, so a test can then say
// "nothing more arrives" without sleeping.
func (h *harness) Drain(tb testing.TB) {
	tb.Helper()
	h.Bot.Wait()
	ctx := context.Background()
	// The background worker may hold a notice mid-send when RunOnce finds
	// nothing to claim: wait until no notice is left that was never tried.
	var waiting []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if h.Outbox.RunOnce(ctx) > 0 {
			continue
		}
		ns, err := h.DB.ListNotices(ctx, "", 1000)
		if err != nil {
			tb.Fatal(err)
		}
		waiting = waiting[:0]
		for _, n := range ns {
			if n.Status == unionbot.NoticePending && n.Attempts == 0 {
				waiting = append(waiting, fmt.Sprintf("%v %q (%s)", n.ToUsers, n.Kind, n.WaitReason))
			}
		}
		if len(waiting) == 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	tb.Fatalf("the outbox did not drain in 10 s: %d notices never tried, the first %v", len(waiting), waiting[:min(3, len(waiting))])
}
