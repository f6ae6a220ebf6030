package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"unionbot/bot/wecom/fakewecom"
	"unionbot/handlers/signup"
	"unionbot/storage/storagetest"
)

// mustCard is the one card the fake WeCom received for user with a button
// or submit key starting with prefix.
func mustCard(t *testing.T, h *harness, user, prefix string) fakewecom.Sent {
	t.Helper()
	h.Drain(t)
	var hits []fakewecom.Sent
	for _, s := range h.Fake.Cards(user) {
		for _, k := range s.Card.Keys {
			if strings.HasPrefix(k, prefix) {
				hits = append(hits, s)
				break
			}
		}
	}
	if len(hits) != 1 {
		t.Fatalf("cards to %s with a %s key = %+v, want one", user, prefix, hits)
	}
	return hits[0]
}

// tap is user tapping key on card at the harness clock's now, as WeCom
// reports it: with a fresh response code (and the vote's options). It
// returns the tap, to be posted again as WeCom's retries are.
func tap(h *harness, user string, card fakewecom.Sent, key string, options ...string) fakewecom.Tap {
	tp := fakewecom.Tap{User: user, TaskID: card.Card.TaskID, CardType: card.Card.CardType, Key: key,
		ResponseCode: h.Fake.NewResponseCode(user, card.Card.TaskID), At: h.Now()}
	if len(options) > 0 {
		tp.Question, tp.Options = key, options
	}
	return tp
}

func mustTap(t *testing.T, h *harness, tp fakewecom.Tap, want string) {
	t.Helper()
	r, err := h.WeCom.Post(h.WeCom.CardEventXML(tp))
	if err != nil || r.Status != 200 || !strings.Contains(r.Content, want) {
		t.Fatalf("%s taps %s: %+v, %v; want %q", tp.User, tp.Key, r, err, want)
	}
}

// updates are the buttons' new texts of the cards user tapped, in order.
func updates(t *testing.T, h *harness, user string) []string {
	t.Helper()
	h.Drain(t)
	var out []string
	for _, s := range h.Fake.CardUpdates(user) {
		out = append(out, s.Content)
	}
	return out
}

// TestSignupCard: 活动 sends a WeCom member a button card per open event
// whose button is keyed signup:<id>; the tap, posted four times as WeCom's
// retries are, puts the teacher on the roster once and updates the card
// once with the tap's response code. A full event waitlists the next tap;
// a code WeCom refuses is answered with a message; a tap on a closed
// event's card, or a second one, gets a sentence and no second entry.
func TestSignupCard(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			extra := map[string]string{"test.clock": "2026-12-01T09:00:00+08:00"}
			if driver == "mysql" {
				extra["UNIONBOT_REDIS"] = "test"
			}
			h := MustRunMain(t, driver, extra)
			ev := MustOpenEvent(t, h, 1)
			key := "signup:" + strconv.FormatInt(ev.ID, 10)
			for _, u := range []string{"c1", "c2", "c3"} {
				if got := h.MustSay(t, u, "活动"); !strings.Contains(got, "教职工羽毛球比赛") || !strings.Contains(got, "活动卡片") {
					t.Fatalf("活动 = %q, want the list and a pointer to the cards", got)
				}
			}
			card := mustCard(t, h, "c1", key)
			if card.Card.CardType != "button_interaction" || len(card.Card.Keys) != 1 || card.Card.Keys[0] != key {
				t.Fatalf("card = %+v, want a button_interaction card with %s", card.Card, key)
			}

			first := tap(h, "c1", card, key)
			var wg sync.WaitGroup
			replies := make([]string, 3)
			for i := range replies {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if r, err := h.WeCom.Post(h.WeCom.CardEventXML(first)); err == nil {
						replies[i] = r.Content
					}
				}()
			}
			wg.Wait()
			mustTap(t, h, first, "报名成功") // the retry gets the answer again
			told := 0
			for _, r := range replies {
				if strings.Contains(r, "报名成功") {
					told++
				}
			}
			if told == 0 {
				t.Fatalf("replies to the tap = %q, want 报名成功", replies)
			}
			entries, err := h.DB.ListEntries(t.Context(), ev.ID, "")
			if err != nil || len(entries) != 1 || entries[0].UserID != "c1" || entries[0].Status != signup.EntryConfirmed {
				t.Fatalf("roster = %+v, %v; want c1 once, confirmed", entries, err)
			}
			ups := h.Fake.CardUpdates("c1")
			if got := updates(t, h, "c1"); len(got) != 1 || got[0] != "已报名" {
				t.Fatalf("c1's card updates = %q, want [已报名]", got)
			}
			if ups = h.Fake.CardUpdates("c1"); ups[0].ResponseCode != first.ResponseCode {
				t.Fatalf("update used %q, want the tap's %q", ups[0].ResponseCode, first.ResponseCode)
			}

			// c2 fills the waitlist; WeCom no longer takes the code, so
			// the outcome comes as a message.
			second := tap(h, "c2", mustCard(t, h, "c2", key), key)
			second.ResponseCode = "fake-rc-never-issued"
			mustTap(t, h, second, "候补第 1 位")
			if got := updates(t, h, "c2"); len(got) != 0 {
				t.Fatalf("c2's card updates = %q, want none (the code was refused)", got)
			}
			if got := h.Fake.WaitSent(1, 5*time.Second, func(s fakewecom.Sent) bool {
				return s.ToUser == "c2" && s.MsgType == "text" && strings.Contains(s.Content, "候补第 1 位")
			}); len(got) != 1 {
				t.Fatalf("c2 was not told by message: %+v", h.Fake.SentTo("c2"))
			}

			// c1 taps again a second later: a sentence, no second entry.
			h.Advance(t, time.Second)
			mustTap(t, h, tap(h, "c1", card, key), "您已经报名了")

			// The event closes; c3's card is stale.
			mustTurns(t, h, []turn{{testAdmin, "截止报名 " + strconv.FormatInt(ev.ID, 10), "已截止报名"}})
			mustTap(t, h, tap(h, "c3", mustCard(t, h, "c3", key), key), "现在不在报名中")
			if got := updates(t, h, "c3"); len(got) != 1 || got[0] != "报名已截止" {
				t.Fatalf("c3's card updates = %q, want [报名已截止]", got)
			}
			entries, _ = h.DB.ListEntries(t.Context(), ev.ID, "")
			if len(entries) != 2 {
				t.Fatalf("roster has %d entries, want c1 and c2 only", len(entries))
			}
			mustTap(t, h, fakewecom.Tap{User: "c3", TaskID: "x", CardType: "button_interaction", Key: "nosuch:1", At: h.Now()}, "这张卡片已失效")

			// An event with a question: the tap asks it in chat, and the
			// card shows the outcome once the answer is in, with the
			// tap's code. A teacher halfway through another form is not
			// thrown out of it.
			now := h.Now().UTC()
			ev2 := &signup.Event{Title: "冬季长跑", Kind: "比赛", StartsAt: now.Add(72 * time.Hour), EndsAt: now.Add(75 * time.Hour),
				SignupClosesAt: now.Add(48 * time.Hour), Capacity: 5, Fields: []signup.Field{{Name: "衣服尺码", Options: []string{"S", "M", "L"}}}}
			if err := ev2.Validate(); err != nil {
				t.Fatal(err)
			}
			if err := h.DB.CreateEvent(t.Context(), ev2); err != nil {
				t.Fatal(err)
			}
			key2 := "signup:" + strconv.FormatInt(ev2.ID, 10)
			h.MustSay(t, "c4", "活动")
			h.MustSay(t, "c5", "活动")
			asked := tap(h, "c4", mustCard(t, h, "c4", key2), key2)
			mustTap(t, h, asked, "请填写“衣服尺码”")
			if got := updates(t, h, "c4"); len(got) != 0 {
				t.Fatalf("card updated before the answer: %q", got)
			}
			mustTurns(t, h, []turn{{"c4", "M", "报名成功：“冬季长跑”"}})
			if got := updates(t, h, "c4"); len(got) != 1 || got[0] != "已报名" || h.Fake.CardUpdates("c4")[0].ResponseCode != asked.ResponseCode {
				t.Fatalf("c4's card updates = %q, want [已报名] with the tap's code", got)
			}
			mustTurns(t, h, []turn{{"c5", "提建议", "标题"}})
			mustTap(t, h, tap(h, "c5", mustCard(t, h, "c5", key2), key2), "您正在填写「建议/提案」")
			mustTurns(t, h, []turn{{"c5", "食堂增加晚餐窗口", "属于哪一类"}}) // the form goes on
		})
	}
}

// TestInviteAndVoteCards: the team invitation, the motion's seconding and
// the satisfaction vote come as cards whose taps act through the same
// services as 确认组队, 附议 and 满意; a tap on an answered card gets a
// sentence, never a second action.
func TestInviteAndVoteCards(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			h := MustRunMain(t, driver, map[string]string{"UNIONBOT_RATE_LIMIT": "0", "test.clock": "2026-12-01T09:00:00+08:00"})
			for id, name := range map[string]string{"c1": "王老师", "m2": "李明", "m3": "张华", "p1": "周老师", "s1": "吴老师",
				"s2": "郑老师", testAdmin: "工会主席"} {
				mustMember(t, h, id, name, "语文组")
			}

			// Team invitation.
			start := h.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
			var ev struct{ ID int64 }
			json.Unmarshal(MustAPI(t, h, "POST", "/api/events", `{"title":"拔河比赛","kind":"比赛","starts_at":"`+start+`",
				"capacity":4,"waitlist":true,"team_min":2,"team_max":3}`, 201), &ev)
			id := strconv.FormatInt(ev.ID, 10)
			mustTurns(t, h, []turn{
				{"c1", "报名 拔河", "给队伍起个名字"},
				{"c1", "语文组", "连您在内 2 到 3 人"},
				{"c1", "李明、m3", "已邀请 李明、张华 确认组队"},
			})
			inv := mustCard(t, h, "m2", "team:accept:"+id)
			if got := strings.Join(inv.Card.Keys, " "); got != "team:accept:"+id+" team:decline:"+id {
				t.Fatalf("invitation keys = %s", got)
			}
			mustTap(t, h, tap(h, "m2", inv, "team:accept:"+id), "已加入“拔河比赛”的队伍“语文组”")
			mustTap(t, h, tap(h, "m3", mustCard(t, h, "m3", "team:decline:"+id), "team:decline:"+id), "已拒绝加入")
			h.Advance(t, time.Second)
			mustTap(t, h, tap(h, "m2", inv, "team:decline:"+id), "没有“拔河比赛”待确认的组队邀请")
			if got := strings.Join(updates(t, h, "m2"), " "); got != "已确认组队 已处理" {
				t.Fatalf("m2's card updates = %s", got)
			}
			mustTurns(t, h, []turn{{"c1", "我的报名", "李明：已确认，张华：已拒绝"}})

			// Motion seconding.
			closes := h.Now().In(h.Config.Location).AddDate(0, 1, 0).Format("2006-01-02")
			last := mustTurns(t, h, []turn{
				{testAdmin, "提案征集 六届二次教代会 " + closes, "已开启"},
				{"p1", "提案", "请写出提案的案由"},
				{"p1", "关于完善教师职称评审办法的提案", "请写出提案的理由"},
				{"p1", "现行评审办法对一线教师不够公平。", "请写出建议的解决办法"},
				{"p1", "增加课堂教学实绩的权重。", "附议人"},
				{"p1", "吴老师、郑老师", "【附议人】吴老师、郑老师"},
				{"p1", "确认提交", "已邀请"},
			})
			no := trackingNo(t, last, "TA")
			sc := mustCard(t, h, "s1", "second:agree:"+no)
			mustTap(t, h, tap(h, "s1", sc, "second:agree:"+no), "已附议 "+no)
			mustTap(t, h, tap(h, "s2", mustCard(t, h, "s2", "second:agree:"+no), "second:agree:"+no), "已附议 "+no)
			h.Advance(t, time.Second)
			mustTap(t, h, tap(h, "s1", sc, "second:decline:"+no), "已回复过")
			if got := strings.Join(updates(t, h, "s1"), " "); got != "已附议 已失效" {
				t.Fatalf("s1's card updates = %s", got)
			}
			mustTurns(t, h, []turn{{"p1", "查询 " + no, "已提交"}})

			// The satisfaction vote after the answer.
			last = mustTurns(t, h, []turn{
				{"c1", "提建议", "标题"},
				{"c1", "食堂增加晚餐窗口", "属于哪一类"},
				{"c1", "后勤", "请写出建议的内容"},
				{"c1", "食堂晚餐窗口太少。", "您建议怎么做"},
				{"c1", "增开两个窗口。", "是否匿名"},
				{"c1", "否", "确认提交"},
				{"c1", "确认提交", "已提交"},
			})
			jy := trackingNo(t, last, "JY")
			for _, st := range []string{`{"to":"审查中"}`, `{"to":"立案","note":"同意"}`, `{"to":"已交办","department":"总务处"}`,
				`{"to":"已答复","note":"已增开两个窗口。"}`} {
				MustAPI(t, h, "POST", "/api/proposals/"+jy+"/transition", st, 200)
			}
			vote := mustCard(t, h, "c1", "rate:"+jy)
			if vote.Card.CardType != "vote_interaction" || strings.Join(vote.Card.Options, " ") != "1 2 3" {
				t.Fatalf("vote card = %+v", vote.Card)
			}
			mustTap(t, h, tap(h, "c1", vote, "rate:"+jy), "请先选择")
			h.Advance(t, time.Second)
			mustTap(t, h, tap(h, "c1", vote, "rate:"+jy, "2"), "已记录您对 "+jy+" 的评价：基本满意")
			h.Advance(t, time.Second)
			mustTap(t, h, tap(h, "c1", vote, "rate:"+jy, "3"), "您已评价过 "+jy+"（基本满意）")
			var p struct{ Satisfaction string }
			json.Unmarshal(MustAPI(t, h, "GET", "/api/proposals/"+jy, "", 200), &p)
			if p.Satisfaction != "基本满意" {
				t.Fatalf("satisfaction = %q, want 基本满意 (the second tap must not change it)", p.Satisfaction)
			}
		})
	}
}
