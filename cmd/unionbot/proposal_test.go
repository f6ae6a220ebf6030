package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"unionbot/bot/wecom/fakewecom"
	"unionbot/storage/storagetest"
)

// mustMember records user with a name and department, as the address-book
// sync would.
func mustMember(t *testing.T, h *harness, user, name, dept string) {
	t.Helper()
	h.MustSay(t, user, "我是谁")
	MustAPI(t, h, "PATCH", "/api/members/"+user, `{"name":"`+name+`","department":"`+dept+`"}`, 200)
}

type turn struct{ user, say, want string }

func mustTurns(t *testing.T, h *harness, turns []turn) string {
	t.Helper()
	var last string
	for _, tt := range turns {
		last = h.MustSay(t, tt.user, tt.say)
		if !strings.Contains(last, tt.want) {
			t.Fatalf("%s says %q: reply %q, want %q", tt.user, clipTest(tt.say), last, tt.want)
		}
	}
	return last
}

func clipTest(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// trackingNo cuts JY-2026-0001 out of a reply.
func trackingNo(t *testing.T, reply, prefix string) string {
	t.Helper()
	i := strings.Index(reply, prefix+"-")
	if i < 0 || len(reply) < i+len("JY-2026-0001") {
		t.Fatalf("no %s tracking number in %q", prefix, reply)
	}
	return reply[i : i+len("JY-2026-0001")]
}

// TestSuggestionWorkflow: a teacher fills a suggestion one question a turn
// through the encrypted callback (with refusals, 上一步, 修改, a preview),
// gets JY-<year>-0001, an admin moves it along by API, and the fake WeCom
// receives each step's notice, in order; the teacher rates the answer.
func TestSuggestionWorkflow(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			h := MustRunMain(t, driver, map[string]string{"UNIONBOT_RATE_LIMIT": "0"})
			mustMember(t, h, "t002", "张老师", "语文组")
			year := strconv.Itoa(h.Now().In(h.Config.Location).Year())
			long := strings.Repeat("长", 2001)
			last := mustTurns(t, h, []turn{
				{"t002", "提建议", "请用一句话写出建议的标题"},
				{"t002", strings.Repeat("标", 51), "“标题”最多 50 个字，您写了 51 个字"},
				{"t002", "食堂增加晚餐窗口", "属于哪一类"},
				{"t002", "7", "类别只能选"},
				{"t002", "后勤", "请写出建议的内容"},
				{"t002", "上一步", "“类别”现在是：后勤保障"},
				{"t002", "不变", "请写出建议的内容"},
				{"t002", long, "“内容”最多 2000 个字，您写了 2001 个字"},
				{"t002", "晚自习老师下班晚，食堂晚餐窗口太少。", "您建议怎么做"},
				{"t002", "增开两个窗口。", "是否匿名"},
				{"t002", "也许", "请回复“是”（匿名）或“否”（署名）"},
				{"t002", "否", "【标题】食堂增加晚餐窗口"},
				{"t002", "修改 内容", "“内容”现在是：晚自习老师下班晚"},
				{"t002", "晚自习老师下班晚，食堂晚餐窗口太少，排队要二十分钟。", "【内容】晚自习老师下班晚，食堂晚餐窗口太少，排队要二十分钟。"},
				{"t002", "好的", "无误请回复“确认提交”"},
				{"t002", "确认提交", "已提交，编号 JY-" + year + "-0001"},
			})
			no := trackingNo(t, last, "JY")
			mustTurns(t, h, []turn{
				{"t002", "我的建议", no + " 食堂增加晚餐窗口（已提交）"},
				{"t003", "查询 " + no, "没有找到编号为 " + no},
				{"t002", "查询 " + strings.ToLower(no), "办理记录："},
			})
			if got := h.MustSay(t, "t002", "满意"); strings.Contains(got, "评价") {
				t.Errorf("满意 with nothing to rate: %q, want it left to the Q&A", got)
			}

			var list struct {
				Proposals []struct {
					No, Title, Category, Status, AuthorName string
					Anonymous                               bool
				}
			}
			json.Unmarshal(MustAPI(t, h, "GET", "/api/proposals?kind=suggestion&category=后勤保障", "", 200), &list)
			if len(list.Proposals) != 1 || list.Proposals[0].No != no || list.Proposals[0].Status != "已提交" {
				t.Fatalf("GET /api/proposals = %+v", list)
			}
			path := "/api/proposals/" + no + "/transition"
			if got := string(MustAPI(t, h, "POST", path, `{"to":"已答复","note":"x"}`, 409)); !strings.Contains(got, "只能是：审查中") {
				t.Errorf("illegal move: %s", got)
			}
			MustAPI(t, h, "POST", path, `{"to":"已完成"}`, 400)
			steps := []struct{ body, notice string }{
				{`{"to":"审查中"}`, "已进入审查"},
				{`{"to":"立案","note":"同意立案"}`, "已立案"},
				{`{"to":"已交办","department":"总务处"}`, "已交总务处办理"},
				{`{"to":"已答复","note":"已增开两个晚餐窗口，下周一起启用。"}`, "已答复：\n已增开两个晚餐窗口"},
			}
			MustAPI(t, h, "POST", path, `{"to":"审查中","note":"`+strings.Repeat("长", 2001)+`"}`, 400)
			for i, st := range steps {
				if i == 2 {
					if got := string(MustAPI(t, h, "POST", path, `{"to":"已交办"}`, 400)); !strings.Contains(got, "承办部门") {
						t.Errorf("assign without department: %s", got)
					}
				}
				MustAPI(t, h, "POST", path, st.body, 200)
			}
			got := h.Fake.WaitSent(len(steps), 10*time.Second, func(s fakewecom.Sent) bool {
				return s.ToUser == "t002" && s.MsgType == "text" && strings.Contains(s.Content, no)
			})
			if len(got) != len(steps) {
				t.Fatalf("notices to t002 = %d, want %d: %+v", len(got), len(steps), got)
			}
			for i, st := range steps {
				if !strings.Contains(got[i].Content, st.notice) {
					t.Errorf("notice %d = %q, want %q", i, got[i].Content, st.notice)
				}
			}
			mustTurns(t, h, []turn{
				{"t002", "满意", "已记录您对 " + no + " 的评价：满意"},
				{"t002", "查询 " + no, "评价：满意"},
			})
			MustAPI(t, h, "POST", path, `{"to":"已办结"}`, 200)
			if got := string(MustAPI(t, h, "POST", path, `{"to":"审查中"}`, 409)); !strings.Contains(got, "不能再改状态") {
				t.Errorf("move after 已办结: %s", got)
			}

			var detail struct {
				Log []struct{ To string } `json:"log"`
			}
			body := MustAPI(t, h, "GET", "/api/proposals/"+no, "", 200)
			json.Unmarshal(body, &detail)
			var tos []string
			for _, e := range detail.Log {
				tos = append(tos, e.To)
			}
			if want := "已提交 审查中 立案 已交办 已答复 已答复 已办结"; strings.Join(tos, " ") != want {
				t.Errorf("log = %q, want %q\n%s", strings.Join(tos, " "), want, body)
			}
			if !strings.Contains(string(body), `"author_name":"张老师"`) || !strings.Contains(string(body), `"satisfaction":"满意"`) {
				t.Errorf("detail: %s", body)
			}

			var stats struct {
				ByCategory map[string]int `json:"by_category"`
				ByStatus   map[string]int `json:"by_status"`
			}
			json.Unmarshal(MustAPI(t, h, "GET", "/api/proposals/stats", "", 200), &stats)
			if stats.ByCategory["后勤保障"] != 1 || stats.ByStatus["已办结"] != 1 {
				t.Errorf("stats = %+v", stats)
			}
			f, err := excelize.OpenReader(bytes.NewReader(MustAPI(t, h, "GET", "/api/proposals/export?format=xlsx", "", 200)))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := f.GetRows("提案汇总表")
			if len(rows) != 2 || rows[0][0] != "编号" || rows[1][0] != no || rows[1][4] != "张老师" || rows[1][10] != "已办结" {
				t.Errorf("提案汇总表 = %q", rows)
			}
		})
	}
}

// TestSuggestionPasteAndLimits: everything pasted at once leaves only the
// missing field to ask; a bad pasted field is refused by name while the
// rest is kept; the day's limit refuses at the start and at 确认提交
// without losing the form; 取消 drops it.
func TestSuggestionPasteAndLimits(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_PROPOSAL_DAILY_LIMIT": "2", "UNIONBOT_RATE_LIMIT": "0"})
	mustMember(t, h, "t004", "孙老师", "英语组")
	last := mustTurns(t, h, []turn{
		{"t004", "提建议 标题：增设教工子女托管 类别：福利待遇 内容：放学后教师子女无人照看。 措施：开设托管班。", "是否匿名"},
		{"t004", "否", "【建议措施】开设托管班。"},
		{"t004", "确认提交", "已提交，编号 JY-"},
	})
	trackingNo(t, last, "JY")
	mustTurns(t, h, []turn{
		{"t004", "提建议 标题：操场照明 类别：体育 内容：晚上操场太黑。", "类别只能选"},
		{"t004", "安全", "您建议怎么做"},
		{"t004", "加装路灯", "是否匿名"},
		{"t004", "取消", "已退出「建议/提案」"},
		{"t004", "提建议 标题：操场照明 类别：安全 内容：晚上操场太黑。 措施：加装路灯。 匿名：否", "【类别】安全"},
		{"t004", "确认提交", "已提交，编号 JY-"},
		{"t004", "提建议", "每人每天最多提交 2 条"},
	})
	// In traditional characters: the labels are read, the words kept as
	// written, and the bot answers in traditional.
	mustTurns(t, h, []turn{
		{"t005", "提建議 標題：圖書館週末開放 類別：教育教學 內容：週末進不了圖書館。 措施：週六開放半天。", "是否匿名"},
		{"t005", "否", "【标题】圖書館週末開放"}, // 否 is both scripts: answered in simplified
		{"t005", "確認提交", "已提交，編號 JY-"},
	})
	if got := h.MustSay(t, "t004", "提案什么时候截止？"); strings.Contains(got, "案由") || strings.Contains(got, "征集期") {
		t.Errorf("a question about motions started the form: %q", got)
	}
}

// TestSuggestionSurvivesRestart: a half-filled form outlives the bot.
func TestSuggestionSurvivesRestart(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			extra := map[string]string{"UNIONBOT_DB": storagetest.URL(t, driver)}
			if driver == "mysql" {
				extra["UNIONBOT_REDIS"], extra["test.redis_prefix"] = "test", storagetest.Prefix()
			}
			h1 := MustRunMain(t, driver, extra)
			mustTurns(t, h1, []turn{
				{"t006", "提建议", "标题"},
				{"t006", "图书馆延长开放", "属于哪一类"},
				{"t006", "1", "请写出建议的内容"},
			})
			h1.Close()
			extra["WECOM_API_BASE"] = h1.Env["WECOM_API_BASE"]
			h2 := MustRunMain(t, driver, extra)
			mustTurns(t, h2, []turn{
				{"t006", "图书馆晚上六点就关门。", "您建议怎么做"},
				{"t006", "开到晚上九点。", "是否匿名"},
				{"t006", "是", "【标题】图书馆延长开放"},
				{"t006", "确认提交", "本条为匿名建议"},
			})
		})
	}
}

// TestMotionSeconding: motions are taken only while a congress session
// collects them; seconders named by the proposer are asked actively, and
// the motion is submitted once enough agree, or lapses.
func TestMotionSeconding(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			h := MustRunMain(t, driver, map[string]string{"UNIONBOT_RATE_LIMIT": "0"})
			for id, name := range map[string]string{"p1": "周老师", "s1": "吴老师", "s2": "郑老师", "s3": "王老师", testAdmin: "工会主席"} {
				mustMember(t, h, id, name, "数学组")
			}
			closes := h.Now().In(h.Config.Location).AddDate(0, 1, 0).Format("2006-01-02")
			mustTurns(t, h, []turn{
				{"p1", "提案", "现在不在教代会提案征集期内"},
				{"p1", "提案征集 六届二次教代会 2099-01-01", "只有工会管理员可以使用"},
				{testAdmin, "提案征集 六届二次教代会 " + closes, "已开启“六届二次教代会”提案征集"},
				{"p1", "提案", "请写出提案的案由"},
				{"p1", "关于完善教师职称评审办法的提案", "请写出提案的理由"},
				{"p1", "现行评审办法对一线教师不够公平。", "请写出建议的解决办法"},
				{"p1", "增加课堂教学实绩的权重。", "至少 2 位附议人"},
				{"p1", "吴老师", "至少要 2 位附议人"},
				{"p1", "吴老师 周老师", "附议人不能是您自己"},
				{"p1", "吴老师 陈老师", "没有找到会员“陈老师”"},
				{"p1", "吴老师、郑老师、s3", "【附议人】吴老师、郑老师、王老师"},
			})
			last := h.MustSay(t, "p1", "确认提交")
			if !strings.Contains(last, "已邀请 吴老师、郑老师、王老师 附议") {
				t.Fatalf("submit motion: %q", last)
			}
			no := trackingNo(t, last, "TA")
			invited := h.Fake.WaitSent(1, 5*time.Second, func(s fakewecom.Sent) bool { return strings.Contains(s.Content, "附议 "+no) })
			if len(invited) != 1 || invited[0].ToUser != "s1|s2|s3" {
				t.Fatalf("invitations = %+v", invited)
			}
			mustTurns(t, h, []turn{
				{"s1", "附议", "已附议 " + no},
				{"s1", "附议", "没有待回复的附议邀请"},
				{"s2", "不附议 " + no, "已回复不附议"},
				{"s3", "我的提案", "您是附议人，请回复“附议 " + no},
				{"s3", "附议 " + no, "已附议"},
				{"p1", "查询 " + no, "状态：已提交"},
				{"s2", "查询 " + no, "附议人：吴老师（已附议）、郑老师（不附议）、王老师（已附议）"},
			})
			if got := h.Fake.WaitSent(1, 5*time.Second, func(s fakewecom.Sent) bool {
				return s.ToUser == "p1" && strings.Contains(s.Content, "附议人数已满")
			}); len(got) != 1 {
				t.Fatalf("proposer not told: %+v", h.Fake.SentTo("p1"))
			}
			// Steps are told to the seconders who agreed too.
			MustAPI(t, h, "POST", "/api/proposals/"+no+"/transition", `{"to":"审查中"}`, 200)
			if got := h.Fake.WaitSent(1, 5*time.Second, func(s fakewecom.Sent) bool { return strings.Contains(s.Content, "已进入审查") }); len(got) != 1 || got[0].ToUser != "p1|s1|s3" {
				t.Fatalf("review notice = %+v", got)
			}
			MustAPI(t, h, "POST", "/api/proposals/"+no+"/transition", `{"to":"不予立案"}`, 400)
			MustAPI(t, h, "POST", "/api/proposals/"+no+"/transition", `{"to":"转为建议"}`, 200)

			// A second motion whose seconders never answer lapses after 3 days.
			last = mustTurns(t, h, []turn{
				{"p1", "提案 案由：关于增加教师午休室的提案 理由：中午无处休息。 办法：改造两间空教室。 附议人：s1 s2", "【案由】关于增加教师午休室的提案"},
				{"p1", "确认提交", "TA-"},
			})
			no2 := trackingNo(t, last, "TA")
			if no2 == no {
				t.Fatalf("two motions numbered %s", no)
			}
			if err := h.Web.Proposals.LapseJob(t.Context(), time.Now().Add(4*24*time.Hour)); err != nil {
				t.Fatal(err)
			}
			mustTurns(t, h, []turn{
				{"p1", "查询 " + no2, "状态：附议不足"},
				{"s1", "附议 " + no2, "附议期已过"},
			})
			var sessions struct{ Sessions []struct{ Name string } }
			json.Unmarshal(MustAPI(t, h, "GET", "/api/proposals/sessions", "", 200), &sessions)
			if len(sessions.Sessions) != 1 || sessions.Sessions[0].Name != "六届二次教代会" {
				t.Errorf("sessions = %+v", sessions)
			}
		})
	}
}

// TestAnonymityHolds: an anonymous suggestion goes through the whole
// workflow by chat and API, and no admin-facing output (every proposal
// endpoint, the export unzipped, the delivery log, the console pages, admin
// chat replies, the log) contains its author's id, name or department.
func TestAnonymityHolds(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_LOG_LEVEL": "debug", "UNIONBOT_RATE_LIMIT": "0"})
	const author, name, dept = "qian9527", "钱多多", "物理教研组"
	// In the address book, as every teacher is, so that first contact
	// logs nothing about them.
	h.Fake.AddDepartment(7, dept)
	h.Fake.AddUser(fakewecom.User{UserID: author, Name: name, Department: []int{7}})
	h.Fake.AddUser(fakewecom.User{UserID: testAdmin, Name: "工会主席", Department: []int{7}})
	mustMember(t, h, author, name, dept)
	mustMember(t, h, testAdmin, "工会主席", "工会")
	last := mustTurns(t, h, []turn{
		{author, "提建议 标题：评优评先程序公开 类别：师德 内容：评优名单事先不公示。 措施：评优前公示一周。 匿名：是", "【匿名】是"},
		{author, "确认提交", "本条为匿名建议"},
	})
	no := trackingNo(t, last, "JY")
	path := "/api/proposals/" + no + "/transition"
	admin := []string{
		h.MustSay(t, testAdmin, "待办建议"),
		h.MustSay(t, testAdmin, "办理 "+no+" 审查中"),
		h.MustSay(t, testAdmin, "查询 "+no),
	}
	MustAPI(t, h, "POST", path, `{"to":"立案","by":"工会主席"}`, 200)
	admin = append(admin, h.MustSay(t, testAdmin, "办理 "+no+" 已交办 校长办公室 请研究"))
	admin = append(admin, h.MustSay(t, testAdmin, "回复 "+no+" 已建立评优公示制度。"))
	mustTurns(t, h, []turn{
		{author, "不满意", "已记录您对 " + no + " 的评价：不满意"},
		{author, "查询 " + no, "您（匿名"},
	})
	h.Fake.WaitSent(1, 5*time.Second, func(s fakewecom.Sent) bool { return strings.Contains(s.Content, "不满意") && s.ToUser == testAdmin })
	texts, cards := 0, 0
	for _, s := range h.Fake.SentTo(author) {
		if s.Card != nil {
			cards++
		} else {
			texts++
		}
	}
	if texts != 4 || cards != 1 {
		t.Errorf("the anonymous author got %d notices and %d cards, want 4 (审查, 立案, 交办, 答复) and the satisfaction vote", texts, cards)
	}

	outputs := map[string]string{}
	for i, a := range admin {
		outputs[fmt.Sprintf("admin chat %d", i)] = a
	}
	for _, p := range []string{"/api/proposals", "/api/proposals?kind=suggestion", "/api/proposals/" + no, "/api/proposals/stats",
		"/api/notices", "/api/notices?kind=proposal", "/api/proposals/sessions"} {
		outputs[p] = string(MustAPI(t, h, "GET", p, "", 200))
	}
	outputs["transition reply"] = string(MustAPI(t, h, "POST", path, `{"to":"已办结"}`, 200))
	xlsx := MustAPI(t, h, "GET", "/api/proposals/export?format=xlsx", "", 200)
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		outputs["export "+f.Name] = string(b)
	}
	for _, p := range []string{"/admin", "/admin/proposals", "/admin/proposals/" + no, "/admin/proposals/export"} {
		outputs["console "+p] = consoleGet(t, h, p)
	}
	for _, m := range h.Fake.Sent() { // what admins were sent actively
		if m.ToUser == testAdmin {
			outputs["notice to admin: "+clipTest(m.Content)] = m.Content
		}
	}
	outputs["log"] = h.Stderr.String()
	if !strings.Contains(outputs["/api/proposals/"+no], "已建立评优公示制度") || !strings.Contains(outputs["console /admin/proposals/"+no], "评优评先程序公开") {
		t.Fatalf("the outputs searched do not show the proposal:\n%s", outputs["/api/proposals/"+no])
	}
	for where, out := range outputs {
		for _, secret := range []string{author, name, dept} {
			if strings.Contains(out, secret) {
				t.Errorf("%s shows the anonymous author's %q:\n%s", where, secret, clipAround(out, secret))
			}
		}
	}
}

func clipAround(s, sub string) string {
	i := strings.Index(s, sub)
	from, to := max(0, i-200), min(len(s), i+200)
	return s[from:to]
}

// consoleGet signs in to the console with the admin token and fetches path.
func consoleGet(t *testing.T, h *harness, path string) string {
	t.Helper()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Get(h.URL() + "/admin/login")
	if err != nil {
		t.Fatal(err)
	}
	pre := res.Cookies()
	body := readAll(t, res)
	i := strings.Index(body, `name="csrf" value="`)
	csrf := body[i+len(`name="csrf" value="`):]
	csrf = csrf[:strings.IndexByte(csrf, '"')]
	req, _ := http.NewRequest("POST", h.URL()+"/admin/login", strings.NewReader(url.Values{"token": {testAPIKey}, "csrf": {csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range pre {
		req.AddCookie(c)
	}
	res, err = noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	req, _ = http.NewRequest("GET", h.URL()+path, nil)
	for _, c := range res.Cookies() {
		req.AddCookie(c)
	}
	res, err = noRedirect.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("console GET %s: %v %v", path, res, err)
	}
	return readAll(t, res)
}
