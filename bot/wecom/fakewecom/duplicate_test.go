package fakewecom

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestFakeDuplicateCheck: with enable_duplicate_check, a message/send
// whose request JSON repeats one delivered within duplicate_check_interval
// (1800 s when not given) is answered ok and not delivered; another text,
// another recipient, a request without the check, or the same request once
// the interval has passed is delivered; an interval over 4 hours is
// refused with 40058.
func TestFakeDuplicateCheck(t *testing.T) {
	now := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)
	s, send := startFake(t, &now)
	s.AddUser(User{UserID: "a", Department: []int{1}})
	s.AddUser(User{UserID: "b", Department: []int{1}})
	const (
		checked  = `{"touser":"a","msgtype":"text","agentid":1,"text":{"content":"开会"},"enable_duplicate_check":1,"duplicate_check_interval":600}`
		other    = `{"touser":"a","msgtype":"text","agentid":1,"text":{"content":"散会"},"enable_duplicate_check":1,"duplicate_check_interval":600}`
		toB      = `{"touser":"b","msgtype":"text","agentid":1,"text":{"content":"开会"},"enable_duplicate_check":1,"duplicate_check_interval":600}`
		plain    = `{"touser":"b","msgtype":"text","agentid":1,"text":{"content":"午饭"}}`
		defaults = `{"touser":"b","msgtype":"text","agentid":1,"text":{"content":"晚饭"},"enable_duplicate_check":1}`
		tooLong  = `{"touser":"b","msgtype":"text","agentid":1,"text":{"content":"夜宵"},"enable_duplicate_check":1,"duplicate_check_interval":14401}`
	)
	for _, body := range []string{checked, checked, other, toB, plain, plain, defaults} {
		if code := send(body); code != 0 {
			t.Fatalf("%s: errcode %d, want 0", body, code)
		}
	}
	contents := func(user string) string {
		var cs []string
		for _, m := range s.DeliveredTo(user) {
			cs = append(cs, m.Content)
		}
		return strings.Join(cs, " ")
	}
	if got := contents("a"); got != "开会 散会" {
		t.Errorf("a got %q, want the repeated request once: 开会 散会", got)
	}
	if got := contents("b"); got != "开会 午饭 午饭 晚饭" {
		t.Errorf("b got %q, want 开会 午饭 午饭 晚饭 (no check on 午饭)", got)
	}
	if d := s.Duplicates(); len(d) != 1 || d[0].Body != checked {
		t.Errorf("duplicates %+v, want the second 开会 to a", d)
	}
	now = now.Add(599 * time.Second)
	send(checked)
	if got := contents("a"); got != "开会 散会" {
		t.Errorf("a got %q at 599 s, want no new 开会", got)
	}
	now = now.Add(time.Second) // 600 s after the delivery it repeats
	send(checked)
	if got := contents("a"); got != "开会 散会 开会" {
		t.Errorf("a got %q at 600 s, want 开会 again", got)
	}
	now = now.Add(1799 * time.Second)
	send(defaults)
	now = now.Add(time.Second)
	send(defaults)
	if got := contents("b"); got != "开会 午饭 午饭 晚饭 晚饭" {
		t.Errorf("b got %q, want 晚饭 once more only after the default 1800 s", got)
	}
	if code := send(tooLong); code != CodeInvalidParam {
		t.Errorf("interval over 4 hours: errcode %d, want %d", code, CodeInvalidParam)
	}
}

// TestDuplicateCheckForgetsExpired: the fake drops requests whose interval
// has passed once it holds 10,000 (the load generator's fake runs for
// hours), and still keeps back a repeat of one whose interval has not.
func TestDuplicateCheckForgetsExpired(t *testing.T) {
	s := New("corp", "secret")
	t0 := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)
	for i := range 9999 {
		s.duplicate(Sent{Body: fmt.Sprint("old ", i), At: t0}, time.Minute)
	}
	s.duplicate(Sent{Body: "recent", At: t0.Add(time.Minute)}, time.Hour)
	if !s.duplicate(Sent{Body: "recent", At: t0.Add(2 * time.Minute)}, time.Hour) {
		t.Fatal("a repeat within its interval was delivered")
	}
	s.duplicate(Sent{Body: "new", At: t0.Add(2 * time.Minute)}, time.Hour)
	if n := len(s.dupUntil); n != 2 {
		t.Fatalf("%d requests kept, want 2 (recent, new)", n)
	}
	if s.duplicate(Sent{Body: "old 1", At: t0.Add(2 * time.Minute)}, time.Minute) {
		t.Fatal("a request whose interval passed was kept back")
	}
}
