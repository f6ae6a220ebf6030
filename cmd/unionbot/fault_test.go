package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"unionbot"
	"unionbot/bot/wecom/fakewecom"
	"unionbot/handlers/signup"
	"unionbot/storage/storagetest"
)

// TestMain lets a test run this test binary as the real program (for the
// SIGKILL test): with UNIONBOT_TEST_RUN_MAIN=1 it is unionbot.
func TestMain(m *testing.M) {
	if os.Getenv("UNIONBOT_TEST_RUN_MAIN") == "1" {
		os.Args = append([]string{"unionbot"}, strings.Fields(os.Getenv("UNIONBOT_TEST_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if res, err := http.Get(base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never became healthy", base)
}

// TestKilledMidForm: the bot is killed with SIGKILL in the middle of a
// suggestion form; the teacher carries on after the restart.
func TestKilledMidForm(t *testing.T) {
	fake := fakewecom.New(testCorpID, testSecret)
	t.Cleanup(fake.Close)
	addr := freeAddr(t)
	env := append(os.Environ(), "UNIONBOT_TEST_RUN_MAIN=1", "UNIONBOT_TEST_ARGS=serve",
		"UNIONBOT_ADDR="+addr, "UNIONBOT_DB=sqlite://"+filepath.Join(t.TempDir(), "bot.db"), "UNIONBOT_LOG_LEVEL=warn",
		"WECOM_CORP_ID="+testCorpID, "WECOM_AGENT_ID=1000002", "WECOM_SECRET="+testSecret, "WECOM_TOKEN="+testToken,
		"WECOM_ENCODING_AES_KEY="+testAESKey, "WECOM_API_BASE="+fake.Start())
	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		waitHealthy(t, "http://"+addr)
		return cmd
	}
	client := &fakewecom.Client{URL: "http://" + addr + "/wecom/callback", Token: testToken, AESKey: testAESKey, CorpID: testCorpID}
	say := func(text, want string) {
		t.Helper()
		r, err := client.SendText("t007", text)
		if err != nil || !strings.Contains(r.Content, want) {
			t.Fatalf("say %q: %+v, %v; want %q", text, r, err, want)
		}
	}
	bot := start()
	say("提建议", "标题")
	say("办公室增加绿植", "属于哪一类")
	say("其他", "请写出建议的内容")
	if err := bot.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	bot.Wait()
	start()
	say("办公室空气不好。", "您建议怎么做")
	say("每间办公室放两盆绿萝。", "是否匿名")
	say("否", "【标题】办公室增加绿植")
	say("确认提交", "已提交，编号 JY-")
}

// ownMariaDB runs a MariaDB server of its own on a free port, so that a
// test may stop and start it without disturbing the shared one.
type ownMariaDB struct {
	dir, port string
	cmd       *exec.Cmd
}

func startOwnMariaDB(t *testing.T) *ownMariaDB {
	t.Helper()
	if os.Getenv("UNIONBOT_TEST_MYSQL") == "" {
		t.Skip("UNIONBOT_TEST_MYSQL not set: MariaDB is not installed here (scripts/test.sh installs it)")
	}
	if _, err := exec.LookPath("mariadbd"); err != nil {
		t.Skip("no mariadbd")
	}
	dir, err := os.MkdirTemp("", "unionbot-mariadb-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	out, err := exec.Command("mariadb-install-db", "--no-defaults", "--user=root", "--datadir="+dir+"/data",
		"--auth-root-authentication-method=normal", "--skip-test-db").CombinedOutput()
	if err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	_, port, _ := net.SplitHostPort(freeAddr(t))
	m := &ownMariaDB{dir: dir, port: port}
	m.Start(t)
	t.Cleanup(func() { m.Stop(t) })
	return m
}

func (m *ownMariaDB) URL(db string) string {
	return "mysql://root@tcp(127.0.0.1:" + m.port + ")/" + db + "?charset=utf8mb4&parseTime=true&loc=Local"
}

func (m *ownMariaDB) Start(t *testing.T) {
	t.Helper()
	if err := m.start(); err != nil {
		t.Fatal(err)
	}
}

func (m *ownMariaDB) start() error {
	m.cmd = exec.Command("mariadbd", "--no-defaults", "--user=root", "--datadir="+m.dir+"/data", "--socket="+m.dir+"/sock",
		"--port="+m.port, "--bind-address=127.0.0.1", "--skip-grant-tables", "--innodb-buffer-pool-size=32M", "--skip-log-bin")
	log, _ := os.OpenFile(m.dir+"/log", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	m.cmd.Stdout, m.cmd.Stderr = log, log
	if err := m.cmd.Start(); err != nil {
		return err
	}
	for i := 0; i < 400; i++ {
		if c, err := net.Dial("tcp", "127.0.0.1:"+m.port); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	b, _ := os.ReadFile(m.dir + "/log")
	return fmt.Errorf("own MariaDB did not start:\n%s", b)
}

// Stop shuts the server down as for a backup (SIGTERM) and waits.
func (m *ownMariaDB) Stop(t *testing.T) {
	if m.cmd == nil || m.cmd.Process == nil {
		return
	}
	m.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { m.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		m.cmd.Process.Kill()
		<-done
	}
	m.cmd = nil
}

// TestDatabaseRestartMidStorm: MariaDB restarts in the middle of a sign-up
// storm. Every teacher is told either the outcome or that the system is
// busy; everyone told confirmed or waiting is on the roster as told; the
// event's count matches its confirmed entries; nobody is entered twice.
func TestDatabaseRestartMidStorm(t *testing.T) {
	db := startOwnMariaDB(t)
	if out, err := exec.Command("mysql", "-h127.0.0.1", "-P"+db.port, "-uroot", "-e", "CREATE DATABASE storm CHARACTER SET utf8mb4").CombinedOutput(); err != nil {
		t.Fatalf("create database: %v %s", err, out)
	}
	h := MustRunMain(t, "mysql", map[string]string{"UNIONBOT_DB": db.URL("storm"), "UNIONBOT_RATE_LIMIT": "0", "UNIONBOT_REPLY_BUDGET": "5s"})
	ev := MustOpenEvent(t, h, 60)

	const teachers = 300
	replies := make([]string, teachers)
	var wg sync.WaitGroup
	jobs := make(chan int)
	var done sync.WaitGroup
	done.Add(teachers)
	for w := 0; w < 12; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				r, err := h.WeCom.SendText(fmt.Sprintf("s%03d", i), "报名 "+ev.Title)
				if err == nil && r.Status == 200 {
					replies[i] = r.Content
				} else {
					replies[i] = fmt.Sprintf("transport: %v %+v", err, r)
				}
				done.Done()
			}
		}()
	}
	// The storm is paced over about two seconds, so that sign-ups arrive
	// before, during and after the restart.
	restarted := make(chan error, 1)
	tick := time.NewTicker(7 * time.Millisecond)
	for i := 0; i < teachers; i++ {
		<-tick.C
		if i == teachers/3 {
			db.Stop(t) // the backup restart, with sign-ups in flight
			go func() { time.Sleep(500 * time.Millisecond); restarted <- db.start() }()
		}
		jobs <- i
	}
	tick.Stop()
	close(jobs)
	wg.Wait()
	if err := <-restarted; err != nil {
		t.Fatal(err)
	}
	told := map[string]string{}
	busy := 0
	for i, r := range replies {
		user := fmt.Sprintf("s%03d", i)
		if r == "" { // over the reply budget: the answer went out actively
			got := h.Fake.WaitSent(1, 20*time.Second, func(s fakewecom.Sent) bool { return s.ToUser == user })
			if len(got) == 0 {
				t.Errorf("%s got no answer at all", user)
				continue
			}
			r = got[0].Content
		}
		switch {
		case strings.Contains(r, "报名成功"):
			told[user] = "confirmed"
		case strings.Contains(r, "候补"):
			told[user] = "waiting"
		case strings.Contains(r, "系统繁忙") || strings.Contains(r, "请稍后再发"):
			busy++
		default:
			t.Errorf("%s was told %q: neither an outcome nor a clear failure", user, r)
		}
	}
	if busy == 0 {
		t.Logf("no sign-up hit the restart (all %d answered)", teachers)
	}
	var roster struct {
		Event     struct{ Taken int }
		Confirmed []struct {
			UserID string `json:"user_id"`
		}
		Waitlist []struct {
			UserID string `json:"user_id"`
		}
	}
	json.Unmarshal(MustAPI(t, h, "GET", fmt.Sprintf("/api/events/%d/roster", ev.ID), "", 200), &roster)
	onRoster := map[string]string{}
	for _, e := range roster.Confirmed {
		if onRoster[e.UserID] != "" {
			t.Errorf("%s entered twice", e.UserID)
		}
		onRoster[e.UserID] = "confirmed"
	}
	for _, e := range roster.Waitlist {
		if onRoster[e.UserID] != "" {
			t.Errorf("%s entered twice", e.UserID)
		}
		onRoster[e.UserID] = "waiting"
	}
	for user, what := range told {
		if onRoster[user] != what {
			t.Errorf("%s was told %s but the roster says %q", user, what, onRoster[user])
		}
	}
	if len(roster.Confirmed) > 60 || roster.Event.Taken != len(roster.Confirmed) {
		t.Errorf("confirmed %d (places 60), event counts %d taken: half-written", len(roster.Confirmed), roster.Event.Taken)
	}
	t.Logf("%d teachers: %d confirmed, %d waiting, %d told the system was busy during the restart", teachers, len(roster.Confirmed), len(roster.Waitlist), busy)
}

// ownRedis runs a Redis server of its own, to be stopped by the test.
func startOwnRedis(t *testing.T) (url string, stop func()) {
	t.Helper()
	if os.Getenv("UNIONBOT_TEST_REDIS") == "" {
		t.Skip("UNIONBOT_TEST_REDIS not set: Redis is not installed here (scripts/test.sh installs it)")
	}
	_, port, _ := net.SplitHostPort(freeAddr(t))
	cmd := exec.Command("redis-server", "--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Close()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	var once sync.Once
	stop = func() { once.Do(func() { cmd.Process.Kill(); cmd.Wait() }) }
	t.Cleanup(stop)
	return "redis://127.0.0.1:" + port + "/0", stop
}

// TestRedisDown: with Redis gone the bot keeps answering; a duplicate
// delivery of a sign-up does not enter the teacher twice; a form tells the
// teacher to send again; and two replicas run the monthly push once.
func TestRedisDown(t *testing.T) {
	redisURL, stopRedis := startOwnRedis(t)
	extra := map[string]string{"UNIONBOT_DB": mustCalendarDB(t, "sqlite"), "UNIONBOT_REDIS": redisURL, "UNIONBOT_RATE_LIMIT": "0",
		// Two seconds before the push is due: it must not go out before
		// Redis is down.
		"test.clock": "2026-12-01T07:59:58+08:00", "test.redis_prefix": storagetest.Prefix()}
	h1 := MustRunMain(t, "sqlite", extra)
	extra["WECOM_API_BASE"] = h1.Env["WECOM_API_BASE"]
	h2 := MustRunMain(t, "sqlite", extra)
	h1.WeCom.Now, h2.WeCom.Now = h1.Now, h2.Now // WeCom's timestamps on the test clock
	now := h1.Now().UTC()
	ev := &signup.Event{Title: "教职工羽毛球比赛", Kind: "比赛", StartsAt: now.Add(72 * time.Hour), SignupClosesAt: now.Add(48 * time.Hour),
		Capacity: 10, Waitlist: true, Status: signup.StatusOpen}
	if err := h1.DB.CreateEvent(t.Context(), ev); err != nil {
		t.Fatal(err)
	}
	stopRedis()

	if got := h1.MustSay(t, "r001", "帮助"); !strings.Contains(got, "工会助手") {
		t.Fatalf("帮助 with Redis down: %q", got)
	}
	xml := h1.WeCom.TextXML("r001", "报名 "+ev.Title, h1.WeCom.NewMsgID())
	for i, h := range []*harness{h1, h1, h2} { // WeCom's retries, one reaching the other replica
		r, err := h.WeCom.Post(xml)
		if err != nil || r.Status != 200 {
			t.Fatalf("delivery %d: %+v %v", i, r, err)
		}
	}
	var roster struct {
		Confirmed []struct {
			UserID string `json:"user_id"`
		}
	}
	json.Unmarshal(MustAPI(t, h1, "GET", fmt.Sprintf("/api/events/%d/roster", ev.ID), "", 200), &roster)
	if len(roster.Confirmed) != 1 {
		t.Fatalf("a sign-up delivered three times with Redis down: %d entries, want 1", len(roster.Confirmed))
	}
	if got := h1.MustSay(t, "r002", "提建议"); !strings.Contains(got, "请稍后再发") && !strings.Contains(got, "标题") {
		t.Fatalf("a form with Redis down: %q", got)
	}

	due := time.Date(2026, 12, 1, 8, 0, 0, 0, h1.Config.Location)
	time.Sleep(due.Sub(h1.Now()) + 100*time.Millisecond)
	var wg sync.WaitGroup
	for _, h := range []*harness{h1, h2} { // both replicas, at once, without the lock
		wg.Add(1)
		go func() { defer wg.Done(); h.Scheduler.RunJob(t.Context(), "announce-monthly") }()
	}
	wg.Wait()
	mustSentOnce(t, h1.Fake, false)
}

// TestWeComFaults: the fake WeCom answers with an expired token, its rate
// limit, a 5xx, a timeout (the send lost) and an answer too late (the send
// carried out, the client gone); each notice arrives exactly once (a rate
// limit is retried past the attempts allowed: WeCom's "too often" never
// loses a notice; the late send's retry is the same request, which WeCom's
// duplicate check keeps back), and when the outbox gives up on one the
// admins are told.
func TestWeComFaults(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"test.outbox_attempts": "2"})
	const send = "/cgi-bin/message/send"
	broadcast := func(text string) {
		t.Helper()
		MustAPI(t, h, "POST", "/api/broadcasts", `{"text":"`+text+`","audience":"users:t100"}`, 202)
	}
	arrived := func(text string, within time.Duration) int {
		t.Helper()
		return len(h.Fake.WaitSent(1, within, func(s fakewecom.Sent) bool { return s.Content == text }))
	}
	for _, tc := range []struct {
		name  string
		fault func(text string)
		wait  time.Duration
		dups  int // repeats WeCom's duplicate check keeps back
	}{
		{"token expired (42001)", func(string) { h.Fake.ExpireTokens() }, 5 * time.Second, 0},
		{"rate limited (45009)", func(string) { h.Fake.FailNext(send, 45009, 1) }, 10 * time.Second, 0},
		{"rate limited past the attempts (45009, 45033)", func(string) { h.Fake.FailNext(send, 45009, 1); h.Fake.FailNext(send, 45033, 1) }, 15 * time.Second, 0},
		{"HTTP 502", func(string) { h.Fake.FailHTTP(send, 502, 1) }, 10 * time.Second, 0},
		{"timeout", func(string) { h.Fake.Delay(send, 11*time.Second, 1) }, 30 * time.Second, 0},
		{"answered too late", func(text string) { h.Fake.AnswerLate(send, text, 11*time.Second) }, 30 * time.Second, 1},
	} {
		text := "故障测试：" + tc.name
		tc.fault(text)
		broadcast(text)
		if arrived(text, tc.wait) == 0 {
			t.Errorf("%s: the notice never arrived", tc.name)
		}
		sentOnce(t, h, tc.name, text, tc.dups)
	}
	// The same words broadcast twice are two notices, two requests (their
	// duplicate checks' intervals differ): both arrive.
	broadcast("故障测试：说两遍")
	broadcast("故障测试：说两遍")
	twice := h.Fake.WaitSent(2, 10*time.Second, func(s fakewecom.Sent) bool { return s.Content == "故障测试：说两遍" })
	if got := len(twice); got != 2 {
		t.Errorf("the same words broadcast twice arrived %d times, want 2", got)
	}
	// Two "system busy" answers in a row: with 2 attempts the outbox gives
	// up and the admins hear of it.
	h.Fake.FailNext(send, -1, 2)
	broadcast("故障测试：放弃")
	alert := h.Fake.WaitSent(1, 15*time.Second, func(s fakewecom.Sent) bool {
		return s.ToUser == testAdmin && strings.Contains(s.Content, "发送失败，已放弃重试")
	})
	if len(alert) != 1 || !strings.Contains(alert[0].Content, "错误码 -1") {
		t.Fatalf("admins not told of the notice given up on: %+v", h.Fake.SentTo(testAdmin))
	}
	var log struct {
		Notices []struct {
			Kind, Status string
			Attempts     int
			ErrCode      int `json:"errcode"`
		}
	}
	json.Unmarshal(MustAPI(t, h, "GET", "/api/notices?kind=broadcast", "", 200), &log)
	failed := 0
	for _, n := range log.Notices {
		if n.Status == "failed" {
			failed++
			if n.Attempts != 2 || n.ErrCode != -1 {
				t.Errorf("given-up notice: %+v, want 2 attempts, errcode -1", n)
			}
		}
	}
	if failed != 1 {
		t.Errorf("failed broadcasts = %d, want 1: %+v", failed, log.Notices)
	}
}

// sentOnce waits until the outbox counts the broadcast text sent, then
// checks that the teacher has it once and that WeCom's duplicate check
// kept back dups repeats of it: a send WeCom carried out after the client
// had given up is sent again as the same request (the outbox cannot tell
// a late send from a lost one), and only the check keeps it from arriving
// twice.
func sentOnce(t *testing.T, h *harness, name, text string, dups int) {
	t.Helper()
	h.WaitNotice(t, "broadcast", 30*time.Second, func(n *unionbot.Notice) bool {
		return n.Text == text && n.Status == unionbot.NoticeSent
	})
	got, kept := 0, 0
	for _, m := range h.Fake.DeliveredTo("t100") {
		if m.Content == text {
			got++
		}
	}
	for _, m := range h.Fake.Duplicates() {
		if m.Content == text {
			kept++
		}
	}
	if got != 1 || kept != dups {
		t.Errorf("%s: the teacher got the notice %d times and WeCom kept back %d repeats; want 1 and %d", name, got, kept, dups)
	}
}

// TestCardRetryAfterTimeout: a card whose send timed out but reached WeCom
// is retried with the same task_id, which WeCom refuses (42014): that
// refusal on a retry means delivered, so the notice is sent, the teacher
// has the card once, and nobody is told it failed.
func TestCardRetryAfterTimeout(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"test.outbox_attempts": "3"})
	MustOpenEvent(t, h, 1)
	h.MustSay(t, "c9", "帮助") // c9's first contact, and whatever it sends, before the fault
	ctx := context.Background()
	// What opening the event announced goes out first, so that the late
	// answer below meets the card's send. Not pending is not enough: the
	// bot's own outbox worker may hold one it is sending (leased), so wait
	// until each is sent.
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		h.Outbox.RunOnce(ctx)
		ns, err := h.DB.ListNotices(ctx, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		unsent := 0
		for _, n := range ns {
			if n.Status != unionbot.NoticeSent {
				unsent++
			}
		}
		if unsent == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("notices still unsent after opening the event: %d", unsent)
		}
	}
	before, faultAt := h.Fake.Calls("/cgi-bin/message/send"), time.Now()
	h.Fake.AnswerLate("/cgi-bin/message/send", "template_card", 11*time.Second) // delivered, answered past the client's 10 s
	if got := h.MustSay(t, "c9", "活动"); !strings.Contains(got, "活动卡片") {
		t.Fatalf("活动 = %q, want the list and a pointer to the cards", got)
	}
	// The bot's own outbox worker sends it.
	card := h.WaitNotice(t, "", 40*time.Second, func(n *unionbot.Notice) bool {
		return n.Card != nil && strings.Join(n.ToUsers, ",") == "c9" && n.Status != unionbot.NoticePending
	})
	// Other notices may still reach message/send in the window (CI saw the
	// event's announcement to @all written after the wait above): only the
	// card's sends are counted.
	others := 0
	for _, m := range h.Fake.Sent() {
		if m.Path == "/cgi-bin/message/send" && m.Card == nil && !m.At.Before(faultAt) {
			others++
		}
	}
	if card.Status != unionbot.NoticeSent || card.Attempts != 2 || h.Fake.Calls("/cgi-bin/message/send")-before-others != 2 {
		t.Errorf("card notice = %s after %d attempts (errcode %d), %d sends since the fault (%d of them not the card); want sent on the retry, 2 sends of the card",
			card.Status, card.Attempts, card.LastCode, h.Fake.Calls("/cgi-bin/message/send")-before, others)
		for _, m := range h.Fake.Sent() {
			t.Logf("sent %s to %q at %s, card %v", m.Path, m.ToUser, m.At.Format("15:04:05.000"), m.Card != nil)
		}
	}
	if got := len(h.Fake.Cards("c9")); got != 1 {
		t.Errorf("c9 holds %d cards, want 1", got)
	}
	if alerts := h.Fake.SentTo(testAdmin); len(alerts) != 0 {
		t.Errorf("admins told of a failure: %+v", alerts)
	}
}
