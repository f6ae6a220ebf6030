// Package wecom is the WeCom (企业微信) channel: the encrypted callback at
// /wecom/callback, written on silenceper/wechat's util crypto (the SDK has no
// WeCom callback server), and the API client that sends app messages, posts
// to the group robot and reads the address book.
package wecom

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

// MaxBody is the largest callback body accepted; WeCom's are a few KiB.
const MaxBody = 64 << 10

// MaxClockSkew is how far a callback's timestamp may be from now.
const MaxClockSkew = bot.MaxClockSkew

// Server answers one message; *bot.Bot is one.
type Server interface {
	Serve(ctx context.Context, msg *bot.Message) string
}

// Callback is the HTTP handler of the WeCom callback URL.
type Callback struct {
	Token  string
	AESKey string // EncodingAESKey, 43 characters
	CorpID string // the receive id every message must carry
	Bot    Server
	Guard  bot.ReplayGuard // nonces+signatures seen, kept across restarts
	Now    func() time.Time
	Logger *slog.Logger

	box *wxcrypt.Box
}

// NewCallback checks the key and returns the handler.
func NewCallback(token, aesKey, corpID string, b Server) (*Callback, error) {
	box, err := wxcrypt.New(token, aesKey, corpID)
	if err != nil {
		return nil, fmt.Errorf("WECOM_ENCODING_AES_KEY: %w", err)
	}
	return &Callback{Token: token, AESKey: aesKey, CorpID: corpID, Bot: b, box: box}, nil
}

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

// envelope is the outer XML of a callback POST.
type envelope struct {
	ToUserName string `xml:"ToUserName"`
	AgentID    string `xml:"AgentID"`
	Encrypt    string `xml:"Encrypt"`
}

// inbound is the decrypted message.
type inbound struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime"`
	MsgType      string `xml:"MsgType"`
	Content      string `xml:"Content"`
	MsgID        string `xml:"MsgId"`
	AgentID      string `xml:"AgentID"`
	Event        string `xml:"Event"`
	EventKey     string `xml:"EventKey"`
	Recognition  string `xml:"Recognition"`
	// template_card_event
	TaskID        string `xml:"TaskId"`
	CardType      string `xml:"CardType"`
	ResponseCode  string `xml:"ResponseCode"`
	SelectedItems []struct {
		QuestionKey string   `xml:"QuestionKey"`
		OptionIDs   []string `xml:"OptionIds>OptionId"`
	} `xml:"SelectedItems>SelectedItem"`
}

// ServeHTTP verifies the URL (GET) or handles a message (POST).
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

func (cb *Callback) verifyURL(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	echo := q.Get("echostr")
	if err := cb.checkSignature(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), echo); err != nil {
		cb.refuse(w, r, http.StatusForbidden, "verify url", err)
		return
	}
	plain, err := cb.decrypt(echo)
	if err != nil {
		cb.refuse(w, r, http.StatusBadRequest, "verify url", err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(plain)
}

func (cb *Callback) receive(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		cb.refuse(w, r, http.StatusBadRequest, "receive", errors.New("bad timestamp"))
		return
	}
	if err := bot.CheckTimestamp(sec, cb.now()); err != nil {
		cb.refuse(w, r, http.StatusBadRequest, "receive", err)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		cb.refuse(w, r, http.StatusRequestEntityTooLarge, "receive", fmt.Errorf("body over %d bytes", MaxBody))
		return
	}
	var env envelope
	if err := xml.Unmarshal(body, &env); err != nil || env.Encrypt == "" {
		cb.refuse(w, r, http.StatusBadRequest, "receive", errors.New("not a WeCom callback body"))
		return
	}
	if err := cb.checkSignature(q.Get("msg_signature"), ts, nonce, env.Encrypt); err != nil {
		cb.refuse(w, r, http.StatusForbidden, "receive", err)
		return
	}
	plain, err := cb.decrypt(env.Encrypt)
	if err != nil {
		cb.refuse(w, r, http.StatusBadRequest, "receive", err)
		return
	}
	msg, err := parseInbound(plain)
	if err != nil {
		cb.refuse(w, r, http.StatusBadRequest, "receive", err)
		return
	}
	if replay, err := bot.AdmitCallback(r.Context(), cb.Bot, cb.Guard, "wecom", nonce, q.Get("msg_signature"), time.Unix(sec, 0), cb.now(), msg); err != nil {
		cb.logger().WarnContext(r.Context(), "replay guard unavailable; relying on the timestamp and dedup", "err", err)
	} else if replay {
		cb.refuse(w, r, http.StatusConflict, "receive", bot.ErrReplay)
		return
	}
	if l := cb.logger(); l.Enabled(r.Context(), slog.LevelDebug) {
		l.DebugContext(r.Context(), "wecom message", "msgid", msg.MsgID, "type", msg.Type, "event", msg.Event)
	}
	reply := cb.Bot.Serve(r.Context(), msg)
	if reply == "" {
		w.WriteHeader(http.StatusOK) // an empty answer: WeCom expects nothing more
		return
	}
	out, err := cb.encryptReply(msg.UserID, reply, wxcrypt.NewNonce())
	if err != nil {
		cb.logger().ErrorContext(r.Context(), "encrypt reply", "err", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write(out) // copied into the connection's buffer
	wxcrypt.Recycle(out)
}

// ParseInbound turns decrypted callback XML into a bot message.
func parseInbound(plain []byte) (*bot.Message, error) {
	var in inbound
	if err := xml.Unmarshal(plain, &in); err != nil {
		return nil, fmt.Errorf("decrypted message is not XML: %w", err)
	}
	if in.FromUserName == "" || in.MsgType == "" {
		return nil, errors.New("message without FromUserName or MsgType")
	}
	msg := &bot.Message{
		Channel: bot.ChannelWeCom, UserID: in.FromUserName, MsgID: in.MsgID,
		CreateTime: time.Unix(in.CreateTime, 0), Type: bot.TypeText,
	}
	switch in.MsgType {
	case "text":
		msg.Text = in.Content
	case "voice":
		msg.Text = in.Recognition // empty unless speech recognition is on
	case "event":
		msg.Type, msg.Event, msg.EventKey = bot.TypeEvent, strings.ToLower(in.Event), in.EventKey
		msg.TaskID, msg.CardType, msg.ResponseCode = in.TaskID, in.CardType, in.ResponseCode
		for _, it := range in.SelectedItems {
			msg.Selected = append(msg.Selected, it.OptionIDs...)
		}
	}
	if msg.MsgID == "" && msg.Type == bot.TypeText {
		return nil, errors.New("message without MsgId")
	}
	return msg, nil
}

func (cb *Callback) checkSignature(sig, ts, nonce, data string) error {
	return cb.box.Verify(sig, ts, nonce, data)
}

// decrypt opens an Encrypt field and checks its receive id is our corp.
func (cb *Callback) decrypt(encrypted string) ([]byte, error) { return cb.box.Decrypt(encrypted) }

func (cb *Callback) encryptReply(toUser, text, nonce string) ([]byte, error) {
	return cb.box.SealText(toUser, cb.CorpID, text, cb.now(), nonce)
}

// Seal encrypts plain XML and wraps it in the signed envelope WeCom expects
// (the fake WeCom client sends callbacks with it).
func Seal(token, aesKey, receiveID string, plain []byte, now time.Time, nonce string) ([]byte, error) {
	box, err := wxcrypt.New(token, aesKey, receiveID)
	if err != nil {
		return nil, err
	}
	return box.Seal(plain, now, nonce)
}

// Open verifies and decrypts an envelope made by Seal, returning the plain
// XML and the receive id (the fake WeCom client reads replies with it).
func Open(token, aesKey, receiveID string, envelopeXML []byte) ([]byte, error) {
	box, err := wxcrypt.New(token, aesKey, receiveID)
	if err != nil {
		return nil, err
	}
	return box.Open(envelopeXML)
}

func (cb *Callback) refuse(w http.ResponseWriter, r *http.Request, status int, op string, err error) {
	cb.logger().WarnContext(r.Context(), "wecom callback refused", "op", op, "status", status, "err", err)
	http.Error(w, http.StatusText(status), status)
}

func xmlUnmarshal(b []byte, v any) error { return xml.Unmarshal(b, v) }
