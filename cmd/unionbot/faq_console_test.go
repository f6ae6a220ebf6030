package main

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
)

// consoleClient signs in to the console with the admin token and returns a
// client that keeps the session cookie, and a function that opens a page
// and returns its body and a CSRF token from its forms.
func consoleClient(t *testing.T, h *harness) (*http.Client, func(path string) (string, string)) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	open := func(path string) (string, string) {
		t.Helper()
		res, err := c.Get(h.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, res)
		m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)
		if m == nil {
			return body, ""
		}
		return body, m[1]
	}
	_, csrf := open("/admin/login")
	res, err := c.PostForm(h.URL()+"/admin/login", url.Values{"token": {testAPIKey}, "csrf": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, res); res.StatusCode != 200 || strings.Contains(body, `name="token"`) {
		t.Fatalf("sign-in: %d\n%.300s", res.StatusCode, body)
	}
	return c, open
}

// TestConsoleFAQ: the 问答 page marks starter entries and the ones a
// school's entry covers, lists unhelpful and unanswered questions with the
// entry that answered, attaches a question to an entry in one step,
// switches to 只用本校问答 in one click and imports by replacing.
func TestConsoleFAQ(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_RATE_LIMIT": "0"})
	data, err := os.ReadFile("../../handlers/faq/testdata/tuning_faq.yaml")
	if err != nil {
		t.Fatal(err)
	}
	MustAPI(t, h, "POST", "/api/faq/import?format=yaml", string(data), 200)
	h.MustSay(t, "t001", "體檢什麼時候")
	h.MustSay(t, "t001", "沒用")
	h.MustSay(t, "t002", "饭卡在哪里充值")
	c, open := consoleClient(t, h)
	body, csrf := open("/admin/faq")
	for _, want := range []string{"本校 20 条，内置 49 条，其中 49 条启用", `<span class="tag starter">内置</span>`, `<span class="tag own">本校</span>`,
		"已由本校“教职工体检安排”代答", "只用本校问答", "<span class=\"tag\">没用</span></td><td>體檢什麼時候</td>\n<td>教职工体检安排</td>",
		"<span class=\"tag\">未答</span></td><td>饭卡在哪里充值</td>"} {
		if !strings.Contains(body, want) {
			t.Fatalf("/admin/faq lacks %q:\n%s", want, body)
		}
	}
	post := func(path string, form url.Values, flash string) string {
		t.Helper()
		form.Set("csrf", csrf)
		res, err := c.PostForm(h.URL()+path, form)
		if err != nil {
			t.Fatal(err)
		}
		got := readAll(t, res)
		if !strings.Contains(got, flash) {
			t.Fatalf("POST %s: %d, want %q in\n%.2000s", path, res.StatusCode, flash, got)
		}
		return got
	}
	qid := regexp.MustCompile(`/admin/faq/questions/(\d+)/attach`).FindAllStringSubmatch(body, -1)
	office := regexp.MustCompile(`<option value="(\d+)">工会办公室在哪里？</option>`).FindStringSubmatch(body)
	if len(qid) != 2 || office == nil {
		t.Fatalf("attach forms %v, office entry %v", qid, office)
	}
	// The newest first: 饭卡在哪里充值 goes to 工会办公室在哪里？ (staff's choice).
	post("/admin/faq/questions/"+qid[0][1]+"/attach", url.Values{"entry_id": {office[1]}}, "已把这个问题归入“工会办公室在哪里？”")
	if got := h.MustSay(t, "t003", "饭卡在哪里充值"); !strings.Contains(got, "综合楼二楼") {
		t.Fatalf("after attaching in the console: %q", got)
	}
	got := post("/admin/faq/starter", url.Values{"own": {"1"}}, "已停用 49 条内置问答")
	if !strings.Contains(got, "重新启用内置问答") || !strings.Contains(got, "其中 0 条启用") {
		t.Fatalf("after 只用本校问答:\n%.2000s", got)
	}
	post("/admin/faq/import", url.Values{"mode": {"replace"}, "format": {"yaml"}, "text": {"- question: 饭卡充值\n  answer: 一楼服务台。\n"}},
		"导入完成（替换本校问答）：新增 1 条，更新 0 条，删除 20 条")
}
