package signup_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"unionbot"
	"unionbot/bot"
	"unionbot/handlers/signup"
	"unionbot/storage/storagetest"
)

var update = flag.Bool("update", false, "rewrite the golden conversations in testdata")

// turn is one message and, for the table, who sent it.
type turn struct{ user, text string }

// mustBot is the sign-up feature's chat routes on a SQLite store, offline,
// on a clock that stands still at now (the harness's, never the wall's).
func mustBot(t *testing.T, now time.Time) (*bot.Bot, *signup.Service, unionbot.Outbox) {
	t.Helper()
	db := storagetest.MustOpenDB(t, "sqlite")
	clock := func() time.Time { return now }
	db.Now = clock
	loc := now.Location()
	svc := signup.NewService(db, db, clock, loc)
	ch := &signup.Chat{Service: svc}
	r := bot.NewRouter()
	r.HandleExact("活动", ch.List)
	r.Handle("报名", ch.SignUp)
	r.Handle("取消报名", ch.Cancel)
	r.HandleExact("我的报名", ch.Mine)
	r.Handle("签到", ch.CheckIn)
	r.Flow(signup.FlowSignup, "活动报名", ch.Form)
	r.Choice(signup.FlowPickEvent, "选择活动", ch.Picked)
	r.Choice(signup.FlowConfirmCancel, "确认取消报名", ch.ConfirmCancel)
	r.HandleExact("取消", ch.CancelBare)
	r.Menu(bot.MenuItem{Title: "活动报名", Command: "活动"}, bot.MenuItem{Title: "我的报名", Command: "我的报名"})
	r.HandleExact("管理活动", ch.Manage, bot.AdminOnly)
	r.Handle("修改名额", ch.SetCapacity, bot.AdminOnly)
	r.Handle("确认参加", ch.ConfirmPlace)
	r.Handle("放弃", ch.GiveUp)
	r.Fallback(func(c *bot.Context) error { return c.Reply("（问答）" + c.Args) })
	b := &bot.Bot{Router: r, Sessions: db, Members: db, Outbox: db, Now: clock, Location: loc,
		IsAdmin: func(u string) bool { return u == "admin" }}
	for _, m := range []*unionbot.Member{{UserID: "t1", Name: "张老师", Department: "语文组"}, {UserID: "t2", Name: "李老师", Department: "数学组"},
		{UserID: "t3", Name: "王老师", Department: "数学组"}, {UserID: "admin", Name: "工会主席"}} {
		if err := db.SaveMember(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	return b, svc, db
}

// mustEvent publishes a two-place badminton match starting three days from
// now with a T-shirt size to ask.
func mustEvent(t *testing.T, svc *signup.Service, now time.Time) *signup.Event {
	t.Helper()
	ev := &signup.Event{Title: "教职工羽毛球比赛", Kind: "比赛", Location: "体育馆", StartsAt: now.Add(72 * time.Hour),
		SignupClosesAt: now.Add(48 * time.Hour), Capacity: 2, Waitlist: true, Fields: []signup.Field{{Name: "衣服尺码", Options: []string{"S", "M", "L"}}}}
	if err := svc.Publish(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// TestConversations runs a teacher's whole sign-up life through the router
// (list, sign up with a field, the waitlist, cancel and the promotion, an
// admin raising the places) at three awkward moments of the calendar, and
// compares every reply with testdata/<moment>.golden (go test -update
// rewrites them).
func TestConversations(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	script := []turn{
		{"t1", "活动"}, {"t1", "报名羽毛球"}, {"t1", "XL"}, {"t1", "M"},
		{"t2", "报名 1"}, {"t2", "L"},
		{"t3", "报名 羽毛球"}, {"t3", "S"}, {"t3", "我的报名"},
		{"t1", "报名 羽毛球"}, {"t1", "取消报名 羽毛球"}, {"t3", "我的报名"},
		{"t2", "管理活动"}, {"admin", "修改名额 1 3"}, {"admin", "管理活动"},
		{"t2", "签到 羽毛球"},
	}
	for name, now := range map[string]time.Time{
		"new-years-eve":  time.Date(2026, 12, 31, 23, 59, 0, 0, cst),
		"leap-day":       time.Date(2028, 2, 29, 12, 0, 0, 0, cst),
		"first-of-month": time.Date(2027, 3, 1, 0, 0, 0, 0, cst),
	} {
		t.Run(name, func(t *testing.T) {
			b, svc, outbox := mustBot(t, now)
			mustEvent(t, svc, now)
			var got strings.Builder
			for i, tn := range script {
				reply := b.Handle(context.Background(), &bot.Message{Channel: bot.ChannelCLI, UserID: tn.user, Type: bot.TypeText,
					Text: tn.text, MsgID: fmt.Sprint(i)})
				fmt.Fprintf(&got, "%s> %s\n%s\n\n", tn.user, tn.text, reply)
			}
			mustGolden(t, filepath.Join("testdata", name+".golden"), got.String())
			ns, err := outbox.ListNotices(context.Background(), "signup", 10)
			if err != nil || len(ns) != 1 || ns[0].ToUsers[0] != "t3" || !strings.Contains(ns[0].Text, "有名额了") {
				t.Fatalf("notices = %+v, %v; want t3 told of the promotion once", ns, err)
			}
		})
	}
}

func mustGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once to write it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Fatalf("%s differs (-want +got):\n%s", path, diff)
	}
}

// TestQuestionsWaitForAnswers: "which event?" is a question whose numbers
// mean its own list (2 signs up for the second badminton event, not menu
// item 2); 取消报名 with one sign-up asks to confirm it; a bare 取消 says
// there is nothing being filled in and what can be cancelled; a menu
// number or a command leaves a question at once.
func TestQuestionsWaitForAnswers(t *testing.T) {
	now := time.Date(2026, 12, 31, 23, 59, 0, 0, time.FixedZone("CST", 8*3600))
	b, svc, _ := mustBot(t, now)
	for _, title := range []string{"教职工羽毛球比赛", "羽毛球培训班"} {
		ev := &signup.Event{Title: title, Kind: "比赛", StartsAt: now.Add(72 * time.Hour), Capacity: 10, Waitlist: true}
		if err := svc.Publish(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	script := []turn{
		{"t1", "报名羽毛球"}, {"t1", "2"}, {"t1", "我的报名"},
		{"t1", "报名羽毛球"}, {"t1", "1"},
		{"t2", "报名羽毛球"}, {"t2", "帮助"}, {"t2", "2"},
		{"t3", "取消"}, {"t3", "取消报名"},
		{"t1", "取消报名"}, {"t1", "1"}, {"t1", "取消报名"}, {"t1", "算了"}, {"t1", "取消报名"}, {"t1", "确认"}, {"t1", "取消"},
	}
	var got strings.Builder
	for i, tn := range script {
		reply := b.Handle(context.Background(), &bot.Message{Channel: bot.ChannelCLI, UserID: tn.user, Type: bot.TypeText, Text: tn.text, MsgID: fmt.Sprint(i)})
		fmt.Fprintf(&got, "%s> %s\n%s\n\n", tn.user, tn.text, reply)
	}
	mustGolden(t, filepath.Join("testdata", "questions.golden"), got.String())
	for _, want := range []string{"t1> 2\n报名成功：“羽毛球培训班”", "t2> 2\n您还没有报名任何活动", "t1> 算了\n好的，保留", "t1> 确认\n已取消"} {
		if !strings.Contains(got.String(), want) {
			t.Errorf("conversation lacks %q", want)
		}
	}
}
