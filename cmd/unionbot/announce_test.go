package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"unionbot"
	"unionbot/bot/wecom/fakewecom"
	"unionbot/handlers/announce"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

// decemberPlan is a small plan whose December the tests push.
const decemberPlan = "各月工作安排:\n十一月份:\n1、迎接建家升级验收\n十二月份:\n1、“两节”送温暖慰问活动\n2、组织教职工参加区教育工会组织的羽毛球赛\n"

// mustCalendarDB makes a fresh database of driver holding decemberPlan and
// returns its URL, so that the bots start on a calendar already imported.
func mustCalendarDB(t *testing.T, driver string) string {
	t.Helper()
	url := storagetest.URL(t, driver)
	ctx := context.Background()
	db, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := announce.ParsePlan(decemberPlan, 2026)
	if err != nil {
		t.Fatal(err)
	}
	items := announce.ItemsFromPlan(p, 2026)
	never := func(announce.YM) bool { return false }
	if _, err := db.ImportPlan(ctx, 2026, func(old []*announce.Item) *announce.Diff { return announce.DiffPlan(old, items, never) }); err != nil {
		t.Fatal(err)
	}
	return url
}

func isDecember(s fakewecom.Sent) bool {
	return strings.Contains(s.Content, "2026年12月工会活动安排")
}

// mustSentOnce waits for December's app message and robot post, then makes
// sure no second copy follows.
func mustSentOnce(t *testing.T, fake *fakewecom.Server, wantLate bool) {
	t.Helper()
	fake.WaitSent(2, 10*time.Second, isDecember)
	time.Sleep(700 * time.Millisecond) // room for a duplicate to show up
	var app, robot []fakewecom.Sent
	for _, s := range fake.Sent() {
		switch {
		case !isDecember(s):
		case s.Path == "/cgi-bin/message/send":
			app = append(app, s)
		case s.Path == "/cgi-bin/webhook/send":
			robot = append(robot, s)
		}
	}
	if len(app) != 1 || len(robot) != 1 {
		t.Fatalf("December sent %d app messages and %d robot posts, want 1 and 1", len(app), len(robot))
	}
	// Text, not app markdown: 微工作台 (WeCom in WeChat) shows no markdown.
	if got := app[0]; got.ToUser != "@all" || got.MsgType != "text" || !strings.Contains(got.Content, "羽毛球赛") {
		t.Fatalf("app message = %+v, want text to @all listing December", got)
	}
	if late := strings.Contains(app[0].Content, "补发"); late != wantLate {
		t.Fatalf("late=%v in %q, want %v", late, app[0].Content, wantLate)
	}
}

func mustOneDelivery(t *testing.T, h *harness, wantLate bool) {
	t.Helper()
	ds, err := h.DB.ListDeliveries(context.Background(), 10)
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries = %d, %v; want 1", len(ds), err)
	}
	if d := ds[0]; d.Month != (announce.YM{Year: 2026, Month: 12}) || d.Late != wantLate || d.Trigger != announce.TriggerSchedule {
		t.Fatalf("delivery = %+v, want December, late=%v, by the schedule", d, wantLate)
	}
}

// TestMonthlyPushTwoReplicas starts two bots on one database (and one
// Redis on MariaDB) with the clock at the push time: the month's message
// reaches WeCom once.
func TestMonthlyPushTwoReplicas(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			extra := map[string]string{"UNIONBOT_DB": mustCalendarDB(t, driver), "test.clock": "2026-12-01T08:00:00+08:00"}
			if driver == "mysql" {
				extra["UNIONBOT_REDIS"] = "test"
				extra["test.redis_prefix"] = storagetest.Prefix()
			}
			h1 := MustRunMain(t, driver, extra)
			extra["WECOM_API_BASE"] = h1.Env["WECOM_API_BASE"] // the process shares one HTTP client: one fake
			h2 := MustRunMain(t, driver, extra)
			// Both also fire the timer at once, as two replicas' cron would.
			var wg sync.WaitGroup
			for _, h := range []*harness{h1, h2, h1, h2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					h.Scheduler.RunJob(context.Background(), "announce-monthly")
				}()
			}
			wg.Wait()
			mustSentOnce(t, h1.Fake, false)
			mustOneDelivery(t, h1, false)
		})
	}
}

// TestMonthlyPushLate has the bot down at push time: started on the 15th
// it sends December's announcement marked 补发, and a restart does not
// send it again.
func TestMonthlyPushLate(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			extra := map[string]string{"UNIONBOT_DB": mustCalendarDB(t, driver), "test.clock": "2026-12-15T10:00:00+08:00"}
			if driver == "mysql" {
				extra["UNIONBOT_REDIS"] = "test"
			}
			h1 := MustRunMain(t, driver, extra)
			h1.Fake.WaitSent(2, 10*time.Second, isDecember)
			h1.Close() // the bot goes down again...
			extra["WECOM_API_BASE"] = h1.Env["WECOM_API_BASE"]
			extra["test.clock"] = "2026-12-20T09:00:00+08:00"
			h2 := MustRunMain(t, driver, extra) // ...and comes back later in the month
			h2.Scheduler.RunJob(context.Background(), "announce-monthly")
			mustSentOnce(t, h1.Fake, true)
			mustOneDelivery(t, h2, true)
		})
	}
}

// TestMonthlyPushBeforeTime: a bot started on the 1st before 08:00 waits.
func TestMonthlyPushBeforeTime(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_DB": mustCalendarDB(t, "sqlite"), "test.clock": "2026-12-01T07:30:00+08:00"})
	if err := h.Scheduler.RunJob(context.Background(), "announce-monthly"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if got := h.Fake.WaitSent(1, 200*time.Millisecond, isDecember); len(got) != 0 {
		t.Fatalf("sent %d December messages before 08:00, want none", len(got))
	}
}

func mustAPI(t *testing.T, h *harness, method, path, body string, want int) string {
	t.Helper()
	req, _ := http.NewRequest(method, h.URL()+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testAPIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if resp.StatusCode != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, b.String(), want)
	}
	return b.String()
}

// TestCalendarChatAndAPI imports a seed plan through the API, asks the
// calendar questions in chat, sends the month's announcement with the
// admin's confirmation, and reads the log.
func TestCalendarChatAndAPI(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"test.clock": "2026-12-03T10:00:00+08:00"})
	h.WeCom.Now = h.Main.Now // the callback's timestamps follow the bot's clock
	seed := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", "handlers", "announce", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	plan := seed("plans-union-group-5.txt")

	// The seed is a collection of five plans: the preview lists them, an
	// import must pick one (篇三, the third).
	if got := mustAPI(t, h, "POST", "/api/plans/import?year=2026&dry_run=1", plan, 200); !strings.Contains(got, `"month":3`) || !strings.Contains(got, `"parts":[`) || !strings.Contains(got, `"unplaced":[`) {
		t.Fatalf("dry run = %s", got)
	}
	if got := mustAPI(t, h, "POST", "/api/plans/import?year=2026", plan, 400); !strings.Contains(got, "5 篇计划的合集") {
		t.Fatalf("import of the whole collection = %s, want a choice asked for", got)
	}
	if got := mustAPI(t, h, "POST", "/api/plans/import?year=2026&part=3&dry_run=1", plan, 200); !strings.Contains(got, `"added":11`) {
		t.Fatalf("dry run of part 3 = %s", got)
	}
	if got := mustAPI(t, h, "GET", "/api/plans?year=2026&month=12", "", 200); strings.Contains(got, "送温暖") {
		t.Fatalf("dry run wrote the calendar: %s", got)
	}
	if got := mustAPI(t, h, "POST", "/api/plans/import?year=2026&part=3", plan, 201); !strings.Contains(got, `"added":11`) {
		t.Fatalf("import = %s", got)
	}
	if got := mustAPI(t, h, "POST", "/api/plans/import?year=2026&part=3", plan, 200); !strings.Contains(got, `"unchanged":11`) || !strings.Contains(got, `"added":0`) {
		t.Fatalf("re-import = %s, want nothing changed", got)
	}
	if got := mustAPI(t, h, "POST", "/api/plans/import?year=2026", seed("summary-2009-zujie-primary.txt"), 400); !strings.Contains(got, "没有在文本中找到按月的工作安排") {
		t.Fatalf("import of a summary = %s", got)
	}
	mustAPI(t, h, "POST", "/api/plans/items", `{"year":2026,"month":12,"day":24,"title":"平安夜教工联欢","audience":"tag:女教职工"}`, 201)

	if got := h.MustSay(t, "t002", "本月活动"); !strings.Contains(got, "送温暖") || strings.Contains(got, "平安夜") {
		t.Fatalf("t002 本月活动 = %q, want December without the item for 女教职工", got)
	}
	h.MustSay(t, "t001", "我是谁")
	mustAPI(t, h, "PATCH", "/api/members/t001", `{"tags":["女教职工"]}`, 200)
	for _, tc := range []struct{ user, say, want string }{
		{"t001", "本月活动", "12月24日 平安夜教工联欢（女教职工）"},
		{"t001", "下月活动", "新年联欢活动"},
		{"t001", "全年安排", "2026年工会工作安排"},
		{"t001", "发送本月公告", "管理员"},
		{testAdmin, "预览本月公告", "预览，本月公告尚未发送"},
		{testAdmin, "发送本月公告", "确认发送请回复“确认”"},
		{testAdmin, "好的", "请回复“确认”"},
	} {
		if got := h.MustSay(t, tc.user, tc.say); !strings.Contains(got, tc.want) {
			t.Fatalf("%s says %q: reply %q, want it to contain %q", tc.user, tc.say, got, tc.want)
		}
	}
	// WeCom rate-limits the first attempt (45009): the outbox waits and retries.
	h.Fake.FailNext("/cgi-bin/message/send", 45009, 1)
	if got := h.MustSay(t, testAdmin, "确认"); !strings.Contains(got, "已排入发送队列") {
		t.Fatalf("确认: reply %q", got)
	}
	if got := h.MustSay(t, testAdmin, "发送本月公告"); !strings.Contains(got, "已于 12月3日") {
		t.Fatalf("second 发送本月公告: reply %q, want it already sent", got)
	}
	if got := h.Fake.WaitSent(2, 10*time.Second, isDecember); len(got) != 2 {
		t.Fatalf("December messages = %d, want app + robot", len(got))
	}
	if got := mustAPI(t, h, "POST", "/api/announcements/preview?month=2026-12", "", 200); !strings.Contains(got, `"markdown"`) {
		t.Fatalf("preview = %s", got)
	}
	mustAPI(t, h, "POST", "/api/announcements/send?month=2026-12", "", 409)
	mustAPI(t, h, "POST", "/api/announcements/send?month=2026-13", "", 400)
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := mustAPI(t, h, "GET", "/api/announcements", "", 200)
		if strings.Contains(got, `"month":"2026-12"`) && strings.Count(got, `"status":"sent"`) == 2 && strings.Contains(got, `"attempts":2`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("announcement log = %s, want December with two sent notices, the app message on its 2nd attempt", got)
		}
		time.Sleep(50 * time.Millisecond)
	}
	mustAPI(t, h, "POST", "/api/broadcasts", `{"text":"明天下午停水，请提前准备。","audience":"department:2"}`, 202)
	if got := h.Fake.WaitSent(1, 5*time.Second, func(s fakewecom.Sent) bool { return s.ToParty == "2" }); len(got) != 1 || !strings.Contains(got[0].Content, "停水") {
		t.Fatalf("broadcast to department 2 = %+v", got)
	}
	mustAPI(t, h, "POST", "/api/broadcasts", `{"text":"x","audience":"everyone"}`, 400)
}

// TestMonthlyPushLongMonthToRobot: a month longer than the group robot
// takes in one message (4,096 bytes of markdown; WeCom refuses a longer one
// whole with 40058, and the fake does too) reaches the group as pages,
// each within the limit and marked （第 i/n 页）, together holding every
// item, each page once and in order, though the first is refused once for
// the robot's rate (45009) and retried.
func TestMonthlyPushLongMonthToRobot(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"test.clock": "2026-12-03T10:00:00+08:00"})
	var plan strings.Builder
	plan.WriteString("十二月份：\n")
	var items []string
	for i := 1; i <= 60; i++ {
		item := fmt.Sprintf("第%d项：组织教职工参加区教育工会举办的冬季趣味运动会第%d场", i, i)
		items = append(items, item)
		fmt.Fprintf(&plan, "%d、%s\n", i, item)
	}
	mustAPI(t, h, "POST", "/api/plans/import?year=2026", plan.String(), 201)
	h.Fake.FailNext("/cgi-bin/webhook/send", 45009, 1)
	mustAPI(t, h, "POST", "/api/announcements/send?month=2026-12", "", 201)
	robot := func(s fakewecom.Sent) bool { return s.Path == "/cgi-bin/webhook/send" }
	pending := func() int {
		ns, err := h.DB.ListNotices(context.Background(), "announce", 1000)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, x := range ns {
			if x.Channel == "robot" && x.Status == unionbot.NoticePending {
				n++
			}
		}
		return n
	}
	for i := 0; pending() > 0; i++ {
		if i == 20 {
			t.Fatalf("%d robot pages still pending after a minute", pending())
		}
		h.Advance(t, 3*time.Second) // past the retry's backoff
		h.Drain(t)
	}
	time.Sleep(300 * time.Millisecond) // room for a page to come twice
	var pages []string
	for _, s := range h.Fake.Sent() {
		if robot(s) {
			pages = append(pages, s.Content)
		}
	}
	if len(pages) < 2 {
		t.Fatalf("robot got %d messages, want the month in pages", len(pages))
	}
	all := strings.Join(pages, "\n")
	for i, p := range pages {
		if len(p) > 4096 || !strings.Contains(p, fmt.Sprintf("（第 %d/%d 页）", i+1, len(pages))) {
			t.Fatalf("page %d: %d bytes, %q…; want at most 4,096, marked %d/%d", i+1, len(p), p[:min(len(p), 60)], i+1, len(pages))
		}
	}
	for _, item := range items {
		if strings.Count(all, item) != 1 {
			t.Fatalf("%q is in %d pages, want one", item, strings.Count(all, item))
		}
	}
	ns, err := h.DB.ListNotices(context.Background(), "announce", 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.Channel == "robot" && n.Status != unionbot.NoticeSent {
			t.Fatalf("robot notice %d: %s (%d %s)", n.ID, n.Status, n.LastCode, n.LastErr)
		}
	}
}
