package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"unionbot"
	"unionbot/bot/wecom/fakewecom"
	"unionbot/handlers/ballot"
	"unionbot/storage/storagetest"
)

// congressVoter is what voter i of the 教代会 ballot answers, as typed,
// and the choices the published list should carry for them.
func congressVoter(i int) (typed []string, want []ballot.Answer) {
	m1 := []string{"1", "2", "3"}[min(i/151, 1)+min(i/251, 1)] // 151 赞成, 100 反对, 49 弃权
	m2 := "1"                                                  // 150 赞成, 150 反对
	if i >= 150 {
		m2 = "反对"
	}
	el := []string{"1 2", "1 3", "1", "2"}[i%4] // 张三 225, 李四 150, 王五 75
	names := map[string][]string{"1 2": {"张三", "李四"}, "1 3": {"张三", "王五"}, "1": {"张三"}, "2": {"李四"}}
	motion := func(s string) string {
		return map[string]string{"1": ballot.Yes, "2": ballot.No, "3": ballot.Abstain, "反对": ballot.No}[s]
	}
	return []string{m1, m2, el}, []ballot.Answer{{Picks: []string{motion(m1)}}, {Picks: []string{motion(m2)}}, {Picks: names[el]}}
}

// reviewVoter is voter i's 民主评议: person j rated (i+j)%4, a comment
// from every 50th voter.
func reviewVoter(i int) (typed []string, want []ballot.Answer) {
	a := ballot.Answer{}
	for j := 0; j < 3; j++ {
		k := (i + j) % 4
		typed = append(typed, fmt.Sprint(k+1))
		a.Picks = append(a.Picks, ballot.DefaultRatings[k])
	}
	comment := "无"
	if i%50 == 0 {
		comment = fmt.Sprintf("希望多听一线教师意见%d", i)
		a.Comment = comment
	}
	return append(typed, comment), []ballot.Answer{a}
}

const congressQuestions = `{"kind":"表决","title":"学校工作报告"},{"kind":"表决","title":"绩效工资分配方案"},
{"kind":"选举","title":"工会委员","options":["张三","李四","王五"],"max":2}`

const reviewQuestions = `{"kind":"评议","title":"中层干部民主评议","options":["赵一","钱二","孙三"],"comment":true}`

// mustBallot creates and opens a ballot for the tag by API; it returns
// its id.
func mustBallot(t *testing.T, h *harness, title, tag, questions string, closes time.Time) int64 {
	t.Helper()
	body := fmt.Sprintf(`{"title":%q,"electorate_tag":%q,"opens_at":%q,"closes_at":%q,"questions":[%s]}`,
		title, tag, h.Now().Add(-time.Minute).Format(time.RFC3339), closes.Format(time.RFC3339), questions)
	var b struct{ ID int64 }
	json.Unmarshal(MustAPI(t, h, "POST", "/api/ballots", body, 201), &b)
	MustAPI(t, h, "PUT", fmt.Sprintf("/api/ballots/%d", b.ID), body, 200) // a draft can still change
	MustAPI(t, h, "POST", fmt.Sprintf("/api/ballots/%d/open", b.ID), "", 200)
	MustAPI(t, h, "PUT", fmt.Sprintf("/api/ballots/%d", b.ID), body, 409) // an open one cannot
	return b.ID
}

// vote plays one voter through a ballot in chat and returns the receipt.
func vote(t *testing.T, h *harness, user, pick string, typed []string) string {
	t.Helper()
	if got := h.MustSay(t, user, "投票 "+pick); !strings.Contains(got, "第 1/") {
		t.Errorf("%s: 投票 %s = %q, want the first question", user, pick, got)
		return ""
	}
	for _, s := range typed {
		h.MustSay(t, user, s)
	}
	got := h.MustSay(t, user, "确认投票")
	i := strings.Index(got, "您的回执码：")
	if i < 0 {
		t.Errorf("%s: 确认投票 = %q, want a receipt", user, got)
		return ""
	}
	code := got[i+len("您的回执码：") : i+len("您的回执码：")+9]
	if ballot.ParseReceipt(code) == "" {
		t.Errorf("%s: receipt %q is not a receipt code", user, code)
	}
	return code
}

// TestBallotEndToEnd: 301 representatives, 300 of whom vote concurrently
// through the encrypted callback in a 教代会 ballot (two motions and an
// election) and a 民主评议 of three cadres; a second vote is refused; the
// one who did not vote is reminded 24 h and 1 h before closing; the
// published tally, quorum and outcomes are right, `unionbot ballot verify`
// recounts the published list to the same numbers, every voter is told the
// result, and each voter's 验证 shows their own choices.
func TestBallotEndToEnd(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			// The replies are read from the callback's answer: a budget above
			// the default 3 s, because 32 voters at once under -race on a
			// 2-core CI machine with other packages' tests beside them once
			// took longer (the late reply, sent actively, has its own tests).
			h := MustRunMain(t, driver, map[string]string{"UNIONBOT_RATE_LIMIT": "0", "test.clock": "2026-06-10T09:00:00+08:00",
				"UNIONBOT_PUBLIC_URL": "https://union.example.edu.cn/", "UNIONBOT_REPLY_BUDGET": "10s"})
			ctx := context.Background()
			const voters = 300
			user := func(i int) string { return fmt.Sprintf("rep%03d", i) }
			for i := 0; i <= voters; i++ { // rep300 never votes
				if err := h.DB.SaveMember(ctx, &unionbot.Member{UserID: user(i), Tags: []string{"教代会代表"}, Role: unionbot.RoleMember}); err != nil {
					t.Fatal(err)
				}
			}
			closes := h.Now().Add(30 * time.Hour)
			congress := mustBallot(t, h, "六届二次教代会表决", "教代会代表", congressQuestions, closes)
			review := mustBallot(t, h, "2026年中层干部民主评议", "教代会代表", reviewQuestions, closes)
			if got := h.MustSay(t, "outsider", "投票"); !strings.Contains(got, "没有您可以参加的投票") {
				t.Errorf("someone outside the electorate: %q", got)
			}
			MustAPI(t, h, "GET", fmt.Sprintf("/api/ballots/%d/result", congress), "", 409)

			receipts := make([][2]string, voters)
			start := time.Now()
			var wg sync.WaitGroup
			work := make(chan int)
			for w := 0; w < 32; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range work {
						typed, _ := congressVoter(i)
						receipts[i][0] = vote(t, h, user(i), "1", typed)
						if got := h.MustSay(t, user(i), "投票 1"); !strings.Contains(got, "已经在“六届二次教代会表决”中投过票") {
							t.Errorf("%s votes again: %q, want a refusal", user(i), got)
						}
						typed, _ = reviewVoter(i)
						receipts[i][1] = vote(t, h, user(i), "2", typed)
					}
				}()
			}
			for i := 0; i < voters; i++ {
				work <- i
			}
			close(work)
			wg.Wait()
			t.Logf("%s: %d voters, two ballots each, %d messages in %v", driver, voters, voters*12, time.Since(start).Round(time.Millisecond))
			if t.Failed() {
				t.FailNow()
			}

			// Reminders, to rep300 only: 24 h before, then 1 h before.
			for _, step := range []struct {
				advance time.Duration
				n       int
			}{{7 * time.Hour, 1}, {22*time.Hour + 30*time.Minute, 2}} {
				h.Advance(t, step.advance)
				if err := h.Scheduler.RunJob(ctx, "ballot-close-remind"); err != nil {
					t.Fatal(err)
				}
				reminded := func(s fakewecom.Sent) bool { return strings.Contains(s.Content, "您还没有参加") }
				if got := h.Fake.WaitSent(2*step.n, 10*time.Second, reminded); len(got) != 2*step.n {
					t.Fatalf("reminders after %v: %d, want %d", step.advance, len(got), 2*step.n)
				}
				for _, m := range h.Fake.WaitSent(2*step.n, 0, reminded) {
					if m.ToUser != user(voters) {
						t.Errorf("a reminder went to %q, want only %s", m.ToUser, user(voters))
					}
				}
			}
			MustAPI(t, h, "POST", fmt.Sprintf("/api/ballots/%d/close", congress), "", 200)
			h.Advance(t, time.Hour) // past the closing time: the job closes the other
			if err := h.Scheduler.RunJob(ctx, "ballot-close-remind"); err != nil {
				t.Fatal(err)
			}
			MustAPI(t, h, "POST", fmt.Sprintf("/api/ballots/%d/close", review), "", 409)

			for k, id := range []int64{congress, review} {
				raw := MustAPI(t, h, "GET", fmt.Sprintf("/api/ballots/%d/result", id), "", 200)
				var p ballot.Published
				if err := json.Unmarshal(raw, &p); err != nil {
					t.Fatal(err)
				}
				checkTally(t, k, p.Tally)
				// Every voter's line is in the list with their own answers.
				lines := map[string][]ballot.Answer{}
				for _, l := range p.Lines {
					lines[l.Receipt] = l.Answers
				}
				for i := 0; i < voters; i++ {
					_, want := congressVoter(i)
					if k == 1 {
						_, want = reviewVoter(i)
					}
					got, _ := json.Marshal(lines[ballot.ParseReceipt(receipts[i][k])])
					if w, _ := json.Marshal(want); string(got) != string(w) {
						t.Fatalf("%s's line in ballot %d: %s, want %s", user(i), id, got, w)
					}
				}
				// Anyone can recount the published list.
				file := filepath.Join(t.TempDir(), "result.json")
				os.WriteFile(file, raw, 0o600)
				var out, errOut bytes.Buffer
				if err := run(ctx, []string{"ballot", "verify", file}, func(string) string { return "" }, nil, &out, &errOut); err != nil {
					t.Fatalf("unionbot ballot verify: %v\n%s", err, errOut.String())
				}
				if !strings.Contains(out.String(), "与公布的计票结果一致") || !strings.Contains(out.String(), p.Head) {
					t.Errorf("unionbot ballot verify said:\n%s", out.String())
				}
				checkExport(t, h, id, k)
				// A list changed after publishing does not verify.
				forged := strings.Replace(string(raw), `"picks":["赞成"]`, `"picks":["反对"]`, 1)
				if k == 1 {
					forged = strings.Replace(string(raw), `"picks":["优秀"`, `"picks":["称职"`, 1)
				}
				os.WriteFile(file, []byte(forged), 0o600)
				out.Reset()
				if err := run(ctx, []string{"ballot", "verify", file}, func(string) string { return "" }, nil, &out, &errOut); err == nil || !strings.Contains(err.Error(), "链哈希不符") {
					t.Errorf("unionbot ballot verify on a changed list: %v, want the changed line named", err)
				}
				// The public download is the same file.
				if got := string(mustGet(t, h.URL()+fmt.Sprintf("/ballots/%d/result", id))); got != string(raw) {
					t.Errorf("the public download differs from GET /api/ballots/%d/result", id)
				}
			}

			// Every voter hears the result of both ballots, the non-voter none.
			results := h.Fake.WaitSent(2, 10*time.Second, func(s fakewecom.Sent) bool { return strings.Contains(s.Content, "投票结果") })
			for _, m := range results {
				if !strings.Contains(m.Content, fmt.Sprintf("https://union.example.edu.cn/ballots/%d/result", congress)) &&
					!strings.Contains(m.Content, fmt.Sprintf("https://union.example.edu.cn/ballots/%d/result", review)) {
					t.Errorf("the result notice has no download link: %q", m.Content)
				}
				if n := len(strings.Split(m.ToUser, "|")); n != voters || strings.Contains(m.ToUser, user(voters)) {
					t.Errorf("result notice to %d users (non-voter included: %v), want the %d voters", n, strings.Contains(m.ToUser, user(voters)), voters)
				}
			}
			if len(results) != 2 {
				t.Fatalf("result notices: %d, want 2", len(results))
			}

			// Each voter's 验证 shows their own choices and their line.
			work = make(chan int)
			for w := 0; w < 16; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range work {
						got := h.MustSay(t, user(i), "验证 "+strings.ToLower(receipts[i][0]))
						_, a := congressVoter(i)
						want := fmt.Sprintf("1. 学校工作报告：%s\n2. 绩效工资分配方案：%s\n3. 工会委员：%s", a[0].Picks[0], a[1].Picks[0], strings.Join(a[2].Picks, "、"))
						if !strings.Contains(got, want) || !strings.Contains(got, "已列入公布的名单：第") {
							t.Errorf("%s 验证 %s = %q, want %q and its line", user(i), receipts[i][0], got, want)
						}
						got = h.MustSay(t, user(i), "验证 "+receipts[i][1])
						_, a = reviewVoter(i)
						if want := "赵一 " + a[0].Picks[0] + "，钱二 " + a[0].Picks[1]; !strings.Contains(got, want) {
							t.Errorf("%s 验证 %s = %q, want %q", user(i), receipts[i][1], got, want)
						}
					}
				}()
			}
			for i := 0; i < voters; i++ {
				work <- i
			}
			close(work)
			wg.Wait()
		})
	}
}

// checkTally checks the published count against what the voters typed.
func checkTally(t *testing.T, k int, tally ballot.Tally) {
	t.Helper()
	if tally.Electorate != 301 || tally.Voted != 300 || !tally.QuorumMet || tally.Participation != "99.7%" {
		t.Errorf("ballot %d: electorate=%d voted=%d quorum=%v participation=%s, want 301, 300, true, 99.7%%",
			k, tally.Electorate, tally.Voted, tally.QuorumMet, tally.Participation)
	}
	var got []string
	for _, q := range tally.Questions {
		got = append(got, ballot.SummaryLine(q))
	}
	want := []string{
		"1. 学校工作报告（表决）：赞成 151，反对 100，弃权 49——通过",
		"2. 绩效工资分配方案（表决）：赞成 150，反对 150，弃权 0——未通过",
		"3. 工会委员（选举）：张三 225，李四 150，王五 75——当选 1 人（应选 2 人）",
	}
	if k == 1 {
		want = []string{"1. 中层干部民主评议（评议）：赵一（优秀75、称职75、基本称职75、不称职75），钱二（优秀75、称职75、基本称职75、不称职75），孙三（优秀75、称职75、基本称职75、不称职75）——共 300 张有效评议票"}
		if n := len(tally.Questions[0].Comments); n != 6 {
			t.Errorf("comments: %d, want 6", n)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("ballot %d tally:\n%s\nwant\n%s", k, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func mustGet(t *testing.T, url string) []byte {
	t.Helper()
	res, err := httpGet(url)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// httpGet fetches url without credentials and fails on anything but 200.
func httpGet(url string) ([]byte, error) {
	res, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %d %s", url, res.StatusCode, b)
	}
	return b, err
}

// checkExport reads the Excel result: the 结果 sheet's counts, and for the
// 民主评议 the summary per cadre with each rating's count and percentage.
func checkExport(t *testing.T, h *harness, id int64, k int) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(MustAPI(t, h, "GET", fmt.Sprintf("/api/ballots/%d/export?format=xlsx", id), "", 200)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet, want := "结果", [][]string{{"1", "学校工作报告", "表决", "赞成", "151", "50.2%", "通过"},
		{"3", "工会委员", "选举", "张三", "225", "74.8%", "当选"}}
	if k == 1 {
		sheet, want = "评议汇总", [][]string{{"题号", "题目", "被评议人", "优秀（票）", "优秀（%）", "称职（票）", "称职（%）", "基本称职（票）", "基本称职（%）", "不称职（票）", "不称职（%）"},
			{"1", "中层干部民主评议", "赵一", "75", "25.0%", "75", "25.0%", "75", "25.0%", "75", "25.0%"}}
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, strings.Join(r, "|"))
	}
	for _, w := range want {
		if !strings.Contains("\n"+strings.Join(got, "\n")+"\n", "\n"+strings.Join(w, "|")+"\n") {
			t.Errorf("sheet %s has no row %v:\n%s", sheet, w, strings.Join(got, "\n"))
		}
	}
}
