package wecom

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/credential"
	"github.com/silenceper/wechat/v2/util"
	"github.com/silenceper/wechat/v2/work"
	"github.com/silenceper/wechat/v2/work/addresslist"
	workconfig "github.com/silenceper/wechat/v2/work/config"
	"github.com/silenceper/wechat/v2/work/message"
	"github.com/silenceper/wechat/v2/work/robot"

	"unionbot"
	"unionbot/bot"
)

// WeCom error codes the client acts on.
const (
	CodeInvalidCredential = 40001
	CodeInvalidToken      = 40014
	CodeTokenExpired      = 42001
	CodeRateLimited       = 45009
	CodeSystemBusy        = -1
	CodeUserNotFound      = 60111
)

// MaxTextBytes is the most one WeCom text message holds.
const MaxTextBytes = 2048

// Client calls the WeCom API through silenceper/wechat: app messages
// (message/send), the group robot (webhook/send) and the address book
// (user/get). It implements unionbot.Sender and unionbot.MemberDirectory.
type Client struct {
	AgentID  int
	RobotKey string
	Logger   *slog.Logger
	// AuthorizeBase replaces https://open.weixin.qq.com in OAuth URLs when
	// set (a fake WeCom in tests and staging).
	AuthorizeBase string

	wk    *work.Work
	token *TokenHandle
}

// NewClient builds a client; tokens are cached in c (Redis or memory).
func NewClient(corpID, secret string, agentID int, robotKey string, c cache.Cache) *Client {
	tok := &TokenHandle{CorpID: corpID, Secret: secret, Cache: c}
	wk := work.NewWork(&workconfig.Config{CorpID: corpID, CorpSecret: secret, AgentID: strconv.Itoa(agentID), Cache: c})
	wk.GetContext().AccessTokenHandle = tok
	return &Client{AgentID: agentID, RobotKey: robotKey, wk: wk, token: tok}
}

func (c *Client) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}

// markdownRequest and textcardRequest are the message/send bodies the SDK
// has no structs for; SendRequestCommon is embedded as the pointer it is.
type markdownRequest struct {
	*message.SendRequestCommon
	Markdown struct {
		Content string `json:"content"`
	} `json:"markdown"`
}

type textRequest struct {
	*message.SendRequestCommon
	Text message.TextField `json:"text"`
}

// Send implements unionbot.Sender. Text longer than one message is sent as
// several, in order. An expired token is refreshed once and the call
// repeated; errors come back as *unionbot.SendError.
func (c *Client) Send(ctx context.Context, n *unionbot.Notice) error {
	if n.Channel == "robot" {
		return c.sendRobot(n)
	}
	limit := MaxTextBytes - 48
	if n.Format == unionbot.FormatMarkdown {
		limit = 4096 - 48
	}
	for _, part := range SplitText(n.Text, limit) {
		if err := c.sendOne(n, part); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) sendOne(n *unionbot.Notice, text string) error {
	common := &message.SendRequestCommon{
		ToUser: strings.Join(n.ToUsers, "|"), ToParty: n.ToParty, ToTag: n.ToTag,
		AgentID: strconv.Itoa(c.AgentID), EnableDuplicateCheck: 0,
	}
	var req any
	if n.Format == unionbot.FormatMarkdown {
		common.MsgType = "markdown"
		r := markdownRequest{SendRequestCommon: common}
		r.Markdown.Content = text
		req = r
	} else {
		common.MsgType = "text"
		req = textRequest{SendRequestCommon: common, Text: message.TextField{Content: text}}
	}
	call := func() error {
		_, err := c.wk.GetMessage().Send("MessageSend", req)
		return err
	}
	return c.withToken(call)
}

func (c *Client) sendRobot(n *unionbot.Notice) error {
	if c.RobotKey == "" {
		return &unionbot.SendError{Msg: "no group robot configured (WECOM_ROBOT_KEY)"}
	}
	var opt any
	if n.Format == unionbot.FormatMarkdown {
		o := robot.WebhookSendMarkdownOption{MsgType: "markdown"}
		o.Markdown.Content = n.Text
		opt = o
	} else {
		o := robot.WebhookSendTextOption{MsgType: "text"}
		o.Text.Content = n.Text
		opt = o
	}
	info, err := c.wk.GetRobot().RobotBroadcast(c.RobotKey, opt)
	if err == nil && info.ErrCode != 0 {
		err = &util.CommonError{ErrCode: info.ErrCode, ErrMsg: info.ErrMsg}
	}
	return classify(err)
}

// withToken runs call, and once more with a fresh token when WeCom says the
// token is invalid or expired (the SDK's own handle never refreshes early).
func (c *Client) withToken(call func() error) error {
	err := call()
	if code := errCode(err); code == CodeInvalidToken || code == CodeTokenExpired || code == CodeInvalidCredential {
		c.logger().Info("wecom token rejected; refreshing", "errcode", code)
		c.token.Invalidate()
		err = call()
	}
	return classify(err)
}

// LookupMember implements unionbot.MemberDirectory with user/get.
func (c *Client) LookupMember(ctx context.Context, userID string) (*unionbot.Member, error) {
	var resp *addresslist.UserGetResponse
	err := c.withToken(func() error {
		var err error
		resp, err = c.wk.GetAddressList().UserGet(userID)
		return err
	})
	if errCode(err) == CodeUserNotFound {
		return nil, unionbot.Errorf(unionbot.ENOTFOUND, "通讯录中没有“%s”。", userID)
	} else if err != nil {
		return nil, fmt.Errorf("user/get %s: %w", userID, err)
	}
	m := &unionbot.Member{UserID: resp.UserID, Name: resp.Name}
	if len(resp.Department) > 0 {
		m.Department = c.departmentName(resp.Department[0])
	}
	return m, nil
}

var deptNames sync.Map // department id -> name; names rarely change

func (c *Client) departmentName(id int) string {
	if v, ok := deptNames.Load(id); ok {
		return v.(string)
	}
	d, err := c.wk.GetAddressList().DepartmentGet(id)
	if err != nil || d == nil || d.Name == "" {
		return "部门" + strconv.Itoa(id)
	}
	deptNames.Store(id, d.Name)
	return d.Name
}

func errCode(err error) int {
	var ce *util.CommonError
	var se *unionbot.SendError
	switch {
	case errors.As(err, &ce):
		return int(ce.ErrCode)
	case errors.As(err, &se):
		return se.Code
	}
	return 0
}

// classify turns an SDK error into *unionbot.SendError, marking what a retry
// may fix: rate limits, system busy, HTTP failures and timeouts.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if code := errCode(err); code != 0 {
		retry := code == CodeRateLimited || code == CodeSystemBusy || code == CodeTokenExpired || code == CodeInvalidToken
		return &unionbot.SendError{Code: code, Msg: err.Error(), Retryable: retry}
	}
	return &unionbot.SendError{Msg: err.Error(), Retryable: true} // network, 5xx, timeout
}

// SplitText cuts text into pieces of at most max bytes at line breaks (or
// rune boundaries for a longer line), so no message is cut off by WeCom.
func SplitText(text string, max int) []string {
	if len(text) <= max {
		return []string{text}
	}
	var parts []string
	for len(text) > max {
		cut := strings.LastIndex(text[:max], "\n")
		if cut <= 0 {
			cut = max
			for cut > 0 && text[cut]&0xC0 == 0x80 {
				cut--
			}
		}
		parts = append(parts, strings.TrimRight(text[:cut], "\n"))
		text = strings.TrimLeft(text[cut:], "\n")
	}
	if text != "" {
		parts = append(parts, text)
	}
	return parts
}

// TokenHandle is our access-token handle: cached in Redis or memory like the
// SDK's, but Invalidate drops it when WeCom answers 40014/42001, which the
// SDK's handle never does.
type TokenHandle struct {
	CorpID, Secret string
	Cache          cache.Cache
	mu             sync.Mutex
}

var _ credential.AccessTokenContextHandle = (*TokenHandle)(nil)

const tokenURL = "https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=%s&corpsecret=%s"

func (t *TokenHandle) cacheKey() string { return "wecom_token_" + t.CorpID }

// GetAccessToken implements credential.AccessTokenHandle.
func (t *TokenHandle) GetAccessToken() (string, error) {
	return t.GetAccessTokenContext(context.Background())
}

// GetAccessTokenContext returns the cached token or fetches a new one.
func (t *TokenHandle) GetAccessTokenContext(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if v, ok := t.Cache.Get(t.cacheKey()).(string); ok && v != "" {
		return v, nil
	}
	res, err := credential.GetTokenFromServerContext(ctx, fmt.Sprintf(tokenURL, url.QueryEscape(t.CorpID), url.QueryEscape(t.Secret)))
	if err != nil {
		return "", err
	}
	ttl := time.Duration(res.ExpiresIn)*time.Second - 5*time.Minute
	if ttl <= 0 {
		ttl = time.Minute
	}
	// A cache that is down (Redis) must not stop messages: the fresh token
	// works, and the next send fetches another until the cache is back.
	_ = t.Cache.Set(t.cacheKey(), res.AccessToken, ttl)
	return res.AccessToken, nil
}

// Invalidate forgets the cached token.
func (t *TokenHandle) Invalidate() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.Cache.Delete(t.cacheKey())
}

// rewriteTransport sends requests for WeCom's API host to base instead, so
// tests and staging reach a fake WeCom (the SDK's URLs are fixed).
type rewriteTransport struct {
	base *url.URL
	next http.RoundTripper
}

func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == "qyapi.weixin.qq.com" {
		req = req.Clone(req.Context())
		req.URL.Scheme, req.URL.Host = t.base.Scheme, t.base.Host
		req.URL.Path = strings.TrimSuffix(t.base.Path, "/") + req.URL.Path
		req.Host = t.base.Host
	}
	return t.next.RoundTrip(req)
}

// InstallHTTPClient sets silenceper/wechat's util.DefaultHTTPClient (the one
// package variable we set, once, in wiring): a timeout, and WeCom's host
// rewritten to apiBase when that is not the real one.
func InstallHTTPClient(apiBase string, timeout time.Duration) error {
	base, err := url.Parse(apiBase)
	if err != nil || base.Host == "" {
		return fmt.Errorf("WECOM_API_BASE: %q is not a URL", apiBase)
	}
	installed.Lock()
	defer installed.Unlock()
	if installed.base == apiBase && installed.timeout == timeout {
		// Already in place: writing the variable again would race with
		// requests in flight (a second Main in one process, as in tests).
		return nil
	}
	var rt http.RoundTripper = http.DefaultTransport
	if base.Host != "qyapi.weixin.qq.com" {
		rt = &rewriteTransport{base: base, next: http.DefaultTransport}
	}
	util.DefaultHTTPClient = &http.Client{Transport: rt, Timeout: timeout}
	installed.base, installed.timeout = apiBase, timeout
	return nil
}

// installed is what InstallHTTPClient last set.
var installed struct {
	sync.Mutex
	base    string
	timeout time.Duration
}

// Sender routes a notice to its channel's sender: wecom (the default) and
// robot here, wechat and cli when set.
type Sender struct {
	WeCom  unionbot.Sender
	WeChat unionbot.Sender
	CLI    unionbot.Sender
}

// Send implements unionbot.Sender.
func (s *Sender) Send(ctx context.Context, n *unionbot.Notice) error {
	var to unionbot.Sender
	switch n.Channel {
	case bot.ChannelWeChat:
		to = s.WeChat
	case bot.ChannelCLI:
		to = s.CLI
	default:
		to = s.WeCom
	}
	if to == nil {
		return &unionbot.SendError{Msg: "channel " + n.Channel + " is not configured"}
	}
	return to.Send(ctx, n)
}
