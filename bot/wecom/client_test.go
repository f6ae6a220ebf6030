package wecom_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"unionbot"
	"unionbot/bot/wecom"
	"unionbot/bot/wecom/fakewecom"
	"unionbot/storage"
)

func mustClient(t *testing.T) (*wecom.Client, *fakewecom.Server) {
	t.Helper()
	fake := fakewecom.New("corp1", "secret1")
	fake.RobotKey = "rk"
	base := fake.Start()
	t.Cleanup(fake.Close)
	if err := wecom.InstallHTTPClient(base, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	return wecom.NewClient("corp1", "secret1", 1000002, "rk", storage.NewMemory()), fake
}

func TestSendRefreshesExpiredToken(t *testing.T) {
	c, fake := mustClient(t)
	ctx := context.Background()
	if err := c.Send(ctx, &unionbot.Notice{ToUsers: []string{"t1"}, Text: "一"}); err != nil {
		t.Fatal(err)
	}
	fake.ExpireTokens()
	if err := c.Send(ctx, &unionbot.Notice{ToUsers: []string{"t1"}, Text: "二"}); err != nil {
		t.Fatalf("after 42001: %v", err)
	}
	if got := fake.Calls("/cgi-bin/gettoken"); got != 2 {
		t.Fatalf("gettoken calls = %d, want 2 (one refresh)", got)
	}
	if got := len(fake.SentTo("t1")); got != 2 {
		t.Fatalf("delivered %d, want 2", got)
	}
}

func TestSendErrorsAreClassified(t *testing.T) {
	c, fake := mustClient(t)
	ctx := context.Background()
	for _, tc := range []struct {
		fault     func()
		code      int
		retryable bool
	}{
		{func() { fake.FailNext("/cgi-bin/message/send", 45009, 1) }, 45009, true},
		{func() { fake.FailNext("/cgi-bin/message/send", -1, 1) }, -1, true},
		{func() { fake.FailHTTP("/cgi-bin/message/send", 502, 1) }, 0, true},
		{func() { fake.FailNext("/cgi-bin/message/send", 40008, 1) }, 40008, false},
	} {
		tc.fault()
		err := c.Send(ctx, &unionbot.Notice{ToUsers: []string{"t1"}, Text: "x"})
		var se *unionbot.SendError
		if !errors.As(err, &se) || se.Code != tc.code || se.Retryable != tc.retryable {
			t.Errorf("error = %v, want code %d retryable %v", err, tc.code, tc.retryable)
		}
	}
}

func TestLongTextIsSplitNotCut(t *testing.T) {
	c, fake := mustClient(t)
	text := strings.Repeat("工会活动通知第一行内容\n", 300) // ~10 KB
	if err := c.Send(context.Background(), &unionbot.Notice{ToUsers: []string{"t1"}, Text: text}); err != nil {
		t.Fatal(err)
	}
	var joined strings.Builder
	for _, m := range fake.SentTo("t1") {
		if len(m.Content) > wecom.MaxTextBytes {
			t.Fatalf("a message of %d bytes", len(m.Content))
		}
		joined.WriteString(m.Content + "\n")
	}
	if strings.Count(joined.String(), "工会活动通知第一行内容") != 300 {
		t.Fatal("text lost in splitting")
	}
}

func TestRobotAndDirectory(t *testing.T) {
	c, fake := mustClient(t)
	ctx := context.Background()
	if err := c.Send(ctx, &unionbot.Notice{Channel: "robot", Format: unionbot.FormatMarkdown, Text: "**本月活动**"}); err != nil {
		t.Fatal(err)
	}
	if s := fake.Sent(); len(s) != 1 || s[0].Path != "/cgi-bin/webhook/send" || s[0].MsgType != "markdown" {
		t.Fatalf("robot sent %+v", s)
	}
	fake.AddDepartment(3, "语文组")
	fake.AddUser(fakewecom.User{UserID: "t7", Name: "李老师", Department: []int{3}})
	m, err := c.LookupMember(ctx, "t7")
	if err != nil || m.Name != "李老师" || m.Department != "语文组" {
		t.Fatalf("LookupMember = %+v, %v", m, err)
	}
	if _, err := c.LookupMember(ctx, "nobody"); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
		t.Fatalf("unknown user: %v", err)
	}
}
