// Package wecom is the WeCom (企业微信) channel: the encrypted callback at
// /wecom/callback, written on silenceper/wechat's util crypto (the SDK has no
// WeCom callback server), and the API client that sends app messages, posts
// to the group robot and reads the address book.
package wecom

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"unionbot/bot"
)

// MaxBody is the largest callback body accepted; WeCom's are a few KiB.
const MaxBody = 64 << 10

// MaxClockSkew is how far a callback's timestamp may be from now.
const MaxClockSkew = 5 * time.Minute

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
	Now    func() time.Time
	Logger *slog.Logger

	key []byte
}

// NewCallback checks the key and returns the handler.
func NewCallback(token, aesKey, corpID string, b Server) (*Callback, error) {
	key, err := base64.StdEncoding.DecodeString(aesKey + "=")
	if err != nil || len(key) != 32 {
		return nil, errors.New("WECOM_ENCODING_AES_KEY: is not the base64 of a 32-byte key")
	}
	return &Callback{Token: token, AESKey: aesKey, CorpID: corpID, Bot: b, key: key}, nil
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
}

type cdata struct {
	Value string `xml:",cdata"`
}

type replyEnvelope struct {
	XMLName      xml.Name `xml:"xml"`
	Encrypt      cdata    `xml:"Encrypt"`
	MsgSignature cdata    `xml:"MsgSignature"`
	TimeStamp    string   `xml:"TimeStamp"`
	Nonce        cdata    `xml:"Nonce"`
}

type replyText struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   cdata    `xml:"ToUserName"`
	FromUserName cdata    `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      cdata    `xml:"MsgType"`
	Content      cdata    `xml:"Content"`
}

// ServeHTTP verifies the URL (GET) or handles a message (POST).
func (cb *Callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
		cb.refuse(w, http.StatusForbidden, "verify url", err)
		return
	}
	plain, err := cb.decrypt(echo)
	if err != nil {
		cb.refuse(w, http.StatusBadRequest, "verify url", err)
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
		cb.refuse(w, http.StatusBadRequest, "receive", errors.New("bad timestamp"))
		return
	}
	if d := cb.now().Sub(time.Unix(sec, 0)); d > MaxClockSkew || d < -MaxClockSkew {
		cb.refuse(w, http.StatusBadRequest, "receive", fmt.Errorf("timestamp %s is %v from now", ts, d.Round(time.Second)))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		cb.refuse(w, http.StatusRequestEntityTooLarge, "receive", fmt.Errorf("body over %d bytes", MaxBody))
		return
	}
	var env envelope
	if err := xml.Unmarshal(body, &env); err != nil || env.Encrypt == "" {
		cb.refuse(w, http.StatusBadRequest, "receive", errors.New("not a WeCom callback body"))
		return
	}
	if err := cb.checkSignature(q.Get("msg_signature"), ts, nonce, env.Encrypt); err != nil {
		cb.refuse(w, http.StatusForbidden, "receive", err)
		return
	}
	plain, err := cb.decrypt(env.Encrypt)
	if err != nil {
		cb.refuse(w, http.StatusBadRequest, "receive", err)
		return
	}
	msg, err := parseInbound(plain)
	if err != nil {
		cb.refuse(w, http.StatusBadRequest, "receive", err)
		return
	}
	reply := cb.Bot.Serve(r.Context(), msg)
	if reply == "" {
		w.WriteHeader(http.StatusOK) // an empty answer: WeCom expects nothing more
		return
	}
	out, err := cb.encryptReply(msg.UserID, reply, nonce)
	if err != nil {
		cb.logger().Error("encrypt reply", "err", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write(out)
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
	}
	if msg.MsgID == "" && msg.Type == bot.TypeText {
		return nil, errors.New("message without MsgId")
	}
	return msg, nil
}

func (cb *Callback) checkSignature(sig, ts, nonce, data string) error {
	if sig == "" || ts == "" || nonce == "" || data == "" {
		return errors.New("missing msg_signature, timestamp, nonce or data")
	}
	if util.Signature(cb.Token, ts, nonce, data) != sig {
		return errors.New("signature mismatch")
	}
	return nil
}

// decrypt opens an Encrypt field and checks its receive id is our corp.
func (cb *Callback) decrypt(encrypted string) ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil || len(raw) == 0 || len(raw)%32 != 0 {
		return nil, errors.New("Encrypt is not valid base64 ciphertext")
	}
	_, plain, receiveID, err := safeAESDecrypt(raw, cb.key)
	if err != nil {
		return nil, fmt.Errorf("decrypt: %w", err)
	}
	if string(receiveID) != cb.CorpID {
		return nil, fmt.Errorf("message for another corp %q", receiveID)
	}
	return plain, nil
}

// safeAESDecrypt guards util.AESDecryptMsg, which can panic on crafted input.
func safeAESDecrypt(raw, key []byte) (random, plain, appID []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed ciphertext: %v", r)
		}
	}()
	return util.AESDecryptMsg(raw, key)
}

func (cb *Callback) encryptReply(toUser, text, nonce string) ([]byte, error) {
	plain, err := xml.Marshal(replyText{
		ToUserName: cdata{toUser}, FromUserName: cdata{cb.CorpID}, CreateTime: cb.now().Unix(),
		MsgType: cdata{"text"}, Content: cdata{text},
	})
	if err != nil {
		return nil, err
	}
	return Seal(cb.Token, cb.AESKey, cb.CorpID, plain, cb.now(), nonce)
}

// Seal encrypts plain XML and wraps it in the signed envelope WeCom expects
// (used for replies, and by the fake WeCom client to send callbacks).
func Seal(token, aesKey, receiveID string, plain []byte, now time.Time, nonce string) ([]byte, error) {
	random := make([]byte, 16)
	rand.Read(random)
	enc, err := util.EncryptMsg(random, plain, receiveID, aesKey)
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	return xml.Marshal(replyEnvelope{
		Encrypt: cdata{string(enc)}, MsgSignature: cdata{util.Signature(token, ts, nonce, string(enc))},
		TimeStamp: ts, Nonce: cdata{nonce},
	})
}

// Open verifies and decrypts an envelope made by Seal, returning the plain
// XML and the receive id (the fake WeCom client reads replies with it).
func Open(token, aesKey string, envelopeXML []byte) (plain []byte, receiveID string, err error) {
	var env replyEnvelope
	if err := xml.Unmarshal(envelopeXML, &env); err != nil {
		return nil, "", err
	}
	if util.Signature(token, env.TimeStamp, env.Nonce.Value, env.Encrypt.Value) != env.MsgSignature.Value {
		return nil, "", errors.New("reply signature mismatch")
	}
	key, err := base64.StdEncoding.DecodeString(aesKey + "=")
	if err != nil {
		return nil, "", err
	}
	raw, err := base64.StdEncoding.DecodeString(env.Encrypt.Value)
	if err != nil {
		return nil, "", err
	}
	_, plain, id, err := safeAESDecrypt(raw, key)
	return plain, string(id), err
}

func (cb *Callback) refuse(w http.ResponseWriter, status int, op string, err error) {
	cb.logger().Warn("wecom callback refused", "op", op, "status", status, "err", err)
	http.Error(w, http.StatusText(status), status)
}

func xmlUnmarshal(b []byte, v any) error { return xml.Unmarshal(b, v) }
