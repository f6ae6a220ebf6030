package web

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"unionbot/storage/storagetest"
)

// MustConsole returns a server and a signed-in session cookie with its CSRF
// token.
func MustConsole(t *testing.T) (*Server, *http.Cookie, string) {
	t.Helper()
	db := storagetest.MustOpenDB(t, "sqlite")
	s := &Server{AdminToken: "tok", Members: db, Outbox: db}
	s.Handler()
	w := httptest.NewRecorder()
	s.startSession(w, httptest.NewRequest("GET", "/admin/login", nil), "")
	c := w.Result().Cookies()[0]
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(c)
	return s, c, s.csrfToken(s.readSession(r), "")
}

func mustGet(t *testing.T, s *Server, c *http.Cookie, path string) (int, string) {
	t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	r.AddCookie(c)
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	b, _ := io.ReadAll(w.Result().Body)
	return w.Code, string(b)
}

func TestConsolePagesWithoutFeatures(t *testing.T) {
	s, c, _ := MustConsole(t)
	for _, path := range []string{"/admin/events", "/admin/proposals", "/admin/faq", "/admin/announce"} {
		code, body := mustGet(t, s, c, path)
		if code != 200 || !strings.Contains(body, "该功能尚未启用") {
			t.Errorf("GET %s = %d, want 200 with 该功能尚未启用; body:\n%s", path, code, body)
		}
	}
	code, body := mustGet(t, s, c, "/admin")
	if code != 200 || strings.Count(body, "暂无") != 6 {
		t.Errorf("GET /admin = %d with %d×暂无, want 200 and 6 empty sections (5 features and no undelivered notices)", code, strings.Count(body, "暂无"))
	}
}

func TestConsoleEscapesAndCharts(t *testing.T) {
	s, c, csrf := MustConsole(t)
	const evil = "<script>alert(1)</script>"
	// Stand-ins for the feature routes, with the contracts of issues 3 and 4.
	s.mux.HandleFunc("GET /api/events", s.api(func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, 200, map[string]any{"events": []any{map[string]any{"id": 7, "title": evil, "status": "报名中", "capacity": 16}}})
		return nil
	}))
	s.mux.HandleFunc("GET /api/events/{id}/roster", s.api(func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, 200, map[string]any{"event": map[string]any{"id": 7, "title": evil, "capacity": 16},
			"confirmed": []any{map[string]any{"name": evil, "department": "语文组"}, map[string]any{"name": "李老师", "department": "语文组"}},
			"waitlist":  []any{map[string]any{"name": "赵老师", "department": evil}}})
		return nil
	}))
	var transition string
	s.mux.HandleFunc("POST /api/proposals/{no}/transition", s.api(func(w http.ResponseWriter, r *http.Request) error {
		b, _ := io.ReadAll(r.Body)
		transition = r.PathValue("no") + " " + string(b)
		writeJSON(w, 200, map[string]any{})
		return nil
	}))
	for _, path := range []string{"/admin", "/admin/events", "/admin/events/7"} {
		code, body := mustGet(t, s, c, path)
		if code != 200 || strings.Contains(body, evil) || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("GET %s = %d; want the title escaped, never raw; body:\n%s", path, code, body)
		}
	}
	if _, body := mustGet(t, s, c, "/admin/events/7"); !strings.Contains(body, `aria-label="已报名 2 / 名额 16，候补 1"`) || !strings.Contains(body, ">语文组</text>") {
		t.Errorf("roster page lacks the fill bar or the department chart:\n%s", body)
	}

	post := func(form url.Values) int {
		r := httptest.NewRequest("POST", "/admin/proposals/JY-2026-0001/transition", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.AddCookie(c)
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, r)
		return w.Code
	}
	if got := post(url.Values{"to": {"已答复"}, "note": {"已更换"}}); got != http.StatusForbidden || transition != "" {
		t.Errorf("transition without csrf: %d (API saw %q), want 403 and no call", got, transition)
	}
	if got := post(url.Values{"to": {"已答复"}, "note": {"已更换"}, "csrf": {csrf}}); got != http.StatusSeeOther {
		t.Errorf("transition: %d, want 303", got)
	}
	if want := `JY-2026-0001 {"by":"管理员（令牌登录）","note":"已更换","to":"已答复"}`; transition != want { // by: who, for the audit log
		t.Errorf("API got %q, want %q", transition, want)
	}
}

func TestConsoleEventEdit(t *testing.T) {
	s, c, csrf := MustConsole(t)
	s.mux.HandleFunc("GET /api/events/{id}", s.api(func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, 200, map[string]any{"id": 7, "title": "羽毛球赛", "kind": "比赛", "capacity": 16, "waitlist": true,
			"starts_at": "2026-12-01T06:00:00Z"})
		return nil
	}))
	var patched string
	s.mux.HandleFunc("PATCH /api/events/{id}", s.api(func(w http.ResponseWriter, r *http.Request) error {
		b, _ := io.ReadAll(r.Body)
		patched = string(b)
		writeJSON(w, 200, map[string]any{"id": 7})
		return nil
	}))
	code, body := mustGet(t, s, c, "/admin/events/7/edit")
	if code != 200 || !strings.Contains(body, `value="2026-12-01T14:00"`) || !strings.Contains(body, `value="羽毛球赛"`) {
		t.Fatalf("edit form = %d, want it filled in Beijing time:\n%s", code, body)
	}
	form := url.Values{"csrf": {csrf}, "title": {"羽毛球赛（改）"}, "kind": {"比赛"}, "starts_at": {"2026-12-02T14:00"}, "capacity": {"20"}}
	r := httptest.NewRequest("POST", "/admin/events/7/edit", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(c)
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	if w.Code != http.StatusSeeOther || !strings.Contains(patched, `"starts_at":"2026-12-02T14:00:00+08:00"`) || !strings.Contains(patched, `"capacity":20`) {
		t.Errorf("edit: %d, PATCH body %s", w.Code, patched)
	}
}

func TestParseFields(t *testing.T) {
	got, err := parseFields("衣服尺码：S/M/L\n\n 项目: 男单、女单 \n工作证号")
	if err != nil {
		t.Fatal(err)
	}
	want := []fieldSpec{{"衣服尺码", []string{"S", "M", "L"}}, {"项目", []string{"男单", "女单"}}, {"工作证号", nil}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("parseFields = %v, want %v", got, want)
	}
	if _, err := parseFields("：S/M"); err == nil {
		t.Fatal("a field without a name was taken")
	}
}
