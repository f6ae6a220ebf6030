// Package wxcrypt is the message encryption WeCom callbacks and the
// Official Account's safe mode share (the "WXBizMsgCrypt" scheme):
// sha1 signatures over token, timestamp, nonce and data, and AES-256-CBC
// of random(16) | length(4) | message | receive id. It is written on
// silenceper/wechat's util helpers; what it adds is the checks the SDK
// leaves to callers (receive id, padding, panics on crafted input) and a
// fresh random for every message it seals.
package wxcrypt

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// Box seals and opens the messages of one app.
type Box struct {
	Token     string
	AESKey    string // EncodingAESKey, 43 characters
	ReceiveID string // the corp id (WeCom) or app id (Official Account)
	key       []byte
}

// New checks the key and returns the box.
func New(token, aesKey, receiveID string) (*Box, error) {
	key, err := base64.StdEncoding.DecodeString(aesKey + "=")
	if err != nil || len(key) != 32 {
		return nil, errors.New("is not the base64 of a 32-byte key")
	}
	return &Box{Token: token, AESKey: aesKey, ReceiveID: receiveID, key: key}, nil
}

// Signature is sha1 of the sorted strings, as both platforms sign.
func Signature(parts ...string) string { return util.Signature(parts...) }

// Verify checks sig against the token and the other parts, in constant time.
func (b *Box) Verify(sig string, parts ...string) error {
	for _, p := range parts {
		if p == "" {
			return errors.New("missing signature, timestamp, nonce or data")
		}
	}
	want := Signature(append([]string{b.Token}, parts...)...)
	if sig == "" || subtle.ConstantTimeCompare([]byte(sig), []byte(want)) != 1 {
		return errors.New("signature mismatch")
	}
	return nil
}

// Decrypt opens an Encrypt field and checks it was sealed for ReceiveID.
func (b *Box) Decrypt(encrypted string) ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil || len(raw) == 0 || len(raw)%32 != 0 {
		return nil, errors.New("Encrypt is not valid base64 ciphertext")
	}
	_, plain, receiveID, err := safeDecrypt(raw, b.key)
	if err != nil {
		return nil, fmt.Errorf("decrypt: %w", err)
	}
	if string(receiveID) != b.ReceiveID {
		return nil, fmt.Errorf("message for another receiver %q", receiveID)
	}
	return plain, nil
}

// safeDecrypt guards util.AESDecryptMsg, which can panic on crafted input.
func safeDecrypt(raw, key []byte) (random, plain, appID []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed ciphertext: %v", r)
		}
	}()
	return util.AESDecryptMsg(raw, key)
}

// Encrypt seals plain with a fresh 16-byte random, as Tencent's samples do
// for every message (never the request's).
func (b *Box) Encrypt(plain []byte) (string, error) {
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return "", err
	}
	enc, err := util.EncryptMsg(random, plain, b.ReceiveID, b.AESKey)
	if err != nil {
		return "", err
	}
	return string(enc), nil
}

type cdata struct {
	Value string `xml:",cdata"`
}

// Envelope is the signed XML around an encrypted message: what the bot
// answers, and (with ToUserName/AgentID) what the platforms post.
type Envelope struct {
	XMLName      xml.Name `xml:"xml"`
	Encrypt      cdata    `xml:"Encrypt"`
	MsgSignature cdata    `xml:"MsgSignature"`
	TimeStamp    string   `xml:"TimeStamp"`
	Nonce        cdata    `xml:"Nonce"`
}

// Seal encrypts plain and wraps it in the signed envelope.
func (b *Box) Seal(plain []byte, now time.Time, nonce string) ([]byte, error) {
	enc, err := b.Encrypt(plain)
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	return xml.Marshal(Envelope{
		Encrypt: cdata{enc}, MsgSignature: cdata{Signature(b.Token, ts, nonce, enc)},
		TimeStamp: ts, Nonce: cdata{nonce},
	})
}

// Open verifies and decrypts an envelope made by Seal, returning the plain
// XML; the receive id must be ReceiveID.
func (b *Box) Open(envelopeXML []byte) ([]byte, error) {
	var env Envelope
	if err := xml.Unmarshal(envelopeXML, &env); err != nil {
		return nil, err
	}
	if err := b.Verify(env.MsgSignature.Value, env.TimeStamp, env.Nonce.Value, env.Encrypt.Value); err != nil {
		return nil, fmt.Errorf("reply: %w", err)
	}
	return b.Decrypt(env.Encrypt.Value)
}

// NewNonce is a random nonce for a reply.
func NewNonce() string {
	var b [8]byte
	rand.Read(b[:])
	return strconv.FormatUint(uint64(b[0])<<56|uint64(b[1])<<48|uint64(b[2])<<40|uint64(b[3])<<32|
		uint64(b[4])<<24|uint64(b[5])<<16|uint64(b[6])<<8|uint64(b[7]), 36)
}

// replyText is a passive text reply in the shape both platforms document.
type replyText struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   cdata    `xml:"ToUserName"`
	FromUserName cdata    `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      cdata    `xml:"MsgType"`
	Content      cdata    `xml:"Content"`
}

// TextReply is the plain XML of a passive text reply from from to to,
// before Seal (or as is in the Official Account's plain mode).
func TextReply(to, from, content string, now time.Time) ([]byte, error) {
	return xml.Marshal(replyText{
		ToUserName: cdata{to}, FromUserName: cdata{from}, CreateTime: now.Unix(),
		MsgType: cdata{"text"}, Content: cdata{content},
	})
}
