package main

import (
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"unionbot"
	"unionbot/bot/wecom/fakewecom"
)

// MustSayOA sends text as the follower openid through /wechat/callback in
// the client's mode and returns the text reply.
func (h *harness) MustSayOA(tb testing.TB, openid, text string) string {
	tb.Helper()
	r, err := h.OA.SendText(openid, text)
	if err != nil {
		tb.Fatalf("say %q in the 公众号: %v", text, err)
	}
	if r.Status != 200 {
		tb.Fatalf("say %q in the 公众号: status %d %s", text, r.Status, r.Raw)
	}
	return r.Content
}

// TestOAForgedPlaintextRefused: with an EncodingAESKey set, a plaintext
// body with a valid plain signature (which covers no body) is refused and
// runs nothing, even when it names an admin.
func TestOAForgedPlaintextRefused(t *testing.T) {
	h := MustRunMain(t, "sqlite", nil)
	forger := *h.OA
	forger.Mode = fakewecom.ModePlain
	for _, text := range []string{"发布活动", "我的建议", "帮助"} {
		r, _, err := forger.Post(forger.TextXML(testAdmin, text, forger.URL[len(forger.URL)-4:]+text))
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != http.StatusForbidden {
			t.Errorf("plaintext %q: status %d, want 403", text, r.Status)
		}
	}
	// Missing encrypt_type on an encrypted body, and a bad msg_signature.
	req, err := h.OA.Sign(h.OA.TextXML("o_follower", "帮助", "901"))
	if err != nil {
		t.Fatal(err)
	}
	noType := &fakewecom.OARequest{Query: cloneQuery(req.Query), Body: req.Body}
	noType.Query.Del("encrypt_type")
	badSig := &fakewecom.OARequest{Query: cloneQuery(req.Query), Body: req.Body}
	badSig.Query.Set("msg_signature", strings.Repeat("0", 40))
	for name, rq := range map[string]*fakewecom.OARequest{"no encrypt_type": noType, "bad msg_signature": badSig} {
		r, err := h.OA.Do(rq)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", name, r.Status)
		}
	}
	if n, _ := h.DB.CountMembers(t.Context()); n != 0 {
		t.Fatalf("%d members recorded from refused callbacks, want 0", n)
	}
}

// TestOAIdentitySeparate: a follower whose openid equals an admin's WeCom
// user id is neither that admin nor able to read the member's suggestions.
func TestOAIdentitySeparate(t *testing.T) {
	h := MustRunMain(t, "sqlite", nil)
	reply := h.MustSay(t, "t001", "提建议 标题：操场照明 类别：后勤保障 内容：晚上操场太暗。 措施：加装路灯。")
	for i := 0; i < 6 && !strings.Contains(reply, "JY-"); i++ {
		switch {
		case strings.Contains(reply, "匿名"):
			reply = h.MustSay(t, "t001", "是")
		default:
			reply = h.MustSay(t, "t001", "确认提交")
		}
	}
	if !strings.Contains(reply, "JY-") {
		t.Fatalf("no suggestion submitted: %q", reply)
	}
	if got := h.MustSayOA(t, "t001", "我的建议"); strings.Contains(got, "操场照明") {
		t.Fatalf("follower named t001 sees t001's suggestion: %q", got)
	}
	if got := h.MustSayOA(t, testAdmin, "发布活动"); !strings.Contains(got, "只有工会管理员可以使用") {
		t.Fatalf("follower named like the admin ran 发布活动: %q", got)
	}
	m, err := h.DB.FindMember(t.Context(), unionbot.WeChatUserID(testAdmin))
	if err != nil || m.Channel != unionbot.ChannelWeChat {
		t.Fatalf("follower record = %+v, %v; want oa:%s from wechat", m, err, testAdmin)
	}
}

// TestOAReplayRefused: the platform's retry of a request within seconds is
// answered with the same reply and processed once; the same request a
// minute later, or after a restart, is refused.
func TestOAReplayRefused(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"test.clock": "2026-12-31T23:58:00+08:00"})
	r1, req, err := h.OA.Post(h.OA.TextXML("o_replay", "绑定公众号", "7001"))
	if err != nil || r1.Status != 200 {
		t.Fatalf("first: %+v %v", r1, err)
	}
	for i := 0; i < 2; i++ { // the platform's retries
		r, err := h.OA.Do(req)
		if err != nil || r.Status != 200 || r.Content != r1.Content {
			t.Fatalf("retry %d: %+v %v; want the first reply %q", i, r, err, r1.Content)
		}
	}
	h.Advance(t, time.Minute) // into the next year, and past the retry window
	if r, err := h.OA.Do(req); err != nil || r.Status != http.StatusConflict {
		t.Fatalf("replay after a minute: %+v %v; want 409", r, err)
	}
	h.Advance(t, 5*time.Minute)
	if r, err := h.OA.Do(req); err != nil || r.Status != http.StatusBadRequest {
		t.Fatalf("replay after 6 minutes: %+v %v; want 400 (stale timestamp)", r, err)
	}

	// After a restart on the same database the guard still remembers.
	extra := map[string]string{"UNIONBOT_DB": h.Env["UNIONBOT_DB"], "test.clock": h.Now().Add(-5 * time.Minute).Format(time.RFC3339)}
	h.Close()
	h2 := MustRunMain(t, "sqlite", extra)
	h2.OA.URL = h2.URL() + "/wechat/callback"
	if r, err := h2.OA.Do(req); err != nil || r.Status != http.StatusConflict {
		t.Fatalf("replay after a restart: %+v %v; want 409", r, err)
	}
}

// TestWeComReplayRefused: the same for the WeCom callback, on SQLite and
// on MariaDB with Redis (where the replay check and the dedup claim go in
// one pipeline).
func TestWeComReplayRefused(t *testing.T) {
	for _, c := range []struct {
		name, driver string
		extra        map[string]string
	}{
		{"sqlite", "sqlite", nil},
		{"mysql+redis", "mysql", map[string]string{"UNIONBOT_REDIS": "test"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			extra := map[string]string{"test.clock": "2026-06-01T10:00:00+08:00"}
			for k, v := range c.extra {
				extra[k] = v
			}
			h := MustRunMain(t, c.driver, extra)
			before := MustScrape(t, h.URL()+"/metrics", testAPIKey)
			body, sig, ts, nonce, err := h.WeCom.Signed(h.WeCom.TextXML("t009", "帮助", "88001"))
			if err != nil {
				t.Fatal(err)
			}
			first, err := h.WeCom.PostRaw(body, sig, ts, nonce)
			if err != nil || first.Status != 200 || first.Content == "" {
				t.Fatalf("first: %+v %v", first, err)
			}
			again, err := h.WeCom.PostRaw(body, sig, ts, nonce)
			if err != nil || again.Content != first.Content {
				t.Fatalf("retry: %+v %v", again, err)
			}
			// The same message id under a new signature (the platform's
			// retry is re-signed by nobody, but a second delivery of one
			// MsgId must not run twice either): answered as recorded.
			body2, sig2, ts2, nonce2, err := h.WeCom.Signed(h.WeCom.TextXML("t009", "帮助", "88001"))
			if err != nil {
				t.Fatal(err)
			}
			if r, err := h.WeCom.PostRaw(body2, sig2, ts2, nonce2); err != nil || r.Status != 200 || r.Content != first.Content {
				t.Fatalf("same MsgId, new nonce: %+v %v; want the first reply", r, err)
			}
			if d := delta(before, MustScrape(t, h.URL()+"/metrics", testAPIKey), `unionbot_dedup_hits_total{channel="wecom"}`); d != 2 {
				t.Fatalf("dedup hits moved by %v; want 2 (the message handled once)", d)
			}
			h.Advance(t, 2*time.Minute)
			if r, err := h.WeCom.PostRaw(body, sig, ts, nonce); err != nil || r.Status != http.StatusConflict {
				t.Fatalf("replay: %+v %v; want 409", r, err)
			}
		})
	}
}

// TestOAProtocol: events in the platform's case, "success" when there is
// nothing to say, a fresh random in every encrypted reply, voice with
// speech recognition, and every mode.
func TestOAProtocol(t *testing.T) {
	h := MustRunMain(t, "sqlite", nil)
	r, _, err := h.OA.Post(h.OA.EventXML("o_click", "CLICK", "帮助"))
	if err != nil || !strings.Contains(r.Content, "回复数字") && !strings.Contains(r.Content, "帮助") {
		t.Fatalf("CLICK 帮助: %+v %v", r, err)
	}
	if !r.Encrypted {
		t.Fatalf("reply in safe mode is not encrypted: %s", r.Raw)
	}
	var back struct {
		ToUserName, FromUserName, MsgType string
		CreateTime                        int64
	}
	xml.Unmarshal(r.Plain, &back)
	if back.ToUserName != "o_click" || back.FromUserName != testOAOrig || back.MsgType != "text" || back.CreateTime == 0 {
		t.Fatalf("reply XML %s", r.Plain)
	}
	for _, ev := range []string{"unsubscribe", "LOCATION", "VIEW"} {
		r, _, err := h.OA.Post(h.OA.EventXML("o_click", ev, "https://example.org/"))
		if err != nil || r.Status != 200 || string(r.Raw) != "success" {
			t.Fatalf("%s: %+v %v; want the body success", ev, r, err)
		}
	}
	// A fresh random: the reply's first cipher block is not the request's.
	reply, req, err := h.OA.Post(h.OA.TextXML("o_rand", "帮助", "55501"))
	if err != nil {
		t.Fatal(err)
	}
	var reqEnv, repEnv struct{ Encrypt string }
	xml.Unmarshal(req.Body, &reqEnv)
	xml.Unmarshal(reply.Raw, &repEnv)
	a, _ := base64.StdEncoding.DecodeString(reqEnv.Encrypt)
	b, _ := base64.StdEncoding.DecodeString(repEnv.Encrypt)
	if len(a) < 16 || len(b) < 16 || string(a[:16]) == string(b[:16]) {
		t.Fatalf("reply reuses the request's first cipher block")
	}
	if got, _, err := h.OA.Post(h.OA.VoiceXML("o_voice", "我是谁", "55502")); err != nil || !strings.Contains(got.Content, "oa:o_voice") {
		t.Fatalf("voice 我是谁: %+v %v", got, err)
	}
	for _, mode := range []string{fakewecom.ModeCompat, fakewecom.ModeSafe} {
		c := *h.OA
		c.Mode = mode
		if got := (&harness{Main: h.Main, OA: &c}).MustSayOA(t, "o_mode", "我是谁"); !strings.Contains(got, "oa:o_mode") {
			t.Fatalf("%s mode: %q", mode, got)
		}
	}
	if echo, status, err := h.OA.VerifyURL("1234567890"); err != nil || status != 200 || echo != "1234567890" {
		t.Fatalf("verify url: %q %d %v", echo, status, err)
	}
}

// TestOAPlainMode: without a key the channel takes plain messages (and
// still checks the signature).
func TestOAPlainMode(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"WECHAT_ENCODING_AES_KEY": ""})
	if got := h.MustSayOA(t, "o_plain", "我是谁"); !strings.Contains(got, "oa:o_plain") {
		t.Fatalf("plain mode: %q", got)
	}
	if !strings.Contains(h.Stderr.String(), "PLAIN mode") {
		t.Fatalf("no start-up warning about plain mode in:\n%s", h.Stderr)
	}
	req, _ := h.OA.Sign(h.OA.TextXML("o_plain", "帮助", "9"))
	req.Query.Set("signature", strings.Repeat("1", 40))
	if r, _ := h.OA.Do(req); r.Status != http.StatusForbidden {
		t.Fatalf("bad plain signature: status %d", r.Status)
	}
}

// TestOANoticesToFollowers: a waitlist promotion for a follower goes out
// through message/custom/send, a WeCom member's through message/send; a
// closed 48-hour window leaves the notice failed with its reason and the
// admins told.
func TestOANoticesToFollowers(t *testing.T) {
	h := MustRunMain(t, "sqlite", nil)
	ev := MustOpenEvent(t, h, 1)
	if got := h.MustSay(t, "t001", "报名 "+ev.Title); !strings.Contains(got, "报名成功") {
		t.Fatalf("t001: %q", got)
	}
	if got := h.MustSayOA(t, "o_wait", "报名 "+ev.Title); !strings.Contains(got, "候补第 1 位") {
		t.Fatalf("follower: %q", got)
	}
	h.MustSay(t, "t001", "取消报名 "+ev.Title)
	got := h.Fake.WaitSent(1, 10*time.Second, func(s fakewecom.Sent) bool { return s.Path == "/cgi-bin/message/custom/send" })
	if len(got) != 1 || got[0].ToUser != "o_wait" || !strings.Contains(got[0].Content, ev.Title) {
		t.Fatalf("custom/send = %+v; want the promotion to o_wait", got)
	}
	for _, s := range h.Fake.Sent() {
		if s.Path == "/cgi-bin/message/send" && strings.Contains(s.ToUser, "o_wait") {
			t.Fatalf("a follower's notice went through WeCom: %+v", s)
		}
	}

	// The window closes: the notice fails with the reason, admins are told.
	h.Fake.CloseWindow("o_late")
	ev2 := MustOpenEvent(t, h, 1)
	ev2.Title = "秋季登山"
	if err := h.DB.UpdateEvent(t.Context(), ev2); err != nil {
		t.Fatal(err)
	}
	h.MustSay(t, "t002", "报名 "+ev2.Title)
	h.MustSayOA(t, "o_late", "报名 "+ev2.Title)
	h.MustSay(t, "t002", "取消报名 "+ev2.Title)
	alert := h.Fake.WaitSent(1, 10*time.Second, func(s fakewecom.Sent) bool {
		return s.Path == "/cgi-bin/message/send" && s.ToUser == testAdmin && strings.Contains(s.Content, "发送失败")
	})
	if len(alert) == 0 {
		t.Fatalf("admins not told of the undeliverable notice; sent %+v", h.Fake.Sent())
	}
	ns, err := h.DB.ListNotices(t.Context(), "", 50)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, n := range ns {
		if len(n.ToUsers) == 1 && n.ToUsers[0] == "oa:o_late" {
			found = true
			if n.Status != unionbot.NoticeFailed || n.LastCode != 45015 || !strings.Contains(n.LastErr, "48小时") {
				t.Fatalf("notice to o_late = %+v; want failed, 45015, the 48-hour reason", n)
			}
		}
	}
	if !found {
		t.Fatal("no notice to oa:o_late recorded")
	}
}

// TestOALink: a teacher links the 公众号 from WeCom; the follower then acts
// as the member for teachers' features, never as an admin.
func TestOALink(t *testing.T) {
	h := MustRunMain(t, "sqlite", nil)
	ev := MustOpenEvent(t, h, 5)
	h.MustSay(t, testAdmin, "报名 "+ev.Title)
	if got := h.MustSayOA(t, "o_admin", "绑定 123456"); !strings.Contains(got, "绑定码不对") {
		t.Fatalf("wrong code: %q", got)
	}
	reply := h.MustSay(t, testAdmin, "绑定公众号")
	i := strings.Index(reply, "绑定 ")
	if i < 0 {
		t.Fatalf("no code in %q", reply)
	}
	code := reply[i+len("绑定 ") : i+len("绑定 ")+6]
	if got := h.MustSayOA(t, "o_admin", "绑定 "+code); !strings.Contains(got, "绑定成功") {
		t.Fatalf("confirm: %q", got)
	}
	if got := h.MustSayOA(t, "o_other", "绑定 "+code); !strings.Contains(got, "绑定码不对") {
		t.Fatalf("code used twice: %q", got)
	}
	if got := h.MustSayOA(t, "o_admin", "我的报名"); !strings.Contains(got, ev.Title) {
		t.Fatalf("linked follower's 我的报名 lacks the member's sign-up: %q", got)
	}
	if got := h.MustSayOA(t, "o_admin", "发布活动"); !strings.Contains(got, "只有工会管理员可以使用") {
		t.Fatalf("linked follower ran an admin command: %q", got)
	}
	if got := h.MustSayOA(t, "o_admin", "解除绑定"); !strings.Contains(got, "已解除") {
		t.Fatalf("unlink: %q", got)
	}
	if got := h.MustSayOA(t, "o_admin", "我的报名"); strings.Contains(got, ev.Title) {
		t.Fatalf("after unlinking the follower still sees the member's sign-ups: %q", got)
	}
	// An admin links through the API.
	MustAPI(t, h, "PUT", "/api/links/o_api", `{"user_id":"t001"}`, 404) // t001 is not a member yet
	h.MustSay(t, "t001", "帮助")
	MustAPI(t, h, "PUT", "/api/links/o_api", `{"user_id":"t001"}`, 200)
	if got := string(MustAPI(t, h, "GET", "/api/links", "", 200)); !strings.Contains(got, `"follower_id":"oa:o_api"`) {
		t.Fatalf("links: %s", got)
	}
	MustAPI(t, h, "DELETE", "/api/links/oa:o_api", "", 204)
}

func cloneQuery(q map[string][]string) map[string][]string {
	out := map[string][]string{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}
