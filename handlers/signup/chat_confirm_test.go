package signup_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"unionbot/bot"
	"unionbot/handlers/signup"
)

// exchange is one turn of a conversation and a sentence its reply holds.
type exchange struct{ user, text, want string }

func runTurns(t *testing.T, b *bot.Bot, turns []exchange) {
	t.Helper()
	for i, tn := range turns {
		reply := b.Handle(context.Background(), &bot.Message{Channel: bot.ChannelCLI, UserID: tn.user, Type: bot.TypeText,
			Text: tn.text, MsgID: fmt.Sprintf("m%d", i)})
		if !strings.Contains(reply, tn.want) {
			t.Fatalf("turn %d: %s> %s\ngot  %q\nwant it to contain %q", i+1, tn.user, tn.text, reply, tn.want)
		}
	}
}

// TestConfirmWindowConversation: with a 24-hour window, a promoted teacher
// sees 待确认 and until when, 放弃 passes the place to the next in line,
// who keeps it with 确认参加; a sentence that merely starts with 放弃
// from someone with nothing pending goes on to the Q&A.
func TestConfirmWindowConversation(t *testing.T) {
	now := time.Date(2026, 4, 30, 20, 0, 0, 0, time.FixedZone("CST", 8*3600))
	b, svc, outbox := mustBot(t, now)
	ev := &signup.Event{Title: "春季徒步", Kind: "出行", StartsAt: now.Add(10 * 24 * time.Hour), Capacity: 1, Waitlist: true,
		ConfirmWithin: 24 * time.Hour}
	if err := svc.Publish(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	runTurns(t, b, []exchange{
		{"t1", "报名 春季徒步", "报名成功：“春季徒步”"},
		{"t2", "报名 春季徒步", "候补第 1 位"},
		{"t3", "报名 春季徒步", "候补第 2 位"},
		{"t2", "确认参加", "您没有待确认的名额。"},
		{"t1", "取消报名 春季徒步", "已取消“春季徒步”的报名。"},
		{"t2", "我的报名", "待确认，请在 5月1日 20:00 前回复“确认参加 春季徒步”"},
		{"t2", "放弃 羽毛球", "没有找到名称含“羽毛球”"},
		{"t2", "放弃", "已放弃“春季徒步”的名额，名额已让给下一位候补老师。"},
		{"t2", "确认参加", "您没有待确认的名额。"},
		{"t3", "我的报名", "待确认"},
		{"t3", "确认参加 春季徒步", "已确认参加“春季徒步”"},
		{"t3", "我的报名", "春季徒步（5月10日 20:00，已报名）"},
		{"t3", "确认参加", "您没有待确认的名额。"},
		{"t1", "放弃报名怎么办", "（问答）放弃报名怎么办"},
	})
	ns, err := outbox.ListNotices(context.Background(), "signup", 10)
	if err != nil {
		t.Fatal(err)
	}
	told := map[string]int{}
	for _, n := range ns {
		if !strings.Contains(n.Text, "请回复“确认参加 春季徒步”") {
			t.Fatalf("notice %q does not ask to confirm", n.Text)
		}
		told[n.ToUsers[0]]++
	}
	if told["t2"] != 1 || told["t3"] != 1 || len(ns) != 2 {
		t.Fatalf("promotion notices %v, want t2 and t3 once each", told)
	}
}

// TestRotationConversation: on a rotation event a teacher is told they are
// registered and that places are shared out after the deadline.
func TestRotationConversation(t *testing.T) {
	now := time.Date(2026, 5, 6, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	b, svc, _ := mustBot(t, now)
	ev := &signup.Event{Title: "暑期疗养", Kind: "疗养", StartsAt: now.Add(60 * 24 * time.Hour), SignupClosesAt: now.Add(14 * 24 * time.Hour),
		Capacity: 1, Waitlist: true, Allocation: signup.AllocRotation}
	if err := svc.Publish(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	runTurns(t, b, []exchange{
		{"t1", "报名 暑期疗养", "已登记“暑期疗养”"},
		{"t2", "报名 暑期疗养", "报名截止（5月20日 09:00）后统一分配名额"},
		{"t2", "我的报名", "已登记，截止后统一分配"},
	})
}
