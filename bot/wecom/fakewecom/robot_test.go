package fakewecom

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestFakeRobotLimits: the group robot takes markdown up to 4,096 bytes
// and text up to 2,048, refusing a longer one whole with 40058, as WeCom
// does ("markdown.content exceed max length 4096"); and 20 messages a
// minute, the 21st refused with 45009 until the minute has passed.
func TestFakeRobotLimits(t *testing.T) {
	now := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)
	s, _ := startFake(t, &now)
	s.RobotKey = "k"
	post := func(msgType, content string) (int, string) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"msgtype": msgType, msgType: map[string]string{"content": content}})
		return postAPI(t, s.URL()+"/cgi-bin/webhook/send?key=k", string(body))
	}
	han := strings.Repeat("会", 1365) // 4,095 bytes
	for _, c := range []struct {
		msgType, content string
		want             int
	}{
		{"markdown", han, 0},
		{"markdown", han + "a", 0}, // 4,096
		{"markdown", han + "会", CodeInvalidParam},
		{"text", han[:2046] + "ab", 0}, // 2,048
		{"text", han[:2046] + "abc", CodeInvalidParam},
	} {
		if code, msg := post(c.msgType, c.content); code != c.want {
			t.Fatalf("%s of %d bytes: errcode %d (%s), want %d", c.msgType, len(c.content), code, msg, c.want)
		} else if code != 0 && !strings.Contains(msg, c.msgType+".content exceed max length") {
			t.Fatalf("errmsg %q", msg)
		}
	}
	if n := len(s.Sent()); n != 3 {
		t.Fatalf("%d robot messages recorded, want the 3 accepted", n)
	}
	for i := 3; i < RobotPerMinute; i++ {
		if code, _ := post("text", "第几条"); code != 0 {
			t.Fatalf("message %d: errcode %d", i+1, code)
		}
	}
	if code, _ := post("text", "多一条"); code != 45009 {
		t.Fatalf("message 21 in a minute: errcode %d, want 45009", code)
	}
	now = now.Add(time.Minute)
	if code, _ := post("text", "下一分钟"); code != 0 {
		t.Fatalf("a minute later: errcode %d, want 0", code)
	}
}
