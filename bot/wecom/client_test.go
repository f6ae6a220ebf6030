package wecom_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

// TestSendAsksForDuplicateCheck: every text and markdown app message asks
// WeCom's duplicate check, so that a notice sent again after a send that
// timed out (WeCom may have carried it out) is the same request and
// arrives once; another notice with the same words to the same teacher
// asks for another interval (its id's), so it is another request and
// arrives, as do the same words to another teacher.
func TestSendAsksForDuplicateCheck(t *testing.T) {
	c, fake := mustClient(t)
	ctx := context.Background()
	for _, n := range []*unionbot.Notice{
		{ID: 7, ToUsers: []string{"t1"}, Text: "明天开会"},
		{ID: 7, ToUsers: []string{"t1"}, Text: "明天开会", Attempts: 1}, // its retry: kept back
		{ID: 8, ToUsers: []string{"t1"}, Text: "明天开会"},              // another notice
		{ID: 9, ToUsers: []string{"t2"}, Text: "明天开会"},
		{ID: 10, ToUsers: []string{"t1"}, Text: "**明天开会**", Format: unionbot.FormatMarkdown},
		{ID: 1199, ToUsers: []string{"t3"}, Text: "明天开会"},
	} {
		if err := c.Send(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	intervals := map[string]bool{}
	for _, m := range fake.Sent() {
		var body struct {
			Check    int `json:"enable_duplicate_check"`
			Interval int `json:"duplicate_check_interval"`
		}
		if err := json.Unmarshal([]byte(m.Body), &body); err != nil {
			t.Fatal(err)
		}
		if body.Check != 1 || body.Interval < int(wecom.DuplicateCheckInterval/time.Second) || body.Interval > 4*3600 {
			t.Errorf("%s: duplicate check %d for %d s, want 1 for %v or more (WeCom allows 4 hours at most)", m.Body, body.Check, body.Interval, wecom.DuplicateCheckInterval)
		}
		intervals[fmt.Sprint(body.Interval)] = true
	}
	if len(intervals) != 5 {
		t.Errorf("intervals %v, want one for each of the five notices", intervals)
	}
	if got, kept := len(fake.SentTo("t1")), fake.Duplicates(); got != 3 || len(kept) != 1 || !strings.Contains(kept[0].Body, `"duplicate_check_interval":607`) {
		t.Errorf("t1 got %d messages, kept back %+v; want 3 (both notices, the markdown) and notice 7's retry", got, kept)
	}
	if got := len(fake.SentTo("t2")); got != 1 {
		t.Errorf("t2 got %d, want 1", got)
	}
}

// TestRepeatedPartsGoWithoutDuplicateCheck: a long text whose parts repeat
// one another would be the same request again, which WeCom's duplicate
// check keeps back: such a notice goes without the check, and every part
// arrives.
func TestRepeatedPartsGoWithoutDuplicateCheck(t *testing.T) {
	c, fake := mustClient(t)
	text := strings.Repeat("工会活动通知第一行内容\n", 300) // parts of the same lines
	if err := c.Send(context.Background(), &unionbot.Notice{ToUsers: []string{"t1"}, Text: text}); err != nil {
		t.Fatal(err)
	}
	sent := fake.SentTo("t1")
	if len(sent) < 3 || sent[0].Content != sent[1].Content || len(fake.Duplicates()) != 0 {
		t.Fatalf("%d parts delivered (the first two the same: %v), %d kept back; want every part, some the same",
			len(sent), len(sent) > 1 && sent[0].Content == sent[1].Content, len(fake.Duplicates()))
	}
	for _, m := range sent {
		if strings.Contains(m.Body, "enable_duplicate_check") {
			t.Errorf("a part asked for the duplicate check: %s", m.Body[:80])
		}
	}
}
