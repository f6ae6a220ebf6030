package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"unionbot"
	"unionbot/bot"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

type formState struct {
	Step  int
	Title string
}

// newTestBot is a bot with a router of small handlers, on SQLite sessions.
func newTestBot(t testing.TB) (*bot.Bot, *time.Time) {
	t.Helper()
	db := storagetest.MustOpenDB(t, "sqlite")
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	// The store keeps sessions by the same clock as the bot, never the wall
	// clock, or the test would start failing once the real date passes the
	// fixed one.
	db.Now = func() time.Time { return now }
	r := bot.NewRouter()
	r.Menu(bot.MenuItem{Title: "活动报名", Command: "活动"}, bot.MenuItem{Title: "提建议", Command: "提建议"},
		bot.MenuItem{Title: "管理", Command: "发布活动", Admin: true})
	r.Handle("报名", func(c *bot.Context) error { return c.Replyf("报名:%s", c.Args) })
	r.Handle("取消报名", func(c *bot.Context) error { return c.Replyf("取消报名:%s", c.Args) })
	r.HandleExact("活动", func(c *bot.Context) error { return c.Reply("活动列表") })
	r.HandleExact("发布活动", func(c *bot.Context) error { return c.Reply("发布表单") }, bot.AdminOnly)
	r.HandleExact("出错", func(c *bot.Context) error { return errors.New("db down") })
	r.HandleExact("不行", func(c *bot.Context) error { return unionbot.Errorf(unionbot.ECONFLICT, "您已经报过名了。") })
	r.Handle("让路", func(c *bot.Context) error { return bot.ErrPass })
	r.Handle("提建议", func(c *bot.Context) error {
		if err := c.StartFlow("suggest", formState{Step: 1}); err != nil {
			return err
		}
		return c.Reply("请输入标题")
	})
	r.Flow("suggest", "合理化建议", func(c *bot.Context) error {
		var st formState
		if err := c.LoadFlow(&st); err != nil {
			return err
		}
		if c.Text() == "活动" {
			return bot.ErrPass
		}
		st.Title = c.Text()
		c.EndFlow()
		return c.Replyf("已收到标题：%s", st.Title)
	})
	r.Fallback(func(c *bot.Context) error {
		if strings.Contains(c.Text(), "体检") {
			return c.Reply("体检在十一月")
		}
		return bot.ErrPass
	})
	b := &bot.Bot{Router: r, Sessions: db, Members: db, Dedup: storage.NewMemory(), Outbox: db,
		IsAdmin: func(u string) bool { return u == "boss" }, Now: func() time.Time { return now }, SessionTTL: 24 * time.Hour}
	return b, &now
}

func say(b *bot.Bot, user, text string) string {
	return b.Handle(context.Background(), &bot.Message{Channel: "cli", UserID: user, Type: bot.TypeText, Text: text, MsgID: text})
}

func TestConversations(t *testing.T) {
	b, _ := newTestBot(t)
	for _, tc := range []struct {
		user, input, want string
	}{
		{"t1", "报名羽毛球", "报名:羽毛球"},
		{"t1", "报名 羽毛球比赛", "报名:羽毛球比赛"},
		{"t1", "我要报名羽毛球", "报名:羽毛球"},
		{"t1", "报名：2", "报名:2"},
		{"t1", "取消报名 羽毛球", "取消报名:羽毛球"},
		{"t1", "１", "活动列表"},
		{"t1", "3", "我还不明白"}, // the admin item is hidden from teachers
		{"boss", "3", "发布表单"},
		{"t1", "发布活动", "只有工会管理员可以使用"},
		{"t1", "出错", "系统繁忙，请稍后再试。"},
		{"t1", "不行", "您已经报过名了。"},
		{"t1", "体检什么时候", "体检在十一月"},
		{"t1", "让路 体检", "体检在十一月"},
		{"t1", "天气如何", "我还不明白"},
		{"t1", "帮助", "1. 活动报名"},
		{"t1", "", "请发送文字消息"},
		// a form: the flow takes the next message; 取消 leaves it
		{"t2", "提建议", "请输入标题"},
		{"t2", "食堂饭菜", "已收到标题：食堂饭菜"},
		{"t2", "提建议", "请输入标题"},
		{"t2", "帮助", "您正在填写「合理化建议」"},
		{"t2", "活动", "活动列表"}, // the flow passed it on
		{"t2", "取消", "已退出「合理化建议」"},
		{"t2", "取消", "我还不明白"},
	} {
		if got := say(b, tc.user, tc.input); !strings.Contains(got, tc.want) {
			t.Errorf("%s says %q: got %q, want it to contain %q", tc.user, tc.input, got, tc.want)
		}
	}
}

func TestFormSurvivesRestartAndExpires(t *testing.T) {
	b, now := newTestBot(t)
	say(b, "t3", "提建议")
	// A new Bot on the same stores is a restarted process.
	b2 := &bot.Bot{Router: b.Router, Sessions: b.Sessions, Members: b.Members, Now: b.Now, SessionTTL: b.SessionTTL}
	if got := say(b2, "t3", "操场灯坏了"); !strings.Contains(got, "已收到标题：操场灯坏了") {
		t.Fatalf("after restart got %q", got)
	}
	say(b2, "t3", "提建议")
	*now = now.Add(25 * time.Hour)
	got := say(b2, "t3", "操场灯坏了")
	if !strings.Contains(got, "超过24小时未完成，已自动作废") || strings.Contains(got, "已收到标题") {
		t.Fatalf("after 25 h got %q, want the lapse notice and no form", got)
	}
}

func TestPagingKeepsEverything(t *testing.T) {
	b, _ := newTestBot(t)
	var lines []string
	for i := 0; i < 300; i++ {
		lines = append(lines, fmt.Sprintf("第%03d行：教职工羽毛球比赛报名名单", i))
	}
	b.Router.HandleExact("名单", func(c *bot.Context) error { return c.Reply(strings.Join(lines, "\n")) })
	all := say(b, "t1", "名单")
	for i := 0; i < 20 && strings.Contains(all, "回复“下一页”"); i++ {
		page := say(b, "t1", "下一页")
		if len(page) > 2048 {
			t.Fatalf("page of %d bytes", len(page))
		}
		all += page
	}
	for _, l := range lines {
		if !strings.Contains(all, l) {
			t.Fatalf("line %q lost in paging", l)
		}
	}
	if got := say(b, "t1", "下一页"); !strings.Contains(got, "没有更多") {
		t.Fatalf("past the last page: %q", got)
	}
}

// TestServeOnceUnderRetries: deliveries of one MsgId arriving together are
// handled once and exactly one of them carries the reply.
func TestServeOnceUnderRetries(t *testing.T) {
	b, _ := newTestBot(t)
	var mu sync.Mutex
	calls := 0
	b.Router.HandleExact("慢", func(c *bot.Context) error {
		mu.Lock()
		calls++
		mu.Unlock()
		time.Sleep(100 * time.Millisecond)
		return c.Reply("好了")
	})
	b.ReplyBudget = time.Second
	msg := func() *bot.Message {
		return &bot.Message{Channel: "wecom", UserID: "t1", MsgID: "m-1", Type: bot.TypeText, Text: "慢"}
	}
	var wg sync.WaitGroup
	replies := make(chan string, 3)
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); replies <- b.Serve(context.Background(), msg()) }()
	}
	wg.Wait()
	close(replies)
	got := 0
	for r := range replies {
		if r == "好了" {
			got++
		}
	}
	if calls != 1 || got != 1 {
		t.Fatalf("handled %d times, %d passive replies; want 1 and 1", calls, got)
	}
	// A later retry (WeCom never got the answer) gets the same reply.
	if r := b.Serve(context.Background(), msg()); r != "好了" {
		t.Fatalf("later retry got %q", r)
	}
}

// tinyScript folds the few characters the test uses.
type tinyScript struct{}

var tinyT2S = map[rune]rune{'報': '报', '幫': '帮', '動': '动', '議': '议', '學': '学', '習': '习', '羣': '群'}

func (tinyScript) ToSimplified(s string) string {
	return strings.Map(func(r rune) rune {
		if x, ok := tinyT2S[r]; ok {
			return x
		}
		return r
	}, s)
}

func (tinyScript) ToTraditional(s string) string {
	return strings.NewReplacer("报", "報", "帮", "幫", "动", "動", "议", "議").Replace(s)
}

func (s tinyScript) IsTraditional(text string) bool { return s.ToSimplified(text) != text }

// TestTraditionalRouting: commands match the simplified form, arguments
// keep the characters as typed (rune-aligned, after polite openings), and a
// traditional message is answered in traditional.
func TestTraditionalRouting(t *testing.T) {
	b, _ := newTestBot(t)
	b.Router.Script = tinyScript{}
	for _, tc := range []struct{ input, want string }{
		{"報名學習羣", "報名:學習羣"},
		{"我要報名 學習羣", "報名:學習羣"},
		{"取消報名：學習羣", "取消報名:學習羣"},
		{"活動", "活動列表"},
		{"幫助", "1. 活動報名"},
		{"报名学习群", "报名:学习群"}, // simplified in, simplified out
	} {
		if got := say(b, "t1", tc.input); !strings.Contains(got, tc.want) {
			t.Errorf("says %q: got %q, want it to contain %q", tc.input, got, tc.want)
		}
	}
}
