// Package wechat is the Official Account (公众号) channel: the callback at
// /wechat/callback through silenceper/wechat's officialaccount server (plain
// and safe mode), on the same bot core as WeCom, and active replies through
// the customer-service message API.
package wechat

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	"github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"

	"unionbot"
	"unionbot/bot"
)

// Channel serves the Official Account callback and sends its active messages.
type Channel struct {
	Bot interface {
		Serve(context.Context, *bot.Message) string
	}
	Logger *slog.Logger
	oa     *officialaccount.OfficialAccount
}

// New builds the channel; the access token is cached in c.
func New(appID, secret, token, aesKey string, c cache.Cache, b interface {
	Serve(context.Context, *bot.Message) string
}) *Channel {
	oa := officialaccount.NewOfficialAccount(&config.Config{AppID: appID, AppSecret: secret, Token: token, EncodingAESKey: aesKey, Cache: c})
	return &Channel{Bot: b, oa: oa}
}

func (ch *Channel) logger() *slog.Logger {
	if ch.Logger != nil {
		return ch.Logger
	}
	return slog.Default()
}

// ServeHTTP handles the callback (signature check, echostr, messages).
func (ch *Channel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	srv := ch.oa.GetServer(r, w)
	srv.SetMessageHandler(func(mix *message.MixMessage) *message.Reply {
		msg := &bot.Message{
			Channel: bot.ChannelWeChat, UserID: string(mix.FromUserName), Type: bot.TypeText,
			CreateTime: time.Unix(mix.CreateTime, 0),
		}
		switch mix.MsgType {
		case message.MsgTypeText:
			msg.Text, msg.MsgID = mix.Content, strconv.FormatInt(mix.MsgID, 10)
		case message.MsgTypeEvent:
			msg.Type, msg.Event, msg.EventKey = bot.TypeEvent, string(mix.Event), mix.EventKey
		default:
			msg.MsgID = strconv.FormatInt(mix.MsgID, 10)
		}
		reply := ch.Bot.Serve(r.Context(), msg)
		if reply == "" {
			return nil
		}
		return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText(reply)}
	})
	if err := srv.Serve(); err != nil {
		ch.logger().Warn("wechat callback refused", "err", err)
		http.Error(w, http.StatusText(http.StatusForbidden), http.StatusForbidden)
		return
	}
	if err := srv.Send(); err != nil {
		ch.logger().Warn("wechat reply", "err", err)
	}
}

// Send implements unionbot.Sender with customer-service text messages.
func (ch *Channel) Send(ctx context.Context, n *unionbot.Notice) error {
	mgr := ch.oa.GetCustomerMessageManager()
	for _, to := range n.ToUsers {
		if err := mgr.Send(message.NewCustomerTextMessage(to, n.Text)); err != nil {
			return &unionbot.SendError{Msg: err.Error(), Retryable: true}
		}
	}
	return nil
}
