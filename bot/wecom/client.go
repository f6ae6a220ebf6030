package wecom

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/util"

	"unionbot"
)

// WeCom error codes the client acts on.
const (
	CodeInvalidCredential = 40001
	CodeInvalidToken      = 40014
	CodeTokenExpired      = 42001
	CodeRateLimited       = 45009
	CodeTooConcurrent     = 45033 // too many concurrent calls
	CodePerUserLimit      = 45047 // too many messages to one member
	CodeSystemBusy        = -1
	CodeUserNotFound      = 60111
)

// MaxTextBytes is the most one WeCom text message holds.
const MaxTextBytes = 2048

// Client calls the WeCom API over silenceper/wechat's HTTP client (util):
// app messages (message/send), the group robot (webhook/send), the address
// book (user/get, department/list, user/simplelist) and OAuth
// (auth/getuserinfo). It implements unionbot.Sender and
// unionbot.MemberDirectory. The calls are a handful of JSON requests, made
// here rather than through the SDK's WeCom packages: their errors carry the
// URL with the access token, and their tokens never refresh early.
type Client struct {
	CorpID   string
	AgentID  int
	RobotKey string
	Logger   *slog.Logger
	// AuthorizeBase replaces https://open.weixin.qq.com in OAuth URLs when
	// set (a fake WeCom in tests and staging).
	AuthorizeBase string
	// Cards sends a notice's card as a template card (UNIONBOT_CARDS);
	// off, its text goes instead. Updates of tapped cards go either way.
	Cards bool
	Now   func() time.Time // the clock for response codes' 72 hours

	token     *TokenHandle
	deptNames sync.Map // department id -> name; names rarely change
}

// NewClient builds a client; tokens are cached in c (Redis or memory).
func NewClient(corpID, secret string, agentID int, robotKey string, c cache.Cache) *Client {
	tok := &TokenHandle{CorpID: corpID, Secret: secret, Cache: c}
	return &Client{CorpID: corpID, AgentID: agentID, RobotKey: robotKey, token: tok}
}

func (c *Client) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}

// sendRequest is a message/send body: text or markdown, the content under
// the key named by msgtype.
type sendRequest struct {
	ToUser   string            `json:"touser,omitempty"`
	ToParty  string            `json:"toparty,omitempty"`
	ToTag    string            `json:"totag,omitempty"`
	MsgType  string            `json:"msgtype"`
	AgentID  int               `json:"agentid,omitempty"`
	Text     map[string]string `json:"text,omitempty"`
	Markdown map[string]string `json:"markdown,omitempty"`
	// WeCom's duplicate check: the same request JSON sent again within the
	// interval is not delivered again (DuplicateCheckInterval).
	EnableDuplicateCheck  int `json:"enable_duplicate_check,omitempty"`
	DuplicateCheckSeconds int `json:"duplicate_check_interval,omitempty"`
}

// DuplicateCheckInterval is the least time WeCom keeps a text or markdown
// app message's request to refuse the same request again (its
// enable_duplicate_check). A send that timed out may have reached WeCom
// all the same, and the outbox then sends the same notice again, as the
// same JSON: within the interval WeCom delivers it once. The outbox's
// retries of a notice (2 s doubling, six attempts by default) end well
// inside it. WeCom's documents say it compares the request JSON, the
// interval with it, so each notice asks for DuplicateCheckInterval plus
// its id's remainder by 600 seconds (duplicateCheckSeconds): two notices
// with the same words to the same teacher are two requests, and both
// arrive, unless their ids are a multiple of 600 apart.
const DuplicateCheckInterval = 10 * time.Minute

// duplicateCheckSeconds is the duplicate check's interval for notice id,
// 600 to 1,199 seconds (WeCom allows 4 hours at most).
func duplicateCheckSeconds(id int64) int {
	return int(DuplicateCheckInterval/time.Second) + int(id%600)
}

func newSendRequest(format, text string) sendRequest {
	if format == unionbot.FormatMarkdown {
		return sendRequest{MsgType: "markdown", Markdown: map[string]string{"content": text}}
	}
	return sendRequest{MsgType: "text", Text: map[string]string{"content": text}}
}

// Send implements unionbot.Sender. Text longer than one message is sent as
// several, in order. An expired token is refreshed once and the call
// repeated; errors come back as *unionbot.SendError.
func (c *Client) Send(ctx context.Context, n *unionbot.Notice) error {
	if n.Channel == "robot" {
		return c.sendRobot(ctx, n)
	}
	card, parts := c.form(n)
	if card {
		return c.sendCard(ctx, n)
	}
	// Parts that repeat one another (a long list of the same line) would be
	// the same request, which the check would keep back: such a notice
	// goes without it.
	check := !repeatsPart(parts)
	for _, part := range parts {
		req := newSendRequest(n.Format, part)
		req.ToUser, req.ToParty, req.ToTag, req.AgentID = strings.Join(n.ToUsers, "|"), n.ToParty, n.ToTag, c.AgentID
		if check {
			req.EnableDuplicateCheck, req.DuplicateCheckSeconds = 1, duplicateCheckSeconds(n.ID)
		}
		if err := c.callWithToken(ctx, "message/send", nil, req, &APIStatus{}); err != nil {
			return err
		}
	}
	return nil
}

// repeatsPart reports whether two of parts are the same text.
func repeatsPart(parts []string) bool {
	for i := range parts {
		if slices.Contains(parts[:i], parts[i]) {
			return true
		}
	}
	return false
}

// textParts is n's text cut into the messages Send makes of it.
func textParts(n *unionbot.Notice) []string {
	limit := MaxTextBytes - 48
	if n.Format == unionbot.FormatMarkdown {
		limit = 4096 - 48
	}
	return SplitText(n.Text, limit)
}

// Parts tells the outbox how many messages Send makes of n: each counts
// against WeCom's per-member quotas.
func (c *Client) Parts(n *unionbot.Notice) int {
	if card, parts := c.form(n); !card {
		return len(parts)
	}
	return 1
}

// form is how Send delivers n: as its card (cards on, or an update of one),
// or as text messages, none for a card with nothing to say in words when
// cards are off.
func (c *Client) form(n *unionbot.Notice) (card bool, parts []string) {
	switch {
	case n.Card != nil && (c.Cards || n.Card.IsUpdate()):
		return true, nil
	case n.Card != nil && strings.TrimSpace(n.Text) == "":
		return false, nil
	}
	return false, textParts(n)
}

func (c *Client) sendRobot(ctx context.Context, n *unionbot.Notice) error {
	if c.RobotKey == "" {
		return &unionbot.SendError{Msg: "no group robot configured (WECOM_ROBOT_KEY)"}
	}
	return classify(call(ctx, "webhook/send", url.Values{"key": {c.RobotKey}}, newSendRequest(n.Format, n.Text), &APIStatus{}))
}

// LookupMember implements unionbot.MemberDirectory with user/get.
func (c *Client) LookupMember(ctx context.Context, userID string) (*unionbot.Member, error) {
	var resp struct {
		APIStatus
		UserID     string `json:"userid"`
		Name       string `json:"name"`
		Department []int  `json:"department"`
	}
	err := c.callWithToken(ctx, "user/get", url.Values{"userid": {userID}}, nil, &resp)
	if errCode(err) == CodeUserNotFound {
		return nil, unionbot.Errorf(unionbot.ENOTFOUND, "通讯录中没有“%s”。", userID)
	} else if err != nil {
		return nil, fmt.Errorf("user/get %s: %w", userID, err)
	}
	m := &unionbot.Member{UserID: resp.UserID, Name: resp.Name}
	if len(resp.Department) > 0 {
		m.Department = c.departmentName(ctx, resp.Department[0])
	}
	return m, nil
}

func (c *Client) departmentName(ctx context.Context, id int) string {
	if v, ok := c.deptNames.Load(id); ok {
		return v.(string)
	}
	var resp struct {
		APIStatus
		Department struct {
			Name string `json:"name"`
		} `json:"department"`
	}
	err := c.callWithToken(ctx, "department/get", url.Values{"id": {strconv.Itoa(id)}}, nil, &resp)
	if err != nil || resp.Department.Name == "" {
		return "部门" + strconv.Itoa(id)
	}
	c.deptNames.Store(id, resp.Department.Name)
	return resp.Department.Name
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
		retry := code == CodeRateLimited || code == CodeTooConcurrent || code == CodePerUserLimit ||
			code == CodeSystemBusy || code == CodeTokenExpired || code == CodeInvalidToken
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

// TokenHandle is our access-token handle: cached in Redis or memory, and
// Invalidate drops it when WeCom answers 40014/42001, which the SDK's
// handle never does.
type TokenHandle struct {
	CorpID, Secret string
	Cache          cache.Cache
	mu             sync.Mutex
}

func (t *TokenHandle) cacheKey() string { return "wecom_token_" + t.CorpID }

// GetAccessTokenContext returns the cached token or fetches a new one with
// gettoken.
func (t *TokenHandle) GetAccessTokenContext(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if v, ok := t.Cache.Get(t.cacheKey()).(string); ok && v != "" {
		return v, nil
	}
	var res struct {
		APIStatus
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := call(ctx, "gettoken", url.Values{"corpid": {t.CorpID}, "corpsecret": {t.Secret}}, nil, &res); err != nil {
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

// rewriteTransport sends requests for WeCom's and the Official Account's
// API hosts to base instead, so tests and staging reach a fake platform
// that serves both.
type rewriteTransport struct {
	base *url.URL
	next http.RoundTripper
}

func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == "qyapi.weixin.qq.com" || req.URL.Host == "api.weixin.qq.com" {
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

// Sender routes a notice to its channel's sender: WeCom (the default) and
// its robot here, the Official Account and the terminal when set. The
// outbox stores a notice per channel (unionbot.SplitByChannel); one that
// still names both kinds of recipient (queued before the split) is split
// here.
type Sender struct {
	WeCom  unionbot.Sender
	WeChat unionbot.Sender
	CLI    unionbot.Sender
}

// Parts implements bot.Parter for WeCom app messages.
func (s *Sender) Parts(n *unionbot.Notice) int {
	if p, ok := s.WeCom.(interface{ Parts(*unionbot.Notice) int }); ok {
		return p.Parts(n)
	}
	return 1
}

// Send implements unionbot.Sender.
func (s *Sender) Send(ctx context.Context, n *unionbot.Notice) error {
	parts := unionbot.SplitByChannel(new(*n))
	for _, p := range parts {
		var to unionbot.Sender
		switch p.Channel {
		case unionbot.ChannelWeChat:
			to = s.WeChat
		case unionbot.ChannelCLI:
			to = s.CLI
		default:
			to = s.WeCom
		}
		if to == nil {
			return &unionbot.SendError{Msg: "channel " + p.Channel + " is not configured"}
		}
		if err := to.Send(ctx, p); err != nil {
			return err
		}
	}
	return nil
}
