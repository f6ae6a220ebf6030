package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unionbot/web"
)

// TestAdminAccess walks every admin API route and every admin chat command
// (from the route tables themselves, so a new one cannot be missed) and
// checks each is refused without the admin token or to a teacher who is
// not an admin.
func TestAdminAccess(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_RATE_LIMIT": "0", "test.clock": "2026-12-01T09:00:00+08:00"})
	routes := h.Web.APIRoutes()
	if len(routes) < 30 {
		t.Fatalf("only %d admin API routes listed: %v", len(routes), routes)
	}
	fill := strings.NewReplacer("{id}", "1", "{no}", "JY-2026-0001", "{user}", "t001")
	for _, pattern := range routes {
		method, path, _ := strings.Cut(pattern, " ")
		for _, auth := range []string{"", "Bearer wrong-token", "Bearer " + testAPIKey + "x", "Basic " + testAPIKey, testAPIKey} {
			req, _ := http.NewRequest(method, h.URL()+fill.Replace(path), strings.NewReader(`{}`))
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			// 401, or 429 once this address has guessed wrong too often.
			if res.StatusCode != http.StatusUnauthorized && !(auth != "" && res.StatusCode == http.StatusTooManyRequests) {
				t.Errorf("%s with Authorization %q: %d, want 401 (or 429 after failures)", pattern, auth, res.StatusCode)
			}
		}
	}

	// The care routes need the care role besides the token: no one named,
	// an admin without it and a teacher are all refused with 403.
	care := 0
	// The wrong tokens above locked this address out for a while.
	h.Advance(t, web.LockFor+time.Minute)
	for _, pattern := range routes {
		method, path, _ := strings.Cut(pattern, " ")
		if !strings.HasPrefix(path, "/api/care/") {
			continue
		}
		care++
		for _, by := range []string{"", testAdmin, "t900"} {
			req, _ := http.NewRequest(method, h.URL()+fill.Replace(path)+"?year=2026&format=xlsx", strings.NewReader(`{}`))
			req.Header.Set("Authorization", "Bearer "+testAPIKey)
			if by != "" {
				req.Header.Set("X-Unionbot-User", by)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusForbidden || !strings.Contains(string(body), `"error"`) {
				t.Errorf("%s as %q without the care role: %d %s, want 403 with an error", pattern, by, res.StatusCode, body)
			}
		}
	}
	if care < 10 {
		t.Errorf("only %d /api/care routes walked", care)
	}

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, page := range []string{"/admin", "/admin/members", "/admin/events", "/admin/events/1", "/admin/proposals",
		"/admin/proposals/JY-2026-0001", "/admin/faq", "/admin/plan", "/admin/announce", "/admin/proposals/export", "/admin/ballots", "/admin/ballots/1", "/admin/ballots/1/export",
		"/admin/care", "/admin/care/1", "/admin/care/ledger?year=2026"} {
		res, err := noRedirect.Get(h.URL() + page)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("console %s signed out: %d, want 303 to the sign-in page", page, res.StatusCode)
		}
	}

	var admin []string
	for _, c := range h.Router.Commands() {
		if c.Admin {
			admin = append(admin, c.Cmd)
			text := c.Cmd
			if !c.Exact {
				text += " 1"
			}
			if got := h.MustSay(t, "t900", text); !strings.Contains(got, "只有工会管理员可以使用") {
				t.Errorf("a teacher says %q: %q, want a refusal", text, got)
			}
		}
	}
	for _, want := range []string{"发布活动", "取消活动", "修改名额", "答复", "发送本月公告", "待办建议", "回复", "办理", "提案征集"} {
		if !strings.Contains(" "+strings.Join(admin, " ")+" ", " "+want+" ") {
			t.Errorf("admin command %s is not behind AdminOnly (admin commands: %v)", want, admin)
		}
	}
}

// TestSecretsNotLogged: at debug level, through start-up, chat, the API
// (with a wrong token too), a token refresh and active messages, the log
// never prints the AES keys, the app secrets, the callback tokens or the
// admin token.
func TestSecretsNotLogged(t *testing.T) {
	secrets := map[string]string{
		"WECHAT_APP_ID": "wxsecretstest", "WECHAT_APP_SECRET": "wechat-app-secret-4711", "WECHAT_TOKEN": "wechat-token-4711",
		"WECHAT_ENCODING_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
	}
	extra := map[string]string{"UNIONBOT_LOG_LEVEL": "debug", "UNIONBOT_RATE_LIMIT": "0", "test.clock": "2026-12-01T09:00:00+08:00"}
	for k, v := range secrets {
		extra[k] = v
	}
	h := MustRunMain(t, "sqlite", extra)
	h.MustSay(t, "t001", "帮助")
	h.MustSay(t, "t001", "体检什么时候")
	h.MustSay(t, "t001", "提建议")
	req, _ := http.NewRequest("GET", h.URL()+"/api/members", nil)
	req.Header.Set("Authorization", "Bearer "+testAPIKey+"-wrong")
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
	}
	h.Fake.ExpireTokens()
	h.Advance(t, 2*time.Second) // the wrong token above makes this address wait a second
	MustAPI(t, h, "POST", "/api/broadcasts", `{"text":"测试消息","audience":"users:t001"}`, 202)
	h.Fake.WaitSent(1, 5*time.Second, nil)
	log := h.Stderr.String()
	if !strings.Contains(log, "level=DEBUG") {
		t.Fatalf("the log is not at debug level:\n%s", log)
	}
	for name, v := range map[string]string{"WECOM_ENCODING_AES_KEY": testAESKey, "WECOM_SECRET": testSecret,
		"WECOM_TOKEN": testToken, "UNIONBOT_ADMIN_TOKEN": testAPIKey, "WECHAT_APP_SECRET": secrets["WECHAT_APP_SECRET"],
		"WECHAT_TOKEN": secrets["WECHAT_TOKEN"], "WECHAT_ENCODING_AES_KEY": secrets["WECHAT_ENCODING_AES_KEY"]} {
		if i := strings.Index(log, v); i >= 0 {
			t.Errorf("the log shows %s: …%s…", name, log[max(0, i-100):min(len(log), i+100)])
		}
	}
}

// TestRateLimit: past UNIONBOT_RATE_LIMIT messages a minute a teacher is
// told to slow down, and the message is not processed (no form starts);
// others are not affected. In process, and on Redis, where the callback
// counts the message in the round trip of its dedup claim.
func TestRateLimit(t *testing.T) {
	t.Run("memory", func(t *testing.T) { testRateLimit(t, map[string]string{"UNIONBOT_RATE_LIMIT": "3"}) })
	t.Run("redis", func(t *testing.T) {
		testRateLimit(t, map[string]string{"UNIONBOT_RATE_LIMIT": "3", "UNIONBOT_REDIS": "test"})
	})
}

func testRateLimit(t *testing.T, extra map[string]string) {
	h := MustRunMain(t, "sqlite", extra)
	for i := 0; i < 3; i++ {
		if got := h.MustSay(t, "t300", "帮助"); !strings.Contains(got, "工会助手") {
			t.Fatalf("message %d within the limit: %q", i+1, got)
		}
	}
	if got := h.MustSay(t, "t300", "提建议"); !strings.Contains(got, "发送得太快") {
		t.Fatalf("over the limit: %q, want to be told to slow down", got)
	}
	if got := h.MustSay(t, "t301", "帮助"); !strings.Contains(got, "工会助手") {
		t.Fatalf("another teacher: %q", got)
	}
	if _, err := h.Bot.Sessions.LoadSession(t.Context(), "t300"); err == nil {
		t.Fatal("the refused 提建议 started a form")
	}
	// Told once a window: the next message gets no answer at all.
	if got := h.MustSay(t, "t300", "帮助"); got != "" {
		t.Fatalf("over the limit again: %q, want no second warning", got)
	}
	// Events count too: three menu clicks, then the text is refused.
	for i := 0; i < 3; i++ {
		if _, err := h.WeCom.Post(h.WeCom.EventXML("t302", "click", "帮助", h.Now().Add(time.Duration(i)*time.Second))); err != nil {
			t.Fatal(err)
		}
	}
	if got := h.MustSay(t, "t302", "帮助"); !strings.Contains(got, "发送得太快") {
		t.Fatalf("a message after three clicks: %q, want to be told to slow down", got)
	}
}

// TestCommandsInTraditional walks the whole route table: every command,
// written in traditional characters (as OpenCC writes it, and in the forms
// Taiwan and Hong Kong writers use, 回覆 and 答覆), reaches the same route;
// and an admin's 回覆 with a tracking number is answered as 回复.
func TestCommandsInTraditional(t *testing.T) {
	h := MustRunMain(t, "sqlite", nil)
	variants := map[string][]string{"回复": {"回覆"}, "答复": {"答覆"}, "发布活动": {"發佈活動"}}
	for _, c := range h.Router.Commands() {
		forms := append([]string{h.Router.Script.ToTraditional(c.Cmd)}, variants[c.Cmd]...)
		for _, f := range forms {
			if got := h.Router.Match(f); got != c.Cmd {
				t.Errorf("%q (for %q) routes to %q", f, c.Cmd, got)
			}
		}
	}
	if got := h.MustSay(t, testAdmin, "回覆 JY-2026-0009 已處理"); strings.Contains(got, "不明白") || strings.Contains(got, "还不会回答") {
		t.Fatalf("回覆 fell through to the Q&A: %q", got)
	}
}

// TestRedisRoundTripsPerMessage: on SQLite with Redis and the rate limit on
// (the default), a stateless message from a known teacher waits on Redis
// twice: once for the replay check, the dedup claim, the teacher's lock
// with their session and the rate count together, and once for the
// outcome with the lock's release. The bot's background work (the outbox,
// the token cache) also talks to Redis now and then, so each message is
// counted alone and most must take exactly two.
func TestRedisRoundTripsPerMessage(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_REDIS": "test"})
	if h.Bot.RateLimit == 0 {
		t.Fatal("the rate limit is off by default")
	}
	users := []string{"t401", "t402", "t403", "t404", "t405", "t406", "t407", "t408", "t409", "t410"}
	for _, u := range users { // first contact: the member record is made
		h.MustSay(t, u, "帮助")
	}
	time.Sleep(200 * time.Millisecond) // what first contact set going settles
	var trips []int64
	for _, u := range users {
		before := h.Redis.RoundTrips()
		if got := h.MustSay(t, u, "帮助"); !strings.Contains(got, "工会助手") {
			t.Fatalf("%s: %q", u, got)
		}
		time.Sleep(20 * time.Millisecond) // the outcome is recorded just after the reply
		trips = append(trips, h.Redis.RoundTrips()-before)
	}
	two := 0
	for _, n := range trips {
		if n < 2 {
			t.Fatalf("round trips a message %v: one took %d, fewer than the claim and the outcome", trips, n)
		}
		if n == 2 {
			two++
		}
	}
	if two < len(trips)*7/10 {
		t.Fatalf("round trips to Redis a message %v; want 2 for most", trips)
	}
}

// TestRedisLightSessionRoundTrips: a Q&A answer leaves a light session (for
// 没用) that goes to Redis with the outcome, so the answer costs the claim
// and the outcome, two round trips, like 帮助; the teacher's next message
// still finds it, and a form, never light, is stored before its reply.
func TestRedisLightSessionRoundTrips(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_REDIS": "test", "UNIONBOT_RATE_LIMIT": "0"})
	users := []string{"t501", "t502", "t503", "t504", "t505", "t506", "t507", "t508", "t509", "t510"}
	for _, u := range users {
		h.MustSay(t, u, "帮助")
	}
	time.Sleep(200 * time.Millisecond)
	var trips []int64
	for _, u := range users {
		before := h.Redis.RoundTrips()
		if got := h.MustSay(t, u, "工会费交多少"); !strings.Contains(got, "工资") {
			t.Fatalf("%s: %q, want the dues answer", u, got)
		}
		time.Sleep(20 * time.Millisecond)
		trips = append(trips, h.Redis.RoundTrips()-before)
	}
	two := 0
	for _, n := range trips {
		if n == 2 {
			two++
		}
	}
	if two < len(trips)*7/10 {
		t.Fatalf("round trips to Redis for a Q&A answer %v; want 2 for most", trips)
	}
	for _, u := range users { // asked at once after the answer: the session went before the lock
		if got := h.MustSay(t, u, "没用"); !strings.Contains(got, "谢谢反馈") {
			t.Fatalf("%s says 没用 after an answer: %q", u, got)
		}
	}
	if got := h.MustSay(t, "t501", "没用"); !strings.Contains(got, "请在我回答问题之后") {
		t.Fatalf("没用 a second time: %q, want the session gone", got)
	}
	h.MustSay(t, "t502", "提建议")
	if got := h.MustSay(t, "t502", "帮助"); !strings.Contains(got, "您正在填写") {
		t.Fatalf("帮助 in a form just started: %q", got)
	}
}
