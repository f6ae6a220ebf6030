package wechat

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/util"

	"unionbot"
	"unionbot/bot/wecom"
)

// APIBase is the Official Account's server API. Requests go through
// util.DefaultHTTPClient, which wecom.InstallHTTPClient points at a fake
// platform in tests.
const APIBase = "https://api.weixin.qq.com/cgi-bin/"

// Error codes of the Official Account API the sender acts on.
const (
	CodeInvalidCredential = 40001
	CodeInvalidToken      = 40014
	CodeTokenExpired      = 42001
	// CodeWindowClosed: the follower has not written in 48 hours (or has
	// unfollowed), and customer-service messages may not reach them.
	CodeWindowClosed = 45015
	// CodeTooMany: more than the allowed customer-service messages.
	CodeTooMany    = 45047
	CodeSystemBusy = -1
)

// MaxTextBytes is the most one customer-service text holds.
const MaxTextBytes = 2048

// WindowClosedReason is what the delivery log says of a notice the
// 48-hour window kept from a follower.
const WindowClosedReason = "关注者超过48小时未与公众号互动（或已取消关注），公众号无法主动发消息；请通过企业微信或其他方式告知本人。"

// Client sends customer-service messages (message/custom/send) with the
// account's access token. It implements unionbot.Sender for notices whose
// recipients are followers ("oa:<openid>").
type Client struct {
	AppID, Secret string
	Cache         cache.Cache
	Logger        *slog.Logger

	mu sync.Mutex
}

func (c *Client) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}

func (c *Client) cacheKey() string { return "wechat_token_" + c.AppID }

// token returns the cached access token or fetches one (cgi-bin/token).
func (c *Client) token(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.Cache.Get(c.cacheKey()).(string); ok && v != "" {
		return v, nil
	}
	var res struct {
		wecom.APIStatus
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	q := url.Values{"grant_type": {"client_credential"}, "appid": {c.AppID}, "secret": {c.Secret}}
	if err := wecom.CallAPI(ctx, APIBase, "token", q, nil, &res); err != nil {
		return "", err
	}
	ttl := time.Duration(res.ExpiresIn)*time.Second - 5*time.Minute
	if ttl <= 0 {
		ttl = time.Minute
	}
	_ = c.Cache.Set(c.cacheKey(), res.AccessToken, ttl) // a cache that is down must not stop sends
	return res.AccessToken, nil
}

func (c *Client) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Cache.Delete(c.cacheKey())
}

type customText struct {
	ToUser  string            `json:"touser"`
	MsgType string            `json:"msgtype"`
	Text    map[string]string `json:"text"`
}

// Send implements unionbot.Sender: each follower gets the text (in parts
// when it is long). A closed 48-hour window is a final failure whose
// reason the delivery log shows; others are retried.
func (c *Client) Send(ctx context.Context, n *unionbot.Notice) error {
	for _, to := range n.ToUsers {
		openid := unionbot.OpenID(to)
		if openid == "" {
			return &unionbot.SendError{Msg: "not a follower: " + to}
		}
		for _, part := range wecom.SplitText(n.Text, MaxTextBytes-48) {
			if err := c.send(ctx, customText{ToUser: openid, MsgType: "text", Text: map[string]string{"content": part}}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *Client) send(ctx context.Context, msg customText) error {
	do := func() error {
		tok, err := c.token(ctx)
		if err != nil {
			return err
		}
		return wecom.CallAPI(ctx, APIBase, "message/custom/send", url.Values{"access_token": {tok}}, msg, &wecom.APIStatus{})
	}
	err := do()
	if code := errCode(err); code == CodeInvalidToken || code == CodeTokenExpired || code == CodeInvalidCredential {
		c.logger().InfoContext(ctx, "wechat token rejected; refreshing", "errcode", code)
		c.invalidate()
		err = do()
	}
	if err == nil {
		return nil
	}
	switch code := errCode(err); code {
	case 0:
		return &unionbot.SendError{Msg: err.Error(), Retryable: true} // network, 5xx, timeout
	case CodeWindowClosed:
		return &unionbot.SendError{Code: code, Msg: WindowClosedReason}
	default:
		retry := code == CodeTooMany || code == CodeSystemBusy || code == CodeTokenExpired || code == CodeInvalidToken
		return &unionbot.SendError{Code: code, Msg: err.Error(), Retryable: retry}
	}
}

func errCode(err error) int {
	var ce *util.CommonError
	if errors.As(err, &ce) {
		return int(ce.ErrCode)
	}
	return 0
}
