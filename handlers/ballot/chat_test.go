package ballot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"unionbot"
	"unionbot/bot"
	"unionbot/handlers/ballot"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

// newChat is the ballot chat, offline through the router on a SQLite
// store, with the clock at now and an open ballot for t1 and t2 (tag 代表).
func newChat(t *testing.T) (*bot.Bot, *ballot.Service, *time.Time) {
	t.Helper()
	db := storagetest.MustOpenDB(t, "sqlite")
	now := time.Date(2026, 6, 10, 1, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db.Now = clock
	svc := &ballot.Service{Store: db, Now: clock, Location: time.UTC}
	ctx := context.Background()
	for _, u := range []string{"t1", "t2"} {
		if err := db.SaveMember(ctx, &unionbot.Member{UserID: u, Tags: []string{"代表"}, Role: unionbot.RoleMember}); err != nil {
			t.Fatal(err)
		}
	}
	b := &ballot.Ballot{Title: "教代会", ElectorateTag: "代表", OpensAt: now, ClosesAt: now.Add(time.Hour), Questions: []ballot.Question{
		{Kind: ballot.KindMotion, Title: "工作报告"},
		{Kind: ballot.KindElection, Title: "委员", Options: []string{"甲", "乙", "丙"}, Max: 2},
		{Kind: ballot.KindReview, Title: "评议", Options: []string{"张"}, Comment: true},
	}}
	if err := svc.Create(ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Open(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	r := bot.NewRouter()
	ch := &ballot.Chat{Service: svc}
	r.Handle("投票", ch.List)
	r.HandleExact("确认投票", ch.Confirm)
	r.Handle("验证", ch.Verify)
	r.Flow(ballot.FlowName, "投票", ch.Form)
	r.Fallback(func(c *bot.Context) error { return c.Reply("（问答）") })
	return &bot.Bot{Router: r, Sessions: db, Members: db, Dedup: storage.NewMemory(), Outbox: db, Now: clock, SessionTTL: 24 * time.Hour}, svc, &now
}

var msgNo int

func say(b *bot.Bot, user, text string) string {
	msgNo++
	return b.Handle(context.Background(), &bot.Message{Channel: "cli", UserID: user, Type: bot.TypeText, Text: text, MsgID: fmt.Sprint(msgNo)})
}

// TestVotingConversation: each question in turn with its refusals, going
// back, starting over, the summary, 确认投票, the receipt, a second vote
// refused, and 验证 — as a table of turns.
func TestVotingConversation(t *testing.T) {
	b, _, _ := newChat(t)
	var receipt string
	for i, tc := range []struct{ user, say, want string }{
		{"t1", "确认投票", "您没有待确认的选票"},
		{"t1", "投票什么时候开始", "（问答）"},
		{"t1", "投票", "第 1/3 题（表决）：工作报告"},
		{"t1", "4", "请回复 1 到 3 之间的一个编号"},
		{"t1", "同意", "第 2/3 题（选举，最多选 2 人）：委员"},
		{"t1", "1 2 3", "最多只能选 2 人，您选了 3 人"},
		{"t1", "1 1", "同一位候选人只能选一次"},
		{"t1", "丁", "没有看懂“丁”"},
		{"t1", "上一步", "第 1/3 题"},
		{"t1", "3", "第 2/3 题"},
		{"t1", "１，丙", "对【张】的评价"},
		{"t1", "5", "请回复 1 到 4 之间的一个编号"},
		{"t1", "称职", "意见或建议"},
		{"t1", strings.Repeat("长", ballot.MaxComment+1), "意见最多 200 个字"},
		{"t1", "无", "1. 工作报告：弃权\n2. 委员：甲、丙\n3. 评议：张 称职"},
		{"t1", "好的", "请回复“确认投票”投出选票"},
		{"t1", "重投", "第 1/3 题"},
		{"t1", "1", "第 2/3 题"},
		{"t1", "弃权", "对【张】的评价"},
		{"t1", "1", "意见或建议"},
		{"t1", "多听意见", "3. 评议：张 优秀；意见：多听意见"},
		{"t1", "确认投票", "您的回执码："},
		{"t1", "投票", "（已投票）"},
		{"t1", "投票 1", "已经在“教代会”中投过票了"},
		{"t1", "投票 5", "没有编号为 5 的投票"},
		{"t2", "投票", "第 1/3 题"},
		{"t2", "取消", ""},
		{"t2", "确认投票", "您没有待确认的选票"},
		{"outsider", "投票", "目前没有您可以参加的投票"},
		{"t1", "验证", "请回复“验证 回执码”"},
		{"t1", "验证码收不到", "（问答）"},
		{"t1", "验证 2222-2222", "没有找到回执码 2222-2222"},
	} {
		got := say(b, tc.user, tc.say)
		if !strings.Contains(got, tc.want) {
			t.Fatalf("turn %d: %s says %q: %q, want %q", i+1, tc.user, tc.say, got, tc.want)
		}
		if i := strings.Index(got, "您的回执码："); i >= 0 {
			receipt = got[i+len("您的回执码：") : i+len("您的回执码：")+9]
		}
	}
	got := say(b, "t2", "验证 "+strings.ToLower(strings.ReplaceAll(receipt, "-", " ")))
	if want := "1. 工作报告：赞成\n2. 委员：弃权（未选任何人）\n3. 评议：张 优秀；意见：多听意见"; !strings.Contains(got, want) {
		t.Errorf("验证 %s: %q, want %q", receipt, got, want)
	}
}

// TestVotingAfterClose: a form left open when the ballot closes casts
// nothing, and the voter is told.
func TestVotingAfterClose(t *testing.T) {
	b, svc, now := newChat(t)
	say(b, "t1", "投票")
	say(b, "t1", "1")
	*now = now.Add(time.Hour)
	if got := say(b, "t1", "1"); !strings.Contains(got, "已经截止，您这张选票没有投出") {
		t.Fatalf("after closing: %q", got)
	}
	closed, err := svc.Close(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if closed.Result.Tally.Voted != 0 || len(closed.Result.Lines) != 0 {
		t.Errorf("voted=%d lines=%d, want none", closed.Result.Tally.Voted, len(closed.Result.Lines))
	}
}
