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
	"slices"
	"strconv"
	"strings"
	"sync"
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
	sum := stringsSum("", parts)
	return hex.EncodeToString(sum[:])
}

// stringsSum is signatureSum of first (when not empty) and parts, without
// copying them into a slice of its own on the heap.
func stringsSum(first string, parts []string) [sha1.Size]byte {
	var ps [8]piece
	pieces := ps[:0]
	if first != "" {
		pieces = append(pieces, piece{s: first})
	}
	for _, p := range parts {
		pieces = append(pieces, piece{s: p})
	}
	return signatureSum(pieces)
}

// piece is one part of a signature: a string, or (the ciphertext being
// sealed, which is never copied into a string) bytes.
type piece struct {
	s string
	b []byte
}

// before orders pieces as strings.Compare would (string(b) in a comparison
// does not copy).
func (x piece) before(y piece) bool {
	switch {
	case x.b == nil && y.b == nil:
		return x.s < y.s
	case y.b == nil:
		return string(x.b) < y.s
	case x.b == nil:
		return x.s < string(y.b)
	}
	return string(x.b) < string(y.b)
}

// signatureSum is sha1 of the pieces sorted and joined, hashed in one call
// over a pooled buffer: a sha1.New digest and io.WriteString's copy of a
// kilobyte of ciphertext were a tenth of a reply's garbage.
func signatureSum(pieces []piece) [sha1.Size]byte {
	for i := 1; i < len(pieces); i++ { // insertion sort: four pieces
		for j := i; j > 0 && pieces[j].before(pieces[j-1]); j-- {
			pieces[j], pieces[j-1] = pieces[j-1], pieces[j]
		}
	}
	bp := getScratch()
	buf := *bp
	for _, p := range pieces {
		buf = append(buf, p.s...)
		buf = append(buf, p.b...)
	}
	sum := sha1.Sum(buf)
	putScratch(bp, buf)
	return sum
}

// scratch holds the buffers a reply is built and encrypted in, and
// signatures joined in; they go back unless a huge message grew them.
var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func getScratch() *[]byte { return scratch.Get().(*[]byte) }

// Recycle gives back an envelope Seal or SealText returned, once it is
// written and nothing holds it: the next reply is sealed in it. A reply's
// envelope was a fifth of the bot's garbage under load.
func Recycle(envelope []byte) {
	bp := new([]byte)
	putScratch(bp, envelope)
}

func putScratch(bp *[]byte, buf []byte) {
	if cap(buf) <= 64<<10 {
		*bp = buf[:0]
		scratch.Put(bp)
	}
}

// Verify checks sig against the token and the other parts, in constant time.
func (b *Box) Verify(sig string, parts ...string) error {
	for _, p := range parts {
		if p == "" {
			return errors.New("missing signature, timestamp, nonce or data")
		}
	}
	sum := stringsSum(b.Token, parts)
	var want [2 * sha1.Size]byte
	hex.Encode(want[:], sum[:])
	if sig == "" || subtle.ConstantTimeCompare([]byte(sig), want[:]) != 1 {
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
// receive id, in base64.
func (b *Box) Encrypt(plain []byte) (string, error) {
	bp, buf, err := b.encrypt(func(dst []byte) []byte { return append(dst, plain...) })
	if err != nil {
		return "", err
	}
	enc := base64.StdEncoding.EncodeToString(buf)
	putScratch(bp, buf)
	return enc, nil
}

// encrypt builds random | length | message | receive id in a pooled buffer
// (build appends the message), pads it and encrypts it in place, with the
// cipher made once per Box (silenceper's util.EncryptMsg decodes the key
// and copies the message several times per call). The caller gives the
// buffer back with putScratch.
func (b *Box) encrypt(build func([]byte) []byte) (*[]byte, []byte, error) {
	bp := getScratch()
	buf := append(*bp, make([]byte, 20)...)
	if _, err := rand.Read(buf[:16]); err != nil {
		putScratch(bp, buf)
		return nil, nil, err
	}
	buf = build(buf)
	binary.BigEndian.PutUint32(buf[16:20], uint32(len(buf)-20))
	buf = append(buf, b.ReceiveID...)
	pad := 32 - len(buf)%32
	for range pad {
		buf = append(buf, byte(pad))
	}
	cipher.NewCBCEncrypter(b.block, b.key[:16]).CryptBlocks(buf, buf)
	return bp, buf, nil
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
	return b.seal(now, nonce, func(dst []byte) []byte { return append(dst, plain...) })
}

// SealText is Seal of TextReply(to, from, content, now), the reply built
// straight into the buffer it is encrypted in: every passive reply takes
// this path, and the plain XML, the ciphertext's base64 string and the
// signature's copy of it were each a copy of the whole reply.
func (b *Box) SealText(to, from, content string, now time.Time, nonce string) ([]byte, error) {
	return b.seal(now, nonce, func(dst []byte) []byte { return appendTextReply(dst, to, from, content, now) })
}

// seal is Encrypt and the envelope: the message is encrypted in a pooled
// buffer, and its base64 encoded straight into the envelope and signed
// there.
func (b *Box) seal(now time.Time, nonce string, build func([]byte) []byte) ([]byte, error) {
	bp, buf, err := b.encrypt(build)
	if err != nil {
		return nil, err
	}
	var tsBuf [20]byte
	ts := strconv.AppendInt(tsBuf[:0], now.Unix(), 10)
	encLen := base64.StdEncoding.EncodedLen(len(buf))
	out := slices.Grow((*getScratch())[:0], encLen+len(nonce)+len(ts)+2*sha1.Size+128)
	out = append(out, "<xml><Encrypt><![CDATA["...)
	at := len(out)
	out = out[:at+encLen]
	base64.StdEncoding.Encode(out[at:], buf) // base64 holds no "]]>"
	putScratch(bp, buf)
	enc := out[at:]
	sum := signatureSum([]piece{{s: b.Token}, {b: ts}, {s: nonce}, {b: enc}})
	out = append(out, "]]></Encrypt><MsgSignature><![CDATA["...)
	out = hex.AppendEncode(out, sum[:])
	out = append(out, "]]></MsgSignature><TimeStamp>"...)
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
	return appendTextReply(make([]byte, 0, len(to)+len(from)+len(content)+192), to, from, content, now), nil
}

func appendTextReply(out []byte, to, from, content string, now time.Time) []byte {
	out = append(out, "<xml>"...)
	out = appendCDATA(out, "ToUserName", to)
	out = appendCDATA(out, "FromUserName", from)
	out = append(out, "<CreateTime>"...)
	out = strconv.AppendInt(out, now.Unix(), 10)
	out = append(out, "</CreateTime>"...)
	out = appendCDATA(out, "MsgType", "text")
	out = appendCDATA(out, "Content", content)
	return append(out, "</xml>"...)
}
