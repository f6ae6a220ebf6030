package main

import (
	"strings"
	"testing"
	"time"

	"unionbot/bot/wecom/fakewecom"
)

// TestTraditionalCommands: a teacher who writes traditional characters uses
// every command as written, matches simplified titles, and is answered in
// traditional; what they write is stored as they wrote it.
func TestTraditionalCommands(t *testing.T) {
	h := MustRunMain(t, "sqlite", nil)
	ev := MustOpenEvent(t, h, 16)
	ev.Title = "教职工篮球赛"
	if err := h.DB.UpdateEvent(t.Context(), ev); err != nil {
		t.Fatal(err)
	}
	for _, turn := range []struct{ say, want string }{
		{"幫助", "您好，我是工會助手"},
		{"活動", "剩餘 16 個名額"},
		{"我要報名籃球", "報名成功：“教職工籃球賽”"},
		{"我的報名", "1. 教職工籃球賽"},
		{"取消報名 籃球", "已取消“教職工籃球賽”的報名。"},
		{"转人工 學校游泳館週末幾點開門", "已把您的問題轉給工會老師（編號 1）"},
		{"报名 篮球", "报名成功：“教职工篮球赛”"}, // simplified stays simplified
	} {
		if got := h.MustSay(t, "tw1", turn.say); !strings.Contains(got, turn.want) {
			t.Fatalf("tw1 says %q: reply %q, want %q", turn.say, got, turn.want)
		}
	}
	if got := h.MustSay(t, testAdmin, "答复 1 周末上午九点开门，请带好工作证。"); !strings.Contains(got, "已") {
		t.Fatalf("admin reply: %q", got)
	}
	sent := h.Fake.WaitSent(1, 5*time.Second, func(s fakewecom.Sent) bool { return s.ToUser == "tw1" && s.MsgType == "text" })
	if len(sent) != 1 || !strings.Contains(sent[0].Content, "問：學校游泳館週末幾點開門") || !strings.Contains(sent[0].Content, "週末上午九點開門，請帶好工作證") {
		t.Fatalf("the answer to a traditional question = %+v", sent)
	}
}
