package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"unionbot/bot/wecom/fakewecom"
	"unionbot/storage/storagetest"
)

// TestManageEventsByChat: an admin lists, raises the places of (the
// waitlist moves up and is told), closes and cancels an event by chat; a
// teacher cannot; PATCH of the capacity promotes too.
func TestManageEventsByChat(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			h := MustRunMain(t, driver, nil)
			ev := MustOpenEvent(t, h, 1)
			for _, u := range []string{"w1", "w2", "w3", "w4"} {
				h.MustSay(t, u, "报名 羽毛球")
			}
			for _, turn := range []struct{ user, say, want string }{
				{"w1", "修改名额 羽毛球 10", "管理员"},
				{"w1", "取消活动 羽毛球", "管理员"},
				{testAdmin, "管理活动", "1. 教职工羽毛球比赛（报名中，已报名 1，候补 3，名额 1）"},
				{testAdmin, "修改名额 羽毛球", "请写成“修改名额 活动编号或名称 人数”"},
				{testAdmin, "修改名额 1 2", "名额已改为 2（0 为不限），候补转正 1 人"},
				{"w2", "我的报名", "已报名"},
				{"w3", "我的报名", "候补第 1 位"},
				{testAdmin, "截止报名 羽毛球", "已截止报名：已报名 2 人，候补 2 人"},
				{"w5", "报名 羽毛球", "没有找到"},
				{testAdmin, "截止报名 羽毛球", "已经截止报名了"},
			} {
				if got := h.MustSay(t, turn.user, turn.say); !strings.Contains(got, turn.want) {
					t.Fatalf("%s says %q: reply %q, want %q", turn.user, turn.say, got, turn.want)
				}
			}
			if got := h.Fake.WaitSent(1, 5*time.Second, func(s fakewecom.Sent) bool { return s.ToUser == "w2" && strings.Contains(s.Content, "有名额了") }); len(got) != 1 {
				t.Fatalf("w2 not told of the promotion: %+v", h.Fake.Sent())
			}
			// The admin API's PATCH takes the waitlist in as well.
			MustAPI(t, h, "PATCH", "/api/events/"+jsonInt(ev.ID), `{"capacity":0}`, 200)
			if got := h.MustSay(t, "w4", "我的报名"); !strings.Contains(got, "已报名") {
				t.Fatalf("w4 after capacity 0: %q", got)
			}
			if got := h.MustSay(t, testAdmin, "取消活动 羽毛球"); !strings.Contains(got, "已取消活动“教职工羽毛球比赛”") {
				t.Fatalf("cancel: %q", got)
			}
			got := h.Fake.WaitSent(1, 5*time.Second, func(s fakewecom.Sent) bool {
				return strings.Contains(s.Content, "已取消，您的报名随之作废")
			})
			if len(got) != 1 || got[0].ToUser != "w1|w2|w3|w4" {
				t.Fatalf("cancellation sent = %+v, want one message to w1|w2|w3|w4", got)
			}
		})
	}
}

// TestDeadlineReminder: an event that asks for it reminds, once, the
// eligible members who have not signed up, as sign-up closes.
func TestDeadlineReminder(t *testing.T) {
	h := MustRunMain(t, "sqlite", nil)
	for _, u := range []string{"d1", "d2", "d3"} {
		h.MustSay(t, u, "我是谁")
	}
	MustAPI(t, h, "PATCH", "/api/members/d3", `{"tags":["退休"]}`, 200)
	ev := MustOpenEvent(t, h, 10)
	ev.SignupClosesAt, ev.RemindUnanswered, ev.EligibleTags = time.Now().Add(10*time.Hour).UTC(), true, []string{"退休"}
	if err := h.DB.UpdateEvent(t.Context(), ev); err != nil {
		t.Fatal(err)
	}
	ev2 := MustOpenEvent(t, h, 10)
	ev2.Title, ev2.SignupClosesAt, ev2.RemindUnanswered = "秋季登山", time.Now().Add(10*time.Hour).UTC(), true
	if err := h.DB.UpdateEvent(t.Context(), ev2); err != nil {
		t.Fatal(err)
	}
	h.MustSay(t, "d1", "报名 登山")
	for i := 0; i < 3; i++ {
		if err := h.Scheduler.RunJob(t.Context(), "signup-reminders"); err != nil {
			t.Fatal(err)
		}
	}
	h.Fake.WaitSent(2, 5*time.Second, func(s fakewecom.Sent) bool { return strings.Contains(s.Content, "您还没有报名") })
	h.Drain(t)
	var got []string
	for _, s := range h.Fake.Sent() {
		if strings.Contains(s.Content, "您还没有报名") {
			got = append(got, s.ToUser+":"+s.Content[:strings.Index(s.Content, "”")+3])
		}
	}
	// 羽毛球 is for 退休 only: d3. 登山 is for all: d2, d3 and the admin who
	// talked to the bot... only members who have not signed up (d1 has).
	if len(got) != 2 || !strings.HasPrefix(got[0], "d3:“教职工羽毛球比赛”") || !strings.Contains(got[1], "秋季登山") || strings.Contains(got[1], "d1") || !strings.Contains(got[1], "d2|d3") {
		t.Fatalf("deadline reminders = %q", got)
	}
}

// TestRosterActions: the console's roster buttons through the admin API:
// check-in toggles and moving a teacher off the waitlist (409 when full);
// and the waitlist never jams behind a party that does not fit.
func TestRosterActions(t *testing.T) {
	h := MustRunMain(t, "sqlite", nil)
	start := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
	var ev struct{ ID int64 }
	json.Unmarshal(MustAPI(t, h, "POST", "/api/events", `{"title":"秋游","kind":"出行","starts_at":"`+start+`","capacity":2,"waitlist":true,"max_companions":1}`, 201), &ev)
	id := "/api/events/" + jsonInt(ev.ID)
	for _, turn := range []struct{ user, say, want string }{
		{"f1", "报名 秋游", "家属"}, {"f1", "1", "报名成功"},
		{"f2", "报名 秋游", "家属"}, {"f2", "1", "候补第 1 位"},
		{"f3", "报名 秋游", "家属"}, {"f3", "0", "候补第 2 位"},
	} {
		if got := h.MustSay(t, turn.user, turn.say); !strings.Contains(got, turn.want) {
			t.Fatalf("%s says %q: reply %q, want %q", turn.user, turn.say, got, turn.want)
		}
	}
	// One more place: f2's party of two does not fit it, so f3 behind,
	// alone, takes it and is told; f2 keeps the head of the line.
	MustAPI(t, h, "PATCH", id, `{"capacity":3}`, 200)
	if got := h.MustSay(t, "f3", "我的报名"); !strings.Contains(got, "已报名") {
		t.Fatalf("f3 after capacity 3: %q", got)
	}
	if got := h.Fake.WaitSent(1, 5*time.Second, func(s fakewecom.Sent) bool { return s.ToUser == "f3" && strings.Contains(s.Content, "有名额了") }); len(got) != 1 {
		t.Fatalf("f3 not told: %+v", h.Fake.Sent())
	}
	if got := h.MustSay(t, "f2", "我的报名"); !strings.Contains(got, "候补第 1 位") {
		t.Fatalf("f2 after capacity 3: %q", got)
	}
	if b := MustAPI(t, h, "POST", id+"/entries/f2/promote", `{}`, 409); !strings.Contains(string(b), "名额已满（3/3）") {
		t.Fatalf("promote into a full event: %s", b)
	}
	MustAPI(t, h, "POST", id+"/entries/f9/promote", `{}`, 404)
	MustAPI(t, h, "POST", id+"/entries/f1/checkin", `{"checked_in":true}`, 200)
	MustAPI(t, h, "POST", id+"/entries/f2/checkin", `{"checked_in":true}`, 404)
	MustAPI(t, h, "POST", id+"/entries/f1/checkin", `{}`, 400)
	var roster struct {
		Confirmed []struct {
			UserID    string `json:"user_id"`
			CheckedIn bool   `json:"checked_in"`
		}
	}
	json.Unmarshal(MustAPI(t, h, "GET", id+"/roster", "", 200), &roster)
	if len(roster.Confirmed) != 2 || roster.Confirmed[0].UserID != "f1" || !roster.Confirmed[0].CheckedIn || roster.Confirmed[1].UserID != "f3" {
		t.Fatalf("roster = %+v", roster)
	}
	MustAPI(t, h, "POST", id+"/entries/f1/checkin", `{"checked_in":false}`, 200)
}

// TestAnnouncementListsOpenEvents: the monthly announcement carries the
// events open for sign-up that month, with the words to sign up; a
// cancelled one is left out.
func TestAnnouncementListsOpenEvents(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"test.clock": "2026-12-10T10:00:00+08:00"})
	ev := MustOpenEvent(t, h, 16)
	gone := MustOpenEvent(t, h, 16)
	gone.Title = "已取消的登山"
	if err := h.DB.UpdateEvent(t.Context(), gone); err != nil {
		t.Fatal(err)
	}
	MustAPI(t, h, "POST", "/api/events/"+jsonInt(gone.ID)+"/cancel", "", 200)
	month := h.Now().In(h.Config.Location).Format("2006-01")
	var a struct{ Text string }
	json.Unmarshal(MustAPI(t, h, "POST", "/api/announcements/preview?month="+month, "", 200), &a)
	if !strings.Contains(a.Text, ev.Title) || !strings.Contains(a.Text, "回复“报名 "+ev.Title+"”") || strings.Contains(a.Text, "已取消的登山") {
		t.Fatalf("announcement text:\n%s", a.Text)
	}
	if got := h.MustSay(t, "a1", "报名 "+ev.Title); !strings.Contains(got, "报名成功") {
		t.Fatalf("the hint's words do not sign up: %q", got)
	}
}
