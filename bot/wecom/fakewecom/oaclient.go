package fakewecom

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"unionbot/bot/wxcrypt"
)

// Official Account message modes (服务器配置 → 消息加解密方式).
const (
	ModePlain  = "plain"  // 明文模式
	ModeCompat = "compat" // 兼容模式: plain fields and Encrypt side by side
	ModeSafe   = "safe"   // 安全模式
)

// OAClient plays the Official Account platform's side of /wechat/callback:
// it signs (and in compatible and safe mode encrypts) messages as the
// platform does and reads the bot's replies.
type OAClient struct {
	URL      string // the bot's /wechat/callback
	Token    string
	AESKey   string
	AppID    string
	Original string // the account's original id (gh_…), ToUserName of messages
	Mode     string
	HTTP     *http.Client
	Now      func() time.Time
}

// OAReply is what the bot answered to one callback.
type OAReply struct {
	Status    int
	Raw       []byte
	Encrypted bool
	Plain     []byte // the reply XML, decrypted when it was encrypted
	Content   string // the text reply; "" for none
}

// OARequest is one signed callback request, ready to post (again).
type OARequest struct {
	Query url.Values
	Body  []byte
	Plain []byte // the message before encryption
}

func (c *OAClient) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *OAClient) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

type oaMsg struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   cdata    `xml:"ToUserName"`
	FromUserName cdata    `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      cdata    `xml:"MsgType"`
	Content      *cdata   `xml:"Content,omitempty"`
	Event        *cdata   `xml:"Event,omitempty"`
	EventKey     *cdata   `xml:"EventKey,omitempty"`
	Recognition  *cdata   `xml:"Recognition,omitempty"`
	MediaID      *cdata   `xml:"MediaId,omitempty"`
	Format       *cdata   `xml:"Format,omitempty"`
	MsgID        string   `xml:"MsgId,omitempty"`
}

// TextXML is the plain XML of a follower's text message.
func (c *OAClient) TextXML(openid, text, msgID string) []byte {
	b, _ := xml.Marshal(oaMsg{ToUserName: cdata{c.Original}, FromUserName: cdata{openid}, CreateTime: c.now().Unix(),
		MsgType: cdata{"text"}, Content: &cdata{text}, MsgID: msgID})
	return b
}

// VoiceXML is a voice message with speech recognition's text.
func (c *OAClient) VoiceXML(openid, recognition, msgID string) []byte {
	b, _ := xml.Marshal(oaMsg{ToUserName: cdata{c.Original}, FromUserName: cdata{openid}, CreateTime: c.now().Unix(),
		MsgType: cdata{"voice"}, MediaID: &cdata{"media-" + msgID}, Format: &cdata{"amr"}, Recognition: &cdata{recognition}, MsgID: msgID})
	return b
}

// EventXML is an event as the platform sends it (Event in its own case:
// CLICK, VIEW, SCAN, subscribe).
func (c *OAClient) EventXML(openid, event, key string) []byte {
	b, _ := xml.Marshal(oaMsg{ToUserName: cdata{c.Original}, FromUserName: cdata{openid}, CreateTime: c.now().Unix(),
		MsgType: cdata{"event"}, Event: &cdata{event}, EventKey: &cdata{key}})
	return b
}

// Sign builds the request the platform would post for plain in c.Mode.
func (c *OAClient) Sign(plain []byte) (*OARequest, error) {
	ts, nonce := strconv.FormatInt(c.now().Unix(), 10), randomNonce()
	q := url.Values{"signature": {wxcrypt.Signature(c.Token, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce}}
	if c.Mode == ModePlain || c.Mode == "" {
		return &OARequest{Query: q, Body: plain, Plain: plain}, nil
	}
	box, err := wxcrypt.New(c.Token, c.AESKey, c.AppID)
	if err != nil {
		return nil, err
	}
	enc, err := box.Encrypt(plain)
	if err != nil {
		return nil, err
	}
	q.Set("encrypt_type", "aes")
	q.Set("msg_signature", wxcrypt.Signature(c.Token, ts, nonce, enc))
	var m struct {
		FromUserName string `xml:"FromUserName"`
	}
	xml.Unmarshal(plain, &m)
	q.Set("openid", m.FromUserName)
	body := []byte("<xml><ToUserName><![CDATA[" + c.Original + "]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
	if c.Mode == ModeCompat { // the plain message with Encrypt added
		body = append(bytes.TrimSuffix(bytes.TrimSpace(plain), []byte("</xml>")), []byte("<Encrypt><![CDATA["+enc+"]]></Encrypt></xml>")...)
	}
	return &OARequest{Query: q, Body: body, Plain: plain}, nil
}

// Post signs plain in c.Mode, posts it and reads the reply.
func (c *OAClient) Post(plain []byte) (*OAReply, *OARequest, error) {
	req, err := c.Sign(plain)
	if err != nil {
		return nil, nil, err
	}
	r, err := c.Do(req)
	return r, req, err
}

// SendText sends a follower's text message with a new MsgId.
func (c *OAClient) SendText(openid, text string) (*OAReply, error) {
	r, _, err := c.Post(c.TextXML(openid, text, (&Client{}).NewMsgID()))
	return r, err
}

// Do posts a signed request (again, for retries and replays).
func (c *OAClient) Do(req *OARequest) (*OAReply, error) {
	resp, err := c.http().Post(c.URL+"?"+req.Query.Encode(), "text/xml", bytes.NewReader(req.Body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return c.Decode(resp.StatusCode, raw)
}

// Decode reads a callback response as the platform would (see
// Client.Decode).
func (c *OAClient) Decode(status int, raw []byte) (*OAReply, error) {
	r := &OAReply{Status: status, Raw: raw}
	if status != http.StatusOK || len(bytes.TrimSpace(raw)) == 0 || string(raw) == "success" {
		return r, nil
	}
	r.Plain = raw
	var env struct {
		Encrypt string `xml:"Encrypt"`
	}
	if err := xml.Unmarshal(raw, &env); err != nil {
		return r, fmt.Errorf("reply is not XML: %w", err)
	}
	if env.Encrypt != "" {
		box, err := wxcrypt.New(c.Token, c.AESKey, c.AppID)
		if err != nil {
			return r, err
		}
		if r.Plain, err = box.Open(raw); err != nil {
			return r, fmt.Errorf("open reply: %w", err)
		}
		r.Encrypted = true
	}
	var out struct {
		Content string `xml:"Content"`
	}
	if err := xml.Unmarshal(r.Plain, &out); err != nil {
		return r, err
	}
	r.Content = out.Content
	return r, nil
}

// VerifyURL performs the platform's server URL check and returns the body.
func (c *OAClient) VerifyURL(echo string) (string, int, error) {
	ts, nonce := strconv.FormatInt(c.now().Unix(), 10), randomNonce()
	q := url.Values{"signature": {wxcrypt.Signature(c.Token, ts, nonce)}, "timestamp": {ts}, "nonce": {nonce}, "echostr": {echo}}
	resp, err := c.http().Get(c.URL + "?" + q.Encode())
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b), resp.StatusCode, nil
}
