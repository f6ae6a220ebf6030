package wecom

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/silenceper/wechat/v2/util"

	"unionbot/bot"
	"unionbot/bot/wxcrypt"
)

// The sample of WeCom's developer documentation (加解密方案说明).
const (
	sampleToken  = "QDG6eK"
	sampleCorpID = "wx5823bf96d3bd56c7"
	sampleAESKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"

	sampleVerifySig   = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
	sampleVerifyTS    = "1409659589"
	sampleVerifyNonce = "263014780"
	sampleEchoStr     = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
	sampleEchoPlain   = "1616140317555161061"

	sampleMsgSig   = "477715d11cdb4164915debcba66cb864d751f3e6"
	sampleMsgTS    = "1409659813"
	sampleMsgNonce = "1372623149"
	sampleEncrypt  = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
)

type echoBot struct {
	mu   sync.Mutex
	msgs []*bot.Message
}

func (b *echoBot) Serve(_ context.Context, m *bot.Message) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.msgs = append(b.msgs, m)
	return "收到：" + m.Text
}

func mustCallback(t *testing.T, now time.Time) (*Callback, *echoBot) {
	t.Helper()
	b := &echoBot{}
	cb, err := NewCallback(sampleToken, sampleAESKey, sampleCorpID, b)
	if err != nil {
		t.Fatal(err)
	}
	cb.Now = func() time.Time { return now }
	cb.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	return cb, b
}

func TestSampleVectorURLVerification(t *testing.T) {
	if got := util.Signature(sampleToken, sampleVerifyTS, sampleVerifyNonce, sampleEchoStr); got != sampleVerifySig {
		t.Fatalf("signature = %s, want %s", got, sampleVerifySig)
	}
	cb, _ := mustCallback(t, time.Unix(1409659589, 0))
	q := url.Values{"msg_signature": {sampleVerifySig}, "timestamp": {sampleVerifyTS}, "nonce": {sampleVerifyNonce}, "echostr": {sampleEchoStr}}
	rec := httptest.NewRecorder()
	cb.ServeHTTP(rec, httptest.NewRequest("GET", "/wecom/callback?"+q.Encode(), nil))
	if rec.Code != 200 || rec.Body.String() != sampleEchoPlain {
		t.Fatalf("verify = %d %q, want 200 %q", rec.Code, rec.Body.String(), sampleEchoPlain)
	}
}

func TestSampleVectorMessage(t *testing.T) {
	if got := util.Signature(sampleToken, sampleMsgTS, sampleMsgNonce, sampleEncrypt); got != sampleMsgSig {
		t.Fatalf("signature = %s, want %s", got, sampleMsgSig)
	}
	cb, b := mustCallback(t, time.Unix(1409659813, 0))
	plain, err := cb.decrypt(sampleEncrypt)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<FromUserName><![CDATA[mycreate]]></FromUserName>", "<Content><![CDATA[hello]]></Content>", "<MsgId>4561255354251345929</MsgId>"} {
		if !strings.Contains(string(plain), want) {
			t.Fatalf("decrypted sample lacks %s:\n%s", want, plain)
		}
	}
	body := "<xml><ToUserName><![CDATA[" + sampleCorpID + "]]></ToUserName><Encrypt><![CDATA[" + sampleEncrypt + "]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"
	q := url.Values{"msg_signature": {sampleMsgSig}, "timestamp": {sampleMsgTS}, "nonce": {sampleMsgNonce}}
	rec := httptest.NewRecorder()
	cb.ServeHTTP(rec, httptest.NewRequest("POST", "/wecom/callback?"+q.Encode(), strings.NewReader(body)))
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if len(b.msgs) != 1 || b.msgs[0].UserID != "mycreate" || b.msgs[0].Text != "hello" || b.msgs[0].MsgID != "4561255354251345929" {
		t.Fatalf("bot got %+v", b.msgs)
	}
	reply, err := Open(sampleToken, sampleAESKey, sampleCorpID, rec.Body.Bytes())
	if err != nil || !strings.Contains(string(reply), "<Content><![CDATA[收到：hello]]></Content>") {
		t.Fatalf("reply = %s, %v", reply, err)
	}
}

func TestRefusals(t *testing.T) {
	now := time.Unix(1409659813, 0)
	body := "<xml><Encrypt><![CDATA[" + sampleEncrypt + "]]></Encrypt></xml>"
	for _, tc := range []struct {
		name   string
		method string
		query  url.Values
		body   string
		want   int
	}{
		{"bad signature", "POST", url.Values{"msg_signature": {"0000"}, "timestamp": {sampleMsgTS}, "nonce": {sampleMsgNonce}}, body, 403},
		{"stale", "POST", url.Values{"msg_signature": {sampleMsgSig}, "timestamp": {"1409659000"}, "nonce": {sampleMsgNonce}}, body, 400},
		{"no timestamp", "POST", url.Values{"msg_signature": {sampleMsgSig}, "nonce": {sampleMsgNonce}}, body, 400},
		{"not xml", "POST", url.Values{"msg_signature": {sampleMsgSig}, "timestamp": {sampleMsgTS}, "nonce": {sampleMsgNonce}}, "hello", 400},
		{"too big", "POST", url.Values{"msg_signature": {sampleMsgSig}, "timestamp": {sampleMsgTS}, "nonce": {sampleMsgNonce}}, strings.Repeat("x", MaxBody+1), 413},
		{"put", "PUT", nil, "", 405},
	} {
		cb, b := mustCallback(t, now)
		rec := httptest.NewRecorder()
		cb.ServeHTTP(rec, httptest.NewRequest(tc.method, "/wecom/callback?"+tc.query.Encode(), strings.NewReader(tc.body)))
		if rec.Code != tc.want || len(b.msgs) != 0 {
			t.Errorf("%s: status %d with %d messages processed, want %d and none", tc.name, rec.Code, len(b.msgs), tc.want)
		}
	}
	// A correctly signed message for another corp is refused.
	cb, b := mustCallback(t, time.Now())
	cb.CorpID, cb.box.ReceiveID = "wwanothercorp", "wwanothercorp"
	env, _ := Seal(sampleToken, sampleAESKey, sampleCorpID, []byte("<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><MsgId>1</MsgId></xml>"), time.Now(), "n1")
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/wecom/callback?"+signedQuery(t, env).Encode(), strings.NewReader(string(env)))
	cb.ServeHTTP(rec, r)
	if rec.Code != http.StatusBadRequest || len(b.msgs) != 0 {
		t.Fatalf("other corp: status %d, %d processed", rec.Code, len(b.msgs))
	}
}

func signedQuery(t *testing.T, env []byte) url.Values {
	t.Helper()
	var e wxcrypt.Envelope
	if err := xmlUnmarshal(env, &e); err != nil {
		t.Fatal(err)
	}
	return url.Values{"msg_signature": {e.MsgSignature.Value}, "timestamp": {e.TimeStamp}, "nonce": {e.Nonce.Value}}
}

func TestParseInbound(t *testing.T) {
	for _, tc := range []struct {
		xml  string
		want bot.Message
		err  bool
	}{
		{`<xml><FromUserName>t1</FromUserName><MsgType>text</MsgType><Content>报名 羽毛球</Content><MsgId>42</MsgId><CreateTime>1700000000</CreateTime></xml>`,
			bot.Message{Channel: "wecom", UserID: "t1", MsgID: "42", Type: "text", Text: "报名 羽毛球"}, false},
		{`<xml><FromUserName>t1</FromUserName><MsgType>event</MsgType><Event>CLICK</Event><EventKey>活动</EventKey><CreateTime>1700000000</CreateTime></xml>`,
			bot.Message{Channel: "wecom", UserID: "t1", Type: "event", Event: "click", EventKey: "活动"}, false},
		{`<xml><FromUserName>t1</FromUserName><MsgType>image</MsgType><MsgId>43</MsgId></xml>`,
			bot.Message{Channel: "wecom", UserID: "t1", MsgID: "43", Type: "text"}, false},
		// WeCom's documented template_card_event, SelectedItems and all.
		{`<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName>
<CreateTime>123456789</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>
<EventKey><![CDATA[key111]]></EventKey><TaskId><![CDATA[taskid111]]></TaskId><CardType><![CDATA[text_notice]]></CardType>
<ResponseCode><![CDATA[ResponseCode]]></ResponseCode><AgentID>1</AgentID><SelectedItems><SelectedItem>
<QuestionKey><![CDATA[QuestionKey1]]></QuestionKey><OptionIds><OptionId><![CDATA[OptionId1]]></OptionId>
<OptionId><![CDATA[OptionId2]]></OptionId></OptionIds></SelectedItem></SelectedItems></xml>`,
			bot.Message{Channel: "wecom", UserID: "FromUser", Type: "event", Event: "template_card_event", EventKey: "key111",
				TaskID: "taskid111", CardType: "text_notice", ResponseCode: "ResponseCode", Selected: []string{"OptionId1", "OptionId2"}}, false},
		{`<xml><MsgType>text</MsgType></xml>`, bot.Message{}, true},
		{`<xml><FromUserName>t1</FromUserName><MsgType>text</MsgType><Content>x</Content></xml>`, bot.Message{}, true},
		{`not xml`, bot.Message{}, true},
	} {
		got, err := parseInbound([]byte(tc.xml))
		if (err != nil) != tc.err {
			t.Errorf("parseInbound(%s) error = %v, want error %v", tc.xml, err, tc.err)
			continue
		}
		if err != nil {
			continue
		}
		got.CreateTime = time.Time{}
		if diff := cmp.Diff(tc.want, *got, cmpopts.IgnoreUnexported(bot.Message{})); diff != "" {
			t.Errorf("parseInbound(%s) (-want +got):\n%s", tc.xml, diff)
		}
	}
}

// FuzzCallback feeds arbitrary bodies and decrypted payloads to the parser:
// it must never panic, and must refuse or parse cleanly.
func FuzzCallback(f *testing.F) {
	f.Add([]byte(`<xml><FromUserName>t1</FromUserName><MsgType>text</MsgType><Content>帮助</Content><MsgId>1</MsgId></xml>`), "x")
	f.Add([]byte(`<xml><FromUserName>t1</FromUserName><MsgType>event</MsgType><Event>subscribe</Event></xml>`), sampleEncrypt)
	f.Add([]byte("<xml><Encrypt><![CDATA[abc]]></Encrypt></xml>"), "AAAA")
	f.Add([]byte{0xff, 0xfe, '<'}, "")
	f.Fuzz(func(t *testing.T, payload []byte, encrypted string) {
		if m, err := parseInbound(payload); err == nil && (m.UserID == "" || (m.Type == bot.TypeText && m.MsgID == "")) {
			t.Fatalf("parsed a message without user or id: %+v", m)
		}
		cb, b := mustCallback(t, time.Now())
		// AES-CBC without a MAC is malleable: a mutated copy of real
		// ciphertext can still decrypt to our corp id (the fuzzer finds such
		// inputs). The signature check is what authenticates, so the
		// property here is only that decrypt never panics and never returns
		// plaintext addressed to another corp.
		if plain, err := cb.decrypt(encrypted); err == nil && plain == nil {
			t.Fatalf("decrypt(%q) returned neither plaintext nor error", encrypted)
		}
		rec := httptest.NewRecorder()
		q := url.Values{"msg_signature": {"x"}, "timestamp": {"1"}, "nonce": {"n"}}
		cb.ServeHTTP(rec, httptest.NewRequest("POST", "/?"+q.Encode(), strings.NewReader(string(payload))))
		if rec.Code == 200 || len(b.msgs) != 0 {
			t.Fatalf("unsigned body accepted: %d", rec.Code)
		}
		// A correctly sealed payload reaches the parser through the full path.
		env, err := Seal(sampleToken, sampleAESKey, sampleCorpID, payload, time.Now(), "nonce")
		if err != nil {
			return
		}
		rec = httptest.NewRecorder()
		cb.ServeHTTP(rec, httptest.NewRequest("POST", "/?"+signedQuery(t, env).Encode(), strings.NewReader(string(env))))
		if rec.Code != 200 && rec.Code != 400 {
			t.Fatalf("sealed payload: status %d", rec.Code)
		}
	})
}
