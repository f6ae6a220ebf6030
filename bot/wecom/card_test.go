package wecom_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"unionbot"
	"unionbot/bot/wecom/fakewecom"
)

func buttonCard(keys ...string) *unionbot.Card {
	c := &unionbot.Card{Type: unionbot.CardButtons, TaskID: unionbot.NewTaskID("t"), Title: "羽毛球赛"}
	for _, k := range keys {
		c.Buttons = append(c.Buttons, unionbot.CardButton{Text: "报名", Key: k})
	}
	return c
}

// TestSendCard: a card goes as WeCom's documented template_card body, and
// what WeCom refuses (the fake checks the required fields and limits)
// comes back as a final 40058, or 42014 for the task_id.
func TestSendCard(t *testing.T) {
	c, fake := mustClient(t)
	c.Cards = true
	ctx := context.Background()
	if err := c.Send(ctx, &unionbot.Notice{ToUsers: []string{"t1"}, Text: "回复“报名 1”", Card: buttonCard("signup:1")}); err != nil {
		t.Fatal(err)
	}
	sent := fake.Cards("t1")
	if len(sent) != 1 || strings.Join(sent[0].Card.Keys, ",") != "signup:1" {
		t.Fatalf("cards = %+v", sent)
	}
	var body struct {
		MsgType      string `json:"msgtype"`
		AgentID      int    `json:"agentid"`
		TemplateCard struct {
			CardType   string                       `json:"card_type"`
			TaskID     string                       `json:"task_id"`
			MainTitle  struct{ Title string }       `json:"main_title"`
			ButtonList []struct{ Text, Key string } `json:"button_list"`
		} `json:"template_card"`
	}
	if err := json.Unmarshal([]byte(sent[0].Body), &body); err != nil {
		t.Fatal(err)
	}
	tc := body.TemplateCard
	if body.MsgType != "template_card" || body.AgentID != 1000002 || tc.CardType != "button_interaction" || tc.TaskID == "" ||
		tc.MainTitle.Title != "羽毛球赛" || len(tc.ButtonList) != 1 || tc.ButtonList[0].Key != "signup:1" {
		t.Fatalf("body = %s", sent[0].Body)
	}

	long := strings.Repeat("k", 1025)
	seven := buttonCard("a", "b", "c", "d", "e", "f", "g")
	badTask := buttonCard("a")
	badTask.TaskID = "活动-1"
	vote := &unionbot.Card{Type: unionbot.CardVote, TaskID: unionbot.NewTaskID("v"), Title: "评价", Question: "q",
		Submit: &unionbot.CardButton{Text: "提交", Key: "rate:1"}}
	notice := &unionbot.Card{Type: unionbot.CardNotice, Title: "公告"} // no card_action url
	for name, card := range map[string]*unionbot.Card{"7 buttons": seven, "key over 1024 bytes": buttonCard(long),
		"task_id with Chinese": badTask, "repeated key": buttonCard("a", "a"),
		"vote without options": vote, "text_notice without card_action": notice} {
		err := c.Send(ctx, &unionbot.Notice{ToUsers: []string{"t1"}, Text: "x", Card: card})
		var se *unionbot.SendError
		if !errors.As(err, &se) || se.Code != fakewecom.CodeInvalidParam || se.Retryable {
			t.Errorf("%s: err = %v, want final 40058", name, err)
		}
	}
	noTask := buttonCard("a")
	noTask.TaskID = ""
	err := c.Send(ctx, &unionbot.Notice{ToUsers: []string{"t1"}, Text: "x", Card: noTask})
	var se *unionbot.SendError
	if !errors.As(err, &se) || se.Code != fakewecom.CodeTaskID || se.Retryable {
		t.Errorf("no task_id: err = %v, want final 42014", err)
	}
	// A task_id used before is refused with 42014; on a retry (the first
	// attempt timed out but reached WeCom) that means delivered.
	first := buttonCard("x")
	if err := c.Send(ctx, &unionbot.Notice{ToUsers: []string{"t1"}, Text: "x", Card: first}); err != nil {
		t.Fatal(err)
	}
	err = c.Send(ctx, &unionbot.Notice{ToUsers: []string{"t1"}, Text: "x", Card: first})
	if !errors.As(err, &se) || se.Code != fakewecom.CodeTaskID || se.Retryable {
		t.Errorf("a repeated task_id on a first attempt: err = %v, want final 42014", err)
	}
	if err := c.Send(ctx, &unionbot.Notice{ToUsers: []string{"t1"}, Text: "x", Card: first, Attempts: 1}); err != nil {
		t.Errorf("a retry refused for its task_id: %v, want delivered", err)
	}
	if got := len(fake.Cards("t1")); got != 2 {
		t.Errorf("t1 holds %d cards, want 2 (the first test's and this one, once)", got)
	}
}

// TestUpdateCard: an update spends the tap's response code once; a code
// WeCom refuses (used, unknown) or one older than 72 hours makes the text
// go as a message instead; with cards off a card goes as its text.
func TestUpdateCard(t *testing.T) {
	c, fake := mustClient(t)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	c.Now = func() time.Time { return now }
	ctx := context.Background()
	code := fake.NewResponseCode("t1", "task1")
	id := int64(0)
	up := func(code string, at time.Time) *unionbot.Notice {
		id++ // notices of the outbox, each its own request (TestSendAsksForDuplicateCheck)
		return &unionbot.Notice{ID: id, ToUsers: []string{"t1"}, Text: "“羽毛球赛”：已报名",
			Card: &unionbot.Card{ResponseCode: code, CodeAt: at, Done: "已报名"}}
	}
	if err := c.Send(ctx, up(code, now)); err != nil {
		t.Fatal(err)
	}
	if got := fake.CardUpdates("t1"); len(got) != 1 || got[0].ResponseCode != code || got[0].Content != "已报名" {
		t.Fatalf("updates = %+v", got)
	}
	if err := c.Send(ctx, up(code, now)); err != nil { // used: a message instead
		t.Fatal(err)
	}
	old := up(fake.NewResponseCode("t1", "task1"), now.Add(-73*time.Hour)) // too old to try
	if err := c.Send(ctx, old); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, s := range fake.SentTo("t1") {
		if s.MsgType == "text" {
			texts = append(texts, s.Content)
		}
	}
	if len(texts) != 2 || texts[0] != "“羽毛球赛”：已报名" || len(fake.CardUpdates("t1")) != 1 {
		t.Fatalf("texts = %q, updates = %d; want the outcome twice by message and one update", texts, len(fake.CardUpdates("t1")))
	}

	c.Cards = false
	if err := c.Send(ctx, &unionbot.Notice{ToUsers: []string{"t2"}, Text: "回复“报名 1”", Card: buttonCard("signup:1")}); err != nil {
		t.Fatal(err)
	}
	if err := c.Send(ctx, &unionbot.Notice{ToUsers: []string{"t2"}, Card: buttonCard("rate:1")}); err != nil {
		t.Fatal(err)
	}
	if got := fake.SentTo("t2"); len(got) != 1 || got[0].MsgType != "text" || got[0].Content != "回复“报名 1”" {
		t.Fatalf("cards off: sent %+v, want the text alone", got)
	}
}
