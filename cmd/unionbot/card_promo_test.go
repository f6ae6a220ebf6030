package main

import (
	"encoding/json"
	"strings"
	"testing"

	"unionbot/bot/wecom/fakewecom"
)

// TestPromotionCard: with a confirmation window, the teacher promoted from
// the waitlist gets a card with 确认参加 / 放弃 keyed promo:confirm:<entry>
// / promo:decline:<entry>; a 确认参加 tap, retried as WeCom retries,
// confirms once and updates the card; a second tap changes nothing; a 放弃
// tap on another event passes the place to the next in line, who is told.
func TestPromotionCard(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_RATE_LIMIT": "0", "test.clock": "2026-09-01T09:00:00+08:00"})
	for _, title := range []string{"秋季登山", "金秋采摘"} {
		body := `{"title":"` + title + `","kind":"出行","starts_at":"2026-09-20T08:00:00+08:00","capacity":1,"waitlist":true,"confirm_within":"24h"}`
		var ev struct{ ID int64 }
		json.Unmarshal(MustAPI(t, h, "POST", "/api/events", body, 201), &ev)
	}
	for _, turn := range []struct{ user, say, want string }{
		{"t1", "报名 登山", "报名成功"},
		{"t2", "报名 登山", "候补第 1 位"},
		{"t1", "报名 采摘", "报名成功"},
		{"t2", "报名 采摘", "候补第 1 位"},
		{"t3", "报名 采摘", "候补第 2 位"},
		{"t1", "取消报名 登山", "已取消"},
	} {
		if got := h.MustSay(t, turn.user, turn.say); !strings.Contains(got, turn.want) {
			t.Fatalf("%s says %q: reply %q, want %q", turn.user, turn.say, got, turn.want)
		}
	}
	card := mustCard(t, h, "t2", "promo:confirm:")
	var confirm, decline string
	for _, k := range card.Card.Keys {
		switch {
		case strings.HasPrefix(k, "promo:confirm:"):
			confirm = k
		case strings.HasPrefix(k, "promo:decline:"):
			decline = k
		}
	}
	if confirm == "" || decline == "" || strings.TrimPrefix(confirm, "promo:confirm:") != strings.TrimPrefix(decline, "promo:decline:") {
		t.Fatalf("promotion card keys = %v, want promo:confirm:N and promo:decline:N", card.Card.Keys)
	}
	tp := tap(h, "t2", card, confirm)
	for range 3 { // WeCom's retries of one tap
		mustTap(t, h, tp, "已确认参加“秋季登山”")
	}
	if got := updates(t, h, "t2"); len(got) != 1 || !strings.Contains(got[0], "已确认参加") {
		t.Fatalf("card updates to t2 = %q, want one 已确认参加", got)
	}
	mustTap(t, h, tap(h, "t2", card, decline), "您没有") // answered: the place stays t2's
	if got := h.MustSay(t, "t2", "我的报名"); !strings.Contains(got, "秋季登山") || strings.Contains(got, "确认参加 秋季登山") {
		t.Fatalf("t2's sign-ups after confirming: %q", got)
	}

	if got := h.MustSay(t, "t1", "取消报名 采摘"); !strings.Contains(got, "已取消") {
		t.Fatalf("t1 cancels 采摘: %q", got)
	}
	h.Drain(t)
	var card2 fakewecom.Sent
	decline2 := ""
	for _, c := range h.Fake.Cards("t2") {
		for _, k := range c.Card.Keys {
			if strings.HasPrefix(k, "promo:decline:") && k != decline {
				card2, decline2 = c, k
			}
		}
	}
	if decline2 == "" || !strings.Contains(card2.Content, "金秋采摘") {
		t.Fatalf("no second promotion card for t2: %+v", h.Fake.Cards("t2"))
	}
	mustTap(t, h, tap(h, "t2", card2, decline2), "已放弃“金秋采摘”的名额，名额已让给下一位候补老师")
	if c := mustCard(t, h, "t3", "promo:confirm:"); !strings.Contains(c.Content, "金秋采摘") {
		t.Fatalf("t3's promotion card = %+v", c)
	}
}
