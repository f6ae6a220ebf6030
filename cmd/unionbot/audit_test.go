package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"unionbot/storage/storagetest"
)

// auditEntry is one entry of GET /api/audit.
type auditEntry struct {
	ID        int64           `json:"id"`
	At        time.Time       `json:"at"`
	Actor     string          `json:"actor"`
	Channel   string          `json:"channel"`
	Addr      string          `json:"addr"`
	Action    string          `json:"action"`
	Label     string          `json:"label"`
	Target    string          `json:"target"`
	Outcome   string          `json:"outcome"`
	Before    json.RawMessage `json:"before"`
	After     json.RawMessage `json:"after"`
	Note      string          `json:"note"`
	ActorName string          `json:"actor_name"`
}

// MustAudit reads GET /api/audit?query.
func MustAudit(t *testing.T, h *harness, query string) ([]auditEntry, int64) {
	t.Helper()
	var page struct {
		Entries []auditEntry `json:"entries"`
		Next    int64        `json:"next_cursor"`
	}
	if err := json.Unmarshal(MustAPI(t, h, "GET", "/api/audit?"+query, "", 200), &page); err != nil {
		t.Fatal(err)
	}
	return page.Entries, page.Next
}

// must drops the cursor of MustAudit.
func must(list []auditEntry, _ int64) []auditEntry { return list }

// people leaves out what scheduled jobs did (the monthly announcement
// catches up when the program starts mid-month), keeping people's actions.
func people(list []auditEntry) []auditEntry {
	var out []auditEntry
	for _, e := range list {
		if e.Channel != "job" {
			out = append(out, e)
		}
	}
	return out
}

// mustOne is the one entry of list, failing otherwise.
func mustOne(t *testing.T, what string, list []auditEntry) auditEntry {
	t.Helper()
	if len(list) != 1 {
		t.Fatalf("%s: %d audit entries, want 1: %+v", what, len(list), list)
	}
	return list[0]
}

// consoleSession signs in to the console with the admin token over HTTP
// and returns the session cookie and the session's CSRF token.
func consoleSession(t *testing.T, h *harness, token string) (*http.Cookie, string, int) {
	t.Helper()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Get(h.URL() + "/admin/login")
	if err != nil {
		t.Fatal(err)
	}
	pre := res.Cookies()
	csrf := formCSRF(t, readAll(t, res))
	req, _ := http.NewRequest("POST", h.URL()+"/admin/login", strings.NewReader(url.Values{"token": {token}, "csrf": {csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range pre {
		req.AddCookie(c)
	}
	if res, err = noRedirect.Do(req); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == "unionbot_console" && c.Value != "" {
			body := sessionGet(t, h, c, "/admin/members")
			return c, formCSRF(t, body), res.StatusCode
		}
	}
	return nil, "", res.StatusCode
}

func formCSRF(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `name="csrf" value="`)
	if i < 0 {
		t.Fatalf("page without a csrf field:\n%s", body)
	}
	v := body[i+len(`name="csrf" value="`):]
	return v[:strings.IndexByte(v, '"')]
}

func sessionGet(t *testing.T, h *harness, sess *http.Cookie, path string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", h.URL()+path, nil)
	req.AddCookie(sess)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	return readAll(t, res)
}

// TestAuditLogEndToEnd: a change through the admin API, one through a
// console form and one by an admin's chat command each leave one audit
// entry naming who, from where, the target and its before and after; a
// teacher's admin command, a wrong token and a failed console sign-in are
// logged as refused; GET /api/audit filters and pages; the console's
// 审计日志 page shows the same.
func TestAuditLogEndToEnd(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			h := MustRunMain(t, driver, map[string]string{"test.clock": "2026-12-02T10:00:00+08:00"})
			start := h.Now()
			ev := MustOpenEvent(t, h, 10)
			target := "event:" + strconv.FormatInt(ev.ID, 10)

			// The admin API: PATCH the places.
			MustAPI(t, h, "PATCH", "/api/events/"+jsonInt(ev.ID), `{"capacity":20}`, 200)
			e := mustOne(t, "API change", must(MustAudit(t, h, "action=event.update&actor=admin-token")))
			if e.Actor != "admin-token" || e.Channel != "api" || e.Addr != "127.0.0.1" || e.Target != target || e.Outcome != "ok" ||
				!strings.Contains(string(e.Before), `"Capacity":10`) || !strings.Contains(string(e.After), `"Capacity":20`) {
				t.Fatalf("API change entry = %+v before %s after %s", e, e.Before, e.After)
			}

			// The console: sign in, then change a member's tags by the form.
			h.MustSay(t, "t7", "我是谁")
			sess, csrf, _ := consoleSession(t, h, testAPIKey)
			if sess == nil {
				t.Fatal("console sign-in failed")
			}
			form := url.Values{"csrf": {csrf}, "tags": {"女教职工, 退休"}}
			req, _ := http.NewRequest("POST", h.URL()+"/admin/members/t7/tags", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(sess)
			noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			if res, err := noRedirect.Do(req); err != nil || res.StatusCode != http.StatusSeeOther {
				t.Fatalf("console form: %v %v", res, err)
			}
			e = mustOne(t, "console change", must(MustAudit(t, h, "action=member.update&target=member:t7")))
			if e.Actor != "admin-token" || e.Channel != "console" || string(e.Before) == "" ||
				strings.Contains(string(e.Before), "退休") || !strings.Contains(string(e.After), `"tags":["女教职工","退休"]`) {
				t.Fatalf("console change entry = %+v before %s after %s", e, e.Before, e.After)
			}
			e = mustOne(t, "console sign-in", must(MustAudit(t, h, "action=console.signin")))
			if e.Channel != "console" || e.Outcome != "ok" || e.Actor != "admin-token" {
				t.Fatalf("sign-in entry = %+v", e)
			}

			// Chat: the admin changes the places by command.
			if got := h.MustSay(t, testAdmin, "修改名额 "+jsonInt(ev.ID)+" 30"); !strings.Contains(got, "名额已改为 30") {
				t.Fatalf("修改名额: %q", got)
			}
			e = mustOne(t, "chat change", must(MustAudit(t, h, "actor="+testAdmin+"&action=event.update")))
			if e.Channel != "chat-wecom" || e.Target != target || !strings.Contains(string(e.Before), `"Capacity":20`) ||
				!strings.Contains(string(e.After), `"Capacity":30`) {
				t.Fatalf("chat change entry = %+v before %s after %s", e, e.Before, e.After)
			}

			// Refused: a teacher's admin command, a wrong token, a failed sign-in.
			if got := h.MustSay(t, "t7", "取消活动 "+jsonInt(ev.ID)); !strings.Contains(got, "管理员") {
				t.Fatalf("teacher's 取消活动: %q", got)
			}
			e = mustOne(t, "refused command", must(MustAudit(t, h, "action=chat.refused")))
			if e.Actor != "t7" || e.Outcome != "refused" || e.Note != "取消活动" || e.Channel != "chat-wecom" {
				t.Fatalf("refused command entry = %+v", e)
			}
			req, _ = http.NewRequest("GET", h.URL()+"/api/events", nil)
			req.Header.Set("Authorization", "Bearer not-the-token")
			if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 401 {
				t.Fatalf("wrong token: %v %v", res, err)
			}
			h.Advance(t, time.Minute) // past the sign-in throttle's wait
			e = mustOne(t, "wrong token", must(MustAudit(t, h, "action=api.refused")))
			if e.Outcome != "refused" || e.Target != "GET /api/events" || e.Addr != "127.0.0.1" {
				t.Fatalf("wrong token entry = %+v", e)
			}
			if bad, _, status := consoleSession(t, h, "guess"); bad != nil || status != http.StatusSeeOther {
				t.Fatalf("sign-in with a wrong token: %v %d", bad, status)
			}
			h.Advance(t, time.Minute)
			e = mustOne(t, "failed sign-in", must(MustAudit(t, h, "action=console.signin_failed")))
			if e.Outcome != "refused" || e.Channel != "console" {
				t.Fatalf("failed sign-in entry = %+v", e)
			}

			// Nothing was the event's but those two updates and no change
			// was logged twice (the PATCH's waitlist step is the same change).
			all, _ := MustAudit(t, h, "target="+target)
			if len(all) != 2 {
				t.Fatalf("entries on %s = %+v, want the API's and the chat's update", target, all)
			}
			// Filters: a prefix, a time window, the refused alone, and paging.
			if got, _ := MustAudit(t, h, "action=console."); len(got) != 2 {
				t.Errorf("action=console.: %d entries, want the sign-in and the failure", len(got))
			}
			day := start.Format("2006-01-02")
			if got := people(must(MustAudit(t, h, "from="+day+"&to="+day))); len(got) != 7 {
				var seen []string
				for _, e := range got {
					seen = append(seen, e.Action+" "+e.Target+" "+e.Actor+" "+e.Note)
				}
				t.Errorf("from=to=%s: %d entries, want all 7: %q", day, len(got), seen)
			}
			if got, _ := MustAudit(t, h, "to="+url.QueryEscape(start.Add(-time.Minute).Format(time.RFC3339))); len(got) != 0 {
				t.Errorf("before the start: %d entries, want none", len(got))
			}
			var ids []int64
			q := "limit=3"
			for page := 0; page < 5; page++ {
				list, next := MustAudit(t, h, q)
				for _, e := range people(list) {
					ids = append(ids, e.ID)
				}
				if next == 0 {
					break
				}
				q = "limit=3&cursor=" + strconv.FormatInt(next, 10)
			}
			if len(ids) != 7 || ids[0] <= ids[6] { // 7 people's actions, and the job's in between
				t.Errorf("paged ids = %v, want 7, newest first", ids)
			}
			MustAPI(t, h, "GET", "/api/audit?from=yesterday", "", 400)
			MustAPI(t, h, "GET", "/api/audit?limit=0", "", 400)

			// The console page, with the same filters.
			page := sessionGet(t, h, sess, "/admin/audit?action=chat.refused")
			mustContain(t, "审计日志", page, "审计日志", "非管理员使用管理命令", "t7", "被拒绝", "企业微信聊天")
			if strings.Contains(page, "修改活动</td>") {
				t.Errorf("the filtered page shows other actions:\n%s", page)
			}
			mustContain(t, "审计日志", sessionGet(t, h, sess, "/admin/audit?actor="+testAdmin), "修改活动", target, "改动前", `&#34;Capacity&#34;:30`)
		})
	}
}
