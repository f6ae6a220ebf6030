package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"unionbot/bot/wecom/fakewecom"
)

func MustAPI(tb testing.TB, h *harness, method, path, body string, want int) []byte {
	tb.Helper()
	req, _ := http.NewRequest(method, h.URL()+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testAPIKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		tb.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, want, b)
	}
	return b
}

// TestEventsAPI publishes an event, signs teachers up by chat (with a form
// field and companions), and reads the roster as JSON, CSV and xlsx.
func TestEventsAPI(t *testing.T) {
	h := MustRunMain(t, "sqlite", nil)
	res, _ := http.Post(h.URL()+"/api/events", "application/json", strings.NewReader("{}"))
	if res.StatusCode != 401 {
		t.Fatalf("no token: status %d, want 401", res.StatusCode)
	}
	start := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
	body := `{"title":"春季踏青","kind":"出行","starts_at":"` + start + `","capacity":3,"waitlist":true,"max_companions":1,
		"fields":[{"name":"衣服尺码","options":["M","L"]}]}`
	var ev struct{ ID int64 }
	json.Unmarshal(MustAPI(t, h, "POST", "/api/events", body, 201), &ev)
	if ev.ID == 0 {
		t.Fatal("no id")
	}
	for _, turn := range []struct{ user, say, want string }{
		{"t1", "报名 踏青", "衣服尺码"},
		{"t1", "XL", "只能选"},
		{"t1", "L", "家属"},
		{"t1", "1", "报名成功"},
		{"t2", "报名 1", "衣服尺码"},
		{"t2", "M", "家属"},
		{"t2", "1", "候补第 1 位"},
		{"t1", "报名 1", "已经报名"},
	} {
		if got := h.MustSay(t, turn.user, turn.say); !strings.Contains(got, turn.want) {
			t.Fatalf("%s says %q: reply %q, want %q", turn.user, turn.say, got, turn.want)
		}
	}
	id := "/api/events/" + jsonInt(ev.ID)
	var roster struct {
		Confirmed []struct {
			UserID string            `json:"user_id"`
			Fields map[string]string `json:"fields"`
		}
		Waitlist []struct {
			UserID string `json:"user_id"`
		}
	}
	json.Unmarshal(MustAPI(t, h, "GET", id+"/roster", "", 200), &roster)
	if len(roster.Confirmed) != 1 || roster.Confirmed[0].Fields["衣服尺码"] != "L" || len(roster.Waitlist) != 1 {
		t.Fatalf("roster = %+v", roster)
	}
	if csv := string(MustAPI(t, h, "GET", id+"/roster?format=csv", "", 200)); !strings.Contains(csv, "衣服尺码") || strings.Count(csv, "\n") != 3 {
		t.Fatalf("csv = %q", csv)
	}
	f, err := excelize.OpenReader(bytes.NewReader(MustAPI(t, h, "GET", id+"/roster?format=xlsx", "", 200)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("已报名")
	wrows, _ := f.GetRows("候补")
	if len(rows) != 2 || rows[0][3] != "姓名" || rows[1][2] != "t1" || len(wrows) != 2 || wrows[1][2] != "t2" {
		t.Fatalf("xlsx rows = %q / %q", rows, wrows)
	}
	if s := string(MustAPI(t, h, "GET", id+"/stats", "", 200)); !strings.Contains(s, `"confirmed":1`) {
		t.Fatalf("stats = %s", s)
	}
	MustAPI(t, h, "PATCH", id, `{"capacity": 10}`, 200)
	MustAPI(t, h, "POST", id+"/cancel", "", 200)
	if got := h.Fake.WaitSent(1, 5*time.Second, func(s fakewecom.Sent) bool { return strings.Contains(s.Content, "已取消") }); len(got) != 1 {
		t.Fatalf("cancellation notices: %d", len(got))
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
