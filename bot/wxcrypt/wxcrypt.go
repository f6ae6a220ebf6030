// Package wxcrypt is the message encryption WeCom callbacks and the
// Official Account's safe mode share (the "WXBizMsgCrypt" scheme):
// sha1 signatures over token, timestamp, nonce and data, and AES-256-CBC
// of random(16) | length(4) | message | receive id. It opens with
// silenceper/wechat's util helpers, adding the checks the SDK leaves to
// callers (receive id, padding, panics on crafted input); it seals and
// signs on the standard library, with a fresh random for every message,
// because sealing is on every reply's path and the SDK's copies were a
// fifth of it. Tencent's @wecom/crypto and node-webot's wechat-crypto open
// what it seals (TestInterop).
package wxcrypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// Box seals and opens the messages of one app.
type Box struct {
	Token     string
	AESKey    string // EncodingAESKey, 43 characters
	ReceiveID string // the corp id (WeCom) or app id (Official Account)
	key       []byte
	block     cipher.Block
}

// New checks the key and returns the box.
func New(token, aesKey, receiveID string) (*Box, error) {
	key, err := base64.StdEncoding.DecodeString(aesKey + "=")
	if err != nil || len(key) != 32 {
		return nil, errors.New("is not the base64 of a 32-byte key")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return &Box{Token: token, AESKey: aesKey, ReceiveID: receiveID, key: key, block: block}, nil
}

// Signature is sha1 of the sorted strings, as both platforms sign (as
// silenceper's util.Signature, without sorting the caller's slice or
// formatting through fmt: every callback signs twice).
func Signature(parts ...string) string {
	sorted := make([]string, len(parts))
	copy(sorted, parts)
	slices.Sort(sorted)
	h := sha1.New()
	for _, p := range sorted {
		io.WriteString(h, p)
	}
	var sum [sha1.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0]))
}

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
// for every message (never the request's): AES-256-CBC, IV the key's first
// 16 bytes, PKCS#7 padding to 32 bytes, of random | length | plain |
// receive id, in base64. One buffer, encrypted in place, with the cipher
// made once per Box (silenceper's util.EncryptMsg decodes the key and
// copies the message several times per call).
func (b *Box) Encrypt(plain []byte) (string, error) {
	n := 16 + 4 + len(plain) + len(b.ReceiveID)
	pad := 32 - n%32
	buf := make([]byte, n+pad)
	if _, err := rand.Read(buf[:16]); err != nil {
		return "", err
	}
	binary.BigEndian.PutUint32(buf[16:20], uint32(len(plain)))
	copy(buf[20:], plain)
	copy(buf[20+len(plain):], b.ReceiveID)
	for i := n; i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(b.block, b.key[:16]).CryptBlocks(buf, buf)
	return base64.StdEncoding.EncodeToString(buf), nil
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

// Seal encrypts plain and wraps it in the signed envelope (the XML that
// encoding/xml makes of Envelope, written directly).
func (b *Box) Seal(plain []byte, now time.Time, nonce string) ([]byte, error) {
	enc, err := b.Encrypt(plain)
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	sig := Signature(b.Token, ts, nonce, enc)
	out := make([]byte, 0, len(enc)+len(sig)+len(ts)+len(nonce)+128)
	out = append(out, "<xml>"...)
	out = appendCDATA(out, "Encrypt", enc)
	out = appendCDATA(out, "MsgSignature", sig)
	out = append(out, "<TimeStamp>"...)
	out = append(out, ts...) // digits: nothing to escape
	out = append(out, "</TimeStamp>"...)
	out = appendCDATA(out, "Nonce", nonce)
	return append(out, "</xml>"...), nil
}

// appendCDATA appends <name><![CDATA[value]]></name> as encoding/xml writes
// a ",cdata" field: a "]]>" inside splits the section, and an empty value
// writes no section.
func appendCDATA(out []byte, name, value string) []byte {
	out = append(out, '<')
	out = append(out, name...)
	out = append(out, '>')
	if value != "" {
		out = append(out, "<![CDATA["...)
		for {
			before, after, ok := strings.Cut(value, "]]>")
			if !ok {
				break
			}
			out = append(out, before...)
			out = append(out, "]]]]><![CDATA[>"...)
			value = after
		}
		out = append(out, value...)
		out = append(out, "]]>"...)
	}
	out = append(out, "</"...)
	out = append(out, name...)
	return append(out, '>')
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

// TextReply is the plain XML of a passive text reply from from to to,
// before Seal (or as is in the Official Account's plain mode): what
// encoding/xml makes of replyText, written directly.
func TextReply(to, from, content string, now time.Time) ([]byte, error) {
	out := make([]byte, 0, len(to)+len(from)+len(content)+192)
	out = append(out, "<xml>"...)
	out = appendCDATA(out, "ToUserName", to)
	out = appendCDATA(out, "FromUserName", from)
	out = append(out, "<CreateTime>"...)
	out = strconv.AppendInt(out, now.Unix(), 10)
	out = append(out, "</CreateTime>"...)
	out = appendCDATA(out, "MsgType", "text")
	out = appendCDATA(out, "Content", content)
	return append(out, "</xml>"...), nil
}
