package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"unionbot/bot/wecom/fakewecom"
	"unionbot/handlers/faq"
)

// faqEntries reads GET /api/faq.
func faqEntries(tb testing.TB, h *harness) []faq.Entry {
	tb.Helper()
	var list struct{ Entries []faq.Entry }
	if err := json.Unmarshal(MustAPI(tb, h, "GET", "/api/faq", "", 200), &list); err != nil {
		tb.Fatal(err)
	}
	return list.Entries
}

// chatScore is a school's questions asked through the encrypted callback.
type chatScore struct {
	questions, inBase, right, answered, wrongAnswered int
}

// scoreSchoolChat imports a school's Q&A through the API (starter set
// still on) and asks its teachers' questions through the encrypted WeCom
// callback, one teacher each. Right: the reply is the right entry's
// answer, or 您是不是想问 with the right entry first. Confidently wrong: the
// reply is another entry's answer, or any answer to a question the school's
// Q&A does not hold.
func scoreSchoolChat(t *testing.T, h *harness, faqFile, questionsFile string) chatScore {
	t.Helper()
	data, err := os.ReadFile(faqFile)
	if err != nil {
		t.Fatal(err)
	}
	MustAPI(t, h, "POST", "/api/faq/import?format=yaml", string(data), 200)
	entries := faqEntries(t, h)
	var cases []struct {
		Q    string `yaml:"q"`
		Want string `yaml:"want"`
	}
	if data, err = os.ReadFile(questionsFile); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	sc := faq.NewScript()
	logf := t.Logf
	if sealedSet.MatchString(questionsFile) { // never tuned on: its summary only, nobody tuning reads its misses
		logf = func(string, ...any) {}
	}
	var s chatScore
	for i, c := range cases {
		s.questions++
		reply := sc.ToSimplified(h.MustSay(t, fmt.Sprintf("%s-%d", questionsFile[len(questionsFile)-20:], i), c.Q))
		answeredBy := ""
		for _, e := range entries {
			if strings.HasPrefix(reply, sc.ToSimplified(e.Answer)) {
				answeredBy = e.Question
			}
		}
		firstChoice := ""
		if strings.HasPrefix(reply, "您是不是想问：\n1. ") {
			firstChoice, _, _ = strings.Cut(strings.TrimPrefix(reply, "您是不是想问：\n1. "), "\n")
		}
		if answeredBy != "" {
			s.answered++
			if answeredBy != c.Want {
				s.wrongAnswered++
				logf("confidently wrong: %q answered by %q, want %q", c.Q, answeredBy, c.Want)
			}
		}
		if c.Want == "" {
			continue
		}
		s.inBase++
		if answeredBy == c.Want || (answeredBy == "" && firstChoice == c.Want) {
			s.right++
		} else {
			logf("miss: %q -> %.60q, want %q", c.Q, reply, c.Want)
		}
	}
	t.Logf("%s through the chat (starter set on): right first %d/%d = %.1f%%, answered outright %d, confidently wrong %d/%d = %.1f%%",
		questionsFile, s.right, s.inBase, 100*float64(s.right)/float64(s.inBase), s.answered, s.wrongAnswered, s.questions,
		100*float64(s.wrongAnswered)/float64(s.questions))
	return s
}

// TestFAQSchoolChat is issue 18's bar through the chat: a school's own Q&A
// imported through the API with the starter set on, its teachers' questions
// (a third traditional) through the encrypted callback: the right entry
// first for ≥ 80 %, confidently wrong ≤ 5 %. The 明德 school (read while
// tuning in an earlier stop) and the vocational school written apart from
// the matcher (never tuned on) are reported beside it, with no bar, and so
// is the fourth school (an outsider's, tuned on since).
func TestFAQSchoolChat(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_RATE_LIMIT": "0"})
	s := scoreSchoolChat(t, h, "../../handlers/faq/testdata/tuning_faq.yaml", "../../handlers/faq/testdata/tuning_questions.yaml")
	if got := float64(s.right) / float64(s.inBase); got < 0.80 {
		t.Errorf("right first through the chat %.1f%%, want ≥ 80%%", 100*got)
	}
	if got := float64(s.wrongAnswered) / float64(s.questions); got > 0.05 {
		t.Errorf("confidently wrong through the chat %.1f%%, want ≤ 5%%", 100*got)
	}
	// The school's own answer, not the starter's "以本校通知为准".
	if got := h.MustSay(t, "x1", "体检是几月份"); !strings.Contains(got, "4月") || strings.Contains(got, "以本校通知为准") {
		t.Errorf("体检是几月份 = %q, want the school's 4月", got)
	}
	// The other schools (every set in the folder), each on a bot of its own.
	sets, err := filepath.Glob("../../handlers/faq/testdata/*_questions.yaml")
	if err != nil || len(sets) < 20 {
		t.Fatalf("school sets: %d, %v", len(sets), err)
	}
	for _, questions := range sets {
		if strings.HasSuffix(questions, "/tuning_questions.yaml") {
			continue
		}
		h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_RATE_LIMIT": "0"})
		scoreSchoolChat(t, h, strings.TrimSuffix(questions, "_questions.yaml")+"_faq.yaml", questions)
	}
}

// sealedSet names the sets never tuned on (heldoutN_*), as NeverTuned in
// handlers/faq's tests does: their misses are not printed.
var sealedSet = regexp.MustCompile(`heldout[0-9]+_`)

// TestFAQImportModes: replace makes the file the union's own entries and
// never deletes the starter set; 只用本校问答 switches the starter set off.
func TestFAQImportModes(t *testing.T) {
	h := MustRunMain(t, "sqlite", nil)
	data, err := os.ReadFile("../../handlers/faq/testdata/tuning_faq.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(MustAPI(t, h, "POST", "/api/faq/import?format=yaml&mode=merge", string(data), 200)); !strings.Contains(got, `"mode":"merge","created":20`) {
		t.Fatalf("merge = %s", got)
	}
	one := "- question: 食堂几点开饭？\n  answer: 中午十一点半。\n"
	if got := string(MustAPI(t, h, "POST", "/api/faq/import?format=yaml&mode=replace", one, 200)); !strings.Contains(got, `"mode":"replace","created":1,"updated":0,"removed":20`) {
		t.Fatalf("replace = %s", got)
	}
	MustAPI(t, h, "POST", "/api/faq/import?mode=swap", one, 400)
	own, starter := 0, 0
	for _, e := range faqEntries(t, h) {
		switch e.Source {
		case faq.SourceUnion:
			own++
		case faq.SourceStarter:
			starter++
		}
	}
	if own != 1 || starter != 49 {
		t.Fatalf("after replace: %d own, %d starter entries; want 1 and 49", own, starter)
	}
	if got := h.MustSay(t, "t1", "五必访是什么"); !strings.Contains(got, "五必访") {
		t.Fatalf("starter entry before 只用本校问答: %q", got)
	}
	if got := string(MustAPI(t, h, "POST", "/api/faq/starter", `{"enabled":false}`, 200)); !strings.Contains(got, `"changed":49,"entries":1`) {
		t.Fatalf("只用本校问答 = %s", got)
	}
	if got := h.MustSay(t, "t2", "五必访是什么"); strings.Contains(got, "结婚") || !strings.Contains(got, "转人工") {
		t.Fatalf("a starter entry answered after 只用本校问答: %q", got)
	}
	if got := h.MustSay(t, "t3", "食堂几点开饭"); !strings.Contains(got, "十一点半") {
		t.Fatalf("own entry: %q", got)
	}
}

// TestFAQLearningLoop: 没用 logs the answer as unhelpful with its entry;
// staff attach a logged question to the right entry and the bot answers it
// at once, on another replica too; an admin's 答复 can be saved as an entry.
func TestFAQLearningLoop(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_RATE_LIMIT": "0"})
	// A second replica on the same database and the same WeCom (either's
	// outbox worker may send a notice).
	replica := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_RATE_LIMIT": "0", "UNIONBOT_DB": h.Env["UNIONBOT_DB"],
		"WECOM_API_BASE": h.Env["WECOM_API_BASE"]})
	data, err := os.ReadFile("../../handlers/faq/testdata/tuning_faq.yaml")
	if err != nil {
		t.Fatal(err)
	}
	MustAPI(t, h, "POST", "/api/faq/import?format=yaml", string(data), 200)
	var checkup int64
	for _, e := range faqEntries(t, h) {
		if e.Question == "教职工体检安排" {
			checkup = e.ID
		}
	}
	turns := []struct{ user, say, want string }{
		{"t001", "體檢什麼時候", "4月"},
		{"t001", "沒用", "謝謝反饋"},
		{"t001", "转人工", "已把您的問題轉給工會老師"},
		{"t002", "没用", "请在我回答问题之后回复“没用”"},
		{"t003", "食堂的饭卡在哪里充值", "转人工"},
	}
	for _, tt := range turns {
		if got := h.MustSay(t, tt.user, tt.say); !strings.Contains(got, tt.want) {
			t.Fatalf("%s says %q: %q, want %q", tt.user, tt.say, got, tt.want)
		}
	}
	var qs struct{ Questions []faq.Question }
	json.Unmarshal(MustAPI(t, h, "GET", "/api/faq/unanswered", "", 200), &qs)
	var unhelpful, unknown *faq.Question
	for i, q := range qs.Questions {
		switch {
		case q.Text == "體檢什麼時候":
			unhelpful = &qs.Questions[i]
		case q.Text == "食堂的饭卡在哪里充值":
			unknown = &qs.Questions[i]
		}
	}
	if unhelpful == nil || unhelpful.EntryID != checkup || unhelpful.Status != faq.StatusHanded {
		t.Fatalf("the unhelpful answer = %+v, want entry %d, handed after 转人工", unhelpful, checkup)
	}
	if unknown == nil || unknown.Status != faq.StatusUnanswered {
		t.Fatalf("the unanswered question = %+v", unknown)
	}
	// Staff add the entry and attach the question to it, on the first replica.
	MustAPI(t, h, "POST", "/api/faq/import?format=yaml", "- question: 饭卡充值\n  answer: 饭卡在食堂一楼服务台充值，也可以用企业微信里的一卡通。\n", 200)
	var card int64
	for _, e := range faqEntries(t, h) {
		if e.Question == "饭卡充值" {
			card = e.ID
		}
	}
	MustAPI(t, h, "POST", "/api/faq/questions/"+jsonInt(unknown.ID)+"/attach", `{"entry_id":`+jsonInt(card)+`}`, 200)
	MustAPI(t, h, "POST", "/api/faq/questions/"+jsonInt(unknown.ID)+"/attach", `{"entry_id":999999}`, 404)
	if got := h.MustSay(t, "t004", "食堂的饭卡在哪里充值"); !strings.Contains(got, "一楼服务台") {
		t.Fatalf("after attaching, this replica: %q", got)
	}
	// The other replica notices the change within its 2 s check.
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := replica.MustSay(t, "t005", "食堂的饭卡在哪里充值")
		if strings.Contains(got, "一楼服务台") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the other replica still says %q", got)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// An admin's 答复 can become an entry.
	h.MustSay(t, "t006", "游泳馆周末几点开门")
	if got := h.MustSay(t, "t006", "转人工"); !strings.Contains(got, "编号") {
		t.Fatalf("转人工 = %q", got)
	}
	sent := h.Fake.WaitSent(1, 5*time.Second, func(s fakewecom.Sent) bool {
		return s.ToUser == testAdmin && strings.Contains(s.Content, "游泳馆")
	})
	if len(sent) != 1 {
		t.Fatalf("admin notices = %+v", sent)
	}
	_, rest, _ := strings.Cut(sent[0].Content, "答复 ")
	num, _, _ := strings.Cut(rest, " ")
	if got := h.MustSay(t, testAdmin, "答复 "+num+" 游泳馆周末上午九点开门，凭工作证入场。"); !strings.Contains(got, "回复“存为问答”保存") {
		t.Fatalf("答复 = %q, want the offer to save it", got)
	}
	if got := h.MustSay(t, testAdmin, "存为问答"); !strings.Contains(got, "已存为问答：“游泳馆周末几点开门”") {
		t.Fatalf("存为问答 = %q", got)
	}
	if got := h.MustSay(t, "t007", "游泳馆周末几点开门"); !strings.Contains(got, "上午九点") {
		t.Fatalf("the saved answer: %q", got)
	}
}

// TestFAQCalendar: "when / where is …" is answered from the open events
// (date, place, places left, 回复“报名 …”) and the annual plan before the
// Q&A, on the harness's clock.
func TestFAQCalendar(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"test.clock": "2026-03-02T09:00:00+08:00"})
	h.WeCom.Now = h.Main.Now // WeCom signs its callbacks on the same day
	plan := "三月份：\n1. 庆祝三八妇女节活动\n四月份：\n1. 教职工乒乓球比赛\n2. 组织教职工体检\n"
	MustAPI(t, h, "POST", "/api/plans/import?year=2026", plan, 201)
	// Only the plan knows the 乒乓球 contest: its month.
	if got := h.MustSay(t, "t001", "乒乓球赛什么时候"); !strings.Contains(got, "教职工乒乓球比赛：安排在4月") {
		t.Fatalf("plan only: %q", got)
	}
	// No event and no plan item: the Q&A as before.
	if got := h.MustSay(t, "t001", "羽毛球赛什么时候"); strings.Contains(got, "报名 ") {
		t.Fatalf("nothing known: %q", got)
	}
	MustAPI(t, h, "POST", "/api/events", `{"title":"教职工羽毛球比赛","kind":"比赛","location":"学校体育馆","starts_at":"2026-03-20T15:00:00+08:00",
		"signup_closes_at":"2026-03-15T18:00:00+08:00","capacity":16}`, 201)
	MustAPI(t, h, "POST", "/api/events", `{"title":"2026年教职工体检","kind":"体检","location":"区人民医院","starts_at":"2026-04-10T08:00:00+08:00"}`, 201)
	turns := []struct {
		say  string
		want []string
	}{
		{"羽毛球赛什么时候", []string{"教职工羽毛球比赛：3月20日 15:00", "地点：学校体育馆", "还剩 16 个名额", "报名截止 3月15日 18:00", "回复“报名 教职工羽毛球比赛”"}},
		{"體檢在哪裡", []string{"區人民醫院", "報名 2026年教職工體檢"}},
		{"这个月有什么活动", []string{"3月工会活动", "庆祝三八妇女节活动", "教职工羽毛球比赛：3月20日"}},
	}
	for _, tt := range turns {
		got := h.MustSay(t, "t002", tt.say)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Fatalf("%q = %q, want it to contain %q", tt.say, got, w)
			}
		}
	}
	// A question that is not about an activity still reaches the Q&A.
	if got := h.MustSay(t, "t003", "生孩子工会有慰问金吗"); !strings.Contains(got, "出生证明") {
		t.Fatalf("Q&A: %q", got)
	}
}
