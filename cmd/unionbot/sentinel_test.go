package main

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"unionbot/bot/wecom/fakewecom"
	"unionbot/handlers/proposal"
	"unionbot/storage/storagetest"
)

// sentinelTeacher plays one teacher through the encrypted callback, with
// WeCom's retry of every message.
type sentinelTeacher struct {
	h    *harness
	user string
	seen int // messages the fake WeCom had sent this teacher, read so far
}

// say sends text under a new MsgId, then again under the same MsgId (the
// platform's retry). The retry must not be processed again: it gets the
// recorded reply, or nothing when it overtook the recording. A reply that
// missed the passive window is read from the fake WeCom. The busy
// sentence is sent again, as a teacher would.
func (st *sentinelTeacher) say(text, want string) (string, error) {
	for try := 0; try < 6; try++ {
		xml := st.h.WeCom.TextXML(st.user, text, st.h.WeCom.NewMsgID())
		first, err := st.h.WeCom.Post(xml)
		if err != nil || first.Status != 200 {
			return "", fmt.Errorf("%s says %q: %+v, %v", st.user, text, first, err)
		}
		retry, err := st.h.WeCom.Post(xml)
		if err != nil || retry.Status != 200 {
			return "", fmt.Errorf("%s's retry of %q: %+v, %v", st.user, text, retry, err)
		}
		if retry.Content != "" && retry.Content != first.Content {
			return "", fmt.Errorf("%s's %q answered twice: %q, then the retry %q", st.user, text, first.Content, retry.Content)
		}
		reply := first.Content
		if reply == "" {
			if reply, err = st.late(); err != nil {
				return "", fmt.Errorf("%s says %q: %v", st.user, text, err)
			}
		}
		if strings.Contains(reply, "系统繁忙") {
			continue
		}
		if !strings.Contains(reply, want) {
			return "", fmt.Errorf("%s says %q: reply %q, want %q", st.user, text, reply, want)
		}
		return reply, nil
	}
	return "", fmt.Errorf("%s says %q: still busy after 6 tries", st.user, text)
}

// late waits for the reply sent actively, skipping the proposal notices.
func (st *sentinelTeacher) late() (string, error) {
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		sent := st.h.Fake.SentTo(st.user)
		for ; st.seen < len(sent); st.seen++ {
			if c := sent[st.seen].Content; !strings.Contains(c, "已进入审查") {
				st.seen++
				return c, nil
			}
		}
	}
	return "", fmt.Errorf("no passive reply and no active one in 15 s")
}

// transition moves a proposal on by the admin API.
func transition(h *harness, no, to string) error {
	req, _ := http.NewRequest("POST", h.URL()+"/api/proposals/"+no+"/transition", strings.NewReader(`{"to":"`+to+`"}`))
	req.Header.Set("Authorization", "Bearer "+testAPIKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		return fmt.Errorf("transition %s to %s: %d %s", no, to, res.StatusCode, b)
	}
	return nil
}

// TestSentinelFailoverUnderLoad: the bot keeps sessions and dedup marks in
// a real primary with a replica and three sentinels; teachers fill
// suggestion forms (every message retried as WeCom does) while the union
// moves their suggestions on, and the primary is failed over in the
// middle. No message is processed twice, no form loses or shifts a step,
// every suggestion is stored once, and every notice arrives once.
func TestSentinelFailoverUnderLoad(t *testing.T) {
	s := storagetest.StartSentinel(t)
	// Every suggestion tells the admin: a fast machine fills more than the
	// 30 a minute WeCom lets one member get, which the outbox would then
	// hold for the next minute. Pacing is not this test's subject.
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_REDIS": s.URL, "UNIONBOT_RATE_LIMIT": "0",
		"WECOM_MEMBER_PER_MINUTE": "100000", "WECOM_MEMBER_PER_HOUR": "100000"})
	if h.Redis == nil {
		t.Fatal("UNIONBOT_REDIS set, but the bot runs without Redis")
	}
	h.Fake.SetLimits(fakewecom.Limits{MemberPerMinute: 100000, MemberPerHour: 100000, DailyQuota: 1 << 30, APIPerMinute: 100000})
	const teachers = 8
	steps := func(user string, i int) []struct{ say, want string } {
		title := fmt.Sprintf("%s的第%d条建议", user, i)
		return []struct{ say, want string }{
			{"提建议", "请用一句话写出建议的标题"},
			{title, "属于哪一类"},
			{"其他", "请写出建议的内容"},
			{"关于" + title + "的内容。", "您建议怎么做"},
			{"关于" + title + "的办法。", "是否匿名"},
			{"否", "【标题】" + title},
			{"确认提交", "已提交，编号 JY-"},
		}
	}

	// A message answered before the failover, to be retried after it: its
	// recorded answer must have survived on the new primary.
	early := h.WeCom.TextXML("early", "帮助", h.WeCom.NewMsgID())
	r, err := h.WeCom.Post(early)
	if err != nil || r.Content == "" {
		t.Fatalf("first delivery of the early message: %+v, %v", r, err)
	}
	earlyReply := r.Content

	// Each teacher fills forms until one begun after the failover is
	// through, so the load spans it however long it takes.
	var (
		done       atomic.Int64
		failedOver atomic.Bool
		forms      = make([]int, teachers)
		errs       = make(chan error, teachers)
		wg         sync.WaitGroup
	)
	for i := 0; i < teachers; i++ {
		st := &sentinelTeacher{h: h, user: fmt.Sprintf("f%02d", i)}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := 0; f < 100; f++ {
				after := failedOver.Load()
				var last string
				for _, step := range steps(st.user, f) {
					r, err := st.say(step.say, step.want)
					if err != nil {
						errs <- err
						return
					}
					last = r
					done.Add(1)
				}
				no := last[strings.Index(last, "JY-") : strings.Index(last, "JY-")+len("JY-2026-0001")]
				if err := transition(h, no, "审查中"); err != nil {
					errs <- err
					return
				}
				forms[i] = f + 1
				if after {
					return
				}
			}
			errs <- fmt.Errorf("%s filled 100 forms and the failover is not over", st.user)
		}()
	}
	for done.Load() < 40 && len(errs) == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	old, before := s.Primary.Addr(), done.Load()
	s.Failover(t)
	failedOver.Store(true)
	during := done.Load() - before
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	t.Logf("failed over from %s to %s: %d messages before, %d during, %d in all", old, s.Primary.Addr(), before, during, done.Load())

	if r, err := h.WeCom.Post(early); err != nil || r.Content != earlyReply {
		t.Errorf("retry of a message answered before the failover: %+v, %v; want the recorded %q", r, err, earlyReply)
	}

	ps, err := h.DB.ListProposals(t.Context(), proposal.Filter{Kind: proposal.KindSuggestion})
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, p := range ps {
		got = append(got, p.AuthorID+"|"+p.Title+"|"+p.Content+"|"+p.Measures+"|"+p.Status)
	}
	for i := 0; i < teachers; i++ {
		for f := 0; f < forms[i]; f++ {
			user := fmt.Sprintf("f%02d", i)
			title := fmt.Sprintf("%s的第%d条建议", user, f)
			want = append(want, user+"|"+title+"|关于"+title+"的内容。|关于"+title+"的办法。|审查中")
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("suggestions stored:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	h.Drain(t)
	for _, p := range ps {
		n := 0
		for _, m := range h.Fake.SentTo(p.AuthorID) {
			if strings.Contains(m.Content, p.No) && strings.Contains(m.Content, "已进入审查") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s got %d notices that %s is under review, want 1", p.AuthorID, n, p.No)
		}
	}
}

// TestClusterEndToEnd: with UNIONBOT_REDIS a Redis Cluster list, a teacher
// fills a suggestion through the encrypted callback, every message retried
// as WeCom does, and the recorded replies, the session and the locks all
// live on the Cluster's nodes.
func TestClusterEndToEnd(t *testing.T) {
	url := storagetest.StartCluster(t)
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_REDIS": url})
	if h.Redis == nil {
		t.Fatal("UNIONBOT_REDIS set, but the bot runs without Redis")
	}
	st := &sentinelTeacher{h: h, user: "c001"}
	var last string
	for _, step := range []struct{ say, want string }{
		{"提建议", "请用一句话写出建议的标题"},
		{"图书馆延长开放时间", "属于哪一类"},
		{"其他", "请写出建议的内容"},
		{"晚自习后图书馆已关门。", "您建议怎么做"},
		{"开到晚上九点。", "是否匿名"},
		{"否", "【标题】图书馆延长开放时间"},
		{"确认提交", "已提交，编号 JY-"},
	} {
		r, err := st.say(step.say, step.want)
		if err != nil {
			t.Fatal(err)
		}
		last = r
	}
	if got := h.MustSay(t, "c001", "我的建议"); !strings.Contains(got, trackingNo(t, last, "JY")) {
		t.Fatalf("我的建议 = %q", got)
	}
}
