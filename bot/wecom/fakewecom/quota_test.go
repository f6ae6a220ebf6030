package fakewecom

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestFakeEnforcesQuotas: the fake drops, without an error, a member's
// messages past the minute's and hour's limits and the app's past the
// day's quota, answers 45009 past the API's calls a minute, counts a send
// to @all for every member, and frees each window on its own clock.
func TestFakeEnforcesQuotas(t *testing.T) {
	now := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)
	s, post := startFake(t, &now)
	s.SetLimits(Limits{MemberPerMinute: 3, MemberPerHour: 5, DailyQuota: 8, APIPerMinute: 6})
	s.AddUser(User{UserID: "a", Department: []int{1}})
	s.AddUser(User{UserID: "b", Department: []int{2}})
	send := func(to, text string) int {
		t.Helper()
		return post(fmt.Sprintf(`{"touser":%q,"msgtype":"text","agentid":1,"text":{"content":%q}}`, to, text))
	}
	for i := 1; i <= 4; i++ { // the 4th to a is dropped silently
		if code := send("a", fmt.Sprint(i)); code != 0 {
			t.Fatalf("send %d: errcode %d, want 0 even when dropped", i, code)
		}
	}
	if got, d := len(s.DeliveredTo("a")), s.Dropped(); got != 3 || len(d) != 1 || d[0].Limit != "member/minute" || d[0].User != "a" {
		t.Fatalf("a got %d, dropped %+v; want 3 and one member/minute drop", got, d)
	}
	send("@all", "all") // b gets it; a is still at 3 this minute
	send("b", "b1")     // the 6th call this minute
	if code := send("b", "b2"); code != 45009 {
		t.Fatalf("the 7th call in a minute: errcode %d, want 45009", code)
	}
	if got := len(s.DeliveredTo("b")); got != 2 {
		t.Fatalf("b got %d, want 2 (@all and b1)", got)
	}
	now = now.Add(61 * time.Second) // a new minute: a has room for 2 more in the hour
	for i := 5; i <= 7; i++ {
		send("a", fmt.Sprint(i))
	}
	if got := len(s.DeliveredTo("a")); got != 5 {
		t.Fatalf("a got %d in the hour, want 5 (the hour's limit)", got)
	}
	send("b", "b3") // the day's 8th person-time
	send("b", "b4") // past the day's quota
	var limits []string
	for _, d := range s.Dropped() {
		limits = append(limits, d.Limit)
	}
	if want := "member/minute member/minute api/minute member/hour daily"; strings.Join(limits, " ") != want {
		t.Fatalf("dropped %v, want %s", limits, want)
	}
}

// startFake starts a fake on the clock *now and returns it with a function
// that posts a message/send body under a fresh token and returns the
// errcode.
func startFake(t *testing.T, now *time.Time) (*Server, func(body string) int) {
	t.Helper()
	s := New("corp", "secret")
	s.Now = func() time.Time { return *now }
	base := s.Start()
	t.Cleanup(s.Close)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	res, err := http.Get(base + "/cgi-bin/gettoken?corpid=corp&corpsecret=secret")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	return s, func(body string) int {
		t.Helper()
		code, _ := postAPI(t, base+"/cgi-bin/message/send?access_token="+tok.AccessToken, body)
		return code
	}
}

// postAPI posts a JSON body to the fake and returns its errcode and errmsg.
func postAPI(t *testing.T, url, body string) (int, string) {
	t.Helper()
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		ErrCode int    `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	json.NewDecoder(res.Body).Decode(&out)
	return out.ErrCode, out.ErrMsg
}
