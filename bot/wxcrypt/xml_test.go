package wxcrypt

import (
	"encoding/xml"
	"testing"
	"time"
)

// replyText is the passive text reply as encoding/xml would write it, the
// reference TextReply's hand-written XML is checked against.
type replyText struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   cdata    `xml:"ToUserName"`
	FromUserName cdata    `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      cdata    `xml:"MsgType"`
	Content      cdata    `xml:"Content"`
}

// FuzzTextReplyIsEncodingXML: the reply XML, written by hand for speed, is
// byte for byte what encoding/xml makes, for any content (a "]]>" inside,
// empty, any script), and the sealed envelope is too and opens again.
func FuzzTextReplyIsEncodingXML(f *testing.F) {
	for _, s := range []string{"", "帮助", "a]]>b", "]]>]]>", "<xml>&amp;</xml>", "第1页\n回复“更多”", "🙂 \t x"} {
		f.Add(s)
	}
	box := mustBox(f)
	at := time.Date(2026, 12, 31, 21, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, content string) {
		got, _ := TextReply("t001", "wx5823bf96d3bd56c7", content, at)
		want, err := xml.Marshal(replyText{ToUserName: cdata{"t001"}, FromUserName: cdata{"wx5823bf96d3bd56c7"},
			CreateTime: at.Unix(), MsgType: cdata{"text"}, Content: cdata{content}})
		if err != nil {
			t.Skip() // not XML encoding/xml would write either
		}
		if string(got) != string(want) {
			t.Fatalf("TextReply(%q)\n got %s\nwant %s", content, got, want)
		}
		env, err := box.Seal(got, at, "k3x9q0")
		if err != nil {
			t.Fatal(err)
		}
		var e Envelope
		if err := xml.Unmarshal(env, &e); err != nil {
			t.Fatalf("envelope is not XML: %v\n%s", err, env)
		}
		wantEnv, _ := xml.Marshal(e)
		if string(env) != string(wantEnv) {
			t.Fatalf("Seal\n got %s\nwant %s", env, wantEnv)
		}
		plain, err := box.Open(env)
		if err != nil || string(plain) != string(got) {
			t.Fatalf("Open = %q, %v; want %q", plain, err, got)
		}
	})
}
