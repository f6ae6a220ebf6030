package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"unionbot"
	"unionbot/handlers/ballot"
	"unionbot/storage"
)

func mustPost(t *testing.T, s *Server, c *http.Cookie, path string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(c)
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	return w
}

// TestConsoleBallot: staff create a ballot from the console's form (the
// questions one a line), preview it, are told why it cannot open with no
// electorate, open it once representatives carry the tag, and the page
// then offers only to close it. A refused form says why in Chinese.
func TestConsoleBallot(t *testing.T) {
	s, c, csrf := MustConsole(t)
	db := s.Members.(*storage.DB)
	s.Location = time.UTC
	s.Ballots = &ballot.Service{Store: db, Location: time.UTC}
	form := url.Values{"csrf": {csrf}, "title": {"<b>六届二次教代会</b>"}, "tag": {"教代会代表"}, "opens": {"2026-01-01T08:00"},
		"closes": {"2099-01-01T08:00"}, "quorum": {"2/3"}, "pass": {"1/2"},
		"questions": {"表决：学校工作报告\n选举 2：工会委员：张三、李四、王五\n评议：中层干部：赵一、钱二"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("questions", "投票：学校工作报告")
	if w := mustPost(t, s, c, "/admin/ballots", bad); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "第 1 行“投票：学校工作报告”看不懂") {
		t.Errorf("bad questions: %d\n%s", w.Code, w.Body.String())
	}
	w := mustPost(t, s, c, "/admin/ballots", form)
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/admin/ballots/1?") {
		t.Fatalf("create: %d %s\n%s", w.Code, w.Header().Get("Location"), w.Body.String())
	}
	code, body := mustGet(t, s, c, "/admin/ballots/1")
	for _, want := range []string{"&lt;b&gt;六届二次教代会&lt;/b&gt;", "选举 2：工会委员：张三、李四、王五", "评议：中层干部：赵一、钱二：优秀/称职/基本称职/不称职",
		"全体选民的 2/3 以上（含本数）", `action="/admin/ballots/1/open"`} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("preview = %d, want %q in:\n%s", code, want, body)
		}
	}
	if w := mustPost(t, s, c, "/admin/ballots/1/open", url.Values{"csrf": {csrf}}); !strings.Contains(w.Body.String(), "中还没有人") {
		t.Errorf("open with nobody tagged: %d\n%s", w.Code, w.Body.String())
	}
	if err := db.SaveMember(t.Context(), &unionbot.Member{UserID: "r1", Tags: []string{"教代会代表"}, Role: unionbot.RoleMember}); err != nil {
		t.Fatal(err)
	}
	if w := mustPost(t, s, c, "/admin/ballots/1/open", url.Values{"csrf": {csrf}}); w.Code != http.StatusSeeOther {
		t.Fatalf("open: %d\n%s", w.Code, w.Body.String())
	}
	_, body = mustGet(t, s, c, "/admin/ballots/1")
	if !strings.Contains(body, "进行中") || strings.Contains(body, "/open") || !strings.Contains(body, `action="/admin/ballots/1/close"`) {
		t.Errorf("open ballot page:\n%s", body)
	}
	if code, body := mustGet(t, s, c, "/admin/ballots"); code != 200 || !strings.Contains(body, "0 / 1") {
		t.Errorf("list = %d, want the turnout 0 / 1:\n%s", code, body)
	}
}
