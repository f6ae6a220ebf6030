package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"unionbot"
	"unionbot/handlers/faq"
	"unionbot/handlers/proposal"
	"unionbot/handlers/signup"
	"unionbot/storage/storagetest"
)

// MustConsole returns a server on a fresh SQLite store with the sign-up
// and proposal services, and a signed-in session cookie with its CSRF
// token.
func MustConsole(t *testing.T) (*Server, *http.Cookie, string) {
	t.Helper()
	db := storagetest.MustOpenDB(t, "sqlite")
	cst := time.FixedZone("CST", 8*3600)
	clock := func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, cst) }
	db.Now = clock
	s := &Server{AdminToken: "tok", Members: db, Outbox: db, Location: cst, Now: clock, Sessions: db,
		Signups:   signup.NewService(db, db, clock, cst),
		Proposals: &proposal.Service{Store: db, Members: db, Now: clock, Location: cst}}
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
	for _, path := range []string{"/admin/faq", "/admin/announce"} {
		code, body := mustGet(t, s, c, path)
		if code != 200 || !strings.Contains(body, "该功能尚未启用") {
			t.Errorf("GET %s = %d, want 200 with 该功能尚未启用; body:\n%s", path, code, body)
		}
	}
	code, body := mustGet(t, s, c, "/admin")
	if code != 200 || !strings.Contains(body, "报名中的活动") {
		t.Errorf("GET /admin = %d; body:\n%s", code, body)
	}
}

// TestConsoleEscapesAndCharts: names and titles a teacher or admin typed
// are text on every page; the roster shows the fill bar and the chart by
// department; a transition without its CSRF token changes nothing, and
// with it goes through the proposal service with the signed-in admin as
// its author in the log.
func TestConsoleEscapesAndCharts(t *testing.T) {
	s, c, csrf := MustConsole(t)
	ctx := t.Context()
	const evil = "<script>alert(1)</script>"
	at := s.now().UTC()
	ev := &signup.Event{Title: evil, Kind: "比赛", StartsAt: at.Add(72 * time.Hour), SignupClosesAt: at.Add(48 * time.Hour), Capacity: 2, Waitlist: true}
	if err := s.Signups.Publish(ctx, ev); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*unionbot.Member{{UserID: "t1", Name: evil, Department: "语文组"}, {UserID: "t2", Name: "李老师", Department: "语文组"}, {UserID: "t3", Name: "赵老师", Department: evil}} {
		if err := s.Members.SaveMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := s.Signups.SignUp(ctx, ev, m, &signup.Entry{}); err != nil {
			t.Fatal(err)
		}
	}
	id := strconv.FormatInt(ev.ID, 10)
	for _, path := range []string{"/admin", "/admin/events", "/admin/events/" + id} {
		code, body := mustGet(t, s, c, path)
		if code != 200 || strings.Contains(body, evil) || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("GET %s = %d; want the title escaped, never raw; body:\n%s", path, code, body)
		}
	}
	if _, body := mustGet(t, s, c, "/admin/events/"+id); !strings.Contains(body, `aria-label="已报名 2 / 名额 2，候补 1"`) || !strings.Contains(body, ">语文组</text>") {
		t.Errorf("roster page lacks the fill bar or the department chart:\n%s", body)
	}

	p := &proposal.Proposal{Kind: proposal.KindSuggestion, Title: "饮水机", Category: "后勤保障", Content: "三楼没有饮水机。", Measures: "加一台。", AuthorID: "t2", AuthorName: "李老师"}
	if err := s.Proposals.Submit(ctx, p); err != nil {
		t.Fatal(err)
	}
	path := "/admin/proposals/" + p.No + "/transition"
	if got := mustPost(t, s, c, path, url.Values{"to": {"审查中"}, "note": {"开始审查"}}).Code; got != http.StatusForbidden {
		t.Errorf("transition without csrf: %d, want 403", got)
	}
	if d, _ := s.Proposals.Get(ctx, p.No); d.Status != proposal.StatusSubmitted {
		t.Fatalf("status after a refused transition = %s", d.Status)
	}
	if got := mustPost(t, s, c, path, url.Values{"to": {"审查中"}, "note": {"开始审查"}, "csrf": {csrf}}).Code; got != http.StatusSeeOther {
		t.Errorf("transition: %d, want 303", got)
	}
	d, err := s.Proposals.Get(ctx, p.No)
	if err != nil || d.Status != "审查中" || d.Log[len(d.Log)-1].ByName != "管理员（令牌登录）" {
		t.Fatalf("after the transition: %+v, %v; want 审查中 by 管理员（令牌登录）", d, err)
	}
}

// TestConsoleEventEdit: the edit form shows the union's local time, and
// saving it updates the event through the sign-up service.
func TestConsoleEventEdit(t *testing.T) {
	s, c, csrf := MustConsole(t)
	ev := &signup.Event{Title: "羽毛球赛", Kind: "比赛", StartsAt: time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC), Capacity: 16, Waitlist: true}
	if err := s.Signups.Publish(t.Context(), ev); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(ev.ID, 10)
	code, body := mustGet(t, s, c, "/admin/events/"+id+"/edit")
	if code != 200 || !strings.Contains(body, `value="2026-12-01T14:00"`) || !strings.Contains(body, `value="羽毛球赛"`) {
		t.Fatalf("edit form = %d, want it filled in Beijing time:\n%s", code, body)
	}
	form := url.Values{"csrf": {csrf}, "title": {"羽毛球赛（改）"}, "kind": {"比赛"}, "starts_at": {"2026-12-02T14:00"}, "capacity": {"20"}, "waitlist": {"on"}}
	if got := mustPost(t, s, c, "/admin/events/"+id+"/edit", form).Code; got != http.StatusSeeOther {
		t.Fatalf("edit: %d, want 303", got)
	}
	got, err := s.Signups.Event(t.Context(), ev.ID)
	if err != nil || got.Title != "羽毛球赛（改）" || got.Capacity != 20 || !got.StartsAt.Equal(time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)) {
		t.Fatalf("event after edit = %+v, %v", got, err)
	}
}

func TestParseFields(t *testing.T) {
	got, err := parseFields("衣服尺码：S/M/L\n\n 项目: 男单、女单 \n工作证号")
	if err != nil {
		t.Fatal(err)
	}
	want := []signup.Field{{Name: "衣服尺码", Options: []string{"S", "M", "L"}}, {Name: "项目", Options: []string{"男单", "女单"}}, {Name: "工作证号"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("parseFields = %v, want %v", got, want)
	}
	if _, err := parseFields("：S/M"); err == nil {
		t.Fatal("a field without a name was taken")
	}
}

// TestSignInThrottleAndLogout: wrong tokens from one address make it wait
// longer each time and lock it out after LockAfter, right token or not;
// another address is unaffected; the overview names the locked address;
// the login page shows only its own messages; and a session copied before
// signing out is dead after it.
func TestSignInThrottleAndLogout(t *testing.T) {
	s, c, csrf := MustConsole(t)
	now := s.now()
	s.Now = func() time.Time { return now }
	login := func(addr, token string) string {
		pre := httptest.NewRecorder()
		form := httptest.NewRequest("GET", "/admin/login", nil)
		s.Handler().ServeHTTP(pre, form)
		cookie := pre.Result().Cookies()[0]
		body := pre.Body.String()
		i := strings.Index(body, `name="csrf" value="`) + len(`name="csrf" value="`)
		tok := body[i : i+strings.IndexByte(body[i:], '"')]
		r := httptest.NewRequest("POST", "/admin/login", strings.NewReader(url.Values{"csrf": {tok}, "token": {token}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.RemoteAddr = addr + ":5000"
		r.AddCookie(cookie)
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, r)
		return w.Result().Header.Get("Location")
	}
	if got := login("10.1.1.1", "guess"); !strings.Contains(got, "err=token") {
		t.Fatalf("wrong token: %q", got)
	}
	if got := login("10.1.1.1", "tok"); !strings.Contains(got, "err=wait") {
		t.Fatalf("right token a moment after a wrong one: %q, want to wait", got)
	}
	for i := 1; i < LockAfter; i++ {
		now = now.Add(2 * time.Minute)
		login("10.1.1.1", "guess")
	}
	now = now.Add(2 * time.Minute)
	if got := login("10.1.1.1", "tok"); !strings.Contains(got, "err=wait") {
		t.Fatalf("right token while locked out: %q, want to wait", got)
	}
	if got := login("10.2.2.2", "tok"); got != "/admin" {
		t.Fatalf("another address with the right token: %q, want signed in", got)
	}
	if _, body := mustGet(t, s, c, "/admin"); !strings.Contains(body, "登录锁定") || !strings.Contains(body, "10.1.1.1") {
		t.Fatalf("overview does not show the lockout:\n%s", body)
	}
	if _, body := mustGet(t, s, c, "/admin/login?err=<b>伪造的通知</b>"); strings.Contains(body, "伪造的通知") {
		t.Fatal("the login page shows text from the address bar")
	}
	// Sign out; the same cookie, copied before, no longer opens anything.
	if got := mustPost(t, s, c, "/admin/logout", url.Values{"csrf": {csrf}}).Code; got != 303 {
		t.Fatalf("logout: %d", got)
	}
	if code, _ := mustGet(t, s, c, "/admin/members"); code != http.StatusSeeOther {
		t.Fatalf("a copied cookie after logout: %d, want 303 to sign in", code)
	}
}

// TestConsolePaginates: a long list comes a page at a time, with links that
// keep the filters.
func TestConsolePaginates(t *testing.T) {
	s, c, _ := MustConsole(t)
	for i := 0; i < 250; i++ {
		if err := s.Members.SaveMember(t.Context(), &unionbot.Member{UserID: fmt.Sprintf("m%03d", i), Name: "老师", Department: "语文组"}); err != nil {
			t.Fatal(err)
		}
	}
	_, body := mustGet(t, s, c, "/admin/members?department=%E8%AF%AD%E6%96%87%E7%BB%84")
	if !strings.Contains(body, "第 1/3 页，共 250 条") || strings.Count(body, `/tags"`) != PageSize || !strings.Contains(body, "department=") {
		t.Fatalf("members page 1 lacks the pager or shows more than a page:\n%.2000s", body)
	}
	if _, body := mustGet(t, s, c, "/admin/members?page=3"); strings.Count(body, `/tags"`) != 50 || !strings.Contains(body, "m249") {
		t.Fatal("members page 3 is not the last 50")
	}
}

// TestConsoleFAQFeedbackGroupsAndIgnores: the same question asked three
// times is one row with its count, a long one is clipped behind 展开, and
// 忽略 takes a row off the list; staff can correct a member's name and
// department.
func TestConsoleFAQFeedbackGroupsAndIgnores(t *testing.T) {
	s, c, csrf := MustConsole(t)
	ctx := t.Context()
	db := s.Members.(faq.Store)
	svc, err := faq.NewService(db, nil, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	s.FAQ = svc
	for _, q := range []string{"游泳馆几点开门？", "游泳馆几点开门", "游泳馆 几点开门!", strings.Repeat("宿舍热水", 40)} {
		if err := db.LogQuestion(ctx, &faq.Question{UserID: "t1", Text: q}); err != nil {
			t.Fatal(err)
		}
	}
	_, body := mustGet(t, s, c, "/admin/faq")
	if strings.Count(body, "游泳馆") != 1+strings.Count(body, `value="游泳馆`) || !strings.Contains(body, "问了 3 次") || !strings.Contains(body, "展开") {
		t.Fatalf("feedback not grouped or not clipped:\n%.4000s", body)
	}
	var ids string // the group asked three times
	for _, part := range strings.Split(body, `name="ids" value="`)[1:] {
		if v := part[:strings.IndexByte(part, '"')]; strings.Count(v, ",") == 2 {
			ids = v
		}
	}
	if got := mustPost(t, s, c, "/admin/faq/ignore", url.Values{"csrf": {csrf}, "ids": {ids}}).Code; got != 303 {
		t.Fatalf("ignore: %d", got)
	}
	if qs, _ := svc.Feedback(ctx, 50); len(qs) != 1 {
		t.Fatalf("after 忽略 %d questions to look at, want 1", len(qs))
	}

	if err := s.Members.SaveMember(ctx, &unionbot.Member{UserID: "t001"}); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"csrf": {csrf}, "name": {"张老师"}, "department": {"语文组"}, "tags": {"女教职工"}}
	if got := mustPost(t, s, c, "/admin/members/t001/tags", form).Code; got != 303 {
		t.Fatalf("member edit: %d", got)
	}
	if m, _ := s.Members.FindMember(ctx, "t001"); m.Name != "张老师" || m.Department != "语文组" || len(m.Tags) != 1 {
		t.Fatalf("member after edit = %+v", m)
	}
}

// TestConsoleAllocation: the event form takes the confirmation window, the
// allocation rule and the look-back years; the roster shows a promoted
// teacher as 待确认 until when, and a rotation event's 立即抽签 publishes
// the seed and the order on the page and as JSON.
func TestConsoleAllocation(t *testing.T) {
	s, c, csrf := MustConsole(t)
	ctx := t.Context()
	form := url.Values{"csrf": {csrf}, "title": {"暑期疗养"}, "kind": {"疗养"}, "starts_at": {"2027-07-10T08:00"},
		"signup_closes_at": {"2026-12-10T18:00"}, "capacity": {"1"}, "waitlist": {"on"}, "allocation": {"rotation"},
		"lookback_years": {"5"}, "confirm_within": {"48h"}}
	if got := mustPost(t, s, c, "/admin/events/new", form); got.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d", got.Code)
	}
	evs, _ := s.Signups.Events(ctx, signup.EventFilter{})
	ev := evs[0]
	if ev.Allocation != signup.AllocRotation || ev.LookbackYears != 5 || ev.ConfirmWithin != 48*time.Hour {
		t.Fatalf("event = %+v", ev)
	}
	bad := url.Values{"csrf": {csrf}, "title": {"x"}, "kind": {"出行"}, "starts_at": {"2027-07-10T08:00"}, "confirm_within": {"明天"}}
	if got := mustPost(t, s, c, "/admin/events/new", bad); got.Code != http.StatusBadRequest || !strings.Contains(got.Body.String(), "确认时限应写成") {
		t.Fatalf("bad window: %d", got.Code)
	}
	for _, u := range []string{"t1", "t2"} {
		m := &unionbot.Member{UserID: u, Name: u + "老师"}
		if err := s.Members.SaveMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := s.Signups.SignUp(ctx, ev, m, &signup.Entry{}); err != nil {
			t.Fatal(err)
		}
	}
	id := strconv.FormatInt(ev.ID, 10)
	if _, body := mustGet(t, s, c, "/admin/events/"+id); !strings.Contains(body, "已登记 2 人") || !strings.Contains(body, `id="draw-now"`) {
		t.Fatalf("rotation roster before the draw:\n%s", body)
	}
	if got := mustPost(t, s, c, "/admin/events/"+id+"/draw", url.Values{"csrf": {csrf}}); got.Code != http.StatusSeeOther {
		t.Fatalf("draw: %d", got.Code)
	}
	pub, err := s.Signups.Draw(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, body := mustGet(t, s, c, "/admin/events/"+id)
	if !strings.Contains(body, pub.Seed) || !strings.Contains(body, `id="draw-order"`) || strings.Contains(body, `id="draw-now"`) {
		t.Fatalf("roster after the draw lacks the seed and order:\n%s", body)
	}
	if _, js := mustGet(t, s, c, "/admin/events/"+id+"/draw.json"); !strings.Contains(js, `"seed":"`+pub.Seed+`"`) {
		t.Fatalf("draw.json = %s", js)
	}
	// The winner cancels: the next in the drawn order is 待确认 for 48 hours.
	if _, err := s.Signups.Cancel(ctx, ev, pub.Order[0].UserID); err != nil {
		t.Fatal(err)
	}
	if _, body := mustGet(t, s, c, "/admin/events/"+id); !strings.Contains(body, "待确认（至 2026-11-22 09:00）") {
		t.Fatalf("roster lacks 待确认 with its deadline:\n%s", body)
	}
}
