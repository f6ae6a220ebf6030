package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"unionbot/bot/wecom/fakewecom"
	"unionbot/handlers/announce/announcetest"
)

// xssName is a teacher's name (and later an event title) that must render
// as text, never run.
const xssName = "<script>alert(1)</script>"

// browser is a headless Chromium on a fresh profile, with a folder for the
// screenshots of each page.
type browser struct {
	ctx     context.Context
	shots   string
	base    string
	dialogs chan string
}

// MustBrowser starts the system Chromium (scripts/test.sh installs Debian's
// chromium) or skips when there is none.
func MustBrowser(t *testing.T, base string) *browser {
	t.Helper()
	exe := os.Getenv("UNIONBOT_CHROMIUM")
	if exe == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				exe = p
				break
			}
		}
	}
	if exe == "" {
		t.Skip("no Chromium on this machine: the console browser tests need it (scripts/test.sh installs Debian's chromium)")
	}
	shots := os.Getenv("UNIONBOT_SCREENSHOTS")
	if shots == "" {
		shots = filepath.Join(os.TempDir(), "unionbot-console-screenshots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("console screenshots: %s\n", shots)
	t.Logf("console screenshots: %s", shots)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.WindowSize(420, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelB(); cancelA() })
	b := &browser{ctx: ctx, shots: shots, base: base, dialogs: make(chan string, 8)}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium %s: %v", exe, err)
	}
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.dialogs <- ev.Message
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return b
}

// MustDo runs steps, failing the test with what on error.
func (b *browser) MustDo(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// MustOpen loads path and returns the page's visible text.
func (b *browser) MustOpen(t *testing.T, path string) string {
	t.Helper()
	b.MustDo(t, "open "+path, chromedp.Navigate(b.base+path))
	return b.Text(t)
}

// Text returns the visible text of the current page.
func (b *browser) Text(t *testing.T) string {
	t.Helper()
	text, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		t.Fatalf("read page: %v", err)
	}
	return text
}

// Shot writes a full-page PNG named name.png.
func (b *browser) Shot(t *testing.T, name string) {
	t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// ShotWide takes the page as on a 1280-pixel desktop screen (Shot is the
// width of WeCom's in-app browser on a phone, 420), then goes back.
func (b *browser) ShotWide(t *testing.T, name string) {
	t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("viewport: %v", err)
	}
	b.Shot(t, name)
	if _, err := chromedp.Run(b.ctx, chromedp.EmulateViewport(420, 900)); err != nil {
		t.Fatalf("viewport: %v", err)
	}
}

// Fetch posts a form from the page's own origin (cookies included) and
// returns the status: how a forged or stale form would arrive.
func (b *browser) Fetch(t *testing.T, path, body string) int {
	t.Helper()
	js := fmt.Sprintf(`fetch(%q, {method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: %q, redirect: "manual"}).then(r => r.status)`, path, body)
	status, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch %s: %v", path, err)
	}
	return status
}

// Get fetches path from the page's origin and returns the body.
func (b *browser) Get(t *testing.T, path string) string {
	t.Helper()
	body, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q).then(r => r.text())`, path), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("get %s: %v", path, err)
	}
	return body
}

func mustContain(t *testing.T, where, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Fatalf("%s: page lacks %q; page text:\n%s", where, w, text)
		}
	}
}

func TestConsoleInBrowser(t *testing.T) {
	// The last evening of the year: "this month" and "in three days" fall
	// in different years, which a wall-clock test only met in December.
	h := MustRunMain(t, "sqlite", map[string]string{"test.clock": "2026-12-31T21:30:00+08:00"})
	h.Fake.AddDepartment(2, "语文组")
	h.Fake.AddDepartment(3, "数学组")
	h.Fake.AddUser(fakewecom.User{UserID: testAdmin, Name: "王主席", Department: []int{1}})
	h.Fake.AddUser(fakewecom.User{UserID: "t001", Name: xssName, Department: []int{2}})
	h.Fake.AddUser(fakewecom.User{UserID: "t002", Name: "李老师", Department: []int{3}})
	b := MustBrowser(t, h.URL())

	// Signed out, the console sends you to the sign-in form.
	text := b.MustOpen(t, "/admin/members")
	mustContain(t, "signed out", text, "登录工会管理后台", "用企业微信登录")
	b.Shot(t, "01-login")
	b.MustDo(t, "wrong token", chromedp.SendKeys(chromedp.CSS("#token"), "not-the-token"), chromedp.Click(chromedp.CSS("#login")), chromedp.WaitVisible(chromedp.CSS(".error")))
	mustContain(t, "wrong token", b.Text(t), "管理令牌不对")
	h.Advance(t, 2*time.Second) // a wrong token makes this address wait a second
	b.MustDo(t, "sign in", chromedp.SendKeys(chromedp.CSS("#token"), testAPIKey), chromedp.Click(chromedp.CSS("#login")), chromedp.WaitVisible(chromedp.CSS("#members")))

	// 成员: sync the address book, then the script-named teacher is text.
	b.MustDo(t, "sync", chromedp.Click(chromedp.CSS("#sync")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	text = b.Text(t)
	mustContain(t, "members after sync", text, "通讯录同步完成：共 3 人", xssName, "语文组", "李老师")
	b.Shot(t, "02-members")
	select {
	case msg := <-b.dialogs:
		t.Fatalf("a dialog opened (%q): a name ran as script", msg)
	default:
	}
	b.MustDo(t, "edit tags",
		chromedp.SetValue(chromedp.CSS(`form[action="/admin/members/t002/tags"] input[name=tags]`), "女教职工, 工会小组长"),
		chromedp.Submit(chromedp.CSS(`form[action="/admin/members/t002/tags"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	m, err := h.DB.FindMember(t.Context(), "t002")
	if err != nil || strings.Join(m.Tags, ",") != "女教职工,工会小组长" {
		t.Fatalf("t002 after tag edit = %+v, %v; want tags 女教职工,工会小组长", m, err)
	}

	// Every page renders, with or without its feature.
	for _, pg := range []struct{ path, name, want string }{
		{"/admin", "03-overview", "报名中的活动"},
		{"/admin/events", "04-events", "活动"},
		{"/admin/proposals", "05-proposals", "建议与提案"},
		{"/admin/faq", "06-faq", "问答"},
		{"/admin/plan", "07-plan", "还没有年度计划"},
		{"/admin/announce", "08-announce", "公告"},
	} {
		mustContain(t, pg.path, b.MustOpen(t, pg.path), pg.want)
		b.Shot(t, pg.name)
	}

	// A form without its CSRF token is refused, signed in or not.
	b.MustOpen(t, "/admin/members")
	if got := b.Fetch(t, "/admin/members/sync", ""); got != http.StatusForbidden {
		t.Errorf("POST without csrf: status %d, want 403", got)
	}
	if got := b.Fetch(t, "/admin/members/sync", "csrf=forged"); got != http.StatusForbidden {
		t.Errorf("POST with a forged csrf: status %d, want 403", got)
	}

	// Sign out; a WeCom user who is not an admin gets the Chinese 403.
	b.MustDo(t, "sign out", chromedp.Click(chromedp.CSS(".logout button")), chromedp.WaitVisible(chromedp.CSS("#token")))
	h.Fake.SetOAuthUser("t002")
	text = b.MustOpen(t, "/admin/oauth")
	mustContain(t, "non-admin oauth", text, "不是工会管理员")
	b.Shot(t, "09-forbidden")
	if got := b.MustOpen(t, "/admin"); !strings.Contains(got, "登录工会管理后台") {
		t.Fatalf("after a refused OAuth the console is open:\n%s", got)
	}

	// The admin listed in UNIONBOT_ADMINS signs in through WeCom OAuth.
	h.Fake.SetOAuthUser(testAdmin)
	mustContain(t, "admin oauth", b.MustOpen(t, "/admin/oauth"), "概览", testAdmin)

	consolePlanFlow(t, h, b)
	consolePlanWordFlow(t, b)
	consoleEventFlow(t, h, b)
	consoleProposalFlow(t, h, b)
	consoleFAQFlow(t, h, b)
	// 审计日志: the wrong token, the refused teacher, the sync and the
	// tag edit above are all there.
	mustContain(t, "审计日志", b.MustOpen(t, "/admin/audit"), "审计日志", "登录管理后台失败", "不是工会管理员", "t002",
		"同步通讯录", "修改成员", "member:t002", "登录管理后台", testAdmin)
	b.ShotWide(t, "98-audit-1280")
	mustContain(t, "审计日志 filtered", b.MustOpen(t, "/admin/audit?action=member.update"), "修改成员")
	b.Shot(t, "98-audit")
	b.MustOpen(t, "/admin")
	b.Shot(t, "99-overview-after")
	b.ShotWide(t, "99-overview-after-1280")
}

// consolePlanFlow pastes a plan, previews the parsed months, saves it and
// previews this month's announcement as teachers will see it.
func consolePlanFlow(t *testing.T, h *harness, b *browser) {
	// A plan of the clock's year: this month and another month of it.
	now := h.Now().In(time.FixedZone("CST", 8*3600))
	other := now.Month() + 1
	if other > 12 {
		other = now.Month() - 1
	}
	plan := fmt.Sprintf("各月工作安排：\n%d月份：\n1、教职工健身月活动。\n2、组织教职工羽毛球比赛。\n%d月份：\n1、迎新年教职工联欢会。\n", int(now.Month()), int(other))
	b.MustOpen(t, "/admin/plan")
	b.MustDo(t, "paste plan",
		chromedp.SetValue(chromedp.CSS(`input[name=year]`), strconv.Itoa(now.Year())),
		chromedp.SetValue(chromedp.CSS("#plan-text"), plan),
		chromedp.Click(chromedp.CSS("#plan-preview")), chromedp.WaitVisible(chromedp.CSS("#plan-months")))
	mustContain(t, "plan preview", b.Text(t), "教职工健身月活动", "迎新年教职工联欢会", "确认保存")
	b.Shot(t, "10-plan-preview")
	b.MustDo(t, "save plan", chromedp.Click(chromedp.CSS("#plan-save")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	mustContain(t, "announce after save", b.Text(t), "工作计划已保存", "教职工健身月活动")
	b.Shot(t, "11-announce-preview")
	mustContain(t, "calendar", b.MustOpen(t, "/admin/plan?year="+strconv.Itoa(now.Year())), "年起的日历", "教职工健身月活动")
	b.Shot(t, "12-calendar")
}

// consolePlanWordFlow uploads a Word plan whose schedule is a table with a
// merged 学期 column (篇四 of a seed), previews it month by month with the
// lines left out, and saves it.
func consolePlanWordFlow(t *testing.T, b *browser) {
	path := filepath.Join(t.TempDir(), "工会工作计划.docx")
	if err := os.WriteFile(path, announcetest.MustDocxTable(t, seedPart(t, 4), "工会"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.MustOpen(t, "/admin/plan")
	b.MustDo(t, "upload a Word plan",
		chromedp.SetValue(chromedp.CSS(`input[name=year]`), "2030"),
		chromedp.SetUploadFiles(chromedp.CSS("#plan-file"), []string{path}),
		chromedp.Click(chromedp.CSS("#plan-preview")), chromedp.WaitVisible(chromedp.CSS("#plan-months")))
	text := b.Text(t)
	mustContain(t, "Word plan preview", text, "已读取文件：工会工作计划.docx", "2030 年 3 月", "庆祝“三·八”妇女节（负责人：工会）",
		"2030 年 12 月", "年终总结（负责人：工会）", "33 项", "新增 33 项", "未排入的行", "确认保存")
	if strings.Contains(text, "指导思想：以“三个代表”") {
		t.Fatalf("prose shown among the months (the unplaced lines are folded):\n%s", text)
	}
	b.MustDo(t, "show unplaced", chromedp.Click(chromedp.CSS("#plan-unplaced summary")))
	mustContain(t, "unplaced lines", b.Text(t), "学期 | 月份 | 主要工作 | 负责人", "表格的标题行", "计划正文，不在按月安排中")
	b.Shot(t, "10b-plan-word-preview")
	b.MustDo(t, "save Word plan", chromedp.Click(chromedp.CSS("#plan-save")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	mustContain(t, "Word plan saved", b.Text(t), "2030 年工作计划已保存：新增 33 项，修改 0 项，删除 0 项")
}

// seedPart is plan n (篇n) of the five-plan seed collection.
func seedPart(t *testing.T, n int) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "handlers", "announce", "testdata", "plans-union-group-5.txt"))
	if err != nil {
		t.Fatal(err)
	}
	marks := []string{"工会小组年度工作计划篇一", "工会小组年度工作计划篇二", "工会小组年度工作计划篇三", "工会小组年度工作计划篇四", "工会小组年度工作计划篇五"}
	text := string(b)
	i := strings.Index(text, marks[n-1])
	if i < 0 {
		t.Fatalf("seed has no %s", marks[n-1])
	}
	text = text[i:]
	if n < len(marks) {
		text = text[:strings.Index(text, marks[n])]
	}
	return text
}

// consoleEventFlow creates an event whose title is a script, has teachers
// sign up through the encrypted callback, and finds them in the roster and
// its CSV export.
func consoleEventFlow(t *testing.T, h *harness, b *browser) {
	local := func(d time.Duration) string {
		return h.Now().Add(d).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
	}
	b.MustOpen(t, "/admin/events/new")
	b.MustDo(t, "empty event form", chromedp.Click(chromedp.CSS("#create-event")), chromedp.WaitVisible(chromedp.CSS(".error")))
	mustContain(t, "field errors", b.Text(t), "请填写活动名称。", "请填写开始时间。")
	title := xssName + "羽毛球赛"
	b.MustDo(t, "fill event form",
		chromedp.SetValue(chromedp.CSS(`input[name=title]`), title),
		chromedp.SetValue(chromedp.CSS(`input[name=location]`), "体育馆"),
		chromedp.SetValue(chromedp.CSS(`input[name=starts_at]`), local(72*time.Hour)),
		chromedp.SetValue(chromedp.CSS(`input[name=ends_at]`), local(74*time.Hour)),
		chromedp.SetValue(chromedp.CSS(`input[name=signup_opens_at]`), local(-time.Hour)),
		chromedp.SetValue(chromedp.CSS(`input[name=signup_closes_at]`), local(48*time.Hour)),
		chromedp.SetValue(chromedp.CSS(`input[name=capacity]`), "2"),
		chromedp.Click(chromedp.CSS("#create-event")), chromedp.WaitVisible(chromedp.CSS("#roster")))
	mustContain(t, "event created", b.Text(t), "活动已发布", title)
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	path := strings.SplitN(strings.TrimPrefix(loc, b.base), "?", 2)[0]

	for _, u := range []string{"t001", "t002", testAdmin} {
		reply := h.MustSay(t, u, "报名羽毛球")
		for i := 0; i < 4 && strings.Contains(reply, "确认") && !strings.Contains(reply, "成功"); i++ {
			reply = h.MustSay(t, u, "确认")
		}
		t.Logf("%s 报名羽毛球 → %q", u, reply)
	}
	text := b.MustOpen(t, path)
	mustContain(t, "roster", text, "李老师", xssName, "王主席", "候补（1）")
	b.Shot(t, "14-roster")
	b.ShotWide(t, "14-roster-1280")
	b.MustDo(t, "check in the first teacher", chromedp.Click(chromedp.CSS("#roster button.checkin")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	mustContain(t, "checked in", b.Text(t), "已签到。")
	select {
	case msg := <-b.dialogs:
		t.Fatalf("a dialog opened (%q): the event title ran as script", msg)
	default:
	}
	csv := b.Get(t, path+"/export?format=csv")
	if !strings.Contains(csv, "李老师") {
		t.Errorf("CSV export lacks 李老师:\n%s", csv)
	}
	mustContain(t, "overview with the event", b.MustOpen(t, "/admin"), title, "已报名 2 / 名额 2，候补 1")
	b.Shot(t, "15-overview-with-event")
}

// consoleProposalFlow: a teacher's suggestion is moved to 已答复 on the
// console.
func consoleProposalFlow(t *testing.T, h *harness, b *browser) {
	reply := h.MustSay(t, "t002", "提建议 标题：食堂增加晚餐窗口 类别：后勤保障 内容：晚自习老师下班晚，食堂晚餐窗口太少。 措施：增开两个窗口。")
	for i := 0; i < 8 && !strings.Contains(reply, "JY-"); i++ {
		switch {
		case strings.Contains(reply, "匿名"):
			reply = h.MustSay(t, "t002", "否")
		case strings.Contains(reply, "确认提交"):
			reply = h.MustSay(t, "t002", "确认提交")
		case strings.Contains(reply, "类别"):
			reply = h.MustSay(t, "t002", "后勤保障")
		default:
			reply = h.MustSay(t, "t002", "确认")
		}
	}
	i := strings.Index(reply, "JY-")
	if i < 0 {
		t.Fatalf("no tracking number after the suggestion form; last reply %q", reply)
	}
	no := reply[i : i+len("JY-2026-0001")]
	b.MustOpen(t, "/admin/proposals")
	closes := h.Now().AddDate(0, 1, 0).Format("2006-01-02")
	b.MustDo(t, "open a congress session", chromedp.SetValue(chromedp.CSS(`#sessions input[name=name]`), "六届二次教代会"),
		chromedp.SetValue(chromedp.CSS(`#sessions input[name=closes]`), closes),
		chromedp.Submit(chromedp.CSS(`#sessions form`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	mustContain(t, "congress session", b.Text(t), "已开启“六届二次教代会”提案征集", "征集中")
	b.Shot(t, "16-proposals")
	for _, step := range []struct{ to, dept, note string }{
		{"审查中", "", "开始审查"}, {"立案", "", "同意立案"}, {"已交办", "总务处", "请总务处办理"}, {"已答复", "", "已增开两个晚餐窗口。"},
	} {
		b.MustOpen(t, "/admin/proposals/"+no)
		// chromedp cannot set an empty value (it reads it back as
		// missing), so the department is typed only where there is one.
		steps := []chromedp.Action[chromedp.Void]{chromedp.SetValue(chromedp.CSS("#to"), step.to), chromedp.SetValue(chromedp.CSS("#note"), step.note)}
		if step.dept != "" {
			steps = append(steps, chromedp.SetValue(chromedp.CSS(`input[name=department]`), step.dept))
		}
		b.MustDo(t, "transition to "+step.to, append(steps, chromedp.Submit(chromedp.CSS("#transition")), chromedp.WaitReady(chromedp.CSS("main")))...)
	}
	mustContain(t, "proposal replied", b.MustOpen(t, "/admin/proposals/"+no), "已答复")
	b.Shot(t, "17-proposal")
}

// consoleFAQFlow: a question the bot cannot answer shows on the console.
func consoleFAQFlow(t *testing.T, h *harness, b *browser) {
	const q = "学校游泳馆周末几点开门呢"
	h.MustSay(t, "t002", q)
	if !strings.Contains(b.MustOpen(t, "/admin/faq"), q) {
		t.Logf("the unanswered list does not show %q (the bot may have found an answer)", q)
		return
	}
	b.Shot(t, "13-faq")
	b.ShotWide(t, "13-faq-1280")
	b.MustDo(t, "answer it", chromedp.Click(chromedp.CSS("#unanswered summary")),
		chromedp.SetValue(chromedp.CSS(`#unanswered textarea[name=answer]`), "游泳馆周末 9:00 开门，凭工作证入场。"),
		chromedp.Submit(chromedp.CSS(`#unanswered form`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	mustContain(t, "faq entry saved", b.Text(t), "已保存问答", q)
}

// TestConsoleHTTP checks what a browser test cannot see: the status codes,
// the cookie's attributes and the refusal of a forged OAuth state.
func TestConsoleHTTP(t *testing.T) {
	h := MustRunMain(t, "sqlite", nil)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	res, err := noRedirect.Get(h.URL() + "/admin")
	if err != nil || res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/login") {
		t.Fatalf("GET /admin signed out = %v %v, want 303 to /admin/login", res, err)
	}
	res, err = noRedirect.Get(h.URL() + "/admin/login")
	if err != nil {
		t.Fatal(err)
	}
	pre := res.Cookies()
	body := readAll(t, res)
	i := strings.Index(body, `name="csrf" value="`)
	if i < 0 {
		t.Fatalf("login form without csrf:\n%s", body)
	}
	csrf := body[i+len(`name="csrf" value="`):]
	csrf = csrf[:strings.IndexByte(csrf, '"')]

	post := func(form url.Values, cookies []*http.Cookie, proto string) *http.Response {
		req, _ := http.NewRequest("POST", h.URL()+"/admin/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if proto != "" {
			req.Header.Set("X-Forwarded-Proto", proto)
		}
		for _, c := range cookies {
			req.AddCookie(c)
		}
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if got := post(url.Values{"token": {testAPIKey}}, pre, "").StatusCode; got != http.StatusForbidden {
		t.Errorf("sign-in without csrf: %d, want 403", got)
	}
	res = post(url.Values{"token": {testAPIKey}, "csrf": {csrf}}, pre, "https")
	var sess *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "unionbot_console" && c.Value != "" {
			sess = c
		}
	}
	if res.StatusCode != http.StatusSeeOther || sess == nil {
		t.Fatalf("sign-in: %d, cookies %v", res.StatusCode, res.Cookies())
	}
	if !sess.HttpOnly || !sess.Secure || sess.SameSite != http.SameSiteStrictMode || sess.MaxAge <= 0 {
		t.Errorf("session cookie = %+v, want HttpOnly, Secure behind https, SameSite=Strict, an expiry", sess)
	}
	req, _ := http.NewRequest("GET", h.URL()+"/admin", nil)
	req.AddCookie(sess)
	if res, err := noRedirect.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("GET /admin signed in = %v, %v", res, err)
	}
	tampered := *sess
	tampered.Value = strings.Replace(sess.Value, "|", "x|", 1)
	req, _ = http.NewRequest("GET", h.URL()+"/admin", nil)
	req.AddCookie(&tampered)
	if res, _ := noRedirect.Do(req); res.StatusCode != http.StatusSeeOther {
		t.Errorf("tampered cookie: %d, want 303 to sign-in", res.StatusCode)
	}

	req, _ = http.NewRequest("GET", h.URL()+"/admin", nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (iPhone) wxwork/4.1.20 MicroMessenger/7.0.1")
	if res, _ := noRedirect.Do(req); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/oauth" {
		t.Errorf("WeCom's browser signed out: %d to %q, want 303 to /admin/oauth", res.StatusCode, res.Header.Get("Location"))
	}
	req, _ = http.NewRequest("GET", h.URL()+"/admin/oauth", nil)
	if res, _ := noRedirect.Do(req); res.StatusCode != http.StatusFound || !strings.HasPrefix(res.Header.Get("Location"), h.Fake.URL()+"/connect/oauth2/authorize?appid="+testCorpID) {
		t.Errorf("GET /admin/oauth: %d to %q, want 302 to the (fake) authorize page", res.StatusCode, res.Header.Get("Location"))
	}

	req, _ = http.NewRequest("GET", h.URL()+"/admin/oauth/callback?code="+h.Fake.OAuthCode(testAdmin)+"&state=forged", nil)
	if res, _ := noRedirect.Do(req); res.StatusCode != http.StatusForbidden {
		t.Errorf("OAuth callback with a forged state: %d, want 403", res.StatusCode)
	}
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}
