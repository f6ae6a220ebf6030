// Package wechat is the Official Account (公众号) channel: the callback at
// /wechat/callback and active messages through the customer-service API
// (message/custom/send). It is written on the crypto of bot/wxcrypt rather
// than silenceper/wechat's officialaccount server, which takes a plaintext
// body whenever encrypt_type is missing, answers "nothing to say" with an
// encrypted empty message and reuses the request's random in the reply.
//
// Followers get user ids of their own ("oa:<openid>", see unionbot.WeChatPrefix):
// they never act as a WeCom member unless the two are linked.
package wechat

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"unionbot"
	"unionbot/bot"
	"unionbot/bot/wxcrypt"
)

// MaxBody is the largest callback body accepted.
const MaxBody = 64 << 10

// Server answers one message; *bot.Bot is one.
type Server interface {
	Serve(ctx context.Context, msg *bot.Message) string
}

// Callback is the HTTP handler of the Official Account's server URL.
//
// With an EncodingAESKey set, only safe mode and compatible mode are
// accepted (encrypt_type=aes and a msg_signature over the ciphertext); a
// plaintext body is refused, since the plain signature covers only the
// timestamp and nonce, not the message. Plain mode is for an account
// configured without a key, and the bot says so loudly at start-up.
type Callback struct {
	Token  string
	AppID  string
	Bot    Server
	Guard  bot.ReplayGuard // nonces+signatures seen, kept across restarts
	Now    func() time.Time
	Logger *slog.Logger

	box *wxcrypt.Box // nil in plain mode
}

// NewCallback returns the handler; aesKey "" is plain mode.
func NewCallback(token, appID, aesKey string, b Server) (*Callback, error) {
	cb := &Callback{Token: token, AppID: appID, Bot: b}
	if aesKey != "" {
		box, err := wxcrypt.New(token, aesKey, appID)
		if err != nil {
			return nil, fmt.Errorf("WECHAT_ENCODING_AES_KEY: %w", err)
		}
		cb.box = box
	}
	return cb, nil
}

// Encrypted reports whether the callback accepts only encrypted messages.
func (cb *Callback) Encrypted() bool { return cb.box != nil }

func (cb *Callback) now() time.Time {
	if cb.Now != nil {
		return cb.Now()
	}
	return time.Now()
}

func (cb *Callback) logger() *slog.Logger {
	if cb.Logger != nil {
		return cb.Logger
	}
	return slog.Default()
}

// inbound is a message as the platform posts it (plain, or decrypted).
type inbound struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime"`
	MsgType      string `xml:"MsgType"`
	Content      string `xml:"Content"`
	MsgID        string `xml:"MsgId"`
	Event        string `xml:"Event"`
	EventKey     string `xml:"EventKey"`
	Recognition  string `xml:"Recognition"`
	Encrypt      string `xml:"Encrypt"`
}

// ServeHTTP verifies the server URL (GET) or handles a message (POST).
func (cb *Callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The request id names this message in every log line of its
	// handling; the web server gives one, a callback mounted alone makes one.
	if unionbot.RequestID(r.Context()) == "" {
		r = r.WithContext(unionbot.WithRequestID(r.Context(), unionbot.NewRequestID()))
	}
	switch r.Method {
	case http.MethodGet:
		cb.verifyURL(w, r)
	case http.MethodPost:
		cb.receive(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// verifyURL answers the platform's check when the URL is saved: the plain
// signature over token, timestamp and nonce, and echostr back as is (in
// every mode).
func (cb *Callback) verifyURL(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ts, nonce, echo := q.Get("timestamp"), q.Get("nonce"), q.Get("echostr")
	if _, err := cb.checkTime(ts); err != nil {
		cb.refuse(w, r, http.StatusBadRequest, "verify url", err)
		return
	}
	if echo == "" {
		cb.refuse(w, r, http.StatusBadRequest, "verify url", errors.New("no echostr"))
		return
	}
	if err := cb.verifyPlain(q.Get("signature"), ts, nonce); err != nil {
		cb.refuse(w, r, http.StatusForbidden, "verify url", err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, echo)
}

func (cb *Callback) verifyPlain(sig, ts, nonce string) error {
	return (&wxcrypt.Box{Token: cb.Token}).Verify(sig, ts, nonce)
}

// checkTime parses a callback timestamp and refuses one too far from now.
func (cb *Callback) checkTime(ts string) (time.Time, error) {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return time.Time{}, errors.New("bad timestamp")
	}
	return time.Unix(sec, 0), bot.CheckTimestamp(sec, cb.now())
}

func (cb *Callback) receive(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	signed, err := cb.checkTime(ts)
	if err != nil {
		cb.refuse(w, r, http.StatusBadRequest, "receive", err)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		cb.refuse(w, r, http.StatusRequestEntityTooLarge, "receive", fmt.Errorf("body over %d bytes", MaxBody))
		return
	}
	var outer inbound
	if err := xml.Unmarshal(body, &outer); err != nil {
		cb.refuse(w, r, http.StatusBadRequest, "receive", errors.New("not an Official Account callback body"))
		return
	}
	sig, plain := q.Get("signature"), body
	if cb.box != nil {
		// Safe or compatible mode only: the plain fields of a compatible
		// body are ignored, everything comes from the ciphertext.
		sig = q.Get("msg_signature")
		if q.Get("encrypt_type") != "aes" || outer.Encrypt == "" {
			cb.refuse(w, r, http.StatusForbidden, "receive", errors.New("plaintext message while an EncodingAESKey is set"))
			return
		}
		if err := cb.box.Verify(sig, ts, nonce, outer.Encrypt); err != nil {
			cb.refuse(w, r, http.StatusForbidden, "receive", err)
			return
		}
		if plain, err = cb.box.Decrypt(outer.Encrypt); err != nil {
			cb.refuse(w, r, http.StatusBadRequest, "receive", err)
			return
		}
	} else if err := cb.verifyPlain(sig, ts, nonce); err != nil {
		cb.refuse(w, r, http.StatusForbidden, "receive", err)
		return
	}
	in, msg, err := parseInbound(plain)
	if err != nil {
		cb.refuse(w, r, http.StatusBadRequest, "receive", err)
		return
	}
	if replay, err := bot.AdmitCallback(r.Context(), cb.Bot, cb.Guard, "wechat", nonce, sig, signed, cb.now(), msg); err != nil {
		cb.logger().WarnContext(r.Context(), "replay guard unavailable; relying on the timestamp and dedup", "err", err)
	} else if replay {
		cb.refuse(w, r, http.StatusConflict, "receive", bot.ErrReplay)
		return
	}
	reply := ""
	if msg != nil {
		if l := cb.logger(); l.Enabled(r.Context(), slog.LevelDebug) {
			l.DebugContext(r.Context(), "wechat message", "msgid", msg.MsgID, "type", msg.Type, "event", msg.Event)
		}
		reply = cb.Bot.Serve(r.Context(), msg)
	}
	if reply == "" {
		// The documented "nothing to say", in every mode; an encrypted
		// empty message makes WeChat show 该公众号暂时无法提供服务.
		io.WriteString(w, "success")
		return
	}
	var out []byte
	if cb.box != nil {
		out, err = cb.box.SealText(in.FromUserName, in.ToUserName, reply, cb.now(), wxcrypt.NewNonce())
	} else {
		out, err = wxcrypt.TextReply(in.FromUserName, in.ToUserName, reply, cb.now())
	}
	if err != nil {
		cb.logger().ErrorContext(r.Context(), "reply", "err", err)
		io.WriteString(w, "success")
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write(out) // copied into the connection's buffer
	wxcrypt.Recycle(out)
}

// parseInbound turns a message into a bot message.
func parseInbound(plain []byte) (*inbound, *bot.Message, error) {
	var in inbound
	if err := xml.Unmarshal(plain, &in); err != nil {
		return nil, nil, fmt.Errorf("message is not XML: %w", err)
	}
	if in.FromUserName == "" || in.MsgType == "" {
		return nil, nil, errors.New("message without FromUserName or MsgType")
	}
	msg := &bot.Message{
		Channel: bot.ChannelWeChat, UserID: unionbot.WeChatUserID(in.FromUserName), MsgID: in.MsgID,
		CreateTime: time.Unix(in.CreateTime, 0), Type: bot.TypeText,
	}
	switch strings.ToLower(in.MsgType) {
	case "text":
		msg.Text = in.Content
	case "voice":
		msg.Text = in.Recognition // speech recognition's text, when it is on
	case "event":
		msg.Type, msg.Event, msg.EventKey = bot.TypeEvent, strings.ToLower(in.Event), in.EventKey
		if msg.Event == bot.EventSubscribe || msg.Event == bot.EventScan {
			msg.EventKey = strings.TrimPrefix(msg.EventKey, "qrscene_")
		}
	}
	if msg.MsgID == "" && msg.Type == bot.TypeText {
		return nil, nil, errors.New("message without MsgId")
	}
	return &in, msg, nil
}

func (cb *Callback) refuse(w http.ResponseWriter, r *http.Request, status int, op string, err error) {
	cb.logger().WarnContext(r.Context(), "wechat callback refused", "op", op, "status", status, "err", err)
	http.Error(w, http.StatusText(status), status)
}
