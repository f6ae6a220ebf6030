package fakewecom

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"unionbot/bot/wecom"
)

// Client plays WeCom's side of the callback: it signs and encrypts messages
// as WeCom does and reads the bot's encrypted replies.
type Client struct {
	URL    string // the bot's /wecom/callback
	Token  string
	AESKey string
	CorpID string
	HTTP   *http.Client
	Now    func() time.Time
}

// Reply is what the bot answered to one callback.
type Reply struct {
	Status  int
	Content string // the decrypted text reply; "" for an empty answer
	Raw     []byte
}

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

type cdata struct {
	Value string `xml:",cdata"`
}

type inMsg struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   cdata    `xml:"ToUserName"`
	FromUserName cdata    `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      cdata    `xml:"MsgType"`
	Content      *cdata   `xml:"Content,omitempty"`
	MsgID        string   `xml:"MsgId,omitempty"`
	Event        *cdata   `xml:"Event,omitempty"`
	EventKey     *cdata   `xml:"EventKey,omitempty"`
	AgentID      string   `xml:"AgentID"`
}

// NewMsgID returns a fresh message id: random 63 bits, as unique as
// WeCom's own. (It used to be microseconds plus a counter, which repeats
// across clients started close together: a load generator run right after
// another got the previous run's answers from the bot's dedup.)
func (c *Client) NewMsgID() string {
	var b [8]byte
	rand.Read(b[:])
	return strconv.FormatUint(binary.BigEndian.Uint64(b[:])>>1, 10)
}

// TextXML is the plain XML of a text message.
func (c *Client) TextXML(user, text, msgID string) []byte {
	b, _ := xml.Marshal(inMsg{ToUserName: cdata{c.CorpID}, FromUserName: cdata{user}, CreateTime: c.now().Unix(),
		MsgType: cdata{"text"}, Content: &cdata{text}, MsgID: msgID, AgentID: "1000002"})
	return b
}

// EventXML is the plain XML of an event.
func (c *Client) EventXML(user, event, key string, at time.Time) []byte {
	b, _ := xml.Marshal(inMsg{ToUserName: cdata{c.CorpID}, FromUserName: cdata{user}, CreateTime: at.Unix(),
		MsgType: cdata{"event"}, Event: &cdata{event}, EventKey: &cdata{key}, AgentID: "1000002"})
	return b
}

// SendText sends a text message from user with a new MsgId.
func (c *Client) SendText(user, text string) (*Reply, error) {
	return c.Post(c.TextXML(user, text, c.NewMsgID()))
}

// Post encrypts plain, signs it and posts it to the callback URL.
func (c *Client) Post(plain []byte) (*Reply, error) {
	body, sig, ts, nonce, err := c.Signed(plain)
	if err != nil {
		return nil, err
	}
	return c.PostRaw(body, sig, ts, nonce)
}

// Signed is the body and query WeCom would post for plain, to post (again)
// with PostRaw.
func (c *Client) Signed(plain []byte) (body []byte, sig, ts, nonce string, err error) {
	nonce = randomNonce()
	env, err := wecom.Seal(c.Token, c.AESKey, c.CorpID, plain, c.now(), nonce)
	if err != nil {
		return nil, "", "", "", err
	}
	var e struct {
		Encrypt      string `xml:"Encrypt"`
		MsgSignature string `xml:"MsgSignature"`
		TimeStamp    string `xml:"TimeStamp"`
	}
	xml.Unmarshal(env, &e)
	body = []byte("<xml><ToUserName><![CDATA[" + c.CorpID + "]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[" + e.Encrypt + "]]></Encrypt></xml>")
	return body, e.MsgSignature, e.TimeStamp, nonce, nil
}

// PostRaw posts body with the given query values, for tests of refusals.
func (c *Client) PostRaw(body []byte, sig, ts, nonce string) (*Reply, error) {
	q := url.Values{"msg_signature": {sig}, "timestamp": {ts}, "nonce": {nonce}}
	resp, err := c.http().Post(c.URL+"?"+q.Encode(), "text/xml", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return c.Decode(resp.StatusCode, raw)
}

// Decode reads a callback response as WeCom would: the status, and the
// reply opened and checked (a load generator posts first and decodes
// after its clock stops).
func (c *Client) Decode(status int, raw []byte) (*Reply, error) {
	r := &Reply{Status: status, Raw: raw}
	if status != http.StatusOK || len(bytes.TrimSpace(raw)) == 0 {
		return r, nil
	}
	plain, err := wecom.Open(c.Token, c.AESKey, c.CorpID, raw) // checks the receive id too
	if err != nil {
		return r, fmt.Errorf("open reply: %w", err)
	}
	var out struct {
		Content string `xml:"Content"`
	}
	if err := xml.Unmarshal(plain, &out); err != nil {
		return r, err
	}
	r.Content = out.Content
	return r, nil
}

// VerifyURL performs WeCom's URL verification and returns the echoed text.
func (c *Client) VerifyURL(echo string) (string, int, error) {
	random := make([]byte, 16)
	rand.Read(random)
	enc, err := util.EncryptMsg(random, []byte(echo), c.CorpID, c.AESKey)
	if err != nil {
		return "", 0, err
	}
	ts, nonce := strconv.FormatInt(c.now().Unix(), 10), randomNonce()
	q := url.Values{"msg_signature": {util.Signature(c.Token, ts, nonce, string(enc))}, "timestamp": {ts}, "nonce": {nonce}, "echostr": {string(enc)}}
	resp, err := c.http().Get(c.URL + "?" + q.Encode())
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b), resp.StatusCode, nil
}

func randomNonce() string {
	b := make([]byte, 6)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Tap is a teacher's tap on a template card, as WeCom reports it.
type Tap struct {
	User         string
	TaskID       string
	CardType     string
	Key          string // the button's key (a vote's submit key)
	ResponseCode string // from Server.NewResponseCode
	Question     string // a vote's question_key
	Options      []string
	At           time.Time // CreateTime: a retry of the same tap repeats it
}

type tapXML struct {
	XMLName       xml.Name `xml:"xml"`
	ToUserName    cdata    `xml:"ToUserName"`
	FromUserName  cdata    `xml:"FromUserName"`
	CreateTime    int64    `xml:"CreateTime"`
	MsgType       cdata    `xml:"MsgType"`
	Event         cdata    `xml:"Event"`
	EventKey      cdata    `xml:"EventKey"`
	TaskID        cdata    `xml:"TaskId"`
	CardType      cdata    `xml:"CardType"`
	ResponseCode  cdata    `xml:"ResponseCode"`
	AgentID       string   `xml:"AgentID"`
	SelectedItems *struct {
		Item []struct {
			QuestionKey cdata   `xml:"QuestionKey"`
			OptionIDs   []cdata `xml:"OptionIds>OptionId"`
		} `xml:"SelectedItem"`
	} `xml:"SelectedItems,omitempty"`
}

// CardEventXML is the plain XML of a template_card_event.
func (c *Client) CardEventXML(t Tap) []byte {
	x := tapXML{ToUserName: cdata{c.CorpID}, FromUserName: cdata{t.User}, CreateTime: t.At.Unix(), MsgType: cdata{"event"},
		Event: cdata{"template_card_event"}, EventKey: cdata{t.Key}, TaskID: cdata{t.TaskID}, CardType: cdata{t.CardType},
		ResponseCode: cdata{t.ResponseCode}, AgentID: "1000002"}
	if t.Question != "" {
		x.SelectedItems = &struct {
			Item []struct {
				QuestionKey cdata   `xml:"QuestionKey"`
				OptionIDs   []cdata `xml:"OptionIds>OptionId"`
			} `xml:"SelectedItem"`
		}{}
		item := struct {
			QuestionKey cdata   `xml:"QuestionKey"`
			OptionIDs   []cdata `xml:"OptionIds>OptionId"`
		}{QuestionKey: cdata{t.Question}}
		for _, o := range t.Options {
			item.OptionIDs = append(item.OptionIDs, cdata{o})
		}
		x.SelectedItems.Item = append(x.SelectedItems.Item, item)
	}
	b, _ := xml.Marshal(x)
	return b
}
