package main

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"unionbot"
)

// mustLegacyXLSX is a one-row paper ledger of 2019.
func mustLegacyXLSX(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range [][]any{{"日期", "姓名", "部门", "类别", "金额/物品", "经办人", "票据号", "备注"},
		{"2019-03-08", "张老师", "语文组", "生病住院", "400", "王会计", "2019-001", ""}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &r)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// mustConsole signs user in to the console through (fake) WeCom OAuth and
// returns a client that keeps the session, following no redirects.
func mustConsole(t *testing.T, h *harness, user string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(h.URL() + "/admin/oauth")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, _ := url.Parse(res.Header.Get("Location"))
	state := loc.Query().Get("state")
	res, err = c.Get(h.URL() + "/admin/oauth/callback?code=" + h.Fake.OAuthCode(user) + "&state=" + url.QueryEscape(state))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d, want 303", user, res.StatusCode)
	}
	return c
}

func mustGetAs(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	res, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, readAll(t, res)
}

// TestCareConsole: an admin without the care role has no 关怀 link and
// gets 403 from every care page; one with it sees the cases, the ledger
// and a case's log, and each look at the case is in its read log.
func TestCareConsole(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_RATE_LIMIT": "0", "test.clock": "2026-03-02T01:00:00Z"})
	mustCareStaff(t, h)
	if err := h.DB.SaveMember(t.Context(), &unionbot.Member{UserID: "c001", Name: "关怀干事", Role: unionbot.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	id := mustStaffCase(t, h, "生病住院", "t001")

	plain := mustConsole(t, h, testAdmin)
	if code, body := mustGetAs(t, plain, h.URL()+"/admin"); code != 200 || strings.Contains(body, `href="/admin/care"`) {
		t.Errorf("overview for an admin without the care role: %d, shows the care link: %v", code, strings.Contains(body, `href="/admin/care"`))
	}
	for _, page := range []string{"/admin/care", "/admin/care/" + id, "/admin/care/ledger?year=2026"} {
		if code, body := mustGetAs(t, plain, h.URL()+page); code != http.StatusForbidden || !strings.Contains(body, "关怀") || strings.Contains(body, "张老师") {
			t.Errorf("%s for an admin without the care role: %d, want 403 showing no case", page, code)
		}
	}

	staff := mustConsole(t, h, "c001")
	code, body := mustGetAs(t, staff, h.URL()+"/admin/care")
	if code != 200 || !strings.Contains(body, `href="/admin/care"`) || !strings.Contains(body, "张老师") || !strings.Contains(body, "生病住院：一年内第1次150元、第2次100元、第3次50元") {
		t.Fatalf("care page for care staff: %d\n%s", code, body)
	}
	// A legacy ledger: the preview lists what will be added, then 确认导入.
	i := strings.Index(body, `name="csrf" value="`)
	csrf := body[i+len(`name="csrf" value="`):]
	csrf = csrf[:strings.IndexByte(csrf, '"')]
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", "2019.xlsx")
	fw.Write(mustLegacyXLSX(t))
	mw.Close()
	res, err := staff.Post(h.URL()+"/admin/care/import", mw.FormDataContentType(), &form)
	if err != nil {
		t.Fatal(err)
	}
	if preview := readAll(t, res); res.StatusCode != 200 || !strings.Contains(preview, "将新增 1 笔") || !strings.Contains(preview, "确认导入") {
		t.Fatalf("import preview: %d\n%s", res.StatusCode, preview)
	}
	if l := careAPI(t, h, "c001", "GET", "/api/care/ledger?year=2019", "", 200); !bytes.Contains(l, []byte(`"total_fen":0`)) {
		t.Fatalf("the preview imported: %s", l)
	}

	for i := 0; i < 2; i++ {
		if code, body := mustGetAs(t, staff, h.URL()+"/admin/care/"+id); code != 200 || !strings.Contains(body, "办理记录") {
			t.Fatalf("case page: %d\n%s", code, body)
		}
	}
	// A hardship record: each read through the API is in its log, by name.
	rec := careAPI(t, h, "c001", "POST", "/api/care/hardship", `{"member_id":"t002","tier":"相对困难","main_cause":"配偶重病","sub_causes":["子女上学"],"household":[{"name":"李小红","relation":"女","income_fen":0}],"income_fen":4800000}`, 201)
	careAPI(t, h, testAdmin, "GET", "/api/care/hardship/1", "", 403)
	careAPI(t, h, "c001", "GET", "/api/care/hardship/1", "", 200)
	if !bytes.Contains(rec, []byte(`"stage":"申请"`)) {
		t.Fatalf("new record: %s", rec)
	}
	for _, page := range []string{"/admin/care/hardship", "/admin/care/hardship/1"} {
		if code, _ := mustGetAs(t, plain, h.URL()+page); code != http.StatusForbidden {
			t.Errorf("%s for an admin without the care role: %d, want 403", page, code)
		}
	}
	if code, body := mustGetAs(t, staff, h.URL()+"/admin/care/hardship/1"); code != 200 || !strings.Contains(body, "李小红") || !strings.Contains(body, "配偶重病") {
		t.Fatalf("hardship page: %d\n%s", code, body)
	}
	if got := careAPI(t, h, "c001", "GET", "/api/care/hardship/1/reads", "", 200); bytes.Count(got, []byte(`"by":"c001","action":"查看"`)) != 2 || bytes.Contains(got, []byte(testAdmin)) {
		t.Fatalf("hardship reads %s, want the API and the console read by c001 (the refused admin read nothing)", got)
	}

	// One member's profile typed on the console: saved, tagged, shown in
	// the list, and brought back into the form to be changed; a date the
	// form cannot read is refused in Chinese.
	post := func(vals url.Values) (int, string) {
		vals.Set("csrf", csrf)
		res, err := staff.PostForm(h.URL()+"/admin/care/profile", vals)
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, readAll(t, res)
	}
	if code, body := post(url.Values{"member": {"李老师"}, "gender": {"女"}, "birthday": {"1975-03-08"}, "retires_on": {"2025-09-01"}}); code != http.StatusSeeOther {
		t.Fatalf("save profile: %d\n%s", code, body)
	}
	if m, err := h.DB.FindMember(t.Context(), "t002"); err != nil || !m.HasTag("女教职工") || !m.HasTag("退休") {
		t.Fatalf("t002 after the profile = %+v, %v; want tagged 女教职工 and 退休", m, err)
	}
	if code, body := mustGetAs(t, staff, h.URL()+"/admin/care?profile=t002"); code != 200 || !strings.Contains(body, `value="1975-03-08"`) || !strings.Contains(body, "<td>李老师</td><td>女</td><td>1975-03-08</td>") {
		t.Fatalf("care page with the profile in the form: %d\n%s", code, body)
	}
	if code, body := post(url.Values{"member": {"t002"}, "birthday": {"三月八日"}}); code != http.StatusBadRequest || !strings.Contains(body, "出生日期“三月八日”看不懂") || !strings.Contains(body, `name="member" value="t002"`) {
		t.Fatalf("a bad date: %d\n%s", code, body)
	}
	if code, body := post(url.Values{"member": {"不存在的人"}, "gender": {"女"}}); code != http.StatusBadRequest || !strings.Contains(body, "没有找到会员“不存在的人”") || !strings.Contains(body, `value="不存在的人"`) {
		t.Fatalf("a bad date: %d\n%s", code, body)
	}
	if got := careAPI(t, h, "c001", "POST", "/api/care/profiles", `{"member":"t001","gender":"男","birthday":"1980年5月1日"}`, 200); !bytes.Contains(got, []byte(`"birthday":"1980-05-01T00:00:00Z"`)) {
		t.Fatalf("profile by API: %s", got)
	}
	careAPI(t, h, "c001", "POST", "/api/care/profiles", `{"member":"t001","gender":"未知"}`, 400)
	if code, _ := mustGetAs(t, plain, h.URL()+"/admin/care?profile=t002"); code != http.StatusForbidden {
		t.Errorf("profiles for an admin without the care role: %d, want 403", code)
	}

	// The money rules from the page's form, without the API.
	rules := func(vals url.Values) (int, string) {
		vals.Set("csrf", csrf)
		res, err := staff.PostForm(h.URL()+"/admin/care/rules", vals)
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, readAll(t, res)
	}
	if code, body := mustGetAs(t, staff, h.URL()+"/admin/care"); code != 200 || !strings.Contains(body, "生病住院 150/100/50\n结婚 500</textarea>") {
		t.Fatalf("the rules form does not show the rules: %d\n%s", code, body)
	}
	if code, body := rules(url.Values{"kinds": {"生病住院 200/100\r\n结婚 500\r\n意外"}, "year_total": {"600"}, "one_paid": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("save rules: %d\n%s", code, body)
	}
	if code, body := mustGetAs(t, staff, h.URL()+"/admin/care"); code != 200 || !strings.Contains(body, "生病住院：一年内第1次200元、第2次100元") || !strings.Contains(body, "意外：") || !strings.Contains(body, "600元") {
		t.Fatalf("care page after the rules form: %d\n%s", code, body)
	}
	if code, body := rules(url.Values{"kinds": {"生病住院 两百\n结婚 800"}, "year_count": {"4"}}); code != http.StatusBadRequest || !strings.Contains(body, "第 1 行“生病住院 两百”看不懂") ||
		!strings.Contains(body, "生病住院 两百\n结婚 800</textarea>") || !strings.Contains(body, `name="year_count" value="4"`) {
		t.Fatalf("bad rules: %d\n%s", code, body)
	}

	b := careAPI(t, h, "c001", "GET", "/api/care/cases/"+id+"/reads", "", 200)
	if got := strings.Count(string(b), `"by":"c001","action":"查看"`); got != 2 {
		t.Fatalf("reads %s: %d reads by c001, want the 2 console looks", b, got)
	}
}
