package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"unionbot/bot/wecom/fakewecom"
)

// sentTo matches a message WeCom received for user that contains text.
func sentTo(user, text string) func(fakewecom.Sent) bool {
	return func(s fakewecom.Sent) bool {
		return strings.Contains("|"+s.ToUser+"|", "|"+user+"|") && strings.Contains(s.Content, text)
	}
}

// TestConfirmWindowEndToEnd: an event published through the API with
// confirm_within "24h"; the teacher promoted when another cancels is asked
// to confirm through WeCom, shown 待确认 until when in the roster JSON and
// CSV, and when the window passes the scheduled sweep gives the place to
// the next in line, both told once however often it runs.
func TestConfirmWindowEndToEnd(t *testing.T) {
	for _, driver := range []string{"sqlite", "mysql"} {
		t.Run(driver, func(t *testing.T) {
			h := MustRunMain(t, driver, map[string]string{"UNIONBOT_RATE_LIMIT": "0", "test.clock": "2026-09-01T09:00:00+08:00"})
			body := `{"title":"秋季登山","kind":"出行","starts_at":"2026-09-20T08:00:00+08:00","capacity":1,"waitlist":true,"confirm_within":"24h"}`
			var ev struct {
				ID            int64  `json:"id"`
				ConfirmWithin string `json:"confirm_within"`
				Allocation    string `json:"allocation"`
			}
			json.Unmarshal(MustAPI(t, h, "POST", "/api/events", body, 201), &ev)
			if ev.ConfirmWithin != "24h" || ev.Allocation != "fifo" {
				t.Fatalf("created event = %+v, want confirm_within 24h and allocation fifo", ev)
			}
			MustAPI(t, h, "POST", "/api/events", `{"title":"x","starts_at":"2026-09-20T08:00:00+08:00","confirm_within":"一天"}`, 400)
			for _, turn := range []struct{ user, say, want string }{
				{"t1", "报名 登山", "报名成功"},
				{"t2", "报名 登山", "候补第 1 位"},
				{"t3", "报名 登山", "候补第 2 位"},
				{"t1", "取消报名 登山", "已取消"},
				{"t2", "我的报名", "待确认，请在 9月2日 09:00 前回复“确认参加 秋季登山”"},
			} {
				if got := h.MustSay(t, turn.user, turn.say); !strings.Contains(got, turn.want) {
					t.Fatalf("%s says %q: reply %q, want %q", turn.user, turn.say, got, turn.want)
				}
			}
			if got := h.Fake.WaitSent(1, 5*time.Second, sentTo("t2", "请回复“确认参加 秋季登山”")); len(got) != 1 {
				t.Fatalf("t2 not asked to confirm: %+v", h.Fake.Sent())
			}
			id := "/api/events/" + jsonInt(ev.ID)
			var roster struct {
				Confirmed []struct {
					UserID    string    `json:"user_id"`
					Status    string    `json:"status"`
					ConfirmBy time.Time `json:"confirm_by"`
				}
			}
			json.Unmarshal(MustAPI(t, h, "GET", id+"/roster", "", 200), &roster)
			// The harness's clock runs on from 09:00 while the test runs.
			if len(roster.Confirmed) != 1 || roster.Confirmed[0].Status != "待确认" ||
				roster.Confirmed[0].ConfirmBy.Sub(time.Date(2026, 9, 2, 1, 0, 0, 0, time.UTC)).Abs() > time.Minute {
				t.Fatalf("roster = %+v, want t2 待确认 until 9月2日 09:00", roster)
			}
			if csv := string(MustAPI(t, h, "GET", id+"/roster?format=csv", "", 200)); !strings.Contains(csv, "待确认（至 2026-09-02 09:00）,1,t2") {
				t.Fatalf("csv lacks t2 待确认 with its deadline:\n%s", csv)
			}

			h.Advance(t, 25*time.Hour)
			for range 2 {
				if err := h.Scheduler.RunJob(context.Background(), "signup-confirmations"); err != nil {
					t.Fatal(err)
				}
			}
			h.Drain(t)
			if got := h.Fake.SentTo("t2"); len(got) != 2 || !strings.Contains(got[1].Content, "名额已让给下一位候补老师") {
				t.Fatalf("t2 received %+v, want the promotion and one lapse", got)
			}
			if got := h.Fake.SentTo("t3"); len(got) != 1 || !strings.Contains(got[0].Content, "请回复“确认参加 秋季登山”") {
				t.Fatalf("t3 received %+v, want one promotion asking to confirm", got)
			}
			if got := h.MustSay(t, "t3", "确认参加"); !strings.Contains(got, "已确认参加“秋季登山”") {
				t.Fatalf("t3 confirms: %q", got)
			}
			if got := h.MustSay(t, "t2", "确认参加"); !strings.Contains(got, "您没有待确认的名额") {
				t.Fatalf("t2 confirms after lapsing: %q", got)
			}
		})
	}
}

// TestRotationEndToEnd: a 疗养 event allocated by rotation registers every
// sign-up; the scheduled draw after the deadline gives the place to the
// teacher with no 疗养 in the last 3 years, tells each teacher once, and
// `unionbot draw verify` re-runs the published draw from GET
// /api/events/{id}/draw to the same list, refusing a tampered one.
func TestRotationEndToEnd(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_RATE_LIMIT": "0", "test.clock": "2026-05-01T09:00:00+08:00"})
	// Last summer's 疗养: t1 went.
	var past struct{ ID int64 }
	json.Unmarshal(MustAPI(t, h, "POST", "/api/events", `{"title":"2026 春季疗养","kind":"疗养","starts_at":"2026-05-03T08:00:00+08:00","capacity":5}`, 201), &past)
	if got := h.MustSay(t, "t1", "报名 春季疗养"); !strings.Contains(got, "报名成功") {
		t.Fatalf("t1 signs up for the past trip: %q", got)
	}
	body := `{"title":"2026 暑期疗养","kind":"疗养","starts_at":"2026-07-10T08:00:00+08:00","signup_closes_at":"2026-05-10T18:00:00+08:00",
		"capacity":1,"waitlist":true,"allocation":"rotation"}`
	var ev struct {
		ID            int64  `json:"id"`
		Allocation    string `json:"allocation"`
		LookbackYears int    `json:"lookback_years"`
	}
	json.Unmarshal(MustAPI(t, h, "POST", "/api/events", body, 201), &ev)
	if ev.Allocation != "rotation" || ev.LookbackYears != 3 {
		t.Fatalf("event = %+v", ev)
	}
	for _, u := range []string{"t1", "t2"} {
		if got := h.MustSay(t, u, "报名 暑期疗养"); !strings.Contains(got, "截止后统一分配") && !strings.Contains(got, "报名截止（5月10日 18:00）后统一分配名额") {
			t.Fatalf("%s signs up: %q, want 已登记", u, got)
		}
	}
	id := "/api/events/" + jsonInt(ev.ID)
	MustAPI(t, h, "GET", id+"/draw", "", 404)
	h.Advance(t, 10*24*time.Hour)
	for range 2 {
		if err := h.Scheduler.RunJob(context.Background(), "signup-draws"); err != nil {
			t.Fatal(err)
		}
	}
	h.Drain(t)
	published := MustAPI(t, h, "GET", id+"/draw", "", 200)
	var pub struct {
		Seed  string `json:"seed"`
		Order []struct {
			UserID  string `json:"user_id"`
			Outcome string `json:"outcome"`
		} `json:"order"`
	}
	json.Unmarshal(published, &pub)
	if len(pub.Order) != 2 || pub.Order[0].UserID != "t2" || pub.Order[0].Outcome != "已报名" || pub.Order[1].Outcome != "候补" {
		t.Fatalf("draw = %s, want t2 (no 疗养 in 3 years) first with the place, t1 waiting", published)
	}
	if got := h.Fake.SentTo("t2"); len(got) != 1 || !strings.Contains(got[0].Content, "您获得了名额") || !strings.Contains(got[0].Content, pub.Seed) {
		t.Fatalf("t2 received %+v, want one outcome with the seed", got)
	}
	if got := h.Fake.WaitSent(1, 5*time.Second, sentTo("t1", "候补第 1 位")); len(got) != 1 {
		t.Fatalf("t1 outcome: %+v", h.Fake.SentTo("t1"))
	}
	MustAPI(t, h, "POST", id+"/draw", "", 409)

	file := filepath.Join(t.TempDir(), "draw.json")
	if err := os.WriteFile(file, published, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"draw", "verify", file}, func(string) string { return "" }, nil, &out, &errOut); err != nil ||
		!strings.Contains(out.String(), "重新抽签的顺序与公布的一致") {
		t.Fatalf("draw verify: %v\n%s", err, out.String())
	}
	tampered := bytes.Replace(published, []byte(`"user_id":"t2"`), []byte(`"user_id":"tX"`), 1)
	tampered = bytes.Replace(tampered, []byte(`"user_id":"t1"`), []byte(`"user_id":"t2"`), 1)
	tampered = bytes.Replace(tampered, []byte(`"user_id":"tX"`), []byte(`"user_id":"t1"`), 1)
	if err := os.WriteFile(file, tampered, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"draw", "verify", file}, func(string) string { return "" }, nil, &out, &errOut); err == nil ||
		!strings.Contains(err.Error(), "核对失败") {
		t.Fatalf("verify of a tampered draw: %v", err)
	}
}
