package main

import (
	"flag"
	"io"
	"net/http"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// servePeer is "loadgen peer-serve": silenceper/wechat's own Official
// Account server answering every text with one line, the bare peer a
// school could write in an afternoon. It listens on a free loopback port,
// prints the address and serves until killed. It speaks the Official
// Account's safe mode only (silenceper has no WeCom callback server), so
// loadgen runs it with -channel wechat.
func servePeer(args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("loadgen peer-serve", flag.ContinueOnError)
	var t target
	t.flags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	oa := officialaccount.NewOfficialAccount(&oaconfig.Config{AppID: t.CorpID, AppSecret: "peer", Token: t.Token,
		EncodingAESKey: t.AESKey, Cache: cache.NewMemory()})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv := oa.GetServer(r, w)
		srv.SetMessageHandler(func(m *message.MixMessage) *message.Reply {
			return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText("收到：" + m.Content)}
		})
		if err := srv.Serve(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		srv.Send()
	})
	return serveLoopback(h, out)
}
