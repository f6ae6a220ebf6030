package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"unionbot/bot/wecom/fakewecom"
	"unionbot/storage/storagetest"
)

// TestTeamSignUp: a captain names the team by chat, each teammate is
// invited actively and answers, the captain hears each answer, the roster
// shows the team, and the captain's cancellation dissolves it.
func TestTeamSignUp(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			h := MustRunMain(t, driver, nil)
			for id, name := range map[string]string{"c1": "王老师", "m2": "李明", "m3": "张华", "m4": "赵强", "m5": "赵强"} {
				h.MustSay(t, id, "我是谁") // first contact records the member
				MustAPI(t, h, "PATCH", "/api/members/"+id, `{"name":"`+name+`"}`, 200)
			}
			start := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
			var ev struct{ ID int64 }
			json.Unmarshal(MustAPI(t, h, "POST", "/api/events", `{"title":"拔河比赛","kind":"比赛","starts_at":"`+start+`",
				"capacity":4,"waitlist":true,"team_min":3,"team_max":4}`, 201), &ev)

			for _, turn := range []struct{ user, say, want string }{
				{"c1", "报名 拔河", "给队伍起个名字"},
				{"c1", "一二三四五六七八九十一二三四五六七八九十一", "队名不能为空"},
				{"c1", "语文组", "连您在内 3 到 4 人"},
				{"c1", "李明 不存在的人", "没有找到会员“不存在的人”"},
				{"c1", "赵强", "有不止一位会员叫“赵强”"},
				{"c1", "李明", "连您在内共 2 人，本活动每队 3 到 4 人"},
				{"c1", "李明、m3", "“拔河比赛”队伍“语文组”已报名。已邀请 李明、张华 确认组队"},
				{"m2", "报名 拔河", "不能再单独报名"},
				{"m2", "确认组队", "已加入“拔河比赛”的队伍“语文组”（队长 王老师）"},
				{"m2", "确认组队", "没有待确认的组队邀请"},
				{"m3", "拒绝组队 拔河", "已拒绝加入“拔河比赛”的队伍“语文组”"},
				{"c1", "我的报名", "队伍“语文组”，队长 王老师；李明：已确认，张华：已拒绝"},
				{"m2", "我的报名", "您在队伍“语文组”中，已确认"},
			} {
				if got := h.MustSay(t, turn.user, turn.say); !strings.Contains(got, turn.want) {
					t.Fatalf("%s says %q: reply %q, want %q", turn.user, turn.say, got, turn.want)
				}
			}
			to := func(user, text string) func(fakewecom.Sent) bool {
				return func(s fakewecom.Sent) bool {
					return strings.Contains("|"+s.ToUser+"|", "|"+user+"|") && strings.Contains(s.Content, text)
				}
			}
			if got := h.Fake.WaitSent(1, 5*time.Second, to("m3", "确认组队 拔河比赛")); len(got) != 1 || !strings.Contains(got[0].ToUser, "m2") {
				t.Fatalf("invitations sent = %+v, want one to m2|m3", got)
			}
			if got := h.Fake.WaitSent(1, 5*time.Second, to("c1", "李明已确认加入您的队伍“语文组”（“拔河比赛”），已确认 2 人")); len(got) != 1 {
				t.Fatalf("captain not told of the acceptance: %+v", h.Fake.Sent())
			}
			if got := h.Fake.WaitSent(1, 5*time.Second, to("c1", "张华拒绝加入")); len(got) != 1 {
				t.Fatalf("captain not told of the refusal: %+v", h.Fake.Sent())
			}

			id := "/api/events/" + jsonInt(ev.ID)
			var roster struct {
				Confirmed []struct {
					Team    string
					Members []struct{ UserID, Name, Status string } `json:"members"`
				}
			}
			json.Unmarshal(MustAPI(t, h, "GET", id+"/roster", "", 200), &roster)
			if len(roster.Confirmed) != 1 || roster.Confirmed[0].Team != "语文组" || len(roster.Confirmed[0].Members) != 2 ||
				roster.Confirmed[0].Members[0].Status != "已确认" {
				t.Fatalf("roster = %+v", roster)
			}
			f, err := excelize.OpenReader(bytes.NewReader(MustAPI(t, h, "GET", id+"/roster?format=xlsx", "", 200)))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := f.GetRows("已报名")
			if len(rows) != 2 || !strings.Contains(strings.Join(rows[0], ","), "队名") || !strings.Contains(strings.Join(rows[1], ","), "李明（已确认）") {
				t.Fatalf("xlsx rows = %q", rows)
			}

			if got := h.MustSay(t, "c1", "取消报名 拔河"); !strings.Contains(got, "已取消") {
				t.Fatalf("captain cancels: %q", got)
			}
			if got := h.Fake.WaitSent(1, 5*time.Second, to("m2", "队伍“语文组”已解散")); len(got) != 1 {
				t.Fatalf("teammate not told the team is gone: %+v", h.Fake.Sent())
			}
			if got := h.MustSay(t, "m2", "报名 拔河"); !strings.Contains(got, "给队伍起个名字") {
				t.Fatalf("a former teammate may now lead a team: %q", got)
			}
		})
	}
}
